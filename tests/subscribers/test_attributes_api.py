"""Custom attributes, contact tags and attribute values, and the contact resource that shows them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, call, make_contact
from tests.subscribers.helpers import contact, error_fields, new_list


def attribute(client: FlaskClient, token: str, key: str, kind: str, label: str = "") -> dict[str, Any]:
    return call(
        client, token, "POST", "/api/v1/attributes", 201, json={"key": key, "type": kind, "label": label}
    )


def test_define_relabel_and_delete_attributes(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    city = attribute(client, admin_token, "city", "text", "City")
    assert set(city) == {"id", "key", "label", "type", "created_at"}
    assert (city["key"], city["label"], city["type"]) == ("city", "City", "text")
    attribute(client, admin_token, "age", "number")
    listed = call(client, admin_token, "GET", "/api/v1/attributes")
    assert [a["key"] for a in listed["data"]] == ["age", "city"] and listed["next_cursor"] is None
    assert listed["data"][0]["label"] == "age"  # no label: the key stands in

    relabelled = call(
        client, admin_token, "PATCH", f"/api/v1/attributes/{city['id']}", json={"label": "Town"}
    )
    assert relabelled["label"] == "Town"
    for fixed in ({"type": "number"}, {"key": "town"}):
        answer = call(client, admin_token, "PATCH", f"/api/v1/attributes/{city['id']}", 422, json=fixed)
        assert list(error_fields(answer)) == list(fixed)

    person = make_contact(session, "+14155550140")
    call(
        client,
        admin_token,
        "PATCH",
        f"/api/v1/contacts/{person.id}/attributes",
        json={"city": "Oslo", "age": 40},
    )
    assert (
        client.delete(f"/api/v1/attributes/{city['id']}", headers=auth_headers(admin_token)).status_code
        == 204
    )
    assert contact(session, "+14155550140").attributes == {"age": 40}
    assert call(client, admin_token, "GET", f"/api/v1/attributes/{city['id']}", 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "City", "type": "text"}, "key"),
        ({"key": "1st", "type": "text"}, "key"),
        ({"key": "a" * 41, "type": "text"}, "key"),
        ({"key": "phone", "type": "text"}, "key"),
        ({"key": "last_inbound_at", "type": "date"}, "key"),
        ({"key": "tag", "type": "text"}, "key"),
        ({"key": "city", "type": "colour"}, "type"),
        ({"key": "city"}, "type"),
        ({"key": "city", "type": "text", "label": "x" * 81}, "label"),
        ({"key": "city", "type": "text", "extra": 1}, "extra"),
    ],
)
def test_invalid_definitions_are_422(
    client: FlaskClient, admin_token: str, body: dict[str, Any], field: str
) -> None:
    answer = call(client, admin_token, "POST", "/api/v1/attributes", 422, json=body)
    assert list(error_fields(answer)) == [field]


def test_a_key_is_defined_once(client: FlaskClient, admin_token: str) -> None:
    attribute(client, admin_token, "city", "text")
    answer = call(
        client, admin_token, "POST", "/api/v1/attributes", 409, json={"key": "city", "type": "number"}
    )
    assert answer["error"]["code"] == "duplicate"


def test_the_contact_shows_tags_attributes_and_lists(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    attribute(client, admin_token, "city", "text")
    attribute(client, admin_token, "orders", "number")
    attribute(client, admin_token, "vip", "boolean")
    attribute(client, admin_token, "signup_date", "date")
    made = new_list(client, admin_token, "Newsletter")
    added = call(
        client,
        admin_token,
        "POST",
        f"/api/v1/lists/{made['id']}/members",
        201,
        json={"phone": "+14155550141"},
    )
    contact_id = added["contact"]["id"]
    path = f"/api/v1/contacts/{contact_id}"

    tagged = call(
        client, admin_token, "PUT", f"{path}/tags", json={"tags": ["  VIP ", "beta", "vip", "Early  Bird"]}
    )
    assert tagged["tags"] == ["beta", "early bird", "vip"]
    valued = call(
        client,
        admin_token,
        "PATCH",
        f"{path}/attributes",
        json={"city": "Boston", "orders": 3, "vip": True, "signup_date": "2026-01-31"},
    )
    assert valued["attributes"] == {"city": "Boston", "orders": 3, "vip": True, "signup_date": "2026-01-31"}
    removed = call(client, admin_token, "PATCH", f"{path}/attributes", json={"city": None, "orders": 4.5})
    assert removed["attributes"] == {"orders": 4.5, "vip": True, "signup_date": "2026-01-31"}

    seen = call(client, agent_token, "GET", path)
    assert seen["tags"] == ["beta", "early bird", "vip"]
    assert seen["lists"] == [{"list_id": made["id"], "name": "Newsletter", "status": "subscribed"}]
    assert seen["attributes"]["orders"] == 4.5
    assert seen["consent"] == [] and seen["phone"] == "+14155550141"  # the existing fields stay
    listed = call(client, agent_token, "GET", "/api/v1/contacts")["data"][0]
    assert (listed["tags"], listed["lists"]) == (seen["tags"], seen["lists"])

    emptied = call(client, admin_token, "PUT", f"{path}/tags", json={"tags": []})
    assert emptied["tags"] == []
    renamed = call(client, admin_token, "PATCH", path, json={"name": "Ann"})
    assert renamed["name"] == "Ann" and "tags" in renamed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nickname": "Al"}, "nickname"),
        ({"orders": "3"}, "orders"),
        ({"orders": True}, "orders"),
        ({"vip": "yes"}, "vip"),
        ({"signup_date": "31/01/2026"}, "signup_date"),
        ({"signup_date": "2026-02-30"}, "signup_date"),
        ({"city": 5}, "city"),
        ({"city": "x" * 501}, "city"),
        ({"city": "ok", "orders": "bad"}, "orders"),
    ],
)
def test_attribute_values_are_checked_by_type_all_or_nothing(
    client: FlaskClient, session: Session, admin_token: str, changes: dict[str, Any], field: str
) -> None:
    for key, kind in (("city", "text"), ("orders", "number"), ("vip", "boolean"), ("signup_date", "date")):
        attribute(client, admin_token, key, kind)
    person = make_contact(session, "+14155550142", attributes={"city": "Lima"})
    answer = call(client, admin_token, "PATCH", f"/api/v1/contacts/{person.id}/attributes", 422, json=changes)
    assert list(error_fields(answer)) == [field]
    assert contact(session, "+14155550142").attributes == {"city": "Lima"}


@pytest.mark.parametrize(
    "tags",
    [["x" * 61], [""], ["   "], [f"t{i}" for i in range(51)], "vip", [1], ["tab\there"]],
)
def test_invalid_tags_are_422_and_change_nothing(
    client: FlaskClient, session: Session, admin_token: str, tags: Any
) -> None:
    person = make_contact(session, "+14155550143")
    call(client, admin_token, "PUT", f"/api/v1/contacts/{person.id}/tags", json={"tags": ["keep"]})
    answer = call(client, admin_token, "PUT", f"/api/v1/contacts/{person.id}/tags", 422, json={"tags": tags})
    assert list(error_fields(answer)) == ["tags"]
    assert call(client, admin_token, "GET", f"/api/v1/contacts/{person.id}")["tags"] == ["keep"]


def test_agents_read_attributes_but_every_write_is_403(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    city = attribute(client, admin_token, "city", "text")
    person = make_contact(session, "+14155550144")
    assert call(client, agent_token, "GET", "/api/v1/attributes")["data"][0]["key"] == "city"
    for method, path, body in (
        ("POST", "/api/v1/attributes", {"key": "x", "type": "text"}),
        ("PATCH", f"/api/v1/attributes/{city['id']}", {"label": "X"}),
        ("DELETE", f"/api/v1/attributes/{city['id']}", None),
        ("PUT", f"/api/v1/contacts/{person.id}/tags", {"tags": ["a"]}),
        ("PATCH", f"/api/v1/contacts/{person.id}/attributes", {"city": "Oslo"}),
    ):
        assert call(client, agent_token, method, path, 403, json=body)["error"]["code"] == "forbidden"
    assert contact(session, "+14155550144").attributes == {}
    assert call(client, admin_token, "PUT", "/api/v1/contacts/99999/tags", 404, json={"tags": []})


def test_attributes_page_like_every_list(client: FlaskClient, admin_token: str) -> None:
    for key in ("city", "age", "vip_since"):
        call(
            client,
            admin_token,
            "POST",
            "/api/v1/attributes",
            201,
            json={"key": key, "label": key, "type": "text"},
        )
    first = call(client, admin_token, "GET", "/api/v1/attributes?limit=2")
    rest = call(client, admin_token, "GET", f"/api/v1/attributes?limit=2&cursor={first['next_cursor']}")
    assert [a["key"] for a in first["data"] + rest["data"]] == ["age", "city", "vip_since"]
    assert rest["next_cursor"] is None
