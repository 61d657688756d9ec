"""The safe reply template language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.templates import TemplateContext, render, validate_template

JANE = TemplateContext(
    contact_name="jane doe", contact_phone="+15551234567", brand="Acme", support="help@acme.test"
)
NOBODY = TemplateContext(brand="Acme")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi {{ contact.name }}", "Hi jane doe"),
        ("Hi {{contact.first_name}}", "Hi jane"),
        ("{{ contact.phone }}", "+15551234567"),
        ("{{ brand }}: help at {{ support }}", "Acme: help at help@acme.test"),
        ("{{ contact.name | title }}", "Jane Doe"),
        ("{{ brand | upper }}", "ACME"),
        ("{{ brand|lower }}", "acme"),
        ('{{ contact.first_name | default("there") | title }}!', "Jane!"),
        ("{{ contact . name }}", "jane doe"),
        ("no placeholders at all", "no placeholders at all"),
        ("{brand} is not a placeholder", "{brand} is not a placeholder"),
        ("<b>{{ brand }} & co</b>", "<b>Acme & co</b>"),  # plain text: never HTML-escaped
    ],
)
def test_render(template: str, expected: str) -> None:
    assert validate_template(template) == []
    assert render(template, JANE) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('Hi {{ contact.first_name | default("there") }}!', "Hi there!"),
        ("Hi {{ contact.first_name | default('friend') | upper }}", "Hi FRIEND"),
        ("Hi {{ contact.name }}!", "Hi !"),
        ("Call {{ contact.phone }}.", "Call ."),
    ],
)
def test_missing_values_use_default_or_empty(template: str, expected: str) -> None:
    assert render(template, NOBODY) == expected


def test_blank_name_counts_as_missing() -> None:
    blank = TemplateContext(contact_name="   ")
    assert render('Hi {{ contact.first_name | default("there") }}', blank) == "Hi there"


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ contact.__class__ }}", "unknown variable"),
        ("{{ contact.__init__.__globals__ }}", "unknown variable"),
        ("{{ brand.__class__.__mro__ }}", "unknown variable"),
        ("{{ ().__class__ }}", "expected a variable"),
        ("{{ brand.upper() }}", "unknown variable"),
        ("{{ name }}", "unknown variable"),
        ("{{ contact.email }}", "unknown variable"),
        ("{{ brand | evil }}", "unknown filter"),
        ("{{ brand | attr('x') }}", "unknown filter"),
        ("{{ brand | default }}", "default needs"),
        ("{{ brand | upper() }}", "takes no arguments"),
        ("{{ brand | }}", "cannot read"),
        ("{{ }}", "expected a variable"),
        ("Hi {{ contact.name", "without a matching '}}'"),
        ("Hi contact.name }}", "without a matching '{{'"),
        ("{{ a {{ brand }}", "without a matching '}}'"),
        ("{% if x %}yes{% endif %}", "not supported"),
        ("{# comment #}", "not supported"),
        ("{{ 7 * 7 }}", "expected a variable"),
        ("{{ brand + support }}", "cannot read"),
    ],
)
def test_invalid_templates_are_reported(template: str, fragment: str) -> None:
    problems = validate_template(template)
    assert problems and any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    "template",
    ["{{ contact.__class__ }}", "{{ 7 * 7 }}", "{{ brand.upper() }}", "{{ brand | evil }}", "{{ ''.join }}"],
)
def test_no_code_is_ever_executed(template: str) -> None:
    rendered = render(template, JANE)
    assert "class" not in rendered and "49" not in rendered and "function" not in rendered
    assert rendered == ""


@given(st.text(max_size=200))
def test_render_never_raises(template: str) -> None:
    assert isinstance(render(template, JANE), str)
    assert isinstance(validate_template(template), list)
