"""The contact import screen: upload a CSV, read the dry-run report, then import; and export."""

from __future__ import annotations

from flask import Blueprint, render_template

from inbox.web.access import admin_required

bp = Blueprint("imports_admin", __name__, url_prefix="/admin")


@bp.get("/contacts/import")
@admin_required
def contacts_import() -> str:
    """Import contacts from a CSV file (dry run first) and export them."""
    return render_template("marketing/import.html")
