"""Helpers for the bot admin browser tests: open the rules and settings pages, fill a rule, text in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import SCREENSHOTS, Account, Server, sign_in, wait_until


def open_rules(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the rules page; returns once the rule list has loaded."""
    sign_in(page, server, account)
    page.goto("/admin/rules")
    expect(page.get_by_test_id("rules-list")).to_have_attribute("data-loaded", "yes")


def open_settings(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the settings page; returns once the form is filled."""
    sign_in(page, server, account)
    page.goto("/admin/settings")
    expect(page.get_by_test_id("settings-root")).to_have_attribute("data-loaded", "yes")


def rule_row(page: Page, name: str) -> Locator:
    """The row of the rule list whose name is exactly this."""
    return page.get_by_test_id("rule-row").filter(
        has=page.get_by_test_id("rule-row-name").get_by_text(name, exact=True)
    )


def add_keywords(page: Page, *keywords: str) -> None:
    """Type keywords into the editor's keyword box, Enter after each (each becomes a chip)."""
    box = page.get_by_test_id("rule-keywords")
    for keyword in keywords:
        box.fill(keyword)
        box.press("Enter")


def start_rule(
    page: Page,
    name: str,
    keywords: list[str],
    reply: str = "",
    match: str | None = None,
    action: str | None = None,
) -> None:
    """Click New rule and fill the form (nothing saved)."""
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("rule-name").fill(name)
    if match:
        page.get_by_test_id("rule-match").select_option(match)
    add_keywords(page, *keywords)
    if action:
        page.get_by_test_id(f"rule-action-{action}").check()
    if reply:
        page.get_by_test_id("rule-reply").fill(reply)


def api_rule(server: Server, name: str) -> dict[str, Any]:
    """The saved rule with this name, from the API."""
    rules = server.get("rules", limit=200)["data"]
    matching = [r for r in rules if r["name"] == name]
    assert matching, f"no rule named {name!r} in {[r['name'] for r in rules]}"
    return matching[0]


def text_business(page: Page, server: Server, phone: str, body: str) -> dict[str, Any]:
    """Text the business as `phone` through the phone simulator's endpoint, with the page's admin session."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content") or ""
    response = page.request.post(
        f"{server.url}/simulator/messages",
        data={"from": phone, "body": body},
        headers={"X-CSRFToken": token},
    )
    assert response.status == 201, f"simulator answered {response.status}: {response.text()}"
    result: dict[str, Any] = response.json()
    return result


def bot_reply_to(server: Server, sent: dict[str, Any]) -> str:
    """The first text the desk sent back after an inbound text (the bot's answer to it)."""
    inbound_id = sent["message"]["id"]

    def find() -> str | None:
        messages = server.conversation(sent["conversation_id"])["messages"]
        later = [m for m in messages if m["direction"] == "outbound" and m["id"] > inbound_id]
        return later[0]["body"] if later else None

    return wait_until(find, f"the reply to {sent['message']['body']!r}")


def full_page_screenshot(page: Page, name: str) -> Path:
    """Save the whole page, scrolled to the top, for humans: test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)  # no hover highlight in the picture
    viewport = page.viewport_size or {"width": 1360, "height": 860}
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    # A viewport as tall as the page, so sticky bars sit where they end up rather than mid-picture.
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        page.screenshot(path=str(path), animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(viewport)
    return path
