"""/api/v1/segments: saved segments (with their live count), and the count of any filter for the editor."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from inbox.actions.segments import (
    SEGMENT_FIELDS,
    DuplicateSegment,
    InvalidSegment,
    count_matching,
    create_segment,
    delete_segment,
    update_segment,
)
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import decode_cursor, encode_cursor, is_id, json_body, limit, text_field
from inbox.api.subscribers import require_admin
from inbox.db import get_session
from inbox.models import SavedSegment
from inbox.resources import iso
from inbox.segments import SegmentSyntaxError
from inbox.segments.language import MAX_LENGTH


def invalid_segment(error: SegmentSyntaxError) -> ApiError:
    """A 422 that points at the line and column of the problem in the filter."""
    return ApiError(
        422,
        "invalid_segment",
        str(error),
        [{"field": "filter", "message": error.message}],
        line=error.line,
        column=error.column,
    )


def segment_json(row: SavedSegment) -> dict[str, Any]:
    """The saved segment resource with its live count.

    A filter saved valid can stop making sense (its list or attribute was deleted since): count is then
    null and error says why.
    """
    try:
        count: int | None = count_matching(get_session(), row.filter)
        error = None
    except SegmentSyntaxError as problem:
        count, error = None, str(problem)
    return {
        "id": row.id,
        "name": row.name,
        "filter": row.filter,
        "description": row.description,
        "count": count,
        "error": error,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


@bp.post("/segments/count")
def count_segment() -> Response:
    """How many contacts a segment selects now; a 422 pointing at the line and column when it is wrong."""
    text = text_field(json_body(), "filter", max_length=MAX_LENGTH) or ""
    try:
        count = count_matching(get_session(), text)
    except SegmentSyntaxError as error:
        raise invalid_segment(error) from None
    return jsonify(count=count)


def _segment(segment_id: int) -> SavedSegment:
    row = get_session().get(SavedSegment, segment_id)
    if row is None:
        raise not_found("segment")
    return row


def _fields(required: bool) -> dict[str, str]:
    data = json_body()
    unknown = set(data) - set(SEGMENT_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of a segment")
    values: dict[str, str] = {}
    for name in SEGMENT_FIELDS:
        if name in data and not isinstance(data[name], str):
            raise invalid(name, "must be a string")
        value = text_field(data, name, required=required and name != "description", max_length=MAX_LENGTH * 2)
        if value is not None:
            values[name] = value
    return values


def _save_error(error: InvalidSegment | DuplicateSegment | SegmentSyntaxError) -> ApiError:
    if isinstance(error, SegmentSyntaxError):
        return invalid_segment(error)
    if isinstance(error, DuplicateSegment):
        return ApiError(409, "duplicate", str(error), [{"field": "name", "message": "is taken"}])
    return invalid(error.field, error.message)


@bp.get("/segments")
def list_segments() -> Response:
    """Saved segments in the order they were saved, each with its live count."""
    page_size = limit()
    query = select(SavedSegment)
    cursor = decode_cursor(1)
    if cursor is not None:
        if not is_id(cursor[0]):
            raise invalid("cursor", "is not a cursor this API gave out")
        query = query.where(SavedSegment.id > cursor[0])
    rows = get_session().scalars(query.order_by(SavedSegment.id).limit(page_size + 1)).all()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(rows[-1].id)
    return jsonify(data=[segment_json(r) for r in rows], next_cursor=next_cursor)


@bp.post("/segments")
def create_segment_view() -> tuple[Response, int]:
    """Save a segment (admins); 422 invalid_segment with line and column when its filter is wrong."""
    require_admin("segments")
    try:
        row = create_segment(get_session(), _fields(required=True))
    except (InvalidSegment, DuplicateSegment, SegmentSyntaxError) as error:
        raise _save_error(error) from None
    return jsonify(segment_json(row)), 201


@bp.get("/segments/<id:segment_id>")
def get_segment(segment_id: int) -> Response:
    """One saved segment with its live count."""
    return jsonify(segment_json(_segment(segment_id)))


@bp.patch("/segments/<id:segment_id>")
def patch_segment(segment_id: int) -> Response:
    """Change a saved segment's name, filter or description (admins)."""
    require_admin("segments")
    row = _segment(segment_id)
    try:
        update_segment(get_session(), row, _fields(required=False))
    except (InvalidSegment, DuplicateSegment, SegmentSyntaxError) as error:
        raise _save_error(error) from None
    return jsonify(segment_json(row))


@bp.delete("/segments/<id:segment_id>")
def delete_segment_view(segment_id: int) -> tuple[str, int]:
    """Delete a saved segment (admins); campaigns that used it keep their copy of its filter."""
    require_admin("segments")
    delete_segment(get_session(), _segment(segment_id))
    return "", 204
