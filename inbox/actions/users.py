"""Users and API tokens."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.auth import check_password, hash_password, new_token, password_needs_rehash, token_digest
from inbox.db import utcnow
from inbox.events import notify_user_deactivated
from inbox.models import ApiToken, User
from inbox.models.users import ROLES

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,189}$")


class UserError(ValueError):
    """A user or token request that cannot be carried out."""


def create_user(
    session: Session, email: str, role: str, password: str | None = None, name: str = ""
) -> tuple[User, str]:
    """Create a user; returns it and its password (generated when none is given). Commits."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"a user with email {email} already exists")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or len(name) > 120:
        raise UserError("name must be at most 120 characters, without control characters")
    if password is not None and len(password) < 8:
        raise UserError("password must be at least 8 characters")
    password = password or secrets.token_urlsafe(12)
    user = User(email=email, role=role, name=name, password_hash=hash_password(password))
    session.add(user)
    session.commit()
    return user, password


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue an API token for a user; the plain token is returned once and never stored. Commits."""
    token = new_token()
    row = ApiToken(user=user, token_hash=token_digest(token), prefix=token[:10], name=name)
    session.add(row)
    session.commit()
    return row, token


def revoke_token(session: Session, token_or_prefix: str) -> int:
    """Revoke a token (given whole, or by its displayed prefix); returns how many were revoked. Commits."""
    rows = session.scalars(
        select(ApiToken).where(
            ApiToken.revoked_at.is_(None),
            (ApiToken.token_hash == token_digest(token_or_prefix)) | (ApiToken.prefix == token_or_prefix),
        )
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
    session.commit()
    return len(rows)


# Verifying against this when the email is unknown keeps a failed login as slow as a wrong password,
# so response times do not reveal which emails have accounts.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (equally slow either way)."""
    user = find_user(session, email) if email else None
    if user is None or not user.active:
        check_password(_DUMMY_HASH, password)
        return None
    if not check_password(user.password_hash, password):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def set_active(session: Session, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user: no login, no tokens, and their open sockets close. Commits."""
    user.active = active
    if not active:
        notify_user_deactivated(session, user.id)
    session.commit()
    return user


def revoke_token_by_id(session: Session, token_id: int) -> ApiToken | None:
    """Revoke one token by its row id; returns it, or None when there is no such token. Commits."""
    row = session.get(ApiToken, token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
    return row
