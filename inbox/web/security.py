"""Security every response gets: CSRF on state-changing browser requests, CSP and friends."""

from __future__ import annotations

from flask import Flask, Response

from inbox.auth import csrf

# No inline script or style anywhere: untrusted SMS text can never become code, even if escaping slipped.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """CSP, no MIME sniffing, no framing, no referrer leaks to other sites."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Switch on CSRF (webhooks and the API handle their own) and the headers."""
    # An inbox tab stays open all day: its token must live as long as the session, not an hour.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
    csrf.init_app(app)
    from inbox import webhooks
    from inbox.api import bp as api_bp

    csrf.exempt(webhooks.bp)  # signed by Twilio instead
    csrf.exempt(api_bp)  # checks CSRF itself, for session callers only (Bearer tokens are not ambient)
    app.after_request(add_security_headers)
