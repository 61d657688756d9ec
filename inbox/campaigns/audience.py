"""Who a campaign reaches: its list and/or segment, minus those it must not text, in SQL.

Marketing needs an opt-in record: a recipient must be subscribed to the campaign's list, or (for a
segment-only campaign) to at least one list. Contacts the audience selects but who opted out (STOP),
have no textable number, or hold no such subscription are counted and kept as skipped recipients with
the reason, so the preview, the recipients table and the reports all say who was left out and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, insert, literal, not_, select, true
from sqlalchemy.orm import Session

from inbox.db import UTCDateTime
from inbox.models import Campaign, CampaignRecipient, Contact, ListMembership
from inbox.segments import SegmentSyntaxError, Vocabulary, segment_condition

EXCLUSION_REASONS = ("opted_out", "invalid_number", "not_subscribed")


class AudienceProblem(ValueError):
    """The campaign's audience cannot be built (no list or segment; a segment that does not parse)."""

    def __init__(self, field: str, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class AudienceCounts:
    """How many contacts the audience selects, how many it must leave out (by reason), and the rest."""

    selected: int
    opted_out: int
    invalid_number: int
    not_subscribed: int

    @property
    def eligible(self) -> int:
        """Recipients who will be texted."""
        return self.selected - self.opted_out - self.invalid_number - self.not_subscribed

    def as_json(self) -> dict[str, Any]:
        """The counts as the API shows them."""
        return {
            "selected": self.selected,
            "eligible": self.eligible,
            "excluded": {
                "opted_out": self.opted_out,
                "invalid_number": self.invalid_number,
                "not_subscribed": self.not_subscribed,
            },
        }


def audience_condition(
    session: Session, list_id: int | None, segment_filter: str, now: dt.datetime
) -> ColumnElement[bool]:
    """The SQL condition on contacts selecting the audience (list members of any status, and the segment)."""
    parts: list[ColumnElement[bool]] = []
    if list_id is not None:
        parts.append(
            exists().where(ListMembership.contact_id == Contact.id, ListMembership.list_id == list_id)
        )
    if segment_filter.strip():
        try:
            parts.append(segment_condition(segment_filter, Vocabulary.load(session), now))
        except SegmentSyntaxError as error:
            raise AudienceProblem("segment_filter", str(error), error.line, error.column) from None
    if not parts:
        raise AudienceProblem("list_id", "choose a list or a segment to send to")
    return and_(true(), *parts)


def skip_reason(list_id: int | None) -> ColumnElement[str | None]:
    """Why a selected contact must not be texted (NULL when they may): the first reason that applies."""
    subscribed = exists().where(
        ListMembership.contact_id == Contact.id, ListMembership.status == "subscribed"
    )
    if list_id is not None:
        subscribed = subscribed.where(ListMembership.list_id == list_id)
    return case(
        (Contact.opted_out, literal("opted_out")),
        (Contact.address_kind != "e164", literal("invalid_number")),
        (not_(subscribed), literal("not_subscribed")),
        else_=None,
    )


def count_audience(
    session: Session, list_id: int | None, segment_filter: str, now: dt.datetime
) -> AudienceCounts:
    """Count the audience and its exclusions in one grouped query."""
    reason = skip_reason(list_id).label("reason")
    rows = session.execute(
        select(reason, func.count())
        .select_from(Contact)
        .where(audience_condition(session, list_id, segment_filter, now))
        .group_by(reason)
    ).all()
    by_reason = {row[0]: int(row[1]) for row in rows}
    return AudienceCounts(
        selected=sum(by_reason.values()),
        opted_out=by_reason.get("opted_out", 0),
        invalid_number=by_reason.get("invalid_number", 0),
        not_subscribed=by_reason.get("not_subscribed", 0),
    )


def queue_recipients(session: Session, campaign: Campaign, now: dt.datetime) -> int:
    """Fix the campaign's recipients in one INSERT … SELECT (eligible ones pending, the rest skipped).

    Runs once per campaign (the caller sets queued_at in the same transaction); the unique
    (campaign, contact) pair makes a repeat impossible anyway. Returns how many rows were written.
    """
    reason = skip_reason(campaign.list_id)
    selected = select(
        literal(campaign.id),
        Contact.id,
        case((reason.is_(None), literal("pending")), else_=literal("skipped")),
        reason,
        literal(now, UTCDateTime()),
    ).where(audience_condition(session, campaign.list_id, campaign.segment_filter, now))
    result = session.execute(
        insert(CampaignRecipient)
        .from_select(["campaign_id", "contact_id", "status", "skip_reason", "updated_at"], selected)
        # An INSERT's rowcount is kept only when asked for: psycopg's closed cursor would report -1.
        .execution_options(preserve_rowcount=True)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
