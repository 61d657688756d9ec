"""Importing contacts from a CSV file: a dry run that reports, then the import that does the same for real.

The file is read as a stream and checked row by row (inbox/imports/); valid rows are gathered into
batches of BATCH_SIZE and each batch is one transaction of a few set-based statements: read the batch's
existing contacts, tags and memberships, then one upsert of contacts, one insert of tags, one insert of
memberships. A transaction per batch, not one per file, on purpose: SQLite has a single writer, and an
inbound text must wait for one batch (milliseconds), not for a 100,000-row file (many seconds); the
upload is read between batches, with no transaction open.

Importing is idempotent — a batch that ran changes nothing when the file is imported again — so a file
that stopped half way (a broken row late in the file, a dropped upload) is finished by importing it
again. A dry run reads the same way and rolls every batch back: it never writes.

Consent rules: a file never removes an opt-out nor re-subscribes someone who left the list; a row
joins the list only with a consent_source; opt-outs in the file go to the consent ledger through
record_opt_out. Nothing here sends a text.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Row, select, text
from sqlalchemy.orm import Session

from inbox.actions.contacts import record_opt_out
from inbox.db import upsert, utcnow
from inbox.events import notify_contact_updated, notify_conversation_updated
from inbox.imports.csvfile import ImportFileError, open_csv
from inbox.imports.report import ImportReport
from inbox.imports.rows import ContactRow, RowChecker, map_columns
from inbox.models import (
    AttributeDefinition,
    Contact,
    ContactTag,
    Conversation,
    ListMembership,
    SubscriberList,
    User,
)

__all__ = [
    "BATCH_SIZE",
    "ImportFileError",
    "ImportOptions",
    "UnknownList",
    "attribute_choices",
    "find_list",
    "import_contacts",
    "list_choices",
]

BATCH_SIZE = 1000  # rows per statement: 6,000 bound values, well under SQLite's and PostgreSQL's limits


class UnknownList(LookupError):
    """The list the rows should join does not exist."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to import one file."""

    file_name: str
    dry_run: bool = True
    list_id: int | None = None
    region: str = "US"
    user_id: int | None = None  # who imports (the consent ledger names them on opt-outs)
    batch_size: int = BATCH_SIZE


def find_list(session: Session, name: str) -> SubscriberList | None:
    """The list of this name, ignoring case (the CLI names lists)."""
    wanted = name.strip().casefold()
    for candidate in session.scalars(select(SubscriberList)):
        if candidate.name.casefold() == wanted:
            return candidate
    return None


def attribute_choices(session: Session) -> list[dict[str, str]]:
    """The custom attributes a file may carry as columns, by key."""
    rows = session.execute(
        select(AttributeDefinition.key, AttributeDefinition.label, AttributeDefinition.type).order_by(
            AttributeDefinition.key
        )
    )
    return [{"key": key, "label": label, "type": kind} for key, label, kind in rows]


def list_choices(session: Session) -> list[dict[str, Any]]:
    """The lists a file can be imported into, by name."""
    rows = session.execute(select(SubscriberList.id, SubscriberList.name).order_by(SubscriberList.name))
    return [{"id": list_id, "name": name} for list_id, name in rows]


# Under gunicorn's gevent worker an import shares its process with every open inbox, and checking rows is
# CPU work that never waits on I/O: pausing every few rows (~10 ms of work) keeps their events flowing.
YIELD_EVERY_ROWS = 100


def let_others_run() -> None:
    """Let other greenlets (gevent) or threads run for a moment: sleep(0) yields without waiting."""
    time.sleep(0)


def import_contacts(
    session: Session, source: IO[bytes], options: ImportOptions, now: dt.datetime | None = None
) -> ImportReport:
    """Check (dry run) or import a contacts CSV read from a byte stream; the report says what it found or did.

    Raises ImportFileError when the file cannot be read as a contacts CSV (batches before a broken row
    late in the file stay imported: importing the fixed file again is safe) and UnknownList.
    """
    now = now or utcnow()
    report = ImportReport(dry_run=options.dry_run, file_name=options.file_name, region=options.region)
    definitions = session.execute(select(AttributeDefinition.key, AttributeDefinition.type))
    attribute_types = {key: kind for key, kind in definitions}
    if options.list_id is not None:
        target = session.get(SubscriberList, options.list_id)
        if target is None:
            raise UnknownList(f"there is no list with id {options.list_id}")
        report.list_id, report.list_name = target.id, target.name
    user = session.get(User, options.user_id) if options.user_id is not None else None
    session.commit()  # no transaction (on SQLite: no write lock) while the upload streams in

    table = open_csv(source)
    try:
        columns = map_columns(table.header, attribute_types)
        report.delimiter = table.delimiter
        report.columns = columns.names
        for position, header in columns.unknown:
            if header:
                report.problem("unknown_columns", 1, header, header, "not a known column or custom attribute")
            else:
                report.problem(
                    "unknown_columns", 1, f"column {position + 1}", "", "a column without a header"
                )
        checker = RowChecker(columns, options.region, now, report)
        writer = BatchWriter(session, options, report, user, now)
        first_row_of: dict[str, int] = {}  # the per-file state: one entry per distinct number
        batch: list[ContactRow] = []
        for row, cells in table.rows():
            report.rows_read += 1
            if report.rows_read % YIELD_EVERY_ROWS == 0:
                let_others_run()
            phone, raw = checker.phone(row, cells)
            if phone is None:
                continue
            first = first_row_of.setdefault(phone, row)
            if first != row:
                report.problem("duplicates", row, "phone", raw, f"same number as row {first} ({phone})")
                continue
            report.valid_rows += 1
            batch.append(checker.contact(row, phone, cells))
            if len(batch) >= options.batch_size:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
    finally:
        table.close()
    return report


class BatchWriter:
    """Applies batches of checked rows: reads what exists, decides each row, writes (unless dry run)."""

    def __init__(
        self,
        session: Session,
        options: ImportOptions,
        report: ImportReport,
        user: User | None,
        now: dt.datetime,
    ) -> None:
        self.session = session
        self.options = options
        self.report = report
        self.user = user
        self.now = now
        self.note = f"import {options.file_name}"

    def write(self, rows: Sequence[ContactRow]) -> None:
        """One batch in one transaction: committed on import, rolled back on a dry run."""
        try:
            self._apply(rows)
        except BaseException:
            self.session.rollback()
            raise
        if self.options.dry_run:
            self.session.rollback()
        else:
            self.session.commit()

    def _apply(self, rows: Sequence[ContactRow]) -> None:
        existing = self._existing(sorted(row.phone for row in rows))
        ids = [contact.id for contact in existing.values()]
        tags_of = self._tags_of(ids)
        status_of = self._membership_status(ids)

        contacts: list[dict[str, Any]] = []  # upserted: new or with a changed name/attributes
        renamed: list[int] = []
        tags: dict[str, list[str]] = {}
        opt_outs: list[str] = []
        joins: dict[str, ContactRow] = {}
        for row in rows:
            old = existing.get(row.phone)
            changed = False
            if old is None:
                self.report.new_contacts += 1
                contacts.append(self._contact_values(row.phone, row.name, row.attributes))
            else:
                name = row.name or old.name
                attributes = {**(old.attributes or {}), **row.attributes}
                if name != old.name or attributes != (old.attributes or {}):
                    contacts.append(self._contact_values(row.phone, name, attributes))
                    changed = True
                    if name != old.name:
                        renamed.append(old.id)
            new_tags = [tag for tag in row.tags if old is None or tag not in tags_of.get(old.id, ())]
            if new_tags:
                tags[row.phone] = new_tags
                self.report.tags_added += len(new_tags)
                changed = True
            already_out = old is not None and old.opted_out
            if row.opt_out and not already_out:
                opt_outs.append(row.phone)
                self.report.opt_outs_added += 1
                changed = True
            if old is not None and old.opted_out:
                self._problem("opted_out", row, self._opted_out_reason(old.opted_out_at))
            elif row.opt_out or row.list_blocked:
                pass  # opting out now, or consent cells already reported as unusable
            elif not row.consent_source:
                self._problem("no_consent", row, self._no_consent_reason())
            elif self.options.list_id is not None:
                status = status_of.get(old.id) if old is not None else None
                if status == "unsubscribed":
                    self._problem("left_list", row, f'left "{self.report.list_name}" earlier: kept out')
                elif status is not None:
                    self.report.already_members += 1
                else:
                    joins[row.phone] = row
                    self.report.subscribed += 1
                    changed = True
            if old is not None:
                if changed:
                    self.report.updated_contacts += 1
                else:
                    self.report.unchanged_contacts += 1

        if self.options.dry_run:
            return
        id_of = {phone: contact.id for phone, contact in existing.items()}
        id_of.update(self._upsert_contacts(contacts))
        self._add_tags(id_of, tags)
        self._record_opt_outs([id_of[phone] for phone in opt_outs])
        self._join_list(id_of, joins)
        self._notify_renamed(renamed)

    # ---- reading ---------------------------------------------------------------------------------

    def _existing(self, phones: list[str]) -> dict[str, Row[Any]]:
        query = (
            select(
                Contact.id,
                Contact.phone,
                Contact.name,
                Contact.attributes,
                Contact.opted_out,
                Contact.opted_out_at,
            )
            .where(Contact.phone.in_(phones))
            .order_by(Contact.phone)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            # contacts.phone also has a trigram index (inbox search, migration 0003) that PostgreSQL can use
            # for `phone = ANY(...)`; once the table has statistics the planner tends to pick it, and the
            # lookup then costs seconds (450,000 buffer hits for 1,000 numbers at 20,000 contacts). A GIN
            # index is only ever read by a bitmap scan: without those, the unique btree (or a hashed
            # sequential scan) answers in milliseconds. SET LOCAL: for this batch's transaction only.
            self.session.execute(text("SET LOCAL enable_bitmapscan = off"))
        if not self.options.dry_run:
            # PostgreSQL: nobody renames or opts these contacts out between our read and our write.
            # In phone order, so two imports of overlapping files cannot deadlock. (SQLite: BEGIN IMMEDIATE.)
            query = query.with_for_update()
        return {row.phone: row for row in self.session.execute(query)}

    def _tags_of(self, ids: list[int]) -> dict[int, set[str]]:
        tags: dict[int, set[str]] = defaultdict(set)
        if ids:
            query = select(ContactTag.contact_id, ContactTag.tag).where(ContactTag.contact_id.in_(ids))
            for contact_id, tag in self.session.execute(query):
                tags[contact_id].add(tag)
        return tags

    def _membership_status(self, ids: list[int]) -> dict[int, str]:
        if self.options.list_id is None or not ids:
            return {}
        query = select(ListMembership.contact_id, ListMembership.status).where(
            ListMembership.list_id == self.options.list_id, ListMembership.contact_id.in_(ids)
        )
        return {contact_id: status for contact_id, status in self.session.execute(query)}

    # ---- deciding --------------------------------------------------------------------------------

    def _problem(self, kind: str, row: ContactRow, reason: str) -> None:
        self.report.problem(kind, row.row, "phone", row.phone, reason)

    def _opted_out_reason(self, since: dt.datetime | None) -> str:
        when = f" on {since.date().isoformat()}" if since else ""
        if self.options.list_id is None:
            return f"opted out{when}: stays opted out"
        return f"opted out{when}: stays opted out, not added to the list"

    def _no_consent_reason(self) -> str:
        if self.options.list_id is None:
            return "no consent_source: imported as a contact only"
        return f'no consent_source: imported as a contact, not added to "{self.report.list_name}"'

    def _contact_values(self, phone: str, name: str | None, attributes: dict[str, Any]) -> dict[str, Any]:
        return {
            "phone": phone,
            "address_kind": "e164",
            "name": name,
            "attributes": attributes,
            "created_at": self.now,
            "updated_at": self.now,
        }

    # ---- writing ---------------------------------------------------------------------------------

    def _upsert_contacts(self, values: list[dict[str, Any]]) -> dict[str, int]:
        """Insert new contacts and update changed ones in one statement; their ids by phone.

        opted_out is never in the SET: whatever the file says, an opt-out stays.
        """
        if not values:
            return {}
        stmt = upsert(self.session, Contact)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Contact.phone],
            set_={
                "name": stmt.excluded.name,
                "attributes": stmt.excluded.attributes,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        rows = self._many(stmt.returning(Contact.id, Contact.phone), values)
        return {phone: contact_id for contact_id, phone in rows}

    def _many(self, stmt: Any, values: list[dict[str, Any]]) -> Any:
        """One statement for many rows, on the session's connection.

        Core executemany, not the ORM's bulk path nor a 1,000-row VALUES literal: the statement compiles
        once and is cached, and SQLAlchemy sends the rows as multi-row INSERTs itself ("insertmanyvalues",
        RETURNING included) or as the driver's executemany.
        """
        return self.session.connection().execute(stmt, values)

    def _add_tags(self, id_of: dict[str, int], tags: dict[str, list[str]]) -> None:
        values = [{"contact_id": id_of[phone], "tag": tag} for phone, names in tags.items() for tag in names]
        if values:
            self._many(upsert(self.session, ContactTag).on_conflict_do_nothing(), values)

    def _record_opt_outs(self, ids: list[int]) -> None:
        """Opt-outs from the file, through the one ledger path (each writes its line and its events)."""
        if not ids:
            return
        query = select(Contact).where(Contact.id.in_(ids)).execution_options(populate_existing=True)
        for contact in self.session.scalars(query):
            record_opt_out(self.session, contact, "admin", user=self.user, note=self.note)

    def _join_list(self, id_of: dict[str, int], joins: dict[str, ContactRow]) -> None:
        if not joins or self.options.list_id is None:
            return
        values = []
        for phone, row in joins.items():
            joined = row.consent_at or self.now
            values.append(
                {
                    "list_id": self.options.list_id,
                    "contact_id": id_of[phone],
                    "status": "subscribed",
                    "source": "import",
                    "source_detail": f"{self.options.file_name}: {row.consent_source}",
                    "joined_at": joined,
                    "confirmed_at": joined,
                }
            )
        # Someone who joined (or left) since our read keeps their own record.
        stmt = upsert(self.session, ListMembership).on_conflict_do_nothing(
            index_elements=[ListMembership.list_id, ListMembership.contact_id]
        )
        self._many(stmt, values)

    def _notify_renamed(self, ids: list[int]) -> None:
        """A new name shows in open inboxes: events for the renamed contacts' open conversations only."""
        if not ids:
            return
        query = (
            select(Conversation)
            .where(Conversation.contact_id.in_(ids), Conversation.status != "resolved")
            .execution_options(populate_existing=True)
        )
        for conv in self.session.scalars(query):
            self.session.refresh(conv.contact)
            notify_contact_updated(self.session, conv.contact)
            notify_conversation_updated(self.session, conv)
