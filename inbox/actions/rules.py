"""Keyword rule changes; each one bumps the bot version so every process picks it up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

from sqlalchemy.orm import Session

from bot import Rule, RuleError
from bot.validation import validate_rule
from inbox.botconfig import bump_version
from inbox.models import KeywordRule

RULE_FIELDS = ("name", "keywords", "match", "fuzzy", "threshold", "priority", "enabled", "reply", "action")
# What a new rule gets for the fields it leaves out: the bot's own defaults, so they exist once.
RULE_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in fields(Rule) if f.name in RULE_FIELDS and f.default is not MISSING
}


class InvalidRule(ValueError):
    """A rule definition with problems, one per field."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _as_bot_rule(rule_id: int, values: Mapping[str, Any]) -> Rule:
    return Rule(
        id=rule_id,
        name=values["name"],
        keywords=tuple(values["keywords"]),
        match=values["match"],
        fuzzy=values["fuzzy"],
        threshold=float(values["threshold"]),
        priority=values["priority"],
        enabled=values["enabled"],
        reply=values["reply"],
        action=values["action"],
    )


def _check(rule_id: int, values: Mapping[str, Any]) -> None:
    errors = validate_rule(_as_bot_rule(rule_id, values))
    if errors:
        raise InvalidRule(list(errors))


def current_values(row: KeywordRule) -> dict[str, Any]:
    """A stored rule's editable fields."""
    return {name: getattr(row, name) for name in RULE_FIELDS}


def create_rule(session: Session, values: Mapping[str, Any]) -> KeywordRule:
    """Validate and store a new rule. Commits."""
    _check(0, values)
    row = KeywordRule(**{name: values[name] for name in RULE_FIELDS})
    row.keywords = list(values["keywords"])
    session.add(row)
    bump_version(session)
    session.commit()
    return row


def update_rule(session: Session, row: KeywordRule, changes: Mapping[str, Any]) -> KeywordRule:
    """Validate the rule as it would be after the changes, then apply them. Commits."""
    merged = {**current_values(row), **changes}
    _check(row.id, merged)
    for name, value in changes.items():
        setattr(row, name, list(value) if name == "keywords" else value)
    bump_version(session)
    session.commit()
    return row


def delete_rule(session: Session, row: KeywordRule) -> None:
    """Delete a rule. Commits."""
    session.delete(row)
    bump_version(session)
    session.commit()
