"""Reports: a campaign's funnel and days, and the desk's traffic per day (all counted in SQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.orm import Session

from inbox.campaigns.progress import progress
from inbox.models import Campaign, ConsentEvent, Message, Sender

MAX_DAYS = 366


def day_of(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp (SQLite stores UTC text; PostgreSQL converts to UTC first)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def campaign_report(session: Session, campaign: Campaign, sender: Sender) -> dict[str, Any]:
    """The funnel (targeted → sent → delivered → failed, replies, opt-outs caused) and the campaign's days."""
    counts = progress(session, campaign.id)
    messages = counts["messages"]
    sent = messages["sent"] + messages["delivered"] + messages["failed"]
    funnel = {
        "targeted": counts["recipients"]["total"],
        "excluded": counts["recipients"]["skipped"],
        "sent": sent,
        "delivered": messages["delivered"],
        "failed": messages["failed"],
        "replies": counts["replies"],
        "opt_outs": counts["opt_outs"],
    }
    day = day_of(session, Message.created_at).label("day")
    outbound = Message.direction == "outbound"
    rows = session.execute(
        select(
            day,
            func.sum(case((outbound & Message.status.notin_(("queued", "blocked")), 1), else_=0)),
            func.sum(case((outbound & (Message.status == "delivered"), 1), else_=0)),
            func.sum(case((outbound & Message.status.in_(("failed", "undelivered")), 1), else_=0)),
            func.sum(case((Message.direction == "inbound", 1), else_=0)),
        )
        .where(Message.campaign_id == campaign.id)
        .group_by(day)
        .order_by(day)
    ).all()
    return {
        "campaign_id": campaign.id,
        "status": campaign.status,
        "funnel": funnel,
        "recipients": counts["recipients"],
        "segments_sent": counts["segments_sent"],
        "cost": round(counts["segments_sent"] * sender.price_per_segment, 4),
        "price_per_segment": sender.price_per_segment,
        "days": [
            {
                "date": str(d),
                "sent": int(s or 0),
                "delivered": int(dl or 0),
                "failed": int(f or 0),
                "replies": int(r or 0),
            }
            for d, s, dl, f, r in rows
        ],
    }


def daily_traffic(session: Session, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per UTC day from start to end (inclusive): texts in, texts out, opt-outs (zeros on quiet days)."""
    since = dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    by_day: dict[str, dict[str, int]] = {}
    day = day_of(session, Message.created_at).label("day")
    for d, inbound, outbound in session.execute(
        select(
            day,
            func.sum(case((Message.direction == "inbound", 1), else_=0)),
            func.sum(case((Message.direction == "outbound", 1), else_=0)),
        )
        .where(Message.created_at >= since, Message.created_at < until)
        .group_by(day)
    ):
        by_day.setdefault(str(d), {})
        by_day[str(d)].update(inbound=int(inbound or 0), outbound=int(outbound or 0))
    consent_day = day_of(session, ConsentEvent.at).label("day")
    for d, opt_outs in session.execute(
        select(consent_day, func.count())
        .where(ConsentEvent.action == "opt_out", ConsentEvent.at >= since, ConsentEvent.at < until)
        .group_by(consent_day)
    ):
        by_day.setdefault(str(d), {})["opt_outs"] = int(opt_outs)
    days = []
    current = start
    while current <= end:
        values = by_day.get(current.isoformat(), {})
        days.append(
            {
                "date": current.isoformat(),
                "inbound": values.get("inbound", 0),
                "outbound": values.get("outbound", 0),
                "opt_outs": values.get("opt_outs", 0),
            }
        )
        current += dt.timedelta(days=1)
    return days
