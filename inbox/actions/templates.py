"""Message templates for triggered texts (POST /api/v1/messages with a template name), and their send rules.

A template is transactional (an order confirmation, a delivery update: it goes now, to anyone who has not
opted out) or marketing (it needs a subscription to one of the desk's lists, and waits for the recipient's
quiet hours to end). Besides the contact's variables a template may name its own ({{ order_id }}), which
the caller must supply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot import BotSettings
from bot.templates import (
    VARIABLES,
    TemplateContext,
    attribute_variables,
    render,
    validate_template,
    variables_used,
)
from inbox.actions.changes import record_change
from inbox.actions.contacts import get_or_create_contact
from inbox.actions.receive import current_conversation
from inbox.actions.send import MAX_BODY_CHARS, send_message
from inbox.campaigns.quiet_hours import SendWindow, next_send_time, recipient_zones, zone
from inbox.campaigns.render import attribute_texts
from inbox.db import utcnow
from inbox.events import notify_conversation_created
from inbox.models import AttributeDefinition, Contact, ListMembership, Message, MessageTemplate, User
from inbox.models.campaigns import TEMPLATE_KINDS
from sms.phone import Address

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
CALLER_VARIABLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
MAX_VARIABLE_TEXT = 500
MARKETING_WINDOW = SendWindow.parse("09:00", "20:00")


class TemplateError(ValueError):
    """A template request that cannot be carried out: which field and why."""

    def __init__(self, field: str, message: str, status: int = 422, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code


def caller_variables(body: str) -> list[str]:
    """The variables a template expects from the caller: bare names that are not the desk's own."""
    return [name for name in variables_used(body) if "." not in name and name not in VARIABLES]


def allowed_variables(session: Session, body: str) -> frozenset[str]:
    """Everything a template body may name: the contact's attributes and its own caller variables."""
    keys = session.scalars(select(AttributeDefinition.key)).all()
    return attribute_variables(keys) | {n for n in caller_variables(body) if CALLER_VARIABLE_RE.match(n)}


def _checked(session: Session, data: Mapping[str, Any], template: MessageTemplate | None) -> dict[str, Any]:
    unknown = set(data) - {"name", "body", "kind"}
    if unknown:
        raise TemplateError(sorted(unknown)[0], "is not a template field")
    values: dict[str, Any] = {}
    if "name" in data or template is None:
        name = data.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise TemplateError(
                "name",
                "must be 1 to 80 characters: lower-case letters, digits, and _ . - (e.g. order_shipped)",
            )
        clash = session.scalar(select(MessageTemplate.id).where(MessageTemplate.name == name))
        if clash is not None and (template is None or clash != template.id):
            raise TemplateError("name", "another template has this name", 409, "duplicate")
        values["name"] = name
    if "body" in data or template is None:
        body = data.get("body")
        if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY_CHARS:
            raise TemplateError("body", f"must be 1 to {MAX_BODY_CHARS} characters")
        problems = validate_template(body, allowed_variables(session, body))
        if problems:
            raise TemplateError("body", "; ".join(problems))
        values["body"] = body
    if "kind" in data:
        if data["kind"] not in TEMPLATE_KINDS:
            raise TemplateError("kind", f"must be one of {', '.join(TEMPLATE_KINDS)}")
        values["kind"] = data["kind"]
    return values


def _snapshot(template: MessageTemplate) -> dict[str, Any]:
    return {"name": template.name, "body": template.body, "kind": template.kind}


def create_template(session: Session, user: User | None, data: Mapping[str, Any]) -> MessageTemplate:
    """Add a template; commits."""
    template = MessageTemplate(**_checked(session, data, None))
    session.add(template)
    session.flush()
    record_change(
        session, user, "template", "created", template.name, None, _snapshot(template), subject_id=template.id
    )
    session.commit()
    return template


def update_template(
    session: Session, user: User | None, template: MessageTemplate, data: Mapping[str, Any]
) -> MessageTemplate:
    """Change a template (the next send uses it); commits."""
    before = _snapshot(template)
    for key, value in _checked(session, data, template).items():
        setattr(template, key, value)
    if _snapshot(template) != before:
        record_change(
            session,
            user,
            "template",
            "updated",
            template.name,
            before,
            _snapshot(template),
            subject_id=template.id,
        )
    session.commit()
    return template


def delete_template(session: Session, user: User | None, template: MessageTemplate) -> None:
    """Delete a template; commits."""
    record_change(
        session, user, "template", "deleted", template.name, _snapshot(template), None, subject_id=template.id
    )
    session.delete(template)
    session.commit()


@dataclass(frozen=True, slots=True)
class Triggered:
    """A template rendered for one contact, and when it may go out."""

    body: str
    purpose: str
    not_before: dt.datetime | None  # marketing outside the recipient's window: the window's opening


def render_for(
    session: Session,
    template: MessageTemplate,
    contact: Contact,
    given: Mapping[str, Any],
    settings: BotSettings,
    now: dt.datetime,
) -> Triggered:
    """Check the caller's variables and the template kind's rules for this contact; the text to send."""
    expected = caller_variables(template.body)
    for name, value in given.items():
        if name not in expected:
            raise TemplateError(f"variables.{name}", f"template {template.name!r} does not use it")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TemplateError(f"variables.{name}", "must be a string or a number")
        if len(str(value)) > MAX_VARIABLE_TEXT:
            raise TemplateError(f"variables.{name}", f"must be at most {MAX_VARIABLE_TEXT} characters")
    missing = [name for name in expected if name not in given]
    if missing:
        raise TemplateError(f"variables.{missing[0]}", f"template {template.name!r} needs it")
    keys = session.scalars(select(AttributeDefinition.key)).all()
    context = TemplateContext(
        contact_name=contact.name,
        contact_phone=contact.phone,
        brand=settings.brand_name,
        support=settings.support_contact,
        attributes=tuple(attribute_texts(contact.attributes or {}, keys)),
        variables=tuple((name, str(value)) for name, value in given.items()),
    )
    body = render(template.body, context, allowed_variables(session, template.body))
    if template.kind != "marketing":
        return Triggered(body, "transactional", None)
    subscribed = session.scalar(
        select(exists().where(ListMembership.contact_id == contact.id, ListMembership.status == "subscribed"))
    )
    if not subscribed:
        raise TemplateError(
            "to",
            "this number holds no list subscription: marketing texts need its opt-in",
            409,
            "not_subscribed",
        )
    fallback = zone(settings.business_hours.timezone) or ZoneInfo("UTC")
    opens = next_send_time(
        MARKETING_WINDOW, recipient_zones(contact.phone, MARKETING_WINDOW, fallback, now), now
    )
    return Triggered(body, "marketing", opens if opens > now else None)


def send_template(
    session: Session,
    to: Address,
    template: MessageTemplate,
    given: Mapping[str, Any],
    user: User | None,
    settings: BotSettings,
) -> Message:
    """A triggered text to a number through the one send path, by its template's rules. Commits."""
    now = utcnow()
    contact = get_or_create_contact(session, to)
    try:
        triggered = render_for(session, template, contact, given, settings, now)
    except TemplateError:
        session.rollback()  # a new contact is not kept for a text that was refused
        raise
    conversation, is_new = current_conversation(session, contact)
    if is_new:
        notify_conversation_created(session, conversation)
    message = send_message(
        session,
        conversation=conversation,
        body=triggered.body,
        sender="system",  # an automated, triggered text (sender_user records whose token sent it)
        purpose=triggered.purpose,
        user=user,
    )
    if triggered.not_before is not None and message.status == "queued":
        message.next_attempt_at = triggered.not_before  # the outbox hands it over once the window opens
    session.commit()
    return message
