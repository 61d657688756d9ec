"""The app factory and the health check."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    monkeypatch.setenv("BRAND_NAME", "From env")
    monkeypatch.setenv("PUBLIC_URL", "https://env.example.com/")
    app = create_app({"DATABASE_URL": database_url, "BRAND_NAME": "From override", "OUTBOX_MODE": "off"})
    assert app.config["BRAND_NAME"] == "From override"
    assert app.config["PUBLIC_URL"] == "https://env.example.com"  # trailing slash dropped
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_secret_key_is_generated_once_into_the_instance_folder(database_url: str) -> None:
    first = create_app({"DATABASE_URL": database_url, "OUTBOX_MODE": "off"})
    second = create_app({"DATABASE_URL": database_url, "OUTBOX_MODE": "off"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (Path(first.instance_path) / "secret_key").stat().st_mode & 0o077 == 0


def test_an_unknown_provider_is_refused_at_start(database_url: str) -> None:
    with pytest.raises(ValueError, match="SMS_PROVIDER"):
        create_app({"DATABASE_URL": database_url, "SMS_PROVIDER": "carrier-pigeon"})


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_unknown_paths_are_404_not_500(client: FlaskClient, app: Flask) -> None:
    assert client.get("/nope").status_code == 404
    assert client.get("/webhooks/twilio/sms").status_code == 405
