"""Contact import at 100,000 rows: dry run, import and re-import, on SQLite and PostgreSQL.

Writes a CSV of --rows rows (default 100,000) the way real files come: numbers in several formats, ~2%
unusable numbers, ~1% repeated numbers in another format, ~10% without a consent source, ~1% opt-outs,
tags, two custom attributes (~0.5% of them invalid), consent dates. The database is migrated afresh
(inbox.migrate.upgrade) and seeded with 10% of the file's numbers as existing contacts, some of them
opted out and some who left the list.

Each phase runs in its own child process, calling the import action (inbox.actions.imports) on the file
streamed from disk, and reports wall time, rows per second and memory: the child's peak RSS growth during
the call (ru_maxrss minus the RSS just before it) and, in a separate traced run, the peak of Python
allocations made by the importing code (tracemalloc; tracing slows it, so its time is not the figure).

  dry run            the check: reads everything, writes nothing
  import             the same file for real, into a list
  re-import          the same file again (idempotent: nothing left to change)
  API dry run        the dry run through the app (multipart upload via Flask's test client; its time
                     includes building and parsing the 7 MB request)
  traced dry run     tracemalloc peak of the dry run

    .venv/bin/python bench/bench_import.py [--rows 100000] [--batch-size 1000] [--skip-sqlite]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_b]

The PostgreSQL database is emptied first (DROP SCHEMA public CASCADE): its name must contain "bench".
Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from inbox import migrate  # noqa: E402
from inbox.db import make_engine, utcnow  # noqa: E402
from inbox.models import AttributeDefinition, Contact, ListMembership, SubscriberList  # noqa: E402

SEED = 20261125
AREAS = ["212", "206", "303", "310", "312", "404", "415", "512", "617", "702", "808", "917"]
CITIES = ["Boston", "Salem", "Austin", "Denver", "Seattle", "Portland", "Miami", ""]
FIRST = ["Ann", "Bo", "Cy", "Dee", "Eve", "Flo", "Gus", "Hal", "Ida", "José", "Zoë", "Łukasz"]
LAST = ["Lee", "Smith", "García", "Nguyen", "O'Brien", "Müller", "Kowalski", "Chen"]
LIST_NAME = "Bench customers"


def number(rng: random.Random, used: set[str]) -> str:
    """A fresh, possible US number (E.164)."""
    while True:
        phone = f"+1{rng.choice(AREAS)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if phone not in used:
            used.add(phone)
            return phone


def written(phone: str, rng: random.Random) -> str:
    """The number as a person would have typed it."""
    area, exchange, line = phone[2:5], phone[5:8], phone[8:]
    return rng.choice(
        [phone, f"({area}) {exchange}-{line}", f"{area}.{exchange}.{line}", f"1-{area}-{exchange}-{line}"]
    )


def write_file(path: Path, rows: int) -> tuple[list[str], dict[str, int]]:
    """Write the CSV; returns the distinct numbers in file order and what was planted."""
    rng = random.Random(SEED)
    used: set[str] = set()
    numbers: list[str] = []
    planted = {"invalid": 0, "duplicates": 0, "no_consent": 0, "opt_outs": 0, "bad_attribute": 0}
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(
            ["phone", "name", "tags", "consent_source", "consent_at", "city", "visits", "opted_out", "notes"]
        )
        for n in range(rows):
            roll = rng.random()
            if roll < 0.02:
                phone_cell = rng.choice(["12345", "not a number", "+1 415 555", "", "555-CALL-NOW"])
                planted["invalid"] += 1
            elif roll < 0.03 and numbers:
                phone_cell = written(rng.choice(numbers), rng)
                planted["duplicates"] += 1
            else:
                phone = number(rng, used)
                numbers.append(phone)
                phone_cell = written(phone, rng)
            consent = ""
            if rng.random() >= 0.10:
                consent = rng.choice(["paper form at the store", "web form", "checkout checkbox"])
            else:
                planted["no_consent"] += 1
            opted_out = ""
            if rng.random() < 0.01:
                opted_out = "yes"
                planted["opt_outs"] += 1
            visits = str(rng.randint(0, 40)) if rng.random() < 0.5 else ""
            if rng.random() < 0.005:
                visits = "many"
                planted["bad_attribute"] += 1
            out.writerow(
                [
                    phone_cell,
                    # Every row has a name or a number: a wholly empty row is a blank line, not a row.
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.8 or not phone_cell else "",
                    rng.choice(["", "", "vip", "vip;gold", "newsletter|store"]),
                    consent,
                    f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"
                    if consent and rng.random() < 0.5
                    else "",
                    rng.choice(CITIES) if rng.random() < 0.5 else "",
                    visits,
                    opted_out,
                    "note" if n % 50 == 0 else "",
                ]
            )
    return numbers, planted


def reset(url: str, numbers: list[str]) -> int:
    """A freshly migrated database with a list, two attributes and 10% of the file's numbers; the list id."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        plain = create_engine(url)
        with plain.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        plain.dispose()
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(SEED + 1)
    now = utcnow()
    with engine.begin() as conn:
        list_id = conn.execute(
            insert(SubscriberList).values(name=LIST_NAME).returning(SubscriberList.id)
        ).scalar_one()
        conn.execute(
            insert(AttributeDefinition),
            [{"key": "city", "type": "text"}, {"key": "visits", "type": "number"}],
        )
        existing = rng.sample(numbers, len(numbers) // 10)
        conn.execute(
            insert(Contact),
            [
                {
                    "phone": phone,
                    "name": "Existing",
                    "opted_out": n % 20 == 0,
                    "opted_out_at": now if n % 20 == 0 else None,
                }
                for n, phone in enumerate(existing)
            ],
        )
        ids: dict[str, int] = {
            phone: contact_id for phone, contact_id in conn.execute(text("SELECT phone, id FROM contacts"))
        }
        conn.execute(
            insert(ListMembership),
            [
                {
                    "list_id": list_id,
                    "contact_id": ids[phone],
                    "status": "unsubscribed" if n % 30 == 1 else "subscribed",
                    "source": "keyword",
                    "left_at": now if n % 30 == 1 else None,
                }
                for n, phone in enumerate(existing)
                if n % 3 == 1
            ],
        )
    engine.dispose()
    return int(list_id)


def rss_bytes() -> int:
    """This process's resident memory now."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak_rss() -> bool:
    """Start measuring the peak RSS from now (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def peak_rss_bytes() -> int:
    """The peak RSS since reset_peak_rss (VmHWM), else over the process's life (ru_maxrss)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KB on Linux


def child(args: argparse.Namespace) -> None:
    """One phase in this (fresh) process; prints one JSON line of figures."""
    from app import create_app
    from inbox.actions.imports import ImportOptions, import_contacts
    from inbox.actions.users import create_token, create_user
    from inbox.db import get_db

    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench", "OUTBOX_MODE": "off", "TESTING": True})
    path = Path(args.file)
    options = ImportOptions(
        file_name=path.name,
        dry_run=args.phase != "import" and args.phase != "reimport",
        list_id=args.list_id,
        batch_size=args.batch_size,
    )
    token = None
    if args.phase == "api":
        with get_db(app).session() as session:
            user, _ = create_user(session, f"bench-{os.getpid()}@example.com", "admin", "bench-password-1")
            _, token = create_token(session, user)
    # Warm up on a tiny file first: phonenumbers' metadata, SQLAlchemy's compiled statements and the app's
    # imports are loaded once per process, whatever the file's size; the figures below are the file's.
    warm = b"phone,name,tags,consent_source,city,visits\r\n+14155550100,Warm,vip,form,Boston,1\r\n"
    with get_db(app).session() as session:
        warm_options = ImportOptions(file_name="warm.csv", dry_run=True, list_id=args.list_id)
        import_contacts(session, io.BytesIO(warm), warm_options)
    before = rss_bytes()
    reset_peak_rss()
    if args.phase == "traced":
        tracemalloc.start()
    started = time.perf_counter()
    if args.phase == "api":
        client = app.test_client()
        with path.open("rb") as stream:
            response = client.post(
                f"/api/v1/contacts/import?dry_run=true&list_id={args.list_id}",
                data={"file": (stream, path.name)},
                headers={"Authorization": f"Bearer {token}"},
                content_type="multipart/form-data",
            )
        report = response.get_json()
        if response.status_code != 200:
            report = {"error": report, "rows_read": 0}
    else:
        with get_db(app).session() as session, path.open("rb") as stream:
            report = import_contacts(session, stream, options).to_json()
    seconds = time.perf_counter() - started
    traced_peak = None
    if args.phase == "traced":
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    peak = peak_rss_bytes()
    figures = {
        "seconds": seconds,
        "rss_growth": max(0, peak - before),
        "rss_peak": peak,
        "traced_peak": traced_peak,
        "report": {k: v for k, v in report.items() if k != "problems"},
        "problems": {k: v["count"] for k, v in report.get("problems", {}).items()},
    }
    emit("FIGURES " + json.dumps(figures))


def run_phase(args: argparse.Namespace, url: str, phase: str, path: Path, list_id: int) -> dict[str, Any]:
    """Run one phase in a child process and read its figures."""
    command = [
        sys.executable,
        __file__,
        "--child",
        "--phase",
        phase,
        "--url",
        url,
        "--file",
        str(path),
        "--list-id",
        str(list_id),
        "--batch-size",
        str(args.batch_size),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    for line in result.stdout.splitlines():
        if line.startswith("FIGURES "):
            figures: dict[str, Any] = json.loads(line.removeprefix("FIGURES "))
            return figures
    raise SystemExit(f"{phase} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def emit(line: str = "") -> None:
    """Print one line of figures."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def mb(value: float | None) -> str:
    return "—" if value is None else f"{value / (1024 * 1024):.1f} MB"


def bench(args: argparse.Namespace, label: str, url: str, path: Path, numbers: list[str]) -> None:
    """Every phase on one database."""
    emit(f"\n== {label}")
    list_id = reset(url, numbers)
    rows: list[tuple[str, dict[str, Any]]] = []
    for phase, name in (
        ("dry", "dry run"),
        ("import", "import"),
        ("reimport", "re-import"),
        ("api", "API dry run"),
        ("traced", "traced dry run"),
    ):
        figures = run_phase(args, url, phase, path, list_id)
        rows.append((name, figures))
        report = figures["report"]
        rate = report.get("rows_read", 0) / figures["seconds"] if figures["seconds"] else 0
        emit(
            f"  {name:<15} {figures['seconds']:7.2f} s  {rate:9,.0f} rows/s   "
            f"RSS +{mb(figures['rss_growth']):>9} (peak {mb(figures['rss_peak'])})"
            + (f"   traced Python peak {mb(figures['traced_peak'])}" if figures["traced_peak"] else "")
        )
    for name, figures in rows[:3]:
        r = figures["report"]
        emit(
            f"  {name:<15} read {r['rows_read']:,}, valid {r['valid_rows']:,}: new {r['new_contacts']:,}, "
            f"updated {r['updated_contacts']:,}, unchanged {r['unchanged_contacts']:,}, subscribed "
            f"{r['subscribed']:,}, already members {r['already_members']:,}, opt-outs {r['opt_outs_added']:,}"
        )
        emit(f"  {'':<15} problems {figures['problems']}")


def main(argv: list[str] | None = None) -> None:
    """Generate the file, then bench SQLite and/or PostgreSQL."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database to empty and use")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--list-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return
    if args.database_url and "bench" not in (make_url(args.database_url).database or ""):
        raise SystemExit("--database-url: the database is emptied first, so its name must contain 'bench'")

    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "contacts-100k.csv"
        started = time.perf_counter()
        numbers, planted = write_file(path, args.rows)
        size = path.stat().st_size
        emit(
            f"File: {args.rows:,} rows, {mb(size)}, {len(numbers):,} distinct numbers "
            f"(written in {time.perf_counter() - started:.1f} s); planted {planted}"
        )
        emit(f"Batch size {args.batch_size:,}; {os.cpu_count()} CPUs; {dt.datetime.now():%Y-%m-%d %H:%M}")
        if not args.skip_sqlite:
            bench(args, "SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", path, numbers)
        if args.database_url:
            bench(args, "PostgreSQL", args.database_url, path, numbers)


if __name__ == "__main__":
    main()
