"""The agent's pages: the inbox (one page; its script loads conversations from the API)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from inbox import resources

bp = Blueprint("pages", __name__)


def boot_data() -> dict[str, Any]:
    """What a page's script needs to start: who is logged in, the CSRF token, the brand."""
    return {
        "user": resources.user_brief(current_user),
        "csrf_token": generate_csrf(),
        "brand": current_app.config["BRAND_NAME"],
        "provider": current_app.config["SMS_PROVIDER"],
    }


@bp.get("/")
@login_required
def inbox() -> str:
    """The live inbox: folders, conversation list, thread, composer and contact panel."""
    return render_template("inbox/index.html", boot=boot_data(), conversation_id=None)


@bp.get("/conversations/<id:conversation_id>")
@login_required
def conversation(conversation_id: int) -> str:
    """The inbox with one conversation open (a link an agent can share)."""
    return render_template("inbox/index.html", boot=boot_data(), conversation_id=conversation_id)
