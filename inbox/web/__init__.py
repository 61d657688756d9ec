"""The browser side: login, pages, admin screens, and the security every page gets (CSRF, CSP)."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden

from inbox.api import api_error, http_error
from inbox.api.errors import ApiError
from inbox.web import (
    admin,
    auth_views,
    bot_admin,
    imports_admin,
    marketing,
    pages,
    security,
    signup,
    simulator,
    subscribers_admin,
    vendor,
)


def wants_json() -> bool:
    """Whether the caller is a script (fetch with JSON) rather than a page or form."""
    return request.path.startswith(("/api/", "/webhooks/")) or request.is_json


def init_app(app: Flask) -> None:
    """Register the pages and switch on CSRF protection, security headers and login throttling."""
    security.init_app(app)
    auth_views.init_app(app)
    for blueprint in (
        auth_views.bp,
        pages.bp,
        admin.bp,
        bot_admin.bp,
        marketing.bp,
        subscribers_admin.bp,
        imports_admin.bp,
        signup.bp,
        simulator.bp,
        vendor.bp,
    ):
        app.register_blueprint(blueprint)

    @app.context_processor
    def _brand() -> dict[str, object]:
        return {"brand_name": app.config["BRAND_NAME"]}

    app.register_error_handler(ApiError, api_error)

    @app.errorhandler(CSRFError)
    def _csrf_failed(error: CSRFError) -> tuple[Response | str, int]:
        """A form or script without a valid CSRF token (often: a page left open across a logout)."""
        if wants_json():
            return api_error(ApiError(400, "csrf_failed", f"{error.description} Reload the page."))
        message = f"{error.description} Reload the page and try again."
        return render_template("error.html", title="Please try again", message=message), 400

    @app.errorhandler(Forbidden)
    def _forbidden(error: Forbidden) -> tuple[Response | str, int]:
        """A page the user's role may not see."""
        if wants_json():
            return http_error(error)
        return render_template("error.html", title="Not allowed", message=error.description), 403
