"""Reading request input strictly: JSON bodies, integers, limits and opaque cursors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from flask import request

from inbox.api.errors import ApiError, invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def is_id(value: object) -> bool:
    """Whether a JSON value is a row id (an int, not a bool, within the column's range)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400/415 saying why not."""
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "send a JSON object with Content-Type: application/json"
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    _refuse_nul(data, "")
    return data


def _refuse_nul(value: Any, path: str) -> None:
    """No text we store may hold NUL (PostgreSQL refuses it): a 422 naming the field instead of a 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(path or "body", "must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, path or "body")
            _refuse_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}[{index}]")


def limit() -> int:
    """?limit=, 1..MAX_LIMIT."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid("limit", f"must be an integer from 1 to {MAX_LIMIT}")
    return int(raw)


def encode_cursor(*values: Any) -> str:
    """An opaque cursor for the next page."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(expected: int) -> list[Any] | None:
    """?cursor= decoded to its values, or None on the first page; a 422 when it was tampered with."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        padded = raw + "=" * (-len(raw) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid("cursor", "is not a cursor this API gave out") from None
    if not isinstance(values, list) or len(values) != expected:
        raise invalid("cursor", "is not a cursor this API gave out")
    return values


def text_field(
    data: dict[str, Any], name: str, *, required: bool = True, max_length: int = 10_000
) -> str | None:
    """A string field of a JSON body."""
    value = data.get(name)
    if value is None:
        if required:
            raise invalid(name, "is required")
        return None
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if len(value) > max_length:
        raise invalid(name, f"must be at most {max_length} characters")
    return value
