"""The inbox's API: folders and counts, previews, read state, notes, timeline, contacts, canned replies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.users import set_active
from inbox.models import Message, Note, User
from tests.factories import (
    auth_headers,
    call,
    make_contact,
    make_conversation,
    make_token,
    make_user,
    post_inbound,
)


@pytest.fixture
def me(session: Session) -> User:
    return make_user(session, role="agent", name="Me")


@pytest.fixture
def token(session: Session, me: User) -> str:
    return make_token(session, me)


def ids(client: FlaskClient, token: str, query: str) -> list[int]:
    return [c["id"] for c in call(client, token, "GET", f"/api/v1/conversations?{query}")["data"]]


def test_folders_hold_what_their_names_say_and_counts_agree(
    client: FlaskClient, session: Session, me: User, token: str
) -> None:
    other = make_user(session)
    now = dt.datetime.now(dt.UTC)
    made = {}
    for index, (name, status, assignee, unread) in enumerate(
        [
            ("bot", "bot", None, 1),
            ("pending_unassigned", "pending", None, 2),
            ("pending_mine", "pending", me, 0),
            ("open_mine", "open", me, 1),
            ("open_other", "open", other, 0),
            ("resolved", "resolved", None, 0),
        ]
    ):
        contact = make_contact(session, phone=f"+1415555{index:04d}")
        made[name] = make_conversation(
            session,
            contact,
            status=status,
            assignee=assignee,
            unread_count=unread,
            last_message_at=now - dt.timedelta(minutes=index),
        ).id
    expected = {
        "needs_agent": ["pending_unassigned", "pending_mine"],
        "mine": ["pending_mine", "open_mine"],
        "unassigned": ["pending_unassigned"],
        "open": ["pending_unassigned", "pending_mine", "open_mine", "open_other"],
        "bot": ["bot"],
        "resolved": ["resolved"],
    }
    counts = call(client, token, "GET", "/api/v1/inbox/counts")
    for folder, names in expected.items():
        assert ids(client, token, f"folder={folder}") == [made[n] for n in names], folder
        unread = sum(1 for n in names if n in {"bot", "pending_unassigned", "open_mine"})
        assert counts[folder] == {"count": len(names), "unread": unread}, folder
    other_token = make_token(session, other)
    assert ids(client, other_token, "folder=mine") == [made["open_other"]]
    refused = client.get("/api/v1/conversations?folder=everything", headers=auth_headers(token))
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"][0]["field"] == "folder"


def test_the_list_previews_each_conversations_newest_message(client: FlaskClient, token: str) -> None:
    post_inbound(client, "first", sender="+14155550101")
    post_inbound(client, "second <b>", sender="+14155550101")
    post_inbound(client, "other", sender="+14155550102")
    rows = call(client, token, "GET", "/api/v1/conversations")["data"]
    assert len(rows) == 2
    for row in rows:
        newest = call(client, token, "GET", f"/api/v1/conversations/{row['id']}")["messages"][-1]
        assert row["last_message"] == {k: newest[k] for k in ("body", "direction", "sender", "created_at")}


def test_reading_a_conversation_clears_its_unread_count_and_tells_everyone(
    client: FlaskClient, token: str, captured_events: list[tuple[str, dict[str, Any]]]
) -> None:
    post_inbound(client, "one", sender="+14155550101")
    post_inbound(client, "two", sender="+14155550101")
    conv = call(client, token, "GET", "/api/v1/conversations")["data"][0]
    assert conv["unread_count"] == 2
    captured_events.clear()
    read = call(client, token, "POST", f"/api/v1/conversations/{conv['id']}/read")
    assert read["unread_count"] == 0
    assert [n for n, _ in captured_events] == ["conversation.updated"]
    captured_events.clear()
    call(client, token, "POST", f"/api/v1/conversations/{conv['id']}/read")
    assert captured_events == [], "nothing changed, nothing to say"


def test_a_private_note_is_stored_and_announced_but_never_sent(
    client: FlaskClient,
    session: Session,
    token: str,
    me: User,
    captured_events: list[tuple[str, dict[str, Any]]],
) -> None:
    conv = make_conversation(session, status="open")
    captured_events.clear()
    note = call(client, token, "POST", f"/api/v1/conversations/{conv.id}/notes", 201, json={"body": "VIP <3"})
    assert (note["body"], note["author"]["id"], note["conversation_id"]) == ("VIP <3", me.id, conv.id)
    assert [n for n, _ in captured_events] == ["note.created"]
    assert session.scalars(select(Message)).all() == [], "a note has no send path"
    assert session.scalars(select(Note)).one().body == "VIP <3"
    for body in ("", "   ", "x" * 10_001):
        response = client.post(
            f"/api/v1/conversations/{conv.id}/notes", json={"body": body}, headers=auth_headers(token)
        )
        assert response.status_code == 422, body[:5]


def test_the_timeline_pages_through_every_conversation_of_a_contact(
    client: FlaskClient, session: Session, token: str
) -> None:
    post_inbound(client, "m1", sender="+14155550101")
    first = call(client, token, "GET", "/api/v1/conversations")["data"][0]
    call(client, token, "POST", f"/api/v1/conversations/{first['id']}/notes", 201, json={"body": "n1"})
    call(client, token, "PATCH", f"/api/v1/conversations/{first['id']}", json={"status": "resolved"})
    post_inbound(client, "m2", sender="+14155550101")
    post_inbound(client, "m3", sender="+14155550101")
    contact_id = first["contact"]["id"]
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = call(client, token, "GET", f"/api/v1/contacts/{contact_id}/timeline{query}")
        assert len(page["data"]) <= 2
        seen += [
            f"{item['type']}:{item['body']}"
            for item in page["data"]
            if item["type"] == "note" or item["direction"] == "inbound"
        ]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["message:m3", "message:m2", "note:n1", "message:m1"]
    conversations = {
        item["conversation_id"]
        for item in call(client, token, "GET", f"/api/v1/contacts/{contact_id}/timeline")["data"]
    }
    assert len(conversations) == 2
    bad = client.get(f"/api/v1/contacts/{contact_id}/timeline?cursor=bm9wZQ", headers=auth_headers(token))
    assert bad.status_code == 422
    assert client.get("/api/v1/contacts/999/timeline", headers=auth_headers(token)).status_code == 404


def test_renaming_a_contact_is_one_line_of_text_and_reaches_every_inbox(
    client: FlaskClient, session: Session, token: str, captured_events: list[tuple[str, dict[str, Any]]]
) -> None:
    conv = make_conversation(session)
    path = f"/api/v1/contacts/{conv.contact_id}"
    captured_events.clear()
    renamed = call(client, token, "PATCH", path, json={"name": "  Zoë \n <b>Smith</b> "})
    assert renamed["name"] == "Zoë <b>Smith</b>"
    assert dict(captured_events)["contact.updated"] == {
        "id": conv.contact_id,
        "phone": conv.contact.phone,
        "name": "Zoë <b>Smith</b>",
        "opted_out": False,
    }
    assert dict(captured_events)["conversation.updated"]["contact"]["name"] == "Zoë <b>Smith</b>"
    assert renamed["conversations"][0]["id"] == conv.id
    assert call(client, token, "PATCH", path, json={"name": None})["name"] is None
    assert call(client, token, "PATCH", path, json={"name": "   "})["name"] is None
    for body, field in (({"name": 5}, "name"), ({"name": "x" * 201}, "name"), ({"phone": "+1"}, "phone")):
        response = client.patch(path, json=body, headers=auth_headers(token))
        assert response.status_code == 422 and response.get_json()["error"]["fields"][0]["field"] == field


def test_users_and_me_for_the_assign_menu(
    client: FlaskClient, session: Session, me: User, token: str
) -> None:
    set_active(session, make_user(session, name="Zed"), False)
    assert call(client, token, "GET", "/api/v1/me")["id"] == me.id
    users = call(client, token, "GET", "/api/v1/users")["data"]
    assert users[0]["active"] and not users[-1]["active"]
    assert "password_hash" not in users[0]


def test_canned_responses_are_read_by_all_and_written_by_admins(
    client: FlaskClient, session: Session, token: str
) -> None:
    admin = make_token(session, role="admin")
    created = call(
        client, admin, "POST", "/api/v1/canned-responses", 201, json={"shortcut": "hours", "body": "9-5"}
    )
    assert call(client, token, "GET", "/api/v1/canned-responses")["data"] == [created]
    assert (
        client.post(
            "/api/v1/canned-responses", json={"shortcut": "x", "body": "y"}, headers=auth_headers(token)
        ).status_code
        == 403
    )
    path = f"/api/v1/canned-responses/{created['id']}"
    assert call(client, admin, "PATCH", path, json={"body": "8-6"})["body"] == "8-6"
    for bad in ({"shortcut": "Has Space"}, {"body": ""}, {"colour": "red"}):
        assert client.patch(path, json=bad, headers=auth_headers(admin)).status_code == 422, bad
    assert client.delete(path, headers=auth_headers(admin)).status_code == 204
    assert call(client, token, "GET", "/api/v1/canned-responses")["data"] == []


def test_whoever_answers_a_waiting_customer_owns_the_conversation(
    client: FlaskClient, session: Session, me: User, token: str
) -> None:
    colleague = make_user(session)
    conv = make_conversation(session, status="pending", assignee=colleague)
    call(client, token, "POST", f"/api/v1/conversations/{conv.id}/messages", 201, json={"body": "On it"})
    after = call(client, token, "GET", f"/api/v1/conversations/{conv.id}")
    assert (after["status"], after["assignee"]["id"]) == ("open", me.id)
    taken = make_conversation(
        session, make_contact(session, "+14155550199"), status="open", assignee=colleague
    )
    call(client, token, "POST", f"/api/v1/conversations/{taken.id}/messages", 201, json={"body": "Helping"})
    after = call(client, token, "GET", f"/api/v1/conversations/{taken.id}")
    assert after["assignee"]["id"] == colleague.id, "an open conversation stays with its owner"
