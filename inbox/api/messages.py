"""/api/v1/messages: send a text to any number through the one send path."""

from __future__ import annotations

from flask import Response, current_app, g

from inbox.actions.conversations import send_to_number
from inbox.actions.send import InvalidMessage, check_body
from inbox.api import bp
from inbox.api.conversations import created_or_blocked
from inbox.api.errors import invalid
from inbox.api.params import json_body, text_field
from inbox.db import get_session
from sms.phone import InvalidAddress, normalize_recipient


@bp.post("/messages")
def send_text() -> tuple[Response, int]:
    """Send {"to", "body"}: 201 with the message, 409 opted_out, 422 for a bad number or body."""
    data = json_body()
    to = text_field(data, "to", max_length=64) or ""
    body = text_field(data, "body", max_length=100_000) or ""
    region = current_app.config["DEFAULT_REGION"]
    try:
        recipient = normalize_recipient(to, region)
    except InvalidAddress as error:
        raise invalid("to", str(error)) from None
    try:
        check_body(body)
        message = send_to_number(get_session(), recipient, body, g.api_user, region)
    except InvalidMessage as error:
        raise invalid(error.field, error.message) from None
    return created_or_blocked(message)
