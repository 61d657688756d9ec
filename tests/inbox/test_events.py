"""Events leave only after commit, carry the API resource of the same name, and vanish on rollback."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from inbox.actions.send import send_message
from inbox.db import get_db
from inbox.events import notify_conversation_updated
from inbox.models import Message
from tests.factories import make_conversation, post_inbound

Events = list[tuple[str, dict[str, Any]]]


def test_an_inbound_text_emits_created_events_with_resource_payloads(
    client: FlaskClient, captured_events: Events
) -> None:
    post_inbound(client, "HELP", sender="+14155550100")
    names = [name for name, _ in captured_events]
    assert names[:2] == ["conversation.created", "message.created"]
    conversation = dict(captured_events)["conversation.created"]
    assert conversation["contact"]["phone"] == "+14155550100"
    assert set(conversation) >= {"id", "contact", "status", "assignee", "last_message_at", "unread_count"}
    created = [payload for name, payload in captured_events if name == "message.created"]
    assert [(m["direction"], m["sender"]) for m in created] == [
        ("inbound", "contact"),
        ("outbound", "system"),
    ]
    assert all(m["id"] for m in created), "payloads are built after flush, so ids exist"
    assert conversation["last_message"]["body"] == created[-1]["body"], "the row shows the newest text"
    assert "conversation.updated" not in names, (
        "conversation.created is built at commit: it is the final state"
    )


def test_nothing_is_emitted_before_commit_or_for_a_rolled_back_change(
    app: Flask, captured_events: Events
) -> None:
    session = get_db(app).sessions()
    conv = make_conversation(session)
    captured_events.clear()
    send_message(session, conversation=conv, body="draft", sender="agent", purpose="agent")
    notify_conversation_updated(session, conv)
    assert captured_events == [], "queued, not yet emitted"
    session.rollback()
    assert captured_events == []
    send_message(session, conversation=conv, body="real", sender="agent", purpose="agent")
    session.commit()
    assert [name for name, _ in captured_events] == ["message.created", "conversation.updated"]
    assert captured_events[0][1]["body"] == "real"
    assert [m.body for m in session.scalars(select(Message))] == ["real"]
    session.close()


def test_delivery_updates_emit_message_updated(
    client: FlaskClient, captured_events: Events, deliver: Any
) -> None:
    post_inbound(client, "HELP")
    captured_events.clear()
    deliver()
    statuses = [payload["status"] for name, payload in captured_events if name == "message.updated"]
    assert statuses[-1] == "delivered"
    assert "sent" in statuses
