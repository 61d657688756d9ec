"""The contact import screen: upload a CSV, read the dry-run report, then import; and export."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from inbox.actions.imports import attribute_choices, list_choices
from inbox.db import get_session
from inbox.imports.csvfile import import_max_bytes, readable_size
from inbox.imports.report import COUNTS, PROBLEM_KINDS, PROBLEM_TITLES
from inbox.imports.rows import BUILT_IN_COLUMNS
from inbox.web.access import admin_required

bp = Blueprint("imports_admin", __name__, url_prefix="/admin")

ATTRIBUTE_TYPE_HELP = {
    "text": "text, at most 500 characters",
    "number": "a number such as 3 or 2.5",
    "date": "a date as YYYY-MM-DD",
    "boolean": "yes or no",
}


@bp.get("/contacts/import")
@admin_required
def contacts_import() -> str:
    """Import contacts from a CSV file (dry run first) and export them."""
    session = get_session()
    lists = list_choices(session)
    attributes = attribute_choices(session)
    session.commit()  # nothing to hold open while the page renders
    boot = {
        "import_url": url_for("api.import_contacts_view"),
        "export_url": url_for("api.export_contacts_view"),
        "max_bytes": import_max_bytes(current_app.config),
        "max_size": readable_size(import_max_bytes(current_app.config)),
        # Lists, not objects: the JSON keeps the report's order (objects come out sorted by key).
        "counts": [{"name": name, "check": check, "done": done} for name, (check, done) in COUNTS.items()],
        "problems": [
            {"kind": kind, "title": PROBLEM_TITLES[kind], "help": text}
            for kind, text in PROBLEM_KINDS.items()
        ],
    }
    return render_template(
        "marketing/import.html",
        boot=boot,
        lists=lists,
        attributes=attributes,
        columns=BUILT_IN_COLUMNS,
        attribute_help=ATTRIBUTE_TYPE_HELP,
        default_region=str(current_app.config["DEFAULT_REGION"]).upper(),
        max_size=readable_size(import_max_bytes(current_app.config)),
    )
