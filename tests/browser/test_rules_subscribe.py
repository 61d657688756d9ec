"""The rule editor's "Subscribe to list" action in Chromium: pick a list, see the confirmation, save, and a
customer's JOIN text joins the list.

data-testid attributes added to the editor: rule-action-subscribe, rule-list (the list picker),
rule-error-list_id.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.bot_admin_helpers import api_rule, full_page_screenshot, open_rules, rule_row, start_rule
from tests.browser.conftest import BRAND
from tests.browser.helpers import ADMIN, AGENT, Server, post_inbound, unique_phone, wait_until


@pytest.fixture(scope="module")
def lists(server: Server) -> dict[str, dict[str, Any]]:
    """Two lists made through the API: one single, one double opt-in."""
    return {
        "vip": server.send("POST", "lists", {"name": "VIP", "frequency": "up to 4 msgs/month"}),
        "deals": server.send("POST", "lists", {"name": "Deals", "double_opt_in": True}),
    }


def test_an_admin_makes_a_join_keyword_for_a_list(
    page: Page, server: Server, lists: dict[str, dict[str, Any]]
) -> None:
    """ "Subscribe to list" swaps the reply for a list picker; the preview is the real confirmation."""
    open_rules(page, server, ADMIN)
    start_rule(page, "Join VIP", ["join vip"], match="first_word", action="subscribe")
    expect(page.get_by_test_id("rule-reply")).to_be_hidden()
    picker = page.get_by_test_id("rule-list")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_text(["Choose a list…", "Deals", "VIP"])
    # A new rule shows errors only for fields already touched; the save button says what is missing.
    expect(page.get_by_test_id("rule-save")).to_be_disabled()
    expect(page.get_by_test_id("rule-save-state")).to_have_text("Still needed: List.")
    picker.select_option(label="Choose a list…")
    expect(page.get_by_test_id("rule-error-list_id")).to_contain_text(
        "Choose the list this keyword subscribes to"
    )

    picker.select_option(label="VIP")
    expect(page.get_by_test_id("rule-error-list_id")).to_be_hidden()
    expect(page.get_by_test_id("rule-preview-reply-text")).to_have_text(
        f"{BRAND}: You're subscribed to VIP. Up to 4 msgs/month. Msg&data rates may apply. "
        "Reply HELP for help, STOP to cancel."
    )
    picker.select_option(label="Deals")
    expect(page.get_by_test_id("rule-preview-reply-text")).to_contain_text(
        "Reply YES to confirm you want Deals texts"
    )
    picker.select_option(label="VIP")
    expect(page.get_by_test_id("rule-preview-reply-text")).to_contain_text("You're subscribed to VIP.")
    full_page_screenshot(page, "rules-subscribe-editor")

    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rules-status")).to_contain_text("Created “Join VIP”")
    saved = api_rule(server, "Join VIP")
    assert (saved["action"], saved["list_id"], saved["reply"]) == ("subscribe", lists["vip"]["id"], "")
    expect(rule_row(page, "Join VIP").get_by_test_id("rule-meta")).to_contain_text("Subscribe to list")

    phone = unique_phone()
    post_inbound(server, "Join VIP", phone)
    members = wait_until(
        lambda: server.get(f"lists/{lists['vip']['id']}/members", q=phone)["data"], "the keyword to join"
    )
    assert (members[0]["status"], members[0]["source"]) == ("subscribed", "keyword")

    # Reopened, the editor shows the rule's list; switching back to a reply brings the reply field back.
    page.reload()
    expect(page.get_by_test_id("rules-list")).to_have_attribute("data-loaded", "yes")
    rule_row(page, "Join VIP").get_by_test_id("rule-open").click()
    expect(page.get_by_test_id("rule-list")).to_have_value(str(lists["vip"]["id"]))
    page.get_by_test_id("rule-action-reply").check()
    expect(page.get_by_test_id("rule-list")).to_be_hidden()
    expect(page.get_by_test_id("rule-reply")).to_be_visible()


def test_an_agent_sees_the_list_of_a_join_rule_read_only(
    page: Page, server: Server, lists: dict[str, dict[str, Any]]
) -> None:
    """Agents read rules: the picker shows the list, disabled."""
    server.send(
        "POST",
        "rules",
        {"name": "Join Deals", "keywords": ["deals"], "action": "subscribe", "list_id": lists["deals"]["id"]},
    )
    open_rules(page, server, AGENT)
    rule_row(page, "Join Deals").get_by_test_id("rule-open").click()
    picker = page.get_by_test_id("rule-list")
    expect(picker).to_be_disabled()
    expect(picker).to_have_value(str(lists["deals"]["id"]))
    expect(page.get_by_test_id("rule-preview-reply-text")).to_contain_text(
        "Reply YES to confirm you want Deals texts"
    )
