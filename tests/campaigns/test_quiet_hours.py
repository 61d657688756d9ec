"""Quiet hours across time zones: the window in each recipient's local time, DST, ambiguous prefixes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from inbox.campaigns.quiet_hours import SendWindow, next_send_time, recipient_zones

UTC = dt.UTC
NINE_TO_EIGHT = SendWindow.parse("09:00", "20:00")
PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> dt.datetime:
    """An aware UTC instant from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("phone", "now", "expected"),
    [
        ("+12125550100", "2031-01-15 15:00", "2031-01-15 15:00"),  # 10:00 New York: open
        ("+12125550100", "2031-01-15 13:59", "2031-01-15 14:00"),  # 08:59 New York: opens at 09:00
        ("+12125550100", "2031-01-16 01:00", "2031-01-16 14:00"),  # 20:00 New York: closed, next morning
        ("+14155550100", "2031-01-15 15:00", "2031-01-15 17:00"),  # 07:00 Los Angeles
        ("+12125550100", "2031-07-15 13:00", "2031-07-15 13:00"),  # 09:00 EDT (summer time): open
        ("+33612345678", "2031-01-15 05:00", "2031-01-15 08:00"),  # 06:00 Paris → 09:00 CET
        # An Australian mobile may be anywhere from Cocos (UTC+6:30) to Lord Howe (UTC+11): too far
        # apart for a common window, so the desk's own zone (Paris here) decides: 09:00 CET.
        ("+61412345678", "2031-01-15 01:00", "2031-01-15 08:00"),
    ],
)
def test_each_number_waits_for_its_own_local_window(phone: str, now: str, expected: str) -> None:
    zones = recipient_zones(phone, NINE_TO_EIGHT, PARIS, at(now))
    assert next_send_time(NINE_TO_EIGHT, zones, at(now)) == at(expected)


def test_a_number_spanning_a_few_zones_must_be_inside_the_window_in_all_of_them() -> None:
    # Area code 709 covers Newfoundland (UTC-3:30) and Labrador (UTC-4): half an hour apart.
    zones = recipient_zones("+17095550100", NINE_TO_EIGHT, PARIS, at("2031-01-15 00:00"))
    assert {z.key for z in zones} == {"America/Halifax", "America/St_Johns"}
    # 12:45 UTC: 09:15 in St John's but 08:45 in Halifax → waits for 09:00 Halifax.
    assert next_send_time(NINE_TO_EIGHT, zones, at("2031-01-15 12:45")) == at("2031-01-15 13:00")
    # 23:45 UTC: 19:45 in Halifax, 20:15 in St John's → closed there; next morning, 09:00 Halifax.
    assert next_send_time(NINE_TO_EIGHT, zones, at("2031-01-15 23:45")) == at("2031-01-16 13:00")


def test_a_toll_free_or_unknown_number_uses_the_desks_zone() -> None:
    toll_free = recipient_zones("+18005550100", NINE_TO_EIGHT, PARIS, at("2031-01-15 00:00"))
    assert toll_free == (PARIS,)  # Guam to Newfoundland share no window
    assert recipient_zones("+999123", NINE_TO_EIGHT, PARIS, at("2031-01-15 00:00")) == (PARIS,)


def test_a_short_window_falls_back_when_the_zones_do_not_share_an_hour_of_it() -> None:
    lunch = SendWindow.parse("12:00", "13:30")
    assert recipient_zones("+61412345678", lunch, PARIS, at("2031-01-15 00:00")) == (PARIS,)


def test_spring_forward_day_opening_inside_the_gap_moves_to_the_first_real_instant() -> None:
    window = SendWindow.parse("02:30", "20:00")
    new_york = (ZoneInfo("America/New_York"),)
    # 2031-03-09 is the US spring-forward day: 02:00–03:00 does not exist.
    opening = next_send_time(window, new_york, at("2031-03-09 05:00"))  # 00:00 EST
    assert opening == at("2031-03-09 07:30")  # 03:30 EDT, the wall clock's first minute past 02:30
    assert window.is_open(opening, new_york[0])


def test_windows_parse_and_refuse_nonsense() -> None:
    assert SendWindow.parse("00:00", "24:00").length == dt.timedelta(hours=24)
    for start, end in (
        ("20:00", "09:00"),
        ("09:00", "09:00"),
        ("9:00", "20:00"),
        ("24:00", "24:00"),
        ("", ""),
    ):
        with pytest.raises(ValueError):
            SendWindow.parse(start, end)
