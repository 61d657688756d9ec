"""Migrations keep what a SQLite table rebuild (Alembic batch mode) silently drops: triggers, AUTOINCREMENT"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from inbox.db import make_engine
from inbox.migrate import upgrade
from tests.conftest import DB_KIND

TRIGGERS = {
    f"{table}_fts_{event}" for table in ("messages", "contacts") for event in ("insert", "delete", "update")
}


@pytest.mark.skipif(DB_KIND != "sqlite", reason="SQLite search needs triggers; PostgreSQL's uses indexes")
def test_the_migrated_schema_has_every_search_trigger(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        found = set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    engine.dispose()
    assert found >= TRIGGERS


@pytest.mark.skipif(DB_KIND != "sqlite", reason="AUTOINCREMENT is SQLite's; sequences never reuse ids")
def test_rule_ids_are_never_reused_after_every_migration(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        ddl = connection.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'rules'"))
    engine.dispose()
    assert "AUTOINCREMENT" in (ddl or "")
