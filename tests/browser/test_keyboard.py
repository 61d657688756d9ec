"""The inbox works from the keyboard alone: move, open, reply, send, leave the composer, resolve."""

from __future__ import annotations

import re
from functools import partial

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    AGENT,
    Server,
    handed_off,
    message_with,
    open_inbox,
    row,
    unique_phone,
    wait_until,
)


def rows_in_order(page: Page) -> list[int]:
    """The conversation ids as the list shows them, top to bottom."""
    return page.get_by_test_id("conversation-row").evaluate_all("rows => rows.map(r => Number(r.dataset.id))")


def settled(server: Server, conversation_id: int) -> bool:
    """Every reply in the conversation is delivered (no more live updates are on their way)."""
    outbound = [m for m in server.conversation(conversation_id)["messages"] if m["direction"] == "outbound"]
    return all(m["status"] == "delivered" for m in outbound)


def test_the_keyboard_alone_moves_opens_replies_and_resolves(page: Page, server: Server) -> None:
    """j/k move through Needs agent, Enter opens, r + typing + Ctrl+Enter sends, Escape leaves, e resolves."""
    convs = [handed_off(server, unique_phone()) for _ in range(3)]
    for conv in convs:
        wait_until(partial(settled, server, conv["id"]), "the hand-off replies to be delivered")
    open_inbox(page, server, AGENT)
    expect(page.get_by_test_id("conversation-row")).to_have_count(len(convs))
    ids = rows_in_order(page)
    assert sorted(ids) == sorted(c["id"] for c in convs)
    keyboard = page.keyboard
    thread = page.get_by_test_id("thread")

    keyboard.press("j")
    keyboard.press("Enter")
    expect(thread).to_have_attribute("data-conversation-id", str(ids[0]))
    keyboard.press("j")
    keyboard.press("j")
    keyboard.press("Enter")
    expect(thread).to_have_attribute("data-conversation-id", str(ids[2]))
    keyboard.press("k")
    keyboard.press("Enter")
    expect(thread).to_have_attribute("data-conversation-id", str(ids[1]))
    expect(row(page, ids[1])).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(re.compile(rf"/conversations/{ids[1]}$"))

    composer = page.get_by_test_id("composer")
    expect(composer).to_be_enabled()
    keyboard.press("r")
    expect(composer).to_be_focused()
    keyboard.type("On it, one moment.")
    keyboard.press("Control+Enter")
    expect(message_with(page, "On it, one moment.")).to_have_attribute("data-direction", "outbound")
    expect(composer).to_have_value("")

    keyboard.press("Escape")
    expect(composer).not_to_be_focused()
    keyboard.press("e")
    expect(page.get_by_test_id("thread-status")).to_have_text(re.compile("resolved", re.I))
    wait_until(lambda: server.conversation(ids[1])["status"] == "resolved", "the conversation to be resolved")


def test_question_mark_shows_the_shortcuts_and_escape_hides_them(page: Page, server: Server) -> None:
    """? opens the shortcut help; Escape closes it."""
    open_inbox(page, server, AGENT)
    help_overlay = page.get_by_test_id("shortcuts-help")
    expect(help_overlay).to_be_hidden()
    page.keyboard.press("?")
    expect(help_overlay).to_be_visible()
    expect(help_overlay).to_contain_text("Ctrl+Enter")
    page.keyboard.press("Escape")
    expect(help_overlay).to_be_hidden()
