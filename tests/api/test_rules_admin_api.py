"""Issue 4, rules admin: the rules editor API, conflicts, reorder, history, export/import, the check
endpoint, the test bench and replay, all through HTTP against the real database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import null, select, update
from sqlalchemy.orm import Session

from inbox.models import Message, User
from tests.factories import auth_headers, call, make_rule, post_inbound

FALLBACK = "Sorry, I didn't catch that. Reply AGENT to reach a person, HELP for help or STOP to opt out."
HANDOFF_ACK = "Thanks! An agent will reply shortly."


def new_rule(client: FlaskClient, token: str, name: str, keywords: list[str], **fields: Any) -> Any:
    body = {"name": name, "keywords": keywords, "match": "phrase", "reply": f"{name} says hi", **fields}
    return call(client, token, "POST", "/api/v1/rules", 201, json=body)


def listed(client: FlaskClient, token: str) -> list[dict[str, Any]]:
    page = call(client, token, "GET", "/api/v1/rules?limit=200")
    assert page["next_cursor"] is None
    return page["data"]  # type: ignore[no-any-return]


def changes(client: FlaskClient, token: str, query: str = "") -> list[dict[str, Any]]:
    return call(client, token, "GET", f"/api/v1/rules/changes?limit=200{query}")["data"]  # type: ignore[no-any-return]


def bot_replies(client: FlaskClient, token: str, phone: str) -> list[str]:
    """Every outbound text in the conversations of one phone, oldest first."""
    conversations = call(client, token, "GET", "/api/v1/conversations", query_string={"phone": phone})["data"]
    assert conversations, phone
    return [
        m["body"]
        for c in conversations
        for m in call(client, token, "GET", f"/api/v1/conversations/{c['id']}")["messages"]
        if m["direction"] == "outbound"
    ]


def error_fields(response: Any) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response["error"]["fields"]}


# --- list, create, position ----------------------------------------------------------------------


def test_list_is_in_position_order_and_pages_with_a_cursor(client: FlaskClient, admin_token: str) -> None:
    made = [new_rule(client, admin_token, f"Rule {i}", [f"word{i}"]) for i in range(5)]
    assert [r["position"] for r in made] == [1, 2, 3, 4, 5]  # each new rule goes at the end
    order = [made[4]["id"], made[1]["id"], made[3]["id"], made[0]["id"], made[2]["id"]]
    call(client, admin_token, "POST", "/api/v1/rules/reorder", json={"ids": order})

    pages, cursor = [], None
    while True:
        query = "/api/v1/rules?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = call(client, admin_token, "GET", query)
        pages.append(page["data"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    seen = [r for p in pages for r in p]
    assert [r["id"] for r in seen] == order
    assert [r["position"] for r in seen] == [1, 2, 3, 4, 5]
    bad = client.get("/api/v1/rules?cursor=garbage!", headers=auth_headers(admin_token))
    assert bad.status_code == 422


def test_create_appends_after_the_last_rule_even_after_reorder_and_delete(
    client: FlaskClient, admin_token: str
) -> None:
    a = new_rule(client, admin_token, "A", ["alpha"])
    b = new_rule(client, admin_token, "B", ["bravo"])
    call(client, admin_token, "POST", "/api/v1/rules/reorder", json={"ids": [b["id"], a["id"]]})
    c = new_rule(client, admin_token, "C", ["charlie"])
    assert c["position"] == 3
    call(client, admin_token, "DELETE", f"/api/v1/rules/{a['id']}", 204)
    d = new_rule(client, admin_token, "D", ["delta"])
    assert [r["name"] for r in listed(client, admin_token)] == ["B", "C", "D"]
    assert d["position"] > c["position"]
    assert set(d) >= {"id", "name", "keywords", "match", "fuzzy", "threshold", "priority", "enabled"}
    assert set(d) >= {"reply", "action", "position", "created_at", "updated_at", "conflicts"}


# --- conflicts -----------------------------------------------------------------------------------


def test_create_and_patch_answers_list_conflicts(client: FlaskClient, admin_token: str) -> None:
    hours = new_rule(client, admin_token, "Hours", ["hours"])
    assert hours["conflicts"] == []

    tours = new_rule(client, admin_token, "Tours", ["tours"], fuzzy=True, threshold=75)
    [overlap] = tours["conflicts"]
    assert (overlap["kind"], overlap["rule_id"], overlap["rule_name"]) == ("overlap", hours["id"], "Hours")
    assert overlap["example"] == "hours" and overlap["winner"] == "other"
    assert "Hours" in overlap["message"]

    dup = new_rule(client, admin_token, "Dup", ["hours"], priority=5)
    duplicate = [c for c in dup["conflicts"] if c["kind"] == "duplicate_keyword"]
    assert [(c["keyword"], c["rule_id"], c["winner"]) for c in duplicate] == [("hours", hours["id"], "this")]
    assert "already a keyword" in duplicate[0]["message"]

    stop = new_rule(client, admin_token, "Stopper", ["stop"], match="first_word")
    [reserved] = stop["conflicts"]
    assert (reserved["kind"], reserved["keyword"], reserved["winner"]) == (
        "reserved_word",
        "stop",
        "compliance",
    )
    assert reserved["rule_id"] is None and reserved["message"]

    parking = new_rule(client, admin_token, "Parking", ["parking"])
    assert parking["conflicts"] == []
    patched = call(
        client,
        admin_token,
        "PATCH",
        f"/api/v1/rules/{parking['id']}",
        json={"keywords": ["parking", "hours"]},
    )
    assert patched["keywords"] == ["parking", "hours"]
    dup_ids = {c["rule_id"] for c in patched["conflicts"] if c["kind"] == "duplicate_keyword"}
    assert dup_ids == {hours["id"], dup["id"]}
    assert parking["id"] not in {c["rule_id"] for c in patched["conflicts"]}


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"keywords": []}, "keywords", "at least one keyword"),
        ({"keywords": ["  "]}, "keywords", "at least one keyword"),
        ({"keywords": ["(unclosed"], "match": "regex"}, "keywords", "not a valid regular expression"),
        ({"keywords": ["(a+)+"], "match": "regex"}, "keywords", "nested quantifiers"),
        ({"reply": "Hi {{ contact.nope }}"}, "reply", "contact.nope"),
        ({"reply": "{{ contact.name }} " + "y" * 1590}, "reply", "1600"),
        ({"reply": "y" * 1601}, "reply", "1600"),
        ({"keywords": ["stop"], "match": "exact"}, "keywords", "compliance"),
        ({"threshold": 120}, "threshold", "between"),
    ],
)
def test_invalid_rules_are_422_invalid_rule_and_change_nothing(
    client: FlaskClient, admin_token: str, fields: dict[str, Any], field: str, says: str
) -> None:
    existing = new_rule(client, admin_token, "Existing", ["existing"])
    body = {"name": "New", "keywords": ["fine"], "reply": "ok", **fields}
    response = call(client, admin_token, "POST", "/api/v1/rules", 422, json=body)
    assert response["error"]["code"] == "invalid_rule"
    assert says in error_fields(response)[field]

    patch = call(client, admin_token, "PATCH", f"/api/v1/rules/{existing['id']}", 422, json=fields)
    assert patch["error"]["code"] == "invalid_rule"
    assert says in error_fields(patch)[field]
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in listed(client, admin_token)] == [
        {k: v for k, v in existing.items() if k not in ("conflicts", "updated_at")}
    ]
    assert [c["action"] for c in changes(client, admin_token)] == ["created"]


def test_a_reply_too_long_for_the_desks_support_contact_is_refused(
    client: FlaskClient, admin_token: str
) -> None:
    call(client, admin_token, "PATCH", "/api/v1/settings", json={"support_contact": "Call " + "9" * 150})
    rule = {"name": "Long", "keywords": ["long"], "reply": "{{ support }} " * 12}
    check = call(client, admin_token, "POST", "/api/v1/rules/check", json={"rule": rule})
    assert [e["field"] for e in check["errors"]] == ["reply"]  # the check sees the real length (1,872)
    response = call(client, admin_token, "POST", "/api/v1/rules", 422, json=rule)
    assert response["error"]["code"] == "invalid_rule"


# --- permissions ---------------------------------------------------------------------------------


def test_agents_read_and_use_the_bench_but_every_write_is_403(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    rule = make_rule(session, name="Hours", keywords=["hours"])
    other = make_rule(session, name="Parking", keywords=["parking"])
    before = listed(client, admin_token)
    document = call(client, agent_token, "GET", "/api/v1/rules/export")
    writes = [
        ("POST", "/api/v1/rules", {"name": "x", "keywords": ["x"], "reply": "r"}),
        ("PATCH", f"/api/v1/rules/{rule.id}", {"reply": "changed"}),
        ("DELETE", f"/api/v1/rules/{rule.id}", None),
        ("POST", "/api/v1/rules/reorder", {"ids": [other.id, rule.id]}),
        ("POST", "/api/v1/rules/import", {**document, "rules": document["rules"][:1]}),
        ("PATCH", "/api/v1/settings", {"brand_name": "Agents Inc"}),
    ]
    for method, path, body in writes:
        response = call(client, agent_token, method, path, 403, json=body)
        assert response["error"]["code"] == "forbidden", path
    assert listed(client, admin_token) == before
    assert call(client, agent_token, "GET", "/api/v1/settings")["brand_name"] == "Textdesk demo"

    assert [r["id"] for r in listed(client, agent_token)] == [rule.id, other.id]
    assert call(client, agent_token, "GET", f"/api/v1/rules/{rule.id}")["name"] == "Hours"
    assert len(changes(client, agent_token)) == 2
    assert call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "hours?"})["kind"] == "rule"
    check = call(
        client, agent_token, "POST", "/api/v1/rules/check", json={"rule": {"name": "n", "keywords": ["x"]}}
    )
    assert "errors" in check and "preview" in check
    assert call(client, agent_token, "POST", "/api/v1/rules/replay", json={})["considered"] == 0


# --- reorder and the tie-break -------------------------------------------------------------------


def test_reorder_changes_which_of_two_equal_rules_answers(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    a = new_rule(client, admin_token, "A", ["price"], reply="A answers")
    b = new_rule(client, admin_token, "B", ["price"], reply="B answers")
    test = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "price?"})
    assert (test["match"]["rule_id"], test["replies"]) == (a["id"], ["A answers"])
    assert [m["rule_id"] for m in test["runners_up"]] == [b["id"]]
    post_inbound(client, "price?", sender="+14155550101")
    assert bot_replies(client, admin_token, "+14155550101") == ["A answers"]

    reordered = call(client, admin_token, "POST", "/api/v1/rules/reorder", json={"ids": [b["id"], a["id"]]})
    assert [(r["id"], r["position"]) for r in reordered["data"]] == [(b["id"], 1), (a["id"], 2)]
    assert [r["id"] for r in listed(client, agent_token)] == [b["id"], a["id"]]

    test = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "price?"})
    assert (test["match"]["rule_id"], test["replies"]) == (b["id"], ["B answers"])
    assert [m["rule_id"] for m in test["runners_up"]] == [a["id"]]
    post_inbound(client, "price?", sender="+14155550102")
    assert bot_replies(client, admin_token, "+14155550102") == ["B answers"]


@pytest.mark.parametrize("shape", ["missing", "duplicate", "unknown", "not_a_list", "strings"])
def test_reorder_refuses_ids_that_are_not_exactly_the_rules(
    client: FlaskClient, admin_token: str, shape: str
) -> None:
    a = new_rule(client, admin_token, "A", ["alpha"])
    b = new_rule(client, admin_token, "B", ["bravo"])
    c = new_rule(client, admin_token, "C", ["charlie"])
    ids: Any = {
        "missing": [c["id"], a["id"]],
        "duplicate": [c["id"], a["id"], a["id"]],
        "unknown": [c["id"], a["id"], b["id"], 9999],
        "not_a_list": c["id"],
        "strings": [str(c["id"]), str(a["id"]), str(b["id"])],
    }[shape]
    response = call(client, admin_token, "POST", "/api/v1/rules/reorder", 422, json={"ids": ids})
    assert "ids" in error_fields(response)
    assert [(r["id"], r["position"]) for r in listed(client, admin_token)] == [
        (a["id"], 1),
        (b["id"], 2),
        (c["id"], 3),
    ]
    assert "reordered" not in [ch["action"] for ch in changes(client, admin_token)]


# --- history -------------------------------------------------------------------------------------


def test_every_change_is_in_the_history_newest_first(
    client: FlaskClient, admin: User, admin_token: str
) -> None:
    hours = new_rule(client, admin_token, "Hours", ["hours"], reply="9-5")
    parking = new_rule(client, admin_token, "Parking", ["parking"], reply="Behind")
    call(client, admin_token, "PATCH", f"/api/v1/rules/{hours['id']}", json={"reply": "9-6", "priority": 2})
    call(client, admin_token, "PATCH", f"/api/v1/rules/{hours['id']}", json={"reply": "9-6"})  # no change
    call(client, admin_token, "PATCH", f"/api/v1/rules/{hours['id']}", json={})  # no change
    call(client, admin_token, "POST", "/api/v1/rules/reorder", json={"ids": [parking["id"], hours["id"]]})
    call(client, admin_token, "POST", "/api/v1/rules/reorder", json={"ids": [parking["id"], hours["id"]]})
    call(client, admin_token, "DELETE", f"/api/v1/rules/{parking['id']}", 204)
    document = call(client, admin_token, "GET", "/api/v1/rules/export")
    imported = call(client, admin_token, "POST", "/api/v1/rules/import", json={**document, "mode": "append"})
    copy_id = imported["data"][0]["id"]

    history = changes(client, admin_token)
    assert [(c["action"], c["rule_id"]) for c in history] == [
        ("imported", copy_id),
        ("deleted", parking["id"]),
        ("reordered", None),
        ("updated", hours["id"]),
        ("created", parking["id"]),
        ("created", hours["id"]),
    ]
    assert [c["id"] for c in history] == sorted((c["id"] for c in history), reverse=True)
    for change in history:
        assert change["user"]["id"] == admin.id
        assert (change["user"]["name"], change["user"]["email"]) == ("Ada Admin", "ada@example.com")
        assert change["at"]
    updated = history[3]
    assert updated["rule_name"] == "Hours"
    assert (updated["before"]["reply"], updated["after"]["reply"]) == ("9-5", "9-6")
    assert (updated["before"]["priority"], updated["after"]["priority"]) == (0, 2)
    assert updated["before"]["keywords"] == updated["after"]["keywords"] == ["hours"]
    assert history[2]["before"] == {"order": ["Hours", "Parking"]}
    assert history[2]["after"] == {"order": ["Parking", "Hours"]}
    deleted = history[1]
    assert (deleted["rule_name"], deleted["after"]) == ("Parking", None)
    assert deleted["before"]["reply"] == "Behind"
    assert history[-1]["before"] is None and history[-1]["after"]["name"] == "Hours"
    assert history[0]["after"]["reply"] == "9-6"

    # ?rule_id=: one rule's history, even once the rule is gone
    assert [c["action"] for c in changes(client, admin_token, f"&rule_id={parking['id']}")] == [
        "deleted",
        "created",
    ]
    assert [c["action"] for c in changes(client, admin_token, f"&rule_id={hours['id']}")] == [
        "updated",
        "created",
    ]
    first = call(client, admin_token, "GET", "/api/v1/rules/changes?limit=4")
    rest = call(client, admin_token, "GET", f"/api/v1/rules/changes?limit=4&cursor={first['next_cursor']}")
    assert [c["id"] for c in first["data"] + rest["data"]] == [c["id"] for c in history]
    assert rest["next_cursor"] is None
    refused = client.get("/api/v1/rules/changes?rule_id=abc", headers=auth_headers(admin_token))
    assert refused.status_code == 422


def test_a_new_rule_never_reuses_a_deleted_rules_id(client: FlaskClient, admin_token: str) -> None:
    new_rule(client, admin_token, "Keep", ["keep"])
    gone = new_rule(client, admin_token, "Gone", ["gone"])
    call(client, admin_token, "DELETE", f"/api/v1/rules/{gone['id']}", 204)
    assert client.get(f"/api/v1/rules/{gone['id']}", headers=auth_headers(admin_token)).status_code == 404
    fresh = new_rule(client, admin_token, "Fresh", ["fresh"])
    assert fresh["id"] > gone["id"]
    history = changes(client, admin_token, f"&rule_id={gone['id']}")
    assert [(c["action"], c["rule_name"]) for c in history] == [("deleted", "Gone"), ("created", "Gone")]


# --- export / import -----------------------------------------------------------------------------

VARIED_RULES = [
    {"name": "Hours", "keywords": ["hours", "opening times"], "match": "phrase", "reply": "9-5"},
    {
        "name": "Order",
        "keywords": [r"#\d{4,8}"],
        "match": "regex",
        "fuzzy": False,
        "priority": 3,
        "reply": 'Looking up your order, {{ contact.first_name | default("there") }}.',
        "action": "reply_handoff",
    },
    {
        "name": "Refund",
        "keywords": ["refund"],
        "match": "first_word",
        "threshold": 90,
        "enabled": False,
        "action": "handoff",
        "reply": "",
    },
]


def test_export_then_import_replace_restores_the_exact_rules(client: FlaskClient, admin_token: str) -> None:
    for body in VARIED_RULES:
        call(client, admin_token, "POST", "/api/v1/rules", 201, json=body)
    response = client.get("/api/v1/rules/export", headers=auth_headers(admin_token))
    assert response.status_code == 200
    assert re.fullmatch(
        r"attachment; filename=textdesk-rules-\d{4}-\d{2}-\d{2}\.json",
        response.headers["Content-Disposition"],
    )
    document = response.get_json()
    assert (document["format"], document["version"]) == ("textdesk-rules", 1)
    assert document["exported_at"]
    assert [r["name"] for r in document["rules"]] == ["Hours", "Order", "Refund"]
    assert document["rules"][2] == {
        "name": "Refund",
        "keywords": ["refund"],
        "match": "first_word",
        "fuzzy": True,
        "threshold": 90.0,
        "priority": 0,
        "enabled": False,
        "reply": "",
        "action": "handoff",
    }

    # mess the rules up, then restore them
    rules = listed(client, admin_token)
    call(client, admin_token, "DELETE", f"/api/v1/rules/{rules[0]['id']}", 204)
    call(client, admin_token, "PATCH", f"/api/v1/rules/{rules[1]['id']}", json={"priority": 9, "reply": "x"})
    new_rule(client, admin_token, "Extra", ["extra"])
    result = call(client, admin_token, "POST", "/api/v1/rules/import", json=document)
    assert (result["imported"], result["deleted"]) == (3, 3)
    assert [r["name"] for r in result["data"]] == ["Hours", "Order", "Refund"]

    history = changes(client, admin_token)
    assert [c["action"] for c in history[:6]] == ["imported"] * 3 + ["deleted"] * 3
    assert {c["rule_name"] for c in history[3:6]} == {"Order", "Refund", "Extra"}
    again = call(client, admin_token, "GET", "/api/v1/rules/export")
    assert again["rules"] == document["rules"]
    restored = listed(client, admin_token)
    assert [r["position"] for r in restored] == [1, 2, 3]
    assert [r["id"] for r in restored] == [r["id"] for r in result["data"]]
    assert min(r["id"] for r in restored) > max(r["id"] for r in rules)
    test = call(client, admin_token, "POST", "/api/v1/rules/test", json={"text": "order #12345"})
    assert test["match"]["rule_name"] == "Order" and test["handoff"] is True


def test_import_append_adds_the_files_rules_after_the_current_ones(
    client: FlaskClient, admin_token: str
) -> None:
    kept = new_rule(client, admin_token, "Kept", ["kept"])
    document = {"format": "textdesk-rules", "version": 1, "rules": VARIED_RULES[:2], "mode": "append"}
    result = call(client, admin_token, "POST", "/api/v1/rules/import", json=document)
    assert (result["imported"], result["deleted"]) == (2, 0)
    rules = listed(client, admin_token)
    assert [(r["name"], r["position"]) for r in rules] == [("Kept", 1), ("Hours", 2), ("Order", 3)]
    assert rules[0]["id"] == kept["id"]
    assert [c["action"] for c in changes(client, admin_token)] == ["imported", "imported", "created"]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"name": "Bad", "keywords": []}, "rules[1].keywords"),
        ({"name": "Bad", "keywords": ["(a+)+"], "match": "regex", "reply": "r"}, "rules[1].keywords"),
        ({"name": "Bad", "keywords": ["bad"], "reply": "{{ contact.nope }}"}, "rules[1].reply"),
        ({"name": "Bad", "keywords": ["bad"], "reply": "r", "threshold": "high"}, "rules[1].threshold"),
        ({"keywords": ["bad"], "reply": "r"}, "rules[1].name"),
        ({"name": "Bad", "keywords": ["bad"], "reply": "r", "id": 4}, "rules[1].id"),
        ("not a rule", "rules[1]"),
    ],
)
@pytest.mark.parametrize("mode", ["replace", "append"])
def test_import_is_all_or_nothing(
    client: FlaskClient, admin_token: str, bad: Any, field: str, mode: str
) -> None:
    new_rule(client, admin_token, "Current", ["current"])
    new_rule(client, admin_token, "Other", ["other"])
    before = listed(client, admin_token)
    history = changes(client, admin_token)
    good = {"name": "Good", "keywords": ["good"], "reply": "fine"}
    document = {"format": "textdesk-rules", "version": 1, "mode": mode, "rules": [good, bad, good]}
    response = call(client, admin_token, "POST", "/api/v1/rules/import", 422, json=document)
    assert response["error"]["code"] == "invalid_import"
    assert field in error_fields(response)
    assert all(f.startswith("rules[1]") for f in error_fields(response))
    assert listed(client, admin_token) == before
    assert changes(client, admin_token) == history


@pytest.mark.parametrize(
    ("changes_to_file", "field"),
    [
        ({"format": "something-else"}, "format"),
        ({"version": 2}, "version"),
        ({"mode": "merge"}, "mode"),
        ({"rules": {"name": "x"}}, "rules"),
    ],
)
def test_import_refuses_another_format_or_version(
    client: FlaskClient, admin_token: str, changes_to_file: dict[str, Any], field: str
) -> None:
    new_rule(client, admin_token, "Current", ["current"])
    before = listed(client, admin_token)
    document = {"format": "textdesk-rules", "version": 1, "rules": VARIED_RULES, **changes_to_file}
    response = call(client, admin_token, "POST", "/api/v1/rules/import", 422, json=document)
    assert field in error_fields(response)
    assert listed(client, admin_token) == before


# --- /rules/check --------------------------------------------------------------------------------


def test_check_previews_the_reply_for_a_sample_contact(client: FlaskClient, agent_token: str) -> None:
    def check(rule: dict[str, Any], **extra: Any) -> Any:
        body = {"rule": {"name": "Hi", "keywords": ["hello"], **rule}, **extra}
        return call(client, agent_token, "POST", "/api/v1/rules/check", json=body)

    plain = check({"reply": "Hi {{ contact.first_name }}, welcome to {{ brand }}."})
    assert plain["errors"] == [] and plain["conflicts"] == []
    assert plain["preview"] == {
        "text": "Hi Alex, welcome to Textdesk demo.",
        "characters": 34,
        "segments": 1,
        "encoding": "GSM-7",
        "handoff_ack": None,
    }
    named = check(
        {"reply": "Hi {{ contact.name }} ({{ contact.phone }})"},
        sample={"name": "Bo Li", "phone": "+15551234567"},
    )
    assert named["preview"]["text"] == "Hi Bo Li (+15551234567)"

    emoji = check({"reply": "Hi {{ contact.first_name }} \U0001f600", "action": "reply_handoff"})
    assert emoji["preview"]["text"] == "Hi Alex \U0001f600"
    assert emoji["preview"]["encoding"] == "UCS-2"
    assert emoji["preview"]["handoff_ack"] == HANDOFF_ACK
    long_emoji = check({"reply": "x" * 69 + "\U0001f600"})  # 71 UTF-16 units: two UCS-2 parts
    assert (long_emoji["preview"]["encoding"], long_emoji["preview"]["segments"]) == ("UCS-2", 2)
    long_gsm = check({"reply": "x" * 161})
    assert (long_gsm["preview"]["encoding"], long_gsm["preview"]["segments"]) == ("GSM-7", 2)
    handoff = check({"reply": "", "action": "handoff"})
    assert handoff["errors"] == [] and handoff["preview"]["handoff_ack"] == HANDOFF_ACK

    broken = check({"keywords": [], "reply": "{{ contact.nope }}"})
    assert {e["field"] for e in broken["errors"]} == {"keywords", "reply"}
    assert broken["preview"] is None
    regex = check({"keywords": ["(a+)+"], "match": "regex", "reply": "ok"})
    assert [e["field"] for e in regex["errors"]] == ["keywords"]
    assert regex["preview"]["text"] == "ok"


def test_check_lists_conflicts_but_not_with_the_rule_being_edited(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    hours = new_rule(client, admin_token, "Hours", ["hours"], reply="9-5")
    draft = {"name": "Hours", "keywords": ["hours", "opening"], "match": "phrase", "reply": "9-6"}
    body = {"rule": draft}
    as_new = call(client, agent_token, "POST", "/api/v1/rules/check", json=body)
    assert [(c["kind"], c["rule_id"]) for c in as_new["conflicts"]] == [("duplicate_keyword", hours["id"])]
    as_edit = call(client, agent_token, "POST", "/api/v1/rules/check", json={**body, "id": hours["id"]})
    assert as_edit["conflicts"] == [] and as_edit["errors"] == []
    assert as_edit["preview"]["text"] == "9-6"

    tours = call(
        client,
        agent_token,
        "POST",
        "/api/v1/rules/check",
        json={
            "rule": {"name": "Tours", "keywords": ["tours"], "match": "phrase", "threshold": 75, "reply": "t"}
        },
    )
    assert [(c["kind"], c["rule_id"], c["example"]) for c in tours["conflicts"]] == [
        ("overlap", hours["id"], "hours")
    ]
    stop = call(
        client,
        agent_token,
        "POST",
        "/api/v1/rules/check",
        json={"rule": {"name": "S", "keywords": ["stop"], "match": "first_word", "reply": "s"}},
    )
    assert [(c["kind"], c["winner"]) for c in stop["conflicts"]] == [("reserved_word", "compliance")]
    # nothing was saved by any check
    assert [r["id"] for r in listed(client, agent_token)] == [hours["id"]]
    assert call(client, agent_token, "GET", f"/api/v1/rules/{hours['id']}")["reply"] == "9-5"


# --- /rules/test ---------------------------------------------------------------------------------


def test_rules_test_explains_compliance_and_matches(
    client: FlaskClient, session: Session, agent_token: str
) -> None:
    make_rule(session, name="Hours", keywords=["hours"], reply="9-5")
    make_rule(session, name="Opening", keywords=["opening hours"], reply="9-5 weekdays", priority=1)

    stop = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "STOP"})
    assert stop["kind"] == "opt_out" and stop["consent"] == "opt_out"
    assert stop["compliance"] == {"kind": "opt_out", "matched": "stop", "source": "keyword"}
    assert stop["match"] is None and len(stop["replies"]) == 1
    help_ = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "help"})
    assert help_["compliance"]["kind"] == "help" and help_["kind"] == "help"

    test = call(
        client, agent_token, "POST", "/api/v1/rules/test", json={"text": "what are your openin hours?"}
    )
    assert test["kind"] == "rule" and test["compliance"] is None
    assert test["match"]["rule_name"] == "Opening" and test["match"]["priority"] == 1
    assert 85 <= test["match"]["score"] < 100  # a typo: fuzzy score
    assert [(m["rule_name"], m["score"]) for m in test["runners_up"]] == [("Hours", 100.0)]
    assert test["replies"] == ["9-5 weekdays"]
    assert test["reply_details"] == [
        {"text": "9-5 weekdays", "characters": 12, "segments": 1, "encoding": "GSM-7"}
    ]
    assert "Opening" in test["reason"]

    nothing = call(
        client, agent_token, "POST", "/api/v1/rules/test", json={"text": "blue bananas", "misses": 1}
    )
    assert (nothing["kind"], nothing["handoff"], nothing["match"]) == ("fallback", True, None)
    silent = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "hours", "status": "open"})
    assert (silent["kind"], silent["replies"]) == ("silent", [])
    bad = client.post(
        "/api/v1/rules/test", json={"text": "x", "status": "gone"}, headers=auth_headers(agent_token)
    )
    assert bad.status_code == 422
    assert call(client, agent_token, "GET", "/api/v1/conversations")["data"] == []


def test_rules_test_with_a_draft_answers_with_it_and_saves_nothing(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    hours = new_rule(client, admin_token, "Hours", ["hours"], reply="9-5")
    before, history = listed(client, admin_token), changes(client, admin_token)

    draft = {"name": "Parking", "keywords": ["parking"], "match": "phrase", "reply": "Behind the shop"}
    test = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "parking?", "draft": draft})
    assert (test["kind"], test["match"]["rule_name"], test["replies"]) == (
        "rule",
        "Parking",
        ["Behind the shop"],
    )
    saved = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "parking?"})
    assert saved["kind"] == "fallback"

    edit = {"name": "Hours", "keywords": ["hours"], "match": "phrase", "reply": "10-6"}
    edited = call(
        client,
        agent_token,
        "POST",
        "/api/v1/rules/test",
        json={"text": "hours", "draft": edit, "draft_id": hours["id"]},
    )
    assert (edited["match"]["rule_id"], edited["replies"], edited["runners_up"]) == (
        hours["id"],
        ["10-6"],
        [],
    )

    invalid = call(
        client,
        agent_token,
        "POST",
        "/api/v1/rules/test",
        422,
        json={"text": "hours", "draft": {"name": "X", "keywords": ["(a+)+"], "match": "regex", "reply": "r"}},
    )
    assert invalid["error"]["code"] == "invalid_rule" and "keywords" in error_fields(invalid)
    assert listed(client, admin_token) == before
    assert changes(client, admin_token) == history


# --- replay --------------------------------------------------------------------------------------


def _three_texts(client: FlaskClient) -> None:
    post_inbound(client, "hours?", sender="+14155550101")
    post_inbound(client, "parking?", sender="+14155550102")
    post_inbound(client, "hello there", sender="+14155550103")


def test_replay_shows_what_a_new_rule_would_change(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    hours = new_rule(client, admin_token, "Hours", ["hours"], reply="9-5")
    _three_texts(client)
    before = listed(client, admin_token)

    same = call(client, agent_token, "POST", "/api/v1/rules/replay", json={})
    assert (same["considered"], same["changed"], same["results"]) == (3, 0, [])

    draft = {"name": "Parking", "keywords": ["parking"], "match": "phrase", "reply": "Behind the shop"}
    replayed = call(client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": draft})
    assert (replayed["considered"], replayed["changed"]) == (3, 1)
    [result] = replayed["results"]
    assert result["text"] == "parking?" and result["contact"]["phone"] == "+14155550102"
    assert (result["changed"], result["change"]) == (True, "different_rule")
    assert result["actual"] == {
        "kind": "fallback",
        "rule_id": None,
        "rule_name": None,
        "replies": [FALLBACK],
        "handoff": False,
    }
    assert result["proposed"]["kind"] == "rule" and result["proposed"]["rule_name"] == "Parking"
    assert result["proposed"]["replies"] == ["Behind the shop"]
    assert result["at"] and result["message_id"] and result["conversation_id"]

    everything = call(
        client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": draft, "only_changed": False}
    )
    assert [r["text"] for r in everything["results"]] == ["hello there", "parking?", "hours?"]  # newest first
    assert [r["change"] for r in everything["results"]] == [None, "different_rule", None]
    assert everything["results"][2]["actual"]["rule_id"] == hours["id"]

    edit = {"name": "Hours", "keywords": ["hours"], "match": "phrase", "reply": "10-6"}
    edited = call(
        client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": edit, "draft_id": hours["id"]}
    )
    [result] = edited["results"]
    assert (result["text"], result["change"]) == ("hours?", "different_reply")
    assert (result["actual"]["replies"], result["proposed"]["replies"]) == (["9-5"], ["10-6"])
    assert result["proposed"]["rule_id"] == hours["id"]

    handoff = {**edit, "reply": "9-5", "action": "reply_handoff"}
    changed = call(
        client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": handoff, "draft_id": hours["id"]}
    )
    assert [r["change"] for r in changed["results"]] == ["different_reply"]
    assert changed["results"][0]["proposed"]["handoff"] is True
    assert listed(client, admin_token) == before


def test_replay_limit_is_checked_and_counts_the_newest_texts(client: FlaskClient, agent_token: str) -> None:
    _three_texts(client)
    for limit in [0, 2001, "5", True, 1.5, -1]:
        response = call(client, agent_token, "POST", "/api/v1/rules/replay", 422, json={"limit": limit})
        assert "limit" in error_fields(response), limit
    bad = call(client, agent_token, "POST", "/api/v1/rules/replay", 422, json={"only_changed": "no"})
    assert "only_changed" in error_fields(bad)
    two = call(client, agent_token, "POST", "/api/v1/rules/replay", json={"limit": 2, "only_changed": False})
    assert two["considered"] == 2
    assert [r["text"] for r in two["results"]] == ["hello there", "parking?"]
    assert call(client, agent_token, "POST", "/api/v1/rules/replay", json={"limit": 2000})["considered"] == 3


def test_replay_counts_texts_without_a_trace_as_not_recorded(
    client: FlaskClient, session: Session, agent_token: str
) -> None:
    _three_texts(client)
    inbound = session.scalars(
        select(Message.id).where(Message.direction == "inbound").order_by(Message.id)
    ).all()
    session.execute(update(Message).where(Message.id == inbound[1]).values(bot_trace=null()))  # SQL NULL
    session.execute(update(Message).where(Message.id == inbound[2]).values(bot_trace=None))
    session.commit()

    draft = {"name": "Parking", "keywords": ["parking"], "match": "phrase", "reply": "Behind the shop"}
    replay = call(
        client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": draft, "only_changed": False}
    )
    assert (replay["considered"], replay["changed"], replay["not_recorded"]) == (3, 0, 2)
    by_text = {r["text"]: r for r in replay["results"]}
    for text in ("parking?", "hello there"):
        assert by_text[text]["actual"] is None, text
        assert (by_text[text]["changed"], by_text[text]["change"]) == (False, None)
    assert by_text["parking?"]["proposed"]["rule_name"] == "Parking"
    assert by_text["hours?"]["actual"]["kind"] == "fallback"
    only = call(client, agent_token, "POST", "/api/v1/rules/replay", json={"draft": draft})
    assert only["results"] == []


# --- live effect ---------------------------------------------------------------------------------


def test_a_rule_change_takes_effect_on_the_next_inbound_text(client: FlaskClient, admin_token: str) -> None:
    phone = "+14155550123"
    post_inbound(client, "where do I park?", sender=phone)
    assert bot_replies(client, admin_token, phone) == [FALLBACK]

    rule = new_rule(client, admin_token, "Parking", ["park"], reply="Park behind the shop.")
    post_inbound(client, "where do I park?", sender=phone)
    assert bot_replies(client, admin_token, phone)[-1] == "Park behind the shop."

    call(client, admin_token, "PATCH", f"/api/v1/rules/{rule['id']}", json={"reply": "Park on Main St."})
    post_inbound(client, "where do I park?", sender=phone)
    assert bot_replies(client, admin_token, phone)[-1] == "Park on Main St."

    call(client, admin_token, "PATCH", f"/api/v1/rules/{rule['id']}", json={"enabled": False})
    post_inbound(client, "where do I park?", sender=phone)
    assert bot_replies(client, admin_token, phone)[-1] == FALLBACK
