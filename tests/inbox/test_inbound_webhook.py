"""POST /webhooks/twilio/sms: signatures, threading, idempotency, MMS, bad input."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.models import Contact, Conversation, Message
from tests.factories import inbound_form, new_sid, post_inbound, signed_post

AUTH_TOKEN = "test-auth-token-0123456789abcdef"


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def inbound_messages(session: Session) -> list[Message]:
    session.expire_all()
    return list(session.scalars(select(Message).where(Message.direction == "inbound").order_by(Message.id)))


class TestSignature:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"TWILIO_AUTH_TOKEN": AUTH_TOKEN}

    def test_signed_post_is_stored_and_answered_with_twiml(
        self, client: FlaskClient, session: Session
    ) -> None:
        response = post_inbound(client, "hello")
        assert response.status_code == 200
        assert response.mimetype == "text/xml"
        assert b"<Response" in response.data
        assert count(session, Message) >= 1

    def test_missing_signature_is_403_and_nothing_stored(self, client: FlaskClient, session: Session) -> None:
        response = client.post("/webhooks/twilio/sms", data=inbound_form("hello"))
        assert response.status_code == 403
        assert count(session, Message) == 0
        assert count(session, Contact) == 0

    def test_wrong_signature_is_403(self, client: FlaskClient, session: Session) -> None:
        response = signed_post(client, "/webhooks/twilio/sms", inbound_form("hi"), token="another-token")
        assert response.status_code == 403
        assert count(session, Message) == 0

    def test_tampered_body_is_403(self, client: FlaskClient, session: Session, app: Flask) -> None:
        from sms.twilio import compute_signature

        form = inbound_form("hello")
        signature = compute_signature(AUTH_TOKEN, app.config["PUBLIC_URL"] + "/webhooks/twilio/sms", form)
        form["Body"] = "hello, changed"
        response = client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 403
        assert count(session, Message) == 0

    def test_signature_is_checked_against_public_url_not_internal_url(
        self, client: FlaskClient, session: Session
    ) -> None:
        from sms.twilio import compute_signature

        form = inbound_form("hello")
        # What a naive check would use: the URL the request arrived on inside the proxy.
        internal = compute_signature(AUTH_TOKEN, "http://localhost/webhooks/twilio/sms", form)
        assert (
            client.post(
                "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": internal}
            ).status_code
            == 403
        )
        public = compute_signature(AUTH_TOKEN, "https://desk.example.com/webhooks/twilio/sms", form)
        assert (
            client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": public}).status_code
            == 200
        )

    def test_status_callback_needs_a_signature_too(self, client: FlaskClient) -> None:
        form = {"MessageSid": new_sid(), "MessageStatus": "delivered"}
        assert client.post("/webhooks/twilio/status", data=form).status_code == 403
        assert signed_post(client, "/webhooks/twilio/status", form).status_code == 200


class TestThreading:
    @pytest.mark.parametrize(
        "formats",
        [
            ["+14155550100", "(415) 555-0100", "415.555.0100", "+1 415 555 0100", "14155550100"],
            ["+442079460958", "+44 20 7946 0958", "0044 20 7946 0958"],
        ],
    )
    def test_every_formatting_of_one_number_lands_on_one_contact_and_conversation(
        self, client: FlaskClient, session: Session, formats: list[str]
    ) -> None:
        for raw in formats:
            assert post_inbound(client, "hello there friend", sender=raw).status_code == 200
        assert count(session, Contact) == 1
        assert count(session, Conversation) == 1
        assert len(inbound_messages(session)) == len(formats)

    @pytest.mark.parametrize(
        ("sender", "kind"), [("12345", "short_code"), ("898211", "short_code"), ("MyBrand", "alphanumeric")]
    )
    def test_short_codes_and_alphanumeric_senders_are_kept_as_they_are(
        self, client: FlaskClient, session: Session, sender: str, kind: str
    ) -> None:
        assert post_inbound(client, "hello", sender=sender).status_code == 200
        contact = session.scalars(select(Contact)).one()
        assert (contact.phone, contact.address_kind) == (sender, kind)

    def test_a_resolved_conversation_stays_closed(self, client: FlaskClient, session: Session) -> None:
        post_inbound(client, "first")
        first = session.scalars(select(Conversation)).one()
        first.status = "resolved"
        session.commit()
        post_inbound(client, "second")
        session.expire_all()
        conversations = session.scalars(select(Conversation).order_by(Conversation.id)).all()
        assert conversations[0].status == "resolved"
        assert len(conversations) == 2
        assert [m.body for m in inbound_messages(session) if m.conversation_id == conversations[1].id] == [
            "second"
        ]

    def test_sustained_traffic_on_one_connection_keeps_threading(
        self, client: FlaskClient, session: Session
    ) -> None:
        # psycopg prepares a statement after 5 runs; the upserts must still find their indexes then.
        for i in range(30):
            assert (
                post_inbound(client, f"hello {i}", sender=f"+1415555{3000 + i % 10:04d}").status_code == 200
            )
        assert count(session, Contact) == 10
        assert count(session, Conversation) == 10
        assert len(inbound_messages(session)) == 30

    def test_unread_count_and_last_message_at_move(self, client: FlaskClient, session: Session) -> None:
        post_inbound(client, "one")
        post_inbound(client, "two")
        conv = session.scalars(select(Conversation)).one()
        assert conv.unread_count == 2
        assert conv.last_message_at >= inbound_messages(session)[-1].created_at


class TestIdempotency:
    def test_a_replay_stores_one_message_and_answers_once(
        self, client: FlaskClient, session: Session
    ) -> None:
        form = inbound_form("HELP")
        assert client.post("/webhooks/twilio/sms", data=form).status_code == 200
        assert client.post("/webhooks/twilio/sms", data=form).status_code == 200
        assert len(inbound_messages(session)) == 1
        outbound = session.scalars(select(Message).where(Message.direction == "outbound")).all()
        assert len(outbound) == 1

    def test_concurrent_posts_of_one_sid_store_one_message_and_answer_at_most_once(
        self, app: Flask, session: Session
    ) -> None:
        form = inbound_form("HELP", sender="+14155550199")
        barrier = threading.Barrier(6)
        statuses: list[int] = []

        def post() -> None:
            client = app.test_client()
            barrier.wait()
            statuses.append(client.post("/webhooks/twilio/sms", data=form).status_code)

        threads = [threading.Thread(target=post) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 6
        assert len(inbound_messages(session)) == 1
        assert count(session, Contact) == 1
        assert count(session, Conversation) == 1
        outbound = session.scalars(select(Message).where(Message.direction == "outbound")).all()
        assert len(outbound) == 1

    def test_concurrent_first_texts_of_a_new_contact_share_one_conversation(
        self, app: Flask, session: Session
    ) -> None:
        barrier = threading.Barrier(5)

        def post(i: int) -> None:
            client = app.test_client()
            barrier.wait()
            client.post("/webhooks/twilio/sms", data=inbound_form(f"message {i}", sender="+14155550177"))

        threads = [threading.Thread(target=post, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert count(session, Contact) == 1
        assert count(session, Conversation) == 1
        assert len(inbound_messages(session)) == 5


def test_mms_media_are_stored_with_the_message(client: FlaskClient, session: Session) -> None:
    form = inbound_form(
        "",
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
        MediaContentType1="application/pdf",
    )
    assert client.post("/webhooks/twilio/sms", data=form).status_code == 200
    (message,) = inbound_messages(session)
    assert message.media == [
        {"url": form["MediaUrl0"], "content_type": "image/jpeg"},
        {"url": form["MediaUrl1"], "content_type": "application/pdf"},
    ]


class TestBadInput:
    @pytest.mark.parametrize("missing", ["From", "MessageSid"])
    def test_missing_required_field_is_a_clear_400(
        self, client: FlaskClient, session: Session, missing: str
    ) -> None:
        form = inbound_form("hi")
        del form[missing]
        response = client.post("/webhooks/twilio/sms", data=form)
        assert response.status_code == 400
        assert missing in response.get_json()["error"]["message"]
        assert count(session, Message) == 0

    @pytest.mark.parametrize("sender", ["", "<script>", "+", "whatsapp:+14155550100", "a" * 40, "+1\x00415"])
    def test_unusable_sender_is_a_400(self, client: FlaskClient, session: Session, sender: str) -> None:
        response = client.post("/webhooks/twilio/sms", data=inbound_form("hi", sender=sender))
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_webhook"
        assert count(session, Message) == 0

    def test_empty_body_is_stored(self, client: FlaskClient, session: Session) -> None:
        assert client.post("/webhooks/twilio/sms", data=inbound_form("")).status_code == 200
        assert [m.body for m in inbound_messages(session)] == [""]

    def test_a_body_over_1600_characters_is_stored_faithfully(
        self, client: FlaskClient, session: Session
    ) -> None:
        body = "ü" * 1700 + " end"
        assert client.post("/webhooks/twilio/sms", data=inbound_form(body)).status_code == 200
        assert [m.body for m in inbound_messages(session)] == [body]

    def test_nul_bytes_are_removed_not_fatal(self, client: FlaskClient, session: Session) -> None:
        assert client.post("/webhooks/twilio/sms", data=inbound_form("he\x00llo")).status_code == 200
        assert [m.body for m in inbound_messages(session)] == ["hello"]

    def test_an_oversized_form_is_refused_with_413(self, client: FlaskClient, session: Session) -> None:
        response = client.post("/webhooks/twilio/sms", data=inbound_form("x" * 200_000))
        assert response.status_code == 413
        assert count(session, Message) == 0

    def test_a_json_post_is_a_400_not_a_500(self, client: FlaskClient) -> None:
        response = client.post("/webhooks/twilio/sms", json={"From": "+14155550100"})
        assert response.status_code == 400
