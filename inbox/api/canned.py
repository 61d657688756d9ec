"""/api/v1/canned-responses: replies agents insert by /shortcut; admins write them."""

from __future__ import annotations

from flask import Response, g, jsonify
from sqlalchemy import select

from inbox import resources
from inbox.actions.canned import CannedError, create_canned, delete_canned, update_canned
from inbox.api import bp
from inbox.api.errors import ApiError, invalid, not_found
from inbox.api.params import json_body, text_field
from inbox.db import get_session
from inbox.models import CannedResponse


def _require_admin() -> None:
    if not g.api_user.is_admin:
        raise ApiError(403, "forbidden", "only admins can change canned responses")


def _canned(canned_id: int) -> CannedResponse:
    row = get_session().get(CannedResponse, canned_id)
    if row is None:
        raise not_found("canned response")
    return row


def _fields(current: CannedResponse | None = None) -> tuple[str, str]:
    data = json_body()
    unknown = set(data) - {"shortcut", "body"}
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a field of a canned response")
    required = current is None
    shortcut = text_field(data, "shortcut", required=required, max_length=33)
    body = text_field(data, "body", required=required, max_length=1600)
    return (
        shortcut if shortcut is not None else current.shortcut if current else "",
        body if body is not None else current.body if current else "",
    )


@bp.get("/canned-responses")
def list_canned() -> Response:
    """Every canned response, by shortcut (a short list: one page)."""
    rows = get_session().scalars(select(CannedResponse).order_by(CannedResponse.shortcut)).all()
    return jsonify(data=[resources.canned_response(r) for r in rows], next_cursor=None)


@bp.post("/canned-responses")
def create_canned_view() -> tuple[Response, int]:
    """Create a canned response (admins)."""
    _require_admin()
    shortcut, body = _fields()
    try:
        row = create_canned(get_session(), shortcut, body)
    except CannedError as error:
        raise invalid(error.field, error.message) from None
    return jsonify(resources.canned_response(row)), 201


@bp.patch("/canned-responses/<id:canned_id>")
def update_canned_view(canned_id: int) -> Response:
    """Change a canned response (admins)."""
    _require_admin()
    row = _canned(canned_id)
    shortcut, body = _fields(row)
    try:
        update_canned(get_session(), row, shortcut, body)
    except CannedError as error:
        raise invalid(error.field, error.message) from None
    return jsonify(resources.canned_response(row))


@bp.delete("/canned-responses/<id:canned_id>")
def delete_canned_view(canned_id: int) -> tuple[str, int]:
    """Delete a canned response (admins)."""
    _require_admin()
    delete_canned(get_session(), _canned(canned_id))
    return "", 204
