"""An import is CPU work: under gunicorn's gevent worker it must let the inboxes sharing its process run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT, flask_cli

# Run in a process of its own, patched by gevent as gunicorn's gevent worker patches it: a greenlet
# counts how often it gets to run while another imports 1,000 rows (a dry run: the same checking work).
SCRIPT = """
from gevent import monkey
monkey.patch_all()

import io, sys
import gevent
from app import create_app
from inbox.actions.imports import ImportOptions, import_contacts
from inbox.db import get_db

rows = ["phone,name"] + [f"+1415555{n:04d},Person {n}" for n in range(1000)]
data = io.BytesIO(("\\n".join(rows) + "\\n").encode())
ticks = 0
importing = True

def ticker():
    global ticks
    while importing:
        ticks += 1
        gevent.sleep(0)

app = create_app()
with app.app_context():
    counter = gevent.spawn(ticker)
    gevent.sleep(0)  # the ticker is running
    before = ticks
    with get_db().session() as session:
        report = import_contacts(session, data, ImportOptions(file_name="people.csv", dry_run=True))
    during = ticks - before
    importing = False
    counter.join()
print(report.valid_rows, during)
"""


def test_an_import_lets_the_greenlets_sharing_its_process_run(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'import.db'}",
        "OUTBOX_MODE": "off",
        "SECRET_KEY": "import-yield-test",
    }
    flask_cli(env, "init-db")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    valid, ticks_during_import = (int(word) for word in result.stdout.split()[-2:])
    assert valid == 1000
    # Without the pauses the import holds the process from start to end: the ticker runs 0 times.
    assert ticks_during_import >= 1000 // 100
