"""The bot in the desk, end to end through the webhook: replies, misses, hand-off, silence."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Conversation, Message
from tests.factories import make_rule, post_inbound


def conversation(session: Session) -> Conversation:
    session.expire_all()
    return session.scalars(select(Conversation)).one()


def replies(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.scalars(select(Message).where(Message.direction == "outbound").order_by(Message.id))
    return [(m.purpose, m.body) for m in rows]


def test_a_rule_answers_with_its_rendered_reply(client: FlaskClient, session: Session) -> None:
    make_rule(session, keywords=["opening hours"], reply="{{ brand }} is open 9-5.")
    post_inbound(client, "what are your openin hours?")
    assert replies(session) == [("rule", "Textdesk demo is open 9-5.")]
    assert conversation(session).status == "bot"


def test_two_misses_in_a_row_hand_off_with_one_acknowledgement(client: FlaskClient, session: Session) -> None:
    make_rule(session, keywords=["hours"])
    post_inbound(client, "my parcel is wet")
    assert [p for p, _ in replies(session)] == ["fallback"]
    assert "STOP" in replies(session)[0][1] and "AGENT" in replies(session)[0][1]
    post_inbound(client, "it arrived soaked")
    assert [p for p, _ in replies(session)] == ["fallback", "handoff_ack"]
    assert conversation(session).status == "pending"
    # Handed off: the bot is silent now, even for a text a rule would answer.
    post_inbound(client, "hours?")
    assert [p for p, _ in replies(session)] == ["fallback", "handoff_ack"]


def test_a_match_resets_the_miss_count(client: FlaskClient, session: Session) -> None:
    make_rule(session, keywords=["hours"])
    post_inbound(client, "blah")
    post_inbound(client, "hours")
    post_inbound(client, "blah again")
    assert [p for p, _ in replies(session)] == ["fallback", "rule", "fallback"]
    assert conversation(session).status == "bot"


def test_asking_for_a_person_hands_off(client: FlaskClient, session: Session) -> None:
    post_inbound(client, "can I talk to someone please")
    assert [p for p, _ in replies(session)] == ["handoff_ack"]
    assert conversation(session).status == "pending"


def test_reply_and_handoff_sends_the_reply_then_the_acknowledgement(
    client: FlaskClient, session: Session
) -> None:
    make_rule(session, keywords=["refund"], reply="Refunds take 5 days.", action="reply_handoff")
    post_inbound(client, "I want a refund")
    assert [p for p, _ in replies(session)] == ["rule", "handoff_ack"]
    assert conversation(session).status == "pending"


def test_while_an_agent_has_it_the_bot_is_silent_but_compliance_still_works(
    client: FlaskClient, session: Session
) -> None:
    make_rule(session, keywords=["hours"])
    post_inbound(client, "hello")
    conv = conversation(session)
    conv.status = "open"
    session.commit()
    before = replies(session)
    post_inbound(client, "hours")
    assert replies(session) == before
    post_inbound(client, "HELP")
    assert replies(session)[-1][0] == "help"
    post_inbound(client, "STOP")
    assert replies(session)[-1][0] == "opt_out_confirmation"


def test_a_sender_id_is_stored_but_never_answered(client: FlaskClient, session: Session) -> None:
    make_rule(session, keywords=["code"], reply="Thanks!")
    post_inbound(client, "Your code is 123456", sender="VERIFY")
    post_inbound(client, "HELP", sender="VERIFY")
    assert replies(session) == []
    session.expire_all()
    inbound = session.scalars(select(Message).where(Message.direction == "inbound")).all()
    assert [m.body for m in inbound] == ["Your code is 123456", "HELP"]


def test_a_disabled_rule_does_not_answer(client: FlaskClient, session: Session) -> None:
    make_rule(session, keywords=["hours"], enabled=False)
    post_inbound(client, "hours")
    assert [p for p, _ in replies(session)] == ["fallback"]
