"""/api/v1/settings: the brand, compliance texts, hand-off and business hours (admins change them)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify
from sqlalchemy import select

from bot import BotSettings
from bot.hours import describe_opening, next_opening
from bot.templates import TemplateContext, render
from bot.texts import TEXT_FIELDS, default_text_templates
from inbox.actions.settings import (
    SETTINGS_FIELDS,
    TEXT_SETTINGS,
    InvalidSettings,
    review_settings,
    update_settings,
)
from inbox.api import bp
from inbox.api.bot_bench import SAMPLE_NAME, SAMPLE_PHONE, text_details
from inbox.api.errors import ApiError, invalid
from inbox.api.params import json_body
from inbox.api.rules import changes_page
from inbox.db import get_session, utcnow
from inbox.models import ConfigChange

MAX_TEXT_CHARS = 5000  # a text longer than this is refused as input; 1,600 rendered is the real limit


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    """The settings fields of a request body, type-checked (meaning is checked by validation)."""
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        raise invalid(unknown[0], "is not a setting")
    for key, value in data.items():
        if key in TEXT_SETTINGS and (not isinstance(value, str) or len(value) > MAX_TEXT_CHARS):
            raise invalid(key, f"must be text of at most {MAX_TEXT_CHARS} characters")
    misses = data.get("misses_before_handoff", 1)
    if not isinstance(misses, int) or isinstance(misses, bool) or abs(misses) > 1_000_000:
        raise invalid("misses_before_handoff", "must be a whole number")
    if "business_hours" in data and not isinstance(data["business_hours"], dict):
        raise invalid("business_hours", "must be an object of weekdays (mon … sun)")
    return {
        key: value.strip() if key in ("brand_name", "support_contact", "timezone") else value
        for key, value in data.items()
    }


def _problems(errors: list[Any]) -> list[dict[str, str]]:
    return [{"field": e.field, "message": e.message} for e in errors]


def _answer(values: dict[str, Any], warnings: list[Any]) -> Response:
    defaults = default_text_templates(values["support_contact"])
    return jsonify({**values, "warnings": _problems(warnings), "defaults": defaults})


@bp.get("/settings")
def get_settings() -> Response:
    """The settings, what the carriers' rules would warn about, and the defaults for empty texts."""
    session = get_session()
    values, _settings, _errors, warnings = review_settings(session, current_app.config, {})
    return _answer(values, warnings)


@bp.patch("/settings")
def patch_settings() -> Response:
    """Change some settings (admins); takes effect on the next inbound text in every process."""
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can change settings")
    changes = _typed(json_body())
    session = get_session()
    try:
        update_settings(session, current_app.config, changes, g.api_user)
    except InvalidSettings as error:
        raise ApiError(422, "invalid_settings", str(error), _problems(error.errors)) from None
    values, _settings, _errors, warnings = review_settings(session, current_app.config, {})
    return _answer(values, warnings)


def _next_open(settings: BotSettings) -> str:
    """When the desk next opens, as the after-hours reply would say it now (an example without hours)."""
    now = utcnow()
    opening = next_opening(settings.business_hours, now)
    return describe_opening(opening, now) if opening else "tomorrow at 9:00 AM"


@bp.get("/settings/changes")
def list_settings_changes() -> Response:
    """The history of settings changes (who, when, before → after), newest first."""
    return changes_page(select(ConfigChange).where(ConfigChange.subject == "settings"))


@bp.post("/settings/preview")
def preview_settings() -> Response:
    """Each text as a customer would get it with these (unsaved) settings, with warnings and errors."""
    changes = _typed(json_body())
    values, settings, errors, warnings = review_settings(get_session(), current_app.config, changes)
    defaults = default_text_templates(settings.support_contact)
    context = TemplateContext(
        SAMPLE_NAME,
        SAMPLE_PHONE,
        settings.brand_name,
        settings.support_contact,
        next_open=_next_open(settings),
    )
    texts = {}
    for key in TEXT_FIELDS:
        template = values[key] if values[key].strip() else defaults[key]
        texts[key] = text_details(render(template, context).strip())
    return jsonify(texts=texts, warnings=_problems(warnings), errors=_problems(errors))
