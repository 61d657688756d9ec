"""The campaign worker: starts due campaigns and hands their texts over at each sender's pace.

One process at a time does this, holding a lease row it renews (worker_leases): any number of web or
worker processes may run it, and a dead holder is replaced once its lease runs out.

Exactly once, even when the process is killed at any instant:
- a recipient's text is created in the same transaction that marks the recipient sent, so a recipient
  gets at most one text row, and a crash before that commit leaves them pending for the next holder;
- a text row is handed over only after an atomic queued → sending claim;
- a text cut off between the provider's answer and our record of it (status sending, no sid) is settled
  by the next holder asking the provider (Outbox.recover): recorded if it got there, else sent again.
  The holder renews its lease before each hand-over while at least half of it is left, and a hand-over
  cannot outlast the provider's timeout, so when a lease has run out its holder is sending nothing.

Consent is read again as each text is created and again as it is handed over (Outbox.deliver_claimed):
a STOP that arrives mid-campaign stops that recipient's text. Quiet hours hold recipients back until their
window opens (not_before). Conversational texts are charged to the default sender's bucket, so bot and
agent replies go first and the campaign slows down to make room.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import math
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from inbox.actions.send import InvalidMessage, send_message
from inbox.botconfig import bot_settings, read_settings
from inbox.campaigns.audience import queue_recipients
from inbox.campaigns.pacing import TokenBucket
from inbox.campaigns.quiet_hours import SendWindow, next_send_time, recipient_zones, zone
from inbox.campaigns.render import Renderer
from inbox.db import Database, upsert, utcnow
from inbox.events import notify_campaign_updated, notify_conversation_created
from inbox.models import (
    Campaign,
    CampaignRecipient,
    Contact,
    Conversation,
    ListMembership,
    Message,
    Sender,
    WorkerLease,
)
from inbox.outbox import Outbox

log = logging.getLogger(__name__)

LEASE_NAME = "campaign-worker"
IDLE_POLL = 1.0  # seconds between passes when nothing is due
MAX_BATCH = 200  # recipients turned into texts per transaction, at most
BATCH_SECONDS = 1.0  # …and about this many seconds' worth of the sender's pace
STATUS_CHECK_EVERY = 1.0  # seconds between re-reads of a campaign's status while handing over
DEFAULT_SENDER_NAME = "Default sender"


def default_sender(session: Session) -> Sender:
    """The sender campaigns use when none is chosen (created on first use: the desk's own number)."""
    sender = session.scalars(select(Sender).where(Sender.from_address == "").order_by(Sender.id)).first()
    if sender is None:
        sender = Sender(name=DEFAULT_SENDER_NAME, from_address="", segments_per_second=1.0)
        session.add(sender)
        session.flush()
    return sender


def campaign_sender(session: Session, campaign: Campaign) -> Sender:
    """The campaign's sender, or the default one."""
    return campaign.sender if campaign.sender is not None else default_sender(session)


@dataclass
class Progress:
    """What a pass did, for whoever watches (the CLI's progress bar)."""

    handed_over: int = 0
    created: int = 0
    skipped: int = 0
    deferred: int = 0


class CampaignWorker:
    """Runs campaigns; see the module docstring for the guarantees."""

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        config: dict[str, Any],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = database
        self.outbox = outbox
        self.config = config
        self.clock = clock
        self.now: Callable[[], dt.datetime] = utcnow  # wall time for schedules and quiet hours (tests set it)
        self.lease_seconds = float(config.get("CAMPAIGN_LEASE_SECONDS", 30.0))
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.buckets: dict[int, TokenBucket] = {}
        self.lease_until: dt.datetime | None = None
        self.charged_since: dt.datetime | None = None
        self.on_progress: Callable[[int, Progress], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._last_event: dict[int, float] = {}

    # -- the lease -------------------------------------------------------------------------------

    def hold_lease(self) -> bool:
        """Take or renew the lease; True while this worker holds it. A fresh take settles cut-off texts."""
        now = utcnow()
        until = now + dt.timedelta(seconds=self.lease_seconds)
        with self.db.session() as session:
            renewed = session.execute(
                update(WorkerLease)
                .where(
                    WorkerLease.name == LEASE_NAME,
                    or_(WorkerLease.holder == self.holder, WorkerLease.expires_at < now),
                )
                .values(holder=self.holder, expires_at=until)
            ).rowcount  # type: ignore[attr-defined]
            if not renewed:
                # RETURNING, not rowcount: an INSERT's rowcount is -1 on psycopg unless preserved.
                taken = session.scalar(
                    upsert(session, WorkerLease)
                    .values(name=LEASE_NAME, holder=self.holder, expires_at=until)
                    .on_conflict_do_nothing(index_elements=[WorkerLease.name])
                    .returning(WorkerLease.name)
                )
                renewed = int(taken is not None)
            session.commit()
        fresh = bool(renewed) and self.lease_until is None
        self.lease_until = until if renewed else None
        if fresh:
            log.info("campaign worker %s took the lease", self.holder)
            self.recover_cut_off()
        return bool(renewed)

    def keep_lease(self) -> bool:
        """Take the lease, or renew it once half of it is gone; False when this worker does not hold it."""
        if self.lease_until is None:
            return self.hold_lease()
        left = (self.lease_until - utcnow()).total_seconds()
        if left > self.lease_seconds / 2:
            return True
        return self.hold_lease()

    def release_lease(self) -> None:
        """Give the lease up (a clean stop), so another process need not wait for it to run out."""
        with self.db.session() as session:
            session.execute(
                delete(WorkerLease).where(WorkerLease.name == LEASE_NAME, WorkerLease.holder == self.holder)
            )
            session.commit()
        self.lease_until = None

    def recover_cut_off(self) -> int:
        """Settle campaign texts a previous holder left mid-hand-over; returns how many."""
        with self.db.session() as session:
            cut_off = session.scalars(
                select(Message)
                .where(
                    Message.status == "sending",
                    Message.provider_sid.is_(None),
                    Message.campaign_id.is_not(None),
                )
                .options(joinedload(Message.contact))
            ).all()
            for message in cut_off:
                campaign = session.get(Campaign, message.campaign_id)
                sender = campaign_sender(session, campaign).from_address if campaign else ""
                outcome = self.outbox.recover(session, message, sender)
                log.info("campaign text %s cut off mid-hand-over: %s", message.id, outcome)
                if outcome == "requeued" and campaign is not None and campaign.status == "completed":
                    campaign.status = "sending"  # it has a text to send after all
                    campaign.completed_at = None
                    session.commit()
            return len(cut_off)

    # -- passes ----------------------------------------------------------------------------------

    def step(self, only: int | None = None) -> float:
        """One pass over due and sending campaigns; returns how long to wait before the next."""
        # A holder renews only once half its lease is gone: an idle desk costs a read or two a second.
        if not self.keep_lease():
            return max(IDLE_POLL, self.lease_seconds / 4)
        self.start_due_campaigns()
        with self.db.session() as session:
            query = select(Campaign.id).where(Campaign.status == "sending").order_by(Campaign.id)
            if only is not None:
                query = query.where(Campaign.id == only)
            active = list(session.scalars(query))
        if not active:
            self.charged_since = None  # nothing to make room in; start counting again when one sends
            return IDLE_POLL
        self.charge_conversational()
        waits = [self.advance(campaign_id) for campaign_id in active if not self._stop.is_set()]
        return min(waits, default=IDLE_POLL)

    def start_due_campaigns(self) -> int:
        """Scheduled campaigns whose time has come: fix their recipients and start sending."""
        now = self.now()
        started = 0
        with self.db.session() as session:
            due = session.scalars(
                select(Campaign)
                .where(Campaign.status == "scheduled", Campaign.scheduled_at <= now)
                .order_by(Campaign.id)
            ).all()
            for campaign in due:
                if campaign.queued_at is None:
                    count = queue_recipients(session, campaign, now)
                    campaign.queued_at = now
                    log.info("campaign %s: %s recipients fixed", campaign.id, count)
                campaign.status = "sending"
                notify_campaign_updated(session, campaign)
                session.commit()
                started += 1
        return started

    def charge_conversational(self) -> None:
        """Charge the bot's and agents' texts handed over since the last pass to the default sender."""
        now = utcnow()
        since, self.charged_since = self.charged_since, now
        if since is None:
            return
        with self.db.session() as session:
            used = session.scalar(
                select(func.coalesce(func.sum(Message.segments), 0)).where(
                    Message.claimed_at > since,
                    Message.claimed_at <= now,
                    Message.direction == "outbound",
                    Message.campaign_id.is_(None),
                )
            )
            sender = default_sender(session)
            session.commit()
            if used:
                self.bucket(sender).charge(int(used))

    def bucket(self, sender: Sender) -> TokenBucket:
        """The pace of one sender (kept across passes; follows edits of its rate)."""
        bucket = self.buckets.get(sender.id)
        if bucket is None:
            bucket = self.buckets[sender.id] = TokenBucket(sender.segments_per_second, clock=self.clock)
        elif bucket.rate != sender.segments_per_second:
            bucket.set_rate(sender.segments_per_second)
        return bucket

    def advance(self, campaign_id: int) -> float:
        """Hand over what this campaign may send now; returns how long until it may send more."""
        progress = Progress()
        with self.db.session() as session:
            campaign = session.get(Campaign, campaign_id)
            if campaign is None or campaign.status != "sending":
                return IDLE_POLL
            sender = campaign_sender(session, campaign)
            bucket = self.bucket(sender)
            from_address = sender.from_address
            session.commit()
            # About a second's worth of texts per transaction: hand_over still paces each one, and a
            # pass costs a few statements, so batches keep that overhead off a fast sender's pace.
            room = max(1, min(MAX_BATCH, math.ceil(bucket.rate * BATCH_SECONDS)))
            # Texts created before a crash, or retries now due, go before new ones.
            claimed = self.outbox.claim(room, campaign_id=campaign_id)
            if not claimed:
                self.create_texts(session, campaign, room, progress)
                claimed = self.outbox.claim(room, campaign_id=campaign_id)
            if claimed:
                self.hand_over(session, campaign_id, claimed, from_address, bucket, progress)
            wait = self.wait_for_more(session, campaign_id, bucket, had_work=bool(claimed))
            self.announce(session, campaign_id, progress, force=wait >= IDLE_POLL)
        return wait

    def create_texts(self, session: Session, campaign: Campaign, limit: int, progress: Progress) -> None:
        """Turn up to limit pending recipients into queued texts, one transaction (see module docstring)."""
        now = self.now()
        recipients = session.scalars(
            select(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == campaign.id,
                CampaignRecipient.status == "pending",
                or_(CampaignRecipient.not_before.is_(None), CampaignRecipient.not_before <= now),
            )
            .order_by(CampaignRecipient.id)
            .limit(limit)
        ).all()
        if not recipients:
            session.commit()  # end the read (on SQLite it holds the write lock the claim needs)
            return
        contacts = {
            c.id: c
            for c in session.scalars(
                select(Contact).where(Contact.id.in_([r.contact_id for r in recipients]))
            )
        }
        subscribed = self.subscribed_among(session, campaign, list(contacts))
        settings = bot_settings(read_settings(session), self.config)
        renderer = Renderer.load(session, campaign.template, settings)
        window = SendWindow.parse(campaign.window_start, campaign.window_end)
        fallback = zone(settings.business_hours.timezone) or ZoneInfo("UTC")
        # Each contact's open conversation, in one query: the loop below then only adds rows, and the
        # commit writes them in batches.
        open_conversations = {
            c.contact_id: c
            for c in session.scalars(
                select(Conversation).where(
                    Conversation.contact_id.in_(list(contacts)), Conversation.status != "resolved"
                )
            )
        }
        for recipient in recipients:
            contact = contacts[recipient.contact_id]
            reason = self.reason_to_skip(contact, subscribed)
            if reason is None:
                opens = next_send_time(window, recipient_zones(contact.phone, window, fallback, now), now)
                if opens > now:
                    recipient.not_before = opens
                    progress.deferred += 1
                    continue
                conversation = open_conversations.get(contact.id)
                if conversation is None:
                    # A new thread the bot looks after: a reply lands here, next to the campaign's text.
                    conversation = Conversation(
                        contact=contact, status="bot", created_at=now, updated_at=now, last_message_at=now
                    )
                    session.add(conversation)
                    notify_conversation_created(session, conversation)
                    open_conversations[contact.id] = conversation
                with session.no_autoflush:
                    reason = self.create_text(
                        session, campaign, recipient, conversation, renderer.render(contact)
                    )
            if reason is not None:
                recipient.status = "skipped"
                recipient.skip_reason = reason
                progress.skipped += 1
            else:
                progress.created += 1
        session.commit()

    @staticmethod
    def subscribed_among(session: Session, campaign: Campaign, contact_ids: list[int]) -> set[int]:
        """Which of these contacts hold the subscription the campaign needs, as of now."""
        query = select(ListMembership.contact_id).where(
            ListMembership.contact_id.in_(contact_ids), ListMembership.status == "subscribed"
        )
        if campaign.list_id is not None:
            query = query.where(ListMembership.list_id == campaign.list_id)
        return set(session.scalars(query))

    @staticmethod
    def reason_to_skip(contact: Contact, subscribed: set[int]) -> str | None:
        """Why this recipient must not get the text now (consent read afresh), or None."""
        if contact.opted_out:
            return "opted_out"
        if contact.address_kind != "e164":
            return "invalid_number"
        if contact.id not in subscribed:
            return "not_subscribed"
        return None

    @staticmethod
    def create_text(
        session: Session,
        campaign: Campaign,
        recipient: CampaignRecipient,
        conversation: Conversation,
        body: str,
    ) -> str | None:
        """Queue the recipient's text in their conversation (the one send path); a skip reason or None."""
        try:
            message = send_message(
                session, conversation=conversation, body=body, sender="campaign", purpose="campaign"
            )
        except InvalidMessage:
            return "invalid_text"
        message.campaign_id = campaign.id
        recipient.status = "sent"
        recipient.message = message
        return None

    def hand_over(
        self,
        session: Session,
        campaign_id: int,
        ids: list[int],
        from_address: str,
        bucket: TokenBucket,
        progress: Progress,
    ) -> None:
        """Hand claimed texts to the provider one by one at the sender's pace; give back what is left."""
        messages = session.scalars(
            select(Message)
            .where(Message.id.in_(ids))
            .options(joinedload(Message.contact))
            .order_by(Message.id)
        ).all()
        session.commit()
        reached: list[int] = []
        try:
            self._hand_over_each(session, campaign_id, messages, from_address, bucket, progress, reached)
        finally:
            if reached:
                # Their next text within the reply window answers this campaign (receive_message reads it).
                session.execute(
                    update(Contact)
                    .where(Contact.id.in_(reached))
                    .values(last_campaign_id=campaign_id, last_campaign_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
                session.commit()

    def _hand_over_each(
        self,
        session: Session,
        campaign_id: int,
        messages: Sequence[Message],
        from_address: str,
        bucket: TokenBucket,
        progress: Progress,
        reached: list[int],
    ) -> None:
        last_check = self.clock()
        for index, message in enumerate(messages):
            if self.clock() - last_check >= STATUS_CHECK_EVERY:
                last_check = self.clock()
                if session.scalar(select(Campaign.status).where(Campaign.id == campaign_id)) != "sending":
                    self.give_back(session, [m.id for m in messages[index:]])
                    return
            wait = bucket.wait_time(message.segments)
            if wait > 0 and self.pause(wait):
                self.give_back(session, [m.id for m in messages[index:]])
                return
            if not self.keep_lease():
                self.give_back(session, [m.id for m in messages[index:]])
                return
            bucket.take(message.segments)
            self.outbox.deliver_claimed(session, message, from_address)
            if message.provider_sid is not None:
                reached.append(message.contact_id)
            progress.handed_over += 1
            if self.on_progress is not None:
                self.on_progress(campaign_id, progress)

    def pause(self, seconds: float) -> bool:
        """Wait for the sender's pace; True when the worker is being stopped meanwhile."""
        return self._stop.wait(seconds)

    @staticmethod
    def give_back(session: Session, ids: list[int]) -> None:
        """Return claimed texts not handed over (paused, stopping, lease lost) to the queue."""
        if not ids:
            return
        session.execute(
            update(Message)
            .where(Message.id.in_(ids), Message.status == "sending", Message.provider_sid.is_(None))
            .values(status="queued")
            .execution_options(synchronize_session=False)
        )
        session.commit()

    def wait_for_more(self, session: Session, campaign_id: int, bucket: TokenBucket, had_work: bool) -> float:
        """Complete a campaign with nothing left; else how long until its next text may go."""
        try:
            return self._wait_for_more(session, campaign_id, bucket, had_work)
        finally:
            session.commit()  # end the reads (on SQLite they hold the write lock others need)

    def _wait_for_more(
        self, session: Session, campaign_id: int, bucket: TokenBucket, had_work: bool
    ) -> float:
        now = self.now()
        pending = CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.status == "pending"
        unsettled = exists().where(
            Message.campaign_id == campaign_id,
            Message.direction == "outbound",
            or_(Message.status == "queued", (Message.status == "sending") & Message.provider_sid.is_(None)),
        )
        if not session.scalar(select(exists().where(*pending))) and not session.scalar(select(unsettled)):
            campaign = session.get(Campaign, campaign_id)
            if campaign is not None and campaign.status == "sending":
                campaign.status = "completed"
                campaign.completed_at = utcnow()
                notify_campaign_updated(session, campaign)
                log.info("campaign %s completed", campaign_id)
            return IDLE_POLL
        if had_work:
            return 0.0
        due = or_(CampaignRecipient.not_before.is_(None), CampaignRecipient.not_before <= now)
        if session.scalar(select(exists().where(*pending, due))):
            return bucket.wait_time(1)
        next_opening = session.scalar(select(func.min(CampaignRecipient.not_before)).where(*pending))
        if next_opening is None:
            return IDLE_POLL  # only retries waiting for their backoff
        return max(0.0, min(IDLE_POLL * 30, (next_opening - now).total_seconds()))

    def announce(self, session: Session, campaign_id: int, progress: Progress, force: bool = False) -> None:
        """Tell open browsers how the campaign is doing, at most once a second."""
        now = self.clock()
        if not force and now - self._last_event.get(campaign_id, 0.0) < 1.0:
            return
        self._last_event[campaign_id] = now
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None:
            notify_campaign_updated(session, campaign)
            session.commit()

    # -- running ---------------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, only: int | None = None) -> None:
        """Pass after pass until stopped (or, with only, until that campaign is no longer sending)."""
        stop = stop or self._stop
        self._stop = stop
        try:
            while not stop.is_set():
                try:
                    wait = self.step(only)
                except Exception:  # keep the worker alive through a database blip
                    log.exception("campaign pass failed")
                    wait = IDLE_POLL
                if only is not None and self.finished(only):
                    return
                if wait > 0:
                    stop.wait(wait)
        finally:
            if self.lease_until is not None:
                self.release_lease()

    def finished(self, campaign_id: int) -> bool:
        """Whether a campaign has left the sending states (completed, cancelled, paused, gone)."""
        with self.db.session() as session:
            status = session.scalar(select(Campaign.status).where(Campaign.id == campaign_id))
        return status not in ("scheduled", "sending")

    def start(self) -> None:
        """Run in a background thread of this process (once)."""
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self.run, args=(self._stop,), name="campaigns", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread and give up the lease."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def init_app(app: Flask) -> CampaignWorker:
    """Build the worker; with OUTBOX_MODE=thread this process runs it too (the lease keeps it to one)."""
    worker = CampaignWorker(app.extensions["textdesk.db"], app.extensions["textdesk.outbox"], app.config)
    app.extensions["textdesk.campaigns"] = worker
    if app.config["OUTBOX_MODE"] == "thread":
        # Started on the first request, not here: CLI commands build the app too and must not send.
        app.before_request(worker.start)
        atexit.register(worker.stop)
    return worker
