"""Replay: what a set of rules would have done with the last N real inbound texts, beside what did happen.

Each inbound text keeps the bot's trace (the conversation state it saw and what it decided), so the
replay decides again from that same state, with the proposed bot, and compares outcomes. Nothing is
stored or sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot import Bot, ConversationState, Decision
from inbox.models import Message

MAX_REPLAY = 2000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the bot did (or would do) with one text, as far as the customer and the inbox can tell."""

    kind: str
    rule_id: int | None
    rule_name: str | None
    replies: tuple[str, ...]
    handoff: bool

    def as_json(self) -> dict[str, Any]:
        """The outcome as the API shows it."""
        return {
            "kind": self.kind,
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "replies": list(self.replies),
            "handoff": self.handoff,
        }


@dataclass(frozen=True, slots=True)
class ReplayedText:
    """One inbound text, what happened, and what would happen now."""

    message: Message
    actual: Outcome | None  # None: stored before traces were kept
    proposed: Outcome
    change: str | None


def outcome_of(decision: Decision) -> Outcome:
    """The comparable outcome of a decision."""
    match = decision.match
    return Outcome(
        str(decision.kind),
        match.rule_id if match else None,
        match.rule_name if match else None,
        decision.replies,
        decision.handoff,
    )


def _recorded(trace: dict[str, Any]) -> Outcome:
    return Outcome(
        str(trace.get("kind", "")),
        trace.get("rule_id"),
        trace.get("rule_name"),
        tuple(trace.get("replies") or ()),
        bool(trace.get("handoff")),
    )


def classify(actual: Outcome | None, proposed: Outcome) -> str | None:
    """How the proposed outcome differs from the actual one (None: the same for the customer)."""
    if actual is None:
        return None
    if bool(actual.replies) != bool(proposed.replies):
        return "newly_answered" if proposed.replies else "no_longer_answered"
    if actual.rule_id != proposed.rule_id and (actual.rule_id or proposed.rule_id):
        return "different_rule"
    if actual.kind != proposed.kind:
        return "different_rule"
    if actual.replies != proposed.replies:
        return "different_reply"
    if actual.handoff != proposed.handoff:
        return "handoff_changed"
    return None


def _state(message: Message, trace: dict[str, Any] | None) -> ConversationState:
    trace = trace or {}
    status = trace.get("status", "bot")
    return ConversationState(
        status=status if status in ("new", "bot", "pending", "open", "resolved") else "bot",
        opted_out=bool(trace.get("opted_out", False)),
        misses=int(trace.get("misses", 0) or 0),
        contact_name=trace.get("contact_name", message.contact.name),
        contact_phone=message.contact.phone,
        now=message.created_at if message.created_at.tzinfo else message.created_at.replace(tzinfo=dt.UTC),
    )


def replay(session: Session, bot: Bot, limit: int) -> list[ReplayedText]:
    """Decide the last `limit` inbound texts again with bot, newest first."""
    messages: Sequence[Message] = session.scalars(
        select(Message)
        .options(joinedload(Message.contact))
        .where(Message.direction == "inbound")
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    replayed = []
    for message in messages:
        trace = message.bot_trace if isinstance(message.bot_trace, dict) and message.bot_trace else None
        proposed = outcome_of(bot.decide(message.body, _state(message, trace)))
        actual = _recorded(trace) if trace else None
        replayed.append(ReplayedText(message, actual, proposed, classify(actual, proposed)))
    return replayed
