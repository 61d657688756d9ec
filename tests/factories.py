"""Tiny factories (the Redash habit): build exactly what a test needs, with overrides."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from inbox.actions.rules import create_rule
from inbox.actions.users import create_token, create_user
from inbox.models import Contact, Conversation, KeywordRule, User
from sms.twilio import compute_signature

_emails = itertools.count(1)


def new_sid(prefix: str = "SM") -> str:
    """A Twilio-shaped message sid."""
    return prefix + uuid.uuid4().hex


def inbound_form(body: str = "hello", sender: str = "+14155550100", **overrides: str) -> dict[str, str]:
    """The form Twilio posts for an inbound SMS."""
    form = {
        "MessageSid": new_sid(),
        "SmsSid": "",
        "AccountSid": "AC" + "0" * 32,
        "MessagingServiceSid": "",
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCountry": "US",
    }
    form["SmsSid"] = form["MessageSid"]
    form.update(overrides)
    return form


def post_inbound(
    client: FlaskClient, body: str = "hello", sender: str = "+14155550100", **overrides: str
) -> TestResponse:
    """Post an inbound SMS to the webhook (signed when the app has an auth token)."""
    return signed_post(client, "/webhooks/twilio/sms", inbound_form(body, sender, **overrides))


def signed_post(
    client: FlaskClient, path: str, form: dict[str, str], token: str | None = None
) -> TestResponse:
    """POST a form as Twilio would, signed against PUBLIC_URL + path when a token is configured."""
    app: Flask = client.application
    token = token if token is not None else app.config.get("TWILIO_AUTH_TOKEN")
    headers = {}
    if token:
        headers["X-Twilio-Signature"] = compute_signature(token, app.config["PUBLIC_URL"] + path, form)
    return client.post(path, data=form, headers=headers)


def make_user(session: Session, role: str = "agent", **overrides: Any) -> User:
    """A user with a predictable password ('password123')."""
    email = overrides.pop("email", f"user{next(_emails)}@example.com")
    user, _ = create_user(session, email, role, overrides.pop("password", "password123"), **overrides)
    return user


def make_token(session: Session, user: User | None = None, role: str = "admin") -> str:
    """A plain API token for a (new) user."""
    _, token = create_token(session, user or make_user(session, role=role))
    return token


def auth_headers(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def make_rule(session: Session, **overrides: Any) -> KeywordRule:
    """A stored rule (validated like any other)."""
    values: dict[str, Any] = {
        "name": "Hours",
        "keywords": ["hours"],
        "match": "phrase",
        "fuzzy": True,
        "threshold": 85.0,
        "priority": 0,
        "enabled": True,
        "reply": "We are open 9-5.",
        "action": "reply",
    }
    values.update(overrides)
    return create_rule(session, values)


def make_contact(session: Session, phone: str = "+14155550100", **overrides: Any) -> Contact:
    """A stored contact."""
    contact = Contact(phone=phone, **overrides)
    session.add(contact)
    session.commit()
    return contact


def make_conversation(session: Session, contact: Contact | None = None, **overrides: Any) -> Conversation:
    """A stored conversation (with a new contact unless one is given)."""
    conv = Conversation(contact=contact or make_contact(session), **overrides)
    session.add(conv)
    session.commit()
    return conv


def call(client: FlaskClient, token: str, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
    """One API request with a token; asserts the status and returns the JSON body."""
    response = client.open(path, method=method, headers=auth_headers(token), **kwargs)
    assert response.status_code == status, (method, path, response.status_code, response.get_json())
    return response.get_json()
