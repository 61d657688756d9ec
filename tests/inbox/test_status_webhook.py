"""POST /webhooks/twilio/status: forward moves only, error codes, unknown sids."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import EarlyStatusReport, Message
from inbox.outbox import Outbox
from tests.factories import auth_headers, make_token, new_sid, signed_post


def sent_message(client: FlaskClient, session: Session, outbox: Outbox) -> Message:
    token = make_token(session)
    response = client.post(
        "/api/v1/messages", json={"to": "+14155550100", "body": "hi"}, headers=auth_headers(token)
    )
    outbox.deliver_due()  # the simulator's own reports stay unflushed: the test drives the status
    session.expire_all()
    message = session.get(Message, response.get_json()["id"])
    assert message is not None and message.provider_sid
    return message


def status(client: FlaskClient, sid: str, value: str, **extra: str) -> int:
    return signed_post(
        client, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": value, **extra}
    ).status_code


def test_statuses_move_forward_only(client: FlaskClient, session: Session, outbox: Outbox) -> None:
    message = sent_message(client, session, outbox)
    seen = []
    for value in ["sent", "delivered", "sent", "queued", "sending"]:
        assert status(client, message.provider_sid or "", value) == 200
        session.expire_all()
        seen.append(session.get(Message, message.id).status)  # type: ignore[union-attr]
    assert seen == ["sent", "delivered", "delivered", "delivered", "delivered"]


def test_an_error_code_is_stored_with_its_meaning(
    client: FlaskClient, session: Session, outbox: Outbox
) -> None:
    message = sent_message(client, session, outbox)
    assert status(client, message.provider_sid or "", "undelivered", ErrorCode="30003") == 200
    session.expire_all()
    updated = session.get(Message, message.id)
    assert updated is not None
    assert (updated.status, updated.error_code) == ("undelivered", 30003)
    assert "Unreachable" in (updated.error_message or "")


def test_an_unknown_sid_is_answered_200(client: FlaskClient, session: Session) -> None:
    assert status(client, new_sid(), "delivered") == 200
    assert session.scalars(select(Message)).all() == []


def test_a_report_that_overtakes_the_create_answer_is_applied_later(
    client: FlaskClient, session: Session, outbox: Outbox, deliver: Callable[[], int]
) -> None:
    token = make_token(session)
    sent = client.post(
        "/api/v1/messages", json={"to": "+14155550100", "body": "hi"}, headers=auth_headers(token)
    )
    message_id = sent.get_json()["id"]
    sid = new_sid()
    assert status(client, sid, "delivered") == 200  # before we know that sid is ours
    assert session.scalars(select(EarlyStatusReport)).one().provider_sid == sid

    from sms.provider import SendResult

    original = outbox.provider.send
    outbox.provider.send = lambda sms: (original(sms), SendResult(provider_sid=sid))[1]  # type: ignore[method-assign]
    outbox.deliver_due()
    session.expire_all()
    assert session.get(Message, message_id).status == "delivered"  # type: ignore[union-attr]
    assert session.scalars(select(EarlyStatusReport)).all() == []


def test_malformed_status_callback_is_a_400(client: FlaskClient) -> None:
    assert signed_post(client, "/webhooks/twilio/status", {"MessageStatus": "sent"}).status_code == 400
    assert signed_post(client, "/webhooks/twilio/status", {"MessageSid": new_sid()}).status_code == 400
