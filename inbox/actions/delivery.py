"""Delivery: recording what the provider said about an outbound text, forward moves only."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from inbox.actions.contacts import record_opt_out
from inbox.db import utcnow
from inbox.events import notify_message_updated
from inbox.models import EarlyStatusReport, Message

log = logging.getLogger(__name__)

OPTED_OUT_ERROR = 21610  # Twilio: the recipient replied STOP at the carrier level

# Twilio's statuses folded into ours, with their rank: a status may only move to a higher rank.
_STATUS_MAP = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}
_RANK = {"queued": 1, "sending": 2, "sent": 3, "delivered": 4, "undelivered": 4, "failed": 4, "blocked": 4}

# Twilio error codes in words, for people reading a failed message.
ERROR_TEXTS = {
    21211: "Invalid 'To' phone number",
    21408: "Sending to this region is not enabled",
    21610: "The recipient has opted out (replied STOP)",
    21612: "This number cannot be reached from our sender",
    21614: "The 'To' number is not a mobile number",
    21617: "The message body is too long",
    30003: "Unreachable handset (off or out of coverage)",
    30004: "Message blocked by the recipient or their carrier",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Filtered by the carrier as spam",
    30008: "Unknown error from the carrier",
}


def _rank(column: Any) -> Any:
    """The rank of a status column, in SQL."""
    return case(_RANK, value=column, else_=0)


def update_delivery_status(
    session: Session,
    provider_sid: str,
    twilio_status: str,
    error_code: int | None = None,
    error_message: str | None = None,
) -> Message | None:
    """Apply a delivery status report; returns the message, or None for an unknown sid. Commits."""
    status = _STATUS_MAP.get(twilio_status.lower())
    if status is None:
        log.info("unknown status %r for %s ignored", twilio_status, provider_sid)
        return None
    now = utcnow()
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if status in ("sent", "delivered"):
        values["sent_at"] = func.coalesce(Message.sent_at, now)
    if status == "delivered":
        values["delivered_at"] = now
    if error_code is not None:
        values["error_code"] = error_code
        values["error_message"] = error_message or ERROR_TEXTS.get(error_code) or None
    # The common case in one round trip: a forward move of a message we sent.
    forward = (
        update(Message)
        .where(
            Message.provider_sid == provider_sid,
            Message.direction == "outbound",
            _rank(Message.status) < _RANK[status],
        )
        .values(values)
        .returning(Message)
    )
    message = session.scalars(forward, execution_options={"populate_existing": True}).one_or_none()
    if message is None:
        message = session.scalar(
            select(Message).where(Message.provider_sid == provider_sid, Message.direction == "outbound")
        )
        if message is None:
            # Either not ours, or the callback overtook the create call's answer: keep it for a while.
            log.info("status %s for unknown MessageSid %s kept aside", twilio_status, provider_sid)
            session.add(
                EarlyStatusReport(
                    provider_sid=provider_sid[:64],
                    status=twilio_status[:16],
                    error_code=error_code,
                    error_message=error_message,
                )
            )
            session.commit()
            # The outbox may have recorded this sid between our lookup and our commit.
            if session.scalar(select(Message.id).where(Message.provider_sid == provider_sid)) is not None:
                replay_early_reports(session, [provider_sid])
                return session.scalar(select(Message).where(Message.provider_sid == provider_sid))
            session.commit()
            return None
        if error_code is None or message.error_code == error_code:
            session.rollback()  # a late or repeated report: nothing changes
            return message
        message.error_code = error_code  # a late report that still tells us why it failed
        message.error_message = error_message or ERROR_TEXTS.get(error_code) or message.error_message
    if error_code == OPTED_OUT_ERROR:
        record_opt_out(session, message.contact, "carrier_21610", message, note="status callback error 21610")
    notify_message_updated(session, message)
    session.commit()
    return message


def replay_early_reports(session: Session, provider_sids: list[str]) -> None:
    """Apply status reports that arrived before we knew these sids were ours. Commits.

    Called by the outbox after it records sids and by the status webhook after it keeps a report
    aside: whichever commits second sees the other's row, so no report is lost to the race.
    """
    reports = session.scalars(
        select(EarlyStatusReport)
        .where(EarlyStatusReport.provider_sid.in_(provider_sids))
        .order_by(EarlyStatusReport.id)
    ).all()
    if not reports:
        session.commit()
        return
    for report in reports:
        session.delete(report)
    session.commit()
    for report in reports:
        update_delivery_status(
            session, report.provider_sid, report.status, report.error_code, report.error_message
        )
