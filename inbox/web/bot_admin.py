"""The bot's admin screens: keyword rules (editor, test bench, replay) and the bot's settings."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.web.access import admin_required
from inbox.web.pages import boot_data

bp = Blueprint("bot_admin", __name__, url_prefix="/admin")


@bp.get("/rules")
@login_required
def rules() -> str:
    """Keyword rules in list order, the rule editor, the test bench and replay (read-only for agents)."""
    can_edit = bool(current_user.is_admin)
    return render_template("admin/rules.html", boot={**boot_data(), "can_edit": can_edit}, can_edit=can_edit)


@bp.get("/settings")
@admin_required
def settings() -> str:
    """The bot's settings: brand, compliance and fallback texts, hand-off, business hours."""
    return render_template("admin/settings.html", boot={**boot_data(), "can_edit": True})
