"""The Team page: an admin adds an agent and issues and revokes API tokens, all in the browser."""

from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import Page, expect

from tests.browser.helpers import ADMIN, Server, login


def test_an_admin_adds_an_agent_whose_shown_password_logs_in(
    page: Page, second_page: Page, server: Server
) -> None:
    """The generated password shown once on the Team page logs the new agent in (another browser)."""
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    login(page, ADMIN.email, ADMIN.password)
    page.goto("/admin/users")
    form = page.locator("form", has=page.locator("input[name=email]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=name]").fill("Nia New")
    form.locator("select[name=role]").select_option("agent")
    form.locator("button[type=submit]").click()
    password = page.locator("#new-password")
    expect(password).to_be_visible()
    expect(page.locator("table tr", has_text=email)).to_contain_text("agent")

    login(second_page, email, password.inner_text().strip())
    expect(second_page).to_have_url(f"{server.url}/")
    expect(second_page.locator(".whoami")).to_contain_text("Nia New")


def test_an_admin_issues_an_api_token_that_works_until_revoked(page: Page, server: Server) -> None:
    """A token made on the Team page reads the API; once revoked it answers 401."""
    name = f"crm-{uuid.uuid4().hex[:6]}"
    login(page, ADMIN.email, ADMIN.password)
    page.goto("/admin/users")
    person = page.locator("table tr", has_text=ADMIN.email)
    person.get_by_placeholder(re.compile("token name")).fill(name)
    person.get_by_role("button", name="New token").click()
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    token = shown.inner_text().strip()

    url = f"{server.url}/api/v1/conversations"
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.get(url, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == []

    page.goto("/admin/users")
    listed = page.locator("table tr", has_text=ADMIN.email).locator("li", has_text=name)
    expect(listed).to_contain_text(token[:10])
    listed.get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash")).to_contain_text("revoked")
    expect(page.locator("li", has_text=name)).to_have_count(0)
    assert requests.get(url, headers=headers, timeout=10).status_code == 401
