"""Socket.IO: unauthenticated connects are refused; a valid token connects and receives events."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.events import socketio
from tests.factories import make_token, post_inbound


def test_an_unauthenticated_connect_is_refused(app: Flask, client: FlaskClient) -> None:
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()
    bad = socketio.test_client(app, auth={"token": "td_not-a-token"})
    assert not bad.is_connected()


def test_a_token_connects_and_receives_events_after_commit(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    token = make_token(session, role="agent")
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    post_inbound(client, "hello", sender="+14155550100")
    received = socket.get_received()
    names = [event["name"] for event in received]
    assert "conversation.created" in names and "message.created" in names
    created = next(e["args"][0] for e in received if e["name"] == "message.created")
    assert (created["body"], created["direction"]) == ("hello", "inbound")
    socket.disconnect()
