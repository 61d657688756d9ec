"""Conflicts between a rule and the others, found with the real matcher (never a second opinion of it).

Three kinds, all warnings shown before saving (a conflict never blocks a save):

- duplicate_keyword: another rule already has the keyword (after normalisation);
- reserved_word: the compliance layer answers such a text first (STOP, HELP, START …), so the rule
  never does;
- overlap: the typo-tolerant (or regex) matches of two rules meet on the same words: a text like the
  example matches both, and the winner is said.

Overlaps are found by feeding every keyword of one rule to the other rule's KeywordIndex as if a
customer had texted it, in both directions, so what is reported is exactly what the bot would do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from bot.compliance import HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, detect
from bot.matching import KeywordIndex, compile_regex
from bot.normalize import tokenize
from bot.rules import Rule

ConflictKind = Literal["duplicate_keyword", "reserved_word", "overlap"]
Winner = Literal["this", "other", "compliance"]
MAX_CONFLICTS = 50
_COMPLIANCE_WORDS = tuple(sorted(OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS))


@dataclass(frozen=True, slots=True)
class Conflict:
    """One thing an admin should know before saving a rule."""

    kind: ConflictKind
    keyword: str  # this rule's keyword involved (or the other's, for an overlap found from its side)
    rule_id: int | None  # the other rule, if any
    rule_name: str | None
    example: str  # a text that shows the conflict
    winner: Winner | None
    message: str


def _key(rule: Rule, keyword: str) -> str:
    """What makes two keywords the same: the normalised words, or the pattern itself for a regex."""
    return keyword.strip() if rule.match == "regex" else " ".join(tokenize(keyword))


def _texts(rule: Rule) -> list[str]:
    """The rule's keywords as a customer could text them (a regex has no such text)."""
    if rule.match == "regex":
        return []
    return [k for k in rule.keywords if isinstance(k, str) and tokenize(k)]


def _winner(this: Rule, other: Rule, text: str) -> Winner | None:
    """Which of the two rules answers text, by the bot's own ranking."""
    tokens = tokenize(text)
    matches = KeywordIndex([this, other]).matches(tokens, text, frozenset(tokens))
    if not matches:
        return None
    return "this" if matches[0].rule_id == this.id else "other"


def _who(winner: Winner | None, other: Rule) -> str:
    if winner == "this":
        return "this rule answers it"
    if winner == "other":
        return f"{other.name!r} answers it"
    return "neither answers it as things stand"


def _covers(pattern: re.Pattern[str], word: str) -> bool:
    """Whether the pattern matches all of word (a match inside it, like "a" in "cancel", is no conflict)."""
    found = pattern.search(word)
    return found is not None and found.start() == 0 and found.end() == len(word)


def _reserved(rule: Rule) -> list[Conflict]:
    found: list[Conflict] = []
    if rule.match == "regex":
        for keyword in rule.keywords:
            try:
                pattern = compile_regex(keyword)
            except (re.error, OverflowError, RecursionError):
                continue  # validation reports it
            word = next((w for w in _COMPLIANCE_WORDS if _covers(pattern, w)), None)
            if word is not None:
                message = (
                    f"The pattern {keyword!r} matches {word.upper()!r}, a compliance word: a text that is "
                    f"just {word.upper()} is always answered by the compliance rules, never by this rule."
                )
                found.append(
                    Conflict("reserved_word", keyword, None, None, word.upper(), "compliance", message)
                )
        return found
    for keyword in _texts(rule):
        tokens = tokenize(keyword)
        if rule.match == "exact" and " ".join(tokens) in set(_COMPLIANCE_WORDS) | {"yes"}:
            continue  # validate_rule refuses this one outright: it could never fire
        hit = detect(keyword, tokens, False, frozenset(tokens)) or detect(
            keyword, tokens, True, frozenset(tokens)
        )
        if hit is None:
            continue
        what = {
            "opt_out": "opts the customer out",
            "opt_in": "opts the customer back in",
            "help": "gets HELP",
        }
        message = (
            f"{keyword!r} is a compliance word: a text like {keyword!r} {what.get(hit.kind, 'is answered')} "
            "before any rule is looked at, so this rule never answers it."
        )
        found.append(Conflict("reserved_word", keyword, None, None, keyword, "compliance", message))
    return found


def find_conflicts(rule: Rule, others: Iterable[Rule]) -> list[Conflict]:
    """Every conflict of rule (saved or a draft) with the other rules, at most MAX_CONFLICTS."""
    this = replace(rule, enabled=True)  # a disabled draft is still checked as it would be when enabled
    rivals = [r for r in others if r.id != rule.id]
    conflicts = _reserved(this)

    keys: dict[str, list[Rule]] = {}
    for other in rivals:
        for keyword in other.keywords:
            if isinstance(keyword, str) and keyword.strip():
                keys.setdefault(_key(other, keyword), []).append(other)
    reported: set[tuple[int, str]] = set()
    for keyword in this.keywords:
        if not isinstance(keyword, str) or not keyword.strip():
            continue
        for other in dict.fromkeys(keys.get(_key(this, keyword), [])):
            winner = _winner(this, other, keyword) if other.enabled else None
            state = "" if other.enabled else " (disabled)"
            message = f"{keyword!r} is already a keyword of {other.name!r}{state}; {_who(winner, other)}."
            conflicts.append(
                Conflict("duplicate_keyword", keyword, other.id, other.name, keyword, winner, message)
            )
            reported.add((other.id, _key(this, keyword)))

    active = [r for r in rivals if r.enabled]
    if active:
        index = KeywordIndex(active)
        by_id = {r.id: r for r in active}
        for text in _texts(this):
            tokens = tokenize(text)
            for match in index.matches(tokens, text, frozenset(tokens)):
                other = by_id[match.rule_id]
                if (other.id, " ".join(tokens)) in reported:
                    continue
                reported.add((other.id, " ".join(tokens)))
                conflicts.append(_overlap(this, other, text, match.keyword))
        mine = KeywordIndex([this])
        for other in active:
            for text in _texts(other):
                tokens = tokenize(text)
                if (other.id, " ".join(tokens)) in reported:
                    continue
                hits = mine.matches(tokens, text, frozenset(tokens))
                if hits:
                    reported.add((other.id, " ".join(tokens)))
                    conflicts.append(_overlap(this, other, text, text, mine_keyword=hits[0].keyword))
            if len(conflicts) >= MAX_CONFLICTS:
                break
    return conflicts[:MAX_CONFLICTS]


def _overlap(
    this: Rule, other: Rule, text: str, other_keyword: str, mine_keyword: str | None = None
) -> Conflict:
    winner = _winner(this, other, text)
    mine = f" (keyword {mine_keyword!r})" if mine_keyword and mine_keyword != text else ""
    theirs = f" (keyword {other_keyword!r})" if other_keyword != text else ""
    message = (
        f"A text like {text!r} matches both this rule{mine} and {other.name!r}{theirs}; "
        f"{_who(winner, other)}."
    )
    return Conflict("overlap", mine_keyword or text, other.id, other.name, text, winner, message)
