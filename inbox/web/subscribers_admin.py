"""The subscriber screens: lists (members, sign-up form settings), custom attributes, saved segments.

The pages are shells: their scripts (static/js/admin/lists.js, attributes.js, segments.js) load and change
everything through /api/v1, so the pages and integrators share one set of rules and error messages.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from inbox.db import get_session
from inbox.models import SubscriberList
from inbox.web.access import admin_required
from inbox.web.pages import boot_data

bp = Blueprint("subscribers_admin", __name__, url_prefix="/admin")


@bp.get("/lists")
@admin_required
def lists() -> str:
    """Subscriber lists with their member counts; create, edit and delete a list."""
    return render_template("marketing/lists.html", boot=boot_data(), tab="lists")


@bp.get("/lists/<id:list_id>")
@admin_required
def list_members(list_id: int) -> str:
    """One list: its members (filter, search, add, unsubscribe) and its settings."""
    subscriber_list = get_session().get(SubscriberList, list_id)
    if subscriber_list is None:
        abort(404)
    return render_template(
        "marketing/lists_detail.html",
        boot={**boot_data(), "list_id": list_id},
        list_name=subscriber_list.name,
        tab="lists",
    )


@bp.get("/attributes")
@admin_required
def attributes() -> str:
    """Custom contact attributes: define (key, label, type), rename, delete."""
    return render_template("marketing/attributes.html", boot=boot_data(), tab="attributes")


@bp.get("/segments")
@admin_required
def segments() -> str:
    """Saved segments and the segment editor with its live count and the filter language's help."""
    return render_template("marketing/segments.html", boot=boot_data(), tab="segments")
