"""The building blocks of the OpenAPI document, shared by every module that describes endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inbox.api.params import MAX_ID

STR = {"type": "string"}
ENCODINGS = ["GSM-7", "UCS-2"]
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}
ROW_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}  # ids are 32-bit integers on PostgreSQL


def enum(values: Iterable[str]) -> dict[str, Any]:
    """A string schema limited to values (taken from the code's own constants, never retyped)."""
    return {"type": "string", "enum": list(values)}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 nullable copy of a schema."""
    return {**schema, "nullable": True}


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object schema; every listed property is required unless said otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def page_of(name: str) -> dict[str, Any]:
    """A list response: {"data": [...], "next_cursor": … | null}."""
    return obj({"data": {"type": "array", "items": ref(name)}, "next_cursor": nullable(STR)})


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """An application/json content map."""
    return {"application/json": {"schema": schema}}


ERROR_RESPONSES = {
    str(status): {"description": description, "content": json_content(ref("Error"))}
    for status, description in {
        400: "The body is not a JSON object",
        401: "No valid token or session",
        403: "Not allowed for this user",
        404: "No such resource",
        413: "The request is too large",
        415: "The body is not JSON",
        422: "A field is invalid; error.fields says which and why",
    }.items()
}


def responses(ok_status: int, description: str, schema: dict[str, Any] | None, *extra: int) -> dict[str, Any]:
    """An operation's responses: the success one plus every error it can answer."""
    ok: dict[str, Any] = {"description": description}
    if schema is not None:
        ok["content"] = json_content(schema)
    result: dict[str, Any] = {str(ok_status): ok, **ERROR_RESPONSES}
    for status in extra:
        result[str(status)] = {
            "description": "Conflict with the current state",
            "content": json_content(ref("Error")),
        }
    return result


def path_id(name: str) -> dict[str, Any]:
    """A positive integer id in the path."""
    return {"name": name, "in": "path", "required": True, "schema": ROW_ID}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [
    query("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "page size (default 50)"),
    query("cursor", STR, "next_cursor of the previous page"),
]


def body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    """A JSON request body."""
    return {"required": required, "content": json_content(schema)}
