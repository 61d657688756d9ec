"""Twilio's webhooks: thin — check size and signature, parse, call one action, answer TwiML."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request

from inbox.actions.delivery import update_delivery_status
from inbox.actions.receive import ReceiveResult, receive_message
from inbox.botconfig import BotCache
from inbox.db import get_session
from sms.phone import InvalidAddress, normalize_address
from sms.twilio import InvalidWebhook, parse_inbound, parse_status, twiml_empty, validate_signature

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")


def public_url_of_request() -> str:
    """The URL Twilio was configured with: PUBLIC_URL + path (+ query), never the internal request URL."""
    url = current_app.config["PUBLIC_URL"] + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


@bp.before_request
def limit_and_verify() -> None:
    """Refuse oversized bodies (413) and, with an auth token set, unsigned or forged posts (403)."""
    request.max_content_length = current_app.config["WEBHOOK_MAX_CONTENT_LENGTH"]
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return
    signature = request.headers.get("X-Twilio-Signature")
    settings = request.headers.get("X-Twilio-Webhooks-Signature-Settings")
    if not validate_signature(token, public_url_of_request(), request.form, signature, settings):
        log.warning("webhook %s refused: bad or missing X-Twilio-Signature", request.path)
        abort(403, "missing or invalid X-Twilio-Signature")


def twiml(body: str) -> Response:
    """A TwiML answer."""
    return Response(body, status=200, mimetype="text/xml")


def bad_webhook(error: Exception) -> tuple[Response, int]:
    """A clear 400 for a webhook we cannot use; Twilio shows it in its debugger."""
    return jsonify(error={"code": "invalid_webhook", "message": str(error)}), 400


@bp.post("/sms")
def inbound_sms() -> Response | tuple[Response, int]:
    """Twilio posts each inbound SMS/MMS here: store it, let the bot answer through the outbox."""
    try:
        result = receive_form(request.form)
    except (InvalidWebhook, InvalidAddress) as error:
        return bad_webhook(error)
    if result.duplicate:
        log.info("duplicate MessageSid %s ignored", request.form.get("MessageSid"))
    return twiml(twiml_empty())


def receive_form(form: Mapping[str, str]) -> ReceiveResult:
    """Parse an inbound-message form as Twilio posts it and receive it (the phone simulator uses this too).

    Raises InvalidWebhook or InvalidAddress when the form cannot be used.
    """
    inbound = parse_inbound(form)
    sender = normalize_address(inbound.from_, current_app.config["DEFAULT_REGION"])
    session = get_session()
    bot = current_app.extensions["textdesk.bot_cache"].get(session)
    return receive_message(session, inbound, sender, bot)


@bp.post("/status")
def delivery_status() -> Response | tuple[Response, int]:
    """Twilio posts delivery updates of our outbound texts here; unknown sids are answered 200."""
    try:
        update = parse_status(request.form)
    except InvalidWebhook as error:
        return bad_webhook(error)
    update_delivery_status(
        get_session(), update.message_sid, update.status, update.error_code, update.error_message or None
    )
    return twiml(twiml_empty())


def init_app(app: Flask) -> None:
    """Register the webhooks and the per-process compiled bot."""
    app.extensions["textdesk.bot_cache"] = BotCache(app.config)
    if not app.config.get("TWILIO_AUTH_TOKEN"):
        log.warning("TWILIO_AUTH_TOKEN is not set: webhook signatures are not checked")
    app.register_blueprint(bp)
