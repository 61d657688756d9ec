"""Socket.IO as a browser gets it: each event is the API resource of the same name, sent after commit only."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.actions.send import send_message
from inbox.db import get_db
from inbox.events import socketio
from tests.factories import auth_headers, make_conversation, make_token, post_inbound


def received(socket: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(e["name"], e["args"][0]) for e in socket.get_received()]


def api(client: FlaskClient, token: str, path: str) -> Any:
    response = client.get(path, headers=auth_headers(token))
    assert response.status_code == 200
    return response.get_json()


def test_every_event_payload_is_the_api_resource_of_the_same_name(
    app: Flask, client: FlaskClient, session: Session, deliver: Any
) -> None:
    token = make_token(session, role="agent")
    socket = socketio.test_client(app, auth={"token": token})
    post_inbound(client, "AGENT please", sender="+14155550100")
    conv_id = api(client, token, "/api/v1/conversations")["data"][0]["id"]
    contact_id = api(client, token, f"/api/v1/conversations/{conv_id}")["contact"]["id"]
    headers = auth_headers(token)
    client.post(f"/api/v1/conversations/{conv_id}/messages", json={"body": "Hi, Ana here"}, headers=headers)
    client.post(f"/api/v1/conversations/{conv_id}/notes", json={"body": "VIP"}, headers=headers)
    client.patch(f"/api/v1/contacts/{contact_id}", json={"name": "Zoë"}, headers=headers)
    deliver()
    events = received(socket)
    names = {name for name, _ in events}
    assert names >= {
        "conversation.created",
        "conversation.updated",
        "message.created",
        "message.updated",
        "note.created",
        "contact.updated",
    }
    conversation = {k: v for k, v in api(client, token, f"/api/v1/conversations/{conv_id}").items()}
    messages = {m["id"]: m for m in conversation.pop("messages")}
    last_update = [p for n, p in events if n == "conversation.updated"][-1]
    assert last_update == conversation
    for name, payload in events:
        if name.startswith("message."):
            assert set(payload) == set(messages[payload["id"]]), name
    newest = {p["id"]: p for n, p in events if n.startswith("message.")}
    assert newest == messages, "the last event about each message is its current state"
    note = next(p for n, p in events if n == "note.created")
    timeline = api(client, token, f"/api/v1/contacts/{contact_id}/timeline")["data"]
    assert {"type": "note", **note} in timeline
    contact = api(client, token, f"/api/v1/contacts/{contact_id}")
    assert next(p for n, p in events if n == "contact.updated") == {
        k: contact[k] for k in ("id", "phone", "name", "opted_out")
    }
    socket.disconnect()


def test_a_rolled_back_change_reaches_no_browser(app: Flask, session: Session) -> None:
    socket = socketio.test_client(app, auth={"token": make_token(session, role="agent")})
    conv = make_conversation(session)
    socket.get_received()
    work = get_db(app).sessions()
    conv_in_work = work.get(type(conv), conv.id)
    assert conv_in_work is not None
    send_message(work, conversation=conv_in_work, body="never", sender="agent", purpose="agent")
    work.flush()
    work.rollback()
    assert received(socket) == []
    send_message(
        work, conversation=work.get(type(conv), conv.id), body="real", sender="agent", purpose="agent"
    )
    work.commit()
    events = received(socket)
    received_bodies = [p["body"] for n, p in events if n == "message.created"]
    assert events[0][0] == "message.created"
    assert received_bodies == ["real"]
    work.close()
    socket.disconnect()
