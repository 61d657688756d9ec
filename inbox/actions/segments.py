"""Saved segments: a named filter in the segment language, checked against today's fields when saved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.db import utcnow
from inbox.models import Contact, SavedSegment
from inbox.segments import SegmentSyntaxError, Vocabulary, segment_condition
from inbox.segments.language import MAX_LENGTH

MAX_NAME = 80
MAX_DESCRIPTION = 2000
SEGMENT_FIELDS = ("name", "filter", "description")


class InvalidSegment(ValueError):
    """A segment definition with a problem in one field (a filter's own errors are SegmentSyntaxError)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateSegment(ValueError):
    """Another saved segment already has this name."""


def count_matching(session: Session, text: str) -> int:
    """How many contacts a filter selects now (SegmentSyntaxError when it does not parse or make sense)."""
    condition = segment_condition(text, Vocabulary.load(session), utcnow())
    return session.scalar(select(func.count()).select_from(Contact).where(condition)) or 0


def _clean(session: Session, values: Mapping[str, Any], segment_id: int | None) -> dict[str, str]:
    if len(str(values.get("name") or "")) > MAX_NAME:
        raise InvalidSegment("name", f"must be at most {MAX_NAME} characters")
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        raise InvalidSegment("name", "a name is required")
    text = str(values.get("filter") or "")
    if len(text) > MAX_LENGTH:
        raise InvalidSegment("filter", f"must be at most {MAX_LENGTH} characters")
    # Raises SegmentSyntaxError (line, column) for a filter that does not parse or names unknown fields.
    segment_condition(text, Vocabulary.load(session), utcnow())
    description = str(values.get("description") or "")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidSegment("description", f"must be at most {MAX_DESCRIPTION} characters")
    clash = select(SavedSegment.id).where(
        func.lower(SavedSegment.name) == name.lower(), SavedSegment.id != (segment_id or 0)
    )
    if session.scalar(clash) is not None:
        raise DuplicateSegment(f"a saved segment named {name!r} exists already")
    return {"name": name, "filter": text, "description": description}


def _commit(session: Session, name: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise DuplicateSegment(f"a saved segment named {name!r} exists already") from None


def create_segment(session: Session, values: Mapping[str, Any]) -> SavedSegment:
    """Check and save a segment. Commits."""
    cleaned = _clean(session, values, None)
    row = SavedSegment(**cleaned)
    session.add(row)
    _commit(session, cleaned["name"])
    return row


def update_segment(session: Session, row: SavedSegment, changes: Mapping[str, Any]) -> SavedSegment:
    """Check the segment as it would be after the changes, then save them. Commits."""
    current = {name: getattr(row, name) for name in SEGMENT_FIELDS}
    cleaned = _clean(session, {**current, **changes}, row.id)
    for name in SEGMENT_FIELDS:
        if name in changes:
            setattr(row, name, cleaned[name])
    _commit(session, cleaned["name"])
    return row


def delete_segment(session: Session, row: SavedSegment) -> None:
    """Delete a saved segment. Commits."""
    session.delete(row)
    session.commit()


__all__ = [
    "DuplicateSegment",
    "InvalidSegment",
    "SegmentSyntaxError",
    "count_matching",
    "create_segment",
    "delete_segment",
    "update_segment",
]
