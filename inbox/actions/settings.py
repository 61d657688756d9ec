"""The desk's settings (brand, compliance texts, hand-off, business hours): read, validate, change.

A change is validated as a whole (the settings as they would be after it), recorded with who made it
and before → after, and bumps the bot version so every process uses it for the next text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from bot import BotSettings, RuleError
from bot.hours import parse_hours
from bot.validation import settings_warnings, validate_rule, validate_settings
from inbox.actions.changes import record_change
from inbox.actions.rules import saved_rules
from inbox.botconfig import bot_settings, read_settings, write_settings
from inbox.models import User

TEXT_SETTINGS = (
    "brand_name",
    "support_contact",
    "help_text",
    "stop_text",
    "start_text",
    "fallback_text",
    "handoff_ack",
    "after_hours_text",
    "timezone",
)
SETTINGS_FIELDS = (*TEXT_SETTINGS, "misses_before_handoff", "business_hours")
MAX_BRAND_CHARS = 60
MAX_SUPPORT_CHARS = 200


class InvalidSettings(ValueError):
    """Settings with problems, one per field."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def current_settings(session: Session, config: Mapping[str, Any]) -> dict[str, Any]:
    """The editable settings as stored (texts left empty stay empty: the default is used for them)."""
    stored = read_settings(session)
    settings = bot_settings(stored, config)
    values: dict[str, Any] = {key: stored.get(key, "") for key in TEXT_SETTINGS}
    values["brand_name"] = settings.brand_name
    values["support_contact"] = settings.support_contact
    values["timezone"] = settings.business_hours.timezone if stored.get("timezone") else "UTC"
    values["misses_before_handoff"] = settings.misses_before_handoff
    values["business_hours"] = settings.business_hours.as_json()
    return values


def build_settings(values: Mapping[str, Any]) -> tuple[BotSettings, list[RuleError]]:
    """BotSettings from a full set of setting values, with every problem in them."""
    hours, problems = parse_hours(values["timezone"], values["business_hours"])
    errors = [RuleError(field, message) for field, message in problems]
    if len(values["brand_name"]) > MAX_BRAND_CHARS:
        errors.append(RuleError("brand_name", f"at most {MAX_BRAND_CHARS} characters"))
    if len(values["support_contact"]) > MAX_SUPPORT_CHARS:
        errors.append(RuleError("support_contact", f"at most {MAX_SUPPORT_CHARS} characters"))
    settings = BotSettings(
        brand_name=values["brand_name"],
        support_contact=values["support_contact"],
        help_text=values["help_text"],
        stop_text=values["stop_text"],
        start_text=values["start_text"],
        fallback_text=values["fallback_text"],
        handoff_ack=values["handoff_ack"],
        misses_before_handoff=values["misses_before_handoff"],
        after_hours_text=values["after_hours_text"],
        business_hours=hours,
    )
    errors.extend(validate_settings(settings))
    return settings, errors


def review_settings(
    session: Session, config: Mapping[str, Any], changes: Mapping[str, Any]
) -> tuple[dict[str, Any], BotSettings, list[RuleError], list[RuleError]]:
    """The settings as they would be after changes: values, BotSettings, errors and warnings."""
    values = {**current_settings(session, config), **changes}
    settings, errors = build_settings(values)
    if not any(e.field in ("business_hours", "timezone") for e in errors):
        # Compared and stored in one form, however it was sent (sorted ranges, all seven days).
        values["business_hours"] = settings.business_hours.as_json()
        values["timezone"] = settings.business_hours.timezone
    if not errors and ("brand_name" in changes or "support_contact" in changes):
        errors.extend(_rules_too_long(session, settings))
    return values, settings, errors, settings_warnings(settings)


def _rules_too_long(session: Session, settings: BotSettings) -> list[RuleError]:
    """Rules whose reply a new brand or support contact would push past the limit of one text."""
    problems = []
    for rule in saved_rules(session):
        for error in validate_rule(rule, settings):
            if error.field == "reply" and "renders to" in error.message:
                problems.append(
                    RuleError(
                        "support_contact",
                        f"with this brand and support contact, rule {rule.name!r}: {error.message}",
                    )
                )
    return problems


def update_settings(
    session: Session, config: Mapping[str, Any], changes: Mapping[str, Any], user: User | None = None
) -> dict[str, Any]:
    """Validate and store changed settings, recorded and versioned. Commits. Returns the new values."""
    before = current_settings(session, config)
    values, _settings, errors, _warnings = review_settings(session, config, changes)
    if errors:
        raise InvalidSettings(errors)
    changed = {key: values[key] for key in SETTINGS_FIELDS if values[key] != before[key]}
    if changed:
        write_settings(
            session,
            {
                key: json.dumps(value) if key == "business_hours" else str(value)
                for key, value in changed.items()
            },
        )
        before_values = {key: before[key] for key in changed}
        record_change(session, user, "settings", "updated", "settings", before_values, changed)
    session.commit()
    return current_settings(session, config)
