"""Validation of rule definitions (what the admin form shows) and of regex safety."""

from __future__ import annotations

import math
import re
import re._constants as sre
import re._parser as sre_parse
from typing import Any

from bot.compliance import HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS
from bot.normalize import tokenize
from bot.rules import (
    ACTIONS,
    MATCH_TYPES,
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    MAX_REGEX_CHARS,
    MAX_REPLY_CHARS,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    BotSettings,
    Rule,
    RuleError,
)
from bot.templates import TemplateContext, compile_template, render
from bot.texts import TEXT_FIELDS, effective_text_templates

MAX_NAME_CHARS = 100
MAX_BROAD_WILDCARDS = 2  # ".*foo.*bar.*" is already cubic on a failing 1,600-character search
# Replies are measured with a long contact so that a valid reply stays valid for every contact.
_SAMPLE_NAME = "Maximiliana Alexandrina Montgomery-Featherstonehaugh"
_SAMPLE_PHONE = "+123456789012345"
_SAMPLE_OPENING = "on Wednesday at 12:00 PM"  # the longest a {{ next_open }} can be
MAX_MISSES = 100
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_NARROW_CATEGORIES = (sre.CATEGORY_DIGIT, sre.CATEGORY_SPACE)
_RESERVED = OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS | {"yes"}

_Nodes = Any  # re._parser.SubPattern or a list of (opcode, argument) pairs


def parse_keywords(text: str, match: str = "first_word") -> tuple[str, ...]:
    """Split a form field into keywords: commas or newlines (newlines only for regex), deduplicated."""
    pieces = text.splitlines() if match == "regex" else re.split(r"[,\n\r]+", text)
    return tuple(dict.fromkeys(p.strip() for p in pieces if p.strip()))


def _first_chars(nodes: _Nodes) -> set[int] | None:
    """Characters a sub-pattern can start with (None: too many to tell, treat as anything)."""
    for op, av in nodes:
        if op is sre.LITERAL:
            return {av, ord(chr(av).lower()), ord(chr(av).upper())}
        if op is sre.IN:
            chars: set[int] = set()
            for item_op, item_av in av:
                if item_op is sre.LITERAL:
                    chars.add(item_av)
                elif item_op is sre.RANGE and item_av[1] - item_av[0] < 64:
                    chars.update(range(item_av[0], item_av[1] + 1))
                else:
                    return None
            return chars
        if op is sre.SUBPATTERN:
            return _first_chars(av[3])
        if op is sre.AT:
            continue  # anchors consume nothing
        return None
    return set()


def _has_variable_repeat(nodes: _Nodes) -> bool:
    for op, av in nodes:
        if op in _REPEATS and av[1] > 1 and av[0] != av[1]:
            return True
        for child in _children(op, av):
            if _has_variable_repeat(child):
                return True
    return False


def _children(op: object, av: Any) -> list[_Nodes]:
    if op in _REPEATS or op is sre.POSSESSIVE_REPEAT:
        return [av[2]]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    return []


def _is_broad(nodes: _Nodes) -> bool:
    """A repeated body that matches most characters (., \\w, \\S, [^x], wide ranges; not \\d or \\s)."""
    if len(nodes) != 1:
        return False
    op, av = nodes[0]
    if op is sre.ANY:
        return True
    if op is sre.IN:
        return any(
            item_op is sre.NEGATE
            or (item_op is sre.CATEGORY and item_av not in _NARROW_CATEGORIES)
            or (item_op is sre.RANGE and item_av[1] - item_av[0] > 20)
            for item_op, item_av in av
        )
    if op is sre.SUBPATTERN:
        return _is_broad(av[3])
    return False


def _regex_problems(nodes: _Nodes, inside_repeat: bool, counts: dict[str, int]) -> list[str]:
    problems: list[str] = []
    for op, av in nodes:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            problems.append("backreferences are not allowed (they can take exponential time)")
        if op in _REPEATS:
            _low, high, body = av
            if high > 1:
                if _has_variable_repeat(body):
                    problems.append("nested quantifiers such as (a+)+ can take exponential time")
                branch = next((a for o, a in body if o is sre.BRANCH), None)
                if branch is None and len(body) == 1 and body[0][0] is sre.SUBPATTERN:
                    branch = next((a for o, a in body[0][1][3] if o is sre.BRANCH), None)
                if branch is not None:
                    seen: set[int] = set()
                    for alternative in branch[1]:
                        first = _first_chars(alternative)
                        if first is None or first & seen or not first:
                            problems.append("a repeated group whose alternatives overlap, such as (a|ab)+")
                            break
                        seen |= first
                if high == sre.MAXREPEAT and _is_broad(body):
                    counts["broad"] += 1
        for child in _children(op, av):
            problems.extend(_regex_problems(child, inside_repeat or op in _REPEATS, counts))
    return problems


def validate_regex(pattern: str) -> list[str]:
    """Problems with a rule regex: syntax, catastrophic backtracking shapes, matching everything."""
    if len(pattern) > MAX_REGEX_CHARS:
        return [f"a pattern may have at most {MAX_REGEX_CHARS} characters"]
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as exc:
        return [f"not a valid regular expression: {exc}"]
    counts = {"broad": 0}
    problems = _regex_problems(parsed, False, counts)
    if counts["broad"] > MAX_BROAD_WILDCARDS:
        problems.append(f"at most {MAX_BROAD_WILDCARDS} unbounded wildcards such as .* or \\w+ per pattern")
    if compiled.search("") is not None:
        problems.append("the pattern matches an empty message, so it would match every message")
    return list(dict.fromkeys(problems))


def validate_rule(rule: Rule, settings: BotSettings | None = None) -> list[RuleError]:
    """Every problem with a rule definition, field by field ([] when the rule can be saved)."""
    settings = settings or BotSettings()
    errors: list[RuleError] = []
    if not isinstance(rule.name, str) or not rule.name.strip():
        errors.append(RuleError("name", "a name is required"))
    elif len(rule.name) > MAX_NAME_CHARS:
        errors.append(RuleError("name", f"a name may have at most {MAX_NAME_CHARS} characters"))

    if rule.match not in MATCH_TYPES:
        errors.append(RuleError("match", f"match must be one of {', '.join(MATCH_TYPES)}"))
    keywords = [k for k in rule.keywords if isinstance(k, str) and k.strip()]
    if not keywords:
        errors.append(RuleError("keywords", "at least one keyword is required"))
    if len(rule.keywords) > MAX_KEYWORDS:
        errors.append(RuleError("keywords", f"at most {MAX_KEYWORDS} keywords per rule"))
    for keyword in keywords:
        if len(keyword) > MAX_KEYWORD_CHARS:
            errors.append(RuleError("keywords", f"{keyword[:30]!r}…: at most {MAX_KEYWORD_CHARS} characters"))
        elif rule.match == "regex":
            errors.extend(RuleError("keywords", f"{keyword!r}: {p}") for p in validate_regex(keyword))
        elif not tokenize(keyword):
            errors.append(RuleError("keywords", f"{keyword!r} has no letters, digits or emoji to match"))
        elif rule.match == "exact" and " ".join(tokenize(keyword)) in _RESERVED:
            errors.append(
                RuleError(
                    "keywords", f"{keyword!r} is a compliance keyword (STOP/START/HELP); the bot answers it"
                )
            )

    threshold = rule.threshold
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not math.isfinite(threshold)
        or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD
    ):
        errors.append(
            RuleError("threshold", f"threshold must be between {MIN_THRESHOLD:g} and {MAX_THRESHOLD:g}")
        )
    if isinstance(rule.priority, bool) or not isinstance(rule.priority, int):
        errors.append(RuleError("priority", "priority must be a whole number"))

    if rule.action not in ACTIONS:
        errors.append(RuleError("action", f"action must be one of {', '.join(ACTIONS)}"))
    reply = rule.reply if isinstance(rule.reply, str) else ""
    if rule.action in ("reply", "reply_handoff") and not reply.strip():
        errors.append(RuleError("reply", "a reply is required for this action"))
    if rule.action == "subscribe":
        errors.extend(_subscribe_problems(rule, reply))
    errors.extend(RuleError("reply", problem) for problem in reply_problems(reply, settings, "the reply"))
    return errors


def _subscribe_problems(rule: Rule, reply: str) -> list[RuleError]:
    """A subscribe rule names a list that exists, and answers with the list's confirmation only."""
    problems: list[RuleError] = []
    if rule.list_id is None:
        problems.append(RuleError("list_id", "choose the list this keyword subscribes to"))
    elif rule.subscribe_list is None:
        problems.append(RuleError("list_id", f"there is no list {rule.list_id}"))
    if reply.strip():
        problems.append(
            RuleError(
                "reply",
                "a subscribe rule answers with the list's confirmation (and its welcome text): "
                "leave the reply empty",
            )
        )
    return problems


def reply_problems(
    text: str,
    settings: BotSettings | None = None,
    what: str = "the text",
    extra_variables: frozenset[str] = frozenset(),
) -> list[str]:
    """Problems with a reply template (a rule's reply, a list's welcome text): syntax, then rendered length.

    The length is measured for a long sample contact, so a text that passes fits every contact (custom
    attributes, in extra_variables, render empty here: their values are the contact's own).
    """
    settings = settings or BotSettings()
    template = compile_template(text, extra_variables) if extra_variables else compile_template(text)
    if template.problems:
        return list(template.problems)
    context = TemplateContext(_SAMPLE_NAME, _SAMPLE_PHONE, settings.brand_name, settings.support_contact)
    length = len(template.render(context))
    if length > MAX_REPLY_CHARS:
        return [f"{what} renders to {length} characters; at most {MAX_REPLY_CHARS}"]
    return []


def validate_settings(settings: BotSettings) -> list[RuleError]:
    """Problems with the bot's editable texts and knobs (field names are BotSettings fields)."""
    errors: list[RuleError] = []
    if not settings.brand_name.strip():
        errors.append(RuleError("brand_name", "a brand name is required (HELP/STOP texts must name it)"))
    context = TemplateContext(
        _SAMPLE_NAME, _SAMPLE_PHONE, settings.brand_name, settings.support_contact, next_open=_SAMPLE_OPENING
    )
    for key in TEXT_FIELDS:
        text = getattr(settings, key)
        template = compile_template(text)
        errors.extend(RuleError(key, problem) for problem in template.problems)
        length = len(template.render(context)) if not template.problems else len(text)
        if length > MAX_REPLY_CHARS:
            errors.append(RuleError(key, f"renders to {length} characters; at most {MAX_REPLY_CHARS}"))
    misses = settings.misses_before_handoff
    if isinstance(misses, bool) or not isinstance(misses, int):
        errors.append(RuleError("misses_before_handoff", "must be a whole number"))
    elif not 1 <= misses <= MAX_MISSES:
        errors.append(RuleError("misses_before_handoff", f"must be from 1 to {MAX_MISSES}"))
    return errors


_RATES = re.compile(r"msg\s*(&|and)\s*data\s+rates\s+may\s+apply", re.IGNORECASE)
_HOW_TO_STOP = re.compile(r"\b(stop|unsubscribe)\b", re.IGNORECASE)
_HOW_TO_START = re.compile(r"\b(start|unstop)\b", re.IGNORECASE)
_LABELS = {"help_text": "The HELP text", "stop_text": "The STOP confirmation", "start_text": "The START text"}


def settings_warnings(settings: BotSettings) -> list[RuleError]:
    """What the carriers' rules (CTIA) ask of the compliance texts and a text here misses; never blocking.

    HELP and START name the brand, say how to opt out and carry "Msg&data rates may apply"; the STOP
    confirmation names the brand and says how to opt back in (it is the last text the customer gets, so
    rates and opt-out words have nothing left to apply to). The texts are checked as sent: rendered,
    with the default standing in for an empty field.
    """
    context = TemplateContext(brand=settings.brand_name, support=settings.support_contact)
    texts = effective_text_templates(settings)
    brand = settings.brand_name.strip().lower()
    warnings: list[RuleError] = []
    for key, label in _LABELS.items():
        rendered = render(texts[key], context)
        if brand and brand not in rendered.lower():
            warnings.append(RuleError(key, f"{label} does not name the brand ({settings.brand_name})."))
        if key == "stop_text":
            if not _HOW_TO_START.search(rendered):
                warnings.append(RuleError(key, f"{label} does not say how to opt back in (Reply START)."))
            continue
        if not _HOW_TO_STOP.search(rendered):
            warnings.append(RuleError(key, f"{label} does not say how to opt out (Reply STOP to opt out)."))
        if not _RATES.search(rendered):
            warnings.append(RuleError(key, f'{label} does not say "Msg&data rates may apply".'))
    return warnings
