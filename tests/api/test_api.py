"""/api/v1: auth, paging, filters, conversations, sends, rules, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from inbox.actions.users import revoke_token
from tests.factories import auth_headers, make_rule, make_token, make_user, post_inbound


@pytest.fixture
def admin_token(session: Session) -> str:
    return make_token(session, role="admin")


def get(client: FlaskClient, token: str, path: str) -> Any:
    response = client.get(path, headers=auth_headers(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


class TestAuth:
    @pytest.mark.parametrize("path", ["/api/v1/conversations", "/api/v1/contacts", "/api/v1/rules"])
    def test_no_token_is_401_json(self, client: FlaskClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"

    def test_a_wrong_or_malformed_token_is_401(self, client: FlaskClient, admin_token: str) -> None:
        for header in ["Bearer td_nope", "Bearer", "Basic abc", "Bearer " + admin_token + "x"]:
            assert client.get("/api/v1/rules", headers={"Authorization": header}).status_code == 401

    def test_a_revoked_token_stops_working(
        self, client: FlaskClient, session: Session, admin_token: str
    ) -> None:
        assert client.get("/api/v1/rules", headers=auth_headers(admin_token)).status_code == 200
        assert revoke_token(session, admin_token) == 1
        assert client.get("/api/v1/rules", headers=auth_headers(admin_token)).status_code == 401

    def test_tokens_are_stored_hashed(self, session: Session, admin_token: str) -> None:
        from sqlalchemy import select

        from inbox.models import ApiToken

        stored = session.scalars(select(ApiToken)).one()
        assert admin_token not in (stored.token_hash, stored.prefix)
        assert len(stored.token_hash) == 64

    def test_the_openapi_document_is_public(self, client: FlaskClient) -> None:
        document = client.get("/api/v1/openapi.json").get_json()
        assert document["openapi"].startswith("3.")
        assert "/conversations/{conversation_id}" in document["paths"]


class TestConversations:
    def test_list_is_most_recent_first_and_pages_with_a_cursor(
        self, client: FlaskClient, admin_token: str
    ) -> None:
        for i in range(5):
            post_inbound(client, f"hello {i}", sender=f"+1415555{2000 + i:04d}")
        first = get(client, admin_token, "/api/v1/conversations?limit=2")
        assert [c["contact"]["phone"] for c in first["data"]] == ["+14155552004", "+14155552003"]
        second = get(client, admin_token, f"/api/v1/conversations?limit=2&cursor={first['next_cursor']}")
        third = get(client, admin_token, f"/api/v1/conversations?limit=2&cursor={second['next_cursor']}")
        phones = [c["contact"]["phone"] for page in (first, second, third) for c in page["data"]]
        assert phones == [f"+1415555{2000 + i:04d}" for i in reversed(range(5))]
        assert third["next_cursor"] is None

    def test_filters_by_status_phone_and_text(self, client: FlaskClient, admin_token: str) -> None:
        post_inbound(client, "where is my parcel", sender="+14155550101")
        post_inbound(client, "AGENT please", sender="+14155550102")
        pending = get(client, admin_token, "/api/v1/conversations?status=pending")["data"]
        assert [c["contact"]["phone"] for c in pending] == ["+14155550102"]
        by_phone = get(client, admin_token, "/api/v1/conversations?phone=(415)%20555-0101")["data"]
        assert [c["contact"]["phone"] for c in by_phone] == ["+14155550101"]
        by_text = get(client, admin_token, "/api/v1/conversations?q=parcel")["data"]
        assert [c["contact"]["phone"] for c in by_text] == ["+14155550101"]
        assert get(client, admin_token, "/api/v1/conversations?q=100%25")["data"] == []

    @pytest.mark.parametrize(
        "query",
        ["status=nope", "limit=0", "limit=abc", "limit=201", "cursor=garbage!", "assignee=x", "phone=<b>"],
    )
    def test_bad_query_arguments_are_422(self, client: FlaskClient, admin_token: str, query: str) -> None:
        response = client.get(f"/api/v1/conversations?{query}", headers=auth_headers(admin_token))
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"][0]["field"] == query.split("=")[0]

    def test_one_conversation_has_its_messages_oldest_first(
        self, client: FlaskClient, admin_token: str
    ) -> None:
        post_inbound(client, "HELP")
        conv = get(client, admin_token, "/api/v1/conversations")["data"][0]
        full = get(client, admin_token, f"/api/v1/conversations/{conv['id']}")
        assert [(m["direction"], m["sender"]) for m in full["messages"]] == [
            ("inbound", "contact"),
            ("outbound", "system"),
        ]
        assert set(full["contact"]) >= {"id", "phone", "name", "opted_out"}
        assert set(full["messages"][1]) >= {
            "id",
            "conversation_id",
            "direction",
            "sender",
            "body",
            "status",
            "error_code",
            "provider_sid",
            "segments",
            "encoding",
            "created_at",
        }

    def test_patch_assigns_and_resolves(
        self, client: FlaskClient, session: Session, admin_token: str
    ) -> None:
        agent = make_user(session, role="agent", name="Ada")
        post_inbound(client, "hello")
        conv_id = get(client, admin_token, "/api/v1/conversations")["data"][0]["id"]
        response = client.patch(
            f"/api/v1/conversations/{conv_id}",
            json={"assignee_id": agent.id},
            headers=auth_headers(admin_token),
        )
        assert response.status_code == 200
        assert response.get_json()["assignee"]["name"] == "Ada"
        assert response.get_json()["status"] == "open"
        resolved = client.patch(
            f"/api/v1/conversations/{conv_id}", json={"status": "resolved"}, headers=auth_headers(admin_token)
        ).get_json()
        assert resolved["status"] == "resolved" and resolved["resolved_at"]

    @pytest.mark.parametrize(
        "body",
        [
            {"status": "closed"},
            {"assignee_id": 999},
            {"assignee_id": "1"},
            {"color": "red"},
            {"assignee_id": True},
        ],
    )
    def test_patch_rejects_bad_fields_with_422(
        self, client: FlaskClient, admin_token: str, body: dict[str, Any]
    ) -> None:
        post_inbound(client, "hello")
        conv_id = get(client, admin_token, "/api/v1/conversations")["data"][0]["id"]
        response = client.patch(
            f"/api/v1/conversations/{conv_id}", json=body, headers=auth_headers(admin_token)
        )
        assert response.status_code == 422

    def test_reopening_when_another_conversation_is_current_is_409(
        self, client: FlaskClient, admin_token: str
    ) -> None:
        post_inbound(client, "first")
        first = get(client, admin_token, "/api/v1/conversations")["data"][0]["id"]
        client.patch(
            f"/api/v1/conversations/{first}", json={"status": "resolved"}, headers=auth_headers(admin_token)
        )
        post_inbound(client, "second")
        response = client.patch(
            f"/api/v1/conversations/{first}", json={"status": "open"}, headers=auth_headers(admin_token)
        )
        assert response.status_code == 409

    def test_an_agent_reply_to_a_pending_conversation_makes_it_open_and_theirs(
        self, client: FlaskClient, session: Session
    ) -> None:
        agent = make_user(session, role="agent")
        token = make_token(session, agent)
        post_inbound(client, "AGENT")
        conv = get(client, token, "/api/v1/conversations")["data"][0]
        assert conv["status"] == "pending"
        reply = client.post(
            f"/api/v1/conversations/{conv['id']}/messages",
            json={"body": "Hi, Ada here"},
            headers=auth_headers(token),
        )
        assert reply.status_code == 201
        assert (reply.get_json()["sender"], reply.get_json()["status"]) == ("agent", "queued")
        after = get(client, token, f"/api/v1/conversations/{conv['id']}")
        assert after["status"] == "open"
        assert after["assignee"]["id"] == agent.id

    @pytest.mark.parametrize("body", [{"body": ""}, {"body": "   "}, {"body": "x" * 1601}, {"body": 5}, {}])
    def test_a_bad_reply_is_422_and_stores_nothing(
        self, client: FlaskClient, admin_token: str, body: dict[str, Any]
    ) -> None:
        post_inbound(client, "AGENT")
        conv_id = get(client, admin_token, "/api/v1/conversations")["data"][0]["id"]
        response = client.post(
            f"/api/v1/conversations/{conv_id}/messages", json=body, headers=auth_headers(admin_token)
        )
        assert response.status_code == 422
        messages = get(client, admin_token, f"/api/v1/conversations/{conv_id}")["messages"]
        assert not any(m["sender"] == "agent" for m in messages)

    def test_replying_to_a_sender_id_is_a_422(self, client: FlaskClient, admin_token: str) -> None:
        post_inbound(client, "Your code is 123456", sender="VERIFY")
        conv_id = get(client, admin_token, "/api/v1/conversations")["data"][0]["id"]
        response = client.post(
            f"/api/v1/conversations/{conv_id}/messages",
            json={"body": "hi"},
            headers=auth_headers(admin_token),
        )
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"][0]["field"] == "to"

    def test_unknown_ids_are_404_json(self, client: FlaskClient, admin_token: str) -> None:
        for path in [
            "/api/v1/conversations/999",
            "/api/v1/contacts/999",
            "/api/v1/rules/999",
            "/api/v1/nothing",
        ]:
            response = client.get(path, headers=auth_headers(admin_token))
            assert response.status_code == 404
            assert response.get_json()["error"]["code"] == "not_found"


class TestSend:
    def test_send_threads_into_the_contacts_conversation(self, client: FlaskClient, admin_token: str) -> None:
        post_inbound(client, "hello", sender="+14155550100")
        response = client.post(
            "/api/v1/messages",
            json={"to": "415-555-0100", "body": "Your order shipped"},
            headers=auth_headers(admin_token),
        )
        assert response.status_code == 201
        conversations = get(client, admin_token, "/api/v1/conversations")["data"]
        assert len(conversations) == 1
        assert response.get_json()["conversation_id"] == conversations[0]["id"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"to": "not a number", "body": "hi"}, "to"),
            ({"to": "MyBrand", "body": "hi"}, "to"),
            ({"to": "+14155550100"}, "body"),
            ({"to": "+14155550100", "body": ""}, "body"),
            ({"to": "+14155550100", "body": "y" * 1601}, "body"),
            ({"body": "hi"}, "to"),
            ({"to": 14155550100, "body": "hi"}, "to"),
            ({"to": "+14155550100", "body": "a\x00b"}, "body"),
        ],
    )
    def test_invalid_sends_are_422_naming_the_field(
        self, client: FlaskClient, admin_token: str, body: dict[str, Any], field: str
    ) -> None:
        response = client.post("/api/v1/messages", json=body, headers=auth_headers(admin_token))
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"][0]["field"] == field

    def test_non_json_bodies_are_4xx(self, client: FlaskClient, admin_token: str) -> None:
        headers = auth_headers(admin_token)
        assert client.post("/api/v1/messages", data="to=1", headers=headers).status_code == 415
        assert (
            client.post(
                "/api/v1/messages", data="[1", headers={**headers, "Content-Type": "application/json"}
            ).status_code
            == 400
        )
        assert client.post("/api/v1/messages", json=[1, 2], headers=headers).status_code == 400


class TestRules:
    def test_crud(self, client: FlaskClient, admin_token: str) -> None:
        headers = auth_headers(admin_token)
        created = client.post(
            "/api/v1/rules",
            json={
                "name": "Hours",
                "keywords": ["hours", "opening times"],
                "match": "phrase",
                "reply": "9 to 5",
            },
            headers=headers,
        )
        assert created.status_code == 201, created.get_json()
        rule = created.get_json()
        assert (rule["fuzzy"], rule["action"], rule["enabled"]) == (True, "reply", True)
        changed = client.patch(
            f"/api/v1/rules/{rule['id']}", json={"priority": 5, "enabled": False}, headers=headers
        )
        assert (changed.get_json()["priority"], changed.get_json()["enabled"]) == (5, False)
        assert [r["id"] for r in get(client, admin_token, "/api/v1/rules")["data"]] == [rule["id"]]
        assert client.delete(f"/api/v1/rules/{rule['id']}", headers=headers).status_code == 204
        assert client.get(f"/api/v1/rules/{rule['id']}", headers=headers).status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "x", "keywords": []}, "keywords"),
            ({"name": "x", "keywords": [""]}, "keywords"),
            ({"name": "", "keywords": ["a"], "reply": "r"}, "name"),
            ({"name": "x", "keywords": ["a"], "match": "fuzzy", "reply": "r"}, "match"),
            ({"name": "x", "keywords": ["(a+)+$"], "match": "regex", "reply": "r"}, "keywords"),
            ({"name": "x", "keywords": ["(unclosed"], "match": "regex", "reply": "r"}, "keywords"),
            ({"name": "x", "keywords": ["a"], "reply": "{{ contact.__class__ }}"}, "reply"),
            ({"name": "x", "keywords": ["a"], "reply": "z" * 1601}, "reply"),
            ({"name": "x", "keywords": ["a"], "action": "reply", "reply": ""}, "reply"),
            ({"name": "x", "keywords": "a", "reply": "r"}, "keywords"),
            ({"name": "x", "keywords": ["a"], "threshold": "high", "reply": "r"}, "threshold"),
            ({"name": "x", "keywords": ["a"], "reply": "r", "extra": 1}, "extra"),
            ({"name": "x\x00", "keywords": ["a"], "reply": "r"}, "name"),
            ({"name": "x", "keywords": ["a", "b\x00"], "reply": "r"}, "keywords[1]"),
        ],
    )
    def test_invalid_rules_are_422_naming_the_field(
        self, client: FlaskClient, admin_token: str, body: dict[str, Any], field: str
    ) -> None:
        response = client.post("/api/v1/rules", json=body, headers=auth_headers(admin_token))
        assert response.status_code == 422, response.get_json()
        assert field in [f["field"] for f in response.get_json()["error"]["fields"]]

    def test_agents_can_read_but_not_change_rules(self, client: FlaskClient, session: Session) -> None:
        token = make_token(session, role="agent")
        assert client.get("/api/v1/rules", headers=auth_headers(token)).status_code == 200
        response = client.post(
            "/api/v1/rules", json={"name": "x", "keywords": ["a"], "reply": "r"}, headers=auth_headers(token)
        )
        assert response.status_code == 403

    def test_rules_test_says_what_the_bot_would_do_without_storing(
        self, client: FlaskClient, session: Session, admin_token: str
    ) -> None:
        rule = make_rule(
            session, keywords=["opening hours"], reply='Hi {{ contact.first_name | default("there") }}, 9-5'
        )
        response = client.post(
            "/api/v1/rules/test",
            json={"text": "what are your openin hours?", "contact_name": "Ada Lovelace"},
            headers=auth_headers(admin_token),
        )
        decision = response.get_json()
        assert decision["kind"] == "rule"
        assert decision["match"]["rule_id"] == rule.id
        assert decision["replies"] == ["Hi Ada, 9-5"]
        stop = client.post(
            "/api/v1/rules/test", json={"text": "STOP"}, headers=auth_headers(admin_token)
        ).get_json()
        assert (stop["kind"], stop["consent"]) == ("opt_out", "opt_out")
        assert get(client, admin_token, "/api/v1/conversations")["data"] == []

    def test_a_rule_change_takes_effect_on_the_next_message_in_every_process(
        self, client: FlaskClient, session: Session, admin_token: str, app: Any, database_url: str
    ) -> None:
        from app import create_app
        from tests.conftest import test_config

        other_process = create_app(test_config(database_url)).test_client()  # its own compiled bot
        assert post_inbound(other_process, "parking?").status_code == 200
        client.post(
            "/api/v1/rules",
            json={"name": "Parking", "keywords": ["parking"], "match": "phrase", "reply": "Behind the shop."},
            headers=auth_headers(admin_token),
        )
        post_inbound(other_process, "parking?", sender="+14155550111")
        replies = [
            m["body"]
            for c in get(client, admin_token, "/api/v1/conversations")["data"]
            for m in get(client, admin_token, f"/api/v1/conversations/{c['id']}")["messages"]
            if m["direction"] == "outbound"
        ]
        assert "Behind the shop." in replies
