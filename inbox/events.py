"""Socket.IO server and every server→client event; events leave only after their change commits.

Actions call notify_*(session, obj). The payload is built just before commit (while the session can
still load what it needs) and emitted after commit; a rollback drops it. This is Zulip's
send_event_on_commit, on SQLAlchemy session events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_socketio import SocketIO
from sqlalchemy import event
from sqlalchemy.orm import Session

from inbox import resources
from inbox.models import Campaign, Contact, Conversation, Message, Note

log = logging.getLogger(__name__)

socketio = SocketIO()
STAFF_ROOM = "staff"  # every logged-in agent and admin

_PENDING = "textdesk.pending_events"  # (name, builder) queued during the transaction
_READY = "textdesk.ready_events"  # (name, payload) built in before_commit
_CALLBACKS = "textdesk.after_commit"  # key -> callable, e.g. waking the outbox
_CREATED = "textdesk.created_conversations"  # ids of conversations created in this transaction
_NEW_MESSAGES = "textdesk.new_messages"  # messages created in this transaction (the previews' source)

# Hooks for tests and in-process listeners: called with (name, payload) after each emit.
listeners: list[Callable[[str, dict[str, Any]], None]] = []


def _queue(session: Session, name: str, builder: Callable[[], dict[str, Any]]) -> None:
    session.info.setdefault(_PENDING, []).append((name, builder))


def notify_message_created(session: Session, msg: Message) -> None:
    """Queue message.created for after commit."""
    session.info.setdefault(_NEW_MESSAGES, []).append(msg)
    _queue(session, "message.created", lambda: resources.message(msg))


def notify_message_updated(session: Session, msg: Message) -> None:
    """Queue message.updated for after commit."""
    _queue(session, "message.updated", lambda: resources.message(msg))


def notify_conversation_created(session: Session, conv: Conversation) -> None:
    """Queue conversation.created for after commit (it carries the final state: no update follows it)."""
    session.info.setdefault(_CREATED, set()).add(id(conv))
    _queue(session, "conversation.created", lambda: _conversation_payload(session, conv))


def notify_conversation_updated(session: Session, conv: Conversation) -> None:
    """Queue conversation.updated for after commit (once per conversation per transaction)."""
    if id(conv) in session.info.get(_CREATED, ()):
        return  # conversation.created of this transaction is built at commit, so it already says it
    pending = session.info.setdefault(_PENDING, [])
    key = ("conversation.updated", conv)
    if any(getattr(b, "key", None) == key for _, b in pending):
        return

    def build() -> dict[str, Any]:
        return _conversation_payload(session, conv)

    build.key = key  # type: ignore[attr-defined]
    pending.append(("conversation.updated", build))


def _conversation_payload(session: Session, conv: Conversation) -> dict[str, Any]:
    """The conversation with its newest message: no query when a text of this transaction is it (webhooks)."""
    created_here = [m for m in session.info.get(_NEW_MESSAGES, ()) if m.conversation_id == conv.id]
    if not created_here:
        return resources.conversation_with_preview(session, conv)
    newest = max(created_here, key=lambda m: m.id)
    return {**resources.conversation(conv), "last_message": resources.message_preview(newest)}


def notify_note_created(session: Session, note: Note) -> None:
    """Queue note.created for after commit."""
    _queue(session, "note.created", lambda: resources.note(note))


def notify_contact_updated(session: Session, contact: Contact) -> None:
    """Queue contact.updated for after commit."""
    _queue(session, "contact.updated", lambda: resources.contact_brief(contact))


def notify_user_deactivated(session: Session, user_id: int) -> None:
    """After commit, close the user's open sockets in every process: a deactivated user hears nothing more."""
    if not has_app_context():
        return  # no app, no sockets registry (a script working on the database alone)
    presence = current_app.extensions["textdesk.presence"]  # the socket registry (inbox.presence)

    def disconnect() -> None:
        try:
            for sid in presence.sockets_of(user_id):
                socketio.server.disconnect(sid)  # through the message queue when the sid is elsewhere
        except Exception:  # the change is committed; a socket layer problem must not undo it
            log.exception("could not disconnect user %s", user_id)

    on_commit(session, f"disconnect-user:{user_id}", disconnect)


def notify_campaign_updated(session: Session, campaign: Campaign) -> None:
    """Queue campaign.updated (the campaign and its progress) for after commit, once per transaction."""
    from inbox.campaigns.resource import campaign_resource

    pending = session.info.setdefault(_PENDING, [])
    key = ("campaign.updated", campaign)
    if any(getattr(b, "key", None) == key for _, b in pending):
        return

    def build() -> dict[str, Any]:
        return campaign_resource(session, campaign, with_progress=True)

    build.key = key  # type: ignore[attr-defined]
    pending.append(("campaign.updated", build))


def on_commit(session: Session, key: str, callback: Callable[[], None]) -> None:
    """Run callback once after the current transaction commits (dropped on rollback)."""
    session.info.setdefault(_CALLBACKS, {})[key] = callback


@event.listens_for(Session, "before_commit")
def _build_payloads(session: Session) -> None:
    session.info.pop(_CREATED, None)
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # ids and defaults must exist before the payload is built
    ready = session.info.setdefault(_READY, [])
    ready.extend((name, build()) for name, build in pending)
    session.info.pop(_NEW_MESSAGES, None)


@event.listens_for(Session, "after_commit")
def _emit_ready(session: Session) -> None:
    for name, payload in session.info.pop(_READY, []):
        emit(name, payload)
    for callback in session.info.pop(_CALLBACKS, {}).values():
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:
        return  # a savepoint rolled back; the outer transaction (and its events) goes on
    session.info.pop(_PENDING, None)
    session.info.pop(_READY, None)
    session.info.pop(_CALLBACKS, None)
    session.info.pop(_CREATED, None)
    session.info.pop(_NEW_MESSAGES, None)


def emit(name: str, payload: dict[str, Any]) -> None:
    """Send one event to every connected staff member (and to in-process listeners)."""
    try:
        if socketio.server is not None:
            socketio.emit(name, payload, to=STAFF_ROOM)
    except Exception:  # a broken socket layer must never undo a committed change
        log.exception("could not emit %s", name)
    for listener in list(listeners):
        listener(name, payload)


def emit_presence(name: str, payload: dict[str, Any], skip_sid: str | None = None) -> None:
    """Send a presence event (typing, viewing): not a stored change, so it needs no commit."""
    try:
        socketio.emit(name, payload, to=STAFF_ROOM, skip_sid=skip_sid)
    except Exception:
        log.exception("could not emit %s", name)
    for listener in list(listeners):
        listener(name, payload)


def init_app(app: Flask) -> None:
    """Attach Socket.IO (through Redis when REDIS_URL is set, so several processes share one inbox)."""
    mode = async_mode()
    log.info("Socket.IO async mode: %s", mode)
    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        async_mode=mode,
        cors_allowed_origins=allowed_origin(app.config["PUBLIC_URL"]),
    )
    from inbox import sockets

    sockets.register(socketio, app)


def async_mode() -> str:
    """gevent when the server has patched the standard library for it (`gunicorn -k gevent`), else threads.

    One greenlet per socket instead of a writer thread per socket: a fan-out to hundreds of sockets
    then costs microseconds per socket instead of a thread wake-up fighting for the GIL.
    """
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def allowed_origin(public_url: str) -> Callable[[str, dict[str, Any]], bool]:
    """Browsers may connect from PUBLIC_URL or from the host they loaded the page from, nowhere else.

    The session cookie rides along on a cross-site WebSocket, so the Origin check is what stops
    another site from opening the inbox's socket in a logged-in agent's browser.
    """
    public = public_url.rstrip("/")

    def check(origin: str, environ: dict[str, Any]) -> bool:
        same_host = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        candidates = {public, same_host}
        if forwarded:
            candidates.add(f"{forwarded}://{environ.get('HTTP_HOST', '')}")
        return origin in candidates

    return check
