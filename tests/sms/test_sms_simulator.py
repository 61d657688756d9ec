"""sms.simulator: progression, ordering and Twilio's magic numbers, deterministically."""

from __future__ import annotations

import logging
import re
import threading
import time

import pytest

from sms.provider import OutboundSms, SendError, SmsProvider
from sms.simulator import SimulatorProvider

Reports = list[tuple[str, str, int | None]]


def collector() -> tuple[Reports, SimulatorProvider]:
    reports: Reports = []
    provider = SimulatorProvider(
        on_status=lambda sid, status, code: reports.append((sid, status, code)), synchronous=True
    )
    return reports, provider


def test_satisfies_the_provider_protocol() -> None:
    provider: SmsProvider = SimulatorProvider()
    assert provider.name == "simulator"


def test_send_returns_first_then_flush_reports_sent_and_delivered() -> None:
    reports, provider = collector()
    result = provider.send(OutboundSms(to="+14155550123", body="hello", client_ref="42"))
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_sid)
    assert result.status == "queued"
    assert reports == []  # nothing reported before the caller has stored the sid
    assert provider.flush() == 2
    assert reports == [(result.provider_sid, "sent", None), (result.provider_sid, "delivered", None)]
    assert provider.flush() == 0
    logged = provider.get(result.provider_sid)
    assert logged is not None
    assert (logged.status, logged.client_ref, logged.to) == ("delivered", "42", "+14155550123")


def test_sids_are_distinct() -> None:
    _, provider = collector()
    sids = {provider.send(OutboundSms(to="+14155550123", body=str(n))).provider_sid for n in range(50)}
    assert len(sids) == 50


def test_recipient_is_normalised() -> None:
    _, provider = collector()
    sid = provider.send(OutboundSms(to="(415) 555-0123", body="x")).provider_sid
    assert provider.get(sid).to == "+14155550123"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("to", "code", "message"),
    [
        ("+15005550001", 21211, "The 'To' number +15005550001 is not a valid phone number."),
        ("+15005550004", 21610, "Attempt to send to unsubscribed recipient"),
        ("MyBrand", 21211, "The 'To' number MyBrand is not a valid phone number."),
        ("", 21211, "The 'To' number  is not a valid phone number."),
    ],
)
def test_magic_numbers_refused_permanently(to: str, code: int, message: str) -> None:
    reports, provider = collector()
    with pytest.raises(SendError) as info:
        provider.send(OutboundSms(to=to, body="hi"))
    assert (info.value.code, info.value.message, info.value.transient) == (code, message, False)
    assert provider.flush() == 0 and reports == [] and provider.messages() == []


def test_magic_number_503_is_transient() -> None:
    _, provider = collector()
    with pytest.raises(SendError) as info:
        provider.send(OutboundSms(to="+15005550008", body="hi"))
    assert info.value.transient and info.value.http_status == 503


def test_magic_number_accepted_then_failed_30003() -> None:
    reports, provider = collector()
    result = provider.send(OutboundSms(to="+15005550009", body="hi"))
    assert result.status == "queued"
    provider.flush()
    assert reports == [(result.provider_sid, "failed", 30003)]
    assert provider.get(result.provider_sid).error_code == 30003  # type: ignore[union-attr]


def test_twilio_body_rules() -> None:
    _, provider = collector()
    with pytest.raises(SendError) as info:
        provider.send(OutboundSms(to="+14155550123", body=""))
    assert info.value.code == 21602
    with pytest.raises(SendError) as info:
        provider.send(OutboundSms(to="+14155550123", body="x" * 1601))
    assert info.value.code == 21617
    provider.send(OutboundSms(to="+14155550123", body="x" * 1600))
    provider.send(OutboundSms(to="+14155550123", body="", media_urls=("https://example.com/a.png",)))


def test_log_is_bounded_and_oldest_first() -> None:
    provider = SimulatorProvider(synchronous=True, log_size=3)
    sids = [provider.send(OutboundSms(to="+14155550123", body=str(n))).provider_sid for n in range(5)]
    assert [m.body for m in provider.messages()] == ["2", "3", "4"]
    assert provider.get(sids[0]) is None
    provider.flush()  # reports for evicted messages are dropped without error
    assert [m.status for m in provider.messages()] == ["delivered"] * 3


def test_messages_returns_copies() -> None:
    provider = SimulatorProvider(synchronous=True)
    sid = provider.send(OutboundSms(to="+14155550123", body="x")).provider_sid
    provider.messages()[0].status = "tampered"
    assert provider.get(sid).status == "queued"  # type: ignore[union-attr]


def test_the_scheduler_reports_in_order_in_the_background() -> None:
    reports: Reports = []
    done = threading.Event()

    def on_status(sid: str, status: str, code: int | None) -> None:
        reports.append((sid, status, code))
        if status == "delivered":
            done.set()

    # Equal delays: the scheduler's sequence number keeps sent before delivered.
    provider = SimulatorProvider(on_status=on_status, delay_sent=0.01, delay_delivered=0.01)
    sid = provider.send(OutboundSms(to="+14155550123", body="x")).provider_sid
    assert done.wait(5)
    assert reports == [(sid, "sent", None), (sid, "delivered", None)]


def test_many_messages_share_one_scheduler_thread() -> None:
    reports: Reports = []
    all_done = threading.Event()

    def on_status(sid: str, status: str, code: int | None) -> None:
        reports.append((sid, status, code))
        if len(reports) == 200:
            all_done.set()

    before = threading.active_count()
    provider = SimulatorProvider(on_status=on_status, delay_sent=0.05, delay_delivered=0.1)
    sids = [provider.send(OutboundSms(to="+14155550123", body=str(i))).provider_sid for i in range(100)]
    assert threading.active_count() <= before + 1
    assert all_done.wait(5)
    for sid in sids:
        assert [status for s, status, _ in reports if s == sid] == ["sent", "delivered"]
    provider.close()


def test_close_cancels_pending_reports() -> None:
    reports: Reports = []
    provider = SimulatorProvider(on_status=lambda *r: reports.append(r), delay_sent=0.2, delay_delivered=0.2)
    provider.send(OutboundSms(to="+14155550123", body="x"))
    provider.close()
    time.sleep(0.5)
    assert reports == []


def test_a_failing_callback_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def boom(sid: str, status: str, code: int | None) -> None:
        raise RuntimeError("database down")

    provider = SimulatorProvider(on_status=boom, synchronous=True)
    provider.send(OutboundSms(to="+14155550123", body="x"))
    with caplog.at_level(logging.ERROR, logger="sms.simulator"):
        assert provider.flush() == 2
    assert "status callback failed" in caplog.text


def test_negative_delays_are_refused() -> None:
    with pytest.raises(ValueError):
        SimulatorProvider(delay_sent=-1)
