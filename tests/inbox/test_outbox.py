"""The one send path and the outbox: stored first, retried with backoff, never lost, never sent twice."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.db import get_db, utcnow
from inbox.models import Message
from inbox.outbox import AMBIGUOUS_OUTCOME, UNKNOWN_OUTCOME, Outbox
from sms.simulator import SimulatorProvider
from sms.twilio import TwilioProvider
from tests.factories import auth_headers, make_token, post_inbound


def send_api(
    client: FlaskClient, token: str, to: str = "+14155550100", body: str = "hello"
) -> dict[str, Any]:
    response = client.post("/api/v1/messages", json={"to": to, "body": body}, headers=auth_headers(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def reload(session: Session, message_id: int) -> Message:
    session.expire_all()
    message = session.get(Message, message_id)
    assert message is not None
    return message


def test_a_text_is_stored_queued_with_encoding_and_segments_before_the_provider_sees_it(
    client: FlaskClient, session: Session, simulator: SimulatorProvider, deliver: Callable[[], int]
) -> None:
    token = make_token(session)
    sent = send_api(client, token, body="Grüße 😀" * 20)
    assert sent["status"] == "queued"
    assert sent["encoding"] == "UCS-2"
    assert sent["segments"] == 3  # 20 × (6 + 2) = 160 UTF-16 units, 67 per part
    assert simulator.messages() == []
    deliver()
    message = reload(session, sent["id"])
    assert message.status == "delivered"
    assert message.provider_sid and message.provider_sid.startswith("SM")
    assert [m.body for m in simulator.messages()] == [message.body]


def test_transient_failures_are_retried_with_backoff_up_to_a_cap(
    client: FlaskClient, session: Session, outbox: Outbox, app: Flask
) -> None:
    token = make_token(session)
    magic_503 = "+15005550008"  # the simulator answers HTTP 503 for this number
    sent = send_api(client, token, to=magic_503)
    attempts = []
    for _ in range(outbox.max_attempts + 3):
        outbox.deliver_due()
        message = reload(session, sent["id"])
        attempts.append((message.attempts, message.status))
        # Make the retry due now rather than waiting out the backoff.
        session.execute(update(Message).where(Message.id == sent["id"]).values(next_attempt_at=utcnow()))
        session.commit()
    message = reload(session, sent["id"])
    assert message.attempts == outbox.max_attempts
    assert message.status == "failed"
    assert "Gave up after" in (message.error_message or "")
    assert attempts[0] == (1, "queued")


def test_backoff_grows_and_is_capped(outbox: Outbox) -> None:
    outbox.retry_base, outbox.retry_max = 2.0, 60.0
    delays = [outbox.backoff(n) for n in range(1, 10)]
    assert delays[0] < delays[2] < delays[4]
    assert max(delays) <= 60.0 * 1.2
    assert outbox.backoff(3, retry_after=7.0) == 7.0


def test_a_permanent_failure_ends_failed_with_twilios_code(
    client: FlaskClient, session: Session, deliver: Callable[[], int]
) -> None:
    token = make_token(session)
    sent = send_api(client, token, to="+15005550001")  # simulator: 21211 invalid To
    deliver()
    message = reload(session, sent["id"])
    assert (message.status, message.error_code, message.attempts) == ("failed", 21211, 1)
    assert message.error_message


class StandIn:
    """A local HTTP server in Twilio's place that can hang until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stand_in.calls += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stand_in.release.wait(10)
                body = json.dumps({"sid": "SM" + "1" * 32, "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.close()


def twilio_overrides(url: str) -> dict[str, Any]:
    return {
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "bench-token-0123456789",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_API_BASE_URL": url,
    }


class TestSlowProvider:
    @pytest.fixture
    def app_overrides(self, stand_in: StandIn) -> dict[str, Any]:
        return {**twilio_overrides(stand_in.url), "OUTBOX_MODE": "thread"}

    def test_the_webhook_answers_while_the_provider_is_still_busy(
        self, app: Flask, client: FlaskClient, session: Session, stand_in: StandIn
    ) -> None:
        assert isinstance(app.extensions["textdesk.outbox"].provider, TwilioProvider)
        client.get("/healthz")  # the first request starts the outbox thread
        response = post_inbound(client, "HELP")
        # The provider has not answered yet (it waits for release), and yet the webhook is done.
        assert response.status_code == 200
        assert not stand_in.release.is_set()
        stand_in.release.set()
        for _ in range(100):
            sent = session.scalars(select(Message).where(Message.direction == "outbound")).one()
            session.expire_all()
            if sent.provider_sid:
                break
            threading.Event().wait(0.05)
        assert sent.provider_sid == "SM" + "1" * 32
        assert stand_in.calls == 1


class TestProviderTimesOut:
    @pytest.fixture
    def app_overrides(self, stand_in: StandIn) -> dict[str, Any]:
        return {**twilio_overrides(stand_in.url), "TWILIO_TIMEOUT_SECONDS": 0.3}

    def test_a_read_timeout_is_not_retried_because_the_text_may_have_been_sent(
        self, client: FlaskClient, session: Session, outbox: Outbox, stand_in: StandIn
    ) -> None:
        post_inbound(client, "HELP")
        outbox.deliver_due()  # the stand-in holds the request past the timeout
        stand_in.release.set()
        outbox.deliver_due()
        message = session.scalars(select(Message).where(Message.direction == "outbound")).one()
        assert message.status == "failed"
        assert (message.error_message or "").startswith(AMBIGUOUS_OUTCOME)
        assert stand_in.calls == 1


class TestProviderDown:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return twilio_overrides(f"http://127.0.0.1:{port}")

    def test_nothing_is_lost_while_the_provider_is_unreachable(
        self, client: FlaskClient, session: Session, outbox: Outbox
    ) -> None:
        post_inbound(client, "HELP")
        outbox.deliver_due()
        message = session.scalars(select(Message).where(Message.direction == "outbound")).one()
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.next_attempt_at is not None
        assert "retrying" in (message.error_message or "")


def test_two_outboxes_never_send_one_text_twice(
    app: Flask, client: FlaskClient, session: Session, simulator: SimulatorProvider
) -> None:
    token = make_token(session)
    ids = [send_api(client, token, to=f"+1415555{1000 + i:04d}", body=f"text {i}")["id"] for i in range(30)]
    second = Outbox(get_db(app), simulator, app.config)
    workers = [
        threading.Thread(target=o.deliver_due) for o in (app.extensions["textdesk.outbox"], second, second)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    simulator.flush()
    bodies = [m.body for m in simulator.messages()]
    assert sorted(bodies) == sorted(f"text {i}" for i in range(30))
    assert all(reload(session, i).attempts == 1 for i in ids)


LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def cut_off(session: Session, message_id: int) -> None:
    """Leave a text as a process killed mid-hand-over leaves it: sending, no sid, claimed long ago."""
    session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(status="sending", provider_sid=None, claimed_at=LONG_AGO)
    )
    session.commit()


def test_a_cut_off_text_the_provider_never_got_is_sent_once_more(
    client: FlaskClient, session: Session, outbox: Outbox, simulator: SimulatorProvider
) -> None:
    sent = send_api(client, make_token(session))
    cut_off(session, sent["id"])
    assert outbox.settle_stale() == 1
    assert reload(session, sent["id"]).status == "queued"
    outbox.deliver_due()
    simulator.flush()
    assert [m.body for m in simulator.messages()] == [sent["body"]]
    assert reload(session, sent["id"]).status == "delivered"


def test_a_cut_off_text_the_provider_accepted_is_recorded_not_resent(
    client: FlaskClient, session: Session, outbox: Outbox, simulator: SimulatorProvider
) -> None:
    sent = send_api(client, make_token(session))
    outbox.deliver_due()
    accepted_sid = reload(session, sent["id"]).provider_sid
    cut_off(session, sent["id"])  # the provider has it; our record of the sid was lost
    session.execute(
        update(Message).where(Message.id == sent["id"]).values(claimed_at=utcnow().replace(year=2020))
    )
    session.commit()
    simulator.messages()[0].created_at = utcnow().replace(year=2020)  # accepted just after that claim
    assert outbox.settle_stale() == 1
    message = reload(session, sent["id"])
    assert (message.status, message.provider_sid) == ("sending", accepted_sid)
    outbox.deliver_due()
    assert len(simulator.messages()) == 1


def test_a_cut_off_text_nobody_can_vouch_for_is_failed_not_resent(
    client: FlaskClient, session: Session, outbox: Outbox, simulator: SimulatorProvider
) -> None:
    def unreachable(*_: Any) -> None:
        from sms.provider import SendError

        raise SendError("lookup refused", transient=True)

    simulator.find = unreachable  # type: ignore[method-assign]
    sent = send_api(client, make_token(session))
    cut_off(session, sent["id"])
    assert outbox.settle_stale() == 1
    message = reload(session, sent["id"])
    assert (message.status, message.error_message) == ("failed", UNKNOWN_OUTCOME)
    outbox.deliver_due()
    assert simulator.messages() == []
