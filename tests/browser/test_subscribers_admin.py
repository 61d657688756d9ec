"""The subscriber lists pages in Chromium: lists with counts, the list editor, members, attributes, access.

The testids these tests use are listed in tests/browser/subscribers_helpers.py.
"""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import Page, expect

from tests.browser.helpers import ADMIN, AGENT, Server, sign_in, unique_phone
from tests.browser.subscribers_helpers import (
    HOSTILE,
    add_member,
    assert_unharmed,
    full_page_screenshot,
    list_row,
    make_list,
    member_row,
    members,
    open_attributes,
    open_list,
    open_lists,
    opted_out_contact,
)


def api_list(server: Server, name: str) -> dict[str, Any]:
    """The list with this name, from the API."""
    found = [item for item in server.get("lists", limit=200)["data"] if item["name"] == name]
    assert found, f"no list named {name!r}"
    return found[0]


def test_an_admin_creates_a_list_and_sees_it_with_its_counts(page: Page, server: Server) -> None:
    """New list: every field saved; the public link follows the slug; the row shows the members' counts."""
    open_lists(page, server, ADMIN)
    page.get_by_test_id("list-new").click()
    expect(page.get_by_test_id("list-editor-title")).to_have_text("New list")
    expect(page.get_by_test_id("list-form-save")).to_be_disabled()  # a list needs a name
    page.get_by_test_id("list-form-name").fill("VIP Club")
    page.get_by_test_id("list-form-description").fill("Early access to sales")
    page.get_by_test_id("list-form-frequency").fill("up to 4 msgs/month")
    page.get_by_test_id("list-form-double").check()
    expect(page.get_by_test_id("list-form-slug")).to_be_hidden()
    page.get_by_test_id("list-form-signup").check()
    expect(page.get_by_test_id("list-form-slug")).to_have_value("vip-club")  # suggested from the name
    page.get_by_test_id("list-form-slug").fill("vip")
    expect(page.get_by_test_id("list-form-link-url")).to_have_text("/join/vip")
    page.get_by_test_id("list-form-welcome").fill("Welcome to the VIP Club!")
    full_page_screenshot(page, "lists-editor")
    page.get_by_test_id("list-form-save").click()

    expect(page.get_by_test_id("subs-status")).to_contain_text("Created “VIP Club”")
    row = list_row(page, "VIP Club")
    expect(row).to_have_class(re.compile(r"\bis-selected\b"))
    expect(row.get_by_test_id("list-description")).to_have_text("Early access to sales")
    expect(row.get_by_test_id("list-fact-double")).to_be_visible()
    expect(row.get_by_test_id("list-fact-frequency")).to_have_text("up to 4 msgs/month")
    expect(row.get_by_test_id("list-signup")).to_have_text("/join/vip")
    expect(row.get_by_test_id("list-signup")).to_have_attribute("href", "/join/vip")
    for cell in ("list-subscribed", "list-pending", "list-left"):
        expect(row.get_by_test_id(cell)).to_have_text("0")
    # Saved, the editor's public address is a link.
    expect(page.get_by_test_id("list-form-link-url")).to_have_attribute("href", "/join/vip")

    saved = api_list(server, "VIP Club")
    assert {k: saved[k] for k in ("description", "frequency", "double_opt_in", "slug", "signup_enabled")} == {
        "description": "Early access to sales",
        "frequency": "up to 4 msgs/month",
        "double_opt_in": True,
        "slug": "vip",
        "signup_enabled": True,
    }
    assert saved["welcome_text"] == "Welcome to the VIP Club!"
    assert saved["signup_url"] == "/join/vip"

    # Members joining and leaving elsewhere show up in the counts on the next visit.
    plain = make_list(server, "Newsletter")
    stays, leaves = unique_phone(), unique_phone()
    add_member(server, plain["id"], stays)
    left = add_member(server, plain["id"], leaves)
    server.send("DELETE", f"lists/{plain['id']}/members/{left['contact']['id']}", {})
    page.reload()
    expect(page.get_by_test_id("lists-table")).to_have_attribute("data-loaded", "yes")
    newsletter = list_row(page, "Newsletter")
    expect(newsletter.get_by_test_id("list-subscribed")).to_have_text("1")
    expect(newsletter.get_by_test_id("list-pending")).to_have_text("0")
    expect(newsletter.get_by_test_id("list-left")).to_have_text("1")
    expect(newsletter.get_by_test_id("list-signup")).to_have_text("Off")
    expect(page.get_by_test_id("lists-count")).to_have_text("2")

    newsletter.get_by_test_id("list-edit").click()
    expect(page.get_by_test_id("list-editor-title")).to_have_text("Newsletter")
    full_page_screenshot(page, "lists")


def test_editing_a_list_saves_only_what_changed_and_a_duplicate_name_is_explained(
    page: Page, server: Server
) -> None:
    """Rename a list and turn its sign-up form off; taking another list's name is refused under the name."""
    make_list(server, "Spring Sale")
    make_list(server, "Weekly Deals", frequency="1 msg/week", signup_enabled=True, slug="deals")
    open_lists(page, server, ADMIN)
    list_row(page, "Weekly Deals").get_by_test_id("list-edit").click()
    expect(page.get_by_test_id("list-form-slug")).to_have_value("deals")
    expect(page.get_by_test_id("list-form-save")).to_be_disabled()  # nothing changed yet

    page.get_by_test_id("list-form-name").fill("Spring Sale")
    page.get_by_test_id("list-form-save").click()
    error = page.get_by_test_id("list-form-error-name")
    expect(error).to_contain_text("Another list already has the name")
    expect(page.get_by_test_id("list-form-name")).to_have_attribute("aria-invalid", "true")
    assert api_list(server, "Weekly Deals")["frequency"] == "1 msg/week"  # nothing was saved

    page.get_by_test_id("list-form-name").fill("Weekly Deals!")
    page.get_by_test_id("list-form-signup").uncheck()
    page.get_by_test_id("list-form-save").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text("Saved “Weekly Deals!”")
    row = list_row(page, "Weekly Deals!")
    expect(row.get_by_test_id("list-signup")).to_have_text("Off")
    saved = api_list(server, "Weekly Deals!")
    assert saved["signup_enabled"] is False
    assert saved["signup_url"] is None
    assert saved["frequency"] == "1 msg/week"


def test_deleting_a_list_asks_first(page: Page, server: Server) -> None:
    """Delete… asks, naming what goes; Keep it keeps the list; Delete list removes it."""
    doomed = make_list(server, "Old promo")
    add_member(server, doomed["id"], unique_phone())
    open_lists(page, server, ADMIN)
    list_row(page, "Old promo").get_by_test_id("list-edit").click()
    page.get_by_test_id("list-form-delete").click()
    panel = page.get_by_test_id("list-delete-panel")
    expect(panel).to_contain_text("Delete “Old promo”?")
    expect(panel).to_contain_text("1 membership record")
    expect(page.get_by_test_id("list-delete-confirm")).to_be_focused()
    page.get_by_test_id("list-delete-cancel").click()
    expect(panel).to_be_hidden()
    assert server.api("GET", f"lists/{doomed['id']}").status_code == 200

    page.get_by_test_id("list-form-delete").click()
    page.get_by_test_id("list-delete-confirm").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text("Deleted “Old promo”")
    expect(list_row(page, "Old promo")).to_have_count(0)
    expect(page.get_by_test_id("list-editor-empty")).to_be_visible()
    assert server.api("GET", f"lists/{doomed['id']}").status_code == 404


def test_a_list_is_renamed_and_deleted_from_its_own_page(page: Page, server: Server) -> None:
    """The list's page edits its settings in place (title follows) and Delete goes back to the lists."""
    summer = make_list(server, "Summer")
    add_member(server, summer["id"], unique_phone())
    open_list(page, server, ADMIN, summer["id"])
    expect(page.get_by_test_id("list-editor-title")).to_have_text("Settings")
    expect(page.get_by_test_id("list-form-close")).to_have_count(0)
    page.get_by_test_id("list-form-name").fill("Summer 2026")
    page.get_by_test_id("list-form-description").fill("Beach season offers")
    page.get_by_test_id("list-form-save").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text("Saved “Summer 2026”")
    expect(page.get_by_test_id("list-title")).to_have_text("Summer 2026")
    expect(page.get_by_test_id("list-description")).to_have_text("Beach season offers")
    assert page.title().startswith("Summer 2026 · ")
    assert server.get(f"lists/{summer['id']}")["name"] == "Summer 2026"

    page.get_by_test_id("list-form-delete").click()
    page.get_by_test_id("list-delete-confirm").click()
    expect(page).to_have_url(re.compile(r"/admin/lists$"))
    expect(page.get_by_test_id("subs-status")).to_contain_text(
        "Deleted “Summer 2026” and its 1 membership record"
    )
    expect(list_row(page, "Summer 2026")).to_have_count(0)
    assert server.api("GET", f"lists/{summer['id']}").status_code == 404


def test_members_are_added_filtered_searched_and_unsubscribed(page: Page, server: Server) -> None:
    """Add by phone (any formatting), see the opt-in record, filter, search, unsubscribe; counts follow."""
    club = make_list(server, "Members club")
    early = unique_phone()
    add_member(server, club["id"], early, name="Erin Early")
    open_list(page, server, ADMIN, club["id"])
    expect(page.get_by_test_id("list-title")).to_have_text("Members club")
    expect(page.get_by_test_id("list-count-subscribed-value")).to_have_text("1")

    phone = unique_phone()
    spaced = f"{phone[:2]} ({phone[2:5]}) {phone[5:8]}-{phone[8:]}"  # "+1 (415) 555-0123"
    page.get_by_test_id("member-add-phone").fill(spaced)
    page.get_by_test_id("member-add-name").fill("Sam Subscriber")
    page.get_by_test_id("member-add-submit").click()
    expect(page.get_by_test_id("subs-status")).to_contain_text(f"Added {phone} to “Members club”")
    row = member_row(page, phone)
    expect(row.get_by_test_id("member-name")).to_have_text("Sam Subscriber")
    expect(row.get_by_test_id("member-status")).to_have_text("Subscribed")
    expect(row.get_by_test_id("member-source")).to_have_text("Admin")
    expect(row.get_by_test_id("member-source-detail")).to_have_text(f"added by {ADMIN.email}")
    expect(row.get_by_test_id("member-joined")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
    )
    expect(row.get_by_test_id("member-left")).to_have_count(0)
    expect(page.get_by_test_id("member-add-phone")).to_have_value("")
    expect(page.get_by_test_id("list-count-subscribed-value")).to_have_text("2")
    assert {m["contact"]["phone"]: m["status"] for m in members(server, club["id"])} == {
        early: "subscribed",
        phone: "subscribed",
    }

    page.get_by_test_id("members-search").fill("erin")
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    expect(member_row(page, early)).to_be_visible()
    page.get_by_test_id("members-search").fill("")
    expect(page.get_by_test_id("member-row")).to_have_count(2)

    row = member_row(page, phone)
    row.get_by_test_id("member-remove").click()
    row.get_by_test_id("member-remove-cancel").click()
    expect(row.get_by_test_id("member-status")).to_have_text("Subscribed")
    row.get_by_test_id("member-remove").click()
    row.get_by_test_id("member-remove-confirm").click()
    row = member_row(page, phone)
    expect(row.get_by_test_id("member-status")).to_have_text("Left")
    expect(row.get_by_test_id("member-left")).to_be_visible()
    expect(row.get_by_test_id("member-remove")).to_have_count(0)
    expect(page.get_by_test_id("list-count-subscribed-value")).to_have_text("1")
    expect(page.get_by_test_id("list-count-unsubscribed-value")).to_have_text("1")
    assert {m["contact"]["phone"]: m["status"] for m in members(server, club["id"])}[phone] == "unsubscribed"

    page.get_by_test_id("members-status-unsubscribed").click()
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    expect(member_row(page, phone)).to_be_visible()
    page.get_by_test_id("members-status-subscribed").click()
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    expect(member_row(page, early)).to_be_visible()
    page.get_by_test_id("members-status-all").click()
    expect(page.get_by_test_id("member-row")).to_have_count(2)
    full_page_screenshot(page, "list-members")


def test_an_opted_out_number_or_a_bad_one_is_refused_in_words(page: Page, server: Server) -> None:
    """409 opted_out and 422 for a number that is not one: said in words, nothing added."""
    promo = make_list(server, "Promo")
    stopped = unique_phone()
    opted_out_contact(server, stopped)
    open_list(page, server, ADMIN, promo["id"])

    page.get_by_test_id("member-add-phone").fill(stopped)
    page.get_by_test_id("member-add-submit").click()
    error = page.get_by_test_id("member-add-error")
    expect(error).to_contain_text(f"{stopped} has opted out (texted STOP)")
    expect(error).to_contain_text("START")
    expect(page.get_by_test_id("member-add-phone")).to_have_value(stopped)  # kept, to correct or retry
    expect(page.get_by_test_id("member-row")).to_have_count(0)

    page.get_by_test_id("member-add-phone").fill("12")
    expect(error).to_be_hidden()  # typing clears the old error
    page.get_by_test_id("member-add-submit").click()
    expect(error).to_contain_text("12 is not a phone number we can text")
    expect(page.get_by_test_id("member-add-phone")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("member-row")).to_have_count(0)
    assert members(server, promo["id"]) == []
    assert_unharmed(page)


def test_a_member_who_texted_stop_is_marked_opted_out(page: Page, server: Server) -> None:
    """STOP keeps the membership as it was, and the members table marks the contact as opted out."""
    deals = make_list(server, "Deals")
    stays, stopped = unique_phone(), unique_phone()
    add_member(server, deals["id"], stays)
    add_member(server, deals["id"], stopped)
    opted_out_contact(server, stopped)
    open_list(page, server, ADMIN, deals["id"])
    expect(member_row(page, stopped).get_by_test_id("member-opted-out")).to_have_text("Opted out")
    expect(member_row(page, stopped).get_by_test_id("member-status")).to_have_text("Subscribed")
    expect(member_row(page, stays).get_by_test_id("member-opted-out")).to_have_count(0)


def test_members_page_with_load_more(page: Page, server: Server) -> None:
    """More members than one page: Load more fetches the rest with next_cursor, then goes away."""
    big = make_list(server, "Big list")
    phones = [unique_phone() for _ in range(57)]
    for phone in phones:
        add_member(server, big["id"], phone)
    open_list(page, server, ADMIN, big["id"])
    expect(page.get_by_test_id("member-row")).to_have_count(50)
    more = page.get_by_test_id("members-more")
    expect(more).to_be_visible()
    more.click()
    expect(page.get_by_test_id("member-row")).to_have_count(57)
    expect(more).to_be_hidden()
    shown = set(page.get_by_test_id("member-phone").all_text_contents())
    assert shown == set(phones)  # every member once: no page repeated or skipped
    expect(page.get_by_test_id("members-shown")).to_have_text("Showing 57 members")


def test_hostile_list_and_contact_names_render_as_text(page: Page, server: Server) -> None:
    """Markup in a list's name and description and in a member's name shows as those characters."""
    hostile = make_list(server, HOSTILE, description=HOSTILE, frequency=HOSTILE)
    phone = unique_phone()
    add_member(server, hostile["id"], phone, name=HOSTILE)
    open_lists(page, server, ADMIN)
    row = list_row(page, HOSTILE)
    expect(row.get_by_test_id("list-description")).to_have_text(HOSTILE)
    expect(row.get_by_test_id("list-fact-frequency")).to_have_text(HOSTILE)
    row.get_by_test_id("list-edit").click()
    expect(page.get_by_test_id("list-editor-title")).to_have_text(HOSTILE)
    expect(page.get_by_test_id("list-form-name")).to_have_value(HOSTILE)
    page.get_by_test_id("list-form-delete").click()
    expect(page.get_by_test_id("list-delete-panel")).to_contain_text(f"Delete “{HOSTILE}”?")
    assert_unharmed(page)

    open_list(page, server, ADMIN, hostile["id"])
    expect(page.get_by_test_id("list-title")).to_have_text(HOSTILE)
    expect(page.get_by_test_id("list-description")).to_have_text(HOSTILE)
    expect(member_row(page, phone).get_by_test_id("member-name")).to_have_text(HOSTILE)
    assert HOSTILE in page.title()
    assert_unharmed(page)


def test_attributes_are_defined_renamed_and_deleted(page: Page, server: Server) -> None:
    """Define an attribute (key suggested from the label), rename its label, delete it after a warning."""
    open_attributes(page, server, ADMIN)
    expect(page.get_by_test_id("attributes-state")).to_contain_text("No custom attributes yet")
    page.get_by_test_id("attribute-new-label").fill("Loyalty tier")
    expect(page.get_by_test_id("attribute-new-key")).to_have_value("loyalty_tier")
    page.get_by_test_id("attribute-new-type").select_option("number")
    page.get_by_test_id("attribute-new-submit").click()
    row = page.locator('[data-testid=attribute-row][data-key="loyalty_tier"]')
    expect(row.get_by_test_id("attribute-label")).to_have_text("Loyalty tier")
    expect(row.get_by_test_id("attribute-type")).to_have_text("Number")
    assert [(a["key"], a["label"], a["type"]) for a in server.get("attributes")["data"]] == [
        ("loyalty_tier", "Loyalty tier", "number")
    ]

    # A key segments could not use, or one that is taken, is refused under the key.
    page.get_by_test_id("attribute-new-label").fill("Phone")
    page.get_by_test_id("attribute-new-submit").click()
    expect(page.get_by_test_id("attribute-new-error-key")).to_contain_text("built-in field")
    page.get_by_test_id("attribute-new-key").fill("loyalty_tier")
    page.get_by_test_id("attribute-new-submit").click()
    expect(page.get_by_test_id("attribute-new-error-key")).to_contain_text("exists already")
    expect(page.get_by_test_id("attribute-row")).to_have_count(1)
    full_page_screenshot(page, "attributes")

    row.get_by_test_id("attribute-rename").click()
    label_input = row.get_by_test_id("attribute-label-input")
    expect(label_input).to_be_focused()
    label_input.fill(HOSTILE)
    label_input.press("Enter")
    expect(row.get_by_test_id("attribute-label")).to_have_text(HOSTILE)
    assert server.get("attributes")["data"][0]["label"] == HOSTILE
    assert_unharmed(page)

    row.get_by_test_id("attribute-delete").click()
    panel = page.get_by_test_id("attribute-delete-panel")
    expect(panel).to_contain_text("Every contact’s loyalty_tier value is removed")
    page.get_by_test_id("attribute-delete-confirm").click()
    expect(page.get_by_test_id("attribute-row")).to_have_count(0)
    expect(page.get_by_test_id("subs-status")).to_contain_text("Deleted “loyalty_tier”")
    assert server.get("attributes")["data"] == []


def test_the_lists_page_leads_to_segments_and_attributes(page: Page, server: Server) -> None:
    """The top bar has one "Lists" link; the subscriber tabs reach segments and attributes."""
    open_lists(page, server, ADMIN)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_test_id("subs-tab-segments").click()
    expect(page).to_have_url(re.compile(r"/admin/segments$"))
    expect(page.get_by_test_id("subs-tab-segments")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("subs-tab-attributes").click()
    expect(page).to_have_url(re.compile(r"/admin/attributes$"))


def test_an_agent_cannot_open_the_subscriber_pages_or_change_lists(page: Page, server: Server) -> None:
    """Agents get 403 on every subscriber page and on list writes, and no Lists link in the top bar."""
    club = make_list(server, "Agents keep out")
    sign_in(page, server, AGENT)
    for path in ("/admin/lists", f"/admin/lists/{club['id']}", "/admin/segments", "/admin/attributes"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Lists")).to_have_count(0)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content") or ""
    answer = page.request.post(
        f"{server.url}/api/v1/lists", data={"name": "Sneaky"}, headers={"X-CSRFToken": token}
    )
    assert answer.status == 403
    assert "Sneaky" not in [item["name"] for item in server.get("lists", limit=200)["data"]]


def test_an_unknown_list_is_a_404_page(page: Page, server: Server) -> None:
    """A list's page for an id that does not exist answers 404, not an empty shell."""
    sign_in(page, server, ADMIN)
    response = page.goto("/admin/lists/987654")
    assert response is not None and response.status == 404
    anonymous = requests.get(f"{server.url}/admin/lists", allow_redirects=False, timeout=10)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
