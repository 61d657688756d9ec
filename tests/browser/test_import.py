"""The contact import page in Chromium: check a file, read the report, import it, export.

data-testid attributes these tests (and anyone scripting the page) rely on:

  form      import-form, import-file, import-list, import-region, import-check, import-error, import-columns
  report    import-report (data-state: checked | imported), report-title, report-summary, report-counts,
            report-count-<count> (and -value: rows_read, valid_rows, new_contacts, updated_contacts,
            unchanged_contacts, subscribed, already_members, opt_outs_added, tags_added),
            report-problems, report-no-problems, problem-<kind> (and -count), problem-example (data-row),
            import-run ("Import N contacts"), import-again
  export    export-list, export-link
"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Page, expect

from tests.browser.bot_admin_helpers import full_page_screenshot
from tests.browser.helpers import ADMIN, Server, sign_in

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">' + " Mallory" * 30  # too long: shown in the report
HOSTILE_PHONE = "<script>window.__pwned=1</script>"


def csv_file(rows: list[list[str]], name: str = "regulars.csv", encoding: str = "utf-8") -> dict[str, object]:
    """A file for set_input_files."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": buffer.getvalue().encode(encoding)}


def open_import(page: Page, server: Server) -> None:
    """Sign in as the admin and open the import page."""
    sign_in(page, server, ADMIN)
    page.goto("/admin/contacts/import")
    expect(page.get_by_test_id("import-check")).to_be_enabled()


def assert_unharmed(page: Page) -> None:
    """Nothing from the file ran or became an element."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    made = page.evaluate(
        """() => ({
            img: document.querySelectorAll('#import-report img').length,
            scripts: [...document.querySelectorAll('script')]
                .filter(s => s.textContent.includes('__pwned')).length,
            handlers: [...document.querySelectorAll('#import-report *')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert made == {"img": 0, "scripts": 0, "handlers": 0}


def exported(server: Server, **params: object) -> list[list[str]]:
    """The export's rows (header first), through the API."""
    response = server.api("GET", "contacts/export.csv", params=params)
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_check_then_import_shows_the_report_and_hostile_cells_as_text(page: Page, server: Server) -> None:
    """The dry run reports without changing anything; Import does it; file cells show as plain text."""
    regulars = server.send("POST", "lists", {"name": "Store regulars"})
    rows = [
        ["Phone", "Name", "Consent source", "<b>shoe</b>"],
        ["+1 415 555 0170", "Ann Lee", "paper form at the store", ""],
        ["(415) 555-0171", HOSTILE_NAME, "web form 2026-03-01", ""],
        ["415.555.0170", "Ann again", "", ""],
        [HOSTILE_PHONE, "", "", ""],
        ["+1 415 555 0172", "<i>Cy</i>", "", ""],
    ]
    open_import(page, server)
    page.get_by_test_id("import-file").set_input_files(csv_file(rows))  # type: ignore[arg-type]
    page.get_by_test_id("import-list").select_option(str(regulars["id"]))
    page.get_by_test_id("import-check").click()

    report = page.get_by_test_id("import-report")
    expect(report).to_have_attribute("data-state", "checked")
    expect(page.get_by_test_id("report-title")).to_have_text("Check of regulars.csv")
    expect(page.get_by_test_id("report-summary")).to_contain_text("Nothing has changed yet")
    for name, value in {"rows_read": "5", "valid_rows": "3", "new_contacts": "3", "subscribed": "2"}.items():
        expect(page.get_by_test_id(f"report-count-{name}-value")).to_have_text(value)
    expect(page.get_by_test_id("problem-duplicates-count")).to_have_text("1")
    expect(page.get_by_test_id("problem-no_consent-count")).to_have_text("1")
    bad_number = page.get_by_test_id("problem-invalid_numbers").get_by_test_id("problem-example")
    expect(bad_number).to_have_attribute("data-row", "5")
    expect(bad_number.locator("td").nth(2)).to_have_text(HOSTILE_PHONE)
    bad_name = page.get_by_test_id("problem-invalid_values").get_by_test_id("problem-example")
    expect(bad_name.locator("td").nth(2)).to_contain_text('<img src=x onerror="window.__pwned=1"> Mallory')
    expect(page.get_by_test_id("problem-unknown_columns")).to_contain_text("<b>shoe</b>")
    assert_unharmed(page)
    assert server.get("contacts", phone="+14155550170")["data"] == []  # the check changed nothing
    full_page_screenshot(page, "import-check")

    run = page.get_by_test_id("import-run")
    expect(run).to_have_text("Import 3 contacts")
    run.click()
    expect(report).to_have_attribute("data-state", "imported")
    expect(page.get_by_test_id("report-title")).to_have_text("Imported regulars.csv")
    expect(page.get_by_test_id("report-summary")).to_contain_text("No text was sent")
    expect(page.get_by_test_id("report-count-new_contacts-value")).to_have_text("3")
    expect(page.get_by_test_id("report-count-subscribed-value")).to_have_text("2")
    expect(page.get_by_test_id("import-run")).to_have_count(0)
    expect(page.get_by_test_id("import-again")).to_be_visible()
    assert_unharmed(page)
    full_page_screenshot(page, "import-done")

    members = exported(server, list_id=regulars["id"])
    assert [row[:2] for row in members[1:]] == [["'+14155550170", "Ann Lee"], ["'+14155550171", ""]]
    cy = server.get("contacts", phone="+14155550172")["data"]
    assert cy and cy[0]["name"] == "<i>Cy</i>"  # imported as a contact (no consent: not on the list)

    page.get_by_test_id("import-again").click()
    expect(report).to_be_hidden()


def test_a_file_that_cannot_be_read_says_why(page: Page, server: Server) -> None:
    """Not UTF-8, or no phone column: a clear message, and no report to import from."""
    open_import(page, server)
    latin = csv_file([["phone", "name"], ["+14155550180", "José"]], name="latin.csv", encoding="latin-1")
    page.get_by_test_id("import-file").set_input_files(latin)  # type: ignore[arg-type]
    page.get_by_test_id("import-check").click()
    error = page.get_by_test_id("import-error")
    expect(error).to_contain_text("Row 2 is not UTF-8 text")
    expect(page.get_by_test_id("import-report")).to_be_hidden()

    people = csv_file([["name", "email"], ["Ann", "ann@example.com"]], name="people.csv")
    page.get_by_test_id("import-file").set_input_files(people)  # type: ignore[arg-type]
    expect(error).to_be_hidden()  # a new file clears the old message
    page.get_by_test_id("import-check").click()
    expect(error).to_contain_text('no "phone" column (found: "name", "email")')

    page.get_by_test_id("import-region").fill("x")
    page.get_by_test_id("import-check").click()
    expect(error).to_contain_text("two-letter code")


def test_the_export_link_downloads_the_contacts(page: Page, server: Server) -> None:
    """The export link downloads a CSV; choosing a list narrows it to that list's members."""
    server.send("POST", "lists", {"name": "Export club"})
    open_import(page, server)
    with page.expect_download() as info:
        page.get_by_test_id("export-link").click()
    download = info.value
    assert download.suggested_filename.startswith("contacts-") and download.suggested_filename.endswith(
        ".csv"
    )
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:4] == ["phone", "name", "opted_out", "tags"] and header[-1] == "lists"

    page.get_by_test_id("export-list").select_option(label="Members of Export club")
    expect(page.get_by_test_id("export-link")).to_have_attribute("href", re.compile(r"list_id=\d+"))
