"""Canned responses: admin-written replies an agent inserts by typing /shortcut."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inbox.db import Base, utcnow

SHORTCUT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
# What the API takes: the same in any case, with an optional leading "/" and surrounding spaces.
SHORTCUT_INPUT_PATTERN = r"^[ \t\r\n]*/?[A-Za-z0-9][A-Za-z0-9_-]{0,31}[ \t\r\n]*$"


class CannedResponse(Base):
    """One saved reply, found by its shortcut."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    shortcut: Mapped[str] = mapped_column(String(32), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
