"""Contacts (one per phone number) and their consent ledger."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.conversations import Conversation

CONSENT_ACTIONS = ("opt_out", "opt_in")
CONSENT_SOURCES = ("keyword", "plain_language", "carrier_21610", "api", "admin")


class Contact(Base):
    """Someone who texts the business, threaded by their normalised address."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)  # E.164, short code or alphanumeric id
    address_kind: Mapped[str] = mapped_column(String(16), default="e164")
    name: Mapped[str | None] = mapped_column(String(200))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_inbound_at: Mapped[dt.datetime | None]
    # Custom attributes by AttributeDefinition.key: text, number, "YYYY-MM-DD" dates, booleans (JSON scalars).
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    # The last campaign text we sent them: a text back within REPLY_WINDOW is that campaign's reply
    # (kept here so marking a reply costs the webhook no extra query).
    last_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    last_campaign_at: Mapped[dt.datetime | None]

    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="contact", order_by="ConsentEvent.id", cascade="all, delete-orphan"
    )
    conversations: Mapped[list[Conversation]] = relationship(
        back_populates="contact", order_by="Conversation.id"
    )


class ConsentEvent(Base):
    """One opt-out or opt-in: when, how, and the message that caused it."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    contact: Mapped[Contact] = relationship(back_populates="consent_events")
