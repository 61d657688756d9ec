"""Pacing: a token bucket counting segments, as carriers count a sender's throughput.

A sender allowed N segments per second gets N tokens a second, up to one second's worth in reserve (so a
pause never turns into a burst). Sending a text takes as many tokens as it has segments; a text longer
than the reserve may still go once the bucket is full, leaving it in debt. Conversational texts (the bot's
and agents' replies) are charged too, after the fact: they go out at once, ahead of bulk traffic, and the
campaign slows down to make room for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """Segments a sender may still hand over now; refilled continuously at rate per second."""

    rate: float  # segments per second
    clock: Callable[[], float] = time.monotonic
    capacity: float = field(init=False)
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("rate must be positive")
        self.capacity = max(self.rate, 1.0)
        self.tokens = self.capacity
        self.updated = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, segments: int) -> float:
        """Seconds until a text of this many segments may go (0 when it may go now)."""
        self._refill()
        needed = min(float(segments), self.capacity)
        return 0.0 if self.tokens >= needed else (needed - self.tokens) / self.rate

    def take(self, segments: int) -> None:
        """Charge a text that is going out now (may leave the bucket in debt)."""
        self._refill()
        self.tokens -= segments

    def charge(self, segments: int) -> None:
        """Charge texts that already went out by another path (conversational replies)."""
        self.take(segments)

    def available(self) -> int:
        """Whole segments that may go right now."""
        self._refill()
        return max(0, int(self.tokens))

    def set_rate(self, rate: float) -> None:
        """Follow an edited sender rate without losing the current balance."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._refill()
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = min(self.tokens, self.capacity)
