"""Tiny factories for bot tests: build exactly what a test needs, with overrides."""

from __future__ import annotations

from typing import Any

from bot import Bot, BotSettings, ConversationState, Decision, Rule


def make_rule(**overrides: Any) -> Rule:
    """A valid reply rule; override any field."""
    values: dict[str, Any] = {
        "id": 1,
        "name": "hours",
        "keywords": ("hours",),
        "match": "phrase",
        "fuzzy": True,
        "threshold": 85.0,
        "priority": 0,
        "enabled": True,
        "reply": "We are open 9-5.",
        "action": "reply",
    }
    values.update(overrides)
    if isinstance(values["keywords"], str):
        values["keywords"] = (values["keywords"],)
    return Rule(**values)


def make_state(**overrides: Any) -> ConversationState:
    """A conversation the bot may answer (status "bot"); override any field."""
    values: dict[str, Any] = {"status": "bot"}
    values.update(overrides)
    return ConversationState(**values)


def make_settings(**overrides: Any) -> BotSettings:
    """Settings with a brand and support contact; override any field."""
    values: dict[str, Any] = {"brand_name": "Acme", "support_contact": "help@acme.test"}
    values.update(overrides)
    return BotSettings(**values)


def decide(text: str, *rules: Rule, state: ConversationState | None = None, **settings: Any) -> Decision:
    """Decide one text with the given rules, a "bot" conversation and make_settings(**settings)."""
    return Bot(rules, make_settings(**settings)).decide(text, state or make_state())
