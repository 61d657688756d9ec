"""/api/v1/me and /api/v1/users: who is calling, and who can be assigned."""

from __future__ import annotations

from flask import Response, g, jsonify
from sqlalchemy import select

from inbox import resources
from inbox.api import bp
from inbox.db import get_session
from inbox.models import User


@bp.get("/me")
def me() -> Response:
    """The user behind the token or session."""
    return jsonify(resources.user_brief(g.api_user))


@bp.get("/users")
def list_users() -> Response:
    """Everyone on the team (active first), for assigning conversations. Teams are small: one page."""
    users = get_session().scalars(select(User).order_by(User.active.desc(), User.name, User.email)).all()
    return jsonify(
        data=[{**(resources.user_brief(u) or {}), "active": u.active} for u in users], next_cursor=None
    )
