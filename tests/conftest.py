"""Fixtures: an app on SQLite (default) or PostgreSQL (TEXTDESK_TEST_DB=postgresql + TEST_DATABASE_URL).

SQLite: migrated once into a template file, copied for each test. PostgreSQL: a schema migrated once,
every table truncated after each test. Either way each test starts from an empty, migrated database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from inbox import events
from inbox.config import ENV_KEYS
from inbox.db import Base, get_db, make_engine
from inbox.migrate import upgrade
from inbox.outbox import Outbox
from sms.simulator import SimulatorProvider

PUBLIC_URL = "https://desk.example.com"
DB_KIND = os.environ.get("TEXTDESK_TEST_DB", "sqlite")

# CI must be reproducible: the same examples every run (a red run can be replayed, a green one stays
# green). Local runs keep exploring new random examples, which is where new cases are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "explore")

# The suite must not pick up an operator's configuration from the environment.
for _key in ENV_KEYS:
    os.environ.pop(_key, None)


def postgres_url() -> str:
    """The PostgreSQL URL for the PostgreSQL pass."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.exit("TEXTDESK_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=2)
    return (
        url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    )


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database: a template file (SQLite) or the test schema (PostgreSQL)."""
    if DB_KIND == "postgresql":
        url = postgres_url()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    template = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    return str(template)


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> Iterator[str]:
    """An empty migrated database for one test."""
    if DB_KIND == "postgresql":
        yield migrated_database
        engine = create_engine(migrated_database)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "textdesk.db"
    shutil.copyfile(migrated_database, path)
    yield f"sqlite:///{path}"


def test_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """The configuration every test app starts from."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "PUBLIC_URL": PUBLIC_URL,
        "OUTBOX_MODE": "off",
        "SIMULATOR_SYNCHRONOUS": True,
        "OUTBOX_RETRY_BASE_SECONDS": 0.0,
        **overrides,
    }


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url: str, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    """A Textdesk app on an empty database, delivering only when a test asks."""
    from app import create_app

    application = create_app(test_config(database_url, **app_overrides))
    yield application
    outbox: Outbox = application.extensions["textdesk.outbox"]
    outbox.stop()
    close = getattr(outbox.provider, "close", None)
    if close:
        close()
    get_db(application).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session for the test to arrange and inspect with (outside any request).

    On SQLite it runs in autocommit mode: the app takes SQLite's write lock at BEGIN, so a test
    session holding a read transaction open would block the app under test.
    """
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        engine = make_engine(url, autocommit=True)
        with Session(engine, expire_on_commit=False) as s:
            yield s
        engine.dispose()
        return
    with get_db(app).session() as s:
        yield s


@pytest.fixture
def outbox(app: Flask) -> Outbox:
    """The app's outbox (tests call deliver_due themselves)."""
    return app.extensions["textdesk.outbox"]  # type: ignore[no-any-return]


@pytest.fixture
def simulator(outbox: Outbox) -> SimulatorProvider:
    """The simulator provider in synchronous mode: status reports wait for flush()."""
    assert isinstance(outbox.provider, SimulatorProvider)
    return outbox.provider


@pytest.fixture
def deliver(outbox: Outbox, simulator: SimulatorProvider) -> Callable[[], int]:
    """Hand every due text to the simulator and apply its status reports."""

    def run() -> int:
        count = outbox.deliver_due()
        simulator.flush()
        return count

    return run


@pytest.fixture
def captured_events() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every event emitted (after commit) during the test."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def listener(name: str, payload: dict[str, Any]) -> None:
        seen.append((name, payload))

    events.listeners.append(listener)
    yield seen
    events.listeners.remove(listener)
