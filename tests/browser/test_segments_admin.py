"""The segment editor in Chromium: a live count as you type, errors pointing at the spot, save, edit, delete.

Contacts are seeded through the API a browser would use (list members) and signed inbound texts; the
testids are listed in tests/browser/subscribers_helpers.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.helpers import ADMIN, Server, unique_phone
from tests.browser.subscribers_helpers import (
    HOSTILE,
    add_member,
    assert_unharmed,
    full_page_screenshot,
    make_list,
    open_segments,
    opted_out_contact,
    segment_row,
)


@pytest.fixture(scope="module")
def audience(server: Server) -> dict[str, Any]:
    """Newsletter: Anna, Annabel, Bo; VIP: Anna; one more contact who texted STOP. Made once per module."""
    newsletter = make_list(server, "Newsletter")
    vip = make_list(server, "VIP")
    phones = {name: unique_phone() for name in ("Anna", "Annabel", "Bo")}
    for name, phone in phones.items():
        add_member(server, newsletter["id"], phone, name=name)
    add_member(server, vip["id"], phones["Anna"])
    stopped = unique_phone()
    opted_out_contact(server, stopped)
    return {"newsletter": newsletter, "vip": vip, "phones": phones, "stopped": stopped}


def count_requests(page: Page) -> list[Request]:
    """Every POST /api/v1/segments/count the page makes from now on."""
    seen: list[Request] = []
    page.on("request", lambda r: seen.append(r) if r.url.endswith("/api/v1/segments/count") else None)
    return seen


def test_the_live_count_follows_the_filter(page: Page, server: Server, audience: dict[str, Any]) -> None:
    """Typing a filter shows how many contacts it selects, debounced: one request per pause, not per key."""
    open_segments(page, server, ADMIN)
    count = page.get_by_test_id("segment-count")
    expect(count).to_have_attribute("data-state", "empty")
    expect(page.get_by_test_id("segment-save")).to_be_disabled()
    requests_made = count_requests(page)

    box = page.get_by_test_id("segment-filter")
    box.press_sequentially('list = "Newsletter"', delay=15)
    expect(count).to_have_text("3 contacts")
    expect(count).to_have_attribute("data-state", "ok")
    assert 1 <= len(requests_made) <= 2, [r.post_data for r in requests_made]  # 19 keys, one pause

    box.press_sequentially(' AND name contains "ann"', delay=15)
    expect(count).to_have_text("2 contacts")
    box.fill('list = "VIP"')
    expect(count).to_have_text("1 contact")
    box.fill("opted_out = true")
    expect(count).to_have_text("1 contact")
    box.fill('NOT list = "Newsletter" AND opted_out = false')
    expect(count).to_have_text("0 contacts")
    box.fill("")
    expect(count).to_have_attribute("data-state", "empty")
    expect(count).to_have_text("Write a filter to count the contacts it selects.")


def test_an_invalid_filter_points_at_the_error_and_blocks_save(
    page: Page, server: Server, audience: dict[str, Any]
) -> None:
    """A syntax error and an unknown field show their line, column and a caret; Save stays off."""
    open_segments(page, server, ADMIN)
    page.get_by_test_id("segment-name").fill("Broken")
    box = page.get_by_test_id("segment-filter")
    save = page.get_by_test_id("segment-save")
    error = page.get_by_test_id("segment-error")

    box.fill('list = "VIP"')
    expect(page.get_by_test_id("segment-count")).to_have_text("1 contact")
    expect(save).to_be_enabled()

    box.fill('list = "VIP" AND = 3')
    expect(error).to_be_visible()
    expect(page.get_by_test_id("segment-count")).to_have_attribute("data-state", "invalid")
    expect(page.get_by_test_id("segment-error-position")).to_have_text("Line 1, column 18")
    expect(page.get_by_test_id("segment-error-message")).to_contain_text("'='")
    expect(page.get_by_test_id("segment-error-pointer")).to_have_text(
        'list = "VIP" AND = 3\n' + " " * 17 + "^"
    )
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(save).to_be_disabled()
    expect(page.get_by_test_id("segment-save-state")).to_have_text("Fix the filter to save.")
    full_page_screenshot(page, "segments-error")

    box.fill('list = "VIP"\n  AND citty = "Boston"')
    expect(page.get_by_test_id("segment-error-position")).to_have_text("Line 2, column 7")
    expect(page.get_by_test_id("segment-error-message")).to_contain_text("citty")
    expect(page.get_by_test_id("segment-error-pointer")).to_have_text(
        '  AND citty = "Boston"\n' + " " * 6 + "^"
    )
    expect(save).to_be_disabled()
    page.get_by_test_id("segment-error-goto").click()
    expect(box).to_be_focused()
    # The cursor lands on the "c" of citty: 12 characters of line 1, the newline, 6 of line 2.
    assert box.evaluate("el => [el.selectionStart, el.selectionEnd]") == [19, 20]

    box.fill('list = "VIP"\n  AND name contains "ann"')
    expect(error).to_be_hidden()
    expect(page.get_by_test_id("segment-count")).to_have_text("1 contact")
    expect(box).to_have_attribute("aria-invalid", "false")
    expect(save).to_be_enabled()
    assert server.get("segments")["data"] == []  # nothing saved along the way


def test_a_segment_is_saved_listed_edited_and_deleted(
    page: Page, server: Server, audience: dict[str, Any]
) -> None:
    """Save shows the segment in the list with its count; edit changes it; delete asks, then removes it."""
    open_segments(page, server, ADMIN)
    expect(page.get_by_test_id("segments-state")).to_contain_text("No saved segments yet")
    page.get_by_test_id("segment-filter").fill('list = "Newsletter"')
    expect(page.get_by_test_id("segment-count")).to_have_text("3 contacts")
    expect(page.get_by_test_id("segment-save")).to_be_disabled()  # no name yet
    expect(page.get_by_test_id("segment-save-state")).to_have_text("Name the segment to save it.")
    page.get_by_test_id("segment-name").fill("Newsletter readers")
    page.get_by_test_id("segment-description").fill("Everyone on the newsletter")
    page.get_by_test_id("segment-save").click()

    expect(page.get_by_test_id("subs-status")).to_contain_text("Saved “Newsletter readers” — 3 contacts")
    row = segment_row(page, "Newsletter readers")
    expect(row.get_by_test_id("segment-row-count")).to_have_text("3 contacts")
    expect(row.get_by_test_id("segment-row-description")).to_have_text("Everyone on the newsletter")
    expect(row.get_by_test_id("segment-row-filter")).to_have_text('list = "Newsletter"')
    expect(row).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.get_by_test_id("segment-editor-title")).to_have_text("Newsletter readers")
    expect(page.get_by_test_id("segment-save")).to_be_disabled()  # saved: nothing to save
    saved = server.get("segments")["data"]
    assert [(s["name"], s["filter"], s["description"], s["count"]) for s in saved] == [
        ("Newsletter readers", 'list = "Newsletter"', "Everyone on the newsletter", 3)
    ]
    segment_id = saved[0]["id"]
    expect(page).to_have_url(re.compile(rf"#segment-{segment_id}$"))

    page.get_by_test_id("segment-filter").fill('list = "Newsletter" AND name contains "ann"')
    expect(page.get_by_test_id("segment-count")).to_have_text("2 contacts")
    page.get_by_test_id("segment-save").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text("Updated “Newsletter readers” — 2 contacts")
    expect(segment_row(page, "Newsletter readers").get_by_test_id("segment-row-count")).to_have_text(
        "2 contacts"
    )
    assert server.get(f"segments/{segment_id}")["filter"] == 'list = "Newsletter" AND name contains "ann"'
    full_page_screenshot(page, "segments")

    # Opening the page on the segment's address opens it in the editor.
    page.reload()
    expect(page.get_by_test_id("segment-editor-title")).to_have_text("Newsletter readers")
    expect(page.get_by_test_id("segment-count")).to_have_text("2 contacts")

    page.get_by_test_id("segment-delete").click()
    expect(page.get_by_test_id("segment-delete-panel")).to_contain_text(
        "Delete the segment “Newsletter readers”?"
    )
    page.get_by_test_id("segment-delete-confirm").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text("Deleted the segment “Newsletter readers”")
    expect(page.get_by_test_id("segment-row")).to_have_count(0)
    expect(page.get_by_test_id("segment-editor-title")).to_have_text("New segment")
    assert server.api("GET", f"segments/{segment_id}").status_code == 404


def test_the_help_lists_custom_attributes_and_inserts_them(
    page: Page, server: Server, audience: dict[str, Any]
) -> None:
    """Defined attributes appear in the help; a click inserts the key; a filter on it counts (no error)."""
    server.send("POST", "attributes", {"key": "city", "label": "City", "type": "text"})
    try:
        open_segments(page, server, ADMIN)
        attribute = page.locator('[data-testid=segment-help-attribute][data-key="city"]')
        expect(attribute).to_contain_text("City")
        attribute.get_by_role("button", name="city").click()
        box = page.get_by_test_id("segment-filter")
        expect(box).to_have_value("city ")
        box.press_sequentially('= "Boston"')
        expect(page.get_by_test_id("segment-count")).to_have_text("0 contacts")

        # An example replaces the filter (after asking, as the filter is not empty); it uses city too.
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("segment-help-examples").get_by_test_id("segment-help-use").first.click()
        expect(box).to_have_value('tag = "vip" AND city = "Boston" AND last_inbound_at > -30d')
        expect(page.get_by_test_id("segment-count")).to_have_text("0 contacts")
        expect(page.get_by_test_id("segment-error")).to_be_hidden()
    finally:
        for item in server.get("attributes")["data"]:
            server.api("DELETE", f"attributes/{item['id']}")


def test_hostile_segment_names_render_as_text(page: Page, server: Server, audience: dict[str, Any]) -> None:
    """Markup in a segment's name, description and filter shows as those characters."""
    hostile_filter = f"name contains {json.dumps(HOSTILE)}"  # the language's strings escape like JSON
    server.send("POST", "segments", {"name": HOSTILE, "description": HOSTILE, "filter": hostile_filter})
    open_segments(page, server, ADMIN)
    row = segment_row(page, HOSTILE)
    expect(row.get_by_test_id("segment-row-description")).to_have_text(HOSTILE)
    expect(row.get_by_test_id("segment-row-filter")).to_have_text(hostile_filter)
    row.get_by_test_id("segment-open").click()
    expect(page.get_by_test_id("segment-editor-title")).to_have_text(HOSTILE)
    expect(page.get_by_test_id("segment-filter")).to_have_value(hostile_filter)
    expect(page.get_by_test_id("segment-count")).to_have_text("0 contacts")
    assert_unharmed(page)
