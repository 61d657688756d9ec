"""The public shape of each resource: one place, used by the API and by Socket.IO events alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import (
    Campaign,
    CannedResponse,
    ConfigChange,
    ConsentEvent,
    Contact,
    Conversation,
    KeywordRule,
    Message,
    Note,
    User,
)


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def user_brief(user: User | None) -> dict[str, Any] | None:
    """A user as it appears inside other resources."""
    if user is None:
        return None
    return {"id": user.id, "email": user.email, "name": user.name or user.email, "role": user.role}


def contact_brief(contact: Contact) -> dict[str, Any]:
    """A contact as it appears inside a conversation."""
    return {
        "id": contact.id,
        "phone": contact.phone,
        "name": contact.name,
        "opted_out": contact.opted_out,
    }


def consent_event(event: ConsentEvent) -> dict[str, Any]:
    """One line of the consent ledger."""
    return {
        "action": event.action,
        "source": event.source,
        "at": iso(event.at),
        "message_id": event.message_id,
        "note": event.note,
    }


def contact(contact: Contact) -> dict[str, Any]:
    """The contact resource, with its consent ledger (oldest first)."""
    return {
        **contact_brief(contact),
        "address_kind": contact.address_kind,
        "opted_out_at": iso(contact.opted_out_at),
        "created_at": iso(contact.created_at),
        "last_inbound_at": iso(contact.last_inbound_at),
        "consent": [consent_event(e) for e in contact.consent_events],
        "conversation_ids": [c.id for c in contact.conversations],
        "conversations": [conversation_brief(c) for c in contact.conversations],
    }


def conversation_brief(conv: Conversation) -> dict[str, Any]:
    """A conversation as it appears in its contact's history."""
    return {
        "id": conv.id,
        "status": conv.status,
        "created_at": iso(conv.created_at),
        "resolved_at": iso(conv.resolved_at),
        "last_message_at": iso(conv.last_message_at),
    }


def message_preview(msg: Message | None) -> dict[str, Any] | None:
    """The last message of a conversation, as the inbox list shows it."""
    if msg is None:
        return None
    return {
        "body": msg.body,
        "direction": msg.direction,
        "sender": msg.sender,
        "created_at": iso(msg.created_at),
    }


def conversation(conv: Conversation) -> dict[str, Any]:
    """The conversation resource (without its messages)."""
    return {
        "id": conv.id,
        "contact": contact_brief(conv.contact),
        "status": conv.status,
        "assignee": user_brief(conv.assignee),
        "last_message_at": iso(conv.last_message_at),
        "unread_count": conv.unread_count,
        "created_at": iso(conv.created_at),
        "resolved_at": iso(conv.resolved_at),
    }


def conversation_with_preview(session: Session, conv: Conversation) -> dict[str, Any]:
    """The conversation resource with its newest message, as the API and events give it."""
    newest = session.scalar(
        select(Message).where(Message.conversation_id == conv.id).order_by(Message.id.desc()).limit(1)
    )
    return {**conversation(conv), "last_message": message_preview(newest)}


def message(msg: Message) -> dict[str, Any]:
    """The message resource."""
    return {
        "id": msg.id,
        "conversation_id": msg.conversation_id,
        "contact_id": msg.contact_id,
        "direction": msg.direction,
        "sender": msg.sender,
        "sender_user": user_brief(msg.sender_user),
        "purpose": msg.purpose,
        "body": msg.body,
        "media": list(msg.media or []),
        "status": msg.status,
        "error_code": msg.error_code,
        "error_message": msg.error_message,
        "provider_sid": msg.provider_sid,
        "segments": msg.segments,
        "encoding": msg.encoding,
        "created_at": iso(msg.created_at),
        "sent_at": iso(msg.sent_at),
        "delivered_at": iso(msg.delivered_at),
        # Outbound: the campaign that sent it; inbound: the campaign it answers (the inbox marks both).
        "campaign": campaign_brief(msg.campaign) if msg.campaign_id is not None else None,
    }


def campaign_brief(campaign: Campaign | None) -> dict[str, Any] | None:
    """A campaign as it appears inside a message."""
    if campaign is None:
        return None
    return {"id": campaign.id, "name": campaign.name}


def note(note: Note) -> dict[str, Any]:
    """A private note resource."""
    return {
        "id": note.id,
        "conversation_id": note.conversation_id,
        "contact_id": note.contact_id,
        "author": user_brief(note.author),
        "body": note.body,
        "created_at": iso(note.created_at),
    }


def canned_response(canned: CannedResponse) -> dict[str, Any]:
    """A canned response resource."""
    return {"id": canned.id, "shortcut": canned.shortcut, "body": canned.body}


def config_change(change: ConfigChange) -> dict[str, Any]:
    """One recorded change to a rule or the settings."""
    return {
        "id": change.id,
        "at": iso(change.at),
        "user": user_brief(change.user) if change.user is not None else None,
        "action": change.action,
        "rule_id": change.subject_id,
        "rule_name": change.subject_name,
        "before": change.before,
        "after": change.after,
    }


def rule(rule: KeywordRule) -> dict[str, Any]:
    """The keyword rule resource."""
    return {
        "id": rule.id,
        "name": rule.name,
        "keywords": list(rule.keywords),
        "match": rule.match,
        "fuzzy": rule.fuzzy,
        "threshold": rule.threshold,
        "priority": rule.priority,
        "enabled": rule.enabled,
        "reply": rule.reply,
        "action": rule.action,
        "position": rule.position,
        "created_at": iso(rule.created_at),
        "updated_at": iso(rule.updated_at),
    }
