"""The JSON API under /api/v1: Bearer tokens or the logged-in session, JSON errors, cursor paging."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, g, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from inbox import auth
from inbox.api.errors import ApiError
from inbox.api.params import MAX_ID

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi_document"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.before_request
def authenticate() -> None:
    """Every endpoint but the OpenAPI document needs a valid token or a logged-in user."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    user = auth.request_user()
    if user is None:
        raise ApiError(401, "unauthorized", "a valid Bearer token or a logged-in session is required")
    if auth.bearer_token() is None and request.method not in SAFE_METHODS:
        require_csrf_token()
    g.api_user = user
    reject_unknown_query_parameters()


def require_csrf_token() -> None:
    """A session (cookie) caller must prove the request comes from our own page: X-CSRFToken."""
    try:
        auth.csrf.protect()
    except CSRFError as error:
        raise ApiError(
            400, "csrf_failed", f"{error.description} Send the page's token as X-CSRFToken."
        ) from None


def reject_unknown_query_parameters() -> None:
    """A misspelt filter (?stauts=open) must not silently return everything: 422 naming it."""
    from inbox.api.openapi import query_parameters

    if request.url_rule is None:
        return
    allowed = query_parameters(request.url_rule.rule, request.method)
    for name, value in request.args.items(multi=True):
        if "\x00" in value:
            raise ApiError(
                422,
                "invalid_request",
                f"{name}: must not contain NUL characters",
                [{"field": name, "message": "must not contain NUL characters"}],
            )
        if name not in allowed:
            raise ApiError(
                422,
                "invalid_request",
                f"unknown query parameter {name!r}",
                [{"field": name, "message": "is not a query parameter of this endpoint"}],
            )


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> tuple[Response, int]:
    """Our own errors, already shaped."""
    response = jsonify(error=error.body())
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="textdesk"'
    return response, error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response, int]:
    """Werkzeug's errors (404, 405, 413 …) in our JSON shape."""
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify(error={"code": code, "message": error.description or error.name}), error.code or 500


class IdConverter(BaseConverter):
    """A row id. One outside the columns' range becomes 0, which no row has: a plain 404, not an overflow.

    (Raising ValidationError instead makes Werkzeug answer a misleading 405.)
    """

    regex = r"[0-9]{1,40}"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if 1 <= number <= MAX_ID else 0

    def to_url(self, value: int) -> str:
        return str(value)


def init_app(app: Flask) -> None:
    """Register the API and its resources."""
    app.url_map.converters["id"] = IdConverter
    from inbox.api import (  # noqa: F401  (routes)
        bot_bench,
        campaigns,
        canned,
        contacts,
        conversations,
        imports,
        messages,
        openapi,
        rules,
        segments,
        settings,
        subscribers,
        templates,
        users,
    )

    auth.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def json_errors_for_machines(error: HTTPException) -> Response | HTTPException | tuple[Response, int]:
        """Paths no blueprint matched (404, 405, 413 …): JSON under /api/ and /webhooks/, pages elsewhere."""
        if request.path.startswith(("/api/", "/webhooks/")):
            return http_error(error)
        return error
