"""A campaign end to end on a real database: audience, exclusions, one text each, consent, replies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.campaigns.worker import Progress
from inbox.models import AttributeDefinition, Campaign, CampaignRecipient, Contact, Conversation, Message
from sms.simulator import INVALID_NUMBER, SimulatorProvider
from tests.campaigns.helpers import fast_sender, launched, make_list, run_until_settled, subscriber, worker_of
from tests.factories import call, post_inbound

# 15:00 UTC in winter: 10:00 in New York, 07:00 in Los Angeles (quiet there until 09:00). In the future,
# so every campaign launched "now" is already due.
MIDDAY_EAST = dt.datetime(2031, 1, 15, 15, 0, tzinfo=dt.UTC)
NEW_YORK = "+12125550101"
LOS_ANGELES = "+14155550102"


@pytest.fixture(autouse=True)
def east_coast_morning(app: Flask) -> None:
    """Every test here runs its worker at MIDDAY_EAST unless it moves the clock itself."""
    worker_of(app).now = lambda: MIDDAY_EAST


def texts_to(session: Session, phone: str) -> list[Message]:
    """The campaign texts a number received, oldest first."""
    session.expire_all()
    return list(
        session.scalars(
            select(Message)
            .join(Contact, Contact.id == Message.contact_id)
            .where(Contact.phone == phone, Message.direction == "outbound", Message.sender == "campaign")
            .order_by(Message.id)
        )
    )


def test_each_eligible_recipient_gets_one_personalised_text_and_the_rest_are_skipped_with_a_reason(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    session.add(AttributeDefinition(key="city", label="City", type="text"))
    subscriber(session, vip, NEW_YORK, name="Dana Scully", attributes={"city": "Boston"})
    subscriber(session, vip, "+12125550103")  # no name: the default applies
    subscriber(session, vip, "+12125550104", opted_out=True)
    subscriber(session, vip, "+12125550105", status="pending")
    subscriber(session, vip, "+12125550106", status="unsubscribed")
    subscriber(session, vip, "VERIFY", address_kind="alphanumeric")
    sender = fast_sender(session)
    campaign = launched(
        client,
        admin_token,
        list_id=vip.id,
        sender_id=sender.id,
        template='Hi {{ contact.first_name | default("there") }} in {{ contact.city | default("town") }}! '
        "Reply STOP to opt out.",
    )
    assert campaign["status"] == "scheduled"

    run_until_settled(app, campaign["id"])

    assert [m.body for m in texts_to(session, NEW_YORK)] == ["Hi Dana in Boston! Reply STOP to opt out."]
    assert [m.body for m in texts_to(session, "+12125550103")] == ["Hi there in town! Reply STOP to opt out."]
    for phone in ("+12125550104", "+12125550105", "+12125550106", "VERIFY"):
        assert texts_to(session, phone) == []
    reasons = dict(
        session.execute(
            select(Contact.phone, CampaignRecipient.skip_reason).join(
                Contact, Contact.id == CampaignRecipient.contact_id
            )
        ).all()
    )
    assert reasons == {
        NEW_YORK: None,
        "+12125550103": None,
        "+12125550104": "opted_out",
        "+12125550105": "not_subscribed",
        "+12125550106": "not_subscribed",
        "VERIFY": "invalid_number",
    }
    done = call(client, admin_token, "GET", f"/api/v1/campaigns/{campaign['id']}")
    assert done["status"] == "completed"
    assert done["progress"]["recipients"] == {
        "total": 6,
        "pending": 0,
        "sent": 2,
        "skipped": 4,
        "skipped_by_reason": {
            "opted_out": 1,
            "not_subscribed": 2,
            "invalid_number": 1,
            "invalid_text": 0,
            "cancelled": 0,
        },
    }
    assert done["progress"]["messages"]["delivered"] == 2
    # More passes send nothing more: every recipient got the campaign exactly once.
    worker_of(app).step()
    simulator.flush()
    assert len(simulator.messages()) == 2


def test_a_campaign_text_lands_in_the_contacts_conversation_and_a_reply_is_marked_with_the_campaign(
    app: Flask,
    client: FlaskClient,
    session: Session,
    admin_token: str,
    captured_events: list[tuple[str, dict[str, Any]]],
) -> None:
    vip = make_list(session)
    subscriber(session, vip, NEW_YORK, name="Dana")
    campaign = launched(
        client,
        admin_token,
        list_id=vip.id,
        sender_id=fast_sender(session).id,
        template="Sale! Reply STOP to end.",
    )
    run_until_settled(app, campaign["id"])
    [text] = texts_to(session, NEW_YORK)
    conversation = session.get(Conversation, text.conversation_id)
    assert conversation is not None and conversation.status == "bot"

    post_inbound(client, body="Is it on shoes too?", sender=NEW_YORK)

    session.expire_all()
    reply = session.scalars(select(Message).where(Message.direction == "inbound")).one()
    assert reply.conversation_id == text.conversation_id  # threaded beside the campaign's text
    assert reply.campaign_id == campaign["id"]
    # The inbox marks both: the live event and the thread name the campaign.
    mark = {"id": campaign["id"], "name": "Spring sale"}
    [created] = [p for n, p in captured_events if n == "message.created" and p["id"] == reply.id]
    assert created["campaign"] == mark
    thread = call(client, admin_token, "GET", f"/api/v1/conversations/{text.conversation_id}")
    assert [(m["direction"], m["campaign"]) for m in thread["messages"]] == [
        ("outbound", mark),
        ("inbound", mark),
        ("outbound", None),  # the bot's answer to the question belongs to no campaign
    ]
    timeline = call(client, admin_token, "GET", f"/api/v1/contacts/{text.contact_id}/timeline")
    assert [item["campaign"] for item in timeline["data"]] == [None, mark, mark]
    report = call(client, admin_token, "GET", f"/api/v1/campaigns/{campaign['id']}/report")
    assert report["funnel"]["replies"] == 1
    assert report["funnel"]["sent"] == 1
    assert report["funnel"]["delivered"] == 1


def test_stop_mid_campaign_stops_that_recipients_text_and_counts_as_an_opt_out_caused(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    first = subscriber(session, vip, NEW_YORK)
    second = subscriber(session, vip, "+12125550107")
    third = subscriber(session, vip, "+12125550108")
    earlier = make_list(session, "Earlier")
    subscriber(session, earlier, "+12125550109")
    # One text per pass, so the STOP can land between passes.
    sender = fast_sender(session, rate=1.0)
    campaign = launched(
        client, admin_token, list_id=vip.id, sender_id=sender.id, template="Sale! Reply STOP to end."
    )
    worker = worker_of(app)
    worker.pause = lambda seconds: False  # type: ignore[method-assign]
    worker.buckets.clear()

    worker.step(only=campaign["id"])
    simulator.flush()
    assert [m.to for m in simulator.messages()] == [first.phone]

    # The first recipient answers STOP; the second opts out while their text is already queued.
    post_inbound(client, body="STOP", sender=first.phone)
    queued = _queue_next_text(app, campaign["id"])
    post_inbound(client, body="stop", sender=second.phone)
    run_until_settled(app, campaign["id"], passes=20)

    assert [m.to for m in simulator.messages() if m.body.startswith("Sale")] == [first.phone, third.phone]
    session.expire_all()
    blocked = session.get(Message, queued)
    assert blocked is not None and blocked.status == "blocked"
    report = call(client, admin_token, "GET", f"/api/v1/campaigns/{campaign['id']}/report")
    assert (
        report["funnel"]["opt_outs"] == 1
    )  # the STOP answered the campaign's text; the other was unprompted
    assert report["funnel"]["sent"] == 2


def _queue_next_text(app: Flask, campaign_id: int) -> int:
    """Create the next recipient's text without handing it over (as a worker killed right then would)."""
    worker = worker_of(app)
    database = app.extensions["textdesk.db"]
    with database.session() as session:
        campaign = session.get(Campaign, campaign_id)
        worker.create_texts(session, campaign, 1, Progress())
        return int(
            session.scalars(
                select(Message.id).where(Message.campaign_id == campaign_id, Message.status == "queued")
            ).one()
        )


def test_one_bad_number_never_stops_the_campaign(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    subscriber(session, vip, NEW_YORK)
    subscriber(session, vip, INVALID_NUMBER)  # the provider refuses it (21211)
    subscriber(session, vip, "+12125550110")
    campaign = launched(
        client,
        admin_token,
        list_id=vip.id,
        sender_id=fast_sender(session).id,
        template="Hello! Reply STOP to end.",
    )
    run_until_settled(app, campaign["id"])
    done = call(client, admin_token, "GET", f"/api/v1/campaigns/{campaign['id']}")
    assert done["status"] == "completed"
    assert done["progress"]["messages"]["delivered"] == 2
    assert done["progress"]["messages"]["failed"] == 1
    [bad] = texts_to(session, INVALID_NUMBER)
    assert bad.status == "failed" and bad.error_code == 21211


def test_quiet_hours_hold_each_recipient_until_their_own_morning(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    subscriber(session, vip, NEW_YORK)
    subscriber(session, vip, LOS_ANGELES)
    campaign = launched(
        client,
        admin_token,
        list_id=vip.id,
        sender_id=fast_sender(session).id,
        template="Morning! Reply STOP to end.",
    )
    worker = worker_of(app)
    worker.step(only=campaign["id"])  # 10:00 in New York, 07:00 in Los Angeles
    simulator.flush()
    assert [m.to for m in simulator.messages()] == [NEW_YORK]
    held = session.scalars(select(CampaignRecipient).where(CampaignRecipient.status == "pending")).one()
    # 09:00 in Los Angeles is 17:00 UTC.
    assert held.not_before == dt.datetime(2031, 1, 15, 17, 0, tzinfo=dt.UTC)
    session.rollback()  # end the read: SQLite's write lock must be free for the worker

    worker.now = lambda: dt.datetime(2031, 1, 15, 16, 59, tzinfo=dt.UTC)
    worker.step(only=campaign["id"])
    assert len(simulator.messages()) == 1

    worker.now = lambda: dt.datetime(2031, 1, 15, 17, 0, tzinfo=dt.UTC)
    run_until_settled(app, campaign["id"])
    assert [m.to for m in simulator.messages()] == [NEW_YORK, LOS_ANGELES]


def test_a_campaign_scheduled_for_later_waits_for_its_time(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: SimulatorProvider
) -> None:
    vip = make_list(session)
    subscriber(session, vip, NEW_YORK)
    draft = call(
        client,
        admin_token,
        "POST",
        "/api/v1/campaigns",
        201,
        json={"name": "Later", "list_id": vip.id, "template": "Hi! Reply STOP to end."},
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    call(
        client,
        admin_token,
        "POST",
        f"/api/v1/campaigns/{draft['id']}/launch",
        json={"scheduled_at": later.isoformat()},
    )
    worker = worker_of(app)
    worker.now = lambda: later - dt.timedelta(minutes=1)
    worker.step()
    assert simulator.messages() == []
    assert session.scalars(select(CampaignRecipient)).all() == []  # recipients are fixed when it starts

    worker.now = lambda: later
    always_open(session, draft["id"])  # whatever hour "later" is in New York
    worker.step()
    simulator.flush()
    assert [m.to for m in simulator.messages()] == [NEW_YORK]


def always_open(session: Session, campaign_id: int) -> None:
    """No quiet hours for this campaign."""
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    campaign.window_start, campaign.window_end = "00:00", "24:00"
    session.commit()
