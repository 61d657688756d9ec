"""Conversations: a contact's thread with the desk, from first text to resolved."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.contacts import Contact
    from inbox.models.messages import Message
    from inbox.models.users import User

STATUSES = ("bot", "pending", "open", "resolved")
# The predicate of the partial unique index; upserts must name it literally (see conversation_for_inbound).
CURRENT = text("status != 'resolved'")
# The predicate of the partial index of unread conversations (literal, like CURRENT, so planners match it).
UNREAD = text("unread_count > 0")


class Conversation(Base):
    """One thread; at most one per contact is not resolved (enforced by a partial unique index)."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index(
            "uq_conversations_current_per_contact",
            "contact_id",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
        # The folders: status ones read (status, last_message_at, id) in list order, agent ones lead
        # with the assignee; counts read only the conversations with unread texts.
        Index("ix_conversations_status_last_message_at_id", "status", "last_message_at", "id"),
        Index(
            "ix_conversations_assignee_id_status_last_message_at", "assignee_id", "status", "last_message_at"
        ),
        Index("ix_conversations_unread", "unread_count", sqlite_where=UNREAD, postgresql_where=UNREAD),
        Index("ix_conversations_last_message_at_id", "last_message_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="bot")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    bot_misses: Mapped[int] = mapped_column(default=0)
    unread_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]

    contact: Mapped[Contact] = relationship(back_populates="conversations")
    assignee: Mapped[User | None] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", viewonly=True
    )
