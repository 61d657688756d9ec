"""Admin screens: the team (agents, admins, API tokens) and canned responses."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from inbox.actions.canned import CannedError, create_canned, delete_canned, update_canned
from inbox.actions.users import UserError, create_token, create_user, revoke_token_by_id, set_active
from inbox.db import get_session
from inbox.models import ApiToken, CannedResponse, User
from inbox.models.users import ROLES
from inbox.web.access import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def team_page(**shown: object) -> str:
    """The Team page, with whatever a form just produced (a new login, a new token, an error)."""
    people = get_session().scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("admin/users.html", users=people, roles=ROLES, **{"created": None, **shown})


@bp.get("/users")
@admin_required
def users() -> str:
    """The team: everyone who can log in, their role, and their API tokens."""
    return team_page()


@bp.post("/users")
@admin_required
def create_user_view() -> tuple[str, int] | BaseResponse:
    """Add an agent or admin; the password (given or generated) is shown once."""
    session = get_session()
    form = request.form
    try:
        user, password = create_user(
            session,
            form.get("email", ""),
            form.get("role", "agent"),
            password=form.get("password") or None,
            name=form.get("name", "").strip(),
        )
    except UserError as error:
        return team_page(error=str(error), form=form), 422
    shown = password if not form.get("password") else None
    return team_page(created={"user": user, "password": shown}), 201


@bp.post("/users/<id:user_id>/active")
@admin_required
def set_user_active(user_id: int) -> BaseResponse:
    """Deactivate or reactivate a user (never yourself)."""
    user = _user(user_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400, "active must be 0 or 1")
    active = request.form["active"] == "1"
    if user.id == current_user.id and not active:
        flash("You cannot deactivate yourself.", "error")
    else:
        set_active(get_session(), user, active)
        flash(f"{user.email} is {'active' if active else 'deactivated'}.", "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<id:user_id>/tokens")
@admin_required
def create_token_view(user_id: int) -> tuple[str, int]:
    """Issue an API token for a user; shown once, stored only hashed."""
    session = get_session()
    user = _user(user_id)
    name = request.form.get("name", "").strip()[:120]
    _, token = create_token(session, user, name)
    return team_page(new_token={"user": user, "token": token}), 201


@bp.post("/tokens/<id:token_id>/revoke")
@admin_required
def revoke_token_view(token_id: int) -> BaseResponse:
    """Revoke an API token: it stops working at once, everywhere."""
    row = revoke_token_by_id(get_session(), token_id)
    if row is None:
        abort(404)
    flash(f"Token {row.prefix}… revoked.", "info")
    return redirect(url_for("admin.users"))


@bp.get("/canned")
@admin_required
def canned() -> str:
    """Canned responses: what agents insert with /shortcut."""
    rows = get_session().scalars(select(CannedResponse).order_by(CannedResponse.shortcut)).all()
    return render_template("admin/canned.html", canned=rows, error=None, form={})


@bp.post("/canned")
@admin_required
def save_canned() -> tuple[str, int] | BaseResponse:
    """Create a canned response, or change one (when an id is posted)."""
    session = get_session()
    form = request.form
    try:
        if form.get("id"):
            row = session.get(CannedResponse, int(form["id"])) if form["id"].isdigit() else None
            if row is None:
                abort(404)
            update_canned(session, row, form.get("shortcut", ""), form.get("body", ""))
        else:
            create_canned(session, form.get("shortcut", ""), form.get("body", ""))
    except CannedError as error:
        rows = session.scalars(select(CannedResponse).order_by(CannedResponse.shortcut)).all()
        return render_template("admin/canned.html", canned=rows, error=str(error), form=form), 422
    flash("Canned response saved.", "info")
    return redirect(url_for("admin.canned"))


@bp.post("/canned/<id:canned_id>/delete")
@admin_required
def remove_canned(canned_id: int) -> BaseResponse:
    """Delete a canned response."""
    session = get_session()
    row = session.get(CannedResponse, canned_id)
    if row is None:
        abort(404)
    delete_canned(session, row)
    flash(f"/{row.shortcut} deleted.", "info")
    return redirect(url_for("admin.canned"))


def active_tokens(user: User) -> list[ApiToken]:
    """A user's tokens that still work."""
    return [t for t in user.tokens if t.revoked_at is None]


bp.add_app_template_global(active_tokens, "active_tokens")
