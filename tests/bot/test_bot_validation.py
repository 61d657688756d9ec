"""Rule validation (what the admin form shows) and regex safety."""

from __future__ import annotations

from typing import Any

import pytest

from bot.validation import parse_keywords, validate_regex, validate_rule, validate_settings
from tests.bot.factories import make_rule, make_settings


def fields(**overrides: Any) -> set[str]:
    return {error.field for error in validate_rule(make_rule(**overrides), make_settings())}


def test_a_good_rule_has_no_errors() -> None:
    assert validate_rule(make_rule(reply='Hi {{ contact.first_name | default("there") }}')) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"keywords": ()}, "keywords"),
        ({"keywords": ("", "  ")}, "keywords"),
        ({"keywords": ("!!!",)}, "keywords"),
        ({"keywords": ("x" * 201,)}, "keywords"),
        ({"keywords": tuple(f"k{i}" for i in range(51))}, "keywords"),
        ({"keywords": ("stop",), "match": "exact"}, "keywords"),
        ({"match": "fuzzy"}, "match"),
        ({"threshold": 49.0}, "threshold"),
        ({"threshold": 100.5}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"priority": 1.5}, "priority"),
        ({"action": "shout"}, "action"),
        ({"reply": ""}, "reply"),
        ({"reply": "  ", "action": "reply_handoff"}, "reply"),
        ({"reply": "{{ contact.__class__ }}"}, "reply"),
        ({"reply": "Hi {{ contact.name"}, "reply"),
        ({"reply": "x" * 1601}, "reply"),
        ({"reply": "x" * 1590 + "{{ contact.name }}"}, "reply"),  # too long once a name is in
        ({"keywords": ("(a+)+",), "match": "regex"}, "keywords"),
        ({"keywords": ("(",), "match": "regex"}, "keywords"),
    ],
)
def test_invalid_fields(overrides: dict[str, Any], field: str) -> None:
    assert field in fields(**overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"threshold": 50.0},
        {"threshold": 100},
        {"action": "handoff", "reply": ""},
        {"keywords": ("stop by",), "match": "phrase"},
        {"keywords": ("help",), "match": "phrase"},  # "I need help with my order" reaches it
        {"keywords": (r"order\s*#?\d+",), "match": "regex"},
        {"keywords": ("🍕",)},
        {"reply": "x" * 1600},
    ],
)
def test_valid_edge_cases(overrides: dict[str, Any]) -> None:
    assert validate_rule(make_rule(**overrides), make_settings()) == []


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+",
        r"(a*)*b",
        r"(a|ab)+",
        r"(x+x+)+y",
        r"(\w+\s?)*$",
        r"(\d+)\1",
        r".*a.*b.*c",
        r"",
        r"x?",
        r"(",
        "x" * 301,
    ],
)
def test_dangerous_or_broken_regexes_are_rejected(pattern: str) -> None:
    assert validate_regex(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"order\s*#?\s*\d+",
        r"\b(hours|open)\b",
        r"^(\d{5})(-\d{4})?$",
        r"(cat|dog)+",
        r"(?:ab){2,}",
        r".*hours.*",
        r"a{1,3}",
    ],
)
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert validate_regex(pattern) == []


def test_parse_keywords() -> None:
    assert parse_keywords("hours, opening hours\nHours ,,") == ("hours", "opening hours", "Hours")
    assert parse_keywords("a{1,3}\n\\d+", "regex") == ("a{1,3}", "\\d+")


def test_validate_settings() -> None:
    assert validate_settings(make_settings()) == []
    errors = validate_settings(make_settings(brand_name=" ", help_text="{{ nope }}", misses_before_handoff=0))
    assert {e.field for e in errors} == {"brand_name", "help_text", "misses_before_handoff"}
