"""The phone simulator: an admin texts the business as a customer, through the webhook's own receive path."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, current_app, jsonify, render_template

from inbox import resources
from inbox.api.errors import ApiError, invalid
from inbox.api.params import json_body, text_field
from inbox.web.access import admin_required
from inbox.web.pages import boot_data
from inbox.webhooks import receive_form
from sms.phone import InvalidAddress
from sms.twilio import InvalidWebhook

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

MAX_BODY = 1600  # what Twilio would deliver to a webhook
BUSINESS_NUMBER = "+15005550006"  # Twilio's "valid sender" test number, when no real one is configured


def business_number() -> str:
    """The number the simulated customer texts."""
    return current_app.config.get("TWILIO_FROM_NUMBER") or BUSINESS_NUMBER


def available() -> bool:
    """Only with the simulator provider: otherwise the bot's replies would go out as real texts."""
    return current_app.config["SMS_PROVIDER"] == "simulator"


@bp.get("")
@admin_required
def phone() -> str:
    """A phone on screen: pick a customer number, text the business, watch the replies arrive."""
    return render_template(
        "simulator/index.html", boot=boot_data(), business_number=business_number(), available=available()
    )


@bp.post("/messages")
@admin_required
def send_from_phone() -> tuple[Response, int]:
    """A text from the simulated phone, received exactly as Twilio's webhook would receive it."""
    if not available():
        raise ApiError(
            409, "simulator_unavailable", "the phone simulator only works with SMS_PROVIDER=simulator"
        )
    data = json_body()
    sender = text_field(data, "from", max_length=40, required=True) or ""
    body = text_field(data, "body", max_length=MAX_BODY) or ""
    if not body.strip():
        raise invalid("body", "must not be empty")
    form = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": current_app.config.get("TWILIO_ACCOUNT_SID") or "AC" + "0" * 32,
        "From": sender,
        "To": business_number(),
        "Body": body,
        "NumMedia": "0",
    }
    try:
        result = receive_form(form)
    except (InvalidWebhook, InvalidAddress) as error:
        raise invalid("from", str(error)) from None
    message = result.message
    assert message is not None  # a fresh MessageSid is never a duplicate
    return jsonify(
        message=resources.message(message),
        contact_id=message.contact_id,
        conversation_id=message.conversation_id,
    ), 201
