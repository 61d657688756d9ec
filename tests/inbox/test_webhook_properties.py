"""Property-based: whatever Twilio (or anyone) posts, the webhook answers 200 or a clear 4xx, never 500,
and what it accepts it stores faithfully."""

from __future__ import annotations

import string
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inbox.db import get_db
from inbox.models import Message

field_text = st.text(st.characters(codec="utf-8"), max_size=300)
phone_like = st.one_of(
    st.from_regex(r"\+1[2-9]\d{2}[2-9]\d{6}", fullmatch=True),
    st.from_regex(r"\+44 ?20 ?7946 ?0\d{3}", fullmatch=True),
    st.from_regex(r"[0-9]{3,8}", fullmatch=True),
    st.text(string.ascii_letters + string.digits, min_size=1, max_size=11),
    field_text,
)
sid = st.one_of(st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True), field_text)
media_fields = st.dictionaries(
    st.sampled_from([f"MediaUrl{n}" for n in range(12)] + [f"MediaContentType{n}" for n in range(12)]),
    field_text,
    max_size=6,
)
forms = st.fixed_dictionaries(
    {},
    optional={
        "MessageSid": sid,
        "From": phone_like,
        "To": phone_like,
        "Body": st.one_of(field_text, st.text(max_size=2000)),
        "NumMedia": st.one_of(st.integers(-5, 20).map(str), field_text),
        "OptOutType": st.sampled_from(["STOP", "START", "HELP", "", "bogus"]),
        "AccountSid": field_text,
        "FromCountry": field_text,
    },
).flatmap(lambda base: media_fields.map(lambda media: {**base, **media}))

PROPERTY_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(form=forms)
def test_inbound_never_500_and_stores_what_it_accepts(app: Flask, form: dict[str, Any]) -> None:
    client = app.test_client()
    response = client.post("/webhooks/twilio/sms", data=form)
    assert response.status_code in (200, 400), response.data
    if response.status_code == 400:
        assert response.get_json()["error"]["message"]
        return
    # Examples share one database: a sid seen before is a replay, and the first body must stay.
    sid = form["MessageSid"].strip()  # surrounding whitespace is not part of a sid
    first_bodies = app.extensions.setdefault("test.first_bodies", {})
    first_bodies.setdefault(sid, form.get("Body", "").replace("\x00", ""))
    with get_db(app).session() as session:
        stored = session.scalars(select(Message).where(Message.provider_sid == sid)).one()
        assert stored.body == first_bodies[sid]


@PROPERTY_SETTINGS
@given(
    form=st.fixed_dictionaries(
        {},
        optional={
            "MessageSid": sid,
            "MessageStatus": st.one_of(
                st.sampled_from(["queued", "sent", "delivered", "failed", "read"]), field_text
            ),
            "ErrorCode": st.one_of(st.integers(-10, 99999).map(str), field_text),
            "ErrorMessage": field_text,
        },
    )
)
def test_status_callback_never_500(app: Flask, form: dict[str, Any]) -> None:
    response = app.test_client().post("/webhooks/twilio/status", data=form)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "raw",
    [
        b"From=%2B14155550100&MessageSid=SM1&Body=%ff%fe",  # invalid UTF-8 in the percent-encoding
        b"From=%2B14155550100&MessageSid=SM2&Body=%",  # truncated escape
        b"\xff\xfe\x00garbage",
        b"From=%2B14155550100&MessageSid=SM3&Body=a&Body=b",  # repeated field
    ],
)
def test_malformed_form_encodings_never_500(app: Flask, raw: bytes) -> None:
    response = app.test_client().post(
        "/webhooks/twilio/sms", data=raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 400)
