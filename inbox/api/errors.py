"""API errors: {"error": {"code", "message", "fields"?}} with a 4xx status."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to the client as JSON."""

    def __init__(
        self, status: int, code: str, message: str, fields: list[dict[str, str]] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body of the error."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.fields:
            body["fields"] = self.fields
        return body


def invalid(field: str, message: str) -> ApiError:
    """A 422 about one field."""
    return ApiError(422, "invalid_request", f"{field}: {message}", [{"field": field, "message": message}])


def not_found(what: str) -> ApiError:
    """A 404 for a resource that does not exist."""
    return ApiError(404, "not_found", f"{what} not found")
