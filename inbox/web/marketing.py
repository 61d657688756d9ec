"""The marketing screens: subscriber lists, segments, campaigns and reports."""

from __future__ import annotations

from flask import Blueprint, render_template

from inbox.web.access import admin_required

bp = Blueprint("marketing", __name__, url_prefix="/admin")


@bp.get("/campaigns")
@admin_required
def campaigns() -> str:
    """Campaigns: compose, preview, launch, watch progress, read reports."""
    return render_template("marketing/campaigns.html")
