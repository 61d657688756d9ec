"""The outbox: hands queued texts to the SMS provider, outside any request.

Texts are stored `queued` by send_message. A worker claims each one with an atomic
queued→sending update (so several processes never send one twice), re-checks consent, calls the
provider, and records the answer. Transient failures go back to `queued` with capped exponential
backoff; permanent ones end `failed` with the provider's code. A text whose hand-off was cut off
mid-call (the process died) is never resent blindly: it ends `failed`, saying the outcome is unknown.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import random
import threading
from typing import Any

from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from inbox.actions.contacts import record_opt_out
from inbox.actions.delivery import ERROR_TEXTS, OPTED_OUT_ERROR, replay_early_reports, update_delivery_status
from inbox.actions.send import BLOCKED_MESSAGE, OPT_OUT_CONFIRMATION
from inbox.db import Database, utcnow
from inbox.events import notify_message_updated
from inbox.models import Contact, EarlyStatusReport, Message
from inbox.wakeups import wait_for_outbox
from sms.provider import OutboundSms, SendError, SendResult, SmsProvider
from sms.simulator import SimulatorProvider
from sms.twilio import TwilioProvider

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=5)
EARLY_REPORTS_KEPT = dt.timedelta(days=1)
AMBIGUOUS_OUTCOME = (
    "Delivery outcome unknown: the provider may have accepted this text before the connection failed. "
    "Not retried, so that it is never sent twice"
)
UNKNOWN_OUTCOME = (
    "Delivery outcome unknown: the process stopped while handing this text to the provider. "
    "Not retried, so that it is never sent twice."
)


class Outbox:
    """Delivers due outbound texts through one provider."""

    def __init__(self, database: Database, provider: SmsProvider, config: dict[str, Any]) -> None:
        self.db = database
        self.provider = provider
        self.status_callback_url = f"{config['PUBLIC_URL']}/webhooks/twilio/status"
        self.max_attempts = int(config["OUTBOX_MAX_ATTEMPTS"])
        self.retry_base = float(config["OUTBOX_RETRY_BASE_SECONDS"])
        self.retry_max = float(config["OUTBOX_RETRY_MAX_SECONDS"])
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()

    def claim(self, limit: int, campaign_id: int | None = None) -> list[int]:
        """Atomically take up to limit due texts (queued → sending); returns their ids, oldest first.

        One statement; on PostgreSQL SKIP LOCKED lets several workers take disjoint batches without
        waiting on each other, and `status = 'queued'` in the outer WHERE keeps a claim exclusive.
        Without campaign_id it takes conversational texts only: a campaign's texts are handed over by
        the campaign worker, at the sender's pace.
        """
        now = utcnow()
        of_campaign = (
            Message.campaign_id.is_(None) if campaign_id is None else Message.campaign_id == campaign_id
        )
        due = (
            select(Message.id)
            .where(Message.status == "queued", Message.direction == "outbound", of_campaign)
            .where((Message.next_attempt_at.is_(None)) | (Message.next_attempt_at <= now))
            .order_by(Message.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self.db.session() as session:
            claimed = session.scalars(
                update(Message)
                .where(Message.id.in_(due.scalar_subquery()), Message.status == "queued")
                .values(status="sending", attempts=Message.attempts + 1, claimed_at=now)
                .returning(Message.id)
                .execution_options(synchronize_session=False)
            ).all()
            session.commit()
        return sorted(claimed)

    def deliver_due(self, limit: int = 50) -> int:
        """Claim and deliver due texts (up to limit); returns how many were claimed."""
        ids = self.claim(limit)
        if not ids:
            return 0
        with self.db.session() as session:
            messages = session.scalars(
                select(Message)
                .where(Message.id.in_(ids))
                .options(joinedload(Message.contact))
                .order_by(Message.id)
            ).all()
            session.commit()
            for message in messages:
                self.deliver_claimed(session, message)
            # Status callbacks that overtook our record of a sid were kept aside: apply them now.
            accepted = [m.provider_sid for m in messages if m.provider_sid]
            if accepted:
                replay_early_reports(session, accepted)
        return len(ids)

    def deliver_claimed(self, session: Session, message: Message, sender: str = "") -> None:
        """Hand one claimed text to the provider and record the answer (one commit).

        sender: the number or messaging service it goes from ("" = the provider's configured one).
        """
        # Consent is read afresh at the moment of sending: a STOP may have arrived since queueing,
        # or while earlier texts of this batch were being handed over.
        contact = message.contact
        opted_out = session.scalar(select(Contact.opted_out).where(Contact.id == contact.id))
        if opted_out and message.purpose != OPT_OUT_CONFIRMATION:
            message.status = "blocked"
            message.error_message = BLOCKED_MESSAGE
            notify_message_updated(session, message)
            session.commit()
            return
        session.commit()  # no transaction (nor SQLite's lock) stays open across the network call
        sms = self.outbound_sms(message, sender)
        try:
            result = self.provider.send(sms)
        except SendError as error:
            self._record_failure(session, message, error)
            return
        except Exception as error:  # a bug or an unforeseen SDK error: retry, never lose the text
            log.exception("provider raised unexpectedly for message %s", message.id)
            self._record_failure(session, message, SendError(str(error), transient=True))
            return
        self._record_accepted(session, message, result)

    def outbound_sms(self, message: Message, sender: str = "") -> OutboundSms:
        """What the provider is handed for one stored text."""
        return OutboundSms(
            to=message.contact.phone,
            body=message.body,
            status_callback=self.status_callback_url,
            media_urls=tuple(m["url"] for m in message.media or []),
            client_ref=str(message.id),
            sender=sender,
        )

    def recover(self, session: Session, message: Message, sender: str = "") -> str:
        """Settle a text whose hand-over was cut off (status sending, no sid); one commit.

        The provider is asked whether it has the text: if so it is recorded as sent ("sent"); if it
        certainly has not, the text is queued again ("requeued"), which cannot reach anyone twice. When
        the provider cannot say, the text ends failed with an unknown outcome ("unknown"): never resent
        blindly.
        """
        find = getattr(self.provider, "find", None)
        found: SendResult | None = None
        answered = False
        if find is not None and message.claimed_at is not None:
            try:
                found = find(self.outbound_sms(message, sender), message.claimed_at)
                answered = True
            except SendError as error:
                log.warning("message %s: could not ask the provider about it: %s", message.id, error)
            except Exception:
                log.exception("provider lookup raised for message %s", message.id)
        if found is not None:
            message.status = "sending"
            self._record_accepted(session, message, found)
            return "sent"
        if answered:
            message.status = "queued"
            message.next_attempt_at = utcnow()
            message.error_message = None
            notify_message_updated(session, message)
            session.commit()
            return "requeued"
        message.status = "failed"
        message.error_message = UNKNOWN_OUTCOME
        notify_message_updated(session, message)
        session.commit()
        return "unknown"

    def _record_accepted(self, session: Session, message: Message, result: SendResult) -> None:
        message.provider_sid = result.provider_sid
        message.next_attempt_at = None
        message.error_message = None
        notify_message_updated(session, message)
        session.commit()
        if result.status not in ("queued", "accepted", "sending"):
            update_delivery_status(session, result.provider_sid, result.status)

    def _record_failure(self, session: Session, message: Message, error: SendError) -> None:
        if error.extra.get("maybe_sent"):
            # E.g. a read timeout: Twilio may have created the message. Retrying could send it twice.
            message.status = "failed"
            message.error_message = f"{AMBIGUOUS_OUTCOME} ({error.message})"
            message.next_attempt_at = None
            log.warning("message %s: outcome unknown after %s; not retried", message.id, error)
        elif error.transient and message.attempts < self.max_attempts:
            delay = self.backoff(message.attempts, error.retry_after)
            message.status = "queued"
            message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
            message.error_message = f"Attempt {message.attempts} failed ({error}); retrying in {delay:.0f}s"
            log.warning("message %s: transient send failure %s, retry in %.1fs", message.id, error, delay)
        else:
            message.status = "failed"
            message.error_code = error.code
            reason = ERROR_TEXTS.get(error.code or 0, error.message)
            if error.transient:
                reason = f"Gave up after {message.attempts} attempts: {error.message}"
            message.error_message = reason
            message.next_attempt_at = None
            log.warning("message %s failed: %s", message.id, error)
            if error.code == OPTED_OUT_ERROR:
                record_opt_out(
                    session, message.contact, "carrier_21610", message, note="send refused with 21610"
                )
        notify_message_updated(session, message)
        session.commit()

    def backoff(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds before the next attempt: the provider's Retry-After, else capped exponential + jitter."""
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.retry_max)
        delay = min(self.retry_base * (2 ** max(attempts - 1, 0)), self.retry_max)
        return delay * random.uniform(0.8, 1.2)

    def settle_stale(self) -> int:
        """Settle conversational texts cut off mid-hand-off (see recover); prune old early reports.

        A campaign's texts are the campaign worker's to settle (it knows their sender and holds the lease).
        """
        cutoff = utcnow() - STALE_AFTER
        with self.db.session() as session:
            stale = session.scalars(
                select(Message)
                .where(
                    Message.status == "sending",
                    Message.provider_sid.is_(None),
                    Message.claimed_at < cutoff,
                    Message.campaign_id.is_(None),
                )
                .options(joinedload(Message.contact))
            ).all()
            for message in stale:
                self.recover(session, message)
            session.execute(
                delete(EarlyStatusReport).where(EarlyStatusReport.received_at < utcnow() - EARLY_REPORTS_KEPT)
            )
            session.commit()
            return len(stale)

    def run(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """Deliver until stopped: woken after each commit that queued texts, else every poll_seconds."""
        last_settle = 0.0
        while not stop.is_set():
            try:
                now = utcnow().timestamp()
                if now - last_settle > 60:
                    self.settle_stale()
                    last_settle = now
                while self.deliver_due() and not stop.is_set():
                    pass
            except Exception:  # keep the worker alive through a database blip
                log.exception("outbox pass failed")
            wait_for_outbox(poll_seconds)

    def start(self) -> None:
        """Start the background delivery thread once per process."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self.run, args=(self._stop,), name="outbox", daemon=True
                )
                self._thread.start()
                # On a normal exit (gunicorn restarting a worker) let the current hand-off finish.
                atexit.register(self.stop)

    def stop(self) -> None:
        """Stop the background thread (tests, shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def build_provider(config: dict[str, Any], database: Database) -> SmsProvider:
    """The configured provider; the simulator reports delivery through the status-callback action."""
    name = config["SMS_PROVIDER"]
    if name == "twilio":
        return TwilioProvider(
            account_sid=config["TWILIO_ACCOUNT_SID"] or "",
            auth_token=config["TWILIO_AUTH_TOKEN"] or "",
            from_number=config.get("TWILIO_FROM_NUMBER"),
            messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
            api_base_url=config["TWILIO_API_BASE_URL"],
            timeout=float(config["TWILIO_TIMEOUT_SECONDS"]),
        )
    if name != "simulator":
        raise ValueError(f"SMS_PROVIDER must be 'simulator' or 'twilio', not {name!r}")

    def on_status(sid: str, status: str, error_code: int | None) -> None:
        with database.session() as session:
            update_delivery_status(session, sid, status, error_code)

    delay_sent, delay_delivered = config["SIMULATOR_DELAYS"]
    return SimulatorProvider(
        on_status,
        delay_sent=delay_sent,
        delay_delivered=delay_delivered,
        synchronous=bool(config.get("SIMULATOR_SYNCHRONOUS", False)),
        default_region=config["DEFAULT_REGION"],
    )


def init_app(app: Flask) -> Outbox:
    """Build the provider and outbox; in "thread" mode deliver from this process once it serves."""
    database = app.extensions["textdesk.db"]
    outbox = Outbox(database, build_provider(app.config, database), app.config)
    app.extensions["textdesk.outbox"] = outbox
    if app.config["OUTBOX_MODE"] == "thread":
        # Started on the first request, not here: CLI commands build the app too and must not send.
        app.before_request(outbox.start)
    return outbox
