"""Private notes: written by agents, shown to the team, never sent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.events import notify_note_created
from inbox.models import Conversation, Note, User

MAX_BODY = 10_000


class InvalidNote(ValueError):
    """A note that cannot be saved."""


def add_note(session: Session, conversation: Conversation, author: User, body: str) -> Note:
    """Add a private note to a conversation (no send path is involved at all). Commits."""
    if not body.strip():
        raise InvalidNote("must not be empty")
    if len(body) > MAX_BODY:
        raise InvalidNote(f"must be at most {MAX_BODY} characters")
    note = Note(conversation_id=conversation.id, contact_id=conversation.contact_id, author=author, body=body)
    session.add(note)
    notify_note_created(session, note)
    session.commit()
    return note
