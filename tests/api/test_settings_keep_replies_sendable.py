"""A settings change may not push a saved rule's reply past one text's limit (1,600 characters)."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_rule, make_token


def test_a_support_contact_that_would_overflow_a_rules_reply_is_refused(
    client: FlaskClient, session: Session
) -> None:
    make_rule(session, name="Contact us", reply="Reach us: {{ support }}. " * 12)
    headers = auth_headers(make_token(session))
    long_contact = "Call " + "9" * 150
    refused = client.patch("/api/v1/settings", json={"support_contact": long_contact}, headers=headers)
    assert refused.status_code == 422
    [problem] = refused.get_json()["error"]["fields"]
    assert problem["field"] == "support_contact" and "'Contact us'" in problem["message"]
    assert client.get("/api/v1/settings", headers=headers).get_json()["support_contact"] != long_contact

    fine = client.patch("/api/v1/settings", json={"support_contact": "help@acme.test"}, headers=headers)
    assert fine.status_code == 200


def test_settings_changes_can_be_looked_at(client: FlaskClient, session: Session) -> None:
    headers = auth_headers(make_token(session))
    client.patch("/api/v1/settings", json={"brand_name": "Acme"}, headers=headers)
    client.patch("/api/v1/settings", json={"support_contact": "help@acme.test"}, headers=headers)
    page = client.get("/api/v1/settings/changes?limit=1", headers=headers).get_json()
    [latest] = page["data"]
    assert latest["after"] == {"support_contact": "help@acme.test"} and latest["user"] is not None
    older = client.get(f"/api/v1/settings/changes?cursor={page['next_cursor']}", headers=headers).get_json()
    assert [c["after"] for c in older["data"]] == [{"brand_name": "Acme"}]
    assert older["next_cursor"] is None
