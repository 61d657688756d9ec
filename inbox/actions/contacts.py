"""Contacts and consent: finding a contact by address, recording opt-outs and opt-ins."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.db import upsert, utcnow
from inbox.events import notify_contact_updated, notify_conversation_updated
from inbox.models import ConsentEvent, Contact, Conversation, Message, User
from sms.phone import Address

log = logging.getLogger(__name__)


def contact_for_inbound(session: Session, address: Address, now: dt.datetime) -> Contact:
    """The sender's contact, created if new and stamped with this inbound's time: one upsert, race-free."""
    stmt = upsert(session, Contact).values(
        phone=address.value, address_kind=address.kind, created_at=now, updated_at=now, last_inbound_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Contact.phone], set_={"last_inbound_at": now, "updated_at": now}
    )
    return session.scalars(stmt.returning(Contact), execution_options={"populate_existing": True}).one()


def get_or_create_contact(session: Session, address: Address) -> Contact:
    """The contact for a normalised address, created if new; safe against concurrent creation."""
    session.execute(
        upsert(session, Contact)
        .values(phone=address.value, address_kind=address.kind)
        .on_conflict_do_nothing(index_elements=[Contact.phone])
    )
    return session.scalars(select(Contact).where(Contact.phone == address.value)).one()


def record_opt_out(
    session: Session,
    contact: Contact,
    source: str,
    message: Message | None = None,
    user: User | None = None,
    note: str = "",
) -> ConsentEvent | None:
    """Opt the contact out and write the ledger line; None when they already were (nothing changes)."""
    if contact.opted_out:
        return None
    contact.opted_out = True
    contact.opted_out_at = utcnow()
    event = ConsentEvent(
        contact=contact,
        action="opt_out",
        source=source,
        message_id=message.id if message else None,
        user_id=user.id if user else None,
        note=note,
    )
    session.add(event)
    session.flush()
    _notify_contact_conversations(session, contact)
    log.info("contact %s opted out (%s)", contact.id, source)
    return event


def record_opt_in(
    session: Session,
    contact: Contact,
    source: str,
    message: Message | None = None,
    user: User | None = None,
    note: str = "",
) -> ConsentEvent | None:
    """Opt the contact back in and write the ledger line; None when they were not opted out."""
    if not contact.opted_out:
        return None
    contact.opted_out = False
    contact.opted_out_at = None
    event = ConsentEvent(
        contact=contact,
        action="opt_in",
        source=source,
        message_id=message.id if message else None,
        user_id=user.id if user else None,
        note=note,
    )
    session.add(event)
    session.flush()
    _notify_contact_conversations(session, contact)
    log.info("contact %s opted in (%s)", contact.id, source)
    return event


def _notify_contact_conversations(session: Session, contact: Contact) -> None:
    """The contact's opted-out flag is part of every open conversation's payload (and of the contact's)."""
    notify_contact_updated(session, contact)
    open_conversations = session.scalars(
        select(Conversation).where(Conversation.contact_id == contact.id, Conversation.status != "resolved")
    )
    for conv in open_conversations:
        notify_conversation_updated(session, conv)


MAX_NAME = 200


class InvalidContact(ValueError):
    """A contact change that cannot be saved."""


def rename_contact(session: Session, contact: Contact, name: str | None) -> Contact:
    """Give a contact a display name (None or blank clears it). Commits."""
    if name is not None:
        name = " ".join(name.split())  # one line: a name is shown in lists and titles
        if len(name) > MAX_NAME:
            raise InvalidContact(f"must be at most {MAX_NAME} characters")
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise InvalidContact("must not contain control characters")
    contact.name = name or None
    _notify_contact_conversations(session, contact)
    session.commit()
    return contact
