"""The store_only side of bench_inbound.py: the bare app plus one durable write per webhook.

Each POST /webhooks/twilio/sms parses the form like the bare app, then runs exactly one committed
transaction, `INSERT INTO inbound_probe (sid, sender, body, received_at) VALUES (...) ON CONFLICT (sid)
DO NOTHING` (SQLAlchemy Core, engine.begin()), and answers empty TwiML. No signature check, no bot, no
reply: it is the floor any design pays that durably stores each text before acknowledging Twilio.

The database is DATABASE_URL, the one Textdesk uses, with Textdesk's engine settings: PostgreSQL pool
10 + 20 overflow; SQLite in WAL mode, synchronous=NORMAL, busy_timeout 30 s, BEGIN IMMEDIATE. The bench
creates the table (create_probe_table) before it starts the server.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, create_engine, event
from sqlalchemy.engine import make_url

from bench.inbound_bare_app import EMPTY_TWIML

PROBE_TABLE = "inbound_probe"
metadata = MetaData()
inbound_probe = Table(
    PROBE_TABLE,
    metadata,
    Column("sid", String(64), primary_key=True),  # the unique sid ON CONFLICT targets
    Column("sender", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str) -> Engine:
    """An engine configured like Textdesk's (inbox/db.py) for the same database URL."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_recycle=300, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def insert_ignore(engine: Engine) -> Any:
    """INSERT INTO inbound_probe ... ON CONFLICT (sid) DO NOTHING, in the engine's dialect."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(inbound_probe).on_conflict_do_nothing(index_elements=["sid"])


def create_probe_table(url: str) -> None:
    """Create inbound_probe (sid unique) in the database at url, empty; SQLite is switched to WAL."""
    engine = make_engine(url)
    try:
        metadata.drop_all(engine)
        metadata.create_all(engine)
    finally:
        engine.dispose()


def create_app() -> Flask:
    """Build the app: POST /webhooks/twilio/sms stores one row then answers empty TwiML, GET / answers ok."""
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])
    statement = insert_ignore(engine)

    @app.get("/")
    def health() -> Response:
        """Readiness probe for the bench."""
        return Response("ok", mimetype="text/plain")

    @app.post("/webhooks/twilio/sms")
    def inbound_sms() -> Response:
        """Parse the form like Textdesk does, commit one row, answer empty TwiML."""
        row = {
            "sid": request.form.get("MessageSid", ""),
            "sender": request.form.get("From", ""),
            "body": request.form.get("Body", ""),
            "received_at": dt.datetime.now(dt.UTC),
        }
        with engine.begin() as conn:
            conn.execute(statement, row)
        return Response(EMPTY_TWIML, status=200, mimetype="text/xml")

    return app
