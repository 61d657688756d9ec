"""The migrations build exactly the schema the models describe (nothing for autogenerate to add)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from inbox.db import Base
from inbox.migrate import include_object


def test_the_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
