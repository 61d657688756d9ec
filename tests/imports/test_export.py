"""GET /api/v1/contacts/export.csv: streamed CSV, every column, filters, formula injection, round trip."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from sqlalchemy.orm import Session

from inbox.models import Contact, ContactTag, ListMembership
from tests.factories import auth_headers, make_contact
from tests.imports.helpers import make_attribute, make_list, run_import, snapshot

EXPORT = "/api/v1/contacts/export.csv"


def export(client: FlaskClient, token: str, **params: Any) -> list[list[str]]:
    """The export's rows (header first), checking it is a UTF-8 CSV download."""
    response = client.get(EXPORT, query_string=params, headers=auth_headers(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # the BOM spreadsheets need for accents
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def add_tags(session: Session, contact: Contact, *tags: str) -> None:
    session.add_all(ContactTag(contact_id=contact.id, tag=tag) for tag in tags)
    session.commit()


def join(session: Session, list_id: int, contact: Contact, status: str = "subscribed") -> None:
    session.add(ListMembership(list_id=list_id, contact_id=contact.id, status=status, source="admin"))
    session.commit()


def test_every_contact_with_its_tags_attributes_and_lists(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    for key, kind in (("city", "text"), ("visits", "number"), ("vip", "boolean"), ("born", "date")):
        make_attribute(session, key, kind)
    vip, news = make_list(session, "VIP"), make_list(session, "News")
    ann = make_contact(
        session,
        "+14155550100",
        name="Ann Lee",
        attributes={"city": "Boston", "visits": 3, "vip": True, "born": "2001-02-28"},
    )
    bo = make_contact(session, "+14155550101", opted_out=True, attributes={"visits": 2.5, "vip": False})
    add_tags(session, ann, "vip", "boston")
    join(session, vip.id, ann)
    join(session, news.id, ann)
    join(session, news.id, bo, status="unsubscribed")
    assert export(client, admin_token) == [
        ["phone", "name", "opted_out", "tags", "born", "city", "vip", "visits", "lists"],
        ["'+14155550100", "Ann Lee", "no", "boston;vip", "2001-02-28", "Boston", "yes", "3", "News;VIP"],
        ["'+14155550101", "", "yes", "", "", "", "no", "2.5", ""],
    ]


def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    make_attribute(session, "note", "text")
    names = [
        '=HYPERLINK("http://evil.example","x")',
        "+SUM(1)",
        "-2+3",
        "@cmd",
        "\tTab",
        "\rCR",
        "a=b",
        "Plain",
    ]
    for n, name in enumerate(names):
        make_contact(session, f"+1415555010{n}", name=name, attributes={"note": "=1+1"})
    rows = export(client, admin_token)[1:]
    assert [row[1] for row in rows] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+SUM(1)",
        "'-2+3",
        "'@cmd",
        "'\tTab",
        "'\rCR",
        "a=b",
        "Plain",
    ]
    assert {row[4] for row in rows} == {"'=1+1"}
    assert all(row[0].startswith("'+1415555010") for row in rows)


def test_filters_by_list_status_and_segment(client: FlaskClient, session: Session, admin_token: str) -> None:
    vip = make_list(session, "VIP Club")
    ann, bo, cy = (make_contact(session, f"+1415555010{n}") for n in range(3))
    join(session, vip.id, ann)
    join(session, vip.id, bo, status="unsubscribed")
    add_tags(session, cy, "gold")

    def phones(**params: Any) -> list[str]:
        return [row[0] for row in export(client, admin_token, **params)[1:]]

    assert phones() == ["'+14155550100", "'+14155550101", "'+14155550102"]
    assert phones(list_id=vip.id) == ["'+14155550100", "'+14155550101"]
    assert phones(list_id=vip.id, status="subscribed") == ["'+14155550100"]
    assert phones(list_id=vip.id, status="unsubscribed") == ["'+14155550101"]
    assert phones(segment='tag = "gold"') == ["'+14155550102"]
    assert phones(segment='tag = "gold"', list_id=vip.id) == []
    # Left unread on purpose: a download waiting on its client holds no transaction (nor its locks),
    # so the next test's TRUNCATE on PostgreSQL does not wait for it.
    named = client.get(EXPORT, query_string={"list_id": vip.id}, headers=auth_headers(admin_token))
    assert named.headers["Content-Disposition"].startswith('attachment; filename="contacts-vip-club-')


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"status": "subscribed"}, "list_id", "invalid_request"),
        ({"list_id": "4242"}, "list_id", "invalid_request"),
        ({"list_id": "1", "status": "gone"}, "status", "invalid_request"),
        ({"segment": "tag = "}, "segment", "invalid_segment"),
        ({"segment": 'colour = "red"'}, "segment", "invalid_segment"),
    ],
)
def test_bad_filters_are_422_before_anything_streams(
    client: FlaskClient, session: Session, admin_token: str, params: dict[str, str], field: str, code: str
) -> None:
    make_list(session)
    response = client.get(EXPORT, query_string=params, headers=auth_headers(admin_token))
    assert response.status_code == 422 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert (error["code"], error["fields"][0]["field"]) == (code, field)


def test_a_large_export_streams_page_by_page(client: FlaskClient, session: Session, admin_token: str) -> None:
    session.execute(insert(Contact), [{"phone": f"+1415555{n:04d}", "name": f"P{n}"} for n in range(2100)])
    session.commit()
    response = client.get(EXPORT, headers=auth_headers(admin_token))
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith('attachment; filename="contacts-20')
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))[1:]
    assert [row[1] for row in rows] == [f"P{n}" for n in range(2100)]  # every page, once, in order


def test_an_export_imports_back_without_changing_anything(
    app: Flask, client: FlaskClient, session: Session, admin_token: str
) -> None:
    make_attribute(session, "note", "text")
    make_attribute(session, "visits", "number")
    make_attribute(session, "vip", "boolean")
    vip = make_list(session)
    hostile = make_contact(
        session,
        "+14155550100",
        name='=HYPERLINK("http://evil.example")',
        attributes={"note": "@x", "vip": True},
    )
    add_tags(session, hostile, "-minus", "gold")
    join(session, vip.id, hostile)
    make_contact(session, "+14155550101", name="José <b>", opted_out=True, attributes={"visits": 2.5})
    make_contact(session, "+442079460958", attributes={"visits": 7})
    response = client.get(EXPORT, headers=auth_headers(admin_token))
    before = snapshot(session)
    report = run_import(app, response.get_data(), dry_run=False, list_id=vip.id)
    assert snapshot(session) == before
    assert (report.valid_rows, report.unchanged_contacts, report.updated_contacts, report.new_contacts) == (
        3,
        3,
        0,
        0,
    )
    assert [e["value"] for e in report.problems["unknown_columns"].examples] == ["lists"]
    assert report.problems["invalid_values"].count == 0
