"""Client→server Socket.IO handlers. Connecting needs the session cookie or auth: {"token": …}."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import SocketIO, join_room

from inbox.auth import user_for_token
from inbox.db import get_session
from inbox.events import STAFF_ROOM


def register(socketio: SocketIO) -> None:
    """Attach the handlers to the server object."""

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
        join_room(STAFF_ROOM)
        return True
