"""Pacing: segments per second as the carrier counts them, conversational texts first, on a fake clock."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.campaigns.pacing import TokenBucket
from inbox.campaigns.worker import CampaignWorker
from inbox.models import Sender
from sms.provider import OutboundSms, SendResult
from sms.simulator import SimulatorProvider
from tests.campaigns.helpers import launched, make_list, subscriber
from tests.factories import post_inbound


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> bool:
        self.now += seconds
        return False  # "not stopping", as CampaignWorker.pause answers


def test_a_full_bucket_allows_one_seconds_worth_then_refills_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, clock=clock)
    assert bucket.available() == 2
    bucket.take(2)
    assert bucket.wait_time(1) == pytest.approx(0.5)
    clock.advance(0.5)
    assert bucket.wait_time(1) == 0
    clock.advance(10)
    assert bucket.available() == 2  # no burst after a pause: the reserve is one second's worth


def test_a_text_longer_than_the_reserve_waits_for_a_full_bucket_and_leaves_a_debt() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1.0, clock=clock)
    bucket.take(1)
    assert bucket.wait_time(3) == pytest.approx(1.0)  # waits until the bucket is full (1 token)
    clock.advance(1.0)
    bucket.take(3)
    assert bucket.wait_time(1) == pytest.approx(3.0)  # and the 3 segments are paid back before the next


def test_rate_changes_apply_without_losing_the_balance() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10.0, clock=clock)
    bucket.take(10)
    bucket.set_rate(1.0)
    assert bucket.wait_time(1) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        bucket.set_rate(0)


def paced_worker(app: Flask, clock: FakeClock) -> CampaignWorker:
    """The app's worker rebuilt on the fake clock, waiting by moving it."""
    worker = CampaignWorker(
        app.extensions["textdesk.db"], app.extensions["textdesk.outbox"], app.config, clock=clock
    )
    worker.pause = clock.advance  # type: ignore[method-assign]
    worker.now = lambda: dt.datetime(2031, 1, 15, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York
    return worker


def record_hand_overs(simulator: SimulatorProvider, clock: FakeClock) -> list[tuple[float, str]]:
    """(fake time, body) of every text the provider is handed."""
    seen: list[tuple[float, str]] = []
    send = simulator.send

    def timed(sms: OutboundSms) -> SendResult:
        seen.append((clock.now, sms.body))
        return send(sms)

    simulator.send = timed  # type: ignore[method-assign]
    return seen


def test_texts_go_out_at_the_senders_rate_counting_segments(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    for i in range(8):
        subscriber(session, vip, f"+1212555{3000 + i:04d}", name="Ann" if i % 2 else "Bob")
    sender = Sender(name="Two a second", segments_per_second=2.0)
    session.add(sender)
    session.commit()
    # Two segments each: 161 GSM characters.
    template = "{{ contact.first_name }} " + "x" * 157 + " STOP"
    campaign = launched(client, admin_token, list_id=vip.id, sender_id=sender.id, template=template)
    clock = FakeClock()
    seen = record_hand_overs(simulator, clock)
    worker = paced_worker(app, clock)
    start = clock.now
    for _ in range(40):
        worker.step(only=campaign["id"])
        if worker.finished(campaign["id"]):
            break
    times = [t - start for t, _ in seen]
    assert len(times) == 8
    # 2 segments/s and 2 segments a text: one text a second after the first one's full bucket.
    assert times == pytest.approx([0, 1, 2, 3, 4, 5, 6, 7])


def test_bot_replies_go_ahead_and_the_campaign_makes_room_for_them(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    for i in range(4):
        subscriber(session, vip, f"+1212555{4000 + i:04d}")
    default = Sender(name="Default", from_address="", segments_per_second=1.0)
    session.add(default)
    session.commit()
    campaign = launched(client, admin_token, list_id=vip.id, template="Sale today. Reply STOP to end.")
    clock = FakeClock()
    seen = record_hand_overs(simulator, clock)
    worker = paced_worker(app, clock)
    worker.step(only=campaign["id"])  # the first campaign text, and the charge clock starts
    # Three customers text HELP meanwhile: their replies go out at once through the outbox.
    for i in range(3):
        post_inbound(client, body="HELP", sender=f"+1415555{5000 + i:04d}")
    app.extensions["textdesk.outbox"].deliver_due()
    before_campaign_resumes = clock.now
    for _ in range(20):
        worker.step(only=campaign["id"])
        if worker.finished(campaign["id"]):
            break
    campaign_times = [t for t, body in seen if body.startswith("Sale")]
    assert len(campaign_times) == 4
    # The 3 HELP replies (1 segment each at 1/s) were charged: the next campaign text waits ~3 s more.
    assert campaign_times[1] - before_campaign_resumes >= 3.0
