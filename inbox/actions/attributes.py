"""Custom contact attributes (typed definitions and each contact's values) and contact tags."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.models import AttributeDefinition, Contact, ContactTag
from inbox.models.subscribers import ATTRIBUTE_KEY_PATTERN, ATTRIBUTE_TYPES
from inbox.segments.query import BUILT_IN

MAX_LABEL = 80
MAX_TEXT_VALUE = 500
MAX_TAG = 60
MAX_TAGS = 50
_KEY_RE = re.compile(ATTRIBUTE_KEY_PATTERN)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Names a segment or template already gives a meaning to: an attribute may not take them.
RESERVED_KEYS = frozenset(BUILT_IN) | {"id", "contact", "first_name", "brand", "support", "lists", "tags"}


class InvalidAttribute(ValueError):
    """A definition or a value that cannot be saved, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateAttribute(ValueError):
    """Another attribute already has this key."""


def _label(label: object) -> str:
    if len(str(label or "")) > MAX_LABEL:
        raise InvalidAttribute("label", f"must be at most {MAX_LABEL} characters")
    return " ".join(str(label or "").split())


def create_attribute(session: Session, key: str, label: str, kind: str) -> AttributeDefinition:
    """Define an attribute (its key and type are fixed from now on). Commits."""
    if not _KEY_RE.match(key):
        raise InvalidAttribute(
            "key", "a lower-case letter, then lower-case letters, digits or _ (at most 40 characters)"
        )
    if key in RESERVED_KEYS:
        raise InvalidAttribute("key", f"{key!r} is a built-in field; choose another key")
    if kind not in ATTRIBUTE_TYPES:
        raise InvalidAttribute("type", f"must be one of {', '.join(ATTRIBUTE_TYPES)}")
    if session.scalar(select(AttributeDefinition.id).where(AttributeDefinition.key == key)) is not None:
        raise DuplicateAttribute(f"an attribute with the key {key!r} exists already")
    row = AttributeDefinition(key=key, label=_label(label) or key, type=kind)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise DuplicateAttribute(f"an attribute with the key {key!r} exists already") from None
    return row


def relabel_attribute(session: Session, row: AttributeDefinition, label: str) -> AttributeDefinition:
    """Change an attribute's label (only the label: contacts' values depend on key and type). Commits."""
    row.label = _label(label) or row.key
    session.commit()
    return row


def delete_attribute(session: Session, row: AttributeDefinition) -> int:
    """Delete a definition and remove its values from every contact. Commits; returns how many had one."""
    key = row.key
    holders = session.scalars(
        select(Contact)
        .where(Contact.attributes[key].as_string().is_not(None))
        .execution_options(yield_per=500)
    )
    changed = 0
    for contact in holders:
        if key in (contact.attributes or {}):
            contact.attributes = {k: v for k, v in contact.attributes.items() if k != key}
            changed += 1
    session.delete(row)
    session.commit()
    return changed


def check_attribute_value(key: str, kind: str, value: object) -> object:
    """A value as stored for an attribute of this type, or InvalidAttribute naming the key.

    number: a JSON number; date: "YYYY-MM-DD"; boolean: true/false; text: at most 500 characters.
    """
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidAttribute(key, "must be a number")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidAttribute(key, "must be true or false")
        return value
    if kind == "date":
        if not isinstance(value, str) or not _DATE_RE.match(value):
            raise InvalidAttribute(key, 'must be a date written "YYYY-MM-DD"')
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidAttribute(key, f"{value!r} is not a date") from None
        return value
    if not isinstance(value, str):
        raise InvalidAttribute(key, "must be text")
    if len(value) > MAX_TEXT_VALUE:
        raise InvalidAttribute(key, f"must be at most {MAX_TEXT_VALUE} characters")
    return value


def set_attributes(session: Session, contact: Contact, changes: Mapping[str, Any]) -> Contact:
    """Set (or, with null, remove) some of a contact's attribute values, each checked by its type. Commits.

    All or nothing: one bad value changes none.
    """
    rows = session.execute(
        select(AttributeDefinition.key, AttributeDefinition.type).where(
            AttributeDefinition.key.in_(list(changes))
        )
    )
    kinds = {key: kind for key, kind in rows}
    values = dict(contact.attributes or {})
    for key, value in changes.items():
        kind = kinds.get(key)
        if kind is None:
            raise InvalidAttribute(key, "is not a defined attribute (define it under /api/v1/attributes)")
        if value is None:
            values.pop(key, None)
        else:
            values[key] = check_attribute_value(key, kind, value)
    contact.attributes = values  # a new dict: the JSON column notices replacement, not mutation
    session.commit()
    return contact


def clean_tags(tags: object) -> list[str]:
    """Tags as stored: trimmed, lower case, no repeats, sorted; InvalidAttribute("tags", …) otherwise."""
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidAttribute("tags", "must be a list of strings")
    if len(tags) > MAX_TAGS:
        raise InvalidAttribute("tags", f"at most {MAX_TAGS} tags per contact")
    for tag in tags:
        if len(tag) > MAX_TAG:
            raise InvalidAttribute("tags", f"{tag[:20]!r}…: a tag has at most {MAX_TAG} characters")
        if _CONTROL_RE.search(tag):
            raise InvalidAttribute("tags", "a tag must not contain control characters")
        if not tag.strip():
            raise InvalidAttribute("tags", "a tag must not be empty")
    cleaned = sorted({" ".join(t.split()).lower() for t in tags})
    for tag in cleaned:
        if len(tag) > MAX_TAG:  # lower-casing can lengthen a few letters ("İ")
            raise InvalidAttribute("tags", f"{tag[:20]!r}…: a tag has at most {MAX_TAG} characters")
    return cleaned


def set_tags(session: Session, contact: Contact, tags: list[str]) -> list[str]:
    """Replace a contact's tags with these (already cleaned by clean_tags). Commits."""
    current = set(session.scalars(select(ContactTag.tag).where(ContactTag.contact_id == contact.id)))
    wanted = set(tags)
    gone = current - wanted
    if gone:
        session.execute(
            delete(ContactTag).where(ContactTag.contact_id == contact.id, ContactTag.tag.in_(gone))
        )
    session.add_all(ContactTag(contact_id=contact.id, tag=tag) for tag in sorted(wanted - current))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent PUT added the same tag: the other request's set stands
    return sorted(wanted)
