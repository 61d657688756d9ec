"""Fixtures the API tests share: an admin with a token, and an agent's token."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from inbox.models import User
from tests.factories import make_token, make_user


@pytest.fixture
def admin(session: Session) -> User:
    """An admin with a name and email the tests can look for."""
    return make_user(session, role="admin", name="Ada Admin", email="ada@example.com")


@pytest.fixture
def admin_token(session: Session, admin: User) -> str:
    """The admin's API token."""
    return make_token(session, admin)


@pytest.fixture
def agent_token(session: Session) -> str:
    """An agent's API token."""
    return make_token(session, role="agent")
