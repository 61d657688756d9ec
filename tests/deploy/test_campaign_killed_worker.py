"""Exactly once: `flask campaigns send ID` killed with SIGKILL again and again, then run to the end.

The worker is a real process sending through the twilio SDK to a stand-in of Twilio's API that records
every message it creates and answers slowly, so kills land in every phase: between passes, while texts
are being created, and inside a hand-over after Twilio created the message but before the worker heard
back (the window only the provider can settle). Whatever the timing, each subscriber must end up with
exactly one message at "Twilio", and the desk's records must name that message.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contract"))
from twilio_standin import ACCOUNT_SID, AUTH_TOKEN, StandIn

from inbox.actions.campaigns import create_campaign, launch_campaign
from inbox.models import CampaignRecipient, Message, Sender
from tests.campaigns.helpers import make_list, subscriber
from tests.processes import ROOT

SUBSCRIBERS = 24
KILLS = 8
FROM = "+14155550100"


@pytest.fixture
def twilio() -> Iterator[StandIn]:
    """Twilio's stand-in, answering each create 80 ms after it made the message."""
    standin = StandIn(ACCOUNT_SID, AUTH_TOKEN)
    standin.delay = 0.08
    yield standin
    standin.close()


def start_worker(database_url: str, twilio: StandIn, log: Path, campaign_id: int) -> subprocess.Popen[bytes]:
    """`flask --app app campaigns send ID` against the stand-in, its output appended to log."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "killed-worker-test",
        "OUTBOX_MODE": "off",
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM,
        "TWILIO_API_BASE_URL": twilio.url,
        "TWILIO_TIMEOUT_SECONDS": "0.5",
        # A killed holder's lease runs out quickly, so the next process need not wait long.
        "CAMPAIGN_LEASE_SECONDS": "1.5",
        "PUBLIC_URL": "https://desk.example.com",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "campaigns", "send", str(campaign_id)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.slow
def test_every_subscriber_gets_the_campaign_exactly_once_however_often_the_worker_is_killed(
    session: Session, database_url: str, twilio: StandIn, tmp_path: Path
) -> None:
    vip = make_list(session)
    phones = [f"+1212555{2000 + i:04d}" for i in range(SUBSCRIBERS)]
    for phone in phones:
        subscriber(session, vip, phone)
    subscriber(session, vip, "+12125559999", opted_out=True)
    sender = Sender(name="Long code", from_address=FROM, segments_per_second=40.0)
    session.add(sender)
    session.commit()
    campaign = create_campaign(
        session,
        None,
        {
            "name": "Exactly once",
            "list_id": vip.id,
            "sender_id": sender.id,
            "template": "Our sale starts today. Reply STOP to opt out.",
            "window_start": "00:00",
            "window_end": "24:00",
        },
    )
    launch_campaign(session, None, campaign, None)
    session.rollback()
    log = tmp_path / "worker.log"
    rng = random.Random(20261125)
    kills_in_flight = 0

    for kill in range(KILLS):
        worker = start_worker(database_url, twilio, log, campaign.id)
        if kill % 2 == 0:
            # Inside a hand-over: Twilio has made the message and has not answered yet.
            twilio.in_flight.wait(timeout=30)
            kills_in_flight += twilio.in_flight.is_set()
        else:
            time.sleep(rng.uniform(0.3, 2.5))  # anywhere: start-up, creating texts, between hand-overs
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        if len(twilio.created) >= SUBSCRIBERS:
            break

    final = start_worker(database_url, twilio, log, campaign.id)
    assert final.wait(timeout=120) == 0, log.read_text()

    output = log.read_text()
    per_phone = Counter(m["to"] for m in twilio.created)
    assert per_phone == Counter(dict.fromkeys(phones, 1)), per_phone
    assert kills_in_flight >= 1, "no kill landed inside a hand-over: the test did not test the hard case"
    assert "cut off mid-hand-over: sent" in output, output  # a text Twilio had was recorded, not resent
    session.expire_all()
    rows = session.execute(
        select(CampaignRecipient.status, CampaignRecipient.skip_reason, Message.provider_sid)
        .outerjoin(Message, Message.id == CampaignRecipient.message_id)
        .where(CampaignRecipient.campaign_id == campaign.id)
    ).all()
    assert sorted((status, reason) for status, reason, _ in rows) == sorted(
        [("sent", None)] * SUBSCRIBERS + [("skipped", "opted_out")]
    )
    assert {sid for _, _, sid in rows if sid} == {m["sid"] for m in twilio.created}
    assert "Campaign completed" in output
