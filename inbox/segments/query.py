"""A segment's syntax tree → one SQL condition on contacts, so the database does the filtering.

Each field has a type that fixes the operators and values it takes; a mismatch is a SegmentSyntaxError
pointing at the field. Missing attribute values never match =, <, >, contains; they do match != (a
contact without a city is not in Boston). Every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from inbox.models import AttributeDefinition, Contact, ContactTag, ListMembership, SubscriberList
from inbox.segments.language import (
    AllOf,
    AnyOf,
    Comparison,
    Negation,
    Node,
    RelativeTime,
    SegmentSyntaxError,
    Value,
    parse,
)

ORDERED_OPS = ("=", "!=", "<", "<=", ">", ">=")
OPS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "text": ("=", "!=", "contains"),
    "number": ORDERED_OPS,
    "date": ORDERED_OPS,
    "datetime": ORDERED_OPS,
    "boolean": ("=", "!="),
    "tag": ("=", "!="),
    "list": ("=", "!="),
}
BUILT_IN: dict[str, str] = {
    "phone": "text",
    "name": "text",
    "tag": "tag",
    "list": "list",
    "opted_out": "boolean",
    "created_at": "datetime",
    "last_inbound_at": "datetime",
}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a segment may name: every field with its type, and the lists by lower-case name."""

    fields: Mapping[str, str]
    lists: Mapping[str, int]

    @classmethod
    def load(cls, session: Session) -> Vocabulary:
        """The built-in fields, the custom attributes and the lists stored now."""
        fields = dict(BUILT_IN)
        for key, kind in session.execute(select(AttributeDefinition.key, AttributeDefinition.type)):
            fields.setdefault(key, kind)
        lists = {
            name.lower(): list_id
            for list_id, name in session.execute(select(SubscriberList.id, SubscriberList.name))
        }
        return cls(fields, lists)


def segment_condition(text: str, vocabulary: Vocabulary, now: dt.datetime) -> ColumnElement[bool]:
    """The SQL condition for a segment (SegmentSyntaxError when it does not parse or make sense)."""
    return _condition(parse(text), vocabulary, now)


def _condition(node: Node, vocabulary: Vocabulary, now: dt.datetime) -> ColumnElement[bool]:
    if isinstance(node, AllOf):
        return and_(*(_condition(part, vocabulary, now) for part in node.parts))
    if isinstance(node, AnyOf):
        return or_(*(_condition(part, vocabulary, now) for part in node.parts))
    if isinstance(node, Negation):
        return not_(_condition(node.part, vocabulary, now))
    return _comparison(node, vocabulary, now)


def _fail(comparison: Comparison, message: str) -> SegmentSyntaxError:
    return SegmentSyntaxError(message, comparison.line, comparison.column)


def _comparison(c: Comparison, vocabulary: Vocabulary, now: dt.datetime) -> ColumnElement[bool]:
    kind = vocabulary.fields.get(c.field)
    if kind is None:
        known = ", ".join(sorted(vocabulary.fields))
        raise _fail(c, f"unknown field {c.field!r}; fields are {known}")
    if c.op not in OPS_BY_TYPE[kind]:
        raise _fail(c, f"{c.field} takes {', '.join(OPS_BY_TYPE[kind])}, not {c.op}")
    if kind == "tag":
        return _tag(c)
    if kind == "list":
        return _membership(c, vocabulary)
    value = _typed_value(c, kind, now)
    column = _column(c.field, kind)
    if c.op == "contains":
        return func.lower(column).contains(str(value).lower(), autoescape=True)
    condition = _OPERATORS[c.op](column, value)
    if c.op == "!=":
        return or_(column.is_(None), condition)  # a missing value is not equal to anything
    return condition


_OPERATORS: dict[str, Callable[[ColumnElement[object], object], ColumnElement[bool]]] = {
    "=": lambda column, value: column == value,
    "!=": lambda column, value: column != value,
    "<": lambda column, value: column < value,
    "<=": lambda column, value: column <= value,
    ">": lambda column, value: column > value,
    ">=": lambda column, value: column >= value,
}


def _column(field: str, kind: str) -> ColumnElement[object]:
    """The SQL expression of a field: a contact column, or the attribute inside the JSON column."""
    if field in BUILT_IN:
        return getattr(Contact, field)
    element = Contact.attributes[field]
    if kind == "number":
        return element.as_float()
    if kind == "boolean":
        return element.as_boolean()
    return element.as_string()  # text, and dates as "YYYY-MM-DD" (ISO order is date order)


def _typed_value(c: Comparison, kind: str, now: dt.datetime) -> object:
    value: Value = c.value
    if kind == "text":
        if not isinstance(value, str):
            raise _fail(c, f'{c.field} is text: compare it with "quoted text"')
        return value
    if kind == "number":
        if not isinstance(value, float):
            raise _fail(c, f"{c.field} is a number: compare it with a number such as 3 or 2.5")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _fail(c, f"{c.field} is true or false")
        return value
    if isinstance(value, RelativeTime):
        moment = value.at(now)
        return moment if kind == "datetime" else moment.date().isoformat()
    if isinstance(value, dt.date):
        if kind == "datetime":
            return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
        return value.isoformat()
    raise _fail(c, f"{c.field} is a date: compare it with 2026-01-31 or a relative time such as -30d")


def _tag(c: Comparison) -> ColumnElement[bool]:
    if not isinstance(c.value, str):
        raise _fail(c, 'tag takes a tag name in quotes: tag = "vip"')
    has = exists().where(ContactTag.contact_id == Contact.id, ContactTag.tag == c.value.strip().lower())
    return has if c.op == "=" else not_(has)


def _membership(c: Comparison, vocabulary: Vocabulary) -> ColumnElement[bool]:
    if not isinstance(c.value, str):
        raise _fail(c, 'list takes a list name in quotes: list = "Newsletter"')
    list_id = vocabulary.lists.get(c.value.strip().lower())
    if list_id is None:
        names = ", ".join(sorted(vocabulary.lists)) or "none yet"
        raise _fail(c, f"no list named {c.value!r} (lists: {names})")
    member = exists().where(
        ListMembership.contact_id == Contact.id,
        ListMembership.list_id == list_id,
        ListMembership.status == "subscribed",
    )
    return member if c.op == "=" else not_(member)
