"""The worker's lease (one sender of campaigns at a time), crash recovery in-process, and the CLI."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.campaigns.audience import queue_recipients
from inbox.campaigns.worker import LEASE_NAME, CampaignWorker
from inbox.models import Campaign, Message, WorkerLease
from sms.simulator import SimulatorProvider
from tests.campaigns.helpers import fast_sender, launched, make_list, subscriber, worker_of

FUTURE = dt.datetime(2031, 1, 15, 15, 0, tzinfo=dt.UTC)


def another_worker(app: Flask) -> CampaignWorker:
    """A second worker on the same database, as another process would run."""
    worker = CampaignWorker(app.extensions["textdesk.db"], app.extensions["textdesk.outbox"], app.config)
    worker.now = lambda: FUTURE
    return worker


def test_only_one_worker_holds_the_lease_until_it_lets_go_or_it_runs_out(
    app: Flask, session: Session
) -> None:
    first, second = worker_of(app), another_worker(app)
    assert first.hold_lease()
    assert not second.hold_lease()
    assert first.hold_lease()  # renewing is fine
    first.release_lease()
    assert second.hold_lease()
    # A holder that died: its lease runs out, and then another may take it.
    session.execute(update(WorkerLease).values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    session.commit()
    assert first.hold_lease()
    assert session.scalar(select(WorkerLease.holder).where(WorkerLease.name == LEASE_NAME)) == first.holder


def test_a_worker_without_the_lease_sends_nothing(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101")
    campaign = launched(
        client, admin_token, list_id=vip.id, sender_id=fast_sender(session).id, template="Hi STOP"
    )
    holder, other = worker_of(app), another_worker(app)
    holder.now = lambda: FUTURE
    assert holder.hold_lease()
    other.step()
    simulator.flush()
    assert simulator.messages() == []
    holder.step(only=campaign["id"])
    simulator.flush()
    assert len(simulator.messages()) == 1


def test_a_new_holder_settles_what_the_last_one_left_mid_hand_over(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101")
    subscriber(session, vip, "+12125550102")
    campaign = launched(
        client, admin_token, list_id=vip.id, sender_id=fast_sender(session).id, template="Hi STOP"
    )
    worker = worker_of(app)
    worker.now = lambda: FUTURE
    worker.step(only=campaign["id"])
    simulator.flush()
    worker.release_lease()
    # As if killed: one text the provider has, one it never got, both "sending" without a sid.
    sent = session.scalars(
        select(Message).where(Message.campaign_id == campaign["id"]).order_by(Message.id)
    ).all()
    assert len(sent) == 2
    kept_sid = sent[0].provider_sid
    simulator._log.pop()  # the provider never saw the second one
    session.execute(
        update(Message)
        .where(Message.campaign_id == campaign["id"])
        .values(status="sending", provider_sid=None)
    )
    session.commit()
    successor = another_worker(app)
    successor.step(only=campaign["id"])
    simulator.flush()
    session.expire_all()
    after = session.scalars(
        select(Message).where(Message.campaign_id == campaign["id"]).order_by(Message.id)
    ).all()
    assert after[0].provider_sid == kept_sid  # recorded, not resent
    assert [m.to for m in simulator.messages()].count("+12125550102") == 1  # sent again, once
    assert session.get(Campaign, campaign["id"]).status == "completed"  # type: ignore[union-attr]


def test_the_cli_sends_a_draft_with_a_progress_bar_and_a_summary(
    app: Flask, runner: FlaskCliRunner, session: Session, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    for i in range(3):
        subscriber(session, vip, f"+1212555010{i}")
    subscriber(session, vip, "+12125550199", opted_out=True)
    sender = fast_sender(session)
    campaign = Campaign(
        name="CLI sale",
        list_id=vip.id,
        sender_id=sender.id,
        template="Sale! Reply STOP to end.",
        window_start="00:00",
        window_end="24:00",
    )
    session.add(campaign)
    session.commit()
    result = runner.invoke(args=["campaigns", "send", str(campaign.id)])
    assert result.exit_code == 0, result.output
    assert "sending now" in result.output
    assert "Sending: 100% (4/4 recipients)" in result.output  # not a terminal: progress as log lines
    assert "Campaign completed. 3 texted, 1 skipped (1 opted out), 0 waiting" in result.output
    assert len(simulator.messages()) == 3
    listed = runner.invoke(args=["campaigns", "list"])
    assert "completed  CLI sale  (3 sent, 0 pending, 1 skipped of 4)" in listed.output


def test_the_cli_refuses_what_it_cannot_send(app: Flask, runner: FlaskCliRunner, session: Session) -> None:
    assert "no campaign 99" in runner.invoke(args=["campaigns", "send", "99"]).output
    empty = Campaign(name="Nobody", template="Hi", segment_filter='tag = "nobody"')
    session.add(empty)
    session.commit()
    result = runner.invoke(args=["campaigns", "send", str(empty.id)])
    assert result.exit_code != 0
    assert "nobody to send to" in result.output


def test_fixing_the_recipients_counts_every_row_it_writes(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101")
    subscriber(session, vip, "+12125550102")
    subscriber(session, vip, "+12125550103", opted_out=True)  # written too, as skipped
    campaign = launched(
        client, admin_token, list_id=vip.id, sender_id=fast_sender(session).id, template="Hi STOP"
    )
    stored = session.get(Campaign, campaign["id"])
    assert stored is not None and stored.queued_at is None
    assert queue_recipients(session, stored, FUTURE) == 3
    session.rollback()
