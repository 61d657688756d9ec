"""The one way a configuration change is recorded (who, when, before → after), in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from inbox.models import ConfigChange, User


def record_change(
    session: Session,
    user: User | None,
    subject: str,
    action: str,
    name: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    subject_id: int | None = None,
) -> None:
    """Add one history row (no commit: it lands with the change it describes, or not at all)."""
    session.add(
        ConfigChange(
            user_id=user.id if user is not None else None,
            subject=subject,
            subject_id=subject_id,
            subject_name=name[:120],
            action=action,
            before=before,
            after=after,
        )
    )
