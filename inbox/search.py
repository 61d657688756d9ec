"""The inbox's ?q= search: phone, name and message text, found through trigram indexes.

PostgreSQL serves ILIKE from pg_trgm GIN indexes; SQLite matches substrings in FTS5 trigram tables
(migration 0003). Either way the matches are found first, rather than by testing every conversation's
contact and messages in turn, which at 100,000 conversations took 0.2-0.45 s for a rare word
(bench/bench_inbox_list.py). A common word is the exception: its matches are everywhere, so walking the
folder newest first fills a page quickly, and gathering them all would not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    column,
    exists,
    func,
    inspect,
    literal_column,
    or_,
    select,
)
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from inbox.models import Contact, Conversation, Message

COMMON_AT = 5_000  # from this many matching messages a term counts as common
MIN_FTS_LENGTH = 3  # trigrams: shorter terms cannot use the index and fall back to a scan

_fts_available: dict[str, bool] = {}


def like_pattern(q: str) -> str:
    """q anywhere, with LIKE's wildcards taken literally."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def has_sqlite_fts(engine: Engine) -> bool:
    """Whether migration 0003 could build the FTS5 trigram tables (SQLite 3.34+), remembered per database."""
    key = str(engine.url)
    if key not in _fts_available:
        _fts_available[key] = "messages_fts" in inspect(engine).get_table_names()
    return _fts_available[key]


def _fts_rowids(name: str, q: str) -> Select[Any]:
    phrase = '"' + q.replace('"', '""') + '"'  # an FTS5 string: a substring match on trigrams
    return select(sql_table(name, column("rowid")).c.rowid).where(literal_column(name).op("MATCH")(phrase))


def search_condition(session: Session, q: str) -> ColumnElement[bool]:
    """Conversations whose contact's phone or name, or any of whose messages, contain q (any case)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    pattern = like_pattern(q)
    body_matches = Message.body.ilike(pattern, escape="\\")
    if engine.dialect.name == "sqlite" and len(q) >= MIN_FTS_LENGTH and has_sqlite_fts(engine):
        contact_ids: Select[Any] = _fts_rowids("contacts_fts", q)
        message_ids: Select[Any] = _fts_rowids("messages_fts", q)
        by_text = select(Message.conversation_id).where(Message.id.in_(message_ids))
    else:
        contact_ids = select(Contact.id).where(
            or_(Contact.phone.ilike(pattern, escape="\\"), Contact.name.ilike(pattern, escape="\\"))
        )
        message_ids = select(Message.id).where(body_matches)
        by_text = select(Message.conversation_id).where(body_matches)
    matching = session.scalar(select(func.count()).select_from(message_ids.limit(COMMON_AT + 1).subquery()))
    if (matching or 0) > COMMON_AT:
        each = select(Message.id).where(Message.conversation_id == Conversation.id, body_matches)
        if engine.dialect.name == "postgresql":
            each = each.offset(0)  # keeps PostgreSQL testing each conversation instead of hashing every match
        return or_(Conversation.contact_id.in_(contact_ids), exists(each))
    by_contact = select(Conversation.id).where(Conversation.contact_id.in_(contact_ids))
    return Conversation.id.in_(by_contact.union_all(by_text))
