"""Helpers for the import tests: files as bytes, running the action, and snapshots of what it may touch."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.imports import ImportOptions, import_contacts
from inbox.db import get_db
from inbox.imports.report import ImportReport
from inbox.models import (
    AttributeDefinition,
    ConsentEvent,
    Contact,
    ContactTag,
    ListMembership,
    Message,
    SubscriberList,
)

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


def csv_bytes(rows: Iterable[Iterable[Any]], delimiter: str = ",", bom: bool = False) -> bytes:
    """A CSV file (header first) as the bytes an upload carries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def run_import(app: Flask, data: bytes, now: dt.datetime = NOW, **options: Any) -> ImportReport:
    """Run the import action on the app's database (a dry run unless dry_run=False is given)."""
    settings = {"file_name": "contacts.csv", **options}
    with get_db(app).session() as session:
        return import_contacts(session, io.BytesIO(data), ImportOptions(**settings), now=now)


def make_list(session: Session, name: str = "VIP") -> SubscriberList:
    """A stored subscriber list."""
    row = SubscriberList(name=name)
    session.add(row)
    session.commit()
    return row


def make_attribute(session: Session, key: str, kind: str) -> AttributeDefinition:
    """A stored custom attribute definition."""
    row = AttributeDefinition(key=key, type=kind, label=key.title())
    session.add(row)
    session.commit()
    return row


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an import may touch, in a comparable form."""
    session.expire_all()
    return {
        "contacts": [
            (c.id, c.phone, c.name, c.opted_out, c.opted_out_at, c.attributes, c.updated_at)
            for c in session.scalars(select(Contact).order_by(Contact.id))
        ],
        "tags": [
            (t.contact_id, t.tag)
            for t in session.scalars(select(ContactTag).order_by(ContactTag.contact_id, ContactTag.tag))
        ],
        "memberships": [
            (m.list_id, m.contact_id, m.status, m.source, m.source_detail, m.joined_at, m.left_at)
            for m in session.scalars(select(ListMembership).order_by(ListMembership.id))
        ],
        "consent": [
            (e.contact_id, e.action, e.source, e.note)
            for e in session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))
        ],
        "messages": [(m.id, m.body) for m in session.scalars(select(Message).order_by(Message.id))],
    }


def contact(session: Session, phone: str) -> Contact | None:
    """The stored contact of a number, freshly read."""
    session.expire_all()
    return session.scalar(select(Contact).where(Contact.phone == phone))


def tags_of(session: Session, phone: str) -> set[str]:
    """The stored tags of a number's contact."""
    query = (
        select(ContactTag.tag)
        .join(Contact, Contact.id == ContactTag.contact_id)
        .where(Contact.phone == phone)
    )
    return set(session.scalars(query))


def membership(session: Session, list_id: int, phone: str) -> ListMembership | None:
    """A number's membership of a list, freshly read."""
    session.expire_all()
    query = (
        select(ListMembership)
        .join(Contact, Contact.id == ListMembership.contact_id)
        .where(ListMembership.list_id == list_id, Contact.phone == phone)
    )
    return session.scalar(query)


def examples(report: ImportReport, kind: str) -> list[tuple[int, str, str]]:
    """(row, column, value) of a problem kind's examples."""
    return [(e["row"], e["column"], e["value"]) for e in report.problems[kind].examples]
