"""Helpers for the subscriber screens' browser tests: open the pages, seed lists and members, find rows.

data-testid attributes the tests (and anyone scripting the pages) rely on:

  every page     subs-tabs, subs-tab-lists / -segments / -attributes, subs-status
  lists page     list-new, lists-table (data-loaded="yes"), lists-count, lists-state, list-row (data-id),
                 list-name (link to the list's page), list-description, list-fact-double, list-fact-frequency,
                 list-subscribed, list-pending, list-left, list-signup, list-edit, list-members
  list editor    list-editor, list-editor-empty, list-editor-title, list-form, list-form-name,
                 list-form-description, list-form-frequency, list-form-double, list-form-signup,
                 list-form-slug, list-form-link (-url), list-form-welcome, list-form-error-<field>,
                 list-form-save, list-form-revert, list-form-state, list-form-close, list-form-delete,
                 list-delete-panel, list-delete-confirm, list-delete-cancel
  a list's page  list-back, list-title, list-description, list-facts, list-count-<status>(-value),
                 members, member-add-phone, member-add-name, member-add-submit, member-add-error,
                 members-status-all / -subscribed / -pending / -unsubscribed, members-search,
                 members-table (data-loaded), members-state, members-shown, members-more,
                 member-row (data-contact-id, data-status), member-phone, member-opted-out, member-name,
                 member-status, member-source, member-source-detail, member-joined, member-confirmed,
                 member-left, member-remove, member-remove-confirm, member-remove-cancel
  attributes     attributes-table (data-loaded), attribute-row (data-key), attribute-key, attribute-label,
                 attribute-type, attribute-rename, attribute-label-input, attribute-label-save,
                 attribute-delete, attribute-delete-panel, attribute-delete-confirm, attribute-new-label,
                 attribute-new-key, attribute-new-type, attribute-new-submit, attribute-new-error-<field>
  segments       segment-new, segment-list (data-loaded), segment-row (data-id), segment-open,
                 segment-row-name, segment-row-count, segment-row-description, segment-row-filter,
                 segment-editor-title, segment-name, segment-description, segment-filter,
                 segment-count (data-state: empty | counting | ok | invalid | error), segment-error,
                 segment-error-position, segment-error-message, segment-error-pointer, segment-error-goto,
                 segment-save, segment-save-state, segment-delete, segment-delete-panel,
                 segment-delete-confirm, segment-help (data-loaded), segment-help-attribute (data-key),
                 segment-help-field, segment-help-examples, segment-help-use
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import SCREENSHOTS, Account, Server, post_inbound, sign_in, wait_until

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def open_lists(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the lists page; returns once the lists have loaded."""
    sign_in(page, server, account)
    page.goto("/admin/lists")
    expect(page.get_by_test_id("lists-table")).to_have_attribute("data-loaded", "yes")


def open_list(page: Page, server: Server, account: Account, list_id: int) -> None:
    """Sign in and open one list's page; returns once its members have loaded."""
    sign_in(page, server, account)
    page.goto(f"/admin/lists/{list_id}")
    expect(page.get_by_test_id("members-table")).to_have_attribute("data-loaded", "yes")


def open_attributes(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the attributes page; returns once the attributes have loaded."""
    sign_in(page, server, account)
    page.goto("/admin/attributes")
    expect(page.get_by_test_id("attributes-table")).to_have_attribute("data-loaded", "yes")


def open_segments(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the segments page; returns once the saved segments and the help have loaded."""
    sign_in(page, server, account)
    page.goto("/admin/segments")
    expect(page.get_by_test_id("segment-list")).to_have_attribute("data-loaded", "yes")
    expect(page.get_by_test_id("segment-help")).to_have_attribute("data-loaded", "yes")


def make_list(server: Server, name: str, **fields: Any) -> dict[str, Any]:
    """A list made through the API."""
    created: dict[str, Any] = server.send("POST", "lists", {"name": name, **fields})
    return created


def add_member(server: Server, list_id: int, phone: str, name: str | None = None) -> dict[str, Any]:
    """Add a member through the API (an admin adding someone)."""
    body = {"phone": phone, **({"name": name} if name else {})}
    member: dict[str, Any] = server.send("POST", f"lists/{list_id}/members", body)
    return member


def members(server: Server, list_id: int, **params: Any) -> list[dict[str, Any]]:
    """A list's members from the API (first 200)."""
    rows: list[dict[str, Any]] = server.get(f"lists/{list_id}/members", limit=200, **params)["data"]
    return rows


def opted_out_contact(server: Server, phone: str) -> None:
    """A contact who texted STOP (a signed inbound webhook), waited for until the desk has them opted out."""
    post_inbound(server, "STOP", phone)

    def opted_out() -> bool:
        rows = server.get("contacts", phone=phone)["data"]
        return bool(rows and rows[0]["opted_out"])

    wait_until(opted_out, f"{phone} to be opted out")


def list_row(page: Page, name: str) -> Locator:
    """The lists table's row whose list name is exactly this."""
    return page.get_by_test_id("list-row").filter(
        has=page.get_by_test_id("list-name").get_by_text(name, exact=True)
    )


def member_row(page: Page, phone: str) -> Locator:
    """The members table's row of this phone number."""
    return page.get_by_test_id("member-row").filter(
        has=page.get_by_test_id("member-phone").get_by_text(phone, exact=True)
    )


def segment_row(page: Page, name: str) -> Locator:
    """The saved segment row whose name is exactly this."""
    return page.get_by_test_id("segment-row").filter(
        has=page.get_by_test_id("segment-row-name").get_by_text(name, exact=True)
    )


def assert_unharmed(page: Page) -> None:
    """No payload ran and none became an element: no <img src=x>, no inline handlers, no flag."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    made = page.evaluate(
        """() => ({
            img: document.querySelectorAll('img[src="x"]').length,
            handlers: [...document.querySelectorAll('*')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert made == {"img": 0, "handlers": 0}


def full_page_screenshot(page: Page, name: str) -> Path:
    """A whole-page screenshot for humans: test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar would otherwise sit mid-page
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path
