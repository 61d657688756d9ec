"""/api/v1/messages: send a text to any number through the one send path, as written or from a template."""

from __future__ import annotations

from flask import Response, current_app, g
from sqlalchemy import select

from inbox.actions.conversations import send_to_number
from inbox.actions.send import InvalidMessage, check_body
from inbox.actions.templates import send_template
from inbox.api import bp
from inbox.api.conversations import created_or_blocked
from inbox.api.errors import invalid, not_found
from inbox.api.params import json_body, text_field
from inbox.api.templates import template_errors
from inbox.botconfig import bot_settings, read_settings
from inbox.db import get_session
from inbox.models import MessageTemplate
from sms.phone import InvalidAddress, normalize_address, normalize_recipient


@bp.post("/messages")
def send_text() -> tuple[Response, int]:
    """Send {"to", "body"} or {"to", "template", "variables"}: 201 with the message; 409 opted_out; 422."""
    data = json_body()
    unknown = set(data) - {"to", "body", "template", "variables"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of a send")
    to = text_field(data, "to", max_length=64) or ""
    region = current_app.config["DEFAULT_REGION"]
    try:
        recipient = normalize_recipient(to, region)
    except InvalidAddress as error:
        raise invalid("to", str(error)) from None
    session = get_session()
    if "template" in data:
        if "body" in data:
            raise invalid("body", "give a body or a template, not both")
        name = text_field(data, "template", max_length=80) or ""
        variables = data.get("variables") or {}
        if not isinstance(variables, dict):
            raise invalid("variables", "must be an object of names to texts")
        template = session.scalar(select(MessageTemplate).where(MessageTemplate.name == name))
        if template is None:
            raise not_found(f"template {name!r}")
        settings = bot_settings(read_settings(session), current_app.config)
        with template_errors():
            message = send_template(
                session, normalize_address(recipient, region), template, variables, g.api_user, settings
            )
        return created_or_blocked(message)
    if "variables" in data:
        raise invalid("variables", "only a template takes variables")
    body = text_field(data, "body", max_length=100_000) or ""
    try:
        check_body(body)
        message = send_to_number(session, recipient, body, g.api_user, region)
    except InvalidMessage as error:
        raise invalid(error.field, error.message) from None
    return created_or_blocked(message)
