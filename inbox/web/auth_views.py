"""Logging in and out of the desk."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from inbox.actions.users import authenticate
from inbox.auth import login_manager
from inbox.db import get_session
from inbox.web import throttle

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Where to go after login: a local path only, never another site (open-redirect guard)."""
    if not target:
        return url_for("pages.inbox")
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return url_for("pages.inbox")
    return target


def _form(error: str | None = None, status: int = 200, email: str = "") -> tuple[str, int]:
    return render_template(
        "auth/login.html", error=error, email=email, next=request.args.get("next", "")
    ), status


@bp.get("/login")
def login() -> Response | tuple[str, int]:
    """The login form (or straight to the inbox when already logged in)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))  # type: ignore[return-value]
    return _form()


@bp.post("/login")
def login_submit() -> Response | tuple[str, int]:
    """Check the credentials; repeated failures for an account or an address must wait."""
    email = request.form.get("email", "").strip()[:254]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    limiter = throttle.login_throttle()
    wait = limiter.wait_seconds(email, address)
    if wait:
        minutes = max(1, round(wait / 60))
        body, _ = _form(f"Too many failed attempts. Try again in about {minutes} minute(s).", email=email)
        return Response(body, status=429, headers={"Retry-After": str(wait)}, mimetype="text/html")
    user = authenticate(get_session(), email, password)
    if user is None:
        limiter.failed(email, address)
        return _form("That email and password don't match an active account.", 401, email)
    session.clear()  # a fresh session on login: nothing carried over from before (fixation)
    login_user(user, remember=request.form.get("remember") == "on")
    return redirect(safe_next(request.args.get("next") or request.form.get("next")))  # type: ignore[return-value]


@bp.post("/logout")
def logout() -> Response:
    """Log out and forget the session."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    """Send anonymous page visits to the login form."""
    throttle.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
