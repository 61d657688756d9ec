"""Subscribers: typed custom attributes, tags, and opt-in lists with their own membership record."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.contacts import Contact

ATTRIBUTE_TYPES = ("text", "number", "date", "boolean")
MEMBERSHIP_STATUSES = ("pending", "subscribed", "unsubscribed")  # pending: double opt-in not yet confirmed
JOIN_SOURCES = ("keyword", "web_form", "import", "api", "admin")
ATTRIBUTE_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class AttributeDefinition(Base):
    """A custom contact attribute: its key (as segments and templates name it), label and type."""

    __tablename__ = "attribute_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    type: Mapped[str] = mapped_column(String(8))  # one of ATTRIBUTE_TYPES
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ContactTag(Base):
    """One tag on one contact (lower case)."""

    __tablename__ = "contact_tags"
    __table_args__ = (Index("ix_contact_tags_tag", "tag", "contact_id"),)

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)


class SubscriberList(Base):
    """A named subscription customers opt in to (by keyword, web form, import or API)."""

    __tablename__ = "subscriber_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(80), default="")  # "up to 4 msgs/month": said on joining
    double_opt_in: Mapped[bool] = mapped_column(default=False)
    # The public sign-up form lives at /join/<slug> while signup_enabled.
    slug: Mapped[str | None] = mapped_column(String(60), unique=True)
    signup_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Sent once a membership is confirmed (a template; "" sends none).
    welcome_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[ListMembership]] = relationship(back_populates="list")


class ListMembership(Base):
    """One contact's subscription to one list: its own opt-in record (who, when, how) and state."""

    __tablename__ = "list_memberships"
    __table_args__ = (
        UniqueConstraint("list_id", "contact_id"),
        Index("ix_list_memberships_contact", "contact_id"),
        Index("ix_list_memberships_list_status", "list_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("subscriber_lists.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # one of MEMBERSHIP_STATUSES
    source: Mapped[str] = mapped_column(String(16))  # one of JOIN_SOURCES
    source_detail: Mapped[str] = mapped_column(Text, default="")  # the keyword text, form URL, file name …
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]
    left_at: Mapped[dt.datetime | None]

    list: Mapped[SubscriberList] = relationship(back_populates="memberships")
    contact: Mapped[Contact] = relationship()
