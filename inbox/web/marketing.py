"""The campaign screens: campaigns (list, composer, progress and report), the desk's reports, senders.

The pages are shells: their scripts (static/js/admin/campaigns*.js, reports.js, senders.js) load and change
everything through /api/v1 and follow campaign.updated over Socket.IO, so the pages and integrators share
one set of rules and error messages.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from inbox.actions.campaigns import EDITABLE
from inbox.db import get_session
from inbox.models import Campaign
from inbox.web.access import admin_required
from inbox.web.pages import boot_data

bp = Blueprint("marketing", __name__, url_prefix="/admin")


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns")
@admin_required
def campaigns() -> str:
    """Campaigns with their status, audience, schedule and live progress."""
    return render_template("marketing/campaigns.html", boot=boot_data(), tab="campaigns")


@bp.get("/campaigns/new")
@admin_required
def campaign_new() -> str:
    """The composer for a new campaign, with its live preview."""
    return render_template(
        "marketing/campaign_form.html", boot={**boot_data(), "campaign_id": None}, tab="campaigns"
    )


@bp.get("/campaigns/<id:campaign_id>/edit")
@admin_required
def campaign_edit(campaign_id: int) -> str | Response:
    """The composer for a draft or scheduled campaign (a started one opens its own page instead)."""
    if _campaign_or_404(campaign_id).status not in EDITABLE:
        return redirect(url_for("marketing.campaign", campaign_id=campaign_id))
    return render_template(
        "marketing/campaign_form.html", boot={**boot_data(), "campaign_id": campaign_id}, tab="campaigns"
    )


@bp.get("/campaigns/<id:campaign_id>")
@admin_required
def campaign(campaign_id: int) -> str:
    """One campaign: status, live progress, pause / resume / cancel, recipients and the report."""
    found = _campaign_or_404(campaign_id)
    return render_template(
        "marketing/campaign.html",
        boot={**boot_data(), "campaign_id": found.id},
        campaign_name=found.name,
        tab="campaigns",
    )


@bp.get("/reports")
@admin_required
def reports() -> str:
    """The desk's texts in, texts out and opt-outs per day, and every campaign's results."""
    return render_template("marketing/reports.html", boot=boot_data(), tab="reports")


@bp.get("/senders")
@admin_required
def senders() -> str:
    """The numbers campaigns send from: add, edit (pace and price) and delete."""
    return render_template("marketing/senders.html", boot=boot_data(), tab="senders")
