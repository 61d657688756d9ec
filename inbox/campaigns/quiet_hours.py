"""Quiet hours: campaign texts go out only inside a daily window of the recipient's local time.

The recipient's zone comes from their number (sms.phone.time_zones). A number whose prefix spans
several zones must be inside the window in all of them; when those zones are too far apart for any
common window (a toll-free number: Guam to Newfoundland) or the number has no known zone, the desk's
own zone stands in, since that is where most of its customers live.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sms.phone import time_zones

CLOCK_RE = re.compile(r"^(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$")
MAX_OFFSET_SPREAD = dt.timedelta(hours=3)  # zones further apart than this share no useful window
DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class SendWindow:
    """The daily local hours texts may go out, in minutes after midnight: start inclusive, end exclusive.

    00:00–24:00 means no quiet hours at all.
    """

    start: int
    end: int

    @classmethod
    def parse(cls, start: str, end: str) -> SendWindow:
        """A window from "HH:MM" texts (end may be 24:00); ValueError when malformed or not start < end."""
        begin, finish = parse_clock(start), parse_clock(end)
        if begin == DAY:
            raise ValueError("the window cannot start at 24:00")
        if begin >= finish:
            raise ValueError("the window must start before it ends (on the same day)")
        return cls(begin, finish)

    @property
    def length(self) -> dt.timedelta:
        """How long the window stays open each day."""
        return dt.timedelta(minutes=self.end - self.start)

    def is_open(self, moment: dt.datetime, zone: ZoneInfo) -> bool:
        """Whether moment (aware) falls inside the window in zone."""
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        return self.start <= minute < self.end

    def next_open_in(self, moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        """The first instant at or after moment (aware, UTC) when the window is open in zone."""
        if self.is_open(moment, zone):
            return moment
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        day = local.date() if minute < self.start else local.date() + dt.timedelta(days=1)
        opening = dt.datetime.combine(day, dt.time(self.start // 60, self.start % 60), tzinfo=zone)
        # A start inside a DST gap (02:30 on spring-forward day) does not exist: the round trip through
        # UTC moves it to the first real instant after it.
        return opening.astimezone(dt.UTC)


def parse_clock(text: str) -> int:
    """ "09:00" → 540 minutes after midnight ("24:00" → 1440); ValueError otherwise."""
    match = CLOCK_RE.match(text or "")
    if match is None:
        raise ValueError(f"{text!r} is not a time of day like 09:00")
    if match.group(3):
        return DAY
    return int(match.group(1)) * 60 + int(match.group(2))


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo | None:
    """The ZoneInfo of an IANA name, None when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def recipient_zones(
    phone: str, window: SendWindow, fallback: ZoneInfo, at: dt.datetime
) -> tuple[ZoneInfo, ...]:
    """The zones whose clocks decide a number's quiet hours (see the module docstring)."""
    candidates = [z for z in (zone(name) for name in time_zones(phone)) if z is not None]
    if not candidates:
        return (fallback,)
    offsets = [at.astimezone(z).utcoffset() or dt.timedelta(0) for z in candidates]
    spread = max(offsets) - min(offsets)
    # The zones' windows overlap for (length - spread): keep at least an hour of it, or use the fallback.
    if spread > MAX_OFFSET_SPREAD or spread > window.length - dt.timedelta(hours=1):
        return (fallback,)
    return tuple(candidates)


def next_send_time(window: SendWindow, zones: tuple[ZoneInfo, ...], now: dt.datetime) -> dt.datetime:
    """now when the window is open in every zone, else the first instant it is (within a week)."""
    moment = now
    for _ in range(16):  # each pass moves to a later opening; a few passes settle any real zone set
        later = max(window.next_open_in(moment, z) for z in zones)
        if later == moment and all(window.is_open(moment, z) for z in zones):
            return moment
        moment = later
    return moment
