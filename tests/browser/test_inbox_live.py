"""The live inbox: texts arrive without a reload, agents reply, resolve, take, note, and see each other."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import BrowserContext, Page, WebSocketRoute, expect

from tests.browser.helpers import (
    ADMIN,
    AGENT,
    AGENT2,
    Server,
    folder,
    handed_off,
    login,
    message_with,
    open_inbox,
    post_inbound,
    row,
    screenshot,
    thread,
    unique_phone,
    wait_until,
)

STATUS = "message-status"


def status_of(server: Server, conversation_id: int) -> str:
    """A conversation's status as the API reports it."""
    return str(server.conversation(conversation_id)["status"])


def test_an_inbound_text_appears_live_in_the_list(page: Page, server: Server) -> None:
    """A new customer's text shows up in Needs agent without a reload, and the folder count follows."""
    open_inbox(page, server, AGENT)
    expect(folder(page, "needs_agent")).to_have_attribute("aria-current", "true")
    phone = unique_phone()
    conv = handed_off(server, phone, "I need a person please")
    listed = row(page, conv["id"])
    expect(listed).to_be_visible()
    expect(listed.get_by_test_id("row-name")).to_contain_text(phone[-4:])
    counts = server.get("inbox/counts")
    expect(folder(page, "needs_agent").get_by_test_id("folder-count")).to_have_text(
        str(counts["needs_agent"]["count"])
    )


def test_an_inbound_text_appears_live_in_the_open_thread(page: Page, server: Server) -> None:
    """A text into the conversation the agent has open appears in the thread and the row preview."""
    phone = unique_phone()
    conv = handed_off(server, phone)
    open_inbox(page, server, AGENT, conv["id"])
    post_inbound(server, "Is anyone there?", phone)
    expect(message_with(page, "Is anyone there?")).to_have_attribute("data-direction", "inbound")
    expect(row(page, conv["id"]).get_by_test_id("row-preview")).to_have_text("Is anyone there?")


def test_a_reply_from_the_composer_is_delivered(page: Page, server: Server) -> None:
    """The agent's reply shows in the thread and its state moves on to Delivered."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    page.get_by_test_id("composer").fill("Thanks, looking into it now.")
    page.get_by_test_id("send").click()
    sent = message_with(page, "Thanks, looking into it now.")
    expect(sent).to_have_attribute("data-direction", "outbound")
    expect(sent).to_have_attribute("data-sender", "agent")
    expect(sent.get_by_test_id("message-author")).to_contain_text(AGENT.name)
    expect(sent.get_by_test_id(STATUS)).to_have_text("Delivered")
    expect(page.get_by_test_id("composer")).to_have_value("")


def test_resolving_moves_the_conversation_out_of_the_open_folders(page: Page, server: Server) -> None:
    """Resolve in the thread header: the row leaves Needs agent / All open and is under Resolved."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    expect(row(page, conv["id"])).to_be_visible()
    page.get_by_test_id("action-resolve").click()
    expect(page.get_by_test_id("thread-status")).to_have_text(re.compile("resolved", re.I))
    expect(row(page, conv["id"])).to_have_count(0)
    folder(page, "open").click()
    expect(folder(page, "open")).to_have_attribute("aria-current", "true")
    expect(row(page, conv["id"])).to_have_count(0)
    folder(page, "resolved").click()
    expect(row(page, conv["id"])).to_be_visible()
    assert status_of(server, conv["id"]) == "resolved"


def test_take_then_hand_back_to_the_bot(page: Page, server: Server) -> None:
    """Take makes the conversation the agent's (open); hand back gives it to the bot, unassigned."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    page.get_by_test_id("action-take").click()
    expect(page.get_by_test_id("thread-status")).to_have_text(re.compile("open", re.I))
    taken = server.conversation(conv["id"])
    assert (taken["status"], taken["assignee"]["id"]) == ("open", server.id_of(AGENT))
    page.get_by_test_id("action-to-bot").click()
    expect(page.get_by_test_id("thread-status")).to_have_text(re.compile("bot", re.I))
    back = server.conversation(conv["id"])
    assert (back["status"], back["assignee"]) == ("bot", None)


def test_a_private_note_shows_in_the_thread_and_is_never_sent(page: Page, server: Server) -> None:
    """A note appears for the team; no text with its body is ever sent (checked after a later reply)."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    note_text = f"VIP customer, be gentle {uuid.uuid4().hex[:6]}"
    toggle = page.get_by_test_id("note-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("composer").fill(note_text)
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("note").filter(has_text=note_text).get_by_test_id("note-body")).to_have_text(
        note_text
    )

    if toggle.get_attribute("aria-pressed") == "true":  # the composer may return to replies by itself
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.get_by_test_id("composer").fill("Happy to help!")
    page.get_by_test_id("send").click()
    expect(message_with(page, "Happy to help!").get_by_test_id(STATUS)).to_have_text("Delivered")
    sent = [m["body"] for m in server.conversation(conv["id"])["messages"] if m["direction"] == "outbound"]
    assert "Happy to help!" in sent
    assert note_text not in sent
    assert not message_with(page, note_text).count()


def test_an_opted_out_contact_cannot_be_replied_to(page: Page, server: Server) -> None:
    """After STOP the thread shows the opted-out banner and the reply box is disabled."""
    phone = unique_phone()
    conv = handed_off(server, phone)
    post_inbound(server, "STOP", phone)
    wait_until(lambda: server.conversation(conv["id"])["contact"]["opted_out"], "the contact to opt out")
    open_inbox(page, server, AGENT, conv["id"])
    expect(page.get_by_test_id("opted-out-banner")).to_be_visible()
    expect(page.get_by_test_id("composer")).to_be_disabled()
    expect(page.get_by_test_id("contact-opted-out")).to_have_text("Opted out")


def test_the_segment_counter_names_the_encoding_and_the_culprit(page: Page, server: Server) -> None:
    """Plain text counts as GSM-7; a curly quote or an emoji switches to UCS-2 with a warning naming it."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    composer = page.get_by_test_id("composer")
    counter = page.get_by_test_id("segment-counter")
    warning = page.get_by_test_id("ucs2-warning")
    composer.fill("Hello there")
    expect(counter).to_have_text("11 / 160 · GSM-7 · 1 segment")
    expect(warning).to_be_hidden()
    composer.press_sequentially(" it’s")
    expect(counter).to_contain_text("UCS-2")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("’")
    composer.fill("Hello there 😀")
    expect(counter).to_have_text("14 / 70 · UCS-2 · 1 segment")
    expect(warning).to_contain_text("😀")
    composer.fill("Hello again")
    expect(counter).to_contain_text("GSM-7")
    expect(warning).to_be_hidden()


def test_a_canned_response_is_inserted_with_its_shortcut(
    page: Page, second_page: Page, server: Server
) -> None:
    """An admin saves /shortcut on the admin page; the agent types it and Tab inserts the text."""
    shortcut = f"thx{uuid.uuid4().hex[:6]}"
    text = "Thanks for your patience! We'll get back to you within the hour."
    login(second_page, ADMIN.email, ADMIN.password)
    second_page.goto("/admin/canned")
    second_page.locator("input[name=shortcut]").first.fill(shortcut)
    second_page.locator("textarea[name=body]").first.fill(text)
    second_page.get_by_role("button", name="Save").first.click()
    expect(second_page.locator(f'input[name=shortcut][value="{shortcut}"]')).to_have_count(1)

    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    composer = page.get_by_test_id("composer")
    expect(composer).to_be_enabled()  # typing "/" anywhere else focuses the search box instead
    composer.press_sequentially(f"/{shortcut}")
    menu = page.get_by_test_id("canned-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_test_id("canned-item")).to_contain_text([text])
    composer.press("Tab")
    expect(composer).to_have_value(text)
    expect(menu).to_be_hidden()


def test_two_agents_see_each_other_typing_and_viewing(page: Page, second_page: Page, server: Server) -> None:
    """Two agents on one thread: each is listed as a viewer for the other; typing shows to the other."""
    conv = handed_off(server, unique_phone())
    open_inbox(page, server, AGENT, conv["id"])
    open_inbox(second_page, server, AGENT2, conv["id"])
    expect(page.get_by_test_id("viewers")).to_contain_text(AGENT2.name)
    expect(second_page.get_by_test_id("viewers")).to_contain_text(AGENT.name)
    expect(second_page.get_by_test_id("typing")).to_be_hidden()
    expect(page.get_by_test_id("composer")).to_be_enabled()
    page.get_by_test_id("composer").press_sequentially("Let me check", delay=30)
    typing = second_page.get_by_test_id("typing")
    expect(typing).to_be_visible()
    expect(typing).to_contain_text(re.compile(rf"{AGENT.name.split()[0]}.*typing"))
    expect(page.get_by_test_id("typing")).to_be_hidden()


class SocketCutter:
    """Routes the page's WebSockets so a test can drop them and refuse new ones (offline alone keeps them)."""

    def __init__(self) -> None:
        self.routes: list[WebSocketRoute] = []
        self.refusing = False

    def handle(self, ws: WebSocketRoute) -> None:
        """Pass a new socket through to the server, unless we are 'offline'."""
        if self.refusing:
            ws.close()
            return
        ws.connect_to_server()
        self.routes.append(ws)

    def go_offline(self, context: BrowserContext) -> None:
        """Lose the network: HTTP fails, open sockets close, new sockets are refused."""
        self.refusing = True
        context.set_offline(True)
        for ws in self.routes:
            ws.close()
        self.routes.clear()

    def go_online(self, context: BrowserContext) -> None:
        """Get the network back."""
        self.refusing = False
        context.set_offline(False)


def test_after_a_disconnect_the_page_catches_up_without_a_reload(
    page: Page, context: BrowserContext, server: Server
) -> None:
    """A text that arrives while the page is offline appears once it is back online, with no reload."""
    phone = unique_phone()
    conv = handed_off(server, phone)
    cutter = SocketCutter()
    page.route_web_socket(re.compile(r"/socket\.io/"), cutter.handle)
    open_inbox(page, server, AGENT, conv["id"])
    page.evaluate("window.__sameDocument = true")

    cutter.go_offline(context)
    indicator = page.locator("#connection-state")
    expect(indicator).to_have_attribute("data-state", "disconnected")
    expect(indicator).to_be_visible()
    expect(indicator).to_contain_text("Reconnecting")
    post_inbound(server, "Sent while you were offline", phone)

    cutter.go_online(context)
    expect(indicator).to_have_attribute("data-state", "connected", timeout=20_000)
    expect(message_with(page, "Sent while you were offline")).to_be_visible()
    expect(row(page, conv["id"]).get_by_test_id("row-preview")).to_have_text("Sent while you were offline")
    assert page.evaluate("window.__sameDocument") is True


def test_screenshot_of_a_busy_inbox(page: Page, server: Server, hours_rule: dict[str, Any]) -> None:
    """A few conversations, one open with a bot reply, an agent reply and a note (inbox.png, thread.png)."""
    others = [
        ("Devon Park", "Where is my parcel?"),
        ("Sam Rivera", "Can I change my booking?"),
        (None, "agent"),
    ]
    for name, text in others:
        phone = unique_phone()
        conv = handed_off(server, phone)
        if text != "agent":
            post_inbound(server, text, phone)
        if name:
            server.send("PATCH", f"contacts/{conv['contact']['id']}", {"name": name})

    phone = unique_phone()
    post_inbound(server, "hi, what are your hours?", phone)
    conv = server.conversation_for(phone)
    server.send("PATCH", f"contacts/{conv['contact']['id']}", {"name": "Maria Lopez"})
    post_inbound(server, "ok, can I talk to a person?", phone)
    wait_until(lambda: status_of(server, conv["id"]) == "pending", "the hand-off")
    server.send(
        "POST",
        f"conversations/{conv['id']}/messages",
        {"body": "Hi Maria, Ada here. Happy to help — what’s your order number?"},
    )
    server.send(
        "POST", f"conversations/{conv['id']}/notes", {"body": "Asked twice about the Saturday hours."}
    )
    post_inbound(server, "It's 48213. Thanks!", phone)
    wait_until(
        lambda: all(
            m["status"] == "delivered"
            for m in server.conversation(conv["id"])["messages"]
            if m["direction"] == "outbound"
        ),
        "every reply to be delivered",
    )

    open_inbox(page, server, AGENT, conv["id"])
    folder(page, "open").click()
    expect(row(page, conv["id"])).to_be_visible()
    expect(page.get_by_test_id("note")).to_have_count(1)
    expect(message_with(page, hours_rule["reply"])).to_have_attribute("data-sender", "bot")
    expect(message_with(page, "It's 48213. Thanks!")).to_be_visible()
    expect(page.get_by_test_id("contact-name")).to_have_text("Maria Lopez")
    expect(row(page, conv["id"]).get_by_test_id("row-unread")).to_have_count(0)  # open means read
    page.get_by_test_id("composer").fill("Thanks Maria! Let me look up order 48213.")
    screenshot(page, "inbox")
    screenshot(thread(page), "thread")
