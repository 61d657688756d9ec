"""The production delivery path: web processes with OUTBOX_MODE=off, a separate `outbox-worker` process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Message
from tests.factories import post_inbound

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_worker_delivers_what_web_processes_queue_and_stops_cleanly(
    client: FlaskClient, session: Session, database_url: str
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-test", "OUTBOX_MODE": "off"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "outbox-worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        post_inbound(client, "HELP")  # this test's app only queues (OUTBOX_MODE=off)
        statuses: list[str] = []
        for _ in range(150):
            session.expire_all()
            statuses = [
                m.status for m in session.scalars(select(Message).where(Message.direction == "outbound"))
            ]
            if statuses == ["delivered"]:  # handed over by the worker, reported by its simulator
                break
            time.sleep(0.1)
        assert statuses == ["delivered"]
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    assert worker.returncode == 0, output
    assert "Outbox worker delivering through simulator" in output
