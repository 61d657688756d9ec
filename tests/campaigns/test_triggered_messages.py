"""Triggered texts: templates by name with the caller's variables, consent and quiet hours by message type."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.actions import templates
from inbox.models import Contact, Message
from inbox.outbox import Outbox
from tests.campaigns.helpers import make_list, subscriber
from tests.factories import call, make_contact

TEMPLATES = "/api/v1/templates"
NEW_YORK = "+12125550101"


def make_template(client: FlaskClient, token: str, status: int = 201, **fields: object) -> dict:
    """POST /templates."""
    return call(client, token, "POST", TEMPLATES, status, json=fields)


def send(client: FlaskClient, token: str, status: int = 201, **fields: object) -> dict:
    """POST /messages."""
    return call(client, token, "POST", "/api/v1/messages", status, json=fields)


def test_templates_are_validated_and_list_the_variables_a_caller_must_give(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    made = make_template(
        client,
        admin_token,
        name="order_shipped",
        body='Hi {{ contact.first_name | default("there") }}, order {{ order_id }} ships {{ eta }}. '
        "{{ brand }}",
    )
    assert made["variables"] == ["order_id", "eta"]
    assert made["kind"] == "transactional"
    assert (
        make_template(client, admin_token, 409, name="order_shipped", body="x")["error"]["code"]
        == "duplicate"
    )
    for bad in (
        {"name": "Order Shipped", "body": "x"},
        {"name": "x", "body": "Hi {{ contact.shoe_size }}"},
        {"name": "x", "body": "{{ order_id | shout }}"},
        {"name": "x", "body": ""},
        {"name": "x", "body": "hi", "kind": "spam"},
    ):
        make_template(client, admin_token, 422, **bad)
    make_template(client, agent_token, 403, name="agents_cannot", body="x")
    assert [t["name"] for t in call(client, agent_token, "GET", TEMPLATES)["data"]] == ["order_shipped"]


def test_a_transactional_text_renders_the_contact_and_the_callers_variables(
    client: FlaskClient, session: Session, admin_token: str, outbox: Outbox
) -> None:
    make_contact(session, NEW_YORK, name="Dana Scully")
    make_template(
        client,
        admin_token,
        name="order_shipped",
        body="Hi {{ contact.first_name }}, order {{ order_id }} ships {{ eta }}.",
    )
    sent = send(
        client,
        admin_token,
        to=NEW_YORK,
        template="order_shipped",
        variables={"order_id": "A-17", "eta": "today"},
    )
    assert sent["body"] == "Hi Dana, order A-17 ships today."
    assert (sent["sender"], sent["purpose"], sent["status"]) == ("system", "transactional", "queued")
    assert outbox.deliver_due() == 1


def test_variables_must_match_the_template(client: FlaskClient, admin_token: str) -> None:
    make_template(client, admin_token, name="code", body="Your code is {{ code }}")
    missing = send(client, admin_token, 422, to=NEW_YORK, template="code")
    assert missing["error"]["fields"][0]["field"] == "variables.code"
    extra = send(client, admin_token, 422, to=NEW_YORK, template="code", variables={"code": "1", "cdoe": "2"})
    assert extra["error"]["fields"][0]["field"] == "variables.cdoe"
    send(client, admin_token, 422, to=NEW_YORK, template="code", variables={"code": {"nested": 1}})
    send(client, admin_token, 422, to=NEW_YORK, template="code", body="both", variables={"code": "1"})
    send(client, admin_token, 422, to=NEW_YORK, body="hi", variables={"code": "1"})
    assert send(client, admin_token, 404, to=NEW_YORK, template="nope")["error"]["code"] == "not_found"


def test_a_transactional_text_to_an_opted_out_number_is_refused(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    make_contact(session, NEW_YORK, opted_out=True)
    make_template(client, admin_token, name="code", body="Your code is {{ code }}")
    answer = send(client, admin_token, 409, to=NEW_YORK, template="code", variables={"code": "123"})
    assert answer["error"]["code"] == "opted_out"
    assert answer["error"]["message_resource"]["status"] == "blocked"


def test_marketing_needs_a_subscription_and_leaves_no_contact_behind_when_refused(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    make_template(
        client, admin_token, name="promo", body="20% off today. Reply STOP to opt out.", kind="marketing"
    )
    answer = send(client, admin_token, 409, to=NEW_YORK, template="promo")
    assert answer["error"]["code"] == "not_subscribed"
    assert session.scalar(select(func.count(Contact.id))) == 0


@pytest.mark.parametrize(
    ("now", "waits_until"),
    [
        (dt.datetime(2031, 1, 15, 15, 0, tzinfo=dt.UTC), None),  # 10:00 in New York: goes now
        (dt.datetime(2031, 1, 16, 3, 0, tzinfo=dt.UTC), dt.datetime(2031, 1, 16, 14, 0, tzinfo=dt.UTC)),
    ],
)
def test_marketing_waits_for_the_recipients_window(
    app: Flask,
    client: FlaskClient,
    session: Session,
    admin_token: str,
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
    now: dt.datetime,
    waits_until: dt.datetime | None,
) -> None:
    subscriber(session, make_list(session), NEW_YORK)
    make_template(
        client, admin_token, name="promo", body="20% off today. Reply STOP to opt out.", kind="marketing"
    )
    monkeypatch.setattr(templates, "utcnow", lambda: now)
    sent = send(client, admin_token, to=NEW_YORK, template="promo")
    assert sent["purpose"] == "marketing"
    message = session.get(Message, sent["id"])
    assert message is not None
    if waits_until is None:
        assert outbox.deliver_due() == 1
    else:
        assert message.next_attempt_at == waits_until
        assert outbox.deliver_due() == 0  # 22:00 in New York: the outbox leaves it until morning
