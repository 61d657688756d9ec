"""Issue 4, settings: GET/PATCH /settings, compliance warnings, validation, the live preview and
business hours, through HTTP against the real database."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import ConfigChange, User
from tests.factories import call, make_rule, post_inbound

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEXTS = ("help_text", "stop_text", "start_text", "fallback_text", "handoff_ack", "after_hours_text")
HANDOFF_ACK = "Thanks! An agent will reply shortly."


def patch(client: FlaskClient, token: str, body: dict[str, Any], status: int = 200) -> Any:
    return call(client, token, "PATCH", "/api/v1/settings", status, json=body)


def settings_changes(session: Session) -> list[ConfigChange]:
    session.expire_all()
    query = select(ConfigChange).where(ConfigChange.subject == "settings").order_by(ConfigChange.id)
    return list(session.scalars(query))


def warnings_of(answer: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in answer["warnings"]:
        found.setdefault(warning["field"], []).append(warning["message"])
    return found


def bot_replies(client: FlaskClient, token: str, phone: str) -> list[str]:
    conversations = call(client, token, "GET", "/api/v1/conversations", query_string={"phone": phone})["data"]
    assert conversations, phone
    return [
        m["body"]
        for c in conversations
        for m in call(client, token, "GET", f"/api/v1/conversations/{c['id']}")["messages"]
        if m["direction"] == "outbound"
    ]


def conversation_status(client: FlaskClient, token: str, phone: str) -> str:
    conversations = call(client, token, "GET", "/api/v1/conversations", query_string={"phone": phone})["data"]
    return conversations[0]["status"]  # type: ignore[no-any-return]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def closed_now(timezone: str) -> tuple[dict[str, list[list[str]]], str]:
    """Hours open only 10:00-11:30 three days from now (local): closed now; when it next opens."""
    day = dt.datetime.now(ZoneInfo(timezone)) + dt.timedelta(days=3)
    hours: dict[str, list[list[str]]] = {d: [] for d in WEEKDAYS}
    hours[WEEKDAYS[day.weekday()]] = [["10:00", "11:30"]]
    return hours, f"on {DAY_NAMES[day.weekday()]} at 10:00 AM"


def open_now(timezone: str) -> dict[str, list[list[str]]]:
    """Hours open only in a window around the current local time, today: open now, closed otherwise."""
    now = dt.datetime.now(ZoneInfo(timezone))
    minute = now.hour * 60 + now.minute
    hours: dict[str, list[list[str]]] = {d: [] for d in WEEKDAYS}
    hours[WEEKDAYS[now.weekday()]] = [[_clock(max(0, minute - 90)), _clock(min(24 * 60, minute + 90))]]
    return hours


# --- GET -----------------------------------------------------------------------------------------


def test_get_settings_shape_defaults_and_no_warnings(client: FlaskClient, agent_token: str) -> None:
    settings = call(client, agent_token, "GET", "/api/v1/settings")
    assert set(settings) == {
        "brand_name",
        "support_contact",
        *TEXTS,
        "misses_before_handoff",
        "timezone",
        "business_hours",
        "warnings",
        "defaults",
    }
    assert settings["brand_name"] == "Textdesk demo"
    assert (settings["misses_before_handoff"], settings["timezone"]) == (2, "UTC")
    assert settings["business_hours"] == {day: [] for day in WEEKDAYS}
    assert all(settings[key] == "" for key in TEXTS)  # empty: the default is used
    assert set(settings["defaults"]) == set(TEXTS)
    assert "{{ brand }}" in settings["defaults"]["help_text"]
    assert "Msg&data rates may apply" in settings["defaults"]["help_text"]
    assert settings["defaults"]["handoff_ack"] == HANDOFF_ACK
    assert "{{ next_open }}" in settings["defaults"]["after_hours_text"]
    assert settings["warnings"] == []  # the defaults satisfy the carriers


# --- PATCH ---------------------------------------------------------------------------------------


def test_patch_is_partial_persists_is_recorded_and_is_live(
    client: FlaskClient, session: Session, admin: User, admin_token: str, agent_token: str
) -> None:
    before = call(client, agent_token, "GET", "/api/v1/settings")
    answer = patch(
        client,
        admin_token,
        {
            "brand_name": " Acme Bikes ",
            "handoff_ack": 'Hang on, {{ contact.first_name | default("friend") }}!',
        },
    )
    assert answer["brand_name"] == "Acme Bikes"  # trimmed
    assert answer["handoff_ack"].startswith("Hang on")
    stored = call(client, agent_token, "GET", "/api/v1/settings")
    assert stored == answer
    untouched = {k: v for k, v in before.items() if k not in ("brand_name", "handoff_ack", "warnings")}
    assert {k: stored[k] for k in untouched} == untouched

    [change] = settings_changes(session)
    assert (change.action, change.user_id, change.subject_id) == ("updated", admin.id, None)
    assert change.before == {"brand_name": "Textdesk demo", "handoff_ack": ""}
    assert change.after == {"brand_name": "Acme Bikes", "handoff_ack": answer["handoff_ack"]}

    # the bot uses the new settings for the very next text
    help_ = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "HELP"})
    assert help_["replies"][0].startswith("Acme Bikes:")
    post_inbound(client, "agent please", sender="+14155550150")
    assert bot_replies(client, admin_token, "+14155550150") == ["Hang on, friend!"]

    patch(client, admin_token, {"misses_before_handoff": 1, "support_contact": "help@acme.test"})
    miss = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "blue bananas"})
    assert (miss["kind"], miss["handoff"]) == ("fallback", True)
    assert len(settings_changes(session)) == 2
    # rules history does not list settings changes
    assert call(client, agent_token, "GET", "/api/v1/rules/changes")["data"] == []


def test_a_patch_that_changes_nothing_records_nothing(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    hours = {day: [["09:00", "17:00"]] if day != "sun" else [] for day in WEEKDAYS}
    body = {
        "brand_name": "Acme",
        "timezone": "Europe/Paris",
        "business_hours": hours,
        "misses_before_handoff": 3,
    }
    first = patch(client, admin_token, body)
    assert first["business_hours"] == hours and first["timezone"] == "Europe/Paris"
    assert len(settings_changes(session)) == 1
    assert patch(client, admin_token, body) == first
    assert patch(client, admin_token, {}) == first
    assert len(settings_changes(session)) == 1


def test_re_sending_the_same_hours_in_another_form_records_nothing(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    first = patch(client, admin_token, {"business_hours": {"mon": [["13:00", "17:00"], ["09:00", "12:00"]]}})
    assert first["business_hours"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert len(settings_changes(session)) == 1
    again = patch(client, admin_token, {"business_hours": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}})
    assert again == first
    assert len(settings_changes(session)) == 1


def test_agents_cannot_change_settings(client: FlaskClient, session: Session, agent_token: str) -> None:
    response = patch(client, agent_token, {"brand_name": "Agents Inc"}, 403)
    assert response["error"]["code"] == "forbidden"
    assert call(client, agent_token, "GET", "/api/v1/settings")["brand_name"] == "Textdesk demo"
    assert settings_changes(session) == []


# --- warnings ------------------------------------------------------------------------------------


def test_compliance_warnings_are_shown_but_do_not_block(client: FlaskClient, admin_token: str) -> None:
    answer = patch(
        client,
        admin_token,
        {
            "brand_name": "Acme",
            "help_text": "Acme: call 555-0100. Reply STOP to opt out.",  # no "Msg&data rates may apply"
            "stop_text": "Acme: you are unsubscribed.",  # no START
            "start_text": "Welcome back! Msg&data rates may apply. Reply STOP to opt out.",  # no brand
        },
    )
    warnings = warnings_of(answer)
    assert answer["help_text"] == "Acme: call 555-0100. Reply STOP to opt out."  # saved anyway
    assert [m for m in warnings["help_text"] if "Msg&data rates may apply" in m]
    assert not [m for m in warnings["help_text"] if "brand" in m]
    assert [m for m in warnings["stop_text"] if "START" in m]
    assert [m for m in warnings["start_text"] if "brand" in m and "Acme" in m]
    assert set(warnings) == {"help_text", "stop_text", "start_text"}
    assert call(client, admin_token, "GET", "/api/v1/settings")["warnings"] == answer["warnings"]

    no_brand = patch(
        client, admin_token, {"help_text": "Call 555-0100. Msg&data rates may apply. Reply STOP to opt out."}
    )
    assert [m for m in warnings_of(no_brand)["help_text"] if "brand" in m] and len(
        warnings_of(no_brand)["help_text"]
    ) == 1
    no_stop = patch(client, admin_token, {"help_text": "Acme: call 555-0100. Msg&data rates may apply."})
    assert [m for m in warnings_of(no_stop)["help_text"] if "STOP" in m]

    fixed = patch(
        client,
        admin_token,
        {
            "help_text": "{{ brand }}: call 555-0100. Msg&data rates may apply. Reply STOP to opt out.",
            "stop_text": "",  # back to the lawful default
            "start_text": "",
        },
    )
    assert fixed["warnings"] == []
    assert call(client, admin_token, "GET", "/api/v1/settings")["warnings"] == []


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "time zone"),
        ({"business_hours": {"mon": [["17:00", "09:00"]]}}, "business_hours", "closes before it opens"),
        ({"business_hours": {"tue": [["09:00", "12:00"], ["11:00", "14:00"]]}}, "business_hours", "overlap"),
        ({"business_hours": {"mon": [["9am", "5pm"]]}}, "business_hours", "two times"),
        ({"business_hours": {"someday": []}}, "business_hours", "unknown day"),
        ({"fallback_text": "Sorry {{ contact.nope }}"}, "fallback_text", "contact.nope"),
        ({"after_hours_text": "Back {{ next_open }"}, "after_hours_text", "{{"),
        ({"brand_name": "   "}, "brand_name", "required"),
        ({"brand_name": "B" * 61}, "brand_name", "60"),
    ],
)
def test_invalid_settings_are_422_and_nothing_is_saved(
    client: FlaskClient, session: Session, admin_token: str, body: dict[str, Any], field: str, says: str
) -> None:
    before = call(client, admin_token, "GET", "/api/v1/settings")
    response = patch(client, admin_token, {"help_text": "ignored too", **body}, 422)
    assert response["error"]["code"] == "invalid_settings"
    fields = {f["field"]: f["message"] for f in response["error"]["fields"]}
    assert says in fields[field]
    assert call(client, admin_token, "GET", "/api/v1/settings") == before
    assert settings_changes(session) == []


def test_misses_before_handoff_zero_is_invalid_settings(client: FlaskClient, admin_token: str) -> None:
    response = patch(client, admin_token, {"misses_before_handoff": 0}, 422)
    assert response["error"]["fields"][0]["field"] == "misses_before_handoff"
    assert response["error"]["code"] == "invalid_settings"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"defaults": {}}, "defaults"),
        ({"misses_before_handoff": 0}, "misses_before_handoff"),
        ({"misses_before_handoff": "2"}, "misses_before_handoff"),
        ({"misses_before_handoff": True}, "misses_before_handoff"),
        ({"misses_before_handoff": 2.5}, "misses_before_handoff"),
        ({"brand_name": 5}, "brand_name"),
        ({"help_text": None}, "help_text"),
        ({"timezone": ["UTC"]}, "timezone"),
        ({"business_hours": [["09:00", "17:00"]]}, "business_hours"),
        ({"business_hours": {"mon": "09:00-17:00"}}, "business_hours"),
        ({"help_text": "x" * 5001}, "help_text"),
    ],
)
def test_unknown_fields_and_wrong_types_are_422(
    client: FlaskClient, session: Session, admin_token: str, body: dict[str, Any], field: str
) -> None:
    before = call(client, admin_token, "GET", "/api/v1/settings")
    response = patch(client, admin_token, body, 422)
    assert field in [f["field"] for f in response["error"]["fields"]]
    assert call(client, admin_token, "GET", "/api/v1/settings") == before
    assert settings_changes(session) == []


# --- preview -------------------------------------------------------------------------------------


def test_preview_renders_every_text_without_saving(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    before = call(client, admin_token, "GET", "/api/v1/settings")
    preview = call(
        client,
        agent_token,
        "POST",
        "/api/v1/settings/preview",
        json={
            "brand_name": "Zed Cycles",
            "after_hours_text": "Closed! Back {{ next_open }}, {{ contact.first_name }}.",
            "fallback_text": "Hmm? \U0001f914",
        },
    )
    texts = preview["texts"]
    assert set(texts) == set(TEXTS)
    assert re.fullmatch(
        r"Closed! Back (today|tomorrow|on \w+day) at \d{1,2}:\d{2} (AM|PM), Alex\.",
        texts["after_hours_text"]["text"],
    )
    assert texts["help_text"]["text"].startswith("Zed Cycles: ")  # the default, with the unsaved brand
    assert texts["handoff_ack"]["text"] == HANDOFF_ACK
    assert texts["fallback_text"] == {
        "text": "Hmm? \U0001f914",
        "characters": 6,
        "segments": 1,
        "encoding": "UCS-2",
    }
    stop = texts["stop_text"]
    assert (stop["characters"], stop["segments"], stop["encoding"]) == (len(stop["text"]), 1, "GSM-7")
    assert preview["errors"] == [] and preview["warnings"] == []

    bad = call(
        client,
        agent_token,
        "POST",
        "/api/v1/settings/preview",
        json={"stop_text": "Bye {{ contact.nope }}", "business_hours": {"mon": [["10:00", "09:00"]]}},
    )
    assert {e["field"] for e in bad["errors"]} == {"stop_text", "business_hours"}
    assert [w["field"] for w in bad["warnings"]] == ["stop_text", "stop_text"]  # no brand, no START
    assert bad["texts"]["stop_text"]["text"] == "Bye"

    assert call(client, admin_token, "GET", "/api/v1/settings") == before
    assert settings_changes(session) == []
    help_ = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "HELP"})
    assert help_["replies"][0].startswith("Textdesk demo:")


# --- business hours ------------------------------------------------------------------------------


def test_outside_business_hours_a_hand_off_says_when_someone_will_answer(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    make_rule(session, name="Hours", keywords=["hours"], reply="We open at 10.")
    hours, when = closed_now("Asia/Tokyo")
    answer = patch(client, admin_token, {"timezone": "Asia/Tokyo", "business_hours": hours})
    assert (answer["timezone"], answer["business_hours"]) == ("Asia/Tokyo", hours)
    after_hours = f"Thanks! We're closed right now; an agent will reply {when}."

    test = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "agent"})
    assert (test["kind"], test["handoff"], test["replies"]) == ("human", True, [after_hours])

    post_inbound(client, "agent", sender="+14155550160")
    assert bot_replies(client, admin_token, "+14155550160") == [after_hours]
    assert conversation_status(client, admin_token, "+14155550160") == "pending"  # still handed off

    post_inbound(client, "hours?", sender="+14155550161")  # a rule's reply does not depend on hours
    assert bot_replies(client, admin_token, "+14155550161") == ["We open at 10."]

    patch(client, admin_token, {"after_hours_text": "{{ brand }} is closed. Back {{ next_open }}!"})
    post_inbound(client, "agent", sender="+14155550162")
    assert bot_replies(client, admin_token, "+14155550162") == [f"Textdesk demo is closed. Back {when}!"]


def test_during_business_hours_a_hand_off_gets_the_normal_acknowledgement(
    client: FlaskClient, admin_token: str, agent_token: str
) -> None:
    patch(client, admin_token, {"timezone": "UTC", "business_hours": open_now("UTC")})
    test = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "agent"})
    assert (test["kind"], test["replies"]) == ("human", [HANDOFF_ACK])
    post_inbound(client, "agent", sender="+14155550170")
    assert bot_replies(client, admin_token, "+14155550170") == [HANDOFF_ACK]
    assert conversation_status(client, admin_token, "+14155550170") == "pending"

    # the same window in a zone 14 hours ahead is closed now: the after-hours text
    patch(client, admin_token, {"timezone": "Pacific/Kiritimati"})
    post_inbound(client, "agent", sender="+14155550171")
    [reply] = bot_replies(client, admin_token, "+14155550171")
    assert reply.startswith("Thanks! We're closed right now; an agent will reply ")
