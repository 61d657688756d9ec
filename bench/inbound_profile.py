"""Where one inbound webhook's time goes: Textdesk in one process, one thread, under cProfile.

Builds the app in-process (OUTBOX_MODE=off, simulator synchronous), feeds it the same pre-signed webhooks
as bench_inbound.py through its WSGI callable (what gunicorn calls, minus HTTP parsing), and after each
one runs the outbox hand-over and the simulator's delivery reports, so every step of "stored + decided +
answered" is timed and profiled on this thread:

    .venv/bin/python bench/inbound_profile.py [--requests 2000] [--database postgresql|sqlite] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.bench_inbound import (  # noqa: E402
    AUTH_TOKEN,
    PG_URL,
    PUBLIC_URL,
    BenchDatabase,
    BenchError,
    exclusive_run,
    flask_command,
    say,
)
from bench.inbound_load import WEBHOOK_PATH, LoadSpec, RequestPool, Target, sender_numbers  # noqa: E402


def split_request(raw: bytes) -> tuple[bytes, str]:
    """(form body, X-Twilio-Signature) of one pre-built raw request."""
    head, body = raw.split(b"\r\n\r\n", 1)
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"x-twilio-signature:"):
            return body, line.split(b":", 1)[1].strip().decode()
    raise ValueError("request without a signature")


def wsgi_environ(body: bytes, signature: str) -> dict[str, Any]:
    """The WSGI environ gunicorn would build for this webhook."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": WEBHOOK_PATH,
        "QUERY_STRING": "",
        "RAW_URI": WEBHOOK_PATH,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "TwilioProxy/1.1",
        "HTTP_X_TWILIO_SIGNATURE": signature,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call_wsgi(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> str:
    """Call the app like a WSGI server and return the status line."""
    status: list[str] = []

    def start_response(
        line: str, _headers: list[tuple[str, str]], _exc: Any = None
    ) -> Callable[[bytes], None]:
        status.append(line)
        return lambda _data: None

    result = app(environ, start_response)
    try:
        for _ in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return status[0]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description="cProfile one Textdesk process handling inbound webhooks")
    parser.add_argument("--requests", type=int, default=2000, help="profiled webhooks (after 300 warm-up)")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--pg-url", default=PG_URL, help="the database to use (dropped and re-created)")
    parser.add_argument("--top", type=int, default=25, help="rows per profile table")
    parser.add_argument("--save", default=None, help="also write the raw profile (pstats) here")
    parser.add_argument("--show-sql", action="store_true", help="list the SQL of one inbound, step by step")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the profile and print the phase costs and the hottest functions."""
    args = parse_args(argv)
    try:
        with exclusive_run():
            workdir = Path(tempfile.mkdtemp(prefix="textdesk_inbound_profile_"))
            db = BenchDatabase.create(args.database, args.pg_url, workdir)
            try:
                env = dict(
                    DATABASE_URL=db.url,
                    PUBLIC_URL=PUBLIC_URL,
                    TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                    SMS_PROVIDER="simulator",
                    SECRET_KEY="bench-secret-key-not-for-production",
                )
                flask_command({**os.environ, **env}, "init-db")
                flask_command({**os.environ, **env}, "seed-demo")
                profile(args, env)
            finally:
                db.drop()
                shutil.rmtree(workdir, ignore_errors=True)
    except BenchError as error:
        say(f"inbound_profile: {error}")
        return 2
    return 0


def profile(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Warm up, time each phase, then profile the whole path."""
    import logging

    from app import create_app

    app = create_app(
        {
            **env,
            "OUTBOX_MODE": "off",
            "SIMULATOR_SYNCHRONOUS": True,
            "SECRET_KEY": "profile",
            "TESTING": False,
        }
    )
    logging.getLogger().setLevel(logging.WARNING)
    outbox = app.extensions["textdesk.outbox"]
    provider = outbox.provider
    engine = app.extensions["textdesk.db"].engine
    statements: Counter[str] = Counter()
    phase = ["webhook"]
    recording = [False]

    recorded: list[tuple[str, str]] = []  # (phase, SQL) of the inbound being recorded

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements[phase[0]] += 1
        if recording[0]:
            recorded.append((phase[0], " ".join(sql.split())))

    senders = tuple(sender_numbers(3000))
    spec = LoadSpec(Target("127.0.0.1", 8000, PUBLIC_URL, AUTH_TOKEN), 1, 0, 0, 0, 0xABCDEF, senders, 42)
    pool = RequestPool(spec)
    warmup, measured = 300, args.requests
    requests = [split_request(pool.build()) for _ in range(warmup + 2 * measured)]
    phases = ("webhook", "outbox", "reports")
    wall: dict[str, list[float]] = {name: [] for name in phases}
    cpu: dict[str, float] = dict.fromkeys(phases, 0.0)
    statuses: Counter[str] = Counter()
    steps: dict[str, Callable[[bytes, str], object]] = {
        "webhook": lambda body, sig: statuses.update([call_wsgi(app.wsgi_app, wsgi_environ(body, sig))]),
        "outbox": lambda _body, _sig: outbox.deliver_due(),
        "reports": lambda _body, _sig: provider.flush(),
    }

    def one(body: bytes, signature: str, timed: bool) -> None:
        for name in phases:
            phase[0] = name
            c0, t0 = time.thread_time(), time.perf_counter()
            steps[name](body, signature)
            if timed:
                wall[name].append(time.perf_counter() - t0)
                cpu[name] += time.thread_time() - c0

    for body, signature in requests[:warmup]:
        one(body, signature, timed=False)
    statements.clear()
    for body, signature in requests[warmup : warmup + measured]:
        one(body, signature, timed=True)
    per_inbound = {name: statements[name] / measured for name in phases}
    recording[0] = True
    one(*split_request(pool.build()), timed=False)
    recording[0] = False

    profiler = cProfile.Profile()
    profiler.enable()
    for body, signature in requests[warmup + measured :]:
        one(body, signature, timed=False)
    profiler.disable()

    say(f"== inbound_profile: {measured} signed webhooks, one process, one thread, {args.database}")
    say(f"   answers: {dict(statuses)}")
    say("   per inbound webhook (mean; the outbox hand-over and delivery reports of its replies included):")
    total_wall = total_cpu = 0.0
    for name in phases:
        mean = statistics.fmean(wall[name]) * 1000
        mean_cpu = cpu[name] / measured * 1000
        total_wall += mean
        total_cpu += mean_cpu
        say(
            f"   {name:<8} wall {mean:6.2f} ms (p50 {statistics.median(wall[name]) * 1000:5.2f})"
            f"   python cpu {mean_cpu:5.2f} ms   SQL statements {per_inbound[name]:5.1f}"
        )
    say(
        f"   total    wall {total_wall:6.2f} ms                python cpu {total_cpu:5.2f} ms"
        f"   SQL statements {sum(per_inbound.values()):5.1f}"
    )
    say(
        f"   -> one core of Python alone caps this path near {1000 / total_cpu:.0f} inbound/s"
        " (before PostgreSQL, gunicorn and the GIL take their share)"
    )
    if args.show_sql:
        say()
        say(f"-- the SQL of one more inbound webhook ({len(recorded)} statements), step by step")
        for name, sql in recorded:
            say(f"   {name:<8} {sql[:150]}")
    stats = pstats.Stats(profiler)
    if args.save:
        stats.dump_stats(args.save)
    for key, title in (("tottime", "self time"), ("cumulative", "cumulative time, our code only")):
        out = io.StringIO()
        ours = f"{ROOT}/(bot|inbox|sms)/|{ROOT}/app.py"
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(
            *(() if key == "tottime" else (ours,)), args.top
        )
        say()
        say(f"-- top {args.top} by {title} (second {measured} webhooks, profiled)")
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        for line in lines[start:]:
            if line.strip():
                say("   " + line.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", ""))


if __name__ == "__main__":
    sys.exit(main())
