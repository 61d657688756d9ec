"""Inbox search and folder indexes: trigram search (pg_trgm / SQLite FTS5), folder and unread indexes

At 100,000 conversations a ?q= search scanned every message body (0.2-0.45 s); with trigram indexes
it finds the matches first (bench/bench_inbox_list.py). The trigram objects are not in the models:
migrations/env.py keeps autogenerate from dropping them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PG_TRIGRAM = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_messages_body_trgm ON messages USING gin (body gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_contacts_phone_trgm ON contacts USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_contacts_name_trgm ON contacts USING gin (name gin_trgm_ops)",
)
# External-content FTS5 tables with the trigram tokenizer (SQLite 3.34+): substring search like ILIKE,
# kept in step with their tables by triggers.
SQLITE_TRIGRAM = (
    "CREATE VIRTUAL TABLE messages_fts USING fts5("
    "body, content='messages', content_rowid='id', tokenize='trigram')",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE VIRTUAL TABLE contacts_fts USING fts5("
    "phone, name, content='contacts', content_rowid='id', tokenize='trigram')",
    "INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')",
    "CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN "
    "INSERT INTO contacts_fts(rowid, phone, name) VALUES (new.id, new.phone, new.name); END",
    "CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN "
    "INSERT INTO contacts_fts(contacts_fts, rowid, phone, name) "
    "VALUES ('delete', old.id, old.phone, old.name); END",
    "CREATE TRIGGER contacts_fts_update AFTER UPDATE OF phone, name ON contacts BEGIN "
    "INSERT INTO contacts_fts(contacts_fts, rowid, phone, name) "
    "VALUES ('delete', old.id, old.phone, old.name); "
    "INSERT INTO contacts_fts(rowid, phone, name) VALUES (new.id, new.phone, new.name); END",
)
SQLITE_TRIGRAM_DROP = (
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP TRIGGER IF EXISTS contacts_fts_insert",
    "DROP TRIGGER IF EXISTS contacts_fts_delete",
    "DROP TRIGGER IF EXISTS contacts_fts_update",
    "DROP TABLE IF EXISTS contacts_fts",
)


def sqlite_has_trigram_fts() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+); without it search scans."""
    try:
        op.execute("CREATE VIRTUAL TABLE temp.textdesk_fts_probe USING fts5(x, tokenize='trigram')")
    except sa.exc.OperationalError:
        return False
    op.execute("DROP TABLE temp.textdesk_fts_probe")
    return True


def upgrade() -> None:
    unread = sa.text("unread_count > 0")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_assignee_id")
        batch_op.drop_index("ix_conversations_status_last_message_at")
        batch_op.create_index("ix_conversations_contact_id", ["contact_id"], unique=False)
        batch_op.create_index(
            "ix_conversations_assignee_id_status_last_message_at",
            ["assignee_id", "status", "last_message_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_conversations_status_last_message_at_id", ["status", "last_message_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_conversations_unread",
            ["unread_count"],
            unique=False,
            sqlite_where=unread,
            postgresql_where=unread,
        )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for statement in PG_TRIGRAM:
            op.execute(statement)
    elif dialect == "sqlite" and sqlite_has_trigram_fts():
        for statement in SQLITE_TRIGRAM:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name in ("ix_messages_body_trgm", "ix_contacts_phone_trgm", "ix_contacts_name_trgm"):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    elif dialect == "sqlite":
        for statement in SQLITE_TRIGRAM_DROP:
            op.execute(statement)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_unread")
        batch_op.drop_index("ix_conversations_status_last_message_at_id")
        batch_op.drop_index("ix_conversations_assignee_id_status_last_message_at")
        batch_op.drop_index("ix_conversations_contact_id")
        batch_op.create_index("ix_conversations_status_last_message_at", ["status", "last_message_at"])
        batch_op.create_index("ix_conversations_assignee_id", ["assignee_id"])
