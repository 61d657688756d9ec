"""TwilioProvider against the stand-in alone (no Prism needed): transport errors and error shapes."""

from __future__ import annotations

import socket
import time
from email.utils import formatdate

import pytest
from twilio_standin import ACCOUNT_SID, AUTH_TOKEN, StandIn, twilio_error

from sms.provider import OutboundSms, SendError
from sms.twilio import TwilioProvider

FROM = "+14155550100"
TO = "+14155550123"


def provider(base_url: str, timeout: float = 5.0, **sender: str) -> TwilioProvider:
    sender = sender or {"from_number": FROM}
    return TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, api_base_url=base_url, timeout=timeout, **sender)  # type: ignore[arg-type]


def send_error(twilio: TwilioProvider, sms: OutboundSms | None = None) -> SendError:
    with pytest.raises(SendError) as info:
        twilio.send(sms or OutboundSms(to=TO, body="hi"))
    assert AUTH_TOKEN not in str(info.value) and AUTH_TOKEN not in repr(info.value)
    return info.value


def test_basic_auth_and_path_are_twilios(standin: StandIn) -> None:
    result = provider(standin.url).send(OutboundSms(to=TO, body="hi"))
    assert result.provider_sid.startswith("SM") and len(result.provider_sid) == 34
    assert standin.received[0].path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def test_wrong_credentials_are_permanent(standin: StandIn) -> None:
    twilio = TwilioProvider(ACCOUNT_SID, "wrong-token", from_number=FROM, api_base_url=standin.url)
    error = send_error(twilio)
    assert (error.http_status, error.code, error.transient) == (401, 20003, False)


def test_messaging_service_wins_over_from_when_both_are_configured(standin: StandIn) -> None:
    service = "MG" + "0" * 32
    provider(standin.url, from_number=FROM, messaging_service_sid=service).send(OutboundSms(to=TO, body="x"))
    form = standin.received[0].form
    assert form["MessagingServiceSid"] == [service] and "From" not in form


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but never listening: connections are refused
        error = send_error(provider(f"http://127.0.0.1:{port}"))
    assert error.transient and "maybe_sent" not in error.extra


def test_read_timeout_is_transient_and_flagged_maybe_sent(standin: StandIn) -> None:
    standin.answer(TO, 201, b"{}", delay=1.0)
    started = time.monotonic()
    error = send_error(provider(standin.url, timeout=0.2))
    assert time.monotonic() - started < 1.0, "the configured timeout was applied"
    assert error.transient and error.extra.get("maybe_sent") == "true"


def test_retry_after_as_http_date(standin: StandIn) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    standin.answer(TO, 429, twilio_error(429, 20429, "Too Many Requests"), headers={"Retry-After": when})
    error = send_error(provider(standin.url))
    assert error.transient and error.retry_after is not None and 25 <= error.retry_after <= 31


def test_code_20429_is_transient_whatever_the_status(standin: StandIn) -> None:
    standin.answer(TO, 400, twilio_error(400, 20429, "Too Many Requests"))
    assert send_error(provider(standin.url)).transient


def test_503_without_json_is_transient_and_has_no_twilio_code(standin: StandIn) -> None:
    standin.answer(TO, 503, b"<html>upstream unavailable</html>")
    error = send_error(provider(standin.url))
    assert (error.transient, error.http_status, error.code) == (True, 503, None)


def test_invalid_to_is_permanent_21211(standin: StandIn) -> None:
    standin.answer(
        "+1555", 400, twilio_error(400, 21211, "The 'To' number +1555 is not a valid phone number.")
    )
    error = send_error(provider(standin.url), OutboundSms(to="+1555", body="x"))
    assert (error.code, error.transient) == (21211, False)
    assert error.message == "The 'To' number +1555 is not a valid phone number."
    assert error.extra["more_info"] == "https://www.twilio.com/docs/errors/21211"


def test_rfc9457_problem_answers_are_mapped(standin: StandIn) -> None:
    problem = {
        "type": "https://www.twilio.com/docs/errors/21610",
        "title": "Unsubscribed recipient",
        "status": 400,
        "code": 21610,
        "detail": "The recipient replied STOP",
    }
    standin.answer(TO, 400, problem)
    error = send_error(provider(standin.url))
    assert (error.code, error.http_status, error.transient) == (21610, 400, False)
    assert error.message == "Unsubscribed recipient: The recipient replied STOP"


def test_unreadable_success_is_a_permanent_error(standin: StandIn) -> None:
    standin.answer(TO, 201, b"not json")
    error = send_error(provider(standin.url))
    assert not error.transient and "Twilio request failed" in error.message


def test_the_auth_token_is_scrubbed_from_messages(standin: StandIn) -> None:
    standin.answer(TO, 400, twilio_error(400, 21604, f"echoing {AUTH_TOKEN} back"))
    assert send_error(provider(standin.url)).message == "echoing *** back"


def test_edge_and_region_from_the_environment_do_not_redirect(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    monkeypatch.setenv("TWILIO_REGION", "au1")
    provider(standin.url).send(OutboundSms(to=TO, body="x"))
    assert len(standin.received) == 1
