"""Campaigns: senders and their pace, saved segments, message templates, campaigns and their recipients."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.messages import Message
    from inbox.models.subscribers import SubscriberList

CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "paused", "completed", "cancelled")
# pending: waiting its turn (or its quiet hours); sent: its message exists (the outbox states live on the
# message); skipped: never sent, skip_reason says why.
RECIPIENT_STATUSES = ("pending", "sent", "skipped")
SKIP_REASONS = ("opted_out", "not_subscribed", "invalid_number", "invalid_text", "cancelled")
TEMPLATE_KINDS = ("transactional", "marketing")


class Sender(Base):
    """A number (or messaging service) campaigns send from, with the carrier's pace and price."""

    __tablename__ = "senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # E.164 number, short code or a Twilio messaging service sid (MG…); "" = the desk's configured sender.
    from_address: Mapped[str] = mapped_column(String(64), default="")
    # The carrier's limit, counted in segments as carriers count them (a 3-segment text uses 3).
    segments_per_second: Mapped[float] = mapped_column(default=1.0)
    price_per_segment: Mapped[float] = mapped_column(default=0.0079)  # in the account's currency
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SavedSegment(Base):
    """A named filter in the segment language (inbox/segments), reused by campaigns."""

    __tablename__ = "saved_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    filter: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MessageTemplate(Base):
    """A named text for POST /api/v1/messages: transactional (order updates) or marketing."""

    __tablename__ = "message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="transactional")  # one of TEMPLATE_KINDS
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Campaign(Base):
    """One bulk send: an audience (a list or a segment), a template, a sender, a schedule, quiet hours."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_status", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # one of CAMPAIGN_STATUSES
    list_id: Mapped[int | None] = mapped_column(ForeignKey("subscriber_lists.id", ondelete="SET NULL"))
    # The audience filter in the segment language (a saved segment's text is copied in at launch).
    segment_filter: Mapped[str] = mapped_column(Text, default="")
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("saved_segments.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(Text, default="")
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("senders.id", ondelete="SET NULL"))
    scheduled_at: Mapped[dt.datetime | None]  # None: as soon as launched
    # The hours texts may go out, in each recipient's local time (outside them is quiet: texts wait).
    window_start: Mapped[str] = mapped_column(String(5), default="09:00")
    window_end: Mapped[str] = mapped_column(String(5), default="20:00")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    launched_at: Mapped[dt.datetime | None]
    queued_at: Mapped[dt.datetime | None]  # when its recipients were fixed
    completed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]

    subscriber_list: Mapped[SubscriberList | None] = relationship()
    sender: Mapped[Sender | None] = relationship()


class CampaignRecipient(Base):
    """One contact a campaign addresses: fixed when the campaign is queued, sent at most once."""

    __tablename__ = "campaign_recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id"),
        Index("ix_campaign_recipients_queue", "campaign_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # one of RECIPIENT_STATUSES
    skip_reason: Mapped[str | None] = mapped_column(String(32))  # one of SKIP_REASONS
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    not_before: Mapped[dt.datetime | None]  # quiet hours: the recipient's window opens then
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    message: Mapped[Message | None] = relationship()


class WorkerLease(Base):
    """A named job only one process may run at a time (the campaign dispatcher), held until expires_at."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[dt.datetime]
