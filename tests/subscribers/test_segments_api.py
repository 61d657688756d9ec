"""Saved segments: CRUD, the live count as contacts change, and errors that point at line and column."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, call, make_contact
from tests.subscribers.helpers import error_fields, new_list


def test_save_count_change_and_delete_a_segment(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    call(client, admin_token, "POST", "/api/v1/attributes", 201, json={"key": "city", "type": "text"})
    make_contact(session, "+14155550150", attributes={"city": "Boston"})
    make_contact(session, "+14155550151", attributes={"city": "Lima"})

    saved = call(
        client,
        admin_token,
        "POST",
        "/api/v1/segments",
        201,
        json={"name": "Bostonians", "filter": 'city = "Boston"', "description": "for the parade"},
    )
    assert set(saved) == {"id", "name", "filter", "description", "count", "error", "created_at", "updated_at"}
    assert (saved["name"], saved["count"], saved["error"]) == ("Bostonians", 1, None)

    make_contact(session, "+14155550152", attributes={"city": "Boston"})
    assert call(client, admin_token, "GET", f"/api/v1/segments/{saved['id']}")["count"] == 2  # live

    changed = call(
        client, admin_token, "PATCH", f"/api/v1/segments/{saved['id']}", json={"filter": 'city != "Boston"'}
    )
    assert (changed["count"], changed["name"], changed["description"]) == (1, "Bostonians", "for the parade")
    listed = call(client, admin_token, "GET", "/api/v1/segments")
    assert [s["id"] for s in listed["data"]] == [saved["id"]] and listed["next_cursor"] is None

    assert (
        client.delete(f"/api/v1/segments/{saved['id']}", headers=auth_headers(admin_token)).status_code == 204
    )
    assert (
        call(client, admin_token, "GET", f"/api/v1/segments/{saved['id']}", 404)["error"]["code"]
        == "not_found"
    )


def test_an_invalid_filter_is_422_with_line_and_column(client: FlaskClient, admin_token: str) -> None:
    answer = call(
        client,
        admin_token,
        "POST",
        "/api/v1/segments",
        422,
        json={"name": "Bad", "filter": 'tag = "vip"\nAND city ='},
    )
    assert answer["error"]["code"] == "invalid_segment"
    assert (answer["error"]["line"], answer["error"]["column"]) == (2, 11)  # just after "="
    assert list(error_fields(answer)) == ["filter"]
    unknown = call(
        client, admin_token, "POST", "/api/v1/segments", 422, json={"name": "Bad", "filter": "shoe = 3"}
    )
    assert (unknown["error"]["line"], unknown["error"]["column"]) == (1, 1)
    assert "unknown field 'shoe'" in unknown["error"]["message"]
    saved = call(
        client, admin_token, "POST", "/api/v1/segments", 201, json={"name": "Ok", "filter": 'tag = "vip"'}
    )
    patched = call(
        client, admin_token, "PATCH", f"/api/v1/segments/{saved['id']}", 422, json={"filter": "(("}
    )
    assert patched["error"]["code"] == "invalid_segment"
    assert call(client, admin_token, "GET", "/api/v1/segments")["data"][0]["filter"] == 'tag = "vip"'
    # The editor's count endpoint answers the same way.
    counted = call(client, admin_token, "POST", "/api/v1/segments/count", 422, json={"filter": "tag = "})
    assert counted["error"]["code"] == "invalid_segment" and counted["error"]["column"] >= 1
    assert call(client, admin_token, "POST", "/api/v1/segments/count", json={"filter": 'tag = "vip"'}) == {
        "count": 0
    }


def test_a_segment_whose_list_is_deleted_shows_why_it_cannot_count(
    client: FlaskClient, admin_token: str
) -> None:
    made = new_list(client, admin_token, "Newsletter")
    saved = call(
        client,
        admin_token,
        "POST",
        "/api/v1/segments",
        201,
        json={"name": "Readers", "filter": 'list = "Newsletter"'},
    )
    assert saved["count"] == 0
    call(client, admin_token, "DELETE", f"/api/v1/lists/{made['id']}", 204)
    stale = call(client, admin_token, "GET", f"/api/v1/segments/{saved['id']}")
    assert stale["count"] is None and "no list named" in stale["error"]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"filter": 'tag = "a"'}, "invalid_request", "name"),
        ({"name": "   ", "filter": 'tag = "a"'}, "invalid_request", "name"),
        ({"name": "x" * 81, "filter": 'tag = "a"'}, "invalid_request", "name"),
        ({"name": "A"}, "invalid_request", "filter"),
        ({"name": "A", "filter": 'tag = "a"', "description": 3}, "invalid_request", "description"),
        ({"name": "A", "filter": 'tag = "a"', "owner": "me"}, "invalid_request", "owner"),
    ],
)
def test_invalid_segments_are_422(
    client: FlaskClient, admin_token: str, body: dict[str, object], code: str, field: str
) -> None:
    answer = call(client, admin_token, "POST", "/api/v1/segments", 422, json=body)
    assert answer["error"]["code"] == code and list(error_fields(answer)) == [field]


def test_names_are_unique_and_agents_only_read(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    saved = call(
        client, admin_token, "POST", "/api/v1/segments", 201, json={"name": "VIPs", "filter": 'tag = "vip"'}
    )
    twin = call(
        client, admin_token, "POST", "/api/v1/segments", 409, json={"name": "vips", "filter": 'tag = "x"'}
    )
    assert twin["error"]["code"] == "duplicate"
    assert call(client, agent_token, "GET", "/api/v1/segments")["data"][0]["name"] == "VIPs"
    assert call(client, agent_token, "GET", f"/api/v1/segments/{saved['id']}")["count"] == 0
    assert call(client, agent_token, "POST", "/api/v1/segments/count", json={"filter": 'tag = "vip"'}) == {
        "count": 0
    }
    for method, path, body in (
        ("POST", "/api/v1/segments", {"name": "Mine", "filter": 'tag = "a"'}),
        ("PATCH", f"/api/v1/segments/{saved['id']}", {"name": "Mine"}),
        ("DELETE", f"/api/v1/segments/{saved['id']}", None),
    ):
        assert call(client, agent_token, method, path, 403, json=body)["error"]["code"] == "forbidden"
    assert call(client, admin_token, "GET", f"/api/v1/segments/{saved['id']}")["name"] == "VIPs"
