"""STOP / START / HELP on every inbound text, and the invariant: nothing reaches an opted-out number
except the one confirmation — not the bot, not an agent, not the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import ConsentEvent, Contact, Conversation, Message
from sms.simulator import SimulatorProvider
from tests.factories import auth_headers, make_rule, make_token, new_sid, post_inbound, signed_post

PHONE = "+14155550100"


def outbound(session: Session) -> list[Message]:
    session.expire_all()
    return list(session.scalars(select(Message).where(Message.direction == "outbound").order_by(Message.id)))


def contact(session: Session) -> Contact:
    session.expire_all()
    return session.scalars(select(Contact).where(Contact.phone == PHONE)).one()


def handed_to_provider(simulator: SimulatorProvider) -> list[str]:
    return [m.body for m in simulator.messages() if m.to == PHONE]


@pytest.mark.parametrize(
    "word",
    [
        "STOP",
        "stop",
        " Stop! ",
        "STOPALL",
        "unsubscribe",
        "CANCEL",
        "end",
        "QUIT",
        "revoke",
        "OPTOUT",
        "opt-out",
        "REMOVE",
        "ARRET",
        "arrêt",
        "TD",
        "Stop.",
    ],
)
def test_every_opt_out_word_opts_out_with_one_confirmation(
    client: FlaskClient, session: Session, deliver: Callable[[], int], word: str
) -> None:
    post_inbound(client, word)
    deliver()
    assert contact(session).opted_out
    sent = outbound(session)
    assert len(sent) == 1
    assert sent[0].purpose == "opt_out_confirmation"
    assert sent[0].status == "delivered"
    ledger = contact(session).consent_events
    assert [(e.action, e.source) for e in ledger] == [("opt_out", "keyword")]


@pytest.mark.parametrize("text", ["please stop texting me", "unsubscribe me", "take me off your list"])
def test_plain_language_opts_out(client: FlaskClient, session: Session, text: str) -> None:
    post_inbound(client, text)
    assert contact(session).opted_out
    assert [e.source for e in contact(session).consent_events] == ["plain_language"]


@pytest.mark.parametrize("text", ["don't stop", "when do you stop serving breakfast?"])
def test_questions_about_stopping_do_not_opt_out(client: FlaskClient, session: Session, text: str) -> None:
    post_inbound(client, text)
    assert not contact(session).opted_out


def test_nothing_reaches_an_opted_out_number_through_any_path(
    client: FlaskClient, session: Session, deliver: Callable[[], int], simulator: SimulatorProvider
) -> None:
    make_rule(session, keywords=["hours"], reply="We are open 9-5.")
    token = make_token(session)
    post_inbound(client, "STOP")
    deliver()
    assert handed_to_provider(simulator) and len(handed_to_provider(simulator)) == 1

    # The bot: a rule that would answer stays silent; a second STOP gets no second confirmation.
    post_inbound(client, "hours")
    post_inbound(client, "STOP")
    post_inbound(client, "HELP")
    # An agent replying in the conversation.
    conv = session.scalars(select(Conversation)).one()
    agent = client.post(
        f"/api/v1/conversations/{conv.id}/messages", json={"body": "Hi!"}, headers=auth_headers(token)
    )
    assert agent.status_code == 409
    assert agent.get_json()["error"]["code"] == "opted_out"
    # The API sending to the number.
    api = client.post(
        "/api/v1/messages", json={"to": "(415) 555-0100", "body": "Sale!"}, headers=auth_headers(token)
    )
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "opted_out"
    deliver()

    assert len(handed_to_provider(simulator)) == 1, "only the one confirmation ever reached the provider"
    statuses = [(m.purpose, m.status) for m in outbound(session)]
    assert statuses[0] == ("opt_out_confirmation", "delivered")
    assert all(status == "blocked" for _, status in statuses[1:])
    assert {"agent", "api"} <= {purpose for purpose, _ in statuses[1:]}


def test_a_stop_between_queueing_and_sending_blocks_the_queued_text(
    client: FlaskClient, session: Session, deliver: Callable[[], int], simulator: SimulatorProvider
) -> None:
    token = make_token(session)
    queued = client.post(
        "/api/v1/messages", json={"to": PHONE, "body": "Your order shipped"}, headers=auth_headers(token)
    )
    assert queued.status_code == 201
    post_inbound(client, "STOP")  # arrives before the outbox got to the queued text
    deliver()
    bodies = handed_to_provider(simulator)
    assert len(bodies) == 1 and "Your order shipped" not in bodies
    first = outbound(session)[0]
    assert (first.body, first.status) == ("Your order shipped", "blocked")


def test_start_opts_back_in_and_texts_flow_again(
    client: FlaskClient, session: Session, deliver: Callable[[], int], simulator: SimulatorProvider
) -> None:
    make_rule(session, keywords=["hours"], reply="We are open 9-5.")
    post_inbound(client, "STOP")
    post_inbound(client, "START")
    post_inbound(client, "hours")
    deliver()
    assert not contact(session).opted_out
    assert [e.action for e in contact(session).consent_events] == ["opt_out", "opt_in"]
    purposes = [m.purpose for m in outbound(session)]
    assert purposes == ["opt_out_confirmation", "opt_in_confirmation", "rule"]
    assert all(m.status == "delivered" for m in outbound(session))


def test_yes_opts_in_only_an_opted_out_contact(client: FlaskClient, session: Session) -> None:
    post_inbound(client, "YES")
    assert contact(session).consent_events == []
    post_inbound(client, "STOP")
    post_inbound(client, "yes")
    assert [e.action for e in contact(session).consent_events] == ["opt_out", "opt_in"]


def test_help_answers_with_brand_support_rates_and_how_to_opt_out(
    client: FlaskClient, session: Session
) -> None:
    post_inbound(client, "HELP")
    (reply,) = outbound(session)
    assert reply.purpose == "help"
    assert "Textdesk demo" in reply.body
    assert "Msg&data rates may apply" in reply.body
    assert "STOP" in reply.body


def test_when_twilio_already_answered_we_record_but_send_nothing(
    client: FlaskClient, session: Session
) -> None:
    post_inbound(client, "STOP", OptOutType="STOP")
    assert contact(session).opted_out
    assert outbound(session) == []
    post_inbound(client, "START", OptOutType="START")
    assert not contact(session).opted_out
    post_inbound(client, "HELP", OptOutType="HELP")
    assert outbound(session) == []
    assert [e.action for e in contact(session).consent_events] == ["opt_out", "opt_in"]


def test_carrier_error_21610_on_send_marks_the_contact_opted_out(
    client: FlaskClient, session: Session, deliver: Callable[[], int]
) -> None:
    token = make_token(session)
    magic = "+15005550004"  # the simulator answers 21610 for this number, as Twilio's test credentials do
    response = client.post(
        "/api/v1/messages", json={"to": magic, "body": "hello"}, headers=auth_headers(token)
    )
    assert response.status_code == 201
    deliver()
    session.expire_all()
    message = session.get(Message, response.get_json()["id"])
    assert message is not None
    assert (message.status, message.error_code) == ("failed", 21610)
    assert message.contact.opted_out
    assert [(e.action, e.source) for e in message.contact.consent_events] == [("opt_out", "carrier_21610")]


def test_error_21610_in_a_status_callback_marks_the_contact_opted_out(
    client: FlaskClient, session: Session, deliver: Callable[[], int]
) -> None:
    token = make_token(session)
    sent = client.post("/api/v1/messages", json={"to": PHONE, "body": "hello"}, headers=auth_headers(token))
    deliver()
    session.expire_all()
    sid = session.get(Message, sent.get_json()["id"]).provider_sid  # type: ignore[union-attr]
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "21610"}
    assert signed_post(client, "/webhooks/twilio/status", form).status_code == 200
    assert contact(session).opted_out
    assert [e.source for e in contact(session).consent_events] == ["carrier_21610"]


def test_the_consent_ledger_is_on_the_contact_resource(client: FlaskClient, session: Session) -> None:
    token = make_token(session)
    post_inbound(client, "stop", MessageSid=(sid := new_sid()))
    found = client.get("/api/v1/contacts?phone=4155550100", headers=auth_headers(token)).get_json()["data"]
    assert len(found) == 1
    resource = client.get(f"/api/v1/contacts/{found[0]['id']}", headers=auth_headers(token)).get_json()
    assert resource["opted_out"] is True
    (entry,) = resource["consent"]
    inbound = session.scalars(select(Message).where(Message.provider_sid == sid)).one()
    assert entry["action"] == "opt_out"
    assert entry["source"] == "keyword"
    assert entry["message_id"] == inbound.id
    assert entry["at"].endswith("Z")
    assert session.scalars(select(ConsentEvent)).one().message_id == inbound.id


def test_a_stop_arriving_while_a_batch_is_handed_over_blocks_the_rest_of_the_batch(
    client: FlaskClient, session: Session, outbox: Any, simulator: SimulatorProvider
) -> None:
    token = make_token(session)
    for body in ("first", "second"):
        sent = client.post("/api/v1/messages", json={"to": PHONE, "body": body}, headers=auth_headers(token))
        assert sent.status_code == 201
    real_send = simulator.send

    def send_while_the_customer_texts_stop(sms: Any) -> Any:
        result = real_send(sms)
        if sms.body == "first":
            post_inbound(client, "STOP")  # through the real webhook, mid-batch
        return result

    simulator.send = send_while_the_customer_texts_stop  # type: ignore[method-assign]
    assert outbox.deliver_due() == 2  # both texts were claimed in one batch
    handed_over = [m.body for m in simulator.messages() if m.to == PHONE]
    assert "second" not in handed_over
    statuses = {m.body: m.status for m in outbound(session)}
    assert statuses["second"] == "blocked"
