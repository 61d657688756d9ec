"""What the tests that start real processes share: a free port, the Flask CLI, gunicorn's worker classes."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# The worker classes the README allows: gevent (production: a greenlet per socket) and gthread.
GUNICORN_WORKERS = {"gevent": ["-k", "gevent"], "gthread": ["--threads", "16"]}


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def flask_cli(env: dict[str, str], *args: str) -> str:
    """Run `flask --app app ARGS` in the project and return its standard output (fail on an error)."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout
