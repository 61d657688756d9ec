"""Keyword rules as stored; bot.rules.Rule is their pure, compiled twin."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inbox.db import Base, utcnow


class KeywordRule(Base):
    """One admin-defined rule: keywords, how to match them, and what to do."""

    __tablename__ = "rules"
    # Ids are never reused (SQLite would reuse a deleted rule's id): the history names rules by id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    match: Mapped[str] = mapped_column(String(16), default="first_word")
    fuzzy: Mapped[bool] = mapped_column(default=True)
    threshold: Mapped[float] = mapped_column(default=85.0)
    priority: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(16), default="reply")
    # action "subscribe": the list a keyword (JOIN VIP) subscribes the texter to.
    list_id: Mapped[int | None] = mapped_column(ForeignKey("subscriber_lists.id", ondelete="SET NULL"))
    # Place in the admin's list (and the last tie-break between equal matches); reorder rewrites it.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
