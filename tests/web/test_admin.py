"""Admin screens: the team and its API tokens, canned responses."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.events import socketio
from inbox.models import CannedResponse, User
from tests.factories import auth_headers
from tests.web.conftest import csrf_token, log_in


def test_an_admin_adds_an_agent_who_can_log_in_with_the_shown_password(
    app: object, client: FlaskClient, session: Session, admin: User
) -> None:
    token = log_in(client, admin.email)
    response = client.post(
        "/admin/users",
        data={"email": "New.Agent@Example.com", "name": "Nia", "role": "agent", "csrf_token": token},
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    password = re.search(r'<code class="secret" id="new-password">([^<]+)</code>', html)
    assert password, html
    created = session.scalar(select(User).where(User.email == "new.agent@example.com"))
    assert created is not None and created.role == "agent" and created.name == "Nia"
    assert password.group(1) not in created.password_hash
    other = client.application.test_client()
    log_in(other, "new.agent@example.com", password.group(1))
    assert other.get("/").status_code == 200


def test_adding_a_duplicate_or_invalid_user_says_why(client: FlaskClient, admin: User) -> None:
    token = log_in(client, admin.email)
    for form, expected in (
        ({"email": admin.email, "role": "agent"}, "already exists"),
        ({"email": "not-an-email", "role": "agent"}, "is not an email address"),
        ({"email": "ok@example.com", "role": "owner"}, "role must be one of"),
        ({"email": "ok@example.com", "role": "agent", "password": "short"}, "at least 8"),
    ):
        response = client.post("/admin/users", data={**form, "csrf_token": token})
        assert response.status_code == 422, form
        assert expected in response.get_data(as_text=True), form


def test_an_admin_issues_and_revokes_an_api_token_in_the_browser(
    client: FlaskClient, session: Session, admin: User, agent: User
) -> None:
    token = log_in(client, admin.email)
    response = client.post(f"/admin/users/{agent.id}/tokens", data={"name": "CRM", "csrf_token": token})
    assert response.status_code == 201
    match = re.search(r'id="new-token">(td_[^<]+)<', response.get_data(as_text=True))
    assert match
    api = client.application.test_client()
    assert api.get("/api/v1/me", headers=auth_headers(match.group(1))).get_json()["id"] == agent.id
    page = client.get("/admin/users").get_data(as_text=True)
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", page)
    assert token_id and match.group(1) not in page  # shown once only
    assert (
        client.post(f"/admin/tokens/{token_id.group(1)}/revoke", data={"csrf_token": token}).status_code
        == 302
    )
    assert api.get("/api/v1/me", headers=auth_headers(match.group(1))).status_code == 401


def test_a_deactivated_agent_loses_page_and_token_access(
    client: FlaskClient, session: Session, admin: User, agent: User
) -> None:
    agent_client = client.application.test_client()
    log_in(agent_client, agent.email)
    agent_socket = socketio.test_client(client.application, flask_test_client=agent_client)
    assert agent_socket.is_connected()
    token = log_in(client, admin.email)
    unclear = client.post(f"/admin/users/{agent.id}/active", data={"active": "maybe", "csrf_token": token})
    assert unclear.status_code == 400 and agent_client.get("/").status_code == 200, "nothing changed"
    client.post(f"/admin/users/{agent.id}/active", data={"active": "0", "csrf_token": token})
    assert agent_client.get("/").status_code == 302
    assert not agent_socket.is_connected(), "their open inbox stops receiving at once"
    assert not socketio.test_client(client.application, flask_test_client=agent_client).is_connected()
    refused_self = client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "csrf_token": token})
    assert refused_self.status_code == 302
    session.refresh(admin)
    assert admin.active


def test_canned_responses_are_created_changed_and_deleted(
    client: FlaskClient, session: Session, admin: User
) -> None:
    token = log_in(client, admin.email)
    assert (
        client.post(
            "/admin/canned", data={"shortcut": "/Hours", "body": "Open 9-5 <b>daily</b>", "csrf_token": token}
        ).status_code
        == 302
    )
    row = session.scalars(select(CannedResponse)).one()
    assert (row.shortcut, row.body) == ("hours", "Open 9-5 <b>daily</b>")
    page = client.get("/admin/canned").get_data(as_text=True)
    assert "Open 9-5 &lt;b&gt;daily&lt;/b&gt;" in page
    duplicate = client.post("/admin/canned", data={"shortcut": "hours", "body": "x", "csrf_token": token})
    assert duplicate.status_code == 422 and "already used" in duplicate.get_data(as_text=True)
    client.post(
        "/admin/canned", data={"id": str(row.id), "shortcut": "open", "body": "9-5", "csrf_token": token}
    )
    session.refresh(row)
    assert (row.shortcut, row.body) == ("open", "9-5")
    client.post(f"/admin/canned/{row.id}/delete", data={"csrf_token": token})
    session.expire_all()
    assert session.scalars(select(CannedResponse)).all() == []


def test_admin_forms_without_csrf_change_nothing(client: FlaskClient, session: Session, admin: User) -> None:
    log_in(client, admin.email)
    assert client.post("/admin/users", data={"email": "x@example.com", "role": "admin"}).status_code == 400
    assert session.scalar(select(User).where(User.email == "x@example.com")) is None
    assert csrf_token(client, "/admin/users")
