"""Two real gunicorn processes, one database, one Redis: a text posted to A reaches agents connected to B.

Each process is started the way production runs it (gunicorn's gevent worker, a greenlet per websocket),
and again with the gthread worker the README also allows (a thread per websocket; the sync worker would
hang on the first websocket), as two separate servers as if on two hosts. Redis carries Socket.IO events
between them (REDIS_URL). Needs TEST_REDIS_URL; skipped without it.
"""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gunicorn
import pytest
import redis
import requests
import socketio

from sms.twilio import compute_signature
from tests.processes import GUNICORN, GUNICORN_WORKERS, ROOT, flask_cli, free_port

AUTH_TOKEN = "redis-multiprocess-auth-token"
PUBLIC_URL = "https://desk.example.com"
START_SECONDS = 30.0
EVENT_SECONDS = 10.0
# gunicorn 27 opens a control socket at one fixed path per user; two servers (or two test runs) would
# fight over it, and nothing here uses it.
NO_CONTROL_SOCKET = ["--no-control-socket"] if int(gunicorn.__version__.split(".")[0]) >= 27 else []

Event = tuple[str, dict[str, Any]]


@dataclass
class Server:
    """One gunicorn server process and where its output goes."""

    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Terminate the process (kill it if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(name: str, worker: str, env: dict[str, str], tmp_path: Path) -> Server:
    """Start `gunicorn 'app:create_app()'` with one worker of the given class on a free port."""
    port = free_port()
    log = tmp_path / f"server-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-w",
                "1",
                *GUNICORN_WORKERS[worker],
                "--graceful-timeout",
                "3",
                *NO_CONTROL_SOCKET,
                "-b",
                f"127.0.0.1:{port}",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def wait_healthy(server: Server) -> None:
    """Wait (bounded) until the server answers /healthz with 200."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server {server.name} exited with {server.process.returncode}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError(f"server {server.name} did not answer /healthz within {START_SECONDS:.0f} s")


@contextlib.contextmanager
def showing_output(servers: list[Server]) -> Iterator[None]:
    """Re-raise any failure with every server's output attached."""
    try:
        yield
    except Exception as error:
        logs = "\n".join(f"----- server {s.name} ({s.base}) -----\n{s.output()}" for s in servers)
        raise AssertionError(f"{error!r}\n{logs}") from error


@pytest.fixture
def redis_url() -> str:
    """TEST_REDIS_URL, once Redis answers a PING; the test is skipped otherwise."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: the multi-process Socket.IO test needs Redis")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as error:
        pytest.skip(f"Redis at TEST_REDIS_URL ({url}) is unreachable: {error}")
    return url


@pytest.fixture(params=sorted(GUNICORN_WORKERS))
def worker(request: pytest.FixtureRequest) -> str:
    """The gunicorn worker class the servers run."""
    return str(request.param)


@pytest.fixture
def cluster(
    database_url: str, redis_url: str, worker: str, tmp_path: Path
) -> Iterator[tuple[Server, Server, str]]:
    """Two servers (A, B) on one database and one Redis, and an admin's API token."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SECRET_KEY": "redis-multiprocess-test",
        "OUTBOX_MODE": "off",  # production: delivery is the outbox-worker's job, not the web processes'
    }
    email = f"ops-{uuid.uuid4().hex[:8]}@example.com"
    flask_cli(env, "create-user", email, "--role", "admin")
    token = flask_cli(env, "create-token", email).strip().splitlines()[-1]
    servers: list[Server] = []
    try:
        servers = [start_server("A", worker, env, tmp_path), start_server("B", worker, env, tmp_path)]
        with showing_output(servers):
            for server in servers:
                wait_healthy(server)
                expected = "gevent" if worker == "gevent" else "threading"
                assert f"Socket.IO async mode: {expected}" in server.output()
        yield servers[0], servers[1], token
    finally:
        for server in servers:
            server.stop()


class Recorder:
    """Collects a Socket.IO client's events; waits (bounded) for one that matches."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.changed = threading.Condition()

    def __call__(self, name: str, payload: Any) -> None:
        """Catch-all handler: remember every event."""
        with self.changed:
            self.events.append((name, payload if isinstance(payload, dict) else {"value": payload}))
            self.changed.notify_all()

    def matching(self, test: Callable[[Event], bool]) -> list[Event]:
        """Every event seen so far that passes test."""
        with self.changed:
            return [event for event in self.events if test(event)]

    def wait_for(self, test: Callable[[Event], bool], what: str) -> dict[str, Any]:
        """The first event passing test, waiting up to EVENT_SECONDS for it."""
        deadline = time.monotonic() + EVENT_SECONDS
        with self.changed:
            while True:
                for event in self.events:
                    if test(event):
                        return event[1]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [name for name, _ in self.events]
                    raise AssertionError(f"no {what} within {EVENT_SECONDS:.0f} s; events seen: {seen}")
                self.changed.wait(left)


def staff_client(recorder: Recorder | None = None) -> socketio.Client:
    """A Socket.IO client as a browser behind PUBLIC_URL would be (same Origin), websocket only."""
    client = socketio.Client(reconnection=False, websocket_extra_options={"origin": PUBLIC_URL})
    if recorder is not None:
        client.on("*", recorder)
    return client


def connect(client: socketio.Client, server: Server, auth: dict[str, str] | None) -> None:
    """Connect over the websocket transport, waiting at most a few seconds."""
    client.connect(server.base, auth=auth, transports=["websocket"], wait_timeout=5)


def post_signed_inbound(server: Server, sender: str, body: str) -> requests.Response:
    """POST an inbound SMS webhook to server, signed as Twilio signs it (over PUBLIC_URL + path)."""
    sid = "SM" + uuid.uuid4().hex
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }
    signature = compute_signature(AUTH_TOKEN, f"{PUBLIC_URL}/webhooks/twilio/sms", form)
    return requests.post(
        f"{server.base}/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}, timeout=10
    )


@pytest.mark.slow
def test_an_inbound_text_posted_to_one_process_reaches_agents_on_the_other(
    cluster: tuple[Server, Server, str],
) -> None:
    a, b, token = cluster
    # Pub/sub channels are shared by every database of a Redis server, so another run using the same
    # Redis could publish too: this run's text is told apart by its own number and body.
    sender = f"+1415555{random.randrange(100, 200):04d}"
    body = f"Where is my order? {uuid.uuid4().hex}"
    on_b, on_a = Recorder(), Recorder()
    client_b, client_a = staff_client(on_b), staff_client(on_a)
    with showing_output([a, b]):
        try:
            connect(client_b, b, {"token": token})
            connect(client_a, a, {"token": token})
            response = post_signed_inbound(a, sender, body)
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"].startswith("text/xml")

            def is_ours(event: Event) -> bool:
                name, payload = event
                return name == "message.created" and payload.get("body") == body

            message = on_b.wait_for(is_ours, f"message.created with body {body!r} on B")
            assert message["direction"] == "inbound"
            assert message["sender"] == "contact"
            assert message["status"] == "received"

            def is_our_conversation(event: Event) -> bool:
                name, payload = event
                return (
                    name == "conversation.created"
                    and payload.get("id") == message["conversation_id"]
                    and payload.get("contact", {}).get("phone") == sender
                )

            conversation = on_b.wait_for(is_our_conversation, f"conversation.created for {sender} on B")
            assert conversation["status"] in {"bot", "pending"}
            assert conversation["contact"]["id"] == message["contact_id"]
            # The process that took the webhook gets it through Redis as well: everyone sees it once.
            on_a.wait_for(is_ours, "message.created on A")
            time.sleep(0.5)
            assert len(on_b.matching(is_ours)) == 1
            assert len(on_a.matching(is_ours)) == 1
        finally:
            client_a.disconnect()
            client_b.disconnect()


@pytest.mark.slow
def test_the_other_process_refuses_sockets_without_valid_auth(cluster: tuple[Server, Server, str]) -> None:
    _, b, token = cluster
    with showing_output([b]):
        for auth in (None, {"token": "td_not-a-real-token"}):
            client = staff_client()
            with pytest.raises(socketio.exceptions.ConnectionError):
                connect(client, b, auth)
            client.disconnect()
        client = staff_client()
        connect(client, b, {"token": token})  # the same server takes the real token
        assert client.connected
        client.disconnect()
