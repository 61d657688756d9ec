"""Presence: who is viewing a conversation and who is typing, across connections and processes."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox import presence
from inbox.actions.users import set_active
from inbox.events import socketio
from inbox.models import User
from inbox.presence import MemoryPresence, RedisPresence
from tests.factories import make_token, make_user
from tests.web.conftest import log_in


def events_named(socket: Any, name: str) -> list[dict[str, Any]]:
    return [e["args"][0] for e in socket.get_received() if e["name"] == name]


def connect(app: Flask, session: Session, name: str) -> tuple[Any, dict[str, Any]]:
    user = make_user(session, name=name)
    socket = socketio.test_client(app, auth={"token": make_token(session, user)})
    assert socket.is_connected()
    return socket, {"id": user.id, "email": user.email, "name": name, "role": "agent"}


def test_viewers_are_announced_to_everyone_and_forgotten_on_disconnect(app: Flask, session: Session) -> None:
    ana, ana_user = connect(app, session, "Ana")
    bo, bo_user = connect(app, session, "Bo")
    assert ana.emit("viewing", {"conversation_id": 7}, callback=True) == {"ok": True}
    assert events_named(bo, "presence.viewing") == [{"conversation_id": 7, "viewers": [ana_user]}]
    bo.emit("viewing", {"conversation_id": 7}, callback=True)
    both = {"conversation_id": 7, "viewers": [ana_user, bo_user]}
    assert events_named(ana, "presence.viewing")[-1] == both
    ana.emit("viewing", {"conversation_id": 8}, callback=True)
    moved = events_named(bo, "presence.viewing")
    assert {"conversation_id": 7, "viewers": [bo_user]} in moved
    assert {"conversation_id": 8, "viewers": [ana_user]} in moved
    ana.disconnect()
    assert events_named(bo, "presence.viewing") == [{"conversation_id": 8, "viewers": []}]
    bo.disconnect()


def test_typing_reaches_the_others_but_not_the_typist(app: Flask, session: Session) -> None:
    ana, ana_user = connect(app, session, "Ana")
    bo, _ = connect(app, session, "Bo")
    assert ana.emit("typing", {"conversation_id": 3}, callback=True) == {"ok": True}
    assert events_named(bo, "presence.typing") == [{"conversation_id": 3, "user": ana_user}]
    assert events_named(ana, "presence.typing") == []
    ana.disconnect()
    bo.disconnect()


@pytest.mark.parametrize(
    "payload",
    [None, 5, "7", {}, {"conversation_id": "7"}, {"conversation_id": -1}, {"conversation_id": True}],
)
def test_malformed_presence_payloads_are_refused_quietly(app: Flask, session: Session, payload: Any) -> None:
    ana, _ = connect(app, session, "Ana")
    bo, _ = connect(app, session, "Bo")
    assert ana.emit("viewing", payload, callback=True)["ok"] is False
    assert ana.emit("typing", payload, callback=True)["ok"] is False
    assert events_named(bo, "presence.viewing") == events_named(bo, "presence.typing") == []
    ana.disconnect()
    bo.disconnect()


def test_a_logged_in_browser_connects_with_its_session_cookie(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    user = make_user(session, name="Cy")
    log_in(client, user.email)
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.is_connected()
    socket.disconnect()


def test_memory_presence_forgets_viewers_who_stop_renewing(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = MemoryPresence()
    registry.view("sid-1", {"id": 1, "name": "Ana"}, 5)
    registry.view("sid-2", {"id": 1, "name": "Ana"}, 5)  # the same agent in two tabs: listed once
    assert registry.viewers(5) == [{"id": 1, "name": "Ana"}]
    now = presence.time.monotonic()
    monkeypatch.setattr(presence.time, "monotonic", lambda: now + presence.TTL_SECONDS + 1)
    assert registry.viewers(5) == []


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: Redis presence is not tested")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at TEST_REDIS_URL is unreachable: {error}")
    return url


def test_redis_presence_is_shared_between_processes(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    prefix = f"textdesk-test:{uuid.uuid4().hex}"
    process_a, process_b = RedisPresence(redis_url, prefix), RedisPresence(redis_url, prefix)
    ana, bo = {"id": 1, "name": "Ana"}, {"id": 2, "name": "Bo"}
    assert process_a.view("sid-a", ana, 9) == {9}
    assert process_b.view("sid-b", bo, 9) == {9}
    assert process_a.viewers(9) == process_b.viewers(9) == [ana, bo]
    assert process_a.view("sid-a", ana, None) == {9}
    assert process_b.viewers(9) == [bo]
    later = presence.time.time() + presence.TTL_SECONDS + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert process_a.viewers(9) == [], "a crashed process's viewers expire"


def test_deactivating_a_user_closes_their_open_sockets(app: Flask, session: Session) -> None:
    ana, ana_user = connect(app, session, "Ana")
    bo, _ = connect(app, session, "Bo")
    user = session.get(User, ana_user["id"])
    assert user is not None
    with app.app_context():  # as in the admin view's request
        set_active(session, user, False)
    assert not ana.is_connected(), "a deactivated agent must stop receiving customers' texts at once"
    assert bo.is_connected()
    bo.disconnect()


def test_redis_presence_knows_every_socket_of_a_user(redis_url: str) -> None:
    prefix = f"textdesk-test:{uuid.uuid4().hex}"
    process_a, process_b = RedisPresence(redis_url, prefix), RedisPresence(redis_url, prefix)
    process_a.connected("sid-a", 7, True)
    process_b.connected("sid-b", 7, True)
    assert process_a.sockets_of(7) == {"sid-a", "sid-b"}
    process_b.connected("sid-b", 7, False)
    assert process_a.sockets_of(7) == {"sid-a"}
