"""Helpers for the campaign screens' browser tests: seed lists in the live server's database, senders and
campaigns through the API, open the pages, wait for a campaign's state.

Lists and memberships are written straight into the database the live server uses (its DATABASE_URL,
read from the server process's environment), so these tests do not depend on the lists API.

data-testid attributes the tests (and anyone scripting the pages) rely on:

  every page     campaign-tabs, campaign-tab-campaigns / -reports / -senders, cmp-status, #connection-state
  campaigns      campaign-new, campaigns-table (data-loaded="yes"), campaigns-count, campaigns-state,
                 campaigns-more, campaign-row (data-id, data-status), campaign-name,
                 campaign-status (data-status), campaign-audience, campaign-scheduled,
                 campaign-progress (data-done, data-total) (-bar, -words), campaign-delivered,
                 campaign-failed, campaign-replies, campaign-opt-outs
  composer       campaign-composer, composer-title, composer-form, composer-loading, campaign-name-input,
                 campaign-list, campaign-list-hint, campaign-segment, campaign-segment-saved,
                 campaign-segment-filter, campaign-template, campaign-counter (data-encoding),
                 campaign-counter-ucs2, campaign-variables, campaign-variable (data-variable),
                 campaign-sender, campaign-sender-pace, campaign-window-start, campaign-window-end,
                 campaign-window-default,
                 campaign-schedule-now, campaign-schedule-later, campaign-schedule-at, campaign-schedule-hint,
                 campaign-error-<field> (name, list_id, segment_id, segment_filter, template, sender_id,
                 window, scheduled_at), campaign-form-error, campaign-launch, campaign-save,
                 campaign-save-state, campaign-delete
  preview        campaign-preview (data-state: empty | loading | updating | ok | invalid; data-loaded),
                 campaign-preview-state, campaign-preview-body, campaign-preview-error,
                 preview-eligible (data-count), preview-selected (data-count), preview-excluded,
                 preview-excluded-<reason> (data-count), preview-segments(-value), preview-cost(-value),
                 preview-duration(-value), campaign-warnings, campaign-warning (data-code),
                 campaign-warnings-none, campaign-samples, campaign-sample (-text, -count)
  dialogs        launch-confirm (-yes, -no, -count, -segments, -cost, -duration), delete-confirm (-yes, -no),
                 cancel-confirm (-yes, -no), sender-delete-confirm (-yes, -no)
  campaign page  campaign-page (data-loaded), campaign-title, campaign-status, campaign-status-hint,
                 campaign-actions, campaign-edit, campaign-pause, campaign-resume, campaign-cancel,
                 campaign-progress-card, campaign-progress(-bar, -words), progress-<count>(-value) for total,
                 pending, sent, skipped, queued, with-carrier, delivered, failed, replies, opt-outs, segments;
                 campaign-facts, campaign-fact-audience / -sender / -window / -when, campaign-template-text,
                 campaign-report (data-loaded), funnel-chart, funnel-table, funnel-<step>(-value) for
                 targeted, excluded, sent, delivered, failed, replies, opt_outs; report-cost(-value)
  recipients     recipients, recipients-count, recipients-status, recipients-reason, recipients-table
                 (data-loaded), recipients-state, recipients-more, recipient-row (data-contact-id,
                 data-status, data-reason), recipient-name, recipient-phone, recipient-opted-out,
                 recipient-status (data-status), recipient-text (data-status), recipient-error,
                 recipient-conversation
  reports        reports-page, daily-report (data-loaded), daily-totals, daily-chart, daily-table, daily-row
                 (data-date), daily-inbound, daily-outbound, daily-opt-outs, daily-state, campaigns-summary,
                 summary-table (data-loaded), summary-row (data-id), summary-name, summary-status,
                 summary-started, summary-targeted, summary-sent, summary-delivered, summary-failed,
                 summary-replies, summary-opt-outs, summary-cost, summary-state
  senders        senders-page, senders-table (data-loaded), senders-state, sender-row (data-id),
                 sender-row-name, sender-row-from, sender-row-pace, sender-row-price, sender-edit,
                 sender-delete, sender-form, sender-form-title, sender-name, sender-from, sender-rate,
                 sender-rate-hint, sender-price, sender-error-<field>, sender-form-error, sender-save,
                 sender-cancel
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from inbox.models import Contact, ListMembership, SubscriberList
from tests.browser.helpers import SCREENSHOTS, Account, Server, sign_in, wait_until

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def database_url(server: Server) -> str:
    """The DATABASE_URL of the live server's process (found by its PUBLIC_URL, unique per server)."""
    wanted = f"PUBLIC_URL={server.url}".encode()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            entries = environ.read_bytes().split(b"\0")
        except OSError:  # another user's process, or one that just ended
            continue
        if wanted in entries:
            for entry in entries:
                if entry.startswith(b"DATABASE_URL="):
                    return entry.split(b"=", 1)[1].decode()
    raise AssertionError(f"no running server process has PUBLIC_URL={server.url}")


@contextmanager
def server_db(server: Server) -> Iterator[Session]:
    """A session on the live server's own database (committed by the caller)."""
    engine = create_engine(database_url(server))
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Member:
    """One contact to put on a seeded list."""

    phone: str
    name: str | None
    status: str = "subscribed"  # pending | subscribed | unsubscribed


def seed_list(server: Server, name: str, members: list[Member]) -> int:
    """A subscriber list with these members, written into the server's database; returns its id."""
    now = dt.datetime.now(dt.UTC)
    with server_db(server) as session:
        subscriber_list = SubscriberList(name=name, frequency="up to 4 msgs/month")
        session.add(subscriber_list)
        session.flush()
        for member in members:
            contact = session.scalars(select(Contact).where(Contact.phone == member.phone)).first()
            if contact is None:
                contact = Contact(phone=member.phone, name=member.name, address_kind="e164")
                session.add(contact)
                session.flush()
            elif member.name and not contact.name:
                contact.name = member.name
            session.add(
                ListMembership(
                    list_id=subscriber_list.id,
                    contact_id=contact.id,
                    status=member.status,
                    source="import",
                    source_detail="browser test seed",
                    joined_at=now,
                    confirmed_at=now if member.status == "subscribed" else None,
                    left_at=now if member.status == "unsubscribed" else None,
                )
            )
        session.commit()
        return subscriber_list.id


_short_codes = itertools.count(20001)


def make_sender(server: Server, name: str, rate: float, price: float = 0.01) -> dict[str, Any]:
    """A sender made through the API with its own short code, pace (segments a second) and price.

    Its own address keeps it from becoming the desk's default sender (the first one without an address).
    """
    body = {
        "name": name,
        "from_address": str(next(_short_codes)),
        "segments_per_second": rate,
        "price_per_segment": price,
    }
    sender: dict[str, Any] = server.send("POST", "senders", body)
    return sender


def make_campaign(server: Server, name: str, list_id: int, sender_id: int, template: str) -> dict[str, Any]:
    """A draft campaign made through the API, sending at any hour (00:00–24:00)."""
    body = {
        "name": name,
        "list_id": list_id,
        "sender_id": sender_id,
        "template": template,
        "window_start": "00:00",
        "window_end": "24:00",
    }
    campaign: dict[str, Any] = server.send("POST", "campaigns", body)
    return campaign


def launch(server: Server, campaign_id: int) -> dict[str, Any]:
    """Launch a draft now through the API."""
    launched: dict[str, Any] = server.send("POST", f"campaigns/{campaign_id}/launch", {"scheduled_at": None})
    return launched


def wait_for_status(server: Server, campaign_id: int, status: str, timeout: float = 20.0) -> dict[str, Any]:
    """Poll the API until the campaign is in this state; returns it."""

    def probe() -> dict[str, Any] | None:
        campaign: dict[str, Any] = server.get(f"campaigns/{campaign_id}")
        return campaign if campaign["status"] == status else None

    return wait_until(probe, f"campaign {campaign_id} to be {status}", timeout=timeout)


def open_campaigns(page: Page, server: Server, account: Account) -> None:
    """Sign in and open the campaigns list; returns once it has loaded."""
    sign_in(page, server, account)
    page.goto("/admin/campaigns")
    expect(page.get_by_test_id("campaigns-table")).to_have_attribute("data-loaded", "yes")


def open_composer(page: Page, server: Server, account: Account, campaign_id: int | None = None) -> None:
    """Sign in and open the composer (new, or a saved draft); returns once its form is ready."""
    sign_in(page, server, account)
    page.goto(f"/admin/campaigns/{campaign_id}/edit" if campaign_id else "/admin/campaigns/new")
    expect(page.get_by_test_id("campaign-preview")).to_have_attribute("data-loaded", "yes")


def open_campaign(page: Page, server: Server, account: Account, campaign_id: int) -> None:
    """Sign in and open one campaign's page; returns once the campaign and its report have loaded."""
    sign_in(page, server, account)
    page.goto(f"/admin/campaigns/{campaign_id}")
    expect(page.get_by_test_id("campaign-page")).to_have_attribute("data-loaded", "yes")
    expect(page.get_by_test_id("campaign-report")).to_have_attribute("data-loaded", "yes")


def full_screenshot(page: Page, name: str) -> Path:
    """Save a screenshot of the whole page (below the fold too): test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path


def choose(select: Locator, text: str) -> None:
    """Pick the option of a <select> whose label contains this text (labels carry counts and addresses)."""
    option = select.locator("option", has_text=text).first
    expect(option).to_be_attached()
    select.select_option(option.get_attribute("value"))


def campaign_row(page: Page, campaign_id: int) -> Locator:
    """The campaigns list's row of one campaign."""
    return page.locator(f'[data-testid=campaign-row][data-id="{campaign_id}"]')


def recipient_row(page: Page, phone: str) -> Locator:
    """The recipients table's row of this phone number."""
    return page.get_by_test_id("recipient-row").filter(
        has=page.get_by_test_id("recipient-phone").get_by_text(phone, exact=True)
    )


def funnel_value(page: Page, step: str) -> Locator:
    """One number of the report's funnel table (targeted, excluded, sent, delivered, failed, …)."""
    return page.get_by_test_id(f"funnel-{step}-value")


def warning(page: Page, code: str) -> Locator:
    """One warning of the composer's preview, by its code."""
    return page.locator(f'[data-testid=campaign-warning][data-code="{code}"]')
