"""Inbound throughput: signed Twilio webhooks stored + decided + answered by Textdesk, against two baselines.

Three sides, each served by the same gunicorn command line and loaded by the same tool
(bench/inbound_load.py) in the same run, alternating bare / store_only / Textdesk in every round:

- bare (bench/inbound_bare_app.py): parses the form and answers empty TwiML; the ceiling.
- store_only (bench/inbound_store_app.py): bare plus exactly one committed INSERT ... ON CONFLICT DO
  NOTHING per webhook into inbound_probe, in the same database as Textdesk; the floor for any design that
  durably stores each text, one transaction per request, before answering.
- textdesk: the real app (signature checked, stored, decided by the bot, reply queued).

Prints the median requests/s of each side, p50/p99 latency, non-200 counts and the ratios textdesk/bare
(the goal), store_only/bare and textdesk/store_only, then checks in the database that every accepted
webhook was stored (Textdesk: also decided and answered; store_only: one inbound_probe row per 200).
Asserts nothing (exit status 0 unless the harness itself fails).

    .venv/bin/python bench/bench_inbound.py [--seconds 10] [--database postgresql|sqlite] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import multiprocessing.process  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from bench.inbound_load import (  # noqa: E402
    LoadResult,
    LoadSpec,
    RequestPool,
    Target,
    parse_response,
    run_window,
    sender_numbers,
)
from bench.inbound_store_app import PROBE_TABLE, create_probe_table  # noqa: E402

PUBLIC_URL = "http://bench.local"
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/textdesk_bench"
TEXTDESK_APP = "app:create_app()"
BARE_APP = "bench.inbound_bare_app:create_app()"
STORE_APP = "bench.inbound_store_app:create_app()"
SIDES = ("bare", "store_only", "textdesk")  # the order within each round
# Part of every MessageSid and load seed; fixed per side so Textdesk's request stream does not change.
SIDE_CODES = {"bare": 1, "textdesk": 2, "store_only": 3}
# Textdesk reads these from the environment; the bench sets the ones it wants and drops the rest.
TEXTDESK_ENV_KEYS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "PUBLIC_URL",
    "SMS_PROVIDER",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_API_BASE_URL",
    "BRAND_NAME",
    "SUPPORT_CONTACT",
    "DEFAULT_REGION",
    "OUTBOX_MODE",
    "HOST",
    "PORT",
)
# Sizes the first pools of signed requests (generously: 2x); later pools follow the rate last seen.
INITIAL_RATE_GUESS = {"bare": 12000.0, "store_only": 4000.0, "textdesk": 2000.0}
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOCK_PATH = Path(tempfile.gettempdir()) / "textdesk_bench_inbound.lock"


def say(line: str = "") -> None:
    """Print one line of the report."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class BenchError(RuntimeError):
    """The harness could not do its job (not a slow result: those are only reported)."""


# ---------------------------------------------------------------------------------------------------
# CPU accounting from /proc: who used the two cores during a timed window


def _proc_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _cpu_seconds(pid: int) -> float:
    fields = _proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK if fields else 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
    return pids


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


@dataclass
class CpuSnapshot:
    """CPU counters at one instant, per process (pid -> CPU seconds)."""

    at: float
    server: dict[int, float]
    postgres: dict[int, float]
    machine: tuple[int, int]


def cpu_snapshot(server: Server, with_postgres: bool) -> CpuSnapshot:
    """Read the CPU counters of the server's workers, every PostgreSQL process and the machine."""
    return CpuSnapshot(
        at=time.perf_counter(),
        server={p: _cpu_seconds(p) for p in server.worker_pids()},
        postgres={p: _cpu_seconds(p) for p in _postgres_pids()} if with_postgres else {},
        machine=_machine_ticks(),
    )


def cpu_used(start: dict[int, float], end: dict[int, float]) -> float:
    """CPU seconds used between two snapshots by the processes alive at the end."""
    return sum(seconds - start.get(pid, 0.0) for pid, seconds in end.items())


# ---------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One gunicorn master (in its own process group) serving one app."""

    name: str
    app_spec: str
    port: int
    env: dict[str, str]
    log_path: Path
    ready_path: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self, gunicorn_args: list[str]) -> None:
        """Start gunicorn with the shared command line; its output goes to log_path."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *gunicorn_args,
            "-b",
            f"127.0.0.1:{self.port}",
            self.app_spec,
        ]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll the readiness path until it answers 200."""
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{self.ready_path}"
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise BenchError(f"{self.name} gunicorn exited during start-up:\n{self.log_tail()}")
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                urllib.request.urlopen(url, timeout=2) as r,
            ):
                if r.status == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer {url} within {timeout:.0f}s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        return _children(self.proc.pid) if self.proc else []

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """TERM the master, then KILL its process group if it lingers."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


# ---------------------------------------------------------------------------------------------------
# Database


@dataclass
class BenchDatabase:
    """The bench's own database: PostgreSQL textdesk_bench (re-created) or a temporary SQLite file."""

    kind: str
    url: str
    admin_url: str | None = None
    engine: Engine | None = None

    @classmethod
    def create(cls, kind: str, pg_url: str, workdir: Path) -> BenchDatabase:
        """Create (or drop and re-create) the database."""
        if kind == "sqlite":
            return cls(kind, f"sqlite:///{workdir / 'textdesk_bench.db'}")
        import psycopg

        url = make_url(pg_url)
        admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        database = cls(kind, pg_url, admin_url=admin)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{url.database}"')
        return database

    def connect(self) -> Engine:
        """An engine for the bench's own queries."""
        if self.engine is None:
            self.engine = create_engine(self.url, pool_size=1, max_overflow=0)
        return self.engine

    def scalar(self, sql: str) -> Any:
        """One value."""
        with self.connect().connect() as conn:
            return conn.execute(text(sql)).scalar()

    def counts(self, sql: str) -> Counter[str]:
        """A (key, count) query as a Counter."""
        with self.connect().connect() as conn:
            return Counter({str(k): int(v) for k, v in conn.execute(text(sql))})

    def version(self) -> str:
        """The server's version line."""
        if self.kind == "sqlite":
            return "SQLite " + str(self.scalar("select sqlite_version()"))
        return str(self.scalar("select version()")).split(" on ")[0]

    def durability(self) -> str:
        """The settings that decide what one commit costs."""
        if self.kind == "sqlite":
            return "journal_mode=WAL, synchronous=NORMAL (Textdesk's and store_only's engine settings)"
        names = ("fsync", "synchronous_commit", "wal_sync_method", "commit_delay")
        return ", ".join(f"{name}={self.scalar(f'show {name}')}" for name in names)

    def drop(self) -> None:
        """Drop the PostgreSQL database (SQLite's file goes with the work directory)."""
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if self.kind == "postgresql" and self.admin_url:
            import psycopg

            name = make_url(self.url).database
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class DeskSnapshot:
    """Textdesk's tables at one instant."""

    inbound: int
    outbound: Counter[str]  # by status
    handed_over: int  # outbound texts the provider accepted (they have a provider sid)


def desk_snapshot(db: BenchDatabase) -> DeskSnapshot:
    """Count inbound texts, outbound texts by status, and those handed to the provider."""
    return DeskSnapshot(
        inbound=int(db.scalar("select count(*) from messages where direction = 'inbound'")),
        outbound=db.counts(
            "select status, count(*) from messages where direction = 'outbound' group by status"
        ),
        handed_over=int(
            db.scalar(
                "select count(*) from messages where direction = 'outbound' and provider_sid is not null"
            )
        ),
    )


def wait_for_outbox(db: BenchDatabase, timeout: float) -> float | None:
    """Seconds until no reply is queued or sending (None on timeout), then let the simulator report."""
    started = time.perf_counter()
    drained: float | None = None
    while time.perf_counter() - started < timeout:
        outbound = desk_snapshot(db).outbound
        if outbound["queued"] + outbound["sending"] == 0:
            drained = time.perf_counter() - started
            break
        time.sleep(0.2)
    settle_by = time.perf_counter() + 5  # "sent" → "delivered" arrives ~1.2 s after the hand-over
    while time.perf_counter() < settle_by and desk_snapshot(db).outbound["sent"]:
        time.sleep(0.2)
    return drained


# ---------------------------------------------------------------------------------------------------
# Windows


@dataclass
class Window:
    """One timed window against one side."""

    side: str
    round: int
    results: list[LoadResult]
    seconds: float
    cpu: tuple[CpuSnapshot, CpuSnapshot] | None = None
    desk: tuple[DeskSnapshot, DeskSnapshot] | None = None
    drain_seconds: float | None = None
    statuses: Counter[int] = field(default_factory=Counter)
    window_statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        for result in self.results:
            self.statuses.update(result.statuses)
            self.window_statuses.update(result.window_statuses)
            self.latencies.extend(result.latencies)
        self.latencies.sort()

    @property
    def rate(self) -> float:
        """200 answers completed per second inside the window."""
        return self.window_statuses[200] / self.seconds

    @property
    def non_200(self) -> int:
        """Answers other than 200, in every phase, plus requests that got no answer."""
        answered_badly = sum(n for status, n in self.statuses.items() if status != 200)
        return answered_badly + self.lost

    @property
    def lost(self) -> int:
        """Requests that got no answer at all (connection reset or still pending at the end)."""
        return sum(r.connection_errors + r.unanswered for r in self.results)

    @property
    def sent(self) -> int:
        """Requests written, in every phase."""
        return sum(r.sent for r in self.results)

    @property
    def load_cpu(self) -> float:
        """CPU seconds the load tool used during the window."""
        return sum(r.window_cpu for r in self.results)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run_side(
    args: argparse.Namespace,
    server: Server,
    round_no: int,
    rate_guess: float,
    senders: tuple[str, ...],
    live: list[multiprocessing.process.BaseProcess],
    probe: Callable[[], tuple[CpuSnapshot, DeskSnapshot | None]],
) -> Window:
    """Warm up then measure one side for args.seconds, with a fresh pool of signed requests."""
    target = Target("127.0.0.1", server.port, PUBLIC_URL, AUTH_TOKEN)
    per_client = [
        args.concurrency // args.clients + (i < args.concurrency % args.clients) for i in range(args.clients)
    ]
    per_client = [n for n in per_client if n > 0]
    # Processes do not get equal shares of the server, so each pool covers its busiest share.
    pool = int(rate_guess * (args.warmup + args.seconds) * 1.3 / len(per_client)) + 500
    side_code = SIDE_CODES[server.name]
    specs = [
        LoadSpec(
            target=target,
            connections=n,
            warmup=args.warmup,
            seconds=args.seconds,
            pool_size=pool,
            sid_tag=(round_no << 16) | (side_code << 8) | index,
            senders=senders,
            seed=round_no * 1000 + side_code * 100 + index,
        )
        for index, n in enumerate(per_client)
    ]
    snaps: list[tuple[CpuSnapshot, DeskSnapshot | None]] = []

    def at_go(go_time: float) -> None:
        _sleep_until(go_time + args.warmup)
        snaps.append(probe())
        _sleep_until(go_time + args.warmup + args.seconds)
        snaps.append(probe())

    results = run_window(specs, live, at_go)
    for result in results:
        if result.error:
            raise BenchError(
                f"load process failed against {server.name}: {result.error}\n{server.log_tail()}"
            )
    window = Window(server.name, round_no, results, args.seconds)
    if len(snaps) == 2:
        window.cpu = (snaps[0][0], snaps[1][0])
        first, last = snaps[0][1], snaps[1][1]
        if first is not None and last is not None:
            window.desk = (first, last)
    return window


def _sleep_until(moment: float) -> None:
    delay = moment - time.perf_counter()
    if delay > 0:
        time.sleep(delay)


def probe_signatures(server: Server, senders: tuple[str, ...]) -> tuple[int, int]:
    """Send one correctly signed and one forged webhook to Textdesk; return both statuses."""
    spec = LoadSpec(
        Target("127.0.0.1", server.port, PUBLIC_URL, AUTH_TOKEN), 1, 0, 0, 2, 0xFFFFFF, senders, 1
    )
    pool = RequestPool(spec)
    good = pool.take()
    forged = pool.take().replace(b"X-Twilio-Signature: ", b"X-Twilio-Signature: AAAA", 1)
    return send_one(server.port, good), send_one(server.port, forged)


def send_one(port: int, raw: bytes) -> int:
    """Send one raw request on a fresh connection and return the answer's status."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        buf = bytearray()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise BenchError("connection closed before a whole answer arrived")
            buf += chunk
            parsed = parse_response(buf)
            if parsed is not None:
                return parsed[0]


# ---------------------------------------------------------------------------------------------------
# Report


def cpu_line(window: Window) -> str:
    """Who used the machine's cores during the window, in cores (1.00 = one core busy all the time)."""
    if window.cpu is None:
        return ""
    start, end = window.cpu
    elapsed = end.at - start.at
    busy = end.machine[0] - start.machine[0]
    total = end.machine[1] - start.machine[1]
    cores = os.cpu_count() or 1
    machine = busy / total * cores if total else 0.0
    load = window.load_cpu / elapsed
    server = cpu_used(start.server, end.server) / elapsed
    postgres = cpu_used(start.postgres, end.postgres) / elapsed
    other = max(0.0, machine - load - server - postgres)
    db_part = f", postgres {postgres:.2f}" if end.postgres else ""
    return (
        f"cpu (cores): load tool {load:.2f}, gunicorn {server:.2f}{db_part}"
        f", other {other:.2f}; busy {machine:.2f}/{cores}"
    )


def window_line(window: Window) -> str:
    """One row of the per-window table."""
    lat = window.latencies
    bad = f"{window.non_200}" if not window.non_200 else f"{window.non_200} !!!"
    return (
        f"  {window.round:>5}  {window.side:<10} {window.rate:>9.1f}  {percentile(lat, 0.5) * 1000:>7.1f}"
        f"  {percentile(lat, 0.99) * 1000:>7.1f}  {bad:>8}   {cpu_line(window)}"
    )


def desk_line(window: Window) -> str | None:
    """What Textdesk stored and answered during its window."""
    if window.desk is None:
        return None
    first, last = window.desk
    stored = last.inbound - first.inbound
    handed = last.handed_over - first.handed_over
    queued_at_end = last.outbound["queued"] + last.outbound["sending"]
    drain = (
        "did not drain!"
        if window.drain_seconds is None
        else f"drained {window.drain_seconds:.1f}s after the window"
    )
    return (
        f"         in the window: {stored} stored ({stored / window.seconds:.1f}/s),"
        f" {handed} replies handed to the provider ({handed / window.seconds:.1f}/s);"
        f" {queued_at_end} replies waiting at the end, {drain}"
    )


def summarize(windows: list[Window], args: argparse.Namespace) -> dict[str, float]:
    """Print the median rate and pooled latencies per side, and the ratios; return the medians."""
    medians: dict[str, float] = {}
    say()
    say(f"median of {args.rounds} rounds ({args.seconds:g}s each, after {args.warmup:g}s warm-up):")
    for side in SIDES:
        mine = [w for w in windows if w.side == side]
        lat = sorted(x for w in mine for x in w.latencies)
        medians[side] = statistics.median(w.rate for w in mine)
        non_200 = sum(w.non_200 for w in mine)
        say(
            f"  {side:<10} {medians[side]:>9.1f} req/s   p50 {percentile(lat, 0.5) * 1000:.1f} ms"
            f"   p99 {percentile(lat, 0.99) * 1000:.1f} ms   non-200: {non_200}"
            f"   (rates: {', '.join(f'{w.rate:.0f}' for w in mine)})"
        )
    desk = [(w, w.desk) for w in windows if w.side == "textdesk" and w.desk is not None]
    if desk:
        handed = statistics.median(
            (last.handed_over - first.handed_over) / w.seconds for w, (first, last) in desk
        )
        drains = ", ".join("-" if w.drain_seconds is None else f"{w.drain_seconds:.1f}s" for w, _ in desk)
        say(
            f"  textdesk replies handed to the provider during the windows: median {handed:.1f}/s"
            f" (backlog drained after each window in: {drains})"
        )

    def ratio(top: str, bottom: str) -> float:
        return medians[top] / medians[bottom] if medians[bottom] else 0.0

    desk_bare = ratio("textdesk", "bare")
    verdict = "met" if desk_bare >= 0.5 else "NOT met"
    goal = (
        f"goal >= 0.50 on PostgreSQL: {verdict}"
        if args.database == "postgresql"
        else "goal applies to PostgreSQL"
    )
    floor = ratio("store_only", "bare")
    say(f"  ratio textdesk/bare:       {desk_bare:.3f}   ({goal})")
    say(f"  ratio store_only/bare:     {floor:.3f}   (the floor: one durable write per request here)")
    say(f"  ratio textdesk/store_only: {ratio('textdesk', 'store_only'):.3f}")
    say()
    say("  store_only is what any design pays to commit one transaction per webhook before answering Twilio;")
    say("  a design that stores each webhook with its own transaction cannot exceed the store_only rate, so")
    if floor < 0.5:
        say(
            f"  with store_only/bare = {floor:.2f} < 0.50 here, the goal needs writes batched across requests"
            " (group commit)."
        )
    else:
        say(
            f"  with store_only/bare = {floor:.2f} >= 0.50 here, a per-request commit can meet the goal"
            f" only if textdesk/store_only stays >= {0.5 / floor:.2f}."
        )
    return medians


def report_non_200(windows: list[Window], servers: dict[str, Server]) -> None:
    """Shout about any answer that was not 200 (valid signed webhooks must all get 200)."""
    for side in SIDES:
        statuses: Counter[int] = Counter()
        lost = 0
        for w in windows:
            if w.side == side:
                statuses.update({s: n for s, n in w.statuses.items() if s != 200})
                lost += w.lost
        if statuses or lost:
            say()
            say(f"!!! {side}: NON-200 ANSWERS {dict(statuses)}, {lost} requests without any answer !!!")
            say(f"!!! server log: {servers[side].log_path} — its end:")
            for line in servers[side].log_tail(25).splitlines():
                say(f"!!!   {line}")


def verify(db: BenchDatabase, windows: list[Window], probe_ok: int, drain_timeout: float) -> None:
    """Show, from the database, that every accepted webhook was stored, decided and answered."""
    drained = wait_for_outbox(db, drain_timeout)
    accepted = probe_ok + sum(w.statuses[200] for w in windows if w.side == "textdesk")
    sent = 1 + sum(w.sent for w in windows if w.side == "textdesk")
    inbound = int(db.scalar("select count(*) from messages where direction = 'inbound'"))
    distinct = int(db.scalar("select count(distinct provider_sid) from messages where direction = 'inbound'"))
    by_status = db.counts(
        "select status, count(*) from messages where direction = 'outbound' group by status"
    )
    by_purpose = db.counts(
        "select purpose, count(*) from messages where direction = 'outbound' group by purpose"
    )
    conversations = db.counts("select status, count(*) from conversations group by status")
    consent = db.counts("select action, count(*) from consent_events group by action")
    contacts = int(db.scalar("select count(*) from contacts"))
    opted_out = int(db.scalar("select count(*) from contacts where opted_out"))
    handed = int(
        db.scalar("select count(*) from messages where direction = 'outbound' and provider_sid is not null")
    )

    say()
    say("verification in the database (all Textdesk phases: signature probe, warm-ups, timed windows):")
    mark = "OK" if inbound == accepted == distinct else "!!! MISMATCH !!!"
    say(f"  stored:   {inbound} inbound messages ({distinct} distinct MessageSids)")
    say(f"            for {accepted} webhooks answered 200 out of {sent} sent -> {mark}")
    say(f"            {contacts} contacts ({opted_out} opted out now), conversations {_fmt(conversations)}")
    say(f"  decided:  replies by purpose {_fmt(by_purpose)}; consent changes {_fmt(consent)}")
    total = sum(by_status.values())
    waiting = by_status["queued"] + by_status["sending"]
    say(f"  answered: {total} replies queued by the bot: by status {_fmt(by_status)}")
    say(
        f"            {handed} handed to the simulator provider, {waiting} still waiting",
    )
    if drained is None:
        say(f"  !!! the outbox did not drain within {drain_timeout:.0f}s after the last window !!!")


def verify_store(db: BenchDatabase, windows: list[Window]) -> bool:
    """Show that inbound_probe holds one row per 200 store_only answered; True when it does not."""
    mine = [w for w in windows if w.side == "store_only"]
    answered = sum(w.statuses[200] for w in mine)
    sent = sum(w.sent for w in mine)
    rows = int(db.scalar(f"select count(*) from {PROBE_TABLE}"))
    distinct = int(db.scalar(f"select count(distinct sid) from {PROBE_TABLE}"))
    mark = "OK" if rows == answered == distinct else "!!! MISMATCH !!!"
    say()
    say("verification of store_only (warm-ups and timed windows):")
    say(f"  {PROBE_TABLE}: {rows} rows ({distinct} distinct sids)")
    say(f"            for {answered} webhooks answered 200 out of {sent} sent -> {mark}")
    return mark != "OK"


def _fmt(counts: Counter[str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in counts.most_common()) + "}"


# ---------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed window per side and round")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed load just before each window")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of bare, store_only, textdesk")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--pg-url", default=PG_URL, help="the bench database (dropped and re-created)")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections in all")
    parser.add_argument("--clients", type=int, default=2, help="load processes sharing the connections")
    parser.add_argument("--workers", type=int, default=2 * cores, help="gunicorn workers (every app)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn gthread threads per worker")
    parser.add_argument("--senders", type=int, default=3000, help="distinct customer numbers")
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="max wait for the outbox")
    parser.add_argument("--keep-db", action="store_true", help="keep the bench database (and work dir)")
    args = parser.parse_args(argv)
    args.clients = max(1, min(args.clients, args.concurrency))
    return args


def textdesk_env(database_url: str) -> dict[str, str]:
    """The environment Textdesk runs in: signatures checked, simulator provider, outbox thread."""
    env = {k: v for k, v in os.environ.items() if k not in TEXTDESK_ENV_KEYS}
    env.update(
        DATABASE_URL=database_url,
        PUBLIC_URL=PUBLIC_URL,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SMS_PROVIDER="simulator",
        OUTBOX_MODE="thread",
        SECRET_KEY="bench-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    return env


def flask_command(env: dict[str, str], *command: str) -> str:
    """Run `flask --app app <command>` for Textdesk; return its output or raise BenchError."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"`flask --app app {' '.join(command)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def terminate_on_signal() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into SystemExit so that cleanup runs as on Ctrl-C."""

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def exclusive_run() -> Iterator[None]:
    """Hold the bench lock for the whole run: two runs would drop each other's database."""
    with LOCK_PATH.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BenchError(
                f"another run holds {LOCK_PATH} (it uses the same database); wait for it"
            ) from None
        yield


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    args = parse_args(argv)
    try:
        with exclusive_run():
            return measure(args)
    except BenchError as error:
        say(f"bench_inbound: {error}")
        return 2


def measure(args: argparse.Namespace) -> int:
    """Set up, run and tear down one benchmark; the exit status."""
    workdir = Path(tempfile.mkdtemp(prefix="textdesk_bench_inbound_"))
    servers: dict[str, Server] = {}
    live: list[multiprocessing.process.BaseProcess] = []
    db: BenchDatabase | None = None
    trouble = False
    with terminate_on_signal():
        try:
            db = BenchDatabase.create(args.database, args.pg_url, workdir)
            env = textdesk_env(db.url)
            flask_command(env, "init-db")
            flask_command(env, "seed-demo")
            create_probe_table(db.url)
            trouble = run(args, db, env, workdir, servers, live)
        except BenchError as error:
            trouble = True
            say(f"bench_inbound: {error}")
            return 2
        except KeyboardInterrupt:
            trouble = True
            say("bench_inbound: interrupted")
            return 130
        finally:
            for proc in live:
                if proc.is_alive():
                    proc.terminate()
                proc.join(timeout=5)
            for server in servers.values():
                server.stop()
            if db is not None and not args.keep_db:
                db.drop()
            if args.keep_db or (trouble and any(workdir.iterdir())):
                say(
                    f"work directory (server logs{', SQLite file' if args.database == 'sqlite' else ''})"
                    f" kept: {workdir}"
                )
                if args.keep_db and db is not None:
                    say(f"database kept: {db.url}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(
    args: argparse.Namespace,
    db: BenchDatabase,
    env: dict[str, str],
    workdir: Path,
    servers: dict[str, Server],
    live: list[multiprocessing.process.BaseProcess],
) -> bool:
    """Start the three servers, alternate the windows, report; True when something needs a look."""
    gunicorn_args = [
        "-k",
        "gthread",
        "-w",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    servers["bare"] = Server("bare", BARE_APP, free_port(), env, workdir / "bare.log", "/")
    servers["store_only"] = Server("store_only", STORE_APP, free_port(), env, workdir / "store_only.log", "/")
    servers["textdesk"] = Server(
        "textdesk", TEXTDESK_APP, free_port(), env, workdir / "textdesk.log", "/healthz"
    )
    for server in servers.values():
        server.start(gunicorn_args)
    for server in servers.values():
        server.wait_ready()
    senders = tuple(sender_numbers(args.senders))
    probe_ok, probe_forged = probe_signatures(servers["textdesk"], senders)
    cores = os.cpu_count() or 1

    say(
        "== bench_inbound: Twilio SMS webhooks, Textdesk (stored + decided + answered) vs a bare Flask app"
        " and store_only (bare + one committed INSERT per webhook)"
    )
    say(f"   database: {db.version()} — {make_url(db.url).render_as_string(hide_password=True)}")
    say(f"   commit cost settings: {db.durability()}")
    say(f"   gunicorn, same command line for all three: {' '.join(gunicorn_args)}")
    say(
        f"   Textdesk: PUBLIC_URL={PUBLIC_URL}, TWILIO_AUTH_TOKEN set (every signature checked),"
        " SMS_PROVIDER=simulator, OUTBOX_MODE=thread"
    )
    say(
        f"   signature check: valid -> {probe_ok}, forged -> {probe_forged}"
        + ("" if (probe_ok, probe_forged) == (200, 403) else "   !!! expected 200 and 403 !!!")
    )
    say(
        f"   load tool: bench/inbound_load.py, {args.clients} processes, {args.concurrency} keep-alive"
        f" connections, pre-signed requests (unique MessageSid), {args.senders} senders"
    )
    say(
        f"   NOTE: this machine has {cores} CPU cores, shared by the load tool, gunicorn"
        + (", PostgreSQL" if args.database == "postgresql" else "")
        + " and anything else running; the cpu column says who used them ('other': none of these)."
    )
    say()
    say("  round  side           req/s   p50 ms   p99 ms   non-200   cpu during the window")

    rates = dict(INITIAL_RATE_GUESS)
    windows: list[Window] = []
    for round_no in range(1, args.rounds + 1):
        for side in SIDES:
            server = servers[side]
            is_desk = side == "textdesk"

            def probe(
                server: Server = server, is_desk: bool = is_desk
            ) -> tuple[CpuSnapshot, DeskSnapshot | None]:
                cpu = cpu_snapshot(server, args.database == "postgresql")
                return cpu, desk_snapshot(db) if is_desk else None

            window = run_side(args, server, round_no, rates[side], senders, live, probe)
            busiest = max(r.sent for r in window.results) * len(window.results)
            rates[side] = max(busiest / (args.warmup + args.seconds), 100.0)
            if is_desk:
                window.drain_seconds = wait_for_outbox(db, args.drain_timeout)
            windows.append(window)
            say(window_line(window))
            line = desk_line(window)
            if line:
                say(line)
            inline = sum(r.signed_in_loop for r in window.results)
            if inline:
                say(
                    f"         note: the request pool ran out; {inline} requests were signed"
                    " inside the load loop"
                )
            time.sleep(1.0)

    summarize(windows, args)
    report_non_200(windows, servers)
    verify(db, windows, 1 if probe_ok == 200 else 0, args.drain_timeout)
    store_mismatch = verify_store(db, windows)
    return store_mismatch or any(w.non_200 for w in windows) or (probe_ok, probe_forged) != (200, 403)


if __name__ == "__main__":
    sys.exit(main())
