"""/api/v1/contacts: look up contacts and their consent ledger."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inbox import resources
from inbox.api import bp
from inbox.api.errors import invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, limit
from inbox.db import get_session
from inbox.models import Contact
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
    return jsonify(data=[resources.contact(c) for c in rows], next_cursor=next_cursor)


@bp.get("/contacts/<id:contact_id>")
def get_contact(contact_id: int) -> Response:
    """One contact with its consent ledger."""
    contact = get_session().get(Contact, contact_id)
    if contact is None:
        raise not_found("contact")
    return jsonify(resources.contact(contact))
