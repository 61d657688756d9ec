"""Business hours: parsing, open or closed, the next opening, and the after-hours hand-off."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import DecisionKind
from bot.hours import BusinessHours, describe_opening, is_open, next_opening, parse_hours
from tests.bot.factories import decide, make_rule, make_state

WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
PARIS, _ = parse_hours("Europe/Paris", WEEKDAYS_9_TO_5)
# 2026-11-25 is a Wednesday; Paris is UTC+1 in November.
WED_NOON_PARIS = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
WED_NIGHT_PARIS = dt.datetime(2026, 11, 25, 21, 30, tzinfo=dt.UTC)
FRI_EVENING_PARIS = dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC)
THU_EARLY_PARIS = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)


def test_a_schedule_parses_and_prints_back() -> None:
    hours, problems = parse_hours(
        "Europe/Paris", {**WEEKDAYS_9_TO_5, "sat": [["10:00", "12:00"], ["14:00", "24:00"]]}
    )
    assert problems == []
    assert hours.as_json()["sat"] == [["10:00", "12:00"], ["14:00", "24:00"]]
    assert hours.as_json()["sun"] == [] and hours.configured


@pytest.mark.parametrize(
    ("timezone", "schedule", "field", "words"),
    [
        ("Mars/Olympus", {}, "timezone", "not a known time zone"),
        ("UTC", {"mon": [["17:00", "09:00"]]}, "business_hours", "closes before it opens"),
        ("UTC", {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}, "business_hours", "overlap"),
        ("UTC", {"mon": [["9:00", "12:00"]]}, "business_hours", "two times like"),
        ("UTC", {"mon": [["09:00", "25:00"]]}, "business_hours", "two times like"),
        ("UTC", {"funday": []}, "business_hours", "unknown day"),
        ("UTC", {"mon": "09:00-17:00"}, "business_hours", "list of [open, close] pairs"),
        ("UTC", [], "business_hours", "must be an object"),
    ],
)
def test_bad_schedules_say_why(timezone: str, schedule: object, field: str, words: str) -> None:
    _hours, problems = parse_hours(timezone, schedule)
    assert any(f == field and words in message for f, message in problems), problems


def test_open_and_closed_follow_the_local_time_zone() -> None:
    assert is_open(PARIS, WED_NOON_PARIS)
    assert not is_open(PARIS, WED_NIGHT_PARIS)
    assert not is_open(PARIS, FRI_EVENING_PARIS)  # 18:00 in Paris: the 17:00 close is exclusive


def test_no_hours_means_always_open_and_no_next_opening() -> None:
    assert is_open(BusinessHours(), WED_NIGHT_PARIS)
    assert next_opening(BusinessHours(), WED_NIGHT_PARIS) is None


def test_the_next_opening_skips_closed_days() -> None:
    opening = next_opening(PARIS, FRI_EVENING_PARIS)
    assert opening is not None and opening.isoformat() == "2026-11-30T09:00:00+01:00"  # Monday
    assert describe_opening(opening, FRI_EVENING_PARIS) == "on Monday at 9:00 AM"
    tomorrow = next_opening(PARIS, WED_NIGHT_PARIS)
    assert tomorrow is not None and describe_opening(tomorrow, WED_NIGHT_PARIS) == "tomorrow at 9:00 AM"
    today = next_opening(PARIS, THU_EARLY_PARIS)
    assert today is not None and describe_opening(today, THU_EARLY_PARIS) == "today at 9:00 AM"


AGENT_RULE = make_rule(id=7, name="order", keywords=("order",), action="reply_handoff", reply="Order desk.")


def test_a_hand_off_after_hours_says_when_someone_will_answer() -> None:
    state = make_state(now=FRI_EVENING_PARIS)
    decision = decide("agent", state=state, business_hours=PARIS)
    assert decision.kind is DecisionKind.HUMAN and decision.handoff
    assert decision.replies == ("Thanks! We're closed right now; an agent will reply on Monday at 9:00 AM.",)
    custom = decide(
        "order", AGENT_RULE, state=state, business_hours=PARIS, after_hours_text="Back {{ next_open }}!"
    )
    assert custom.replies == ("Order desk.", "Back on Monday at 9:00 AM!")


def test_a_hand_off_in_hours_or_without_hours_uses_the_acknowledgement() -> None:
    in_hours = decide("agent", state=make_state(now=WED_NOON_PARIS), business_hours=PARIS)
    assert in_hours.replies == ("Thanks! An agent will reply shortly.",)
    no_hours = decide("agent", state=make_state(now=WED_NIGHT_PARIS))
    assert no_hours.replies == ("Thanks! An agent will reply shortly.",)


def test_a_reply_that_does_not_hand_off_is_the_same_after_hours() -> None:
    rule = make_rule(id=8, keywords=("parking",), reply="Free parking.")
    decision = decide("parking", rule, state=make_state(now=WED_NIGHT_PARIS), business_hours=PARIS)
    assert decision.replies == ("Free parking.",) and not decision.handoff
