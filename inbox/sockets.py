"""Client→server Socket.IO handlers. Connecting needs the session cookie or auth: {"token": …}.

Browsers send: `viewing` {conversation_id | null} when they open or leave a thread (and every 20 s
to stay listed), `typing` {conversation_id} while an agent types. Everyone else hears about it as
`presence.viewing` / `presence.typing`.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO, join_room

from inbox import resources
from inbox.api.params import is_id
from inbox.auth import user_for_token
from inbox.db import get_session
from inbox.events import STAFF_ROOM, emit_presence
from inbox.presence import Presence, make_presence

# sid -> the user on that connection (sids belong to this process).
_users: dict[str, dict[str, Any]] = {}
_users_lock = threading.Lock()


def _presence(app: Flask) -> Presence:
    presence: Presence = app.extensions["textdesk.presence"]
    return presence


def _conversation_id(data: Any) -> tuple[bool, int | None]:
    """(valid, id) from a client payload {"conversation_id": id | null}."""
    if not isinstance(data, dict) or "conversation_id" not in data:
        return False, None
    value = data["conversation_id"]
    if value is None:
        return True, None
    return (True, value) if is_id(value) else (False, None)


def _announce(app: Flask, conversation_ids: set[int]) -> None:
    for conversation_id in sorted(conversation_ids):
        viewers = _presence(app).viewers(conversation_id)
        emit_presence("presence.viewing", {"conversation_id": conversation_id, "viewers": viewers})


def register(socketio: SocketIO, app: Flask) -> None:
    """Attach the handlers to the server object."""
    app.extensions["textdesk.presence"] = make_presence(app.config.get("REDIS_URL"))

    @socketio.on("connect")
    def on_connect(auth: dict[str, Any] | None = None) -> bool:
        """Sent by every browser on connect: refused unless logged in or holding a valid token."""
        user = None
        token = auth.get("token") if isinstance(auth, dict) else None
        if isinstance(token, str):
            user = user_for_token(get_session(), token)
        elif current_user.is_authenticated:
            user = current_user
        if user is None:
            return False
        with _users_lock:
            _users[request.sid] = resources.user_brief(user) or {}  # type: ignore[attr-defined]
        _presence(app).connected(request.sid, user.id, True)  # type: ignore[attr-defined]
        join_room(STAFF_ROOM)
        return True

    @socketio.on("disconnect")
    def on_disconnect(*_: Any) -> None:
        """A browser left: it views nothing any more."""
        sid = request.sid  # type: ignore[attr-defined]
        with _users_lock:
            user = _users.pop(sid, None)
        if user is not None:
            _presence(app).connected(sid, user["id"], False)
            _announce(app, _presence(app).view(sid, user, None))

    @socketio.on("viewing")
    def on_viewing(data: Any) -> dict[str, Any]:
        """Sent when a browser opens a thread, leaves it (null), or renews its presence."""
        valid, conversation_id = _conversation_id(data)
        if not valid:
            return {"ok": False, "error": "conversation_id must be a conversation id or null"}
        sid = request.sid  # type: ignore[attr-defined]
        user = _users.get(sid)
        if user is None:
            return {"ok": False, "error": "not connected"}
        _announce(app, _presence(app).view(sid, user, conversation_id))
        return {"ok": True}

    @socketio.on("typing")
    def on_typing(data: Any) -> dict[str, Any]:
        """Sent (at most every 2 s) while an agent types in a thread."""
        valid, conversation_id = _conversation_id(data)
        sid = request.sid  # type: ignore[attr-defined]
        user = _users.get(sid)
        if not valid or conversation_id is None or user is None:
            return {"ok": False, "error": "conversation_id must be a conversation id"}
        emit_presence("presence.typing", {"conversation_id": conversation_id, "user": user}, skip_sid=sid)
        return {"ok": True}
