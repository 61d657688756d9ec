"""The public sign-up form of a subscriber list: /join/<slug> (no login; rate limited)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signup", __name__)
