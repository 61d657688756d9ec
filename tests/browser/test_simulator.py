"""The phone simulator: an admin texts the business, the bot answers, a hand-off reaches an agent and back."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import (
    ADMIN,
    AGENT,
    Server,
    folder,
    open_inbox,
    row,
    screenshot,
    sign_in,
    unique_phone,
)


def open_phone(page: Page, server: Server) -> str:
    """Open the simulator as the admin with a fresh customer number; returns the number."""
    sign_in(page, server, ADMIN)
    page.goto("/simulator")
    number = unique_phone()
    page.get_by_test_id("sim-number").fill(number)
    return number


def text_business(page: Page, body: str) -> None:
    """Type a text on the simulated phone and send it."""
    page.get_by_test_id("sim-body").fill(body)
    page.get_by_test_id("sim-send").click()


def bubble(page: Page, direction: str, body: str) -> Locator:
    """The phone's bubble with this exact text, sent (inbound) or received (outbound) by the business."""
    return page.locator(f'[data-testid=sim-message][data-direction="{direction}"]').filter(
        has=page.get_by_test_id("sim-message-body").get_by_text(body, exact=True)
    )


def test_a_keyword_gets_the_bots_reply_with_its_delivery_state(
    page: Page, server: Server, hours_rule: dict[str, Any]
) -> None:
    """Texting "hours" shows the text on the phone and the bot's reply arriving, then Delivered."""
    open_phone(page, server)
    text_business(page, "hours")
    expect(bubble(page, "inbound", "hours")).to_be_visible()
    reply = bubble(page, "outbound", hours_rule["reply"])
    expect(reply).to_be_visible()
    expect(reply.get_by_test_id("sim-message-status")).to_have_text("Delivered")
    expect(reply).to_have_attribute("data-status", "delivered")
    expect(page.get_by_test_id("sim-body")).to_have_value("")


def test_a_hand_off_reaches_the_agent_whose_reply_reaches_the_phone(
    page: Page, second_page: Page, server: Server, hours_rule: dict[str, Any]
) -> None:
    """Texting AGENT hands off: the agent sees it under Needs agent, replies, and the phone shows it live."""
    number = open_phone(page, server)
    open_inbox(second_page, server, AGENT)
    text_business(page, "hours")
    expect(bubble(page, "outbound", hours_rule["reply"])).to_be_visible()
    text_business(page, "agent")
    expect(bubble(page, "inbound", "agent")).to_be_visible()
    expect(page.locator("[data-testid=sim-message][data-direction=outbound]")).to_have_count(2)

    conv = server.conversation_for(number)
    expect(folder(second_page, "needs_agent")).to_have_attribute("aria-current", "true")
    listed = row(second_page, conv["id"])
    expect(listed).to_be_visible()
    expect(listed).to_have_attribute("data-status", "pending")
    listed.click()
    second_page.get_by_test_id("composer").fill("Hi, this is Ana. How can I help?")
    second_page.get_by_test_id("send").click()

    reply = bubble(page, "outbound", "Hi, this is Ana. How can I help?")
    expect(reply).to_be_visible()
    expect(reply.get_by_test_id("sim-message-status")).to_have_text("Delivered")
    text_business(page, "My order hasn't arrived yet")
    expect(bubble(page, "inbound", "My order hasn't arrived yet")).to_be_visible()
    screenshot(page, "simulator")
