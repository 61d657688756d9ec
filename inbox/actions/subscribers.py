"""Subscriber lists and memberships: joining (keyword, YES, web form, API), leaving, the welcome text.

Every membership is its own opt-in record: how (source), where from (source_detail), when it was asked
for (joined_at), when it was confirmed (confirmed_at) and when it ended (left_at). Joining texts the
contact in their own conversation through send_message, so every text shows in the inbox and passes
the opt-out guard.

STOP opts a contact out of everything and leaves their memberships as they are: the send guard
blocks every text to an opted-out contact, and should they opt back in (START, or a join keyword)
their lists are what they were. A join keyword from an opted-out contact is an explicit request:
it records an opt-in on the consent ledger, naming the list, and joins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import BotSettings, Decision
from bot.rules import SubscriptionTexts
from bot.templates import attribute_variables
from bot.validation import reply_problems
from inbox.actions.changes import record_change
from inbox.actions.contacts import get_or_create_contact, record_opt_in
from inbox.actions.send import MAX_BODY_CHARS, can_receive_texts, send_message
from inbox.botconfig import bump_version, subscribe_list
from inbox.campaigns.render import Renderer
from inbox.db import upsert, utcnow
from inbox.events import notify_conversation_created, notify_conversation_updated
from inbox.models import (
    AttributeDefinition,
    Contact,
    Conversation,
    KeywordRule,
    ListMembership,
    Message,
    SubscriberList,
    User,
)
from sms.phone import Address, InvalidAddress, normalize_address, normalize_recipient

# Why each text of joining is sent (Message.purpose); the agent-held YES check reads CONFIRM_REQUEST.
CONFIRMATION = "list_confirmation"
CONFIRM_REQUEST = "list_confirm_request"
WELCOME = "list_welcome"
# A YES confirms memberships asked for within this long; an older pending one must be asked for again.
CONFIRM_WINDOW = dt.timedelta(days=30)
AGENT_STATUSES = ("pending", "open")

MAX_LIST_NAME = 80
MAX_DESCRIPTION = 2000
MAX_FREQUENCY = 80
MAX_SLUG = 60
MAX_DETAIL = 500
SLUG_PATTERN = r"^([a-z0-9]+(-[a-z0-9]+)*)?$"  # "" (like null) means no slug
_SLUG_RE = re.compile(SLUG_PATTERN)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
LIST_FIELDS = (
    "name",
    "description",
    "frequency",
    "double_opt_in",
    "slug",
    "signup_enabled",
    "welcome_text",
)

JoinOutcome = Literal["subscribed", "pending", "already"]


class InvalidList(ValueError):
    """A list definition (or a membership request) with a problem in one field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateList(ValueError):
    """Another list already has this name or slug."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"another list already has the {field} {value!r}")
        self.field = field
        self.message = str(self)


class ContactOptedOut(ValueError):
    """The contact opted out: only they can opt back in (START, or the list's join keyword)."""


@dataclass(frozen=True, slots=True)
class JoinResult:
    """What a join did: the membership, what became of it, and the texts queued."""

    membership: ListMembership
    outcome: JoinOutcome
    texts: list[Message]


# ---- lists -----------------------------------------------------------------------------------------


def check_list_values(
    values: Mapping[str, Any], settings: BotSettings, attribute_keys: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A list's fields, cleaned (names trimmed, an empty slug as none); InvalidList on the first problem.

    The welcome text is a template like a rule's reply, which may also use the contact's custom
    attributes ({{ contact.<key> }} for each key in attribute_keys).
    """
    cleaned = dict(values)
    for field, most in (
        ("name", MAX_LIST_NAME),
        ("description", MAX_DESCRIPTION),
        ("frequency", MAX_FREQUENCY),
    ):
        if len(str(values.get(field) or "")) > most:
            raise InvalidList(field, f"must be at most {most} characters")
    name = " ".join(str(values.get("name") or "").split())  # one line: it is shown in lists and texts
    if not name:
        raise InvalidList("name", "a name is required")
    cleaned["name"] = name
    cleaned["description"] = str(values.get("description") or "")
    cleaned["frequency"] = " ".join(str(values.get("frequency") or "").split())
    for field in ("name", "frequency"):
        if _CONTROL_RE.search(cleaned[field]):
            raise InvalidList(field, "must not contain control characters")
    slug = values.get("slug") or None
    if slug is not None:
        slug = str(slug)
        if len(slug) > MAX_SLUG or not _SLUG_RE.fullmatch(slug):
            raise InvalidList(
                "slug",
                f"lower-case letters, digits and single hyphens between them, at most {MAX_SLUG} characters",
            )
    cleaned["slug"] = slug
    if values.get("signup_enabled") and slug is None:
        raise InvalidList("signup_enabled", "a sign-up form needs a slug (its address is /join/<slug>)")
    welcome = str(values.get("welcome_text") or "")
    if len(welcome) > MAX_BODY_CHARS:
        raise InvalidList("welcome_text", f"must be at most {MAX_BODY_CHARS} characters")
    cleaned["welcome_text"] = welcome
    problems = reply_problems(welcome, settings, "the welcome text", attribute_variables(attribute_keys))
    if problems:
        raise InvalidList("welcome_text", problems[0])
    return cleaned


def _attribute_keys(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(AttributeDefinition.key)))


def _check_unique(session: Session, values: Mapping[str, Any], list_id: int | None) -> None:
    """Names are unique ignoring case (segments name lists that way); slugs are unique."""
    others = select(SubscriberList.id).where(SubscriberList.id != (list_id or 0))
    if session.scalar(others.where(func.lower(SubscriberList.name) == values["name"].lower())) is not None:
        raise DuplicateList("name", values["name"])
    slug = values.get("slug")
    if slug is not None and session.scalar(others.where(SubscriberList.slug == slug)) is not None:
        raise DuplicateList("slug", slug)


def _commit_list(session: Session, values: Mapping[str, Any]) -> None:
    """Commit, turning a concurrent duplicate (the unique constraints) into DuplicateList."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise DuplicateList("name or slug", str(values.get("name"))) from None


def create_list(session: Session, values: Mapping[str, Any], settings: BotSettings) -> SubscriberList:
    """Validate and store a new list. Commits."""
    cleaned = check_list_values(values, settings, _attribute_keys(session))
    _check_unique(session, cleaned, None)
    row = SubscriberList(
        name=cleaned["name"],
        description=cleaned.get("description") or "",
        frequency=cleaned["frequency"],
        double_opt_in=bool(cleaned.get("double_opt_in")),
        slug=cleaned["slug"],
        signup_enabled=bool(cleaned.get("signup_enabled")),
        welcome_text=cleaned.get("welcome_text") or "",
    )
    session.add(row)
    _commit_list(session, cleaned)
    return row


def list_values(row: SubscriberList) -> dict[str, Any]:
    """A stored list's editable fields."""
    return {name: getattr(row, name) for name in LIST_FIELDS}


def update_list(
    session: Session, row: SubscriberList, changes: Mapping[str, Any], settings: BotSettings
) -> SubscriberList:
    """Validate the list as it would be after the changes, then apply them. Commits.

    The bot version moves with it: the confirmation a keyword sends says the list's name and frequency.
    """
    cleaned = check_list_values({**list_values(row), **changes}, settings, _attribute_keys(session))
    _check_unique(session, cleaned, row.id)
    for name in LIST_FIELDS:
        if name in changes:
            setattr(row, name, cleaned[name])
    bump_version(session)
    _commit_list(session, cleaned)
    return row


def delete_list(session: Session, row: SubscriberList, user: User | None = None) -> list[KeywordRule]:
    """Delete a list and its memberships. Commits; returns the keyword rules that joined it.

    Those rules are disabled and lose their list (each change is in the rule's history), so no keyword
    ever answers "you're subscribed" to a list that no longer exists; the admin picks a new list and
    enables them again.
    """
    rules = list(session.scalars(select(KeywordRule).where(KeywordRule.list_id == row.id)))
    for rule in rules:
        before = _rule_state(rule)
        rule.enabled = False
        rule.list_id = None
        record_change(session, user, "rule", "updated", rule.name, before, _rule_state(rule), rule.id)
    # In bulk: through the relationship the ORM would first try to null each membership's list_id.
    session.execute(delete(ListMembership).where(ListMembership.list_id == row.id))
    session.delete(row)
    bump_version(session)
    session.commit()
    return rules


def _rule_state(rule: KeywordRule) -> dict[str, Any]:
    from inbox.actions.rules import current_values  # rules imports botconfig; kept local to stay acyclic

    return current_values(rule)


# ---- addresses and contacts -----------------------------------------------------------------------


def subscriber_address(raw: str, default_region: str) -> Address:
    """A number a list can text: a possible phone number in E.164 (no short codes or sender names)."""
    value = normalize_recipient(raw, default_region)
    address = normalize_address(value, default_region)
    if address.kind != "e164":
        raise InvalidAddress(f"{value} is a short code, not a mobile number")
    return address


def conversation_of(session: Session, contact: Contact) -> Conversation:
    """The contact's current conversation, opened (and announced) when there is none."""
    from inbox.actions.receive import current_conversation  # receive calls this module: import late

    conversation, opened = current_conversation(session, contact)
    if opened:
        notify_conversation_created(session, conversation)
    return conversation


# ---- memberships -----------------------------------------------------------------------------------


def _membership(session: Session, joined: SubscriberList, contact: Contact) -> ListMembership | None:
    return session.scalar(
        select(ListMembership).where(
            ListMembership.list_id == joined.id, ListMembership.contact_id == contact.id
        )
    )


def _join(
    session: Session,
    joined: SubscriberList,
    contact: Contact,
    wanted: Literal["subscribed", "pending"],
    source: str,
    detail: str,
) -> tuple[ListMembership, JoinOutcome]:
    """Make the contact a member (subscribed or pending); race-free on the (list, contact) unique key.

    A subscribed membership stays as it is ("already"). Anything else becomes a new opt-in record:
    source, detail and joined_at are this request's.
    """
    now = utcnow()
    inserted = session.scalar(
        upsert(session, ListMembership)
        .values(
            list_id=joined.id,
            contact_id=contact.id,
            status=wanted,
            source=source,
            source_detail=detail[:MAX_DETAIL],
            joined_at=now,
            confirmed_at=now if wanted == "subscribed" else None,
        )
        .on_conflict_do_nothing(index_elements=[ListMembership.list_id, ListMembership.contact_id])
        .returning(ListMembership.id)
    )
    membership = session.scalars(
        select(ListMembership)
        .where(ListMembership.list_id == joined.id, ListMembership.contact_id == contact.id)
        .execution_options(populate_existing=True)
    ).one()
    if inserted is not None:
        return membership, wanted
    if membership.status == "subscribed":
        return membership, "already"
    membership.status = wanted
    membership.source = source
    membership.source_detail = detail[:MAX_DETAIL]
    membership.joined_at = now
    membership.confirmed_at = now if wanted == "subscribed" else None
    membership.left_at = None
    return membership, wanted


def _send(session: Session, conversation: Conversation, body: str, purpose: str) -> Message:
    return send_message(
        session, conversation=conversation, body=body[:MAX_BODY_CHARS], sender="system", purpose=purpose
    )


def welcome_text(session: Session, joined: SubscriberList, contact: Contact, texts: SubscriptionTexts) -> str:
    """The list's welcome text rendered for the contact, custom attributes too ("" when there is none)."""
    if not joined.welcome_text.strip():
        return ""
    renderer = Renderer(joined.welcome_text, texts.brand, texts.support, _attribute_keys(session))
    return renderer.render(contact).strip()


def _welcome(
    session: Session,
    conversation: Conversation,
    joined: SubscriberList,
    contact: Contact,
    texts: SubscriptionTexts,
) -> list[Message]:
    body = welcome_text(session, joined, contact, texts)
    return [_send(session, conversation, body, WELCOME)] if body else []


def join_by_keyword(
    session: Session, conversation: Conversation, message: Message, decision: Decision
) -> list[Message]:
    """A subscribe keyword: opt back in when opted out (ledger note names the list), join, text. No commit.

    Single opt-in: subscribed, the confirmation, then the welcome text. Double opt-in: pending, and the
    request for a YES. Already subscribed: the confirmation again as a reminder, nothing else.
    """
    contact = conversation.contact
    asked = decision.subscribe
    texts = decision.texts
    if asked is None or texts is None or not can_receive_texts(contact):
        return []
    joined = session.get(SubscriberList, asked.id)
    if joined is None:
        return []  # deleted after this process compiled its bot: nothing to join
    if decision.consent == "opt_in":
        note = f"texted {message.body.strip()[:100]!r} to join the list {joined.name!r}"
        record_opt_in(session, contact, decision.consent_source or "keyword", message, note=note)
    wanted: Literal["subscribed", "pending"] = "pending" if joined.double_opt_in else "subscribed"
    _membership_row, outcome = _join(
        session, joined, contact, wanted, "keyword", message.body.strip() or asked.name
    )
    facts = subscribe_list(joined)
    if outcome == "pending":
        return [_send(session, conversation, texts.confirm_request(facts), CONFIRM_REQUEST)]
    sent = [_send(session, conversation, texts.subscribed(facts), CONFIRMATION)]
    if outcome == "subscribed":
        sent.extend(_welcome(session, conversation, joined, contact, texts))
    return sent


def confirm_pending(session: Session, conversation: Conversation, decision: Decision) -> list[Message] | None:
    """A YES: confirm the contact's pending memberships (asked for within CONFIRM_WINDOW). No commit.

    None when there is nothing to confirm, so the text takes the bot's normal path. In a conversation an
    agent has, a YES confirms only when our last text there was the request for it: a "yes" that answers
    the agent's own question never subscribes anyone.
    """
    contact = conversation.contact
    texts = decision.texts
    if texts is None or contact.opted_out or not can_receive_texts(contact):
        return None
    now = utcnow()
    rows = session.execute(
        select(ListMembership, SubscriberList)
        .join(SubscriberList, SubscriberList.id == ListMembership.list_id)
        .where(
            ListMembership.contact_id == contact.id,
            ListMembership.status == "pending",
            ListMembership.joined_at >= now - CONFIRM_WINDOW,
        )
        .order_by(ListMembership.joined_at, ListMembership.id)
    ).all()
    if not rows:
        return None
    if conversation.status in AGENT_STATUSES:
        last_purpose = session.scalar(
            select(Message.purpose)
            .where(Message.conversation_id == conversation.id, Message.direction == "outbound")
            .order_by(Message.id.desc())
            .limit(1)
        )
        if last_purpose != CONFIRM_REQUEST:
            return None
    sent: list[Message] = []
    for membership, joined in rows:
        membership.status = "subscribed"
        membership.confirmed_at = now
        sent.append(_send(session, conversation, texts.subscribed(subscribe_list(joined)), CONFIRMATION))
        sent.extend(_welcome(session, conversation, joined, contact, texts))
    if conversation.status == "bot":
        conversation.bot_misses = 0  # answered: not a miss
    return sent


def add_member(
    session: Session,
    joined: SubscriberList,
    address: Address,
    name: str | None,
    source: Literal["api", "admin"],
    detail: str,
    texts: SubscriptionTexts,
) -> JoinResult:
    """Subscribe a number on a caller's word that it consented (API, admin): subscribed now. Commits.

    The contact is created when new (and named when a name is given). An opted-out contact raises
    ContactOptedOut: nobody but the contact can take back an opt-out. A new subscription gets the
    list's welcome text.
    """
    contact = get_or_create_contact(session, address)
    if contact.opted_out:
        session.rollback()
        raise ContactOptedOut(
            f"{contact.phone} opted out (replied STOP): they must text START or the list's join keyword "
            "themselves to be subscribed again"
        )
    if name is not None and name.strip():
        contact.name = " ".join(name.split())
    membership, outcome = _join(session, joined, contact, "subscribed", source, detail)
    sent: list[Message] = []
    if outcome == "subscribed":
        sent = _welcome(session, conversation_of(session, contact), joined, contact, texts)
    session.commit()
    return JoinResult(membership, outcome, sent)


def remove_member(session: Session, membership: ListMembership) -> ListMembership:
    """End a membership: unsubscribed, with when (left_at). Leaving twice changes nothing. Commits."""
    if membership.status != "unsubscribed":
        membership.status = "unsubscribed"
        membership.left_at = utcnow()
    session.commit()
    return membership


SignupOutcome = Literal["pending", "already", "opted_out"]


def sign_up(
    session: Session, joined: SubscriberList, address: Address, detail: str, texts: SubscriptionTexts
) -> SignupOutcome:
    """A web sign-up: a pending membership and the request for a YES. Commits.

    A web form cannot prove the number belongs to whoever typed it, so the membership waits for the
    YES from the phone itself, whatever the list's double_opt_in says. An opted-out number gets nothing
    (its owner must text START first); a subscribed one stays as it is, and nothing is sent.
    """
    contact = get_or_create_contact(session, address)
    if contact.opted_out:
        session.commit()
        return "opted_out"
    existing = _membership(session, joined, contact)
    if existing is not None and existing.status == "subscribed":
        session.commit()
        return "already"
    _join(session, joined, contact, "pending", "web_form", detail)
    conversation = conversation_of(session, contact)
    _send(session, conversation, texts.confirm_request(subscribe_list(joined)), CONFIRM_REQUEST)
    notify_conversation_updated(session, conversation)
    session.commit()
    return "pending"


def membership_for(session: Session, list_id: int, contact_id: int) -> ListMembership | None:
    """One contact's membership of one list, if any."""
    return session.scalar(
        select(ListMembership).where(
            ListMembership.list_id == list_id, ListMembership.contact_id == contact_id
        )
    )
