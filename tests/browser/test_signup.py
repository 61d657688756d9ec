"""The public sign-up form /join/<slug> in Chromium: no login, mobile first, validation, pending until the
phone answers YES, and a hostile list name shown as text.

data-testid attributes: signup, signup-brand, signup-list-name, signup-description, signup-frequency,
signup-form, signup-phone, signup-phone-error, signup-consent, signup-consent-error, signup-disclosure,
signup-submit, signup-result (data-outcome: pending, already, opted_out, limited).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BRAND
from tests.browser.helpers import Server, post_inbound, screenshot, unique_phone, wait_until

HOSTILE = '<img src=x onerror="alert(1)">VIP'


@pytest.fixture(scope="module")
def vip(server: Server) -> dict[str, Any]:
    """A list with its public form at /join/vip-club, made through the API."""
    return server.send(
        "POST",
        "lists",
        {
            "name": "VIP Club",
            "description": "Early access to our sales.\nNo spam, ever.",
            "frequency": "up to 4 msgs/month",
            "slug": "vip-club",
            "signup_enabled": True,
            "welcome_text": "Welcome to the VIP Club!",
        },
    )


def member_status(server: Server, list_id: int, phone: str) -> str | None:
    """The membership status of a phone in a list, from the API."""
    members = server.get(f"lists/{list_id}/members", q=phone)["data"]
    return members[0]["status"] if members else None


def test_a_visitor_signs_up_on_a_phone_and_confirms_by_text(
    page: Page, server: Server, vip: dict[str, Any]
) -> None:
    """Mobile: the form explains itself, refuses a bad number and a missing tick, then asks for the YES."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/join/vip-club")
    expect(page.get_by_test_id("signup-brand")).to_have_text(BRAND)
    expect(page.get_by_test_id("signup-list-name")).to_have_text("VIP Club")
    expect(page.get_by_test_id("signup-frequency")).to_have_text("up to 4 msgs/month")
    disclosure = page.get_by_test_id("signup-disclosure")
    for part in (
        BRAND,
        "VIP Club",
        "Up to 4 msgs/month",
        "Msg&data rates may apply",
        "Reply STOP to cancel, HELP for help",
    ):
        expect(disclosure).to_contain_text(part)
    screenshot(page, "signup-form-mobile")

    page.get_by_test_id("signup-phone").fill("555")
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("signup-phone-error")).to_be_visible()
    expect(page.get_by_test_id("signup-consent-error")).to_be_visible()
    screenshot(page, "signup-form-errors")

    phone = unique_phone()
    page.get_by_test_id("signup-phone").fill(phone)
    page.get_by_test_id("signup-consent").check()
    page.get_by_test_id("signup-submit").click()
    result = page.get_by_test_id("signup-result")
    expect(result).to_have_attribute("data-outcome", "pending")
    expect(result).to_contain_text(phone)
    screenshot(page, "signup-check-your-phone")
    assert member_status(server, vip["id"], phone) == "pending"

    post_inbound(server, "YES", phone)
    wait_until(lambda: member_status(server, vip["id"], phone) == "subscribed", "the YES to confirm")
    conversation = server.conversation(server.conversation_for(phone)["id"])
    outbound = [m["body"] for m in conversation["messages"] if m["direction"] == "outbound"]
    assert outbound[0].startswith(f"{BRAND}: Reply YES to confirm you want VIP Club texts.")
    wait_until(
        lambda: len(server.conversation(conversation["id"])["messages"]) >= 4, "the confirmation texts"
    )
    outbound = [
        m["body"] for m in server.conversation(conversation["id"])["messages"] if m["direction"] == "outbound"
    ]
    assert outbound[1:] == [
        f"{BRAND}: You're subscribed to VIP Club. Up to 4 msgs/month. Msg&data rates may apply. "
        "Reply HELP for help, STOP to cancel.",
        "Welcome to the VIP Club!",
    ]


def test_the_form_on_a_wide_screen(page: Page, server: Server, vip: dict[str, Any]) -> None:
    """Desktop: one centred card."""
    page.goto("/join/vip-club")
    expect(page.get_by_test_id("signup-description")).to_have_text(
        "Early access to our sales.\nNo spam, ever."
    )
    box = page.get_by_test_id("signup").bounding_box()
    assert box is not None and box["width"] <= 460 and box["x"] > 300
    screenshot(page, "signup-form-desktop")


def test_a_hostile_list_name_is_shown_as_text(page: Page, server: Server) -> None:
    """The admin's text is escaped on the public page (the page watcher fails the test on any script)."""
    server.send(
        "POST",
        "lists",
        {"name": HOSTILE, "description": "<b>bold?</b>", "slug": "hostile", "signup_enabled": True},
    )
    page.goto("/join/hostile")
    expect(page.get_by_test_id("signup-list-name")).to_have_text(HOSTILE)
    expect(page.get_by_test_id("signup-description")).to_have_text("<b>bold?</b>")
    assert page.locator("img[src=x]").count() == 0 and page.locator("b").count() == 0
    expect(page.get_by_test_id("signup-disclosure")).to_contain_text(HOSTILE)


def test_an_opted_out_number_is_told_to_text_start(page: Page, server: Server, vip: dict[str, Any]) -> None:
    """A number that replied STOP is not texted: the page says to text START first."""
    phone = unique_phone()
    post_inbound(server, "STOP", phone)
    wait_until(lambda: server.get("contacts", phone=phone)["data"][0]["opted_out"], "the opt-out")
    page.goto("/join/vip-club")
    page.get_by_test_id("signup-phone").fill(phone)
    page.get_by_test_id("signup-consent").check()
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("signup-result")).to_have_attribute("data-outcome", "opted_out")
    expect(page.get_by_test_id("signup-result")).to_contain_text("START")
    assert member_status(server, vip["id"], phone) is None


def test_no_form_for_a_list_without_one(page: Page, server: Server) -> None:
    """A slug no list has is a 404."""
    response = page.goto("/join/no-such-list")
    assert response is not None and response.status == 404
