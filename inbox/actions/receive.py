"""receive_message: one inbound text, stored, decided and answered in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import Bot, ConversationState, Decision, DecisionKind
from inbox.actions.contacts import contact_for_inbound, record_opt_in, record_opt_out
from inbox.actions.send import OPT_OUT_CONFIRMATION, can_receive_texts, send_message
from inbox.actions.subscribers import confirm_pending, join_by_keyword
from inbox.db import upsert, utcnow
from inbox.events import notify_conversation_created, notify_conversation_updated, notify_message_created
from inbox.models import ConsentEvent, Contact, Conversation, Message
from inbox.models.conversations import CURRENT
from sms.phone import Address
from sms.twilio import InboundSms

log = logging.getLogger(__name__)

# Why each reply is sent; the compliance texts come from the "system", the rest from the bot.
_PURPOSE_BY_KIND = {
    DecisionKind.OPT_OUT: OPT_OUT_CONFIRMATION,
    DecisionKind.OPT_IN: "opt_in_confirmation",
    DecisionKind.HELP: "help",
    DecisionKind.RULE: "rule",
    DecisionKind.HUMAN: "handoff_ack",
    DecisionKind.FALLBACK: "fallback",
}
# A text within this long after a campaign's text counts as a reply to that campaign.
CAMPAIGN_REPLY_WINDOW = dt.timedelta(days=3)
_SYSTEM_KINDS = {DecisionKind.OPT_OUT, DecisionKind.OPT_IN, DecisionKind.HELP}


@dataclass
class ReceiveResult:
    """What happened to one inbound text."""

    message: Message | None
    duplicate: bool = False
    decision: Decision | None = None
    replies: list[Message] = field(default_factory=list)


def current_conversation(session: Session, contact: Contact) -> tuple[Conversation, bool]:
    """The contact's conversation that is not resolved, opening one when there is none (race-free)."""
    opened = session.scalar(
        upsert(session, Conversation)
        .values(contact_id=contact.id, status="bot")
        .on_conflict_do_nothing(index_elements=[Conversation.contact_id], index_where=CURRENT)
        .returning(Conversation.id)
    )
    conversation = session.scalars(
        select(Conversation).where(Conversation.contact_id == contact.id, Conversation.status != "resolved")
    ).one()
    return conversation, opened is not None


def conversation_for_inbound(
    session: Session, contact: Contact, now: dt.datetime
) -> tuple[Conversation, bool]:
    """The contact's current conversation, opened if there is none and bumped (unread, last activity).

    One upsert on the partial unique index (one non-resolved conversation per contact), so concurrent
    first texts share a conversation. It is new exactly when its created_at is the one we offered.
    """
    stmt = upsert(session, Conversation).values(
        contact_id=contact.id,
        status="bot",
        created_at=now,
        updated_at=now,
        last_message_at=now,
        unread_count=1,
        bot_misses=0,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Conversation.contact_id],
        # Literal SQL, not a bound parameter: once psycopg prepares the statement (after 5 runs),
        # PostgreSQL's generic plan cannot match a parameter to the partial index's predicate.
        index_where=CURRENT,
        set_={
            "last_message_at": now,
            "updated_at": now,
            "unread_count": Conversation.unread_count + 1,
        },
    )
    conversation = session.scalars(
        stmt.returning(Conversation), execution_options={"populate_existing": True}
    ).one()
    return conversation, conversation.created_at == now


def receive_message(session: Session, inbound: InboundSms, sender: Address, bot: Bot) -> ReceiveResult:
    """Store an inbound text idempotently (on MessageSid), let the bot decide, queue any replies; commits."""
    now = utcnow()
    contact = contact_for_inbound(session, sender, now)
    conversation, conversation_is_new = conversation_for_inbound(session, contact, now)
    state = ConversationState(
        status="new" if conversation_is_new else conversation.status,  # type: ignore[arg-type]
        opted_out=contact.opted_out,
        misses=conversation.bot_misses,
        contact_name=contact.name,
        contact_phone=contact.phone,
        now=now,
    )
    # Decided before the INSERT so the trace rides along in it (no second statement for it); a replayed
    # MessageSid throws the decision away with everything else.
    decision = None if inbound.opt_out_type else bot.decide(inbound.body, state)
    message = Message(
        conversation=conversation,
        contact=contact,
        direction="inbound",
        sender="contact",
        purpose="inbound",
        body=inbound.body,
        media=[{"url": m.url, "content_type": m.content_type} for m in inbound.media],
        status="received",
        provider_sid=inbound.message_sid,
        created_at=now,
        bot_trace=bot_trace(state, decision) if decision is not None else None,
        campaign_id=campaign_replied_to(contact, now),
    )
    session.add(message)
    try:
        session.flush()
    except IntegrityError:
        # A replay: this MessageSid is stored already (or a concurrent request is storing it).
        # Everything this transaction did is undone, so the replay changes nothing.
        session.rollback()
        return ReceiveResult(message=None, duplicate=True)

    if conversation_is_new:
        notify_conversation_created(session, conversation)
    notify_message_created(session, message)
    notify_conversation_updated(session, conversation)

    if inbound.opt_out_type or decision is None:  # Twilio's Advanced Opt-Out answered already
        _apply_twilio_opt_out_type(session, contact, message, inbound.opt_out_type or "")
        session.commit()
        return ReceiveResult(message=message)

    replies = _apply_decision(session, conversation, message, decision)
    session.commit()
    return ReceiveResult(message=message, decision=decision, replies=replies)


def campaign_replied_to(contact: Contact, now: dt.datetime) -> int | None:
    """The campaign this text answers: the last one that texted the contact, if within the reply window."""
    if contact.last_campaign_id is None or contact.last_campaign_at is None:
        return None
    return contact.last_campaign_id if now - contact.last_campaign_at <= CAMPAIGN_REPLY_WINDOW else None


def bot_trace(state: ConversationState, decision: Decision) -> dict[str, Any]:
    """What the bot saw and decided for one inbound text, kept with it for replays of changed rules."""
    return {
        "status": state.status,
        "opted_out": state.opted_out,
        "misses": state.misses,
        "contact_name": state.contact_name,
        "kind": str(decision.kind),
        "rule_id": decision.match.rule_id if decision.match else None,
        "rule_name": decision.match.rule_name if decision.match else None,
        "replies": list(decision.replies),
        "handoff": decision.handoff,
    }


def _apply_twilio_opt_out_type(session: Session, contact: Contact, message: Message, kind: str) -> None:
    """Twilio's Advanced Opt-Out already answered: record the change, send nothing."""
    if kind.upper() == "STOP":
        record_opt_out(session, contact, "keyword", message, note="answered by Twilio Advanced Opt-Out")
    elif kind.upper() == "START":
        record_opt_in(session, contact, "keyword", message, note="answered by Twilio Advanced Opt-Out")


def _apply_decision(
    session: Session, conversation: Conversation, message: Message, decision: Decision
) -> list[Message]:
    """Carry out the bot's decision: list joins and confirmations, consent, hand-off, miss count, replies."""
    contact = conversation.contact
    if decision.confirms:
        # Only a YES gets here, so only a YES costs the look for a pending membership.
        confirmed = confirm_pending(session, conversation, decision)
        if confirmed is not None:
            notify_conversation_updated(session, conversation)
            return confirmed
    if decision.kind is DecisionKind.SUBSCRIBE:
        conversation.bot_misses = decision.misses
        joined = join_by_keyword(session, conversation, message, decision)
        notify_conversation_updated(session, conversation)
        return joined
    consent_event: ConsentEvent | None = None
    if decision.consent == "opt_out":
        consent_event = record_opt_out(session, contact, decision.consent_source or "keyword", message)
        if consent_event is None:
            return []  # already opted out: nothing after the one confirmation
    elif decision.consent == "opt_in":
        record_opt_in(session, contact, decision.consent_source or "keyword", message)

    if decision.kind in (DecisionKind.RULE, DecisionKind.FALLBACK, DecisionKind.HUMAN):
        conversation.bot_misses = decision.misses
    if decision.handoff and conversation.status == "bot":
        conversation.status = "pending"
        log.info("conversation %s handed off (%s)", conversation.id, decision.kind)

    sender = "system" if decision.kind in _SYSTEM_KINDS else "bot"
    purpose = _PURPOSE_BY_KIND.get(decision.kind, "bot")
    replies: list[Message] = []
    if not can_receive_texts(contact):
        # A sender ID (a bank's alerts, a VERIFY code) cannot be answered: the text stays in the inbox.
        notify_conversation_updated(session, conversation)
        return replies
    for index, body in enumerate(decision.replies):
        if not body.strip():
            continue
        is_ack = decision.handoff and index == len(decision.replies) - 1
        replies.append(
            send_message(
                session,
                conversation=conversation,
                body=body[:1600],
                sender=sender,
                purpose="handoff_ack" if is_ack else purpose,
                consent_event=consent_event,
            )
        )
    notify_conversation_updated(session, conversation)
    return replies
