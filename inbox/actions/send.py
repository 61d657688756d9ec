"""The ONE send path: every outbound text (bot, agent, API, campaigns) is stored here first.

The compliance guard lives here and again at hand-off time in the outbox, so nothing reaches an
opted-out number except the one confirmation of their opt-out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.db import utcnow
from inbox.events import notify_conversation_updated, notify_message_created, on_commit
from inbox.models import ConsentEvent, Contact, Conversation, Message, User
from inbox.wakeups import wake_outbox
from sms.segments import analyze

MAX_BODY_CHARS = 1600  # Twilio refuses longer bodies (error 21617)
OPT_OUT_CONFIRMATION = "opt_out_confirmation"
BLOCKED_MESSAGE = "Not sent: the recipient has opted out (replied STOP). They must text START to opt back in."


class InvalidMessage(ValueError):
    """The text cannot be sent as given (empty, too long)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def can_receive_texts(contact: Contact) -> bool:
    """Whether we can text this contact back: alphanumeric sender IDs (VERIFY, MyBank) cannot be."""
    return contact.address_kind != "alphanumeric"


def check_body(body: str, media: Sequence[str] = ()) -> None:
    """Refuse a body that no provider would accept."""
    if not body.strip() and not media:
        raise InvalidMessage("body", "must not be empty")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidMessage("body", f"is {len(body)} characters; the limit is {MAX_BODY_CHARS}")
    if "\x00" in body:
        raise InvalidMessage("body", "must not contain NUL characters")


def may_send(session: Session, contact: Contact, purpose: str, consent_event: ConsentEvent | None) -> bool:
    """The compliance guard: opted-out contacts get nothing but the confirmation of that opt-out."""
    if not contact.opted_out:
        return True
    if purpose != OPT_OUT_CONFIRMATION or consent_event is None or consent_event.action != "opt_out":
        return False
    latest = session.scalar(
        select(ConsentEvent)
        .where(ConsentEvent.contact_id == contact.id)
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    )
    already_confirmed = session.scalar(
        select(Message.id).where(
            Message.contact_id == contact.id,
            Message.purpose == OPT_OUT_CONFIRMATION,
            Message.created_at >= consent_event.at,
        )
    )
    return latest is not None and latest.id == consent_event.id and already_confirmed is None


def send_message(
    session: Session,
    *,
    conversation: Conversation,
    body: str,
    sender: str,
    purpose: str,
    user: User | None = None,
    consent_event: ConsentEvent | None = None,
    media_urls: Sequence[str] = (),
) -> Message:
    """Store one outbound text (queued, or blocked by the guard); the outbox hands it over after commit."""
    check_body(body, media_urls)
    contact = conversation.contact
    if not can_receive_texts(contact):
        raise InvalidMessage("to", f"{contact.phone} is a sender ID, not a number: it cannot receive texts")
    info = analyze(body)
    allowed = may_send(session, contact, purpose, consent_event)
    now = utcnow()
    message = Message(
        conversation=conversation,
        contact=contact,
        direction="outbound",
        sender=sender,
        sender_user=user,
        purpose=purpose,
        body=body,
        media=[{"url": url, "content_type": None} for url in media_urls],
        status="queued" if allowed else "blocked",
        error_message=None if allowed else BLOCKED_MESSAGE,
        segments=info.segments,
        encoding=info.encoding,
        next_attempt_at=now if allowed else None,
        created_at=now,
    )
    session.add(message)
    conversation.last_message_at = now
    # No flush here: the commit flushes every reply in one batch, and payloads are built after it.
    notify_message_created(session, message)
    notify_conversation_updated(session, conversation)
    if allowed:
        on_commit(session, "outbox.wake", wake_outbox)
    return message


def is_blocked(message: Message) -> bool:
    """Whether the guard refused this message."""
    return message.status == "blocked"
