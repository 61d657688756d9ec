"""gunicorn's settings for Textdesk, read from the working directory by the README's gunicorn command."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Move everything the app built at start-up out of the garbage collector's reach (gc.freeze).

    Without it every full collection walks every module, model and compiled statement again: 50–150 ms
    pauses, during which no socket of the process is served (bench/bench_realtime.py showed them as
    the slowest deliveries). What is frozen lives as long as the worker anyway.
    """
    gc.freeze()
