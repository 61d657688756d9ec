"""sms.twilio without a network: signatures, TwiML, webhook parsing, provider configuration."""

from __future__ import annotations

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from sms.twilio import (
    InboundSms,
    InvalidWebhook,
    Media,
    TwilioProvider,
    compute_signature,
    parse_inbound,
    parse_status,
    twiml_empty,
    twiml_message,
    validate_signature,
)

TOKEN = "0123456789abcdef0123456789abcdef"
PUBLIC_URL = "https://desk.example.com/webhooks/twilio/sms"
INTERNAL_URL = "http://127.0.0.1:5000/webhooks/twilio/sms"
SID = "SM" + "0123456789abcdef" * 2
AC = "AC" + "f" * 32

# Twilio's documented example (token 12345), reproduced by every official SDK's tests.
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def inbound_form(**overrides: str) -> dict[str, str]:
    form = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": SID,
        "NumMedia": "0",
        "ToCity": "SAN FRANCISCO",
        "FromZip": "94105",
        "SmsSid": SID,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "SAN FRANCISCO",
        "Body": "Hello, I need help",
        "FromCountry": "US",
        "To": "+14155550100",
        "MessagingServiceSid": "MG" + "1" * 32,
        "ToZip": "94105",
        "NumSegments": "1",
        "MessageSid": SID,
        "AccountSid": AC,
        "From": "+14155550123",
        "ApiVersion": "2010-04-01",
    }
    form.update(overrides)
    return form


# --- signatures -------------------------------------------------------------------------------------


def test_signature_matches_twilios_documented_vector() -> None:
    assert compute_signature("12345", DOC_URL, DOC_PARAMS) == DOC_SIGNATURE
    assert validate_signature("12345", DOC_URL, DOC_PARAMS, DOC_SIGNATURE)


def test_signature_is_hmac_sha1_of_url_and_sorted_params() -> None:
    params = {"Body": "hi", "From": "+14155550123", "AccountSid": AC}
    signed = PUBLIC_URL + "".join(k + params[k] for k in sorted(params))
    expected = base64.b64encode(hmac.new(TOKEN.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    assert compute_signature(TOKEN, PUBLIC_URL, params) == expected


def test_round_trip_and_every_tampering_fails() -> None:
    form = inbound_form()
    signature = compute_signature(TOKEN, PUBLIC_URL, form)
    assert validate_signature(TOKEN, PUBLIC_URL, form, signature)
    assert not validate_signature("f" * 32, PUBLIC_URL, form, signature)
    assert not validate_signature(TOKEN, PUBLIC_URL + "?x=1", form, signature)
    assert not validate_signature(TOKEN, PUBLIC_URL, {**form, "Body": "Hello, I need money"}, signature)
    assert not validate_signature(TOKEN, PUBLIC_URL, {**form, "Extra": ""}, signature)
    form_without_body = {k: v for k, v in form.items() if k != "Body"}
    assert not validate_signature(TOKEN, PUBLIC_URL, form_without_body, signature)
    assert not validate_signature(TOKEN, PUBLIC_URL, form, signature[:-2] + "A=")


def test_signature_is_checked_on_the_public_url_not_the_internal_one() -> None:
    # Behind a proxy Flask sees INTERNAL_URL; Twilio signed what it was configured with.
    form = inbound_form()
    signature = compute_signature(TOKEN, PUBLIC_URL, form)
    assert not validate_signature(TOKEN, INTERNAL_URL, form, signature)
    assert validate_signature(TOKEN, PUBLIC_URL, form, signature)


def test_explicit_default_port_is_tolerated_as_twilio_sdks_do() -> None:
    form = inbound_form()
    signature = compute_signature(TOKEN, "https://desk.example.com:443/webhooks/twilio/sms", form)
    assert validate_signature(TOKEN, PUBLIC_URL, form, signature)


def test_missing_signature_or_token_never_validates() -> None:
    form = inbound_form()
    assert not validate_signature(TOKEN, PUBLIC_URL, form, None)
    assert not validate_signature(TOKEN, PUBLIC_URL, form, "")
    assert not validate_signature("", PUBLIC_URL, form, compute_signature("", PUBLIC_URL, form))


def test_repeated_params_are_all_signed() -> None:
    pairs = [
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]
    signature = "IK+Dwps556ElfBT0I3Rgjkr1wJU="  # from the official SDKs' tests
    assert compute_signature("12345", DOC_URL, pairs) == signature
    assert validate_signature("12345", DOC_URL, pairs, signature)
    assert validate_signature("12345", DOC_URL, MultiDict(pairs), signature)
    assert validate_signature(
        "12345", DOC_URL, {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234"]}, signature
    )
    # Keeping only the first value (what dict(MultiDict) does) would break it.
    assert not validate_signature("12345", DOC_URL, dict(MultiDict(pairs)), signature)


def test_sha256_signatures_when_twilio_says_so() -> None:
    form = inbound_form()
    signed = PUBLIC_URL + "".join(k + form[k] for k in sorted(form))
    sha256_sig = base64.b64encode(hmac.new(TOKEN.encode(), signed.encode(), hashlib.sha256).digest()).decode()
    settings = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
    assert validate_signature(TOKEN, PUBLIC_URL, form, sha256_sig, signature_settings=settings)
    assert not validate_signature(TOKEN, PUBLIC_URL, form, sha256_sig)


# --- TwiML ------------------------------------------------------------------------------------------


def test_twiml_empty_is_exactly_an_empty_response() -> None:
    assert twiml_empty() == '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_twiml_message_escapes_and_stays_well_formed() -> None:
    xml = twiml_message("a < b & c > d \x00 \x1b 😀")
    root = ET.fromstring(xml.encode())
    assert root.tag == "Response"
    assert root.find("Message").text == "a < b & c > d   😀"  # type: ignore[union-attr]


# --- inbound webhook --------------------------------------------------------------------------------


def test_parse_a_realistic_inbound_sms() -> None:
    sms = parse_inbound(inbound_form())
    assert sms == InboundSms(
        message_sid=SID,
        account_sid=AC,
        from_="+14155550123",
        to="+14155550100",
        body="Hello, I need help",
        num_media=0,
        media=(),
        opt_out_type=None,
        messaging_service_sid="MG" + "1" * 32,
        num_segments=1,
        from_city="SAN FRANCISCO",
        from_state="CA",
        from_zip="94105",
        from_country="US",
    )


def test_parse_mms_media_in_order() -> None:
    form = inbound_form(
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/m/ME0",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/m/ME1",
        MediaContentType1="application/pdf",
        MediaUrl2="https://api.twilio.com/m/ignored-beyond-NumMedia",
    )
    sms = parse_inbound(form)
    assert sms.num_media == 2
    assert sms.media == (
        Media("https://api.twilio.com/m/ME0", "image/jpeg"),
        Media("https://api.twilio.com/m/ME1", "application/pdf"),
    )
    assert sms.media[0].url == sms.media[0][0]


@pytest.mark.parametrize("num_media", [None, "", "two", "-1", "1.5", "²"])
def test_missing_or_garbage_num_media_scans_all_slots(num_media: str | None) -> None:
    form = inbound_form(MediaUrl0="https://x/0", MediaContentType0="image/png", MediaUrl3="https://x/3")
    if num_media is None:
        del form["NumMedia"]
    else:
        form["NumMedia"] = num_media
    sms = parse_inbound(form)
    assert [m.url for m in sms.media] == ["https://x/0", "https://x/3"]
    assert sms.media[1].content_type == ""
    assert sms.num_media == 2


def test_num_media_is_capped_at_ten() -> None:
    form = inbound_form(NumMedia="15", **{f"MediaUrl{n}": f"https://x/{n}" for n in range(12)})
    assert len(parse_inbound(form).media) == 10


def test_body_is_kept_exactly_except_nul() -> None:
    body = "  STOP  \n\tplease\r\n"
    assert parse_inbound(inbound_form(Body=body)).body == body
    assert parse_inbound(inbound_form(Body="a\x00b\x00")).body == "ab"
    assert parse_inbound(inbound_form(Body="")).body == ""
    form = inbound_form()
    del form["Body"]
    assert parse_inbound(form).body == ""


def test_overlong_body_is_kept_and_its_length_exposed() -> None:
    sms = parse_inbound(inbound_form(Body="x" * 5000))
    assert sms.body_length == 5000


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("STOP", "STOP"),
        ("stop", "STOP"),
        (" Help ", "HELP"),
        ("START", "START"),
        ("RESUME", None),
        ("", None),
    ],
)
def test_opt_out_type(raw: str, parsed: str | None) -> None:
    assert parse_inbound(inbound_form(OptOutType=raw)).opt_out_type == parsed


def test_short_sids_from_other_tools_are_accepted() -> None:
    assert parse_inbound(inbound_form(MessageSid="SM123")).message_sid == "SM123"
    assert parse_inbound(inbound_form(MessageSid="test-sid_1")).message_sid == "test-sid_1"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"From": ""}, "From is missing"),
        ({"From": "   "}, "From is missing"),
        ({"MessageSid": ""}, "MessageSid is missing"),
        ({"MessageSid": "SM\x00123"}, "MessageSid is malformed"),
        ({"MessageSid": "S" * 65}, "MessageSid is malformed"),
        ({"MessageSid": "SM 123"}, "MessageSid is malformed"),
        ({"MessageSid": "<script>"}, "MessageSid is malformed"),
    ],
)
def test_unusable_inbound_raises_invalid_webhook(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidWebhook, match=message):
        parse_inbound(inbound_form(**overrides))


def test_missing_fields_raise_invalid_webhook() -> None:
    with pytest.raises(InvalidWebhook, match="MessageSid"):
        parse_inbound({"From": "+14155550123"})
    with pytest.raises(InvalidWebhook, match="From"):
        parse_inbound({"MessageSid": SID})


def test_from_is_kept_verbatim_for_the_caller_to_normalise() -> None:
    assert parse_inbound(inbound_form(From="MyBrand")).from_ == "MyBrand"


def test_multidict_form_is_read() -> None:
    sms = parse_inbound(MultiDict([*inbound_form(Body="first").items(), ("Body", "second")]))
    assert sms.body == "first"


@given(st.dictionaries(st.sampled_from([*inbound_form(), "MediaUrl0", "MediaUrl9", "OptOutType"]), st.text()))
def test_parse_inbound_raises_nothing_but_invalid_webhook(form: dict[str, Any]) -> None:
    try:
        sms = parse_inbound(form)
    except InvalidWebhook:
        return
    assert "\x00" not in sms.body
    assert len(sms.media) <= 10


# --- status callback --------------------------------------------------------------------------------


def test_parse_status_with_error() -> None:
    update = parse_status(
        {
            "MessageSid": SID,
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
            "ErrorMessage": "Unreachable",
        }
    )
    assert (update.message_sid, update.status, update.error_code, update.error_message) == (
        SID,
        "undelivered",
        30003,
        "Unreachable",
    )


@pytest.mark.parametrize("junk", ["", "abc", "-1", "3.5", "30003x", "9" * 30, "³"])
def test_junk_error_code_is_none(junk: str) -> None:
    assert parse_status({"MessageSid": SID, "MessageStatus": "failed", "ErrorCode": junk}).error_code is None


def test_status_falls_back_to_sms_status_and_is_lower_cased() -> None:
    assert parse_status({"MessageSid": SID, "SmsStatus": "Delivered"}).status == "delivered"
    assert (
        parse_status({"MessageSid": SID, "MessageStatus": "read", "SmsStatus": "delivered"}).status == "read"
    )


@pytest.mark.parametrize(
    "form",
    [
        {"MessageStatus": "sent"},
        {"MessageSid": SID},
        {"MessageSid": SID, "MessageStatus": "<b>sent</b>"},
        {"MessageSid": "SM\x00", "MessageStatus": "sent"},
    ],
)
def test_unusable_status_raises_invalid_webhook(form: dict[str, str]) -> None:
    with pytest.raises(InvalidWebhook):
        parse_status(form)


# --- provider configuration -------------------------------------------------------------------------


def test_provider_needs_credentials_and_a_sender() -> None:
    with pytest.raises(ValueError, match="sender"):
        TwilioProvider(AC, TOKEN)
    with pytest.raises(ValueError, match="auth token"):
        TwilioProvider(AC, "", from_number="+14155550100")
    with pytest.raises(ValueError, match="timeout"):
        TwilioProvider(AC, TOKEN, from_number="+14155550100", timeout=0)


def test_provider_repr_hides_the_token() -> None:
    provider = TwilioProvider(AC, TOKEN, from_number="+14155550100")
    assert TOKEN not in repr(provider)
    assert provider.name == "twilio"
