"""Reading an uploaded contacts file as a stream: UTF-8 (with or without a BOM), comma, semicolon or tab.

Nothing here holds more than one row at a time: the bytes are decoded by io.TextIOWrapper as csv.reader
asks for them, so a 50 MB upload costs a few kilobytes of buffer, not 50 MB.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

# The names people read in the report and the page.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# A header row is a few hundred characters; a "first line" this long is a binary file or one without
# line breaks, and reading further would only use memory.
MAX_HEADER_CHARS = 64 * 1024
# One cell may hold at most this many characters (csv's own default, said here so messages can name it).
MAX_CELL_CHARS = 131_072
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # how surrogateescape decodes a byte that is not UTF-8
SAVE_AS_UTF8 = 'save it as "CSV UTF-8" (Excel: File › Save As › CSV UTF-8; Google Sheets: Download › CSV)'


# The largest upload an import takes unless IMPORT_MAX_CONTENT_LENGTH says otherwise (the app's general
# request limit is far smaller: it is raised for the import endpoint only).
DEFAULT_IMPORT_MAX_BYTES = 50 * 1024 * 1024


def import_max_bytes(config: Mapping[str, Any]) -> int:
    """The largest upload the import endpoint accepts, from the app's config."""
    return int(config.get("IMPORT_MAX_CONTENT_LENGTH", DEFAULT_IMPORT_MAX_BYTES))


def readable_size(size: int) -> str:
    """50 MB, 1.5 MB, 10 KB."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


class ImportFileError(ValueError):
    """The file cannot be read as a contacts CSV: not UTF-8 text, not CSV, no phone column …"""


class CsvFile:
    """An open CSV upload: its header cells and delimiter, and its data rows read one at a time."""

    def __init__(self, text: io.TextIOWrapper, header: list[str], delimiter: str) -> None:
        self._text = text
        self.header = header
        self.delimiter = delimiter
        self.last_row = 1  # the header is row 1, as a spreadsheet numbers it

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank data row; blank rows keep their number but are skipped."""
        reader = csv.reader(self._text, delimiter=self.delimiter, strict=False)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(f"Row {self.last_row + 1} cannot be read as CSV: {error}.") from None
            self.last_row += 1
            if any(_NOT_UTF8.search(cell) for cell in cells):
                raise ImportFileError(f"Row {self.last_row} is not UTF-8 text: {SAVE_AS_UTF8}.")
            if any(cell.strip() for cell in cells):
                yield self.last_row, cells

    def close(self) -> None:
        """Let go of the text layer without closing the caller's byte stream."""
        with contextlib.suppress(ValueError):  # already detached
            self._text.detach()


def open_csv(source: IO[bytes]) -> CsvFile:
    """Start reading a byte stream as a contacts CSV; ImportFileError when its first line shows it is not."""
    buffered: IO[bytes] = source
    if isinstance(source, io.RawIOBase):
        # Werkzeug's request stream is raw; TextIOWrapper wants buffered reads.
        buffered = io.BufferedReader(source)
    # utf-8-sig drops the byte order mark Excel writes; newline="" leaves line ends inside quotes to csv.
    # surrogateescape: a byte that is not UTF-8 becomes a marker in its row, so the error can name the row
    # (a strict decoder fails on the 8 KB chunk ahead, rows before the one at fault).
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        first = _first_line(text)
        delimiter = sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
    except BaseException:
        text.detach()
        raise
    return CsvFile(text, header, delimiter)


def _first_line(text: io.TextIOWrapper) -> str:
    """The header line, checked to be text."""
    line = text.readline(MAX_HEADER_CHARS)
    if _NOT_UTF8.search(line):
        raise ImportFileError(f"The file is not UTF-8 text: {SAVE_AS_UTF8}.")
    if not line.strip():
        raise ImportFileError(
            "The file is empty: it needs a header row naming the columns, then one row per contact."
        )
    if len(line) >= MAX_HEADER_CHARS and not line.endswith(("\n", "\r")):
        raise ImportFileError(
            "The first line is longer than 64 KB: this does not look like a CSV file with a header row."
        )
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in line) or "\x7f" in line:
        raise ImportFileError("The file is not a CSV text file (its first line holds control characters).")
    return line.rstrip("\r\n")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: whichever of comma, semicolon and tab it holds most (comma on ties)."""
    counts = {delimiter: _count_outside_quotes(header_line, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals: comma wins ties
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    """How often delimiter occurs outside double-quoted cells ("Name; first" is one header, not two)."""
    count = 0
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count
