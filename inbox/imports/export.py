"""Contacts as CSV, streamed a page at a time: phone, name, opted_out, tags, each attribute, lists.

Safe to open in a spreadsheet: a cell that starts with = + - @, a tab or a carriage return gets a
leading apostrophe, so it shows as text instead of running as a formula (CSV injection). The import
strips that apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from inbox.imports.rows import FORMULA_STARTS
from inbox.models import AttributeDefinition, Contact, ContactTag, ListMembership, SubscriberList

PAGE_SIZE = 1000
BOM = "\ufeff"  # spreadsheet programs read accents right only with it; the import accepts it
FIXED_COLUMNS = ("phone", "name", "opted_out", "tags")


def escape_cell(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell_text(value: Any) -> str:
    """A stored value as a CSV cell: yes/no for booleans, plain numbers, "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which contacts to export: members of a list (in a membership status), and/or a segment."""

    list_id: int | None = None
    status: str | None = None  # a membership status; only with list_id
    segment: ColumnElement[bool] | None = None


def file_name(list_name: str | None, today: dt.date) -> str:
    """The download's file name: contacts[-list]-YYYY-MM-DD.csv, ASCII only."""
    slug = re.sub(r"[^a-z0-9]+", "-", (list_name or "").lower()).strip("-")[:40]
    return f"contacts-{slug + '-' if slug else ''}{today.isoformat()}.csv"


@dataclass(slots=True)
class ExportProgress:
    """How many contacts an export has written so far."""

    rows: int = 0


def export_csv(
    session: Session, which: ExportFilter, progress: ExportProgress | None = None
) -> Iterator[str]:
    """The CSV text, one page of contacts per chunk (keyset pages by id: no deep OFFSET)."""
    keys = list(session.scalars(select(AttributeDefinition.key).order_by(AttributeDefinition.key)))
    session.commit()  # no transaction stays open while the header waits for a slow client (see below)
    yield BOM + _line([*FIXED_COLUMNS, *keys, "lists"])
    last_id = 0
    while True:
        query = select(Contact.id, Contact.phone, Contact.name, Contact.opted_out, Contact.attributes).where(
            Contact.id > last_id
        )
        if which.list_id is not None:
            member = [ListMembership.contact_id == Contact.id, ListMembership.list_id == which.list_id]
            if which.status is not None:
                member.append(ListMembership.status == which.status)
            query = query.where(exists().where(*member))
        if which.segment is not None:
            query = query.where(which.segment)
        rows = session.execute(query.order_by(Contact.id).limit(PAGE_SIZE)).all()
        if not rows:
            session.commit()
            return
        ids = [row.id for row in rows]
        tags = _grouped(
            session, select(ContactTag.contact_id, ContactTag.tag).where(ContactTag.contact_id.in_(ids))
        )
        lists = _grouped(
            session,
            select(ListMembership.contact_id, SubscriberList.name)
            .join(SubscriberList, SubscriberList.id == ListMembership.list_id)
            .where(ListMembership.contact_id.in_(ids), ListMembership.status == "subscribed"),
        )
        # End the read before handing the chunk out: a slow download must not hold a transaction
        # (on SQLite, the write lock every inbound text needs) open between pages.
        session.commit()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in rows:
            attributes = row.attributes or {}
            cells = [
                row.phone,
                row.name or "",
                "yes" if row.opted_out else "no",
                ";".join(sorted(tags.get(row.id, ()))),
                *(cell_text(attributes.get(key)) for key in keys),
                ";".join(sorted(lists.get(row.id, ()))),
            ]
            writer.writerow([escape_cell(cell) for cell in cells])
        if progress is not None:
            progress.rows += len(rows)
        yield buffer.getvalue()
        last_id = ids[-1]


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([escape_cell(cell) for cell in cells])
    return buffer.getvalue()


def _grouped(session: Session, query: Any) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for contact_id, value in session.execute(query):
        grouped[contact_id].append(value)
    return grouped
