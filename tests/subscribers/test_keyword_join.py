"""Joining a list by text, through the real webhook: single and double opt-in, YES, STOP and rejoining,
the welcome text, and subscribe rules in the rules API and the test bench."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.actions.send import send_message
from inbox.models import ConsentEvent, Conversation, Message
from tests.factories import call, make_user, post_inbound
from tests.subscribers.helpers import (
    BRAND,
    bodies_to,
    contact,
    error_fields,
    membership,
    new_list,
    subscribe_rule,
    texts_to,
)

PHONE = "+14155550123"
FALLBACK = "Sorry, I didn't catch that. Reply AGENT to reach a person, HELP for help or STOP to opt out."
SUBSCRIBED = (
    f"{BRAND}: You're subscribed to VIP. Up to 4 msgs/month. "
    "Msg&data rates may apply. Reply HELP for help, STOP to cancel."
)
CONFIRM = (
    f"{BRAND}: Reply YES to confirm you want VIP texts. Up to 4 msgs/month. "
    "Msg&data rates may apply. Reply STOP to cancel."
)


def vip(client: FlaskClient, token: str, **fields: object) -> dict[str, object]:
    """The VIP list and its JOIN VIP keyword."""
    made = new_list(client, token, "VIP", frequency="up to 4 msgs/month", **fields)
    subscribe_rule(client, token, int(str(made["id"])))
    return made


def test_single_opt_in_subscribes_confirms_and_welcomes(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token, welcome_text="Welcome {{ contact.first_name | default('friend') }}!")
    post_inbound(client, "Join VIP!", sender=PHONE)

    joined = membership(session, int(str(made["id"])), PHONE)
    assert joined is not None
    assert (joined.status, joined.source, joined.source_detail) == ("subscribed", "keyword", "Join VIP!")
    assert joined.confirmed_at is not None and joined.left_at is None
    texts = texts_to(session, PHONE)
    assert [(m.body, m.sender, m.purpose, m.status) for m in texts] == [
        (SUBSCRIBED, "system", "list_confirmation", "queued"),
        ("Welcome friend!", "system", "list_welcome", "queued"),
    ]
    # In the contact's one conversation, as the inbox shows it.
    conversation = session.scalars(select(Conversation)).one()
    assert {m.conversation_id for m in texts} == {conversation.id}
    trace = session.scalars(select(Message.bot_trace).where(Message.direction == "inbound")).one()
    assert trace is not None and trace["kind"] == "subscribe"

    listed = call(client, admin_token, "GET", f"/api/v1/lists/{made['id']}")
    assert listed["counts"] == {"pending": 0, "subscribed": 1, "unsubscribed": 0}


def test_the_welcome_text_is_sent_once_even_when_they_join_again(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip(client, admin_token, welcome_text="Welcome aboard.")
    post_inbound(client, "join vip", sender=PHONE)
    post_inbound(client, "JOIN VIP", sender=PHONE)
    # The second join is a reminder that they are in: the confirmation again, never the welcome.
    assert bodies_to(session, PHONE) == [SUBSCRIBED, "Welcome aboard.", SUBSCRIBED]


def test_double_opt_in_waits_for_yes_then_confirms_and_welcomes(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token, double_opt_in=True, welcome_text="Welcome, {{ contact.phone }}.")
    list_id = int(str(made["id"]))
    post_inbound(client, "join vip", sender=PHONE)

    pending = membership(session, list_id, PHONE)
    assert pending is not None and (pending.status, pending.confirmed_at) == ("pending", None)
    assert bodies_to(session, PHONE) == [CONFIRM]
    assert texts_to(session, PHONE)[0].purpose == "list_confirm_request"

    post_inbound(client, "Yes!", sender=PHONE)
    confirmed = membership(session, list_id, PHONE)
    assert confirmed is not None and confirmed.status == "subscribed" and confirmed.confirmed_at is not None
    assert bodies_to(session, PHONE) == [CONFIRM, SUBSCRIBED, f"Welcome, {PHONE}."]

    # A second YES has nothing left to confirm: the bot's normal path (here the fallback) answers it.
    post_inbound(client, "yes", sender=PHONE)
    assert bodies_to(session, PHONE)[-1] == FALLBACK
    assert len(bodies_to(session, PHONE)) == 4


def test_yes_with_nothing_pending_takes_the_normal_bot_path(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    vip(client, admin_token, double_opt_in=True)
    post_inbound(client, "YES", sender=PHONE)
    assert bodies_to(session, PHONE) == [FALLBACK]
    call(
        client,
        admin_token,
        "POST",
        "/api/v1/rules",
        201,
        json={"name": "Yes", "keywords": ["yes"], "match": "first_word", "reply": "Yes to what?"},
    )
    post_inbound(client, "y", sender="+14155550124")  # "y" is a YES too, but no rule has it
    post_inbound(client, "yes", sender="+14155550125")
    assert bodies_to(session, "+14155550124") == [FALLBACK]
    assert bodies_to(session, "+14155550125") == ["Yes to what?"]


def test_only_a_clear_yes_confirms(client: FlaskClient, session: Session, admin_token: str) -> None:
    made = vip(client, admin_token, double_opt_in=True)
    post_inbound(client, "join vip", sender=PHONE)
    post_inbound(client, "yeah", sender=PHONE)  # which words count: tests/subscribers/test_bot_subscribe.py
    still = membership(session, int(str(made["id"])), PHONE)
    assert still is not None and still.status == "pending"
    post_inbound(client, "YES please 👍", sender=PHONE)
    done = membership(session, int(str(made["id"])), PHONE)
    assert done is not None and done.status == "subscribed"


def test_yes_confirms_in_an_agents_conversation_only_right_after_the_request(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token, double_opt_in=True)
    list_id = int(str(made["id"]))
    post_inbound(client, "join vip", sender=PHONE)
    conversation = session.scalars(select(Conversation)).one()
    conversation.status = "open"
    session.commit()
    # The agent asks something; the customer's "yes" answers the agent, not our request.
    agent = make_user(session, role="agent")
    send_message(
        session,
        conversation=conversation,
        body="Want the blue one?",
        sender="agent",
        purpose="agent",
        user=agent,
    )
    session.commit()
    post_inbound(client, "yes", sender=PHONE)
    still = membership(session, list_id, PHONE)
    assert still is not None and still.status == "pending"
    assert bodies_to(session, PHONE) == [CONFIRM, "Want the blue one?"]

    # Asked again (a keyword is answered while the bot has the conversation), then the agent takes it:
    # a YES right after the request still confirms.
    conversation.status = "bot"
    session.commit()
    post_inbound(client, "join vip", sender=PHONE)
    conversation.status = "open"
    session.commit()
    post_inbound(client, "yes", sender=PHONE)
    done = membership(session, list_id, PHONE)
    assert done is not None and done.status == "subscribed"


def test_joining_after_stop_records_an_opt_in_naming_the_list(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token)
    post_inbound(client, "STOP", sender=PHONE)
    assert contact(session, PHONE).opted_out
    post_inbound(client, "hello", sender=PHONE)  # opted out: silence
    post_inbound(client, "jion vip", sender=PHONE)  # a typo is not an explicit request
    assert contact(session, PHONE).opted_out
    assert membership(session, int(str(made["id"])), PHONE) is None

    post_inbound(client, "JOIN VIP", sender=PHONE)
    person = contact(session, PHONE)
    assert not person.opted_out
    events = session.scalars(
        select(ConsentEvent).where(ConsentEvent.contact_id == person.id).order_by(ConsentEvent.id)
    ).all()
    assert [(e.action, e.source) for e in events] == [("opt_out", "keyword"), ("opt_in", "keyword")]
    assert "VIP" in events[1].note and events[1].message_id is not None
    joined = membership(session, int(str(made["id"])), PHONE)
    assert joined is not None and joined.status == "subscribed"
    assert bodies_to(session, PHONE)[-1] == SUBSCRIBED
    ledger = call(client, admin_token, "GET", f"/api/v1/contacts/{person.id}")["consent"]
    assert ledger[-1]["action"] == "opt_in" and "VIP" in ledger[-1]["note"]


def test_stop_after_joining_blocks_every_later_text(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token)
    post_inbound(client, "join vip", sender=PHONE)
    post_inbound(client, "stop", sender=PHONE)
    # STOP opts out of everything; the membership record stays as it was (the guard does the blocking).
    kept = membership(session, int(str(made["id"])), PHONE)
    assert kept is not None and kept.status == "subscribed"
    conversation = session.scalars(select(Conversation)).one()
    campaign_like = send_message(
        session, conversation=conversation, body="VIP sale today!", sender="campaign", purpose="campaign"
    )
    session.commit()
    assert campaign_like.status == "blocked"


def test_a_subscribe_rule_needs_an_existing_list_and_no_reply(client: FlaskClient, admin_token: str) -> None:
    made = new_list(client, admin_token, "VIP")
    base = {"name": "Join", "keywords": ["join"], "action": "subscribe"}
    missing = call(client, admin_token, "POST", "/api/v1/rules", 422, json=base)
    assert error_fields(missing) == {"list_id": "choose the list this keyword subscribes to"}
    unknown = call(client, admin_token, "POST", "/api/v1/rules", 422, json={**base, "list_id": 999})
    assert error_fields(unknown) == {"list_id": "there is no list 999"}
    bad = call(client, admin_token, "POST", "/api/v1/rules", 422, json={**base, "list_id": "1"})
    assert error_fields(bad) == {"list_id": "must be a list id or null"}
    replied = call(
        client, admin_token, "POST", "/api/v1/rules", 422, json={**base, "list_id": made["id"], "reply": "Hi"}
    )
    assert "reply" in error_fields(replied)

    rule = call(client, admin_token, "POST", "/api/v1/rules", 201, json={**base, "list_id": made["id"]})
    assert (rule["action"], rule["list_id"]) == ("subscribe", made["id"])
    assert call(client, admin_token, "GET", f"/api/v1/rules/{rule['id']}")["list_id"] == made["id"]
    # Switching to another action forgets the list.
    changed = call(
        client, admin_token, "PATCH", f"/api/v1/rules/{rule['id']}", json={"action": "reply", "reply": "Hi"}
    )
    assert changed["list_id"] is None


def test_the_bench_explains_a_join_and_a_yes(client: FlaskClient, admin_token: str, agent_token: str) -> None:
    made = vip(client, admin_token, double_opt_in=True)
    join = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "join vip"})
    assert join["kind"] == "subscribe" and join["replies"] == [CONFIRM]
    assert "VIP" in join["reason"] and "double opt-in" in join["reason"]
    yes = call(client, agent_token, "POST", "/api/v1/rules/test", json={"text": "yes"})
    assert "pending list subscription" in yes["reason"]
    draft = {"name": "Draft", "keywords": ["club"], "action": "subscribe", "list_id": made["id"]}
    drafted = call(client, admin_token, "POST", "/api/v1/rules/test", json={"text": "club", "draft": draft})
    assert drafted["kind"] == "subscribe"
    checked = call(client, admin_token, "POST", "/api/v1/rules/check", json={"rule": draft})
    assert checked["errors"] == []


def test_a_list_change_reaches_the_next_join_text(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token)
    call(client, admin_token, "PATCH", f"/api/v1/lists/{made['id']}", json={"name": "Gold", "frequency": ""})
    post_inbound(client, "join vip", sender=PHONE)
    assert bodies_to(session, PHONE) == [
        f"{BRAND}: You're subscribed to Gold. Msg frequency varies. "
        "Msg&data rates may apply. Reply HELP for help, STOP to cancel."
    ]


def test_deleting_a_list_disables_its_keyword_rules(
    client: FlaskClient, session: Session, admin_token: str
) -> None:
    made = vip(client, admin_token)
    post_inbound(client, "join vip", sender=PHONE)
    call(client, admin_token, "DELETE", f"/api/v1/lists/{made['id']}", 204)
    rule = call(client, admin_token, "GET", "/api/v1/rules")["data"][0]
    assert (rule["enabled"], rule["list_id"], rule["action"]) == (False, None, "subscribe")
    history = call(client, admin_token, "GET", f"/api/v1/rules/changes?rule_id={rule['id']}")["data"]
    assert history[0]["action"] == "updated" and history[0]["after"]["enabled"] is False
    post_inbound(client, "join vip", sender="+14155550999")
    assert bodies_to(session, "+14155550999") == [FALLBACK]
    # Enabling it again needs a list.
    refused = call(client, admin_token, "PATCH", f"/api/v1/rules/{rule['id']}", 422, json={"enabled": True})
    assert "list_id" in error_fields(refused)
