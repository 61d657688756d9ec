"""The segment filter language: text → a small syntax tree, or an error that points at the spot.

    tag = "vip" AND city = "Boston" AND last_inbound_at > -30d
    (list = "Newsletter" OR tag = "beta") AND NOT opted_out = true
    name contains "ann" AND signup_date >= 2026-01-01 AND orders > 3

An expression is comparisons joined by AND, OR and NOT (in that order of strength, loosest last) and
grouped by parentheses. A comparison is `field op value`:

- fields: `phone`, `name`, `tag`, `list`, `opted_out`, `created_at`, `last_inbound_at`, and every custom
  attribute by its key;
- ops: `=`, `!=`, `<`, `<=`, `>`, `>=`, `contains` (which ops a field takes depends on its type);
- values: "text" (double quotes, backslash escapes), numbers, true/false, dates 2026-01-31, and times
  relative to now: -30d (30 days ago), -12h, -2w, 7d (in a week).

The grammar is parsed by Lark (LALR); errors carry the line and column. What a field means and which
values it takes is checked when the tree is turned into SQL (inbox/segments/query.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

MAX_LENGTH = 2000
MAX_DEPTH = 12  # parentheses inside parentheses
MAX_COMPARISONS = 50

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> negation
         | atom
?atom: "(" or_expr ")"
     | comparison
comparison: FIELD OP value
?value: STRING -> text
      | NUMBER -> number
      | DATE -> date
      | RELATIVE -> relative
      | TRUE -> true
      | FALSE -> false

_OR.2: /or\b/i
_AND.2: /and\b/i
_NOT.2: /not\b/i
TRUE.2: /true\b/i
FALSE.2: /false\b/i
OP: "!=" | "<=" | ">=" | "=" | "<" | ">" | /contains\b/i
FIELD: /[a-z_][a-z0-9_]*/i
STRING: /"(\\.|[^"\\\n])*"/
DATE.3: /\d{4}-\d{2}-\d{2}(?![\w-])/
RELATIVE.3: /[+-]?\d+[hdw](?!\w)/
NUMBER: /[+-]?(\d+(\.\d*)?|\.\d+)(?![\w.])/
%ignore /\s+/
"""


class SegmentSyntaxError(ValueError):
    """A segment that does not parse or does not make sense, with where (1-based line and column)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """A time relative to when the segment is evaluated: -30 days, +12 hours."""

    amount: int
    unit: str  # "h", "d" or "w"

    def at(self, now: dt.datetime) -> dt.datetime:
        """The moment this means, seen from now."""
        hours = {"h": 1, "d": 24, "w": 24 * 7}[self.unit]
        return now + dt.timedelta(hours=self.amount * hours)


Value = str | float | bool | dt.date | RelativeTime


@dataclass(frozen=True, slots=True)
class Comparison:
    """field op value, and where the field starts."""

    field: str
    op: str
    value: Value
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds (AND)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds (OR)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """The part does not hold (NOT)."""

    part: Node


Node = Comparison | AllOf | AnyOf | Negation

_PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


@v_args(inline=True)
class _ToTree(Transformer[Token, Node]):
    """Lark's parse tree → our frozen nodes."""

    def or_expr(self, *parts: Node) -> Node:
        return AnyOf(tuple(parts))

    def and_expr(self, *parts: Node) -> Node:
        return AllOf(tuple(parts))

    def negation(self, part: Node) -> Node:
        return Negation(part)

    def comparison(self, field: Token, op: Token, value: Value) -> Node:
        return Comparison(str(field).lower(), str(op).lower(), value, field.line or 1, field.column or 1)

    def text(self, token: Token) -> str:
        return str(json.loads(str(token)))

    def number(self, token: Token) -> float:
        return float(token)

    def date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            raise SegmentSyntaxError(f"{token} is not a date", token.line or 1, token.column or 1) from None

    def relative(self, token: Token) -> RelativeTime:
        text = str(token)
        return RelativeTime(int(text[:-1]), text[-1].lower())

    def true(self, _token: Token) -> bool:
        return True

    def false(self, _token: Token) -> bool:
        return False


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedEOF):
        return "the segment ends too soon: a comparison or a closing parenthesis is missing"
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            return "the segment ends too soon: a comparison or a closing parenthesis is missing"
        expected = sorted(error.expected)
        hint = ""
        if "OP" in expected:
            hint = ": a comparison needs an operator (=, !=, <, <=, >, >=, contains)"
        elif {"STRING", "NUMBER"} & set(expected):
            hint = ': a comparison needs a value ("text", 12, true, 2026-01-31, -30d)'
        return f"unexpected {str(token)!r}{hint}"
    return "this is not a segment"


def _check_size(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise SegmentSyntaxError(f"a segment may have at most {MAX_LENGTH} characters", 1, MAX_LENGTH + 1)
    depth = 0
    line, column = 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise SegmentSyntaxError(f"at most {MAX_DEPTH} parentheses inside each other", line, column)
        elif char == ")":
            depth = max(0, depth - 1)


def parse(text: str) -> Node:
    """The syntax tree of a segment; SegmentSyntaxError (with line and column) when it does not parse."""
    if not isinstance(text, str) or not text.strip():
        raise SegmentSyntaxError('the segment is empty: write a comparison such as tag = "vip"')
    _check_size(text)
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as error:
        line, column = error.line or 1, error.column or 1
        if isinstance(error, UnexpectedEOF) or getattr(getattr(error, "token", None), "type", "") == "$END":
            # Point past the last character, where the missing part belongs.
            lines = text.rstrip().split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        raise SegmentSyntaxError(_describe(error), line, column) from None
    try:
        node = _ToTree().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, SegmentSyntaxError):
            raise error.orig_exc from None
        raise
    if sum(1 for _ in comparisons(node)) > MAX_COMPARISONS:
        raise SegmentSyntaxError(f"at most {MAX_COMPARISONS} comparisons in one segment")
    return node


def comparisons(node: Node) -> list[Comparison]:
    """Every comparison in a tree, in reading order."""
    if isinstance(node, Comparison):
        return [node]
    if isinstance(node, Negation):
        return comparisons(node.part)
    return [found for part in node.parts for found in comparisons(part)]
