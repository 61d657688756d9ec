"""A process of Socket.IO staff clients for bench/bench_realtime.py: connect, record receive times, report.

Run by the bench (never by hand): it connects COUNT clients over the websocket transport, client i to
the i-th URL round robin, writes `READY <connected> <failed>` on stdout, records the wall-clock
time (time.time(), the machine's clock the bench also stamps its POSTs with) at which each client first
sees each inbound text carrying the run's marker (its `message.created`, or a `conversation.*` event
whose `last_message` it is), and on `STOP` from stdin writes one JSON line: per client its URL index,
{sequence number: receive time}, its event and disconnect counts.
The API token comes in the environment (BENCH_TOKEN), not on the command line.

Two kinds of client (--kind):
- `light` (default): the Engine.IO 4 / Socket.IO 5 wire protocol spoken directly over an aiohttp
  websocket: handshake, namespace connect with the token, ping → pong, and `42[…]` event frames,
  decoded with json only when they carry the run's marker. A browser decodes on its own machine; here
  the clients share the server's two CPUs, so what they cost per frame is added to every figure.
- `socketio`: `socketio.AsyncClient`, the full client library (about three times the CPU per frame,
  mostly a task per received packet).

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

import aiohttp
import socketio

CONNECT_CONCURRENCY = 20  # handshakes in flight at once; gunicorn's accept queue is not the thing measured


@dataclass
class Receiver:
    """One staff client and what it saw."""

    url_index: int
    marker: str
    received: dict[int, float] = field(default_factory=dict)
    events: int = 0
    disconnects: int = 0

    def on_event(self, name: str, payload: Any, now: float | None = None) -> None:
        """Catch-all handler: stamp the first event showing this run's inbound text, count everything.

        That is its message.created, or a conversation event whose last_message is that text (a new
        conversation's row shows the text from conversation.created on).
        """
        now = time.time() if now is None else now
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


class LightClient:
    """The Socket.IO wire protocol over one aiohttp websocket: just enough to receive events."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.connected = False
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, session: aiohttp.ClientSession, url: str, token: str, origin: str) -> bool:
        """Open the websocket, do the Engine.IO and namespace handshakes; False when refused."""
        ws_url = url.replace("http", "ws", 1).rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        try:
            self._ws = await session.ws_connect(ws_url, headers={"Origin": origin}, timeout=15)
            opening = await self._ws.receive_str(timeout=15)
            if not opening.startswith("0"):
                return False
            await self._ws.send_str("40" + json.dumps({"token": token}))
            while True:  # a ping may come before the namespace answer
                reply = await self._ws.receive_str(timeout=15)
                if reply == "2":
                    await self._ws.send_str("3")
                    continue
                if not reply.startswith("40"):
                    return False
                break
        except (TimeoutError, aiohttp.ClientError, TypeError):
            return False
        self.connected = True
        self._reader = asyncio.create_task(self._read())
        return True

    async def _read(self) -> None:
        assert self._ws is not None
        receiver = self.receiver
        marker = receiver.marker
        async for frame in self._ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                break
            data: str = frame.data
            if data.startswith("42"):
                if marker in data:  # only the run's own texts are worth decoding
                    now = time.time()
                    name, payload = json.loads(data[2:])[:2]
                    receiver.on_event(name, payload, now)
                else:
                    receiver.events += 1
            elif data == "2":
                await self._ws.send_str("3")
            elif data.startswith("41") or data.startswith("1"):
                break
        self.connected = False
        receiver.on_disconnect()

    async def disconnect(self) -> None:
        """Close the websocket."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


def write(line: str) -> None:
    """One line to the bench, flushed at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def connect_light(
    session: aiohttp.ClientSession, clients: list[LightClient], urls: list[str], token: str, origin: str
) -> int:
    """Connect every light client (a bounded number at a time); returns how many failed."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(client: LightClient) -> bool:
        async with gate:
            return await client.connect(session, urls[client.receiver.url_index], token, origin)

    results = await asyncio.gather(*(one(c) for c in clients))
    return results.count(False)


async def connect_socketio(
    clients: list[socketio.AsyncClient], receivers: list[Receiver], urls: list[str], token: str, origin: str
) -> int:
    """Connect every socketio.AsyncClient (a bounded number at a time); returns how many failed."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(client: socketio.AsyncClient, receiver: Receiver) -> bool:
        async with gate:
            try:
                await client.connect(
                    urls[receiver.url_index],
                    auth={"token": token},
                    headers={"Origin": origin},  # as a browser on PUBLIC_URL sends it
                    transports=["websocket"],
                    wait_timeout=15,
                )
            except socketio.exceptions.ConnectionError:
                return False
            return True

    results = await asyncio.gather(*(one(c, r) for c, r in zip(clients, receivers, strict=True)))
    return results.count(False)


async def run(args: argparse.Namespace) -> None:
    """Connect, announce READY, record until STOP, then report as one JSON line."""
    receivers = [
        Receiver(url_index=(args.first + i) % len(args.urls), marker=args.marker) for i in range(args.count)
    ]
    token = os.environ["BENCH_TOKEN"]
    clients: list[Any]
    session = aiohttp.ClientSession()
    if args.kind == "light":
        clients = [LightClient(r) for r in receivers]
        failed = await connect_light(session, clients, args.urls, token, args.origin)
    else:
        clients = []
        for receiver in receivers:
            client = socketio.AsyncClient(reconnection=False)
            client.on("*", receiver.on_event)
            client.on("disconnect", receiver.on_disconnect)
            clients.append(client)
        failed = await connect_socketio(clients, receivers, args.urls, token, args.origin)
    write(f"READY {args.count - failed} {failed}")
    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, sys.stdin.readline)).strip() not in ("STOP", ""):
        pass
    report = [
        {"url": r.url_index, "received": r.received, "events": r.events, "disconnects": r.disconnects}
        for r in receivers
    ]
    write(json.dumps(report))
    await asyncio.gather(*(c.disconnect() for c in clients if c.connected))
    await session.close()


def main() -> None:
    """Parse the bench's arguments and run the clients."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="global index of the first client (URL spread)")
    parser.add_argument("--marker", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--kind", choices=("light", "socketio"), default="light")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
