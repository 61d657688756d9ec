"""A tiny, safe template language for bot replies: {{ variable | filter }} and nothing else.

Variables: contact.name, contact.first_name, contact.phone, brand, support, next_open (when the desk
next opens, in the after-hours reply), and contact.<key> for each custom attribute the caller allows
(campaigns: the desk's attribute definitions).
Filters: default("text") (used when the value is empty), upper, lower, title.

There is no evaluation and no attribute access: an expression is parsed by a regular grammar and
looked up in a fixed table, so "{{ contact.__class__ }}" is just an unknown variable. Output is plain
text (SMS), never HTML-escaped. validate_template() lists the problems; render() never raises:
an invalid expression renders as nothing and an unclosed "{{" is kept as literal text, so a bad
template can at worst send odd text, never leak internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

VARIABLES: tuple[str, ...] = (
    "contact.name",
    "contact.first_name",
    "contact.phone",
    "brand",
    "support",
    "next_open",
)
FILTERS: tuple[str, ...] = ("default", "upper", "lower", "title")

_EXPR_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_VARIABLE_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*")
_FILTER_RE = re.compile(r"\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?:\"([^\"]*)\"|'([^']*)')?\s*\))?\s*")


@dataclass(frozen=True, slots=True)
class TemplateContext:
    """The values a reply may use."""

    contact_name: str | None = None
    contact_phone: str = ""
    brand: str = ""
    support: str = ""
    next_open: str = ""  # "tomorrow at 9:00 AM": only set for the after-hours reply
    attributes: tuple[tuple[str, str], ...] = ()  # (key, text) of the contact's custom attributes
    variables: tuple[tuple[str, str], ...] = ()  # (name, text) given by an API caller ({{ order_id }})

    def value(self, variable: str) -> str:
        """The text of one known variable ("" when unknown or missing)."""
        if self.attributes and variable.startswith("contact."):
            key = variable.removeprefix("contact.")
            for name, text in self.attributes:
                if name == key:
                    return text
        for name, text in self.variables:
            if name == variable:
                return text
        if variable == "contact.name":
            return (self.contact_name or "").strip()
        if variable == "contact.first_name":
            parts = (self.contact_name or "").split()
            return parts[0] if parts else ""
        if variable == "contact.phone":
            return self.contact_phone
        if variable == "brand":
            return self.brand
        if variable == "support":
            return self.support
        if variable == "next_open":
            return self.next_open
        return ""


@dataclass(frozen=True, slots=True)
class _Expression:
    variable: str
    filters: tuple[tuple[str, str | None], ...]

    def render(self, context: TemplateContext) -> str:
        """The variable's value with the filters applied left to right."""
        value = context.value(self.variable)
        for name, argument in self.filters:
            if name == "default":
                # Empty counts as missing: a contact saved with a blank name still gets "there".
                value = value if value.strip() else (argument or "")
            elif name == "upper":
                value = value.upper()
            elif name == "lower":
                value = value.lower()
            elif name == "title":
                value = value.title()
        return value


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: literal text and expressions, plus the problems found while parsing."""

    parts: tuple[str | _Expression | None, ...]
    problems: tuple[str, ...]

    def render(self, context: TemplateContext) -> str:
        """Render to plain text; invalid expressions render as nothing."""
        return "".join(
            part if isinstance(part, str) else part.render(context) if part is not None else ""
            for part in self.parts
        )


def _parse_expression(source: str, extra: frozenset[str]) -> tuple[_Expression | None, list[str]]:
    shown = "{{" + source + "}}"
    head = _VARIABLE_RE.match(source)
    if head is None or not source.strip():
        return None, [f"{shown}: expected a variable name"]
    variable = re.sub(r"\s+", "", head.group(1))
    problems: list[str] = []
    if variable not in VARIABLES and variable not in extra:
        allowed = ", ".join((*VARIABLES, *sorted(extra)))
        problems.append(f"{shown}: unknown variable {variable!r} (allowed: {allowed})")
    filters: list[tuple[str, str | None]] = []
    position = head.end()
    while position < len(source):
        match = _FILTER_RE.match(source, position)
        if match is None:
            problems.append(f"{shown}: cannot read {source[position:].strip()!r}")
            break
        name = match.group(1)
        has_parens = "(" in match.group(0)
        argument = match.group(2) if match.group(2) is not None else match.group(3)
        if name not in FILTERS:
            problems.append(f"{shown}: unknown filter {name!r} (allowed: {', '.join(FILTERS)})")
        elif name == "default" and argument is None:
            problems.append(f'{shown}: default needs a quoted text, e.g. default("there")')
        elif name != "default" and has_parens:
            problems.append(f"{shown}: {name} takes no arguments")
        filters.append((name, argument))
        position = match.end()
    if problems:
        return None, problems
    return _Expression(variable, tuple(filters)), []


@lru_cache(maxsize=4096)
def compile_template(text: str, extra_variables: frozenset[str] = frozenset()) -> Template:
    """Parse a template once (cached: templates are few and reused for every message).

    extra_variables: more variables the caller's context provides (contact.<attribute key>).
    """
    parts: list[str | _Expression | None] = []
    problems: list[str] = []
    position = 0
    for match in _EXPR_RE.finditer(text):
        literal = text[position : match.start()]
        if "}}" in literal:
            problems.append("'}}' without a matching '{{'")
        parts.append(literal)
        inner = match.group(1)
        if "{{" in inner:
            # "{{ a {{ b }}": the first "{{" is never closed.
            problems.append("'{{' without a matching '}}'")
            parts.append(match.group(0))
        else:
            expression, found = _parse_expression(inner, extra_variables)
            problems.extend(found)
            parts.append(expression)
        position = match.end()
    tail = text[position:]
    if "{{" in tail:
        problems.append("'{{' without a matching '}}'")
    if "}}" in tail:
        problems.append("'}}' without a matching '{{'")
    if "{%" in text or "{#" in text:
        problems.append("{% %} and {# #} tags are not supported: use {{ variable }} placeholders only")
    parts.append(tail)
    return Template(tuple(part for part in parts if part != ""), tuple(dict.fromkeys(problems)))


def validate_template(text: str, extra_variables: frozenset[str] = frozenset()) -> list[str]:
    """List the problems in a template (unknown variables/filters, malformed braces); [] when valid."""
    return list(compile_template(text, extra_variables).problems)


def render(text: str, context: TemplateContext, extra_variables: frozenset[str] = frozenset()) -> str:
    """Render a template to plain text; never raises (invalid expressions render as nothing)."""
    return compile_template(text, extra_variables).render(context)


def variables_used(text: str) -> list[str]:
    """The variable names a template's expressions name, in order of first use (valid or not)."""
    names: dict[str, None] = {}
    for match in _EXPR_RE.finditer(text):
        head = _VARIABLE_RE.match(match.group(1))
        if head is not None:
            names[re.sub(r"\s+", "", head.group(1))] = None
    return list(names)


def attribute_variables(keys: Iterable[str]) -> frozenset[str]:
    """The template variables of custom attributes: contact.<key> for each key."""
    return frozenset(f"contact.{key}" for key in keys)
