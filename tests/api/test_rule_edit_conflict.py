"""Two admins editing one rule: a save based on an old copy is refused instead of undoing the other's."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_rule, make_token


def test_a_save_from_a_stale_copy_is_a_409_and_changes_nothing(client: FlaskClient, session: Session) -> None:
    rule = make_rule(session, reply="Open 9-5")
    alice, bob = auth_headers(make_token(session)), auth_headers(make_token(session))
    opened = client.get(f"/api/v1/rules/{rule.id}", headers=alice).get_json()["updated_at"]

    saved = client.patch(
        f"/api/v1/rules/{rule.id}", json={"reply": "Open 8-6", "base_updated_at": opened}, headers=bob
    )
    assert saved.status_code == 200

    stale = client.patch(
        f"/api/v1/rules/{rule.id}", json={"reply": "Open 10-4", "base_updated_at": opened}, headers=alice
    )
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "edit_conflict" and error["rule"]["reply"] == "Open 8-6"
    assert client.get(f"/api/v1/rules/{rule.id}", headers=alice).get_json()["reply"] == "Open 8-6"

    fresh = saved.get_json()["updated_at"]
    again = client.patch(
        f"/api/v1/rules/{rule.id}", json={"reply": "Open 10-4", "base_updated_at": fresh}, headers=alice
    )
    assert again.status_code == 200 and again.get_json()["reply"] == "Open 10-4"


def test_a_save_without_a_base_still_works(client: FlaskClient, session: Session) -> None:
    rule = make_rule(session)
    headers = auth_headers(make_token(session))
    answer = client.patch(f"/api/v1/rules/{rule.id}", json={"priority": 4}, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["priority"] == 4
    bad = client.patch(f"/api/v1/rules/{rule.id}", json={"base_updated_at": 5}, headers=headers)
    assert bad.status_code == 422


def test_moving_a_rule_is_not_an_edit(client: FlaskClient, session: Session) -> None:
    first, second = make_rule(session, name="First"), make_rule(session, name="Second", keywords=["price"])
    headers = auth_headers(make_token(session))
    opened = client.get(f"/api/v1/rules/{first.id}", headers=headers).get_json()["updated_at"]
    moved = client.post("/api/v1/rules/reorder", json={"ids": [second.id, first.id]}, headers=headers)
    assert moved.status_code == 200
    assert [r["name"] for r in client.get("/api/v1/rules", headers=headers).get_json()["data"]] == [
        "Second",
        "First",
    ]
    saved = client.patch(
        f"/api/v1/rules/{first.id}",
        json={"reply": "Moved but mine", "base_updated_at": opened},
        headers=headers,
    )
    assert saved.status_code == 200
