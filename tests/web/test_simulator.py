"""The phone simulator: a text typed on the page takes the webhook's own receive path."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Message, User
from tests.factories import make_rule
from tests.web.conftest import log_in


def send(client: FlaskClient, token: str, status: int = 201, **body: Any) -> Any:
    response = client.post("/simulator/messages", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_simulated_text_is_received_and_answered_like_a_real_one(
    client: FlaskClient, session: Session, admin: User, captured_events: list[tuple[str, dict[str, Any]]]
) -> None:
    make_rule(session, keywords=["hours"], reply="We are open 9-5.")
    token = log_in(client, admin.email)
    sent = send(client, token, **{"from": "(415) 555-0123", "body": "hours?"})
    assert sent["message"]["direction"] == "inbound" and sent["message"]["body"] == "hours?"
    assert sent["message"]["provider_sid"].startswith("SM")
    bodies = [(m.direction, m.body) for m in session.scalars(select(Message).order_by(Message.id))]
    assert bodies == [("inbound", "hours?"), ("outbound", "We are open 9-5.")]
    assert "conversation.created" in [name for name, _ in captured_events]
    stop = send(client, token, **{"from": "+14155550123", "body": "STOP"})
    assert stop["contact_id"] == sent["contact_id"]
    contact = client.get(f"/api/v1/contacts/{sent['contact_id']}").get_json()
    assert contact["opted_out"] and contact["consent"][0]["source"] == "keyword"


def test_bad_simulated_texts_get_a_clear_422(client: FlaskClient, admin: User, session: Session) -> None:
    token = log_in(client, admin.email)
    for body, field in (
        ({"from": "not a number", "body": "hi"}, "from"),
        ({"from": "+14155550123", "body": "   "}, "body"),
        ({"from": "+14155550123", "body": "x" * 1601}, "body"),
        ({"body": "hi"}, "from"),
    ):
        error = send(client, token, 422, **body)["error"]
        assert error["fields"][0]["field"] == field, body
    assert session.scalars(select(Message)).all() == []


def test_the_simulator_needs_an_admin_and_the_csrf_token(client: FlaskClient, agent: User) -> None:
    token = log_in(client, agent.email)
    assert send(client, token, 403, **{"from": "+14155550123", "body": "hi"})["error"]["code"] == "forbidden"
    other = client.application.test_client()
    response = other.post("/simulator/messages", json={"from": "+14155550123", "body": "hi"})
    assert response.status_code == 400  # anonymous: no session, so no CSRF token either
    assert other.get("/simulator").status_code == 302


def test_without_the_simulator_provider_the_phone_is_switched_off(app: Flask, admin: User) -> None:
    app.config["SMS_PROVIDER"] = "twilio"  # read per request: real texts would go out, so it must refuse
    client = app.test_client()
    token = log_in(client, admin.email)
    assert 'data-available="no"' in client.get("/simulator").get_data(as_text=True)
    error = send(client, token, 409, **{"from": "+14155550123", "body": "hi"})["error"]
    assert error["code"] == "simulator_unavailable"
