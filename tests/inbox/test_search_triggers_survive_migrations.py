"""Migrations keep SQLite's search triggers (a table rebuild in Alembic batch mode drops them silently)."""

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
