"""/api/v1/contacts/import (a CSV file: dry run, then import) and /api/v1/contacts/export.csv.

The import takes files far larger than the app's request limit (MAX_CONTENT_LENGTH, 1 MB for JSON and
webhooks): its own limit, IMPORT_MAX_CONTENT_LENGTH (50 MB by default), is set on this one endpoint's
request before anything reads the body, so no other endpoint accepts more.
"""

from __future__ import annotations

import re
from typing import IO

from flask import Response, current_app, g, jsonify, request, stream_with_context
from werkzeug.exceptions import RequestEntityTooLarge

from inbox.actions.imports import ImportFileError, ImportOptions, UnknownList, import_contacts
from inbox.api import bp
from inbox.api.errors import ApiError, invalid
from inbox.api.params import MAX_ID
from inbox.db import get_session, utcnow
from inbox.imports.csvfile import import_max_bytes, readable_size
from inbox.imports.export import ExportFilter, export_csv, file_name
from inbox.imports.rows import is_region
from inbox.models import SubscriberList
from inbox.models.subscribers import MEMBERSHIP_STATUSES
from inbox.segments import SegmentSyntaxError, Vocabulary, segment_condition
from inbox.segments.language import MAX_LENGTH as MAX_SEGMENT

IMPORT_ENDPOINT = "api.import_contacts_view"
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
MAX_FILE_NAME = 200
_DIGITS = re.compile(r"[0-9]{1,12}")


def too_large() -> ApiError:
    """The 413 for a file over the import limit, saying the limit and what to do."""
    return ApiError(
        413,
        "file_too_large",
        f"The file is larger than {readable_size(import_max_bytes(current_app.config))}, the most one import "
        "takes. Split it into several files (keep the header row in each) and import them one after another.",
    )


@bp.before_app_request
def raise_the_limit_for_imports() -> None:
    """Only the import endpoint takes large bodies: its limit is set before auth or CSRF reads the form."""
    if request.endpoint != IMPORT_ENDPOINT:
        return
    request.max_content_length = import_max_bytes(current_app.config)
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise too_large()


def _require_admin() -> None:
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can import or export contacts")


def _flag(name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise invalid(name, "must be true or false")
    return raw == "true"


def _list_id(required_for: str | None = None) -> int | None:
    raw = request.args.get("list_id")
    if raw is None:
        if required_for:
            raise invalid("list_id", f"is required with {required_for}")
        return None
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        raise invalid("list_id", "must be a list id (a positive whole number)")
    return int(raw)


def _region() -> str:
    raw = request.args.get("region")
    if raw is None:
        return str(current_app.config["DEFAULT_REGION"]).upper()
    if not is_region(raw):
        raise invalid("region", "must be a region code in capitals, such as US, GB or DE")
    return raw


def _upload() -> tuple[IO[bytes], str]:
    """The uploaded file and its name: multipart field "file", or the body itself as text/csv."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise invalid("file", 'is required: send the CSV in the multipart field "file"')
        name = (upload.filename or "upload.csv").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        return upload.stream, _file_name(name)
    if request.mimetype in CSV_TYPES:
        name = request.args.get("file_name") or "upload.csv"
        if len(name) > MAX_FILE_NAME:
            raise invalid("file_name", f"must be at most {MAX_FILE_NAME} characters")
        return request.stream, _file_name(name)
    raise ApiError(
        415,
        "unsupported_media_type",
        'send the CSV as multipart/form-data (field "file") or as the body with Content-Type: text/csv',
    )


def _file_name(name: str) -> str:
    """A file name fit for the consent records: one line, no control characters, not too long."""
    cleaned = "".join(ch for ch in name if ch.isprintable()).strip() or "upload.csv"
    return cleaned[:MAX_FILE_NAME]


@bp.post("/contacts/import")
def import_contacts_view() -> Response:
    """Check (dry_run=true, the default) or import a contacts CSV file (admins); the report either way."""
    _require_admin()
    dry_run = _flag("dry_run", True)
    list_id = _list_id()
    region = _region()
    try:
        stream, name = _upload()
        options = ImportOptions(
            file_name=name, dry_run=dry_run, list_id=list_id, region=region, user_id=g.api_user.id
        )
        report = import_contacts(get_session(), stream, options)
    except RequestEntityTooLarge:
        raise too_large() from None
    except UnknownList:
        raise invalid("list_id", "no list has this id") from None
    except ImportFileError as error:
        raise ApiError(422, "invalid_file", str(error), [{"field": "file", "message": str(error)}]) from None
    return jsonify(report.to_json())


@bp.get("/contacts/export.csv")
def export_contacts_view() -> Response:
    """Contacts as a CSV download (admins), streamed; filtered by list (and membership status) and segment."""
    _require_admin()
    status = request.args.get("status")
    list_id = _list_id(required_for="status" if status else None)
    if status is not None and status not in MEMBERSHIP_STATUSES:
        raise invalid("status", f"must be one of {', '.join(MEMBERSHIP_STATUSES)}")
    session = get_session()
    list_name = None
    if list_id is not None:
        target = session.get(SubscriberList, list_id)
        if target is None:
            raise invalid("list_id", "no list has this id")
        list_name = target.name
    segment = None
    text = request.args.get("segment")
    if text:
        if len(text) > MAX_SEGMENT:
            raise invalid("segment", f"must be at most {MAX_SEGMENT} characters")
        try:
            segment = segment_condition(text, Vocabulary.load(session), utcnow())
        except SegmentSyntaxError as error:
            raise ApiError(
                422,
                "invalid_segment",
                str(error),
                [{"field": "segment", "message": error.message}],
                line=error.line,
                column=error.column,
            ) from None
    session.commit()  # the streamed pages each read in their own short transaction
    which = ExportFilter(list_id=list_id, status=status, segment=segment)
    response = Response(stream_with_context(export_csv(session, which)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{file_name(list_name, utcnow().date())}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
