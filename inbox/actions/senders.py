"""Sender actions: the numbers (or messaging services) campaigns send from, with their pace and price."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.changes import record_change
from inbox.models import Campaign, Sender, User

MAX_RATE = 1000.0  # segments per second: above any carrier's short-code limit
MAX_PRICE = 10.0
_ADDRESS_RE = re.compile(r"^(\+[1-9][0-9]{6,14}|[0-9]{3,8}|MG[0-9a-fA-F]{32})?$")
_FIELDS = ("name", "from_address", "segments_per_second", "price_per_segment")


class SenderError(ValueError):
    """A sender request that cannot be carried out: which field and why."""

    def __init__(self, field: str, message: str, status: int = 422, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code


def _checked(session: Session, data: Mapping[str, Any], sender: Sender | None) -> dict[str, Any]:
    unknown = set(data) - set(_FIELDS)
    if unknown:
        raise SenderError(sorted(unknown)[0], "is not a sender field")
    values: dict[str, Any] = {}
    if "name" in data or sender is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 80:
            raise SenderError("name", "must be 1 to 80 characters")
        clash = session.scalar(select(Sender.id).where(Sender.name == name.strip()))
        if clash is not None and (sender is None or clash != sender.id):
            raise SenderError("name", "another sender has this name", 409, "duplicate")
        values["name"] = name.strip()
    if "from_address" in data:
        address = data["from_address"]
        if not isinstance(address, str) or not _ADDRESS_RE.match(address):
            raise SenderError(
                "from_address",
                "must be an E.164 number (+14155550100), a short code, a messaging service sid (MG…) "
                "or empty for the desk's configured sender",
            )
        values["from_address"] = address
    for key, top in (("segments_per_second", MAX_RATE), ("price_per_segment", MAX_PRICE)):
        if key in data:
            number = data[key]
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise SenderError(key, "must be a number")
            low_ok = number > 0 if key == "segments_per_second" else number >= 0
            if not low_ok or number > top:
                bound = "above 0" if key == "segments_per_second" else "0 or more"
                raise SenderError(key, f"must be {bound} and at most {top:g}")
            values[key] = float(number)
    return values


def _snapshot(sender: Sender) -> dict[str, Any]:
    return {key: getattr(sender, key) for key in _FIELDS}


def create_sender(session: Session, user: User | None, data: Mapping[str, Any]) -> Sender:
    """Add a sender; commits."""
    sender = Sender(**_checked(session, data, None))
    session.add(sender)
    session.flush()
    record_change(
        session, user, "sender", "created", sender.name, None, _snapshot(sender), subject_id=sender.id
    )
    session.commit()
    return sender


def update_sender(session: Session, user: User | None, sender: Sender, data: Mapping[str, Any]) -> Sender:
    """Change a sender (a running campaign follows a new pace at once); commits."""
    before = _snapshot(sender)
    for key, value in _checked(session, data, sender).items():
        setattr(sender, key, value)
    if _snapshot(sender) != before:
        record_change(
            session, user, "sender", "updated", sender.name, before, _snapshot(sender), subject_id=sender.id
        )
    session.commit()
    return sender


def delete_sender(session: Session, user: User | None, sender: Sender) -> None:
    """Delete a sender that no unfinished campaign uses; commits."""
    busy = session.scalar(
        select(Campaign.id).where(
            Campaign.sender_id == sender.id, Campaign.status.in_(("draft", "scheduled", "sending", "paused"))
        )
    )
    if busy is not None:
        raise SenderError("id", f"campaign {busy} uses this sender", 409, "in_use")
    record_change(
        session, user, "sender", "deleted", sender.name, _snapshot(sender), None, subject_id=sender.id
    )
    session.delete(sender)
    session.commit()
