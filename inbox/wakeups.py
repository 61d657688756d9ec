"""Process-local wake-up for the outbox thread: set after a commit that queued texts."""

from __future__ import annotations

import threading

_outbox = threading.Event()


def wake_outbox() -> None:
    """Tell this process's outbox thread there is work."""
    _outbox.set()


def wait_for_outbox(timeout: float) -> bool:
    """Block until woken or timeout; True when woken. Clears the signal."""
    woken = _outbox.wait(timeout)
    _outbox.clear()
    return woken
