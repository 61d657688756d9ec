"""`flask --app app campaigns …`: send a campaign now with a progress bar; list campaigns."""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from inbox.actions.campaigns import CampaignError, launch_campaign, resume_campaign
from inbox.campaigns.progress import progress
from inbox.campaigns.worker import LEASE_NAME, CampaignWorker
from inbox.db import get_db, utcnow
from inbox.models import Campaign, WorkerLease

POLL_SECONDS = 0.25


@click.group("campaigns")
def campaigns_group() -> None:
    """Campaigns: send one now and watch its progress; list them."""


@campaigns_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every campaign with its state and counts."""
    with get_db().session() as session:
        campaigns = session.scalars(select(Campaign).order_by(Campaign.id)).all()
        if not campaigns:
            click.echo("No campaigns yet.")
        for campaign in campaigns:
            counts = progress(session, campaign.id)
            recipients = counts["recipients"]
            click.echo(
                f"{campaign.id:>5}  {campaign.status:<10} {campaign.name}  "
                f"({recipients['sent']} sent, {recipients['pending']} pending, "
                f"{recipients['skipped']} skipped of {recipients['total']})"
            )


@campaigns_group.command("send")
@click.argument("campaign_id", type=int)
@with_appcontext
def send_command(campaign_id: int) -> None:
    """Send campaign ID now (launching a draft, resuming a paused one) and show its progress until done."""
    worker: CampaignWorker = current_app.extensions["textdesk.campaigns"]
    start_now(campaign_id)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=worker.run, args=(stop, campaign_id), name="campaigns", daemon=True)
    thread.start()
    try:
        outcome = watch(campaign_id, thread, stop)
    finally:
        stop.set()
        thread.join(timeout=30)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(outcome)


def start_now(campaign_id: int) -> None:
    """Make the campaign due now: launch a draft, resume a paused one, bring a scheduled one forward."""
    with get_db().session() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise click.ClickException(f"no campaign {campaign_id}")
        try:
            if campaign.status == "draft":
                launch_campaign(session, None, campaign, None)
            elif campaign.status == "paused":
                resume_campaign(session, None, campaign)
            elif campaign.status == "scheduled":
                campaign.scheduled_at = min(campaign.scheduled_at or utcnow(), utcnow())
                session.commit()
            elif campaign.status in ("completed", "cancelled"):
                raise click.ClickException(f"campaign {campaign_id} is {campaign.status}: nothing to send")
        except CampaignError as error:
            raise click.ClickException(
                f"cannot send campaign {campaign_id}: {error.field}: {error.message}"
            ) from None
        click.echo(f"Campaign {campaign.id} “{campaign.name}”: sending now. Ctrl-C stops this worker.")


def watch(campaign_id: int, thread: threading.Thread, stop: threading.Event) -> str:
    """Show progress until the campaign is done, paused, cancelled, or this worker stops.

    A terminal gets a live bar; a log (cron, systemd, CI) gets a line at every tenth of the way instead.
    """
    database = get_db()
    worker: CampaignWorker = current_app.extensions["textdesk.campaigns"]
    noted_other = False
    logged_tenths = -1
    interactive = sys.stdout.isatty()
    with click.progressbar(
        length=1, label="Sending", show_pos=True, show_percent=True, hidden=not interactive
    ) as bar:
        done_before = 0
        while True:
            with database.session() as session:
                campaign = session.get(Campaign, campaign_id)
                status = campaign.status if campaign else "gone"
                counts = progress(session, campaign_id)
                holder = session.scalar(select(WorkerLease.holder).where(WorkerLease.name == LEASE_NAME))
            recipients = counts["recipients"]
            total = max(recipients["total"], 1)
            done = recipients["sent"] + recipients["skipped"]
            bar.length = total
            bar.update(done - done_before)
            done_before = done
            if not interactive and recipients["total"] and done * 10 // total > logged_tenths:
                logged_tenths = done * 10 // total
                click.echo(f"Sending: {done * 100 // total}% ({done}/{recipients['total']} recipients)")
            if holder and holder != worker.holder and not noted_other:
                click.echo(f"\nAnother process is sending campaigns ({holder}); showing its progress.")
                noted_other = True
            if status not in ("scheduled", "sending"):
                break
            if stop.is_set() or not thread.is_alive():
                return summary(status, counts, interrupted=True)
            time.sleep(POLL_SECONDS)
    return summary(status, counts, interrupted=False)


def summary(status: str, counts: dict[str, Any], interrupted: bool) -> str:
    """The last line: what happened to every recipient."""
    recipients, messages = counts["recipients"], counts["messages"]
    skipped = ", ".join(
        f"{n} {reason.replace('_', ' ')}" for reason, n in recipients["skipped_by_reason"].items() if n
    )
    line = (
        f"{recipients['sent']} texted, {recipients['skipped']} skipped{f' ({skipped})' if skipped else ''}, "
        f"{recipients['pending']} waiting; delivered {messages['delivered']}, failed {messages['failed']}."
    )
    if interrupted:
        return f"Stopped; the campaign is {status} and carries on from any worker (or run this again). {line}"
    return f"Campaign {status}. {line}"
