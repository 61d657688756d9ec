"""Conversation changes by people: status, assignment, agent replies, API sends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.contacts import get_or_create_contact
from inbox.actions.receive import current_conversation
from inbox.actions.send import send_message
from inbox.db import utcnow
from inbox.events import notify_conversation_created, notify_conversation_updated
from inbox.models import Conversation, Message, User
from inbox.models.conversations import STATUSES
from sms.phone import normalize_address


class ConversationConflict(ValueError):
    """The change contradicts the conversation's state (e.g. two current conversations for one contact)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_UNSET = object()


def update_conversation(
    session: Session,
    conversation: Conversation,
    *,
    status: str | None = None,
    assignee: User | object | None = _UNSET,
) -> Conversation:
    """Change status and/or assignee; reopening needs the contact to have no other current one. Commits."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if status is not None and status != conversation.status:
        if conversation.status == "resolved":
            other = session.scalar(
                select(Conversation.id).where(
                    Conversation.contact_id == conversation.contact_id,
                    Conversation.status != "resolved",
                    Conversation.id != conversation.id,
                )
            )
            if other is not None:
                raise ConversationConflict(
                    "conversation_conflict",
                    f"the contact already has a current conversation ({other}); reopen that one instead",
                )
        conversation.status = status
        conversation.resolved_at = utcnow() if status == "resolved" else None
        if status == "bot":
            conversation.bot_misses = 0
    if assignee is not _UNSET:
        conversation.assignee = assignee  # type: ignore[assignment]
        if assignee is not None and conversation.status in ("bot", "pending"):
            conversation.status = "open"
    notify_conversation_updated(session, conversation)
    session.commit()
    return conversation


def agent_reply(session: Session, conversation: Conversation, user: User, body: str) -> Message:
    """An agent answers in a conversation: it becomes theirs and `open`, then the text goes out. Commits."""
    if conversation.status == "resolved":
        raise ConversationConflict(
            "conversation_resolved", "the conversation is resolved; reopen it to reply"
        )
    if conversation.status == "pending" or (
        conversation.status == "bot" and conversation.assignee_id is None
    ):
        # Whoever answers a waiting customer owns the conversation from then on.
        conversation.status = "open"
        conversation.assignee = user
    elif conversation.status == "bot":
        conversation.status = "open"
    conversation.unread_count = 0
    message = send_message(
        session, conversation=conversation, body=body, sender="agent", purpose="agent", user=user
    )
    session.commit()
    return message


def mark_read(session: Session, conversation: Conversation) -> Conversation:
    """An agent has seen the conversation: its unread count drops to 0. Commits."""
    if conversation.unread_count:
        conversation.unread_count = 0
        notify_conversation_updated(session, conversation)
    session.commit()
    return conversation


def send_to_number(session: Session, to: str, body: str, user: User | None, region: str) -> Message:
    """A text to any number through the one send path, threaded into its conversation. Commits."""
    address = normalize_address(to, region)
    contact = get_or_create_contact(session, address)
    conversation, is_new = current_conversation(session, contact)
    if is_new:
        notify_conversation_created(session, conversation)
    message = send_message(
        session,
        conversation=conversation,
        body=body,
        sender="agent" if user else "system",
        purpose="api",
        user=user,
    )
    session.commit()
    return message
