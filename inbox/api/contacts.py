"""/api/v1/contacts: look up contacts and their consent ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import selectinload

from inbox import resources
from inbox.actions.attributes import InvalidAttribute, clean_tags, set_attributes, set_tags
from inbox.actions.contacts import InvalidContact, rename_contact
from inbox.api import bp
from inbox.api.errors import invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit
from inbox.api.subscribers import require_admin
from inbox.db import get_session
from inbox.models import Contact, ContactTag, ListMembership, Message, Note, SubscriberList
from sms.phone import InvalidAddress, normalize_address


@bp.get("/contacts")
def list_contacts() -> Response:
    """Contacts, newest first; ?phone= finds one number in any formatting."""
    page_size = limit()
    query = select(Contact).options(selectinload(Contact.consent_events), selectinload(Contact.conversations))
    phone = request.args.get("phone")
    if phone:
        try:
            normalized = normalize_address(phone, current_app.config["DEFAULT_REGION"]).value
        except InvalidAddress as error:
            raise invalid("phone", str(error)) from None
        query = query.where(Contact.phone == normalized)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(Contact.id < cursor[0])
    rows = get_session().scalars(query.order_by(Contact.id.desc()).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    return jsonify(data=contacts_json(rows), next_cursor=next_cursor)


def contacts_json(contacts: Sequence[Contact]) -> list[dict[str, Any]]:
    """Contact resources with their tags, attribute values and lists (two queries for any number)."""
    ids = [c.id for c in contacts]
    tags: dict[int, list[str]] = {i: [] for i in ids}
    lists: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        session = get_session()
        for contact_id, tag in session.execute(
            select(ContactTag.contact_id, ContactTag.tag)
            .where(ContactTag.contact_id.in_(ids))
            .order_by(ContactTag.tag)
        ):
            tags[contact_id].append(tag)
        for contact_id, list_id, name, status in session.execute(
            select(
                ListMembership.contact_id, ListMembership.list_id, SubscriberList.name, ListMembership.status
            )
            .join(SubscriberList, SubscriberList.id == ListMembership.list_id)
            .where(ListMembership.contact_id.in_(ids))
            .order_by(SubscriberList.name, SubscriberList.id)
        ):
            lists[contact_id].append({"list_id": list_id, "name": name, "status": status})
    return [
        {
            **resources.contact(c),
            "tags": tags[c.id],
            "attributes": dict(c.attributes or {}),
            "lists": lists[c.id],
        }
        for c in contacts
    ]


def contact_json(contact: Contact) -> dict[str, Any]:
    """One contact resource with its tags, attribute values and lists."""
    return contacts_json([contact])[0]


@bp.get("/contacts/<id:contact_id>")
def get_contact(contact_id: int) -> Response:
    """One contact with its consent ledger, tags, attribute values and lists."""
    contact = get_session().get(Contact, contact_id)
    if contact is None:
        raise not_found("contact")
    return jsonify(contact_json(contact))


def _contact(contact_id: int) -> Contact:
    contact = get_session().get(Contact, contact_id)
    if contact is None:
        raise not_found("contact")
    return contact


@bp.patch("/contacts/<id:contact_id>")
def patch_contact(contact_id: int) -> Response:
    """Change a contact's display name (null or blank clears it)."""
    contact = _contact(contact_id)
    data = json_body()
    unknown = set(data) - {"name"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field you can change")
    if "name" in data:
        name = data["name"]
        if name is not None and not isinstance(name, str):
            raise invalid("name", "must be a string or null")
        try:
            rename_contact(get_session(), contact, name)
        except InvalidContact as error:
            raise invalid("name", str(error)) from None
    return jsonify(contact_json(contact))


@bp.put("/contacts/<id:contact_id>/tags")
def put_contact_tags(contact_id: int) -> Response:
    """Replace a contact's tags (admins): trimmed, lower-cased, 1 to 60 characters, at most 50."""
    require_admin("contacts' tags")
    contact = _contact(contact_id)
    data = json_body()
    unknown = set(data) - {"tags"}
    if unknown:
        raise invalid(sorted(unknown)[0], 'is not a field here (send {"tags": [...]})')
    if "tags" not in data:
        raise invalid("tags", "is required")
    try:
        tags = clean_tags(data["tags"])
    except InvalidAttribute as error:
        raise invalid(error.field, error.message) from None
    set_tags(get_session(), contact, tags)
    return jsonify(contact_json(contact))


@bp.patch("/contacts/<id:contact_id>/attributes")
def patch_contact_attributes(contact_id: int) -> Response:
    """Set some attribute values of a contact (admins), each checked by its type; null removes one."""
    require_admin("contacts' attributes")
    contact = _contact(contact_id)
    data = json_body()
    try:
        set_attributes(get_session(), contact, data)
    except InvalidAttribute as error:
        raise invalid(error.field, error.message) from None
    return jsonify(contact_json(contact))


# Within one instant, notes sort after messages (a note usually remarks on the text before it).
_KINDS = {"message": 0, "note": 1}


@bp.get("/contacts/<id:contact_id>/timeline")
def contact_timeline(contact_id: int) -> Response:
    """The contact's whole history across conversations, messages and private notes, newest first."""
    contact = _contact(contact_id)
    page_size = limit()
    cursor = decode_cursor(3)
    after: tuple[dt.datetime, int, int] | None = None
    if cursor is not None:
        try:
            at = dt.datetime.fromisoformat(str(cursor[0]))
        except ValueError:
            raise invalid("cursor", "is not a cursor this API gave out") from None
        if at.tzinfo is None or cursor[1] not in _KINDS.values() or not is_id(cursor[2]):
            raise invalid("cursor", "is not a cursor this API gave out")
        after = (at, cursor[1], cursor[2])
    session = get_session()
    items: list[tuple[tuple[dt.datetime, int, int], dict[str, Any]]] = []
    sources: list[tuple[str, Any, Any]] = [
        ("message", Message, (selectinload(Message.sender_user), selectinload(Message.campaign))),
        ("note", Note, (selectinload(Note.author),)),
    ]
    for kind, model, load in sources:
        query = select(model).where(model.contact_id == contact.id).options(*load)
        if after is not None:
            query = query.where(_before(model, _KINDS[kind], after))
        query = query.order_by(model.created_at.desc(), model.id.desc()).limit(page_size + 1)
        for row in session.scalars(query):
            shape = resources.message(row) if kind == "message" else resources.note(row)
            items.append(((row.created_at, _KINDS[kind], row.id), {"type": kind, **shape}))
    items.sort(key=lambda item: item[0], reverse=True)
    next_cursor = None
    if len(items) > page_size:
        items = items[:page_size]
        at, kind_rank, row_id = items[-1][0]
        next_cursor = encode_cursor(at.isoformat(), kind_rank, row_id)
    return jsonify(data=[shape for _, shape in items], next_cursor=next_cursor)


def _before(model: type[Message] | type[Note], rank: int, after: tuple[dt.datetime, int, int]) -> Any:
    """Rows of one kind that sort strictly before the cursor in (created_at, kind, id) descending order."""
    at, cursor_rank, cursor_id = after
    same_instant = (
        model.id < cursor_id if rank == cursor_rank else (true() if rank < cursor_rank else false())
    )
    return or_(model.created_at < at, and_(model.created_at == at, same_instant))
