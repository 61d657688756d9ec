"""The bare baseline for bench_inbound.py: a Flask app that only answers Twilio's webhook with empty TwiML."""

from __future__ import annotations

from flask import Flask, Response, request

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def create_app() -> Flask:
    """Build the bare app: POST /webhooks/twilio/sms answers empty TwiML, GET / answers ok."""
    app = Flask(__name__)

    @app.get("/")
    def health() -> Response:
        """Readiness probe for the bench."""
        return Response("ok", mimetype="text/plain")

    @app.post("/webhooks/twilio/sms")
    def inbound_sms() -> Response:
        """Parse the form like Textdesk does, store nothing, answer empty TwiML."""
        _ = request.form.get("MessageSid"), request.form.get("From"), request.form.get("Body")
        return Response(EMPTY_TWIML, status=200, mimetype="text/xml")

    return app
