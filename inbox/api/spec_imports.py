"""The OpenAPI description of contact import (CSV, with a dry run) and export."""

from __future__ import annotations

from typing import Any

from inbox.api.spec_parts import BOOL, INT, ROW_ID, STR, enum, nullable, obj, query, ref, responses
from inbox.imports.report import COUNTS, MAX_EXAMPLES, PROBLEM_KINDS
from inbox.imports.rows import BUILT_IN_COLUMNS, SUPPORTED_REGIONS
from inbox.models.subscribers import MEMBERSHIP_STATUSES
from inbox.segments.language import MAX_LENGTH as MAX_SEGMENT

COLUMNS_HELP = "\n".join(f"- `{name}`: {text}" for name, text in BUILT_IN_COLUMNS.items())
PROBLEMS_HELP = "\n".join(f"- `{kind}`: {text}" for kind, text in PROBLEM_KINDS.items())

IMPORT_DESCRIPTION = f"""\
Checks (`dry_run=true`, the default) or imports a CSV file of contacts; admins only. The answer is the same
report either way: the dry run says what the import would do and changes nothing; the import says what it
did. No text is sent.

**The file**: UTF-8 text (a byte order mark is fine), comma-, semicolon- or tab-separated (read from the
header row), at most 50 MB. The first row names the columns, case-insensitively (spaces count as
underscores):

{COLUMNS_HELP}
- any custom attribute key (see the attribute definitions): the value is checked against the attribute's
  type — a number, a date as YYYY-MM-DD, yes/no for a boolean, text of at most 500 characters.

Other columns are ignored and listed under `unknown_columns`. An empty cell never erases a stored value.
Phone numbers are normalised to E.164; national numbers are read in `region` (the desk's DEFAULT_REGION
when not given). Importing the same file twice changes nothing the second time.

**The list** (`list_id`): rows with a `consent_source` join it (status subscribed, source "import",
source detail "<file name>: <consent_source>", joined at `consent_at` or now). Never added: rows without a
consent source, contacts who opted out (they stay opted out whatever the file says) and contacts who left
the list earlier.

**The report**: counts, and for each kind of problem a count with the first {MAX_EXAMPLES} examples (row
number — the header is row 1 — column, value, reason):

{PROBLEMS_HELP}

Send the file as `multipart/form-data` (field `file`) or as the request body with `Content-Type: text/csv`
(then `file_name` names it in the consent records). A file that is not UTF-8 CSV or has no `phone` column:
422 `invalid_file`. Larger than the limit: 413 `file_too_large`.
"""

EXPORT_DESCRIPTION = """\
Every contact (or a list's members, optionally in one membership `status`, and/or those a `segment`
selects) as a CSV download, streamed; admins only. Columns: `phone`, `name`, `opted_out` (yes/no), `tags`
(separated by ";"), one column per custom attribute (by key, booleans as yes/no), `lists` (the lists the
contact is subscribed to, separated by ";"). UTF-8 with a byte order mark, comma-separated, CRLF line ends.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an apostrophe so a
spreadsheet shows it as text instead of running it as a formula — phone numbers too (it also keeps the
leading + in spreadsheets). The import removes that apostrophe, so an export imports back unchanged.
"""

EXAMPLE = obj({"row": INT, "column": STR, "value": STR, "reason": STR})
PROBLEM = obj({"count": INT, "examples": {"type": "array", "items": ref("ImportExample"), "maxItems": 20}})

SCHEMAS: dict[str, Any] = {
    "ImportExample": EXAMPLE,
    "ImportProblem": PROBLEM,
    "ImportReport": obj(
        {
            "dry_run": BOOL,
            "file_name": STR,
            "region": STR,
            "list": nullable(obj({"id": INT, "name": STR})),
            "delimiter": {"type": "string", "enum": ["comma", "semicolon", "tab"]},
            "columns": {"type": "array", "items": STR},
            **{
                name: {"type": "integer", "minimum": 0, "description": labels[1]}
                for name, labels in COUNTS.items()
            },
            "texts_sent": {"type": "integer", "enum": [0]},
            "problems": obj({kind: ref("ImportProblem") for kind in PROBLEM_KINDS}),
        }
    ),
}

CSV_BODY = {"type": "string", "description": "the CSV file itself"}

PATHS: dict[str, Any] = {
    "/contacts/import": {
        "post": {
            "operationId": "importContacts",
            "summary": "Check (dry run, the default) or import a CSV file of contacts (admins)",
            "description": IMPORT_DESCRIPTION,
            "parameters": [
                query("dry_run", BOOL, "true (the default): only report; false: import"),
                query("list_id", ROW_ID, "the list rows with a consent source join"),
                query("region", enum(sorted(SUPPORTED_REGIONS)), "the region of national numbers (US, GB …)"),
                query(
                    "file_name",
                    {"type": "string", "maxLength": 200},
                    "the file's name for the consent records (text/csv bodies; multipart sends its own)",
                ),
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    },
                    "text/csv": {"schema": CSV_BODY},
                },
            },
            "responses": responses(200, "The report", ref("ImportReport")),
        }
    },
    "/contacts/export.csv": {
        "get": {
            "operationId": "exportContacts",
            "summary": "Contacts as a CSV download (admins), streamed",
            "description": EXPORT_DESCRIPTION,
            "parameters": [
                query("list_id", ROW_ID, "only this list's members"),
                query("status", enum(MEMBERSHIP_STATUSES), "only members in this status (needs list_id)"),
                query(
                    "segment",
                    {"type": "string", "maxLength": MAX_SEGMENT},
                    "only the contacts this segment selects (the segment language)",
                ),
            ],
            "responses": {
                **responses(200, "", None),
                "200": {
                    "description": "The CSV file (Content-Disposition: attachment; filename=…)",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
            },
        }
    },
}
