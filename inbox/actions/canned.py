"""Canned responses: create, change, delete (admins)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import CannedResponse
from inbox.models.canned import SHORTCUT_PATTERN

MAX_BODY = 1600
_SHORTCUT = re.compile(SHORTCUT_PATTERN)


class CannedError(ValueError):
    """A canned response that cannot be saved; field names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _clean(session: Session, shortcut: str, body: str, current_id: int | None = None) -> tuple[str, str]:
    # Typed by people: "/Hi " means "hi". Only ASCII spaces are trimmed, as SHORTCUT_INPUT_PATTERN says.
    shortcut = shortcut.strip(" \t\r\n").removeprefix("/").lower()
    if not _SHORTCUT.match(shortcut):
        raise CannedError(
            "shortcut", "use 1–32 lowercase letters, digits, - or _, starting with a letter or digit"
        )
    if not body.strip():
        raise CannedError("body", "must not be empty")
    if len(body) > MAX_BODY or "\x00" in body:
        raise CannedError("body", f"must be at most {MAX_BODY} characters, without NUL characters")
    taken = session.scalar(select(CannedResponse.id).where(CannedResponse.shortcut == shortcut))
    if taken is not None and taken != current_id:
        raise CannedError("shortcut", f"/{shortcut} is already used by another canned response")
    return shortcut, body


def create_canned(session: Session, shortcut: str, body: str) -> CannedResponse:
    """Save a new canned response. Commits."""
    shortcut, body = _clean(session, shortcut, body)
    canned = CannedResponse(shortcut=shortcut, body=body)
    session.add(canned)
    session.commit()
    return canned


def update_canned(session: Session, canned: CannedResponse, shortcut: str, body: str) -> CannedResponse:
    """Change a canned response. Commits."""
    canned.shortcut, canned.body = _clean(session, shortcut, body, canned.id)
    session.commit()
    return canned


def delete_canned(session: Session, canned: CannedResponse) -> None:
    """Delete a canned response. Commits."""
    session.delete(canned)
    session.commit()
