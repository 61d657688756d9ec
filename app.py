"""Textdesk: the app factory. `python app.py` serves the desk (webhooks, API, Socket.IO)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from inbox import api, cli, config, db, events, health, outbox, web, webhooks
from inbox.campaigns import worker as campaigns


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config from defaults → environment → overrides, then each subsystem's init_app."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path), overrides))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    events.init_app(app)
    outbox.init_app(app)
    campaigns.init_app(app)
    webhooks.init_app(app)
    api.init_app(app)
    web.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    return app


if __name__ == "__main__":
    application = create_app()
    events.socketio.run(
        application,
        host=application.config["HOST"],
        port=application.config["PORT"],
        allow_unsafe_werkzeug=True,
    )
