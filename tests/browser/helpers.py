"""Helpers for the browser tests: the live server handle, signed webhooks, login, screenshots, waits."""

from __future__ import annotations

import itertools
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from playwright.sync_api import Locator, Page, expect

from sms.twilio import compute_signature

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam  # the TypedDict add_cookies takes

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
SCREENSHOTS = RESULTS / "screenshots"
FAILURES = RESULTS / "failures"
TWILIO_TOKEN = "browser-tests-twilio-auth-token"
BUSINESS_NUMBER = "+15005550006"

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    """A desk login created for the browser tests."""

    email: str
    password: str
    name: str
    role: str


ADMIN = Account("admin@example.com", "admin-password-1", "Ada Admin", "admin")
AGENT = Account("ana@example.com", "agent-password-1", "Ana Agent", "agent")
AGENT2 = Account("bo@example.com", "agent-password-2", "Bo Agent", "agent")
ACCOUNTS = (ADMIN, AGENT, AGENT2)

# Unique customer numbers across the whole session (each module has its own database anyway).
_numbers = itertools.count((os.getpid() % 50) * 100 + 1)


def unique_phone() -> str:
    """A fresh, possible US number for one test's customer (fictional 555 range)."""
    return f"+1415555{next(_numbers) % 10000:04d}"


@dataclass
class Server:
    """A running `python app.py` with an admin API token and the ids of the prepared accounts."""

    url: str
    token: str
    user_ids: dict[str, int]
    log_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    def id_of(self, account: Account) -> int:
        """The user id of a prepared account."""
        return self.user_ids[account.email]

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        """Call /api/v1/<path> with the admin token (or another one)."""
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        return self.http.request(
            method, f"{self.url}/api/v1/{path.lstrip('/')}", headers=headers, timeout=10, **kwargs
        )

    def get(self, path: str, **params: Any) -> Any:
        """GET JSON from the API, failing on a non-2xx answer."""
        response = self.api("GET", path, params=params)
        assert response.ok, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """POST/PATCH/DELETE JSON to the API, failing on a non-2xx answer."""
        response = self.api(method, path, json=body)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def conversation_for(self, phone: str) -> dict[str, Any]:
        """The most recent conversation of a phone number (waits for it to exist)."""

        def find() -> dict[str, Any] | None:
            rows = self.get("conversations", phone=phone)["data"]
            return rows[0] if rows else None

        return wait_until(find, f"a conversation with {phone}")

    def conversation(self, conversation_id: int) -> dict[str, Any]:
        """One conversation with its messages."""
        return self.get(f"conversations/{conversation_id}")

    def log_tail(self, lines: int = 80) -> str:
        """The end of the server's log."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 8.0) -> T:
    """Poll probe until it returns something truthy (a bounded wait on server state), else fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


def inbound_form(body: str, sender: str) -> dict[str, str]:
    """The form Twilio posts for an inbound SMS, with a unique MessageSid."""
    sid = "SM" + uuid.uuid4().hex
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": BUSINESS_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCountry": "US",
    }


def post_inbound(server: Server, body: str, sender: str) -> requests.Response:
    """Text the business as `sender`: a signed Twilio webhook POST."""
    path = "/webhooks/twilio/sms"
    form = inbound_form(body, sender)
    signature = compute_signature(TWILIO_TOKEN, server.url + path, form)
    response = requests.post(
        server.url + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
    )
    assert response.status_code == 200, f"webhook answered {response.status_code}: {response.text}"
    return response


def handed_off(server: Server, phone: str, first_text: str = "agent") -> dict[str, Any]:
    """A conversation waiting for an agent (the customer asked for a person): status pending."""
    post_inbound(server, first_text, phone)

    def pending() -> dict[str, Any] | None:
        conv = server.conversation_for(phone)
        return conv if conv["status"] == "pending" else None

    return wait_until(pending, f"{phone}'s conversation to be handed off")


def login(page: Page, email: str, password: str) -> None:
    """Log in through the form (keyboard only) and wait to leave the login page."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")  # no mouse: the keyboard tests rely on it staying untouched
    expect(page).not_to_have_url(re.compile(r"/login"))


def wait_connected(page: Page) -> None:
    """Wait until the page's Socket.IO connection is up (the top bar indicator says so)."""
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "connected")


_session_cookies: dict[tuple[str, str], list[SetCookieParam]] = {}


def sign_in(page: Page, server: Server, account: Account) -> None:
    """Give the page's context a logged-in session: the form once per server and account, then its cookie."""
    key = (server.url, account.email)
    if key not in _session_cookies:
        login(page, account.email, account.password)
        _session_cookies[key] = [
            {"name": c["name"], "value": c["value"], "url": server.url}
            for c in page.context.cookies(server.url)
        ]
        return
    page.context.add_cookies(_session_cookies[key])


def open_inbox(page: Page, server: Server, account: Account, conversation_id: int | None = None) -> None:
    """Sign in and open the inbox (optionally with one conversation open); returns once it is live."""
    sign_in(page, server, account)
    if conversation_id is not None:
        page.goto(f"/conversations/{conversation_id}")
        expect(thread(page)).to_have_attribute("data-conversation-id", str(conversation_id))
        expect(thread(page).get_by_test_id("message").first).to_be_visible()  # loaded, not just opening
    else:
        page.goto("/")
        expect(page.get_by_test_id("conversation-list")).to_be_attached()
    wait_connected(page)


def thread(page: Page) -> Locator:
    """The thread pane."""
    return page.get_by_test_id("thread")


def row(page: Page, conversation_id: int) -> Locator:
    """One conversation's row in the list."""
    return page.locator(f'[data-testid=conversation-row][data-id="{conversation_id}"]')


def folder(page: Page, name: str) -> Locator:
    """One folder link in the sidebar."""
    return page.locator(f'[data-testid=folder][data-folder="{name}"]')


def message_with(page: Page, body: str) -> Locator:
    """The message in the open thread whose body is exactly this text."""
    return page.get_by_test_id("message").filter(
        has=page.get_by_test_id("message-body").get_by_text(body, exact=True)
    )


def screenshot(target: Page | Locator, name: str) -> Path:
    """Save a screenshot (of a page or one element) for humans: test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path), animations="disabled", caret="hide")
    return path
