"""Alembic, configured in code: `flask --app app init-db` creates or upgrades the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate must leave the search objects alone: they live in migrations only (0003)."""
    if name and (name.endswith("_trgm") or "_fts" in name):
        return not reflected
    return True


def alembic_config(engine: Engine) -> Config:
    """An Alembic Config pointing at our migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the latest revision."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision from the models (developers only)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
