"""The import report: what a file holds (dry run) or what importing it did — counts and examples.

The dry run and the import fill the same report through the same code, so what the check promises is
what the import does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 20
MAX_EXAMPLE_CHARS = 120  # a 100 KB cell must not make a 2 MB report

# Every kind of problem, in the order the report lists them, with what it means for the rows concerned.
PROBLEM_KINDS: dict[str, str] = {
    "invalid_numbers": "No usable phone number: the row is skipped.",
    "duplicates": "The same number as an earlier row (after normalising): the first row wins, "
    "this one is skipped.",
    "no_consent": "No consent_source: imported as a contact, but not added to the list "
    "(consent is required).",
    "opted_out": "Opted out earlier: stays opted out whatever the file says, and is not added to the list.",
    "left_list": "Left the list earlier: kept out (a file never re-subscribes someone who unsubscribed).",
    "invalid_values": "A cell that cannot be stored (wrong attribute type, too long, not a date …): "
    "that cell is skipped, the rest of the row is imported.",
    "unknown_columns": "A column that is neither a known column nor a custom attribute: ignored.",
}

# What the page and the terminal call each kind.
PROBLEM_TITLES: dict[str, str] = {
    "invalid_numbers": "Invalid numbers",
    "duplicates": "Duplicates in the file",
    "no_consent": "No consent source",
    "opted_out": "Opted out earlier",
    "left_list": "Left the list earlier",
    "invalid_values": "Values that cannot be stored",
    "unknown_columns": "Ignored columns",
}

# The counts, in the order the report lists them, with their labels (dry run, done).
COUNTS: dict[str, tuple[str, str]] = {
    "rows_read": ("Rows read", "Rows read"),
    "valid_rows": ("Rows with a usable number", "Rows with a usable number"),
    "new_contacts": ("New contacts to create", "New contacts created"),
    "updated_contacts": ("Existing contacts to update", "Existing contacts updated"),
    "unchanged_contacts": ("Existing contacts already up to date", "Existing contacts already up to date"),
    "subscribed": ("To add to the list", "Added to the list"),
    "already_members": ("Already on the list", "Already on the list"),
    "opt_outs_added": ("Opt-outs to record", "Opt-outs recorded"),
    "tags_added": ("Tags to add", "Tags added"),
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """A cell safe to print on a terminal: control characters (escape sequences …) shown as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def shorten(value: str) -> str:
    """A cell as an example shows it: at most MAX_EXAMPLE_CHARS characters."""
    return value if len(value) <= MAX_EXAMPLE_CHARS else value[: MAX_EXAMPLE_CHARS - 1] + "…"


@dataclass(slots=True)
class Problem:
    """One kind of problem: how many rows have it, and the first MAX_EXAMPLES of them."""

    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, column: str, value: str, reason: str) -> None:
        """Count one occurrence; keep it as an example while there is room."""
        self.count += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"row": row, "column": column, "value": shorten(value), "reason": reason})


@dataclass(slots=True)
class ImportReport:
    """Counts and problems of one file, as checked (dry_run) or as imported."""

    dry_run: bool
    file_name: str
    region: str
    list_id: int | None = None
    list_name: str | None = None
    delimiter: str = ","
    columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    valid_rows: int = 0
    new_contacts: int = 0
    updated_contacts: int = 0
    unchanged_contacts: int = 0
    subscribed: int = 0
    already_members: int = 0
    opt_outs_added: int = 0
    tags_added: int = 0
    problems: dict[str, Problem] = field(default_factory=lambda: {kind: Problem() for kind in PROBLEM_KINDS})

    def problem(self, kind: str, row: int, column: str, value: str, reason: str) -> None:
        """Record one problem of a known kind."""
        self.problems[kind].add(row, column, value, reason)

    def to_json(self) -> dict[str, Any]:
        """The report as the API answers it."""
        from inbox.imports.csvfile import DELIMITERS

        return {
            "dry_run": self.dry_run,
            "file_name": self.file_name,
            "region": self.region,
            "list": None if self.list_id is None else {"id": self.list_id, "name": self.list_name},
            "delimiter": DELIMITERS.get(self.delimiter, self.delimiter),
            "columns": self.columns,
            **{name: getattr(self, name) for name in COUNTS},
            "texts_sent": 0,  # said outright: an import never texts anyone
            "problems": {
                kind: {"count": problem.count, "examples": problem.examples}
                for kind, problem in self.problems.items()
            },
        }

    def lines(self) -> list[str]:
        """The report as plain lines for a terminal."""
        done = 0 if self.dry_run else 1
        head = "Dry run (nothing was changed)" if self.dry_run else "Imported"
        target = f' into list "{self.list_name}"' if self.list_name else " (no list)"
        out = [f"{head}: {self.file_name}{target}, region {self.region}"]
        out.append(f"  columns: {', '.join(self.columns) or '(none)'}")
        width = max(len(labels[done]) for labels in COUNTS.values())
        for name, labels in COUNTS.items():
            out.append(f"  {labels[done]:<{width}}  {getattr(self, name):>9,}")
        for kind, problem in self.problems.items():
            if not problem.count:
                continue
            out.append("")
            out.append(f"{PROBLEM_TITLES[kind]}: {problem.count:,} — {PROBLEM_KINDS[kind]}")
            for example in problem.examples:
                value = printable(example["value"])
                out.append(f"  row {example['row']}, {example['column']} “{value}”: {example['reason']}")
            if problem.count > len(problem.examples):
                out.append(f"  … and {problem.count - len(problem.examples):,} more")
        return out
