"""The columns of a contacts file and the checking of each row: numbers, names, tags, consent, attributes.

Pure checking: no database. Every problem goes into the report with its row number, column, value and
reason; what a cell cannot give is skipped (never guessed), and doubtful consent never subscribes anyone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Only for the list of region codes: sms/phone.py does every parse (see the engineer's report).
from phonenumbers import SUPPORTED_REGIONS

from inbox.imports.csvfile import ImportFileError
from inbox.imports.report import ImportReport
from sms.phone import InvalidAddress, normalize_address, normalize_recipient

BUILT_IN_COLUMNS: dict[str, str] = {
    "phone": "Required. The number in any usual formatting; national numbers are read in the import's "
    "region.",
    "name": "The contact's name (an empty cell keeps the name they have).",
    "tags": 'Tags separated by ";" or "|" (added; tags they already have stay).',
    "consent_source": 'How this person opted in ("paper form at the store"). Without it a row is imported '
    "as a contact but never added to the list.",
    "consent_at": "When they consented: YYYY-MM-DD or an ISO date and time (UTC unless it says otherwise). "
    "Empty: the time of the import.",
    "opted_out": "yes, true or 1 records an opt-out. A file never removes one.",
}
MAX_NAME = 200  # the contacts.name column
MAX_TAG = 60  # the contact_tags.tag column
MAX_TAGS_PER_ROW = 50
MAX_CONSENT_SOURCE = 500
MAX_TEXT_ATTRIBUTE = 500
MAX_NUMBER = 1e15  # beyond this JSON numbers lose whole digits in browsers
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONSENT_CLOCK_SKEW = dt.timedelta(minutes=5)

_TAG_SEPARATORS = re.compile(r"[;|]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def header_key(cell: str) -> str:
    """A header as a column key: case-insensitive, spaces and hyphens as underscores ("Consent Source")."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def is_region(code: str) -> bool:
    """Whether code is a region phonenumbers knows (US, GB, DE …)."""
    return code in SUPPORTED_REGIONS


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each known column, custom attribute and ignored column sits in the file's rows."""

    built_in: Mapping[str, int]
    attributes: tuple[tuple[str, int, str], ...]  # (key, position, type)
    unknown: tuple[tuple[int, str], ...]  # (position, header as written)

    @property
    def names(self) -> list[str]:
        """The columns the import uses, in the file's order."""
        positions = {**{p: k for k, p in self.built_in.items()}, **{p: k for k, p, _ in self.attributes}}
        return [positions[p] for p in sorted(positions)]


def map_columns(header: list[str], attribute_types: Mapping[str, str]) -> Columns:
    """Match header cells to columns; ImportFileError without a phone column or with a column twice."""
    built_in: dict[str, int] = {}
    attributes: list[tuple[str, int, str]] = []
    unknown: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, cell in enumerate(header):
        key = header_key(cell)
        if key in BUILT_IN_COLUMNS or key in attribute_types:
            if key in seen:
                raise ImportFileError(f'The column "{key}" appears twice in the header row: keep one.')
            seen.add(key)
            if key in BUILT_IN_COLUMNS:
                built_in[key] = position
            else:
                attributes.append((key, position, attribute_types[key]))
        else:
            unknown.append((position, cell.strip()))
    if "phone" not in built_in:
        found = ", ".join(f'"{c.strip()}"' for c in header[:12] if c.strip()) or "none"
        raise ImportFileError(
            f'The header row has no "phone" column (found: {found}). The first row must name the columns, '
            'one of them "phone".'
        )
    return Columns(built_in, tuple(attributes), tuple(unknown))


@dataclass(slots=True)
class ContactRow:
    """One checked row: what it may write. list_blocked: a consent cell was unusable, so never subscribe."""

    row: int
    phone: str
    name: str | None
    tags: tuple[str, ...]
    attributes: dict[str, Any]
    consent_source: str | None
    consent_at: dt.datetime | None
    opt_out: bool
    list_blocked: bool


class RowChecker:
    """Checks rows of one file against its columns, recording every problem in the report."""

    def __init__(self, columns: Columns, region: str, now: dt.datetime, report: ImportReport) -> None:
        self.columns = columns
        self.region = region
        self.now = now
        self.report = report

    def cell(self, cells: list[str], name: str) -> str:
        """A known column's cell, trimmed ("" when the column or the cell is missing)."""
        position = self.columns.built_in.get(name)
        if position is None or position >= len(cells):
            return ""
        return unescape_formula(cells[position].strip())

    def phone(self, row: int, cells: list[str]) -> tuple[str | None, str]:
        """(E.164 number, the cell as written); None after reporting why the number is unusable."""
        raw = self.cell(cells, "phone")
        phone, reason = normalise_phone(raw, self.region)
        if phone is None:
            self.report.problem("invalid_numbers", row, "phone", raw, reason)
        return phone, raw

    def contact(self, row: int, phone: str, cells: list[str]) -> ContactRow:
        """Everything else the row says, each unusable cell reported and left out."""
        blocked = False
        name = self._checked(row, "name", self.cell(cells, "name"), clean_name)
        tags = self._tags(row, self.cell(cells, "tags"))
        consent_source: str | None = None
        raw_source = self.cell(cells, "consent_source")
        if raw_source:
            consent_source, error = clean_consent_source(raw_source)
            if error:
                self._invalid(row, "consent_source", raw_source, f"{error}; the row is not added to the list")
                blocked = True
        consent_at: dt.datetime | None = None
        raw_at = self.cell(cells, "consent_at")
        if raw_at:
            try:
                consent_at = parse_moment(raw_at, self.now)
            except ValueError as error:
                self._invalid(row, "consent_at", raw_at, f"{error}; the row is not added to the list")
                blocked = True
        opt_out = False
        raw_out = self.cell(cells, "opted_out")
        if raw_out:
            word = raw_out.lower()
            if word in TRUE_WORDS:
                opt_out = True
            elif word not in FALSE_WORDS:
                self._invalid(
                    row, "opted_out", raw_out, "not yes or no: no opt-out recorded, and not added to the list"
                )
                blocked = True
        attributes: dict[str, Any] = {}
        for key, position, kind in self.columns.attributes:
            raw = unescape_formula(cells[position].strip()) if position < len(cells) else ""
            if not raw:
                continue  # an empty cell never erases a value
            try:
                attributes[key] = attribute_value(kind, raw)
            except ValueError as error:
                self._invalid(row, key, raw, str(error))
        return ContactRow(row, phone, name, tags, attributes, consent_source, consent_at, opt_out, blocked)

    def _checked(self, row: int, column: str, raw: str, clean: Any) -> str | None:
        if not raw:
            return None
        value, error = clean(raw)
        if error:
            self._invalid(row, column, raw, f"{error}: left as it was")
            return None
        return value

    def _tags(self, row: int, raw: str) -> tuple[str, ...]:
        tags: dict[str, None] = {}  # ordered and unique
        for part in _TAG_SEPARATORS.split(raw):
            tag = " ".join(part.split()).lower()
            if not tag:
                continue
            if len(tag) > MAX_TAG:
                self._invalid(row, "tags", tag, f"a tag is at most {MAX_TAG} characters: this one is skipped")
            elif _CONTROL.search(tag):
                self._invalid(row, "tags", tag, "holds control characters: this tag is skipped")
            elif len(tags) >= MAX_TAGS_PER_ROW:
                self._invalid(
                    row, "tags", tag, f"at most {MAX_TAGS_PER_ROW} tags per row: the rest are skipped"
                )
                break
            else:
                tags[tag] = None
        return tuple(tags)

    def _invalid(self, row: int, column: str, value: str, reason: str) -> None:
        self.report.problem("invalid_values", row, column, value, reason)


def unescape_formula(value: str) -> str:
    """Undo the export's guard: "'=1+1" back to "=1+1" (only before a character a spreadsheet would run)."""
    if len(value) > 1 and value[0] == "'" and value[1].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def normalise_phone(raw: str, region: str) -> tuple[str | None, str]:
    """(E.164 number, "") or (None, why it cannot be texted)."""
    if not raw:
        return None, "no phone number"
    try:
        address = normalize_address(raw, region)
    except InvalidAddress as error:
        return None, str(error)
    if address.kind == "short_code":
        return None, "3 to 8 digits: a short code or a number without its area code, not a full phone number"
    if address.kind == "alphanumeric":
        return None, "a sender name, not a phone number"
    try:
        return normalize_recipient(address.value, region), ""
    except InvalidAddress as error:
        return None, str(error)


def clean_name(raw: str) -> tuple[str | None, str]:
    """A name on one line, or the reason it cannot be one."""
    name = " ".join(raw.split())
    if len(name) > MAX_NAME:
        return None, f"longer than {MAX_NAME} characters"
    if _CONTROL.search(name):
        return None, "holds control characters"
    return name or None, ""


def clean_consent_source(raw: str) -> tuple[str | None, str]:
    """The consent source on one line, or the reason it cannot be used as evidence of consent."""
    source = " ".join(raw.split())
    if len(source) > MAX_CONSENT_SOURCE:
        return None, f"longer than {MAX_CONSENT_SOURCE} characters"
    if _CONTROL.search(source):
        return None, "holds control characters"
    return source or None, ""


def parse_moment(raw: str, now: dt.datetime) -> dt.datetime:
    """A consent time from YYYY-MM-DD or ISO 8601 (UTC unless it says otherwise); never in the future."""
    try:
        if _DATE.fullmatch(raw):
            moment = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(), tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError("not a date (YYYY-MM-DD) or ISO date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    if moment > now + CONSENT_CLOCK_SKEW:
        raise ValueError("in the future")
    return moment


def attribute_value(kind: str, raw: str) -> Any:
    """A custom attribute's cell as its type stores it; ValueError saying what the type expects."""
    if kind == "number":
        if not _NUMBER.fullmatch(raw):
            raise ValueError("not a number (digits, an optional - and a . for decimals)")
        number = float(raw)
        if not math.isfinite(number) or abs(number) > MAX_NUMBER:
            raise ValueError("too large a number")
        return int(raw) if _INTEGER.fullmatch(raw) else number
    if kind == "date":
        if not _DATE.fullmatch(raw):
            raise ValueError("not a date in the form YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError("not a real date (YYYY-MM-DD)") from None
    if kind == "boolean":
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError("not yes or no (true/false, 1/0)")
    if len(raw) > MAX_TEXT_ATTRIBUTE:
        raise ValueError(f"longer than {MAX_TEXT_ATTRIBUTE} characters")
    if _CONTROL_BUT_LINES.search(raw):
        raise ValueError("holds control characters")
    return raw
