"""The campaigns API: validation, roles, states, preview figures, recipients, reports, senders."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import AttributeDefinition, CampaignRecipient, ContactTag, Message
from tests.campaigns.helpers import fast_sender, launched, make_list, run_until_settled, subscriber, worker_of
from tests.factories import call

CAMPAIGNS = "/api/v1/campaigns"
FUTURE = dt.datetime(2031, 1, 15, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York


def draft(client: FlaskClient, token: str, status: int = 201, **fields: object) -> dict:
    """POST /campaigns."""
    return call(client, token, "POST", CAMPAIGNS, status, json={"name": "Spring", **fields})


def test_agents_may_look_but_not_create_or_launch(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    vip = make_list(session)
    made = draft(client, admin_token, list_id=vip.id, template="Hi STOP")
    draft(client, agent_token, 403, list_id=vip.id)
    call(client, agent_token, "POST", f"{CAMPAIGNS}/{made['id']}/launch", 403, json={})
    assert call(client, agent_token, "GET", f"{CAMPAIGNS}/{made['id']}")["name"] == "Spring"


def test_bad_fields_are_422s_naming_the_field(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"name": ""}, "name"),
        ({"list_id": 999}, "list_id"),
        ({"list_id": True}, "list_id"),
        ({"template": "Hi {{ contact.shoe_size }}"}, "template"),
        ({"template": "x" * 1601}, "template"),
        ({"window_start": "20:00", "window_end": "09:00"}, "window_start"),
        ({"sender_id": 12345}, "sender_id"),
        ({"colour": "red"}, "colour"),
    ]
    for fields, field in cases:
        answer = call(client, admin_token, "POST", CAMPAIGNS, 422, json={"name": "x", **fields})
        assert answer["error"]["fields"][0]["field"] == field, (fields, answer)


def test_a_bad_segment_points_at_its_line_and_column(client: FlaskClient, admin_token: str) -> None:
    answer = draft(client, admin_token, 422, segment_filter='tag = "vip" AND\n  city ~ "Boston"')
    assert answer["error"]["fields"][0]["field"] == "segment_filter"
    assert (answer["error"]["line"], answer["error"]["column"]) == (2, 8)


def test_custom_attributes_are_template_variables(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    session.add(AttributeDefinition(key="shoe_size", label="Shoe size", type="number"))
    session.commit()
    made = draft(client, admin_token, template="Size {{ contact.shoe_size }} is back. STOP to end")
    assert made["template"].startswith("Size {{ contact.shoe_size }}")


def test_states_move_only_forward(
    app: Flask, client: FlaskClient, session: Session, admin_token: str, simulator: object
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101")
    made = draft(client, admin_token, list_id=vip.id, template="Hi. Reply STOP to end.")
    for action in ("pause", "resume", "cancel"):
        answer = call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/{action}", 409)
        assert answer["error"]["code"] == "invalid_state"
    call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/launch", json={})
    call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/launch", 409, json={})
    call(client, admin_token, "DELETE", f"{CAMPAIGNS}/{made['id']}", 409)
    call(client, admin_token, "PATCH", f"{CAMPAIGNS}/{made['id']}", json={"name": "Spring (renamed)"})
    worker_of(app).now = lambda: FUTURE
    worker_of(app).start_due_campaigns()
    call(client, admin_token, "PATCH", f"{CAMPAIGNS}/{made['id']}", 409, json={"name": "too late"})
    assert call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/pause")["status"] == "paused"
    assert call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/resume")["status"] == "sending"


def test_launching_with_nobody_to_text_is_refused(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101", opted_out=True)
    made = draft(client, admin_token, list_id=vip.id, template="Hi STOP")
    answer = call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/launch", 422, json={})
    assert "nobody to send to" in answer["error"]["message"]
    empty = draft(client, admin_token, list_id=vip.id)
    assert call(client, admin_token, "POST", f"{CAMPAIGNS}/{empty['id']}/launch", 422, json={})["error"][
        "fields"
    ][0]["field"] == ("template")
    past = call(
        client,
        admin_token,
        "POST",
        f"{CAMPAIGNS}/{made['id']}/launch",
        422,
        json={"scheduled_at": "2020-01-01T00:00:00Z"},
    )
    assert past["error"]["fields"][0]["field"] == "scheduled_at"
    naive = call(
        client,
        admin_token,
        "POST",
        f"{CAMPAIGNS}/{made['id']}/launch",
        422,
        json={"scheduled_at": "2031-01-01T00:00"},
    )
    assert "time zone" in naive["error"]["message"]


def test_cancel_skips_who_is_left_and_stops_texts_not_yet_handed_over(
    app: Flask, client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    for i in range(3):
        subscriber(session, vip, f"+1212555010{i}")
    made = launched(client, admin_token, list_id=vip.id, template="Hi. Reply STOP to end.")
    worker = worker_of(app)
    worker.now = lambda: FUTURE
    worker.start_due_campaigns()
    from inbox.campaigns.worker import Progress
    from inbox.models import Campaign

    with app.extensions["textdesk.db"].session() as work:
        worker.create_texts(work, work.get(Campaign, made["id"]), 1, Progress())  # one text queued, not sent
    cancelled = call(client, admin_token, "POST", f"{CAMPAIGNS}/{made['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert cancelled["progress"]["recipients"]["skipped_by_reason"]["cancelled"] == 2
    session.expire_all()
    [queued] = session.scalars(select(Message).where(Message.campaign_id == made["id"])).all()
    assert queued.status == "blocked" and "cancelled" in (queued.error_message or "")
    worker.step()
    assert app.extensions["textdesk.outbox"].provider.messages() == []


def test_preview_counts_exclusions_estimates_segments_and_cost_and_warns(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    subscriber(session, vip, "+12125550101", name="Zoë Adams")  # ë is not GSM-7: her text turns UCS-2
    subscriber(session, vip, "+12125550102", name="Bob")
    subscriber(session, vip, "+12125550103", opted_out=True)
    subscriber(session, vip, "+12125550104", status="pending")
    sender = fast_sender(session, price=0.01)
    preview = call(
        client,
        admin_token,
        "POST",
        f"{CAMPAIGNS}/preview",
        json={
            "list_id": vip.id,
            "sender_id": sender.id,
            "template": "Hi {{ contact.first_name }}, sale today!",
        },
    )
    assert preview["audience"] == {
        "selected": 4,
        "eligible": 2,
        "excluded": {"opted_out": 1, "invalid_number": 0, "not_subscribed": 1},
    }
    assert [s["text"] for s in preview["samples"]] == ["Hi Zoë, sale today!", "Hi Bob, sale today!"]
    assert [s["encoding"] for s in preview["samples"]] == ["UCS-2", "GSM-7"]
    assert preview["segments"] == {"per_text_average": 1.0, "total": 2, "estimated": False}
    assert preview["cost"] == {"price_per_segment": 0.01, "total": 0.02}
    codes = {w["code"] for w in preview["warnings"]}
    assert {"ucs2_personalised", "no_opt_out", "no_brand", "excluded"} <= codes
    curly = call(
        client,
        admin_token,
        "POST",
        f"{CAMPAIGNS}/preview",
        json={"list_id": vip.id, "template": "It’s on. Reply STOP to end. {{ brand }}"},
    )
    assert {w["code"] for w in curly["warnings"]} >= {"ucs2_template"}
    assert "’" in next(w["message"] for w in curly["warnings"] if w["code"] == "ucs2_template")


def test_a_segment_campaign_reaches_subscribers_of_any_list_only(
    app: Flask, client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    tagged = subscriber(session, vip, "+12125550101")
    not_member = subscriber(session, make_list(session, "Old"), "+12125550102", status="unsubscribed")
    session.add_all(
        [ContactTag(contact_id=tagged.id, tag="vip"), ContactTag(contact_id=not_member.id, tag="vip")]
    )
    session.commit()
    made = launched(
        client,
        admin_token,
        segment_filter='tag = "vip"',
        sender_id=fast_sender(session).id,
        template="Hi STOP",
    )
    worker_of(app).now = lambda: FUTURE
    run_until_settled(app, made["id"])
    reasons = dict(session.execute(select(CampaignRecipient.contact_id, CampaignRecipient.skip_reason)).all())
    assert reasons == {tagged.id: None, not_member.id: "not_subscribed"}


def test_recipients_page_and_filter(
    app: Flask, client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip = make_list(session)
    for i in range(5):
        subscriber(session, vip, f"+1212555020{i}")
    subscriber(session, vip, "+12125550299", opted_out=True)
    made = launched(
        client, admin_token, list_id=vip.id, sender_id=fast_sender(session).id, template="Hi STOP"
    )
    worker_of(app).now = lambda: FUTURE
    run_until_settled(app, made["id"])
    first = call(client, admin_token, "GET", f"{CAMPAIGNS}/{made['id']}/recipients?limit=4")
    rest = call(
        client,
        admin_token,
        "GET",
        f"{CAMPAIGNS}/{made['id']}/recipients?limit=4&cursor={first['next_cursor']}",
    )
    assert len(first["data"]) == 4 and len(rest["data"]) == 2 and rest["next_cursor"] is None
    skipped = call(client, admin_token, "GET", f"{CAMPAIGNS}/{made['id']}/recipients?skip_reason=opted_out")
    assert [r["contact"]["phone"] for r in skipped["data"]] == ["+12125550299"]
    assert first["data"][0]["message"]["status"] == "delivered"
    call(client, admin_token, "GET", f"{CAMPAIGNS}/{made['id']}/recipients?status=lost", 422)


def test_daily_report_counts_today(client: FlaskClient, session: Session, admin_token: str) -> None:
    from tests.factories import post_inbound

    post_inbound(client, body="STOP", sender="+12125550111")
    post_inbound(client, body="hello", sender="+12125550112")
    days = call(client, admin_token, "GET", "/api/v1/reports/daily?days=7")["data"]
    assert len(days) == 7
    today = days[-1]
    assert today["date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert today["inbound"] == 2 and today["opt_outs"] == 1 and today["outbound"] >= 1
    call(client, admin_token, "GET", "/api/v1/reports/daily?days=0", 422)


def test_senders_are_validated_and_one_in_use_cannot_go(
    client: FlaskClient, session: Session, admin_token: str, agent_token: str
) -> None:
    listed = call(client, admin_token, "GET", "/api/v1/senders")["data"]
    assert [s["from_address"] for s in listed] == [""]  # the desk's own sender always exists
    made = call(
        client,
        admin_token,
        "POST",
        "/api/v1/senders",
        201,
        json={
            "name": "Short code",
            "from_address": "72345",
            "segments_per_second": 100,
            "price_per_segment": 0.005,
        },
    )
    call(client, admin_token, "POST", "/api/v1/senders", 409, json={"name": "Short code"})
    for bad in ({"segments_per_second": 0}, {"from_address": "not a number"}, {"price_per_segment": -1}):
        call(client, admin_token, "PATCH", f"/api/v1/senders/{made['id']}", 422, json=bad)
    call(client, agent_token, "POST", "/api/v1/senders", 403, json={"name": "x"})
    draft(client, admin_token, sender_id=made["id"])
    assert (
        call(client, admin_token, "DELETE", f"/api/v1/senders/{made['id']}", 409)["error"]["code"] == "in_use"
    )
