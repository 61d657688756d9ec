"""Campaign actions: create, edit, preview, launch (now or scheduled), pause, resume, cancel, delete.

Sending itself is the campaign worker's (inbox/campaigns/worker.py); these only move a campaign between
states, each in one transaction with campaign.updated after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox.actions.changes import record_change
from inbox.botconfig import bot_settings, read_settings
from inbox.campaigns.audience import AudienceProblem, count_audience
from inbox.campaigns.quiet_hours import SendWindow
from inbox.campaigns.render import Renderer
from inbox.campaigns.worker import campaign_sender
from inbox.db import utcnow
from inbox.events import notify_campaign_updated, notify_message_updated
from inbox.models import Campaign, CampaignRecipient, Message, SavedSegment, Sender, SubscriberList, User
from inbox.models.campaigns import CAMPAIGN_STATUSES

MAX_NAME = 120
MAX_TEMPLATE = 1600
EDITABLE = ("draft", "scheduled")
CANCELLED_TEXT = "Not sent: the campaign was cancelled."
FIELDS = (
    "name",
    "list_id",
    "segment_id",
    "segment_filter",
    "template",
    "sender_id",
    "window_start",
    "window_end",
)
assert set(EDITABLE) <= set(CAMPAIGN_STATUSES)


class CampaignError(ValueError):
    """A campaign request that cannot be carried out: which field (or state) and why."""

    def __init__(
        self,
        field: str,
        message: str,
        status: int = 422,
        code: str = "invalid_campaign",
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code
        self.extra = extra


@dataclass(frozen=True, slots=True)
class Draft:
    """A campaign's definition, checked: what a preview or a save works from."""

    name: str
    list_id: int | None
    segment_id: int | None
    segment_filter: str
    template: str
    sender_id: int | None
    window_start: str
    window_end: str


def check_fields(session: Session, data: Mapping[str, Any], base: Campaign | None = None) -> Draft:
    """Validate a campaign's fields (partial over base when given); CampaignError names the first problem."""

    def value(key: str, default: Any) -> Any:
        if key in data:
            return data[key]
        return getattr(base, key) if base is not None else default

    name = str(value("name", "") or "").strip()
    if not name or len(name) > MAX_NAME:
        raise CampaignError("name", f"must be 1 to {MAX_NAME} characters")
    list_id = value("list_id", None)
    if list_id is not None and session.get(SubscriberList, list_id) is None:
        raise CampaignError("list_id", "no such list")
    segment_id = value("segment_id", None)
    segment_filter = str(value("segment_filter", "") or "")
    if segment_id is not None:
        saved = session.get(SavedSegment, segment_id)
        if saved is None:
            raise CampaignError("segment_id", "no such saved segment")
        if "segment_filter" not in data or not segment_filter.strip():
            segment_filter = saved.filter  # the saved segment's text, as of now
    template = str(value("template", "") or "")
    if len(template) > MAX_TEMPLATE:
        raise CampaignError("template", f"is {len(template)} characters; the limit is {MAX_TEMPLATE}")
    sender_id = value("sender_id", None)
    if sender_id is not None and session.get(Sender, sender_id) is None:
        raise CampaignError("sender_id", "no such sender")
    window_start = str(value("window_start", "09:00") or "")
    window_end = str(value("window_end", "20:00") or "")
    try:
        SendWindow.parse(window_start, window_end)
    except ValueError as error:
        raise CampaignError("window_start", str(error)) from None
    settings = bot_settings(read_settings(session), {})
    problems = Renderer.load(session, template, settings).problems()
    if problems:
        raise CampaignError("template", "; ".join(problems))
    draft = Draft(name, list_id, segment_id, segment_filter, template, sender_id, window_start, window_end)
    if list_id is not None or segment_filter.strip():
        try:
            count_audience(session, list_id, segment_filter, utcnow())
        except AudienceProblem as error:
            raise CampaignError(error.field, error.message, line=error.line, column=error.column) from None
    return draft


def _apply(campaign: Campaign, draft: Draft) -> None:
    for key in FIELDS:
        setattr(campaign, key, getattr(draft, key))


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {key: getattr(campaign, key) for key in (*FIELDS, "status")}


def create_campaign(session: Session, user: User | None, data: Mapping[str, Any]) -> Campaign:
    """A new draft campaign; commits."""
    draft = check_fields(session, data)
    campaign = Campaign(status="draft", created_by_id=user.id if user else None)
    _apply(campaign, draft)
    session.add(campaign)
    session.flush()
    record_change(
        session, user, "campaign", "created", campaign.name, None, _snapshot(campaign), subject_id=campaign.id
    )
    notify_campaign_updated(session, campaign)
    session.commit()
    return campaign


def update_campaign(
    session: Session, user: User | None, campaign: Campaign, data: Mapping[str, Any]
) -> Campaign:
    """Edit a campaign that has not started; commits."""
    _require(campaign, EDITABLE, "edited")
    before = _snapshot(campaign)
    _apply(campaign, check_fields(session, data, base=campaign))
    after = _snapshot(campaign)
    if after != before:
        record_change(
            session, user, "campaign", "updated", campaign.name, before, after, subject_id=campaign.id
        )
        notify_campaign_updated(session, campaign)
    session.commit()
    return campaign


def delete_campaign(session: Session, user: User | None, campaign: Campaign) -> None:
    """Delete a draft (a campaign that ever started stays, with its history); commits."""
    _require(campaign, ("draft",), "deleted (cancel it instead)")
    record_change(
        session, user, "campaign", "deleted", campaign.name, _snapshot(campaign), None, subject_id=campaign.id
    )
    session.delete(campaign)
    session.commit()


def launch_campaign(
    session: Session, user: User | None, campaign: Campaign, scheduled_at: dt.datetime | None
) -> Campaign:
    """Launch a draft now or at scheduled_at; the worker fixes its recipients when it starts. Commits."""
    _require(campaign, ("draft",), "launched")
    now = utcnow()
    if scheduled_at is not None and scheduled_at < now - dt.timedelta(minutes=1):
        raise CampaignError("scheduled_at", "is in the past")
    draft = check_fields(session, {}, base=campaign)
    if not draft.template.strip():
        raise CampaignError("template", "write the text to send")
    if draft.list_id is None and not draft.segment_filter.strip():
        raise CampaignError("list_id", "choose a list or a segment to send to")
    counts = count_audience(session, draft.list_id, draft.segment_filter, now)
    if counts.eligible == 0:
        raise CampaignError(
            "list_id", "nobody to send to: every contact it selects is excluded or there are none"
        )
    before = _snapshot(campaign)
    campaign.status = "scheduled"
    campaign.segment_filter = draft.segment_filter  # a saved segment's text is fixed at launch
    campaign.scheduled_at = scheduled_at or now
    campaign.launched_at = now
    record_change(
        session,
        user,
        "campaign",
        "launched",
        campaign.name,
        before,
        _snapshot(campaign),
        subject_id=campaign.id,
    )
    notify_campaign_updated(session, campaign)
    session.commit()
    return campaign


def pause_campaign(session: Session, user: User | None, campaign: Campaign) -> Campaign:
    """Stop handing texts over (texts already with the carrier go on); commits."""
    _require(campaign, ("sending",), "paused")
    return _move(session, user, campaign, "paused")


def resume_campaign(session: Session, user: User | None, campaign: Campaign) -> Campaign:
    """Carry on where a paused campaign stopped; commits."""
    _require(campaign, ("paused",), "resumed")
    return _move(session, user, campaign, "sending")


def cancel_campaign(session: Session, user: User | None, campaign: Campaign) -> Campaign:
    """Stop for good: recipients not yet texted are skipped, texts not yet handed over are not sent."""
    _require(campaign, ("scheduled", "sending", "paused"), "cancelled")
    now = utcnow()
    session.execute(
        update(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.status == "pending")
        .values(status="skipped", skip_reason="cancelled", updated_at=now)
    )
    unsent = session.scalars(
        select(Message).where(
            Message.campaign_id == campaign.id, Message.direction == "outbound", Message.status == "queued"
        )
    ).all()
    for message in unsent:
        message.status = "blocked"
        message.error_message = CANCELLED_TEXT
        message.next_attempt_at = None
        notify_message_updated(session, message)
    campaign.cancelled_at = now
    return _move(session, user, campaign, "cancelled")


def _move(session: Session, user: User | None, campaign: Campaign, status: str) -> Campaign:
    before = _snapshot(campaign)
    campaign.status = status
    record_change(
        session, user, "campaign", status, campaign.name, before, _snapshot(campaign), subject_id=campaign.id
    )
    notify_campaign_updated(session, campaign)
    session.commit()
    return campaign


def _require(campaign: Campaign, states: tuple[str, ...], verb: str) -> None:
    if campaign.status not in states:
        raise CampaignError(
            "status",
            f"a {campaign.status} campaign cannot be {verb}",
            status=409,
            code="invalid_state",
        )


def sender_of(session: Session, campaign: Campaign) -> Sender:
    """The campaign's sender (the default one when none is chosen)."""
    return campaign_sender(session, campaign)
