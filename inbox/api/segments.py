"""/api/v1/segments: check a segment and count the contacts it selects (the editor's live count)."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import func, select

from inbox.api import bp
from inbox.api.errors import ApiError
from inbox.api.params import json_body, text_field
from inbox.db import get_session, utcnow
from inbox.models import Contact
from inbox.segments import SegmentSyntaxError, Vocabulary, segment_condition
from inbox.segments.language import MAX_LENGTH


@bp.post("/segments/count")
def count_segment() -> Response:
    """How many contacts a segment selects now; a 422 pointing at the line and column when it is wrong."""
    text = text_field(json_body(), "filter", max_length=MAX_LENGTH) or ""
    session = get_session()
    try:
        condition = segment_condition(text, Vocabulary.load(session), utcnow())
    except SegmentSyntaxError as error:
        raise ApiError(
            422,
            "invalid_segment",
            str(error),
            [{"field": "filter", "message": error.message}],
            line=error.line,
            column=error.column,
        ) from None
    count = session.scalar(select(func.count()).select_from(Contact).where(condition)) or 0
    return jsonify(count=count)
