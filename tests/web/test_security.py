"""Every page: CSP without inline script, CSRF on state changes, roles, vendor files from npm."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.models import User
from tests.factories import auth_headers, make_conversation, make_token
from tests.web.conftest import log_in

PAGES = ("/", "/conversations/1", "/simulator", "/admin/users", "/admin/canned", "/login")


def test_every_page_has_a_strict_csp_and_no_inline_script(client: FlaskClient, admin: User) -> None:
    log_in(client, admin.email)
    for path in PAGES:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="' in tag or 'type="application/json"' in tag, f"inline script on {path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {path}"
        assert ' style="' not in html, f"inline style on {path}"


def test_agents_may_not_open_admin_pages(client: FlaskClient, agent: User) -> None:
    token = log_in(client, agent.email)
    for path in ("/simulator", "/admin/users", "/admin/canned"):
        assert client.get(path).status_code == 403, path
    refused = client.post(
        "/admin/users", data={"email": "x@example.com", "role": "admin", "csrf_token": token}
    )
    assert refused.status_code == 403


def test_session_api_writes_need_the_csrf_header_but_bearer_tokens_do_not(
    client: FlaskClient, session: Session, agent: User
) -> None:
    conv = make_conversation(session, status="pending")
    token = log_in(client, agent.email)
    path = f"/api/v1/conversations/{conv.id}"
    missing = client.patch(path, json={"status": "resolved"})
    assert missing.status_code == 400
    assert missing.get_json()["error"]["code"] == "csrf_failed"
    forged = client.patch(path, json={"status": "resolved"}, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    assert client.get(path).get_json()["status"] == "pending"  # nothing changed
    ok = client.patch(path, json={"status": "open"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    bearer = client.application.test_client().patch(
        path, json={"status": "resolved"}, headers=auth_headers(make_token(session))
    )
    assert bearer.status_code == 200


def test_the_socket_io_client_is_served_from_npm_not_a_cdn(client: FlaskClient, agent: User) -> None:
    response = client.get("/vendor/socket.io.esm.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"export" in response.data
    assert client.get("/vendor/../package.json").status_code == 404
    assert client.get("/vendor/lodash.js").status_code == 404
    log_in(client, agent.email)
    html = client.get("/").get_data(as_text=True)
    assert "https://" not in re.sub(r"<meta[^>]*>", "", html.split("<body")[0]), "no third-party assets"
