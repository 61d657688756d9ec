"""/api/v1/campaigns and /senders: compose, preview, launch, pause, resume, cancel; recipients and report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import select

from inbox.actions.campaigns import (
    CampaignError,
    cancel_campaign,
    check_fields,
    create_campaign,
    delete_campaign,
    launch_campaign,
    pause_campaign,
    resume_campaign,
    update_campaign,
)
from inbox.actions.senders import SenderError, create_sender, delete_sender, update_sender
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit
from inbox.botconfig import bot_settings, read_settings
from inbox.campaigns.preview import preview
from inbox.campaigns.quiet_hours import SendWindow
from inbox.campaigns.report import MAX_DAYS, campaign_report, daily_traffic
from inbox.campaigns.resource import campaign_resource, sender_resource
from inbox.campaigns.worker import campaign_sender, default_sender
from inbox.db import get_session, utcnow
from inbox.models import Campaign, CampaignRecipient, Contact, Message, Sender
from inbox.models.campaigns import CAMPAIGN_STATUSES, RECIPIENT_STATUSES, SKIP_REASONS
from inbox.resources import iso

# Field → the JSON types it accepts (meaning is checked by the action).
_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "list_id": (int, type(None)),
    "segment_id": (int, type(None)),
    "segment_filter": (str,),
    "template": (str,),
    "sender_id": (int, type(None)),
    "window_start": (str,),
    "window_end": (str,),
}
_ID_FIELDS = ("list_id", "segment_id", "sender_id")


def _require_admin() -> None:
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can run campaigns")


def typed_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The campaign fields of a body, type-checked (a 422 naming the first bad one)."""
    for name, value in data.items():
        types = _TYPES.get(name)
        if types is None:
            raise invalid(name, "is not a campaign field")
        if not isinstance(value, types) or isinstance(value, bool):
            raise invalid(
                name, "must be " + (" or ".join("null" if t is type(None) else t.__name__ for t in types))
            )
        if name in _ID_FIELDS and value is not None and not is_id(value):
            raise invalid(name, "must be an id or null")
    return data


@contextmanager
def campaign_errors() -> Iterator[None]:
    """Answer a CampaignError as a 4xx naming its field (and the segment's line and column)."""
    try:
        yield
    except CampaignError as error:
        raise ApiError(
            error.status,
            error.code,
            f"{error.field}: {error.message}",
            [{"field": error.field, "message": error.message}],
            **{k: v for k, v in error.extra.items() if v is not None},
        ) from None


def _campaign(campaign_id: int) -> Campaign:
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None:
        raise not_found("campaign")
    return campaign


@bp.get("/campaigns")
def list_campaigns() -> Response:
    """Campaigns, newest first, each with its progress."""
    session = get_session()
    query = select(Campaign).order_by(Campaign.id.desc())
    status = request.args.get("status")
    if status is not None:
        if status not in CAMPAIGN_STATUSES:
            raise invalid("status", f"must be one of {', '.join(CAMPAIGN_STATUSES)}")
        query = query.where(Campaign.status == status)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(Campaign.id < cursor[0])
    size = limit()
    rows = session.scalars(query.limit(size + 1)).all()
    page = rows[:size]
    return jsonify(
        data=[campaign_resource(session, c, with_progress=True) for c in page],
        next_cursor=encode_cursor(page[-1].id) if len(rows) > size else None,
    )


@bp.post("/campaigns")
def post_campaign() -> tuple[Response, int]:
    """Create a draft campaign."""
    _require_admin()
    data = typed_fields(json_body())
    session = get_session()
    with campaign_errors():
        campaign = create_campaign(session, g.api_user, data)
    return jsonify(campaign_resource(session, campaign, with_progress=True)), 201


@bp.get("/campaigns/<id:campaign_id>")
def get_campaign(campaign_id: int) -> Response:
    """One campaign with its progress."""
    return jsonify(campaign_resource(get_session(), _campaign(campaign_id), with_progress=True))


@bp.patch("/campaigns/<id:campaign_id>")
def patch_campaign(campaign_id: int) -> Response:
    """Edit a campaign that has not started."""
    _require_admin()
    data = typed_fields(json_body())
    session = get_session()
    campaign = _campaign(campaign_id)
    with campaign_errors():
        update_campaign(session, g.api_user, campaign, data)
    return jsonify(campaign_resource(session, campaign, with_progress=True))


@bp.delete("/campaigns/<id:campaign_id>")
def remove_campaign(campaign_id: int) -> tuple[str, int]:
    """Delete a draft."""
    _require_admin()
    with campaign_errors():
        delete_campaign(get_session(), g.api_user, _campaign(campaign_id))
    return "", 204


def _preview(fields: dict[str, Any], base: Campaign | None) -> dict[str, Any]:
    session = get_session()
    with campaign_errors():
        draft = check_fields(session, fields, base=base)
        if draft.list_id is None and not draft.segment_filter.strip():
            raise CampaignError("list_id", "choose a list or a segment to send to")
    sender = session.get(Sender, draft.sender_id) if draft.sender_id else default_sender(session)
    assert sender is not None  # checked by check_fields
    result = preview(
        session,
        list_id=draft.list_id,
        segment_filter=draft.segment_filter,
        template=draft.template,
        sender=sender,
        window=SendWindow.parse(draft.window_start, draft.window_end),
        settings=bot_settings(read_settings(session), current_app.config),
        now=utcnow(),
    )
    session.commit()  # the default sender may have just been created
    return result


@bp.post("/campaigns/preview")
def preview_draft() -> Response:
    """What an unsaved campaign would do: counts after exclusions, sample texts, segments, cost, warnings."""
    fields = typed_fields(json_body())
    fields.setdefault("name", "Preview")
    return jsonify(_preview(fields, None))


@bp.get("/campaigns/<id:campaign_id>/preview")
def preview_saved(campaign_id: int) -> Response:
    """The preview of a saved campaign (audience as of now)."""
    return jsonify(_preview({}, _campaign(campaign_id)))


def _scheduled_at(data: dict[str, Any]) -> dt.datetime | None:
    raw = data.get("scheduled_at")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid("scheduled_at", "must be a date-time with a time zone, or null for now")
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("scheduled_at", "must be an ISO 8601 date-time, e.g. 2026-12-01T15:00:00Z") from None
    if moment.tzinfo is None:
        raise invalid("scheduled_at", "must carry a time zone (Z or +01:00)")
    return moment.astimezone(dt.UTC)


@bp.post("/campaigns/<id:campaign_id>/launch")
def launch(campaign_id: int) -> Response:
    """Launch a draft now ({"scheduled_at": null}) or at a time."""
    _require_admin()
    data = json_body() if request.data else {}
    unknown = set(data) - {"scheduled_at"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a launch field")
    session = get_session()
    campaign = _campaign(campaign_id)
    with campaign_errors():
        launch_campaign(session, g.api_user, campaign, _scheduled_at(data))
    return jsonify(campaign_resource(session, campaign, with_progress=True))


@bp.post("/campaigns/<id:campaign_id>/pause")
def pause(campaign_id: int) -> Response:
    """Pause a sending campaign."""
    return _transition(campaign_id, pause_campaign)


@bp.post("/campaigns/<id:campaign_id>/resume")
def resume(campaign_id: int) -> Response:
    """Resume a paused campaign."""
    return _transition(campaign_id, resume_campaign)


@bp.post("/campaigns/<id:campaign_id>/cancel")
def cancel(campaign_id: int) -> Response:
    """Cancel a scheduled, sending or paused campaign for good."""
    return _transition(campaign_id, cancel_campaign)


def _transition(campaign_id: int, action: Any) -> Response:
    _require_admin()
    session = get_session()
    campaign = _campaign(campaign_id)
    with campaign_errors():
        action(session, g.api_user, campaign)
    return jsonify(campaign_resource(session, campaign, with_progress=True))


@bp.get("/campaigns/<id:campaign_id>/recipients")
def recipients(campaign_id: int) -> Response:
    """The campaign's recipients in order, with their text's delivery state or why they were skipped."""
    session = get_session()
    _campaign(campaign_id)
    query = (
        select(CampaignRecipient, Contact, Message)
        .join(Contact, Contact.id == CampaignRecipient.contact_id)
        .outerjoin(Message, Message.id == CampaignRecipient.message_id)
        .where(CampaignRecipient.campaign_id == campaign_id)
        .order_by(CampaignRecipient.id)
    )
    status = request.args.get("status")
    if status is not None:
        if status not in RECIPIENT_STATUSES:
            raise invalid("status", f"must be one of {', '.join(RECIPIENT_STATUSES)}")
        query = query.where(CampaignRecipient.status == status)
    reason = request.args.get("skip_reason")
    if reason is not None:
        if reason not in SKIP_REASONS:
            raise invalid("skip_reason", f"must be one of {', '.join(SKIP_REASONS)}")
        query = query.where(CampaignRecipient.skip_reason == reason)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(CampaignRecipient.id > cursor[0])
    size = limit()
    rows = session.execute(query.limit(size + 1)).all()
    page = rows[:size]
    return jsonify(
        data=[
            {
                "contact": {"id": c.id, "phone": c.phone, "name": c.name, "opted_out": c.opted_out},
                "status": r.status,
                "skip_reason": r.skip_reason,
                "not_before": iso(r.not_before),
                "message": None
                if m is None
                else {
                    "id": m.id,
                    "status": m.status,
                    "error_code": m.error_code,
                    "error_message": m.error_message,
                    "segments": m.segments,
                    "conversation_id": m.conversation_id,
                },
            }
            for r, c, m in page
        ],
        next_cursor=encode_cursor(page[-1][0].id) if len(rows) > size else None,
    )


@bp.get("/campaigns/<id:campaign_id>/report")
def report(campaign_id: int) -> Response:
    """The campaign's funnel (targeted → sent → delivered → failed, replies, opt-outs) and its days."""
    session = get_session()
    campaign = _campaign(campaign_id)
    sender = campaign_sender(session, campaign)
    result = campaign_report(session, campaign, sender)
    session.commit()
    return jsonify(result)


# -- senders ---------------------------------------------------------------------------------------


@contextmanager
def sender_errors() -> Iterator[None]:
    """Answer a SenderError as a 4xx naming its field."""
    try:
        yield
    except SenderError as error:
        raise ApiError(
            error.status,
            error.code,
            f"{error.field}: {error.message}",
            [{"field": error.field, "message": error.message}],
        ) from None


def _sender(sender_id: int) -> Sender:
    sender = get_session().get(Sender, sender_id)
    if sender is None:
        raise not_found("sender")
    return sender


@bp.get("/senders")
def list_senders() -> Response:
    """The numbers campaigns send from, with their pace and price (the default one included)."""
    session = get_session()
    default_sender(session)
    session.commit()
    rows = session.scalars(select(Sender).order_by(Sender.id)).all()
    return jsonify(data=[sender_resource(s) for s in rows], next_cursor=None)


@bp.post("/senders")
def post_sender() -> tuple[Response, int]:
    """Add a sender."""
    _require_admin()
    with sender_errors():
        sender = create_sender(get_session(), g.api_user, json_body())
    return jsonify(sender_resource(sender)), 201


@bp.patch("/senders/<id:sender_id>")
def patch_sender(sender_id: int) -> Response:
    """Change a sender's name, address, pace or price."""
    _require_admin()
    sender = _sender(sender_id)
    with sender_errors():
        update_sender(get_session(), g.api_user, sender, json_body())
    return jsonify(sender_resource(sender))


@bp.delete("/senders/<id:sender_id>")
def remove_sender(sender_id: int) -> tuple[str, int]:
    """Delete a sender no running campaign uses."""
    _require_admin()
    with sender_errors():
        delete_sender(get_session(), g.api_user, _sender(sender_id))
    return "", 204


@bp.get("/reports/daily")
def daily_report() -> Response:
    """Texts in, texts out and opt-outs per UTC day over the last ?days= days (default 30, today included)."""
    raw = request.args.get("days", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise invalid("days", f"must be a whole number from 1 to {MAX_DAYS}")
    end = utcnow().date()
    start = end - dt.timedelta(days=int(raw) - 1)
    return jsonify(data=daily_traffic(get_session(), start, end), next_cursor=None)
