"""/api/v1/conversations: list, read, change, reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from inbox import resources
from inbox.actions.conversations import ConversationConflict, agent_reply, mark_read, update_conversation
from inbox.actions.notes import MAX_BODY as MAX_NOTE
from inbox.actions.notes import InvalidNote, add_note
from inbox.actions.send import InvalidMessage, is_blocked
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit, text_field
from inbox.db import get_session
from inbox.models import Contact, Conversation, Message, User
from inbox.models.conversations import STATUSES, UNREAD
from inbox.search import search_condition
from sms.phone import InvalidAddress, normalize_address

ACTIVE = ("pending", "open")  # someone on the team should be on it


def folder_condition(folder: str, user_id: int) -> ColumnElement[bool]:
    """The conversations of one inbox folder, for a user ("mine" depends on who asks)."""
    if folder == "needs_agent":
        return Conversation.status == "pending"
    if folder == "mine":
        return and_(Conversation.assignee_id == user_id, Conversation.status.in_(ACTIVE))
    if folder == "unassigned":
        return and_(Conversation.assignee_id.is_(None), Conversation.status.in_(ACTIVE))
    if folder == "open":
        return Conversation.status.in_(ACTIVE)
    if folder == "bot":
        return Conversation.status == "bot"
    if folder == "resolved":
        return Conversation.status == "resolved"
    raise invalid("folder", f"must be one of {', '.join(FOLDERS)}")


FOLDERS = ("needs_agent", "mine", "unassigned", "open", "bot", "resolved")


def _filtered(query: Select[Conversation]) -> Select[Conversation]:
    folder = request.args.get("folder")
    if folder is not None:
        query = query.where(folder_condition(folder, g.api_user.id))
    status = request.args.get("status")
    if status:
        wanted = status.split(",")
        if not all(s in STATUSES for s in wanted):
            raise invalid("status", f"must be one or more of {', '.join(STATUSES)}, comma-separated")
        query = query.where(Conversation.status.in_(wanted))
    assignee = request.args.get("assignee")
    if assignee:
        if assignee == "me":
            query = query.where(Conversation.assignee_id == g.api_user.id)
        elif assignee == "none":
            query = query.where(Conversation.assignee_id.is_(None))
        elif assignee.isdigit() and is_id(int(assignee)):
            query = query.where(Conversation.assignee_id == int(assignee))
        else:
            raise invalid("assignee", "must be a user id, 'me' or 'none'")
    phone = request.args.get("phone")
    if phone:
        try:
            normalized = normalize_address(phone, current_app.config["DEFAULT_REGION"]).value
        except InvalidAddress as error:
            raise invalid("phone", str(error)) from None
        query = query.where(Conversation.contact.has(Contact.phone == normalized))
    q = request.args.get("q")
    if q:
        if len(q) > 200:
            raise invalid("q", "must be at most 200 characters")
        query = query.where(search_condition(get_session(), q))
    return query


@bp.get("/conversations")
def list_conversations() -> Response:
    """Conversations, most recent activity first, filtered by status, assignee, phone or text."""
    page_size = limit()
    query = _filtered(select(Conversation)).options(
        selectinload(Conversation.contact), selectinload(Conversation.assignee)
    )
    cursor = decode_cursor(2)
    if cursor is not None:
        try:
            at = dt.datetime.fromisoformat(str(cursor[0]))
            last_id = cursor[1]
        except (TypeError, ValueError):
            raise invalid("cursor", "is not a cursor this API gave out") from None
        if at.tzinfo is None or not is_id(last_id):
            raise invalid("cursor", "is not a cursor this API gave out")
        # Written so the bound is an index range (<= at), not only a filter.
        query = query.where(
            Conversation.last_message_at <= at,
            or_(Conversation.last_message_at < at, Conversation.id < last_id),
        )
    query = query.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(page_size + 1)
    rows = get_session().scalars(query).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].last_message_at.isoformat(), rows[-1].id)
    previews = last_messages([c.id for c in rows])
    data = [{**resources.conversation(c), "last_message": previews.get(c.id)} for c in rows]
    return jsonify(data=data, next_cursor=next_cursor)


def last_messages(conversation_ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """The newest message of each conversation, in one query (for the list's previews)."""
    if not conversation_ids:
        return {}
    newest = (
        select(func.max(Message.id))
        .where(Message.conversation_id.in_(conversation_ids))
        .group_by(Message.conversation_id)
    )
    rows = get_session().scalars(select(Message).where(Message.id.in_(newest))).all()
    return {m.conversation_id: resources.message_preview(m) for m in rows}


@bp.get("/inbox/counts")
def inbox_counts() -> Response:
    """How many conversations each folder holds, and how many of them have unread texts."""
    session = get_session()
    me = g.api_user.id
    counts = {folder: {"count": 0, "unread": 0} for folder in FOLDERS}
    # Current conversations are few (they are being worked on): group them in one pass.
    unread = Conversation.unread_count > 0
    groups = session.execute(
        select(Conversation.status, Conversation.assignee_id, unread, func.count())
        .where(Conversation.status.in_(("bot", *ACTIVE)))
        .group_by(Conversation.status, Conversation.assignee_id, unread)
    ).all()
    for status, assignee_id, has_unread, number in groups:
        folders = ["bot"] if status == "bot" else ["open"]
        if status == "pending":
            folders.append("needs_agent")
        if status in ACTIVE and assignee_id is None:
            folders.append("unassigned")
        if status in ACTIVE and assignee_id == me:
            folders.append("mine")
        for folder in folders:
            counts[folder]["count"] += number
            counts[folder]["unread"] += number if has_unread else 0
    # Resolved ones pile up forever: their total comes from the status index alone, their unread
    # ones from the partial index of unread conversations, minus the current ones counted above.
    resolved_total = session.scalar(select(func.count()).where(Conversation.status == "resolved")) or 0
    all_unread = session.scalar(select(func.count()).select_from(Conversation).where(UNREAD)) or 0
    current_unread = sum(number for _, _, has_unread, number in groups if has_unread)
    counts["resolved"] = {"count": resolved_total, "unread": max(0, all_unread - current_unread)}
    return jsonify(counts)


def _conversation(conversation_id: int) -> Conversation:
    conv = get_session().get(Conversation, conversation_id)
    if conv is None:
        raise not_found("conversation")
    return conv


def conversation_with_messages(conv: Conversation) -> dict[str, Any]:
    """A conversation resource with its messages, oldest first."""
    messages = get_session().scalars(
        select(Message)
        .where(Message.conversation_id == conv.id)
        .order_by(Message.id)
        .options(selectinload(Message.sender_user), selectinload(Message.campaign))
    )
    rows = [resources.message(m) for m in messages]
    last = rows[-1] if rows else None
    preview = {k: last[k] for k in ("body", "direction", "sender", "created_at")} if last else None
    return {**resources.conversation(conv), "last_message": preview, "messages": rows}


@bp.get("/conversations/<id:conversation_id>")
def get_conversation(conversation_id: int) -> Response:
    """One conversation with its messages, oldest first."""
    return jsonify(conversation_with_messages(_conversation(conversation_id)))


@bp.patch("/conversations/<id:conversation_id>")
def patch_conversation(conversation_id: int) -> Response:
    """Change a conversation's status and/or assignee."""
    conv = _conversation(conversation_id)
    data = json_body()
    unknown = set(data) - {"status", "assignee_id"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field you can change")
    changes: dict[str, Any] = {}
    if "status" in data:
        if data["status"] not in STATUSES:
            raise invalid("status", f"must be one of {', '.join(STATUSES)}")
        changes["status"] = data["status"]
    if "assignee_id" in data:
        assignee_id = data["assignee_id"]
        if assignee_id is None:
            changes["assignee"] = None
        elif is_id(assignee_id):
            user = get_session().get(User, assignee_id)
            if user is None or not user.active:
                raise invalid("assignee_id", "no active user has this id")
            changes["assignee"] = user
        else:
            raise invalid("assignee_id", "must be a user id or null")
    try:
        update_conversation(get_session(), conv, **changes)
    except ConversationConflict as error:
        raise ApiError(409, error.code, error.message) from None
    return jsonify(resources.conversation_with_preview(get_session(), conv))


@bp.post("/conversations/<id:conversation_id>/messages")
def reply_in_conversation(conversation_id: int) -> tuple[Response, int]:
    """An agent's reply, through the one send path; 409 opted_out when the contact has opted out."""
    conv = _conversation(conversation_id)
    body = text_field(json_body(), "body", max_length=100_000) or ""
    try:
        message = agent_reply(get_session(), conv, g.api_user, body)
    except InvalidMessage as error:
        raise invalid(error.field, error.message) from None
    except ConversationConflict as error:
        raise ApiError(409, error.code, error.message) from None
    return created_or_blocked(message)


@bp.post("/conversations/<id:conversation_id>/read")
def read_conversation(conversation_id: int) -> Response:
    """The agent has seen the conversation: its unread count drops to 0."""
    conv = mark_read(get_session(), _conversation(conversation_id))
    return jsonify(resources.conversation_with_preview(get_session(), conv))


@bp.post("/conversations/<id:conversation_id>/notes")
def add_note_view(conversation_id: int) -> tuple[Response, int]:
    """A private note in the conversation: shown to the team, never sent."""
    conv = _conversation(conversation_id)
    body = text_field(json_body(), "body", max_length=MAX_NOTE) or ""
    try:
        note = add_note(get_session(), conv, g.api_user, body)
    except InvalidNote as error:
        raise invalid("body", str(error)) from None
    return jsonify(resources.note(note)), 201


def created_or_blocked(message: Message) -> tuple[Response, int]:
    """201 with the message, or 409 opted_out when the guard stored it as blocked."""
    if is_blocked(message):
        raise ApiError(
            409,
            "opted_out",
            "the recipient has opted out; the message was stored as blocked and not sent",
            message_resource=resources.message(message),
        )
    return jsonify(resources.message(message)), 201
