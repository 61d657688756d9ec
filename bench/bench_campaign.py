"""A 100,000-recipient campaign: time to queue it, peak memory, and pacing against the sender's rate.

Seeds a fresh database through the project's migrations with --recipients contacts (default 100,000) on
one subscriber list, with the exclusions a real list has: 2% opted out, 1% pending double opt-in, 1%
unsubscribed, 0.5% alphanumeric sender IDs; a quarter carry a name and a "city" attribute. Then, each in
its own child process so that its peak memory (ru_maxrss) is its own:

1. queue: the preview the composer shows (counts after exclusions, 500 rendered samples, segments,
   cost), then launch and the worker's start of the campaign, which fixes every recipient in one
   INSERT … SELECT. Goal: queueing under 10 s on PostgreSQL; peak memory under 200 MB.
2. send: the real CampaignWorker hands texts to the simulator provider (its delivery reports kept aside:
   Twilio posts those to the web processes) for --seconds at --rate segments per second (texts with a
   longer name or city run to 2 segments), while another thread sends the bot's replies to inbound
   texts (charged to the same sender, so the campaign makes room). The achieved rate counts every
   segment handed over, campaign and bot alike, over the steady
   part of the run. Goal: within 5% of the configured rate. Peak memory of the sending process too.

Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/bench_campaign.py [--recipients 100000] [--rate 100] [--seconds 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_campaign]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

GOAL_QUEUE_SECONDS = 10.0
GOAL_MEMORY_MB = 200.0
GOAL_PACING_ERROR = 0.05
BATCH = 5000
# 160 characters with the defaults: a longer name or city makes a text 2 segments, as in real campaigns.
TEMPLATE = (
    'Hi {{ contact.first_name | default("there") }}! Our {{ contact.city | default("spring") }} sale starts '
    "today: 20% off everything in store and online until Sunday night. Show this text at the till for a "
    "gift. Reply STOP to opt out."
)
FIRST_NAMES = ("Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Grace", "Hugo", "Ivy", "Jon")
CITIES = ("Boston", "Denver", "Austin", "Seattle", "Miami")


def say(line: str = "") -> None:
    """Print one line of the report."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(database_url: str, synchronous: bool) -> Any:
    """The real app on the bench database, delivering only through the worker we drive."""
    from app import create_app

    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-campaign",
            "OUTBOX_MODE": "off",
            "SIMULATOR_SYNCHRONOUS": synchronous,
            "SIMULATOR_DELAYS": (0.05, 0.2),
            "PUBLIC_URL": "https://desk.bench.local",
        }
    )


def phone_of(index: int) -> str:
    """A distinct New York number per index (212 area code, exchanges 200–299)."""
    return f"+1212{200 + index // 10000:03d}{index % 10000:04d}"


def seed(database_url: str, recipients: int) -> int:
    """Fresh schema, the list, its members and one attribute definition; returns the list id."""
    from inbox.db import make_engine
    from inbox.migrate import upgrade
    from inbox.models import AttributeDefinition, Contact, ListMembership, SubscriberList

    if database_url.startswith("postgresql"):
        raw = create_engine(database_url)
        with raw.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        raw.dispose()
    engine = make_engine(database_url)
    upgrade(engine)
    rng = random.Random(5)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(AttributeDefinition).values(key="city", label="City", type="text", created_at=now)
        )
        list_id = conn.execute(
            insert(SubscriberList)
            .values(
                name="Newsletter",
                description="",
                frequency="up to 4 msgs/month",
                double_opt_in=False,
                signup_enabled=False,
                welcome_text="",
                created_at=now,
            )
            .returning(SubscriberList.id)
        ).scalar_one()
    for start in range(0, recipients, BATCH):
        contacts = []
        for i in range(start, min(start + BATCH, recipients)):
            roll = rng.random()
            named = rng.random() < 0.25
            contacts.append(
                {
                    "phone": f"ACME{i:07d}"[:11] if roll < 0.005 else phone_of(i),
                    "address_kind": "alphanumeric" if roll < 0.005 else "e164",
                    "name": f"{rng.choice(FIRST_NAMES)} Lee" if named else None,
                    "opted_out": 0.005 <= roll < 0.025,
                    "attributes": {"city": rng.choice(CITIES)} if named else {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with engine.begin() as conn:
            ids = conn.execute(insert(Contact).returning(Contact.id), contacts).scalars().all()
            members = []
            for contact_id in ids:
                roll = rng.random()
                status = "pending" if roll < 0.01 else "unsubscribed" if roll < 0.02 else "subscribed"
                members.append(
                    {
                        "list_id": list_id,
                        "contact_id": contact_id,
                        "status": status,
                        "source": "import",
                        "source_detail": "bench",
                        "joined_at": now,
                    }
                )
            conn.execute(insert(ListMembership), members)
    engine.dispose()
    return int(list_id)


def queue_phase(database_url: str, list_id: int, rate: float) -> dict[str, Any]:
    """Preview, launch and fix the recipients of a campaign; times and peak memory."""
    from inbox.actions.campaigns import create_campaign, launch_campaign
    from inbox.db import get_db
    from inbox.models import Sender

    app = make_app(database_url, synchronous=True)
    worker = app.extensions["textdesk.campaigns"]
    baseline = peak_mb()
    with app.app_context():
        database = get_db()
        with database.session() as session:
            sender = Sender(
                name="Bench short code", from_address="", segments_per_second=rate, price_per_segment=0.0079
            )
            session.add(sender)
            session.commit()
            started = time.perf_counter()
            client = app.test_client()
            fields = {
                "name": "Bench",
                "list_id": list_id,
                "sender_id": sender.id,
                "template": TEMPLATE,
                "window_start": "00:00",
                "window_end": "24:00",
            }
            preview = preview_of(app, client, fields)
            preview_seconds = time.perf_counter() - started
            campaign = create_campaign(session, None, fields)
            started = time.perf_counter()
            launch_campaign(session, None, campaign, None)
            launch_seconds = time.perf_counter() - started
            started = time.perf_counter()
            worker.start_due_campaigns()
            queue_seconds = time.perf_counter() - started
            queued = session.execute(
                text("SELECT status, count(*) FROM campaign_recipients GROUP BY status")
            ).all()
    return {
        "campaign_id": campaign.id,
        "preview_seconds": preview_seconds,
        "launch_seconds": launch_seconds,
        "queue_seconds": queue_seconds,
        "recipients": {status: count for status, count in queued},
        "eligible": preview["audience"]["eligible"],
        "segments_estimate": preview["segments"]["total"],
        "cost_estimate": preview["cost"]["total"],
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


def preview_of(app: Any, client: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The composer's live preview, through the API like the browser calls it (as an admin)."""
    from inbox.actions.users import create_token, create_user
    from inbox.db import get_db

    with get_db().session() as session:
        user, _ = create_user(session, "bench@example.com", "admin", "bench-password-1")
        _, token = create_token(session, user)
    answer = client.post(
        "/api/v1/campaigns/preview", json=fields, headers={"Authorization": f"Bearer {token}"}
    )
    if answer.status_code != 200:
        raise SystemExit(f"preview failed: {answer.get_json()}")
    return dict(answer.get_json())


def send_phase(database_url: str, campaign_id: int, seconds: float, rate: float) -> dict[str, Any]:
    """Run the worker for a while with bot replies alongside; hand-over times by kind, peak memory."""
    from inbox.outbox import Outbox
    from sms.provider import OutboundSms, SendResult

    # The simulator's delivery reports are kept aside (synchronous mode, never flushed): in production
    # Twilio posts them to the web processes, not to the worker whose pace is measured here.
    app = make_app(database_url, synchronous=True)
    baseline = peak_mb()
    worker = app.extensions["textdesk.campaigns"]
    outbox: Outbox = app.extensions["textdesk.outbox"]
    provider = outbox.provider
    handed: list[tuple[float, int, bool]] = []  # (time, segments, is campaign)
    lock = threading.Lock()
    send = provider.send

    def timed(sms: OutboundSms) -> SendResult:
        from sms.segments import analyze

        result = send(sms)
        with lock:
            handed.append((time.perf_counter(), analyze(sms.body).segments, sms.body.startswith("Hi ")))
        return result

    provider.send = timed  # type: ignore[method-assign]
    stop = threading.Event()
    client = app.test_client()

    def conversations() -> None:
        """Customers texting HELP now and then; the outbox answers them at once (ahead of the campaign)."""
        number = 0
        while not stop.is_set():
            sid = f"SM{number:032x}"
            form = {
                "MessageSid": sid,
                "SmsSid": sid,
                "AccountSid": "AC" + "0" * 32,
                "Body": "HELP",
                "From": f"+1415555{number % 10000:04d}",
                "To": "+15005550006",
                "NumMedia": "0",
            }
            client.post("/webhooks/twilio/sms", data=form)
            number += 1
            outbox.deliver_due()
            stop.wait(0.5)

    side = threading.Thread(target=conversations, daemon=True)
    campaign_thread = threading.Thread(target=worker.run, args=(stop, campaign_id), daemon=True)
    started = time.perf_counter()
    campaign_thread.start()
    side.start()
    time.sleep(seconds)
    stop.set()
    campaign_thread.join(timeout=30)
    side.join(timeout=30)
    provider.close()
    with lock:
        events = sorted(handed)
    # The steady part: a full bucket starts the run with a burst of one second's worth, so measure from
    # one second after the first hand-over to the last.
    first = events[0][0] if events else started
    steady = [e for e in events if e[0] - first >= 1.0]
    segments = sum(s for _, s, _ in steady[1:])
    elapsed = steady[-1][0] - steady[0][0] if len(steady) > 1 else float("nan")
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(steady)]
    return {
        "texts": len(events),
        "campaign_texts": sum(1 for e in events if e[2]),
        "bot_texts": sum(1 for e in events if not e[2]),
        "two_segment_texts": sum(1 for e in events if e[1] >= 2),
        "steady_segments": segments,
        "steady_seconds": elapsed,
        "achieved_rate": segments / elapsed if elapsed else float("nan"),
        "median_gap_ms": statistics.median(gaps) * 1000 if gaps else float("nan"),
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }


def child(phase: str, args: argparse.Namespace) -> None:
    """Run one phase in this (child) process and print its figures as one JSON line."""
    if phase == "queue":
        result = queue_phase(args.database_url, args.list_id, args.rate)
    else:
        result = send_phase(args.database_url, args.campaign_id, args.seconds, args.rate)
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


def run_child(phase: str, extra: list[str], database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """One phase in a fresh interpreter, so its peak memory is its own."""
    command = [
        sys.executable,
        __file__,
        "--child",
        phase,
        "--database-url",
        database_url,
        "--rate",
        str(args.rate),
        "--seconds",
        str(args.seconds),
        *extra,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"the {phase} phase failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return dict(json.loads(lines[-1].removeprefix("RESULT ")))


def main() -> None:
    """Seed, queue, send; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0, help="the sender's segments per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the send phase runs")
    parser.add_argument("--database-url", help="default: a fresh temporary SQLite file")
    parser.add_argument("--child", choices=("queue", "send"), help=argparse.SUPPRESS)
    parser.add_argument("--list-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--campaign-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    with tempfile.TemporaryDirectory(prefix="textdesk-bench-campaign-") as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'campaign.db'}"
        kind = database_url.split(":", 1)[0]
        say(
            f"Campaign bench: {args.recipients:,} list members on {kind}, sender at {args.rate:g} "
            f"segments/s, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        started = time.perf_counter()
        list_id = seed(database_url, args.recipients)
        say(f"  seeded in {time.perf_counter() - started:.1f} s")
        queued = run_child("queue", ["--list-id", str(list_id)], database_url, args)
        say(f"== queue ({kind})")
        say(f"  preview (counts, 500 rendered samples, segments, cost)  {queued['preview_seconds']:6.2f} s")
        say(f"  launch (validation and the eligible count)             {queued['launch_seconds']:6.2f} s")
        queue_seconds = queued["queue_seconds"]
        say(
            f"  fix every recipient (one INSERT … SELECT)              {queue_seconds:6.2f} s   "
            f"goal < {GOAL_QUEUE_SECONDS:.0f} s: {verdict(queue_seconds < GOAL_QUEUE_SECONDS)}"
        )
        say(
            f"  recipients {queued['recipients']}, eligible {queued['eligible']:,}, "
            f"segments ≈ {queued['segments_estimate']:,}, cost ≈ {queued['cost_estimate']:,.2f}"
        )
        say(memory_line("queueing", queued))
        sent = run_child("send", ["--campaign-id", str(queued["campaign_id"])], database_url, args)
        error = abs(sent["achieved_rate"] - args.rate) / args.rate
        say(f"== send ({args.seconds:g} s)")
        say(
            f"  handed over {sent['texts']:,} texts: {sent['campaign_texts']:,} campaign "
            f"({sent['two_segment_texts']:,} of them 2 segments), {sent['bot_texts']} bot replies"
        )
        say(
            f"  achieved {sent['achieved_rate']:.1f} segments/s over {sent['steady_seconds']:.1f} s "
            f"(configured {args.rate:g}): error {error * 100:.2f}%   "
            f"goal < {GOAL_PACING_ERROR * 100:.0f}%: {verdict(error < GOAL_PACING_ERROR)}"
        )
        say(f"  median gap between hand-overs {sent['median_gap_ms']:.1f} ms")
        say(memory_line("sending", sent))


def verdict(ok: bool) -> str:
    """met / MISSED."""
    return "met" if ok else "MISSED"


def memory_line(what: str, figures: dict[str, Any]) -> str:
    """Peak memory of a phase's process, and how much of it the app's code took before any work."""
    peak, baseline = figures["peak_mb"], figures["baseline_mb"]
    return (
        f"  peak memory of the {what} process {peak:6.1f} MB (the app loaded: {baseline:.1f} MB; "
        f"the work: +{peak - baseline:.1f} MB)   goal < {GOAL_MEMORY_MB:.0f} MB: "
        f"{verdict(peak < GOAL_MEMORY_MB)}"
    )


if __name__ == "__main__":
    main()
