"""Messages, inbound and outbound, with their delivery state."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.campaigns import Campaign
    from inbox.models.contacts import Contact
    from inbox.models.conversations import Conversation
    from inbox.models.users import User

STATUSES = ("received", "queued", "sending", "sent", "delivered", "undelivered", "failed", "blocked")
SENDERS = ("contact", "bot", "agent", "system", "campaign")


class Message(Base):
    """One text. provider_sid is unique: it is how inbound webhooks stay idempotent."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        Index("ix_messages_outbox", "status", "next_attempt_at"),
        Index("ix_messages_campaign", "campaign_id", "direction", "status"),
        Index("ix_messages_claimed_at", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    sender: Mapped[str] = mapped_column(String(16))
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why a message exists (agent, api, rule, help, opt_out_confirmation …): the compliance guard reads it.
    purpose: Mapped[str] = mapped_column(String(32), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Inbound only: the state the bot saw and what it decided (kind, rule, replies, hand-off), so a
    # replay of changed rules can be compared with what really happened.
    bot_trace: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Outbound: the campaign that sent it; inbound: the campaign it replies to (its last text to this
    # contact, within the reply window), so reports count replies and the inbox marks them.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    segments: Mapped[int] = mapped_column(default=1)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM-7")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    contact: Mapped[Contact] = relationship()
    sender_user: Mapped[User | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()


class EarlyStatusReport(Base):
    """A status callback that beat us to recording the provider's sid; replayed once the sid is known."""

    __tablename__ = "early_status_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
