"""/api/v1 subscribers: lists and their members, custom attribute definitions (admins write; all read)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import BotSettings
from inbox import auth, resources
from inbox.actions.attributes import (
    DuplicateAttribute,
    InvalidAttribute,
    create_attribute,
    delete_attribute,
    relabel_attribute,
)
from inbox.actions.subscribers import (
    LIST_FIELDS,
    ContactOptedOut,
    DuplicateList,
    InvalidList,
    add_member,
    create_list,
    delete_list,
    membership_for,
    remove_member,
    subscriber_address,
    update_list,
)
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit, text_field
from inbox.botconfig import bot_settings, read_settings, subscription_texts
from inbox.db import get_session
from inbox.models import AttributeDefinition, Contact, ListMembership, SubscriberList
from inbox.models.subscribers import MEMBERSHIP_STATUSES
from inbox.resources import iso
from sms.phone import InvalidAddress

_LIST_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "description": (str,),
    "frequency": (str,),
    "double_opt_in": (bool,),
    "slug": (str, type(None)),
    "signup_enabled": (bool,),
    "welcome_text": (str,),
}


def require_admin(what: str) -> None:
    """Agents may read the subscriber data; only admins change it."""
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", f"only admins can change {what}")


# ---- resources ------------------------------------------------------------------------------------


def signup_url(row: SubscriberList) -> str | None:
    """The public sign-up form's path, while the list has one."""
    return f"/join/{row.slug}" if row.signup_enabled and row.slug else None


def list_counts(session: Session, ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Members per status for each list: one grouped query."""
    wanted = list(ids)
    counts = {list_id: dict.fromkeys(MEMBERSHIP_STATUSES, 0) for list_id in wanted}
    if not wanted:
        return counts
    rows = session.execute(
        select(ListMembership.list_id, ListMembership.status, func.count())
        .where(ListMembership.list_id.in_(wanted))
        .group_by(ListMembership.list_id, ListMembership.status)
    )
    for list_id, status, count in rows:
        counts[list_id][status] = count
    return counts


def list_json(row: SubscriberList, counts: dict[str, int]) -> dict[str, Any]:
    """The list resource."""
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "frequency": row.frequency,
        "double_opt_in": row.double_opt_in,
        "slug": row.slug,
        "signup_enabled": row.signup_enabled,
        "signup_url": signup_url(row),
        "welcome_text": row.welcome_text,
        "created_at": iso(row.created_at),
        "counts": counts,
    }


def one_list_json(session: Session, row: SubscriberList) -> dict[str, Any]:
    """One list resource with its counts."""
    return list_json(row, list_counts(session, [row.id])[row.id])


def member_json(membership: ListMembership) -> dict[str, Any]:
    """The member resource: a contact's membership of one list (its own opt-in record)."""
    return {
        "contact": resources.contact_brief(membership.contact),
        "list_id": membership.list_id,
        "status": membership.status,
        "source": membership.source,
        "source_detail": membership.source_detail,
        "joined_at": iso(membership.joined_at),
        "confirmed_at": iso(membership.confirmed_at),
        "left_at": iso(membership.left_at),
    }


def attribute_json(row: AttributeDefinition) -> dict[str, Any]:
    """The attribute definition resource."""
    return {
        "id": row.id,
        "key": row.key,
        "label": row.label,
        "type": row.type,
        "created_at": iso(row.created_at),
    }


# ---- lists ----------------------------------------------------------------------------------------


def _subscriber_list(list_id: int) -> SubscriberList:
    row = get_session().get(SubscriberList, list_id)
    if row is None:
        raise not_found("list")
    return row


def _list_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The list fields of a request body, type-checked (their meaning is checked by the action)."""
    unknown = set(data) - set(LIST_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of a list")
    for name, value in data.items():
        types = _LIST_TYPES[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            kind = "true or false" if bool in types else "a string" + (" or null" if len(types) > 1 else "")
            raise invalid(name, f"must be {kind}")
    return data


def _list_error(error: InvalidList | DuplicateList) -> ApiError:
    if isinstance(error, DuplicateList):
        return ApiError(
            409, "duplicate", error.message, [{"field": error.field, "message": "is taken by another list"}]
        )
    return invalid(error.field, error.message)


def _settings() -> BotSettings:
    return bot_settings(read_settings(get_session()), current_app.config)


@bp.get("/lists")
def list_lists() -> Response:
    """Subscriber lists in the order they were created, with their members counted by status."""
    page_size = limit()
    query = select(SubscriberList)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(SubscriberList.id > cursor[0])
    session = get_session()
    rows = session.scalars(query.order_by(SubscriberList.id).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    counts = list_counts(session, [r.id for r in rows])
    return jsonify(data=[list_json(r, counts[r.id]) for r in rows], next_cursor=next_cursor)


@bp.post("/lists")
def create_list_view() -> tuple[Response, int]:
    """Create a list (admins); 409 duplicate when its name or slug is taken."""
    require_admin("lists")
    values = _list_fields(json_body())
    if "name" not in values:
        raise invalid("name", "is required")
    session = get_session()
    try:
        row = create_list(session, values, _settings())
    except (InvalidList, DuplicateList) as error:
        raise _list_error(error) from None
    return jsonify(one_list_json(session, row)), 201


@bp.get("/lists/<id:list_id>")
def get_list(list_id: int) -> Response:
    """One list with its counts."""
    return jsonify(one_list_json(get_session(), _subscriber_list(list_id)))


@bp.patch("/lists/<id:list_id>")
def patch_list(list_id: int) -> Response:
    """Change some fields of a list (admins)."""
    require_admin("lists")
    row = _subscriber_list(list_id)
    values = _list_fields(json_body())
    session = get_session()
    try:
        update_list(session, row, values, _settings())
    except (InvalidList, DuplicateList) as error:
        raise _list_error(error) from None
    return jsonify(one_list_json(session, row))


@bp.delete("/lists/<id:list_id>")
def delete_list_view(list_id: int) -> tuple[str, int]:
    """Delete a list and its memberships (admins); keyword rules that joined it are disabled."""
    require_admin("lists")
    delete_list(get_session(), _subscriber_list(list_id), g.api_user)
    return "", 204


# ---- members --------------------------------------------------------------------------------------


@bp.get("/lists/<id:list_id>/members")
def list_members(list_id: int) -> Response:
    """A list's members, newest first; ?status= and ?q= (phone or name) narrow them."""
    _subscriber_list(list_id)
    page_size = limit()
    query = (
        select(ListMembership)
        .join(Contact, Contact.id == ListMembership.contact_id)
        .where(ListMembership.list_id == list_id)
    )
    status = request.args.get("status")
    if status is not None:
        if status not in MEMBERSHIP_STATUSES:
            raise invalid("status", f"must be one of {', '.join(MEMBERSHIP_STATUSES)}")
        query = query.where(ListMembership.status == status)
    needle = (request.args.get("q") or "").strip().lower()
    if len(needle) > 200:
        raise invalid("q", "must be at most 200 characters")
    if needle:
        # "(415) 555" finds +1415555…: a needle that is a formatted number is searched by its digits.
        digits = re.sub(r"[\s().\-/]", "", needle)
        phone_needle = digits if re.fullmatch(r"\+?[0-9]+", digits) else needle
        query = query.where(
            or_(
                Contact.phone.contains(phone_needle, autoescape=True),
                func.lower(Contact.name).contains(needle, autoescape=True),
            )
        )
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(ListMembership.id < cursor[0])
    rows = get_session().scalars(query.order_by(ListMembership.id.desc()).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    return jsonify(data=[member_json(m) for m in rows], next_cursor=next_cursor)


@bp.post("/lists/<id:list_id>/members")
def add_member_view(list_id: int) -> tuple[Response, int]:
    """Subscribe a number (admins): the caller vouches for its consent; 409 opted_out if it opted out."""
    require_admin("list members")
    row = _subscriber_list(list_id)
    data = json_body()
    unknown = set(data) - {"phone", "name"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of a member")
    phone = text_field(data, "phone", max_length=64) or ""
    name = text_field(data, "name", required=False, max_length=200)
    if name is not None and any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise invalid("name", "must not contain control characters")
    try:
        address = subscriber_address(phone, current_app.config["DEFAULT_REGION"])
    except InvalidAddress as error:
        raise invalid("phone", str(error)) from None
    # A token is an integration (source "api"); a logged-in browser is a person at the desk ("admin").
    source: Literal["api", "admin"] = "api" if auth.bearer_token() is not None else "admin"
    detail = f"added by {g.api_user.email}"
    session = get_session()
    try:
        result = add_member(
            session, row, address, name, source, detail, subscription_texts(session, current_app.config)
        )
    except ContactOptedOut as error:
        raise ApiError(409, "opted_out", str(error)) from None
    return jsonify(member_json(result.membership)), 201


@bp.delete("/lists/<id:list_id>/members/<id:contact_id>")
def remove_member_view(list_id: int, contact_id: int) -> Response:
    """Unsubscribe a contact from a list (admins); the membership stays as the record, unsubscribed."""
    require_admin("list members")
    _subscriber_list(list_id)
    session = get_session()
    membership = membership_for(session, list_id, contact_id)
    if membership is None:
        raise not_found("member")
    return jsonify(member_json(remove_member(session, membership)))


# ---- attributes -----------------------------------------------------------------------------------


def _attribute(attribute_id: int) -> AttributeDefinition:
    row = get_session().get(AttributeDefinition, attribute_id)
    if row is None:
        raise not_found("attribute")
    return row


def _attribute_error(error: InvalidAttribute | DuplicateAttribute) -> ApiError:
    if isinstance(error, DuplicateAttribute):
        return ApiError(409, "duplicate", str(error), [{"field": "key", "message": "is taken"}])
    return invalid(error.field, error.message)


@bp.get("/attributes")
def list_attributes() -> Response:
    """The custom contact attributes, by key, paged like every list (?limit=, ?cursor=)."""
    page_size = limit()
    query = select(AttributeDefinition).order_by(AttributeDefinition.key)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not isinstance(cursor[0], str):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(AttributeDefinition.key > cursor[0])
    rows = get_session().scalars(query.limit(page_size + 1)).all()
    page = rows[:page_size]
    next_cursor = encode_cursor(page[-1].key) if len(rows) > page_size else None
    return jsonify(data=[attribute_json(r) for r in page], next_cursor=next_cursor)


@bp.post("/attributes")
def create_attribute_view() -> tuple[Response, int]:
    """Define a custom attribute (admins); its key and type cannot change later."""
    require_admin("attributes")
    data = json_body()
    unknown = set(data) - {"key", "label", "type"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of an attribute")
    if "label" in data and not isinstance(data["label"], str):
        raise invalid("label", "must be a string")
    key = text_field(data, "key", max_length=100) or ""
    label = text_field(data, "label", required=False, max_length=200) or ""
    kind = text_field(data, "type", max_length=20) or ""
    try:
        row = create_attribute(get_session(), key, label, kind)
    except (InvalidAttribute, DuplicateAttribute) as error:
        raise _attribute_error(error) from None
    return jsonify(attribute_json(row)), 201


@bp.get("/attributes/<id:attribute_id>")
def get_attribute(attribute_id: int) -> Response:
    """One attribute definition."""
    return jsonify(attribute_json(_attribute(attribute_id)))


@bp.patch("/attributes/<id:attribute_id>")
def patch_attribute(attribute_id: int) -> Response:
    """Change an attribute's label (admins); key and type are fixed once created."""
    require_admin("attributes")
    row = _attribute(attribute_id)
    data = json_body()
    fixed = {"key", "type"} & set(data)
    if fixed:
        raise invalid(sorted(fixed)[0], "cannot change once the attribute exists (delete it and define anew)")
    unknown = set(data) - {"label"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of an attribute")
    if "label" in data and not isinstance(data["label"], str):
        raise invalid("label", "must be a string")
    label = text_field(data, "label", required=False, max_length=200)
    if label is not None:
        try:
            relabel_attribute(get_session(), row, label)
        except InvalidAttribute as error:
            raise _attribute_error(error) from None
    return jsonify(attribute_json(row))


@bp.delete("/attributes/<id:attribute_id>")
def delete_attribute_view(attribute_id: int) -> tuple[str, int]:
    """Delete an attribute and every contact's value of it (admins)."""
    require_admin("attributes")
    delete_attribute(get_session(), _attribute(attribute_id))
    return "", 204
