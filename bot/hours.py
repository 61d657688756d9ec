"""Business hours: a weekly schedule in one time zone, whether it is open now, and when it next opens.

Pure: the caller passes the time. A schedule with no opening hours at all means "always open" (the
desk has not set hours, so no after-hours reply is ever sent).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_RANGES_PER_DAY = 4
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")

Range = tuple[int, int]  # minutes since local midnight, open inclusive, close exclusive
Problem = tuple[str, str]  # (field, message): bot.validation turns these into RuleErrors


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Opening ranges per weekday (Monday first) in a time zone."""

    timezone: str = "UTC"
    week: tuple[tuple[Range, ...], ...] = ((), (), (), (), (), (), ())

    @property
    def configured(self) -> bool:
        """Whether any opening hours are set (without them the desk counts as always open)."""
        return any(self.week)

    def as_json(self) -> dict[str, list[list[str]]]:
        """The schedule as the settings API shows it: {"mon": [["09:00", "17:00"]], …}."""
        return {
            day: [[_clock(a), _clock(b)] for a, b in ranges]
            for day, ranges in zip(WEEKDAYS, self.week, strict=True)
        }


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """Every IANA time zone name known here (read from disk once)."""
    return frozenset(available_timezones() | {"UTC"})


def valid_timezone(name: object) -> bool:
    """Whether name is an IANA time zone this machine knows."""
    if not isinstance(name, str) or name not in timezone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_hours(timezone: object, schedule: object) -> tuple[BusinessHours, list[Problem]]:
    """A BusinessHours from the settings form/API, with every problem (field "business_hours"/"timezone")."""
    errors: list[Problem] = []
    if not valid_timezone(timezone):
        errors.append(("timezone", "not a known time zone (use a name like Europe/Paris)"))
    if not isinstance(schedule, Mapping):
        errors.append(("business_hours", "must be an object of weekdays (mon … sun)"))
        return BusinessHours(), errors
    unknown = sorted(set(schedule) - set(WEEKDAYS))
    if unknown:
        errors.append(("business_hours", f"unknown day {unknown[0]!r}; days are {', '.join(WEEKDAYS)}"))
    week: list[tuple[Range, ...]] = []
    for day, name in zip(WEEKDAYS, DAY_NAMES, strict=True):
        ranges = _parse_day(schedule.get(day, []), name, errors)
        week.append(ranges)
    zone = (
        timezone
        if isinstance(timezone, str) and not any(field == "timezone" for field, _ in errors)
        else "UTC"
    )
    return BusinessHours(zone, tuple(week)), errors


def _parse_day(value: Any, name: str, errors: list[Problem]) -> tuple[Range, ...]:
    if not isinstance(value, list):
        errors.append(("business_hours", f"{name}: a list of [open, close] pairs"))
        return ()
    if len(value) > MAX_RANGES_PER_DAY:
        errors.append(("business_hours", f"{name}: at most {MAX_RANGES_PER_DAY} opening ranges"))
        return ()
    ranges: list[Range] = []
    for pair in value:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(t, str) and _CLOCK.match(t) for t in pair)
        ):
            errors.append(("business_hours", f'{name}: each range is two times like "09:00", "17:30"'))
            return ()
        start, end = _minutes(pair[0]), _minutes(pair[1])
        if end <= start:
            errors.append(
                (
                    "business_hours",
                    f"{name}: {pair[0]}–{pair[1]} closes before it opens "
                    "(split hours past midnight over two days)",
                )
            )
            return ()
        ranges.append((start, end))
    ranges.sort()
    for (_, end), (start, _) in itertools.pairwise(ranges):
        if start < end:
            errors.append(("business_hours", f"{name}: opening ranges overlap"))
            return ()
    return tuple(ranges)


def is_open(hours: BusinessHours, now: dt.datetime) -> bool:
    """Whether the desk is open at now (an aware datetime); always True without configured hours."""
    if not hours.configured:
        return True
    local = now.astimezone(ZoneInfo(hours.timezone))
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in hours.week[local.weekday()])


def next_opening(hours: BusinessHours, now: dt.datetime) -> dt.datetime | None:
    """The next moment (local, aware) the desk opens after now; None without configured hours."""
    if not hours.configured:
        return None
    zone = ZoneInfo(hours.timezone)
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        for start, _end in hours.week[day.weekday()]:
            if offset == 0 and start <= minute:
                continue
            naive = dt.datetime.combine(day, dt.time(start // 60, start % 60))
            return naive.replace(tzinfo=zone)
    return None


def describe_opening(opening: dt.datetime, now: dt.datetime) -> str:
    """How a customer is told when someone will answer: "today at 9:00 AM", "on Monday at 9:00 AM"."""
    local_now = now.astimezone(opening.tzinfo)
    clock = opening.strftime("%I:%M %p").lstrip("0")
    days = (opening.date() - local_now.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"on {DAY_NAMES[opening.weekday()]} at {clock}"
