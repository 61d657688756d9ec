"""Failed-login throttling: after a few failures an account (or an address) must wait.

Counts only failures, in a moving window, in Redis when REDIS_URL is set (so every process agrees)
and in memory otherwise (the one-process laptop setup).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

PER_ACCOUNT = parse("5 per 15 minutes")
PER_ADDRESS = parse("30 per 15 minutes")


@dataclass
class LoginThrottle:
    """Counts failed logins per account and per client address."""

    limiter: MovingWindowRateLimiter

    def _checks(self, email: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        return [
            (PER_ACCOUNT, "login-account", email.strip().casefold()),
            (PER_ADDRESS, "login-address", address),
        ]

    def wait_seconds(self, email: str, address: str) -> int:
        """0 when a login may be tried now, else how many seconds to wait."""
        waits = [0]
        for item, namespace, key in self._checks(email, address):
            if not self.limiter.test(item, namespace, key):
                reset_at = self.limiter.get_window_stats(item, namespace, key).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
        return max(waits)

    def failed(self, email: str, address: str) -> None:
        """Record one failed attempt."""
        for item, namespace, key in self._checks(email, address):
            self.limiter.hit(item, namespace, key)


def init_app(app: Flask) -> None:
    """One throttle per app, on Redis when configured."""
    storage = storage_from_string(app.config.get("REDIS_URL") or "memory://")
    app.extensions["textdesk.login_throttle"] = LoginThrottle(MovingWindowRateLimiter(storage))


def login_throttle() -> LoginThrottle:
    """The app's throttle."""
    throttle: LoginThrottle = current_app.extensions["textdesk.login_throttle"]
    return throttle
