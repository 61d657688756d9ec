"""A process of Socket.IO staff clients for bench/bench_realtime.py: connect, record receive times, report.

Run by the bench (never by hand): it connects COUNT `socketio.AsyncClient`s over the websocket transport,
client i to the i-th URL round robin, writes `READY <connected> <failed>` on stdout, records the wall-clock
time (time.time(), the machine's clock the bench also stamps its POSTs with) at which each client first
sees each inbound text carrying the run's marker (its `message.created`, or a `conversation.*` event
whose `last_message` it is), and on `STOP` from stdin writes one JSON line: per client its URL index,
{sequence number: receive time}, its event and disconnect counts.
The API token comes in the environment (BENCH_TOKEN), not on the command line.

    BENCH_TOKEN=td_… python bench/realtime_clients.py --marker M --origin O --count N URL [URL ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import socketio

CONNECT_CONCURRENCY = 20  # handshakes in flight at once; gunicorn's accept queue is not the thing measured


@dataclass
class Receiver:
    """One staff client and what it saw."""

    url_index: int
    marker: str
    client: socketio.AsyncClient
    received: dict[int, float] = field(default_factory=dict)
    events: int = 0
    disconnects: int = 0

    def on_event(self, name: str, payload: Any) -> None:
        """Catch-all handler: stamp the first event showing this run's inbound text, count everything.

        That is its message.created, or a conversation event whose last_message is that text (a new
        conversation's row shows the text from conversation.created on).
        """
        now = time.time()
        self.events += 1
        if not isinstance(payload, dict):
            return
        if name.startswith("conversation.") and isinstance(payload.get("last_message"), dict):
            payload = payload["last_message"]
        elif name != "message.created":
            return
        body = payload.get("body")
        if payload.get("direction") != "inbound" or not isinstance(body, str):
            return
        head, _, seq = body.rpartition(" #")
        if head.endswith(self.marker) and seq.isdigit():
            self.received.setdefault(int(seq), now)

    def on_disconnect(self, *_: Any) -> None:
        """Count disconnects (reconnection is off: a dropped client stays dropped and is reported)."""
        self.disconnects += 1


def write(line: str) -> None:
    """One line to the bench, flushed at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def connect_all(receivers: list[Receiver], urls: list[str], token: str, origin: str) -> int:
    """Connect every client (a bounded number at a time); returns how many failed."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(receiver: Receiver) -> bool:
        async with gate:
            try:
                await receiver.client.connect(
                    urls[receiver.url_index],
                    auth={"token": token},
                    headers={"Origin": origin},  # as a browser on PUBLIC_URL sends it
                    transports=["websocket"],
                    wait_timeout=15,
                )
            except socketio.exceptions.ConnectionError:
                return False
            return True

    results = await asyncio.gather(*(one(r) for r in receivers))
    return results.count(False)


async def run(args: argparse.Namespace) -> None:
    """Connect, announce READY, record until STOP, then report as one JSON line."""
    receivers = []
    for i in range(args.count):
        client = socketio.AsyncClient(reconnection=False)
        receiver = Receiver(url_index=(args.first + i) % len(args.urls), marker=args.marker, client=client)
        client.on("*", receiver.on_event)
        client.on("disconnect", receiver.on_disconnect)
        receivers.append(receiver)
    failed = await connect_all(receivers, args.urls, os.environ["BENCH_TOKEN"], args.origin)
    write(f"READY {args.count - failed} {failed}")
    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, sys.stdin.readline)).strip() not in ("STOP", ""):
        pass
    report = [
        {"url": r.url_index, "received": r.received, "events": r.events, "disconnects": r.disconnects}
        for r in receivers
    ]
    write(json.dumps(report))
    await asyncio.gather(*(r.client.disconnect() for r in receivers if r.client.connected))


def main() -> None:
    """Parse the bench's arguments and run the clients."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="global index of the first client (URL spread)")
    parser.add_argument("--marker", required=True)
    parser.add_argument("--origin", required=True)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
