"""/api/v1/lists and their members: the contract the admin pages are built on, 4xx cases, agents' 403s."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.models import User
from tests.factories import auth_headers, call, post_inbound
from tests.subscribers.helpers import bodies_to, contact, error_fields, membership, new_list
from tests.web.conftest import log_in

LIST_KEYS = {
    "id",
    "name",
    "description",
    "frequency",
    "double_opt_in",
    "slug",
    "signup_enabled",
    "signup_url",
    "welcome_text",
    "created_at",
    "counts",
}


def test_create_read_update_delete_a_list(client: FlaskClient, admin_token: str) -> None:
    made = new_list(client, admin_token, "  VIP   club ", description="Deals <first>", frequency="4/month")
    assert set(made) >= LIST_KEYS
    assert (made["name"], made["description"], made["frequency"]) == ("VIP club", "Deals <first>", "4/month")
    assert (made["double_opt_in"], made["slug"], made["signup_enabled"], made["signup_url"]) == (
        False,
        None,
        False,
        None,
    )
    assert made["counts"] == {"pending": 0, "subscribed": 0, "unsubscribed": 0}
    assert made["created_at"].endswith("Z")

    changed = call(
        client,
        admin_token,
        "PATCH",
        f"/api/v1/lists/{made['id']}",
        json={"slug": "vip-club", "signup_enabled": True, "double_opt_in": True},
    )
    assert (changed["slug"], changed["signup_url"], changed["name"]) == (
        "vip-club",
        "/join/vip-club",
        "VIP club",
    )
    assert call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}") == changed
    assert call(client, admin_token, "GET", "/api/v1/lists")["data"] == [changed]

    assert client.delete(f"/api/v1/lists/{made['id']}", headers=auth_headers(admin_token)).status_code == 204
    assert (
        call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}", 404)["error"]["code"] == "not_found"
    )
    assert call(client, admin_token, "GET", "/api/v1/lists")["data"] == []


def test_lists_page_with_a_cursor(client: FlaskClient, admin_token: str) -> None:
    for name in ("A", "B", "C"):
        new_list(client, admin_token, name)
    first = call(client, admin_token, "GET", "/api/v1/lists?limit=2")
    rest = call(client, admin_token, "GET", f"/api/v1/lists?limit=2&cursor={first['next_cursor']}")
    assert [r["name"] for r in first["data"] + rest["data"]] == ["A", "B", "C"]
    assert rest["next_cursor"] is None
    assert (
        call(client, admin_token, "GET", "/api/v1/lists?cursor=nonsense", 422)["error"]["code"]
        == "invalid_request"
    )


def test_duplicate_names_and_slugs_are_409(client: FlaskClient, admin_token: str) -> None:
    first = new_list(client, admin_token, "VIP", slug="vip")
    other = new_list(client, admin_token, "Other")
    for body, field in (({"name": "vip"}, "name"), ({"name": "New", "slug": "vip"}, "slug")):
        answer = call(client, admin_token, "POST", "/api/v1/lists", 409, json=body)
        assert answer["error"]["code"] == "duplicate" and error_fields(answer).keys() == {field}
    renamed = call(client, admin_token, "PATCH", f"/api/v1/lists/{other['id']}", 409, json={"name": "VIP"})
    assert error_fields(renamed).keys() == {"name"}
    # A list keeps its own name and slug when saved again.
    call(client, admin_token, "PATCH", f"/api/v1/lists/{first['id']}", json={"name": "VIP", "slug": "vip"})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": 5}, "name"),
        ({"name": "A", "slug": "Not A Slug"}, "slug"),
        ({"name": "A", "slug": "a--b"}, "slug"),
        ({"name": "A", "signup_enabled": True}, "signup_enabled"),
        ({"name": "A", "double_opt_in": "yes"}, "double_opt_in"),
        ({"name": "A", "welcome_text": "Hi {{ contact.nickname }}"}, "welcome_text"),
        ({"name": "A", "welcome_text": "x" * 1601}, "welcome_text"),
        ({"name": "A", "frequency": "f" * 81}, "frequency"),
        ({"name": "A", "colour": "red"}, "colour"),
    ],
)
def test_invalid_lists_are_422_naming_the_field(
    client: FlaskClient, admin_token: str, body: dict[str, Any], field: str
) -> None:
    answer = call(client, admin_token, "POST", "/api/v1/lists", 422, json=body)
    assert answer["error"]["code"] == "invalid_request"
    assert list(error_fields(answer)) == [field]
    assert call(client, admin_token, "GET", "/api/v1/lists")["data"] == []


def test_a_welcome_text_may_use_custom_attributes(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    call(client, admin_token, "POST", "/api/v1/attributes", 201, json={"key": "city", "type": "text"})
    made = new_list(
        client, admin_token, "Local", welcome_text="Hello {{ contact.city | default('neighbour') }}!"
    )
    phone = "+14155550170"
    added = call(
        client, admin_token, "POST", f"/api/v1/lists/{made['id']}/members", 201, json={"phone": phone}
    )
    assert added["status"] == "subscribed"
    call(
        client,
        admin_token,
        "PATCH",
        f"/api/v1/contacts/{added['contact']['id']}/attributes",
        json={"city": "Oslo"},
    )
    other = new_list(client, admin_token, "Local 2", welcome_text="Hello {{ contact.city }}!")
    call(client, admin_token, "POST", f"/api/v1/lists/{other['id']}/members", 201, json={"phone": phone})
    assert bodies_to(session, phone) == ["Hello neighbour!", "Hello Oslo!"]


def test_agents_read_lists_and_members_but_every_write_is_403(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    made = new_list(client, admin_token, "VIP")
    call(
        client,
        admin_token,
        "POST",
        f"/api/v1/lists/{made['id']}/members",
        201,
        json={"phone": "+14155550111"},
    )
    assert call(client, agent_token, "GET", "/api/v1/lists")["data"][0]["id"] == made["id"]
    assert call(client, agent_token, "GET", f"/api/v1/lists/{made['id']}")["name"] == "VIP"
    assert len(call(client, agent_token, "GET", f"/api/v1/lists/{made['id']}/members")["data"]) == 1
    members = f"/api/v1/lists/{made['id']}/members"
    for method, path, body in (
        ("POST", "/api/v1/lists", {"name": "Agent list"}),
        ("PATCH", f"/api/v1/lists/{made['id']}", {"name": "Renamed"}),
        ("DELETE", f"/api/v1/lists/{made['id']}", None),
        ("POST", members, {"phone": "+14155550112"}),
        ("DELETE", f"{members}/1", None),
    ):
        answer = call(client, agent_token, method, path, 403, json=body)
        assert answer["error"]["code"] == "forbidden"
    assert call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}")["counts"]["subscribed"] == 1


def test_adding_a_member_subscribes_them_at_once_and_welcomes_them_once(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = new_list(client, admin_token, "VIP", welcome_text="Welcome {{ contact.first_name }}")
    path = f"/api/v1/lists/{made['id']}/members"
    added = call(client, admin_token, "POST", path, 201, json={"phone": "(415) 555-0111", "name": "Ann Lee"})
    assert added["contact"]["phone"] == "+14155550111" and added["contact"]["name"] == "Ann Lee"
    assert (added["status"], added["source"], added["list_id"]) == ("subscribed", "api", made["id"])
    assert added["source_detail"] == "added by ada@example.com"
    assert added["confirmed_at"] and added["joined_at"] and added["left_at"] is None
    again = call(client, admin_token, "POST", path, 201, json={"phone": "+14155550111"})
    assert again["confirmed_at"] == added["confirmed_at"]
    assert bodies_to(session, "+14155550111") == ["Welcome Ann"]


def test_a_logged_in_admin_adds_members_with_source_admin(
    client: FlaskClient, session: Session, admin: User, admin_token: str
) -> None:
    made = new_list(client, admin_token, "VIP")
    csrf = log_in(client, "ada@example.com")
    response = client.post(
        f"/api/v1/lists/{made['id']}/members", json={"phone": "+14155550112"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["source"] == "admin"


@pytest.mark.parametrize("phone", ["not a number", "VERIFY", "12345", "+1", ""])
def test_a_member_needs_a_mobile_number(client: FlaskClient, admin_token: str, phone: str) -> None:
    made = new_list(client, admin_token, "VIP")
    answer = call(
        client, admin_token, "POST", f"/api/v1/lists/{made['id']}/members", 422, json={"phone": phone}
    )
    assert list(error_fields(answer)) == ["phone"]
    assert call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}/members")["data"] == []


def test_an_opted_out_number_cannot_be_added_by_anyone_else(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = new_list(client, admin_token, "VIP")
    post_inbound(client, "STOP", sender="+14155550113")
    answer = call(
        client,
        admin_token,
        "POST",
        f"/api/v1/lists/{made['id']}/members",
        409,
        json={"phone": "+14155550113"},
    )
    assert answer["error"]["code"] == "opted_out"
    assert "START" in answer["error"]["message"] and "join keyword" in answer["error"]["message"]
    assert membership(session, made["id"], "+14155550113") is None
    assert contact(session, "+14155550113").opted_out


def test_removing_a_member_is_idempotent_and_keeps_the_record(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = new_list(client, admin_token, "VIP")
    added = call(
        client,
        admin_token,
        "POST",
        f"/api/v1/lists/{made['id']}/members",
        201,
        json={"phone": "+14155550114"},
    )
    path = f"/api/v1/lists/{made['id']}/members/{added['contact']['id']}"
    left = call(client, admin_token, "DELETE", path)
    assert left["status"] == "unsubscribed" and left["left_at"]
    assert call(client, admin_token, "DELETE", path) == left
    assert (
        call(client, admin_token, "DELETE", f"/api/v1/lists/{made['id']}/members/99999", 404)["error"]["code"]
        == "not_found"
    )
    assert call(client, admin_token, "DELETE", f"/api/v1/lists/99999/members/{added['contact']['id']}", 404)
    counts = call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}")["counts"]
    assert counts == {"pending": 0, "subscribed": 0, "unsubscribed": 1}
    # Added again: subscribed again, a new opt-in record.
    back = call(
        client,
        admin_token,
        "POST",
        f"/api/v1/lists/{made['id']}/members",
        201,
        json={"phone": "+14155550114"},
    )
    assert back["status"] == "subscribed" and back["left_at"] is None


def test_members_filter_by_status_and_search_and_page(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = new_list(client, admin_token, "VIP")
    path = f"/api/v1/lists/{made['id']}/members"
    for index, name in enumerate(["Ann Lee", "Bob Ray", "Cy 50%_off"]):
        call(client, admin_token, "POST", path, 201, json={"phone": f"+1415555012{index}", "name": name})
    bob = contact(session, "+14155550121")
    call(client, admin_token, "DELETE", f"{path}/{bob.id}")

    everyone = call(client, admin_token, "GET", path)["data"]
    assert [m["contact"]["name"] for m in everyone] == ["Cy 50%_off", "Bob Ray", "Ann Lee"]
    subscribed = call(client, admin_token, "GET", f"{path}?status=subscribed")["data"]
    assert [m["contact"]["name"] for m in subscribed] == ["Cy 50%_off", "Ann Lee"]
    assert [m["contact"]["name"] for m in call(client, admin_token, "GET", f"{path}?q=ann")["data"]] == [
        "Ann Lee"
    ]
    assert [m["contact"]["phone"] for m in call(client, admin_token, "GET", f"{path}?q=0121")["data"]] == [
        "+14155550121"
    ]
    # A number written the way people write it is searched by its digits.
    formatted = call(client, admin_token, "GET", f"{path}?q=(415)%20555-0121")["data"]
    assert [m["contact"]["phone"] for m in formatted] == ["+14155550121"]
    assert [m["contact"]["name"] for m in call(client, admin_token, "GET", f"{path}?q=50%25_")["data"]] == [
        "Cy 50%_off"
    ]
    first = call(client, admin_token, "GET", f"{path}?limit=2")
    rest = call(client, admin_token, "GET", f"{path}?limit=2&cursor={first['next_cursor']}")
    assert [m["contact"]["name"] for m in first["data"] + rest["data"]] == [
        "Cy 50%_off",
        "Bob Ray",
        "Ann Lee",
    ]
    assert call(client, admin_token, "GET", f"{path}?status=gone", 422)["error"]["code"] == "invalid_request"
    assert call(client, admin_token, "GET", f"{path}?stauts=pending", 422)
    assert call(client, admin_token, "GET", "/api/v1/lists/9999/members", 404)
