"""The campaign as the API and the campaign.updated event show it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from inbox.campaigns.progress import progress
from inbox.models import Campaign, Sender
from inbox.resources import iso


def sender_resource(sender: Sender) -> dict[str, Any]:
    """A sender with its pace and price."""
    return {
        "id": sender.id,
        "name": sender.name,
        "from_address": sender.from_address,
        "segments_per_second": sender.segments_per_second,
        "price_per_segment": sender.price_per_segment,
        "created_at": iso(sender.created_at),
    }


def campaign_resource(session: Session, campaign: Campaign, with_progress: bool = False) -> dict[str, Any]:
    """One campaign; with_progress adds its counts (a few grouped queries)."""
    data: dict[str, Any] = {
        "id": campaign.id,
        "name": campaign.name,
        "status": campaign.status,
        "list_id": campaign.list_id,
        "list_name": campaign.subscriber_list.name if campaign.subscriber_list else None,
        "segment_id": campaign.segment_id,
        "segment_filter": campaign.segment_filter,
        "template": campaign.template,
        "sender_id": campaign.sender_id,
        "sender": sender_resource(campaign.sender) if campaign.sender else None,
        "scheduled_at": iso(campaign.scheduled_at),
        "window_start": campaign.window_start,
        "window_end": campaign.window_end,
        "created_by_id": campaign.created_by_id,
        "created_at": iso(campaign.created_at),
        "updated_at": iso(campaign.updated_at),
        "launched_at": iso(campaign.launched_at),
        "queued_at": iso(campaign.queued_at),
        "completed_at": iso(campaign.completed_at),
        "cancelled_at": iso(campaign.cancelled_at),
    }
    if with_progress:
        data["progress"] = progress(session, campaign.id)
    return data
