"""Third-party front-end files come from npm (package.json + lock) and are served by /vendor/: the chart
library the campaign screens draw with, and those screens load nothing from elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.models import Campaign, User
from tests.web.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]


def test_the_chart_library_is_installed_from_npm_and_served_locally(client: FlaskClient, admin: User) -> None:
    """chart.js is a locked npm dependency; /vendor/ serves its file byte for byte, and nothing beside it."""
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert "chart.js" in package["dependencies"]
    assert lock["packages"]["node_modules/chart.js"]["version"].startswith("4.")
    response = client.get("/vendor/chart.umd.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.data == (ROOT / "node_modules/chart.js/dist/chart.umd.min.js").read_bytes()
    assert client.get("/vendor/chart.umd.min.js.map").mimetype == "application/json"
    assert client.get("/vendor/chart.js").status_code == 404  # only whitelisted names
    assert client.get("/vendor/chunks/index.js").status_code == 404


def test_the_campaign_pages_load_only_local_scripts(
    client: FlaskClient, admin: User, session: Session
) -> None:
    """Every campaign screen: strict CSP, no inline script or style, no third-party asset."""
    campaign = Campaign(name="Local only", status="draft")
    session.add(campaign)
    session.commit()
    log_in(client, admin.email)
    pages = [
        "/admin/campaigns",
        "/admin/campaigns/new",
        f"/admin/campaigns/{campaign.id}",
        f"/admin/campaigns/{campaign.id}/edit",
        "/admin/reports",
        "/admin/senders",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert "https://" not in html and "http://" not in html, f"{path} names an outside address"
        assert ' style="' not in html, f"inline style on {path}"
    assert client.get("/admin/campaigns/999999").status_code == 404
    # A started campaign cannot be edited: its edit address leads to its page.
    campaign.status = "sending"
    session.commit()
    moved = client.get(f"/admin/campaigns/{campaign.id}/edit")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/admin/campaigns/{campaign.id}")
