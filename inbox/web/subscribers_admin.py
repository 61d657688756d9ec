"""The subscriber screens: lists (members, sign-up form settings), custom attributes, saved segments."""

from __future__ import annotations

from flask import Blueprint, render_template

from inbox.web.access import admin_required

bp = Blueprint("subscribers_admin", __name__, url_prefix="/admin")


@bp.get("/lists")
@admin_required
def lists() -> str:
    """Subscriber lists: members, sign-up forms, attributes and saved segments."""
    return render_template("marketing/lists.html")
