"""Configuration: defaults, then environment variables, then explicit overrides (tests)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_KEYS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PUBLIC_URL",
    "SMS_PROVIDER",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_API_BASE_URL",
    "TWILIO_TIMEOUT_SECONDS",
    "BRAND_NAME",
    "SUPPORT_CONTACT",
    "DEFAULT_REGION",
    "OUTBOX_MODE",
    "CAMPAIGN_LEASE_SECONDS",
    "HOST",
    "PORT",
)


def defaults(instance_path: Path) -> dict[str, Any]:
    """The embedded default: SQLite in the instance folder, the simulator provider."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'textdesk.db'}",
        "REDIS_URL": None,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "SMS_PROVIDER": "simulator",
        "TWILIO_ACCOUNT_SID": None,
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_FROM_NUMBER": None,
        "TWILIO_MESSAGING_SERVICE_SID": None,
        "TWILIO_API_BASE_URL": "https://api.twilio.com",
        "TWILIO_TIMEOUT_SECONDS": 10.0,
        "BRAND_NAME": "Textdesk demo",
        "SUPPORT_CONTACT": "",
        "DEFAULT_REGION": "US",
        # "thread": this process delivers queued texts in a background thread; "off": a separate
        # `flask --app app outbox-worker` (or a test) does it.
        "OUTBOX_MODE": "thread",
        "OUTBOX_MAX_ATTEMPTS": 8,
        "OUTBOX_RETRY_BASE_SECONDS": 2.0,
        "OUTBOX_RETRY_MAX_SECONDS": 300.0,
        "SIMULATOR_DELAYS": (0.3, 1.2),  # seconds until "sent", then "delivered"
        # One process at a time sends campaigns, holding a lease it renews; a dead holder's lease runs
        # out after this long and another process takes over. Keep it above 2 × TWILIO_TIMEOUT_SECONDS.
        "CAMPAIGN_LEASE_SECONDS": 30.0,
        "HOST": "127.0.0.1",
        "PORT": 5000,
        # Twilio posts small forms; the API takes JSON. Anything bigger is refused with 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WEBHOOK_MAX_CONTENT_LENGTH": 64 * 1024,
        "JSON_SORT_KEYS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, generating it once on first start."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, the environment and overrides into one config mapping."""
    config = defaults(instance_path)
    for key in ENV_KEYS:
        value = os.environ.get(key)
        if value not in (None, ""):
            config[key] = value
    config.update(overrides or {})
    config["PORT"] = int(config["PORT"])
    config["CAMPAIGN_LEASE_SECONDS"] = float(config["CAMPAIGN_LEASE_SECONDS"])
    config["PUBLIC_URL"] = str(config["PUBLIC_URL"]).rstrip("/")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key(instance_path)
    config["SESSION_COOKIE_SECURE"] = config["PUBLIC_URL"].startswith("https://")
    return config
