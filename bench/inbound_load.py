"""The load tool of bench_inbound.py: pre-signed Twilio SMS webhooks fired over keep-alive connections.

Each load process builds its whole pool of signed requests (unique MessageSid each) before the clock
starts, then drives `connections` keep-alive sockets from one selector loop: one request in flight per
connection, the next written as soon as the answer is complete. Only raw bytes go over the wire, so the
per-request cost in the load tool is a send, a recv and a header scan.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import selectors
import signal
import socket
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sms.twilio import compute_signature

WEBHOOK_PATH = "/webhooks/twilio/sms"
ACCOUNT_SID = "AC" + "be" * 16
DESK_NUMBER = "+14155550100"
DRAIN_SECONDS = 30.0  # how long to wait for answers still in flight when the window closes

# (weight, bodies): what a small business's customers really text, typos and all.
BODY_MIX: list[tuple[int, list[str]]] = [
    (
        24,
        [
            "What are your hours?",
            "when are you open tomorrow",
            "Opening hours please",
            "are you open on saturday?",
            "What time do you close today",
            "hours",
            "closing time?",
        ],
    ),
    (
        14,
        [
            "wat r ur hoursss",
            "opneing hours?",
            "adress please",
            "whre is my ordr",
            "ordr status",
            "wen r u opn",
            "were are you located",
        ],
    ),
    (
        10,
        ["What's your address?", "where are you", "Location?", "directions from the station please"],
    ),
    (8, ["Where is my order #48213?", "tracking number for my delivery", "order status"]),
    (8, ["hi", "Hello!", "hey there", "Good morning 🙂"]),
    (5, ["thanks", "Thank you", "thx", "🙏"]),
    (3, ["I want a refund", "I'd like my money back", "I have a complaint about yesterday"]),
    (
        21,
        [
            "ok",
            "see you at 5",
            "Can I bring my dog?",
            "lol",
            "Do you sell gift cards?",
            "My name is Sam, I called earlier about the blue jacket in the window",
            "Running 10 min late 🙈",
            "Is there parking nearby?",
            "k",
            "Do you have the new catalogue? My sister said she saw it last week but I can't find it online.",
        ],
    ),
    (2, ["STOP", "stop", "Unsubscribe"]),
    (2, ["START", "start"]),
    (2, ["HELP", "help", "info"]),
    (1, ["please stop texting me", "take me off your list"]),
]
AREA_CODES = ("415", "212", "312", "617", "206", "303", "512", "646", "718", "917")


def sender_numbers(count: int, seed: int = 7) -> list[str]:
    """count distinct, plausible US mobile numbers in E.164 (never a 555 or simulator magic number)."""
    rng = random.Random(seed)
    numbers: set[str] = set()
    while len(numbers) < count:
        exchange = rng.randrange(200, 1000)
        if exchange == 555:
            continue
        numbers.add(f"+1{rng.choice(AREA_CODES)}{exchange}{rng.randrange(10000):04d}")
    return sorted(numbers)


@dataclass(frozen=True)
class Target:
    """Where to send and how to sign."""

    host: str
    port: int
    public_url: str  # signatures are over public_url + WEBHOOK_PATH, not over host:port
    auth_token: str


@dataclass(frozen=True)
class LoadSpec:
    """What one load process does."""

    target: Target
    connections: int
    warmup: float
    seconds: float
    pool_size: int
    sid_tag: int  # unique per (window, process): keeps every MessageSid of the run distinct
    senders: tuple[str, ...]
    seed: int


@dataclass
class LoadResult:
    """What one load process measured; merged by the parent."""

    sent: int = 0  # requests written, in every phase
    statuses: Counter[int] = field(default_factory=Counter)  # every answer, in every phase
    window_count: int = 0  # answers completed inside the timed window
    window_statuses: Counter[int] = field(default_factory=Counter)
    latencies: array[float] = field(default_factory=lambda: array("d"))  # timed window only, seconds
    connection_errors: int = 0  # resets / closes with a request in flight (that request got no answer)
    unanswered: int = 0  # still in flight when the drain gave up
    signed_in_loop: int = 0  # requests signed inside the loop because the pool ran out
    window_cpu: float = 0.0  # this process's CPU seconds during the timed window
    window_seconds: float = 0.0
    pool_seconds: float = 0.0  # time spent building the pool, before the clock started
    error: str | None = None


def _pick_body(rng: random.Random, weights: list[int]) -> str:
    group = rng.choices(BODY_MIX, weights=weights)[0]
    return rng.choice(group[1])


class RequestPool:
    """Pre-signed raw HTTP requests; signs more on demand if the pool runs out (and counts that)."""

    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.weights = [w for w, _ in BODY_MIX]
        self.url = spec.target.public_url + WEBHOOK_PATH
        self.host_header = f"{spec.target.host}:{spec.target.port}"
        self.counter = 0
        self.extra = 0
        self.requests = [self.build() for _ in range(spec.pool_size)]
        self.next_index = 0

    def build(self) -> bytes:
        """One signed form POST exactly as Twilio shapes an inbound SMS webhook."""
        sid = f"SM{self.spec.sid_tag:08x}{self.counter:024x}"
        self.counter += 1
        sender = self.rng.choice(self.spec.senders)
        body = _pick_body(self.rng, self.weights)
        form = {
            "ToCountry": "US",
            "ToState": "CA",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "SAN FRANCISCO",
            "FromZip": "94103",
            "SmsSid": sid,
            "FromState": "CA",
            "SmsStatus": "received",
            "FromCity": "SAN FRANCISCO",
            "Body": body,
            "FromCountry": "US",
            "To": DESK_NUMBER,
            "ToZip": "94107",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "ApiVersion": "2010-04-01",
        }
        payload = urlencode(form).encode()
        signature = compute_signature(self.spec.target.auth_token, self.url, form)
        head = (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\n"
            f"Host: {self.host_header}\r\n"
            "User-Agent: TwilioProxy/1.1\r\n"
            "Accept: */*\r\n"
            "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
            f"X-Twilio-Signature: {signature}\r\n"
            f"Content-Length: {len(payload)}\r\n"
            "\r\n"
        )
        return head.encode() + payload

    def take(self) -> bytes:
        """The next request; never the same MessageSid twice."""
        if self.next_index < len(self.requests):
            request = self.requests[self.next_index]
            self.requests[self.next_index] = b""  # free as we go
            self.next_index += 1
            return request
        self.extra += 1
        return self.build()


def parse_response(buf: bytearray) -> tuple[int, int, bool] | None:
    """(status, bytes consumed, server closes) once a whole response is in buf, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).lower()
    status = int(head[9:12])
    length = 0
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        stop = head.find(b"\r\n", at + 2)
        length = int(head[at + 17 : stop if stop >= 0 else len(head)])
    total = end + 4 + length
    if len(buf) < total:
        return None
    return status, total, b"\r\nconnection: close" in head


class _Conn:
    """One keep-alive connection with at most one request in flight."""

    __slots__ = ("buf", "sent_at", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.sent_at = 0.0  # 0.0: nothing in flight


def _connect(target: Target) -> socket.socket:
    sock = socket.create_connection((target.host, target.port), timeout=DRAIN_SECONDS)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def run_load(spec: LoadSpec, ready: Any, go: Any, results: Any) -> None:
    """Load process body: build the pool, say ready, wait for go, warm up, measure, drain, report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
    result = LoadResult()
    try:
        started = time.perf_counter()
        pool = RequestPool(spec)
        result.pool_seconds = time.perf_counter() - started
        ready.put(True)
        go.wait()
        _drive(spec, pool, result)
        result.signed_in_loop = pool.extra
    except Exception as error:  # reported by the parent, loudly
        ready.put(False)
        result.error = f"{type(error).__name__}: {error}"
    results.put(result)


def _drive(spec: LoadSpec, pool: RequestPool, result: LoadResult) -> None:
    selector = selectors.DefaultSelector()
    now = time.perf_counter()
    window_start = now + spec.warmup
    window_end = window_start + spec.seconds
    cpu_start: float | None = None
    latencies = result.latencies
    clock = time.perf_counter

    def send(conn: _Conn) -> None:
        conn.sock.sendall(pool.take())
        conn.sent_at = clock()
        result.sent += 1

    def reopen(conn: _Conn) -> None:
        selector.unregister(conn.sock)
        conn.sock.close()
        conn.sock = _connect(spec.target)
        conn.buf.clear()
        conn.sent_at = 0.0
        selector.register(conn.sock, selectors.EVENT_READ, conn)

    conns = [_Conn(_connect(spec.target)) for _ in range(spec.connections)]
    for conn in conns:
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        send(conn)
    in_flight = len(conns)
    closing = False
    deadline = window_end + DRAIN_SECONDS
    cpu_end: float | None = None
    while in_flight:
        now = clock()
        if cpu_start is None and now >= window_start:
            cpu_start = time.process_time()
        if not closing and now >= window_end:
            closing = True
        if closing and cpu_end is None:
            cpu_end = time.process_time()
        if closing and now >= deadline:
            result.unanswered = in_flight
            break
        for key, _ in selector.select(timeout=0.05):
            conn: _Conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                if conn.sent_at:
                    result.connection_errors += 1
                    in_flight -= 1
                if closing:
                    selector.unregister(conn.sock)
                    conn.sock.close()
                    continue
                reopen(conn)
                send(conn)
                in_flight += 1
                continue
            conn.buf += chunk
            parsed = parse_response(conn.buf)
            if parsed is None:
                continue
            status, used, server_closes = parsed
            done = clock()
            del conn.buf[:used]
            result.statuses[status] += 1
            if window_start <= done <= window_end:
                result.window_count += 1
                result.window_statuses[status] += 1
                latencies.append(done - conn.sent_at)
            conn.sent_at = 0.0
            in_flight -= 1
            if done >= window_end:
                closing = True
            if closing:
                continue
            if server_closes:
                reopen(conn)
            send(conn)
            in_flight += 1
    if cpu_start is not None:
        result.window_cpu = (cpu_end or time.process_time()) - cpu_start
    result.window_seconds = spec.seconds
    for conn in conns:
        conn.sock.close()
    selector.close()


def run_window(
    specs: list[LoadSpec], live: list[mp.process.BaseProcess], at_go: Callable[[float], None]
) -> list[LoadResult]:
    """Run one load process per spec (listed in live for cleanup), released together; calls at_go(go time)."""
    ctx = mp.get_context("fork")
    ready = ctx.Queue()
    go = ctx.Event()
    results = ctx.Queue()
    procs = [ctx.Process(target=run_load, args=(spec, ready, go, results), daemon=True) for spec in specs]
    for proc in procs:
        proc.start()
        live.append(proc)
    for _ in procs:
        if not ready.get(timeout=600):  # pools are built before the clock starts
            break
    go.set()
    at_go(time.perf_counter())
    timeout = max(s.warmup + s.seconds for s in specs) + DRAIN_SECONDS + 60
    collected = [results.get(timeout=timeout) for _ in procs]
    for proc in procs:
        proc.join(timeout=10)
        live.remove(proc)
    return collected
