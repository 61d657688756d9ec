"""Where a campaign stands: its recipients by state, its texts by delivery state, replies and opt-outs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import CampaignRecipient, ConsentEvent, Message
from inbox.models.campaigns import SKIP_REASONS

# Delivery states as the funnel shows them: handed over but not yet confirmed count as "sent".
_SENT_STATES = {"sending": "sent", "sent": "sent", "delivered": "delivered", "undelivered": "failed"}


def progress(session: Session, campaign_id: int) -> dict[str, Any]:
    """The campaign's counts (a few grouped queries, whatever its size)."""
    recipients = {"pending": 0, "sent": 0, "skipped": 0}
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    for status, reason, count in session.execute(
        select(CampaignRecipient.status, CampaignRecipient.skip_reason, func.count())
        .where(CampaignRecipient.campaign_id == campaign_id)
        .group_by(CampaignRecipient.status, CampaignRecipient.skip_reason)
    ):
        recipients[status] = recipients.get(status, 0) + count
        if status == "skipped" and reason:
            skipped[reason] = skipped.get(reason, 0) + count
    delivery = {"queued": 0, "sent": 0, "delivered": 0, "failed": 0, "blocked": 0}
    segments = 0
    for status, count, segment_sum in session.execute(
        select(Message.status, func.count(), func.coalesce(func.sum(Message.segments), 0))
        .where(Message.campaign_id == campaign_id, Message.direction == "outbound")
        .group_by(Message.status)
    ):
        key = _SENT_STATES.get(status, status)
        delivery[key] = delivery.get(key, 0) + count
        if status not in ("queued", "blocked", "failed"):
            segments += int(segment_sum)
    replies = session.scalar(
        select(func.count()).where(Message.campaign_id == campaign_id, Message.direction == "inbound")
    )
    opt_outs = session.scalar(
        select(func.count(ConsentEvent.id))
        .join(Message, Message.id == ConsentEvent.message_id)
        .where(
            ConsentEvent.action == "opt_out",
            Message.campaign_id == campaign_id,
            Message.direction == "inbound",
        )
    )
    total = sum(recipients.values())
    return {
        "recipients": {"total": total, **recipients, "skipped_by_reason": skipped},
        "messages": delivery,
        "segments_sent": segments,
        "replies": int(replies or 0),
        "opt_outs": int(opt_outs or 0),
    }
