"""The record of every change to the bot's configuration: who, when, before → after."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.db import Base, utcnow

if TYPE_CHECKING:
    from inbox.models.users import User


class ConfigChange(Base):
    """One change to a rule or to the settings; rows are only ever added."""

    __tablename__ = "config_changes"
    __table_args__ = (Index("ix_config_changes_subject", "subject", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(16))  # "rule" or "settings"
    # The rule's id (no foreign key: the history of a deleted rule stays readable).
    subject_id: Mapped[int | None]
    subject_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(16))  # created, updated, deleted, reordered, imported
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
