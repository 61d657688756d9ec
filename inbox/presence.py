"""Who is viewing which conversation: shared through Redis when several processes serve the inbox.

Each Socket.IO connection (sid) views at most one conversation. Entries expire unless the browser
renews them (it re-announces every 20 s), so a crashed process cannot leave ghosts behind for long.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Protocol

import redis

TTL_SECONDS = 60.0


class Presence(Protocol):
    """The viewing registry."""

    def view(self, sid: str, user: dict[str, Any], conversation_id: int | None) -> set[int]:
        """Record what sid views now; returns the conversations whose viewer list changed."""
        ...

    def viewers(self, conversation_id: int) -> list[dict[str, Any]]:
        """Who views a conversation now, each user once."""
        ...

    def connected(self, sid: str, user_id: int, is_connected: bool) -> None:
        """Record that a socket of a user opened (True) or closed (False)."""
        ...

    def sockets_of(self, user_id: int) -> set[str]:
        """Every open socket of a user, in every process."""
        ...


def _unique_users(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for user in entries:
        seen.setdefault(user["id"], user)
    return sorted(seen.values(), key=lambda u: (u.get("name") or u.get("email") or "", u["id"]))


class MemoryPresence:
    """One process: a dict guarded by a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_sid: dict[str, tuple[int, dict[str, Any], float]] = {}
        self._sockets: dict[int, set[str]] = {}

    def view(self, sid: str, user: dict[str, Any], conversation_id: int | None) -> set[int]:
        """Record what sid views now; returns the conversations whose viewer list changed."""
        with self._lock:
            previous = self._by_sid.pop(sid, None)
            if conversation_id is not None:
                self._by_sid[sid] = (conversation_id, user, time.monotonic() + TTL_SECONDS)
        changed = {conversation_id} if conversation_id is not None else set()
        if previous is not None:
            changed.add(previous[0])
        return changed

    def viewers(self, conversation_id: int) -> list[dict[str, Any]]:
        """Who views a conversation now, each user once."""
        now = time.monotonic()
        with self._lock:
            for sid in [s for s, (_, _, expires) in self._by_sid.items() if expires < now]:
                del self._by_sid[sid]
            users = [user for conv, user, _ in self._by_sid.values() if conv == conversation_id]
        return _unique_users(users)

    def connected(self, sid: str, user_id: int, is_connected: bool) -> None:
        """Record that a socket of a user opened (True) or closed (False)."""
        with self._lock:
            sockets = self._sockets.setdefault(user_id, set())
            if is_connected:
                sockets.add(sid)
            else:
                sockets.discard(sid)

    def sockets_of(self, user_id: int) -> set[str]:
        """Every open socket of a user."""
        with self._lock:
            return set(self._sockets.get(user_id, ()))


class RedisPresence:
    """Several processes: a hash per conversation (sid -> user and expiry) and a key per sid."""

    def __init__(self, url: str, prefix: str = "textdesk:presence") -> None:
        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def _conversation_key(self, conversation_id: int) -> str:
        return f"{self._prefix}:conversation:{conversation_id}"

    def _sid_key(self, sid: str) -> str:
        return f"{self._prefix}:sid:{sid}"

    def view(self, sid: str, user: dict[str, Any], conversation_id: int | None) -> set[int]:
        """Record what sid views now; returns the conversations whose viewer list changed."""
        previous_raw = self._redis.get(self._sid_key(sid))
        previous = int(previous_raw) if previous_raw is not None else None
        pipe = self._redis.pipeline()
        if previous is not None and previous != conversation_id:
            pipe.hdel(self._conversation_key(previous), sid)
        if conversation_id is None:
            pipe.delete(self._sid_key(sid))
        else:
            entry = json.dumps({"user": user, "expires": time.time() + TTL_SECONDS})
            key = self._conversation_key(conversation_id)
            pipe.hset(key, sid, entry)
            pipe.expire(key, int(TTL_SECONDS * 2))
            pipe.set(self._sid_key(sid), conversation_id, ex=int(TTL_SECONDS))
        pipe.execute()
        changed = {conversation_id} if conversation_id is not None else set()
        if previous is not None:
            changed.add(previous)
        return changed

    def connected(self, sid: str, user_id: int, is_connected: bool) -> None:
        """Record that a socket of a user opened (True) or closed (False)."""
        key = f"{self._prefix}:user:{user_id}:sockets"
        if is_connected:
            self._redis.sadd(key, sid)
        else:
            self._redis.srem(key, sid)

    def sockets_of(self, user_id: int) -> set[str]:
        """Every open socket of a user, in every process."""
        members = self._redis.smembers(f"{self._prefix}:user:{user_id}:sockets")
        return {m.decode() if isinstance(m, bytes) else str(m) for m in members}

    def viewers(self, conversation_id: int) -> list[dict[str, Any]]:
        """Who views a conversation now, each user once (expired entries are dropped on the way)."""
        key = self._conversation_key(conversation_id)
        now = time.time()
        users, expired = [], []
        for sid, raw in self._redis.hgetall(key).items():
            entry = json.loads(raw)
            if entry["expires"] < now:
                expired.append(sid)
            else:
                users.append(entry["user"])
        if expired:
            self._redis.hdel(key, *expired)
        return _unique_users(users)


def make_presence(redis_url: str | None) -> Presence:
    """Redis-backed when REDIS_URL is set, else in memory."""
    return RedisPresence(redis_url) if redis_url else MemoryPresence()
