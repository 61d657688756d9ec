"""POST /api/v1/contacts/import: multipart and text/csv uploads, admins only, 413 and 422 answers."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from inbox.models import Contact, User
from tests.factories import auth_headers, make_user
from tests.imports.helpers import csv_bytes, make_list, membership, snapshot
from tests.web.conftest import log_in

FILE = csv_bytes(
    [
        ["phone", "name", "consent_source"],
        ["+14155550100", "Ann", "paper form"],
        ["+14155550101", "Bo", ""],
        ["nope", "", ""],
    ]
)


def upload(
    client: FlaskClient, token: str | None, data: bytes, name: str = "contacts.csv", **params: Any
) -> TestResponse:
    """POST a file as multipart/form-data, the way the page does."""
    headers = auth_headers(token) if token else params.pop("headers", {})
    return client.post(
        f"/api/v1/contacts/import?{urlencode(params)}",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def contacts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Contact)) or 0


def test_a_multipart_upload_is_checked_by_default_and_changes_nothing(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    before = snapshot(session)
    response = upload(client, admin_token, FILE, list_id=vip.id)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["dry_run"] is True and report["file_name"] == "contacts.csv"
    assert report["list"] == {"id": vip.id, "name": "VIP"}
    assert (report["rows_read"], report["valid_rows"], report["new_contacts"], report["subscribed"]) == (
        3,
        2,
        2,
        1,
    )
    assert report["problems"]["invalid_numbers"]["examples"] == [
        {"row": 4, "column": "phone", "value": "nope", "reason": "a sender name, not a phone number"}
    ]
    assert report["texts_sent"] == 0
    assert snapshot(session) == before


def test_a_text_csv_body_imports_under_its_file_name(
    client: FlaskClient, session: Session, admin_token: str, admin: User
) -> None:
    vip = make_list(session)
    response = client.post(
        f"/api/v1/contacts/import?dry_run=false&list_id={vip.id}&file_name=store-forms.csv",
        data=FILE,
        headers={**auth_headers(admin_token), "Content-Type": "text/csv; charset=utf-8"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["dry_run"] is False
    joined = membership(session, vip.id, "+14155550100")
    assert joined is not None and joined.source_detail == "store-forms.csv: paper form"
    assert contacts(session) == 2


def test_agents_may_neither_import_nor_export(
    client: FlaskClient, session: Session, agent_token: str
) -> None:
    response = upload(client, agent_token, FILE, dry_run="false")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert contacts(session) == 0
    exported = client.get("/api/v1/contacts/export.csv", headers=auth_headers(agent_token))
    assert exported.status_code == 403 and exported.mimetype == "application/json"


def test_a_file_over_the_import_limit_is_a_clear_413(
    app: Flask, client: FlaskClient, session: Session, admin_token: str
) -> None:
    app.config["IMPORT_MAX_CONTENT_LENGTH"] = 10 * 1024
    big = csv_bytes([["phone", "notes"], *[[f"+1415555{n:04d}", "x" * 100] for n in range(200)]])
    response = upload(client, admin_token, big, dry_run="false")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "file_too_large"
    assert "larger than 10 KB" in error["message"] and "Split it" in error["message"]
    assert contacts(session) == 0
    as_body = client.post(
        "/api/v1/contacts/import?dry_run=false",
        data=big,
        headers={**auth_headers(admin_token), "Content-Type": "text/csv"},
    )
    assert as_body.status_code == 413 and as_body.get_json()["error"]["code"] == "file_too_large"


def test_the_import_takes_more_than_the_app_wide_limit_and_only_the_import_does(
    app: Flask, client: FlaskClient, admin_token: str
) -> None:
    app_limit = app.config["MAX_CONTENT_LENGTH"]
    rows = [["phone", "notes"], *[[f"+1415555{n:04d}", "x" * 1000] for n in range(1500)]]
    big = csv_bytes(rows)
    assert len(big) > app_limit
    response = upload(client, admin_token, big)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["valid_rows"] == 1500
    elsewhere = client.post(
        "/api/v1/messages",
        data=json.dumps({"to": "+14155550100", "body": "x" * (app_limit + 10)}),
        headers={**auth_headers(admin_token), "Content-Type": "application/json"},
    )
    assert elsewhere.status_code == 413


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("phone,name\n+14155550100,José\n".encode("latin-1"), "Row 2 is not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "The file is not UTF-8 text"),
        (b"name,email\nAnn,ann@example.com\n", 'no "phone" column'),
        (b"", "The file is empty"),
    ],
    ids=["latin-1", "png", "no-phone-column", "empty"],
)
def test_a_file_that_is_not_a_contacts_csv_is_a_clear_422(
    client: FlaskClient, session: Session, admin_token: str, data: bytes, message: str
) -> None:
    response = upload(client, admin_token, data, dry_run="false")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_file" and message in error["message"]
    assert error["fields"] == [{"field": "file", "message": error["message"]}]
    assert contacts(session) == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"dry_run": "maybe"}, "dry_run"),
        ({"dry_run": ""}, "dry_run"),
        ({"list_id": "0"}, "list_id"),
        ({"list_id": "abc"}, "list_id"),
        ({"list_id": "4242"}, "list_id"),
        ({"region": "ZZ"}, "region"),
        ({"region": "us"}, "region"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: FlaskClient, admin_token: str, params: dict[str, str], field: str
) -> None:
    response = upload(client, admin_token, FILE, **params)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"][0]["field"] == field


def test_a_missing_file_and_a_wrong_content_type_are_refused(client: FlaskClient, admin_token: str) -> None:
    no_file = client.post(
        "/api/v1/contacts/import",
        data={"other": (io.BytesIO(FILE), "contacts.csv")},
        headers=auth_headers(admin_token),
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 422 and no_file.get_json()["error"]["fields"][0]["field"] == "file"
    as_json = client.post(
        "/api/v1/contacts/import", json={"phone": "+14155550100"}, headers=auth_headers(admin_token)
    )
    assert as_json.status_code == 415 and "multipart/form-data" in as_json.get_json()["error"]["message"]


def test_the_page_session_needs_its_csrf_token(client: FlaskClient, session: Session, admin: User) -> None:
    csrf = log_in(client, admin.email)
    refused = upload(client, None, FILE, dry_run="false")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    assert contacts(session) == 0
    accepted = upload(client, None, FILE, dry_run="false", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200, accepted.get_json()
    assert contacts(session) == 2


def test_the_page_is_for_admins_and_escapes_list_names(
    client: FlaskClient, session: Session, admin: User
) -> None:
    make_list(session, '<img src=x onerror="alert(1)">')
    log_in(client, admin.email)
    page = client.get("/admin/contacts/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "&lt;img src=x onerror=" in html and '<img src=x onerror="alert(1)">' not in html
    assert "css/import.css" in html and "js/admin/import.js" in html
    assert 'id="boot"' in html


def test_agents_get_403_for_the_page(client: FlaskClient, session: Session) -> None:
    agent = make_user(session, role="agent")
    log_in(client, agent.email)
    assert client.get("/admin/contacts/import").status_code == 403
