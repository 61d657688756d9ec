"""Logging in and out, who may see which page, login throttling, and the CSP every page carries."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import ADMIN, AGENT, AGENT2, Server, login, screenshot

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
LOGIN_URL = re.compile(r"/login(\?.*)?$")


def submit_login(page: Page, email: str, password: str) -> int:
    """Fill and submit the login form; returns the status of the POST's answer."""
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_response(lambda r: "/login" in r.url and r.request.method == "POST") as answer:
        page.click("button[type=submit]")
    return answer.value.status


def test_wrong_password_shows_an_error_and_stays_on_login(page: Page, server: Server) -> None:
    """A wrong password: an error on the login page, no session."""
    page.goto("/login")
    expect(page.locator("input[name=email]")).to_be_visible()
    screenshot(page, "login")
    assert submit_login(page, AGENT.email, "not-the-password") == 401
    expect(page.locator(".form-error")).to_be_visible()
    expect(page).to_have_url(LOGIN_URL)


def test_right_password_lands_on_the_inbox(page: Page, server: Server) -> None:
    """The right password lands on the inbox."""
    page.goto("/login")
    submit_login(page, AGENT.email, AGENT.password)
    expect(page).to_have_url(f"{server.url}/")
    expect(page).to_have_title(re.compile(r"Inbox"))


def test_logout_returns_to_login_and_the_inbox_then_asks_to_log_in(page: Page, server: Server) -> None:
    """Logging out lands on /login, and the inbox then redirects there again."""
    login(page, AGENT.email, AGENT.password)
    page.locator("form.logout-form button").click()
    expect(page).to_have_url(LOGIN_URL)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))


def test_an_agent_may_not_open_the_simulator_or_the_admin_pages(page: Page, server: Server) -> None:
    """Agents get 403 on the admin-only pages."""
    login(page, AGENT.email, AGENT.password)
    for path in ("/simulator", "/admin/users", "/admin/canned"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 403, path
        expect(page.locator("h1")).to_have_text("Not allowed")


def test_repeated_wrong_passwords_are_throttled(page: Page, server: Server) -> None:
    """After five failures the account must wait: 429, even with the right password."""
    page.goto("/login")
    statuses = [submit_login(page, AGENT2.email, f"wrong-{n}") for n in range(5)]
    assert statuses == [401] * 5
    assert submit_login(page, AGENT2.email, AGENT2.password) == 429
    expect(page.locator(".form-error")).to_contain_text("Too many failed attempts")
    expect(page).to_have_url(LOGIN_URL)


def check_page(page: Page, path: str) -> None:
    """Open path: the answer carries the CSP; every <script> is external or JSON data; no on* attributes."""
    answer = page.goto(path)
    assert answer is not None and answer.ok, path
    assert answer.headers.get("content-security-policy") == CSP, path
    assert answer.headers.get("x-content-type-options") == "nosniff", path
    scripts = page.eval_on_selector_all(
        "script", "els => els.map(e => [e.getAttribute('src'), e.getAttribute('type')])"
    )
    inline = [s for s in scripts if not s[0] and s[1] != "application/json"]
    assert not inline, f"{path} has inline scripts: {inline}"
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
        ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
    )
    assert not handlers, f"{path} has inline event handlers: {handlers}"


def test_pages_carry_the_csp_and_no_inline_script(page: Page, server: Server) -> None:
    """The login page, the inbox, the simulator and the admin pages: CSP header, no inline code."""
    check_page(page, "/login")
    login(page, ADMIN.email, ADMIN.password)
    for path in ("/", "/simulator", "/admin/users", "/admin/canned"):
        check_page(page, path)
