"""Production serving as the README shows it: `gunicorn 'app:create_app()'` answers webhooks and the API."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sms.twilio import compute_signature
from tests.processes import GUNICORN, GUNICORN_WORKERS, ROOT, flask_cli, free_port

TOKEN = "gunicorn-test-auth-token"
PUBLIC_URL = "https://desk.example.com"


@pytest.fixture(params=sorted(GUNICORN_WORKERS))
def served(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, dict[str, str]]]:
    """gunicorn serving the app with two workers of the class the parameter names (gevent, gthread)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "gunicorn-test",
    }
    flask_cli(env, "init-db")
    port = free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            "2",
            *GUNICORN_WORKERS[request.param],
            "-b",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_gunicorn_serves_signed_webhooks_and_the_api(served: tuple[str, dict[str, str]]) -> None:
    base, env = served
    flask_cli(env, "create-user", "ops@example.com", "--role", "admin")
    token = flask_cli(env, "create-token", "ops@example.com").strip().splitlines()[-1]
    form = {"MessageSid": "SM" + "a" * 32, "From": "+14155550100", "To": "+15005550006", "Body": "HELP"}
    signature = compute_signature(TOKEN, f"{PUBLIC_URL}/webhooks/twilio/sms", form)
    unsigned = requests.post(f"{base}/webhooks/twilio/sms", data=form, timeout=5)
    assert unsigned.status_code == 403
    signed = requests.post(
        f"{base}/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}, timeout=5
    )
    assert signed.status_code == 200
    assert signed.headers["Content-Type"].startswith("text/xml")
    headers = {"Authorization": f"Bearer {token}"}
    conversations = requests.get(f"{base}/api/v1/conversations", headers=headers, timeout=5).json()["data"]
    assert [c["contact"]["phone"] for c in conversations] == ["+14155550100"]
    # The web process's outbox thread hands the HELP reply to the simulator, which reports delivery.
    for _ in range(100):
        thread = requests.get(
            f"{base}/api/v1/conversations/{conversations[0]['id']}", headers=headers, timeout=5
        )
        statuses = [m["status"] for m in thread.json()["messages"] if m["direction"] == "outbound"]
        if statuses == ["delivered"]:
            break
        time.sleep(0.1)
    assert statuses == ["delivered"]
