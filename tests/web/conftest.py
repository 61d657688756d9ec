"""Browser-side helpers for Flask's test client: log in like a browser does, with the page's CSRF token."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.models import User
from tests.factories import make_user

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page carries (as the browser's script would read it)."""
    page = client.get(path)
    match = _CSRF_META.search(page.get_data(as_text=True))
    assert match, f"{path} carries no csrf-token meta tag"
    return match.group(1)


def log_in(client: FlaskClient, email: str, password: str = "password123") -> str:
    """Log in through the form; returns the CSRF token of the logged-in session."""
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_token(client, "/")


@pytest.fixture
def agent(session: Session) -> User:
    """An agent (password 'password123')."""
    return make_user(session, role="agent", name="Ana Agent")


@pytest.fixture
def admin(session: Session) -> User:
    """An admin (password 'password123')."""
    return make_user(session, role="admin", name="Ada Admin")
