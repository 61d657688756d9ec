"""Who is calling: password hashing, hashed Bearer tokens, Flask-Login wiring, the CSRF guard."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.db import get_session, utcnow
from inbox.models import ApiToken, User

TOKEN_PREFIX = "td_"
_hasher = PasswordHasher()
login_manager = LoginManager()
csrf = CSRFProtect()  # forms and the session-authenticated API; Bearer tokens are not ambient, so exempt


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Whether the password matches its hash (constant-time)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehashed on the next login)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def new_token() -> str:
    """A fresh, high-entropy API token (shown once, stored only hashed)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 of a token; tokens are random, so a fast hash is enough."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a non-revoked token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    session.commit()
    return row.user


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def request_user() -> User | None:
    """The caller: a Bearer token's user, else the logged-in session's user."""
    token = bearer_token()
    if token is not None:
        return user_for_token(get_session(), token)
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def init_app(app: Flask) -> None:
    """Wire Flask-Login: the session stores the user id."""
    login_manager.init_app(app)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = get_session().get(User, int(user_id))
        return user if user is not None and user.active else None
