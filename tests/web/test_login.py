"""Logging in and out: hashed passwords, safe sessions, throttled failures, no open redirects."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.actions.users import set_active
from inbox.models import User
from tests.web.conftest import csrf_token, log_in


def test_pages_send_anonymous_visitors_to_the_login_form(client: FlaskClient) -> None:
    for path in ("/", "/conversations/1", "/simulator", "/admin/users", "/admin/canned"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


def test_the_right_password_logs_in_and_logout_ends_the_session(client: FlaskClient, agent: User) -> None:
    token = log_in(client, agent.email)
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: FlaskClient, agent: User
) -> None:
    token = csrf_token(client)
    for email, password in ((agent.email, "wrong-password"), ("nobody@example.com", "password123")):
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code == 401
        assert "don&#39;t match an active account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_log_in_and_is_logged_out(
    client: FlaskClient, session: Session, agent: User
) -> None:
    log_in(client, agent.email)
    set_active(session, agent, False)
    assert client.get("/").status_code == 302
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": agent.email, "password": "password123", "csrf_token": token}
    )
    assert response.status_code == 401


def test_login_without_the_csrf_token_is_refused(client: FlaskClient, agent: User) -> None:
    response = client.post("/login", data={"email": agent.email, "password": "password123"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_repeated_failures_must_wait_even_with_the_right_password(client: FlaskClient, agent: User) -> None:
    token = csrf_token(client)
    for _ in range(5):
        wrong = {"email": agent.email, "password": "nope-nope", "csrf_token": token}
        assert client.post("/login", data=wrong).status_code == 401
    right = {"email": agent.email.upper(), "password": "password123", "csrf_token": token}
    response = client.post("/login", data=right)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_failures_on_one_account_do_not_lock_out_another(
    client: FlaskClient, agent: User, admin: User
) -> None:
    token = csrf_token(client)
    for _ in range(5):
        client.post("/login", data={"email": agent.email, "password": "nope-nope", "csrf_token": token})
    assert (
        client.post(
            "/login", data={"email": admin.email, "password": "password123", "csrf_token": token}
        ).status_code
        == 302
    )


def test_login_only_redirects_to_local_paths(app: Flask, agent: User) -> None:
    for target, expected in (
        ("/conversations/7", "/conversations/7"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ):
        client = app.test_client()
        token = csrf_token(client)
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"email": agent.email, "password": "password123", "csrf_token": token},
        )
        assert response.headers["Location"] == expected, target


def test_session_cookies_are_httponly_samesite_and_secure_behind_https(app: Flask, agent: User) -> None:
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"email": agent.email, "password": "password123", "csrf_token": token, "remember": "on"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "login must set the session cookie"
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
        assert "Secure" in cookie, cookie  # the test app's PUBLIC_URL is https
