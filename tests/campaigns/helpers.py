"""Campaign test building blocks: lists with subscribers, a campaign launched through the API, a worker."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.campaigns.worker import CampaignWorker
from inbox.models import Contact, ListMembership, Sender, SubscriberList
from tests.factories import call


def make_list(session: Session, name: str = "VIP", **overrides: Any) -> SubscriberList:
    """A stored subscriber list."""
    subscriber_list = SubscriberList(name=name, **overrides)
    session.add(subscriber_list)
    session.commit()
    return subscriber_list


def subscriber(
    session: Session,
    subscriber_list: SubscriberList,
    phone: str,
    status: str = "subscribed",
    **contact_fields: Any,
) -> Contact:
    """A contact with a membership of the list (subscribed unless said otherwise)."""
    contact = Contact(phone=phone, **contact_fields)
    session.add(contact)
    session.flush()
    session.add(
        ListMembership(list_id=subscriber_list.id, contact_id=contact.id, status=status, source="admin")
    )
    session.commit()
    return contact


def fast_sender(session: Session, rate: float = 1000.0, price: float = 0.01) -> Sender:
    """A sender fast enough that functional tests never wait for the pace."""
    sender = Sender(name=f"Fast {rate:g}", from_address="", segments_per_second=rate, price_per_segment=price)
    session.add(sender)
    session.commit()
    return sender


def launched(client: FlaskClient, token: str, **fields: Any) -> dict[str, Any]:
    """A campaign created and launched now through the API."""
    campaign = call(client, token, "POST", "/api/v1/campaigns", 201, json={"name": "Spring sale", **fields})
    return call(client, token, "POST", f"/api/v1/campaigns/{campaign['id']}/launch", json={})


def worker_of(app: Flask) -> CampaignWorker:
    """The app's campaign worker (not running in the background in tests: call step())."""
    worker: CampaignWorker = app.extensions["textdesk.campaigns"]
    return worker


def run_until_settled(app: Flask, campaign_id: int, passes: int = 50) -> None:
    """Run worker passes (delivering with the synchronous simulator) until the campaign stops sending."""
    worker = worker_of(app)
    simulator = app.extensions["textdesk.outbox"].provider
    for _ in range(passes):
        worker.step(only=campaign_id)
        simulator.flush()
        if worker.finished(campaign_id):
            return
    raise AssertionError(f"campaign {campaign_id} still sending after {passes} passes")
