"""Untrusted text (SMS bodies, contact names) renders as literal text everywhere and never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    AGENT,
    Server,
    handed_off,
    message_with,
    open_inbox,
    post_inbound,
    row,
    unique_phone,
)

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click</a>',
]
HOSTILE_NAME = '<b onmouseover="window.__pwned=1">Mallory</b>'


def assert_unharmed(page: Page) -> None:
    """Nothing ran and no element was made from the payloads."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    made = page.evaluate(
        """() => ({
            img: document.querySelectorAll('img[src="x"]').length,
            jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
            b: document.querySelectorAll('#inbox b').length,
            scripts: [...document.querySelectorAll('script')]
                .filter(s => s.textContent.includes('__pwned')).length,
            handlers: [...document.querySelectorAll('*')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert made == {"img": 0, "jsLinks": 0, "b": 0, "scripts": 0, "handlers": 0}


@pytest.mark.parametrize("body", PAYLOADS, ids=["script", "img-onerror", "javascript-link"])
def test_hostile_texts_render_as_text_in_the_list_and_the_thread(
    page: Page, server: Server, body: str
) -> None:
    """A text that looks like HTML shows as exactly those characters in the row preview and the thread."""
    phone = unique_phone()
    conv = handed_off(server, phone)
    post_inbound(server, body, phone)
    open_inbox(page, server, AGENT, conv["id"])
    expect(row(page, conv["id"]).get_by_test_id("row-preview")).to_have_text(body)
    expect(message_with(page, body)).to_have_attribute("data-direction", "inbound")
    assert_unharmed(page)


def test_a_hostile_contact_name_renders_as_text_everywhere(page: Page, server: Server) -> None:
    """A name with markup shows literally in the list, the thread header, the contact panel, the title."""
    phone = unique_phone()
    conv = handed_off(server, phone)
    server.send("PATCH", f"contacts/{conv['contact']['id']}", {"name": HOSTILE_NAME})
    open_inbox(page, server, AGENT, conv["id"])
    shown = [
        row(page, conv["id"]).get_by_test_id("row-name"),
        page.get_by_test_id("thread-title"),
        page.get_by_test_id("contact-name"),
    ]
    for where in shown:
        expect(where).to_have_text(HOSTILE_NAME)
        where.hover()
    title = page.title()
    assert "&lt;" not in title and ("Mallory" not in title or HOSTILE_NAME in title), title
    assert_unharmed(page)


def test_clicking_a_hostile_link_text_goes_nowhere(page: Page, server: Server) -> None:
    """The text of a javascript: link is not a link: clicking it neither navigates nor runs anything."""
    phone = unique_phone()
    body = PAYLOADS[2]
    conv = handed_off(server, phone)
    post_inbound(server, body, phone)
    open_inbox(page, server, AGENT, conv["id"])
    url = page.url
    text = message_with(page, body).get_by_test_id("message-body")
    text.click()
    row(page, conv["id"]).get_by_test_id("row-preview").click()
    expect(page).to_have_url(url)
    assert len(page.context.pages) == 1
    assert_unharmed(page)
