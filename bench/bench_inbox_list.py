"""Inbox list latency at 100,000 conversations: folders, deep cursors, counts, search and timeline.

Seeds a fresh database through the project's own migrations (inbox.migrate.upgrade) with bulk Core
inserts: --conversations N conversations (default 100,000) over ~0.9 N contacts, ~4 N messages. The mix
is a live desk's: most conversations resolved, 3% with the bot, 0.3% pending, 0.5% open over 10 agents;
names on ~30% of contacts; message bodies drawn from support-desk phrasing, order numbers and filler.

Then, through the real app (app.create_app + its test client, Bearer token of one of the agents), times
each request warm, round-robin over --runs rounds, and prints the median and p95 in ms, their ratio to a
trivial request (GET /api/v1/me) measured in the same rounds, and this process's CPU ms (on SQLite that
is all of the work, so it is the figure to trust on a busy machine):

- the first page of every folder; the page after following next_cursor 50 times (2,500 rows deep) and
  --deep-hops times (default 500: 25,000 rows deep);
- GET /api/v1/inbox/counts; the busiest contact's timeline;
- ?q= by exact phone digits, a name fragment, a word in 14 bodies, a word in none (the worst case:
  nothing stops the scan), a common word (in 10% of bodies) and an old campaign code (in 3% of
  conversations, all old), each on the default folder and on folder=open.

--profile adds each request's slowest SQL statement, replayed alone; --explain also prints its plan
(EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite). --without-search-indexes drops what
migration 0003 added (trigram search, folder and unread indexes) first, to see the figures from before
it; a later run without the flag puts them back. Asserts nothing.

    .venv/bin/python bench/bench_inbox_list.py [--quick] [--conversations 100000] [--runs 15]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/textdesk_bench_list] [--reset]
        [--sqlite-path /tmp/inbox.db] [--reuse] [--sqlite-analyze] [--profile] [--explain]
        [--without-search-indexes] [--hops 50] [--deep-hops 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from inbox import migrate  # noqa: E402
from inbox.actions.users import create_token, create_user  # noqa: E402
from inbox.models import Contact, Conversation, Message, Setting, User  # noqa: E402

SEED = 20261125
AGENTS = 10
BATCH = 10_000
MARKER_KEY = "bench_inbox_list.seed"  # a settings row recording what the database was seeded with
AGENT_PASSWORD = "bench-password-123"

# Search terms. RARE_WORD is planted in RARE_COUNT bodies; ABSENT_WORD is in none (nor in any name/phone).
RARE_WORD = "zeppelin"
RARE_COUNT = 12
ABSENT_WORD = "xylograph"
COMMON_WORD = "refund"
# A finished campaign's code: in many bodies (3% of conversations), all of them in the oldest 40%.
OLD_WORD = "spring24"
NAME_FRAGMENT = "konkw"  # of the surname Okonkwo: ~1% of the named contacts

_FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin "
    "Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Edward Helen Jeffrey "
    "Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Anna Stephen Ruth "
    "Larry Brenda Justin Pamela Scott Nicole Brandon Katherine Benjamin Samantha Samuel Christine Gregory "
    "Emma Alexander Catherine Frank Debra Patrick Rachel Raymond Carolyn Jack Janet Dennis Maria Jerry "
    "Olivia Tyler Heather Aaron Diane Jose Julie Adam Joyce Nathan Victoria Henry Kelly Zachary Christina "
    "Douglas "
    "Lauren Peter Joan Kyle Evelyn Noah Judith Ethan Megan Jeremy Andrea Walter Cheryl Christian Hannah "
    "Keith Jacqueline Roger Martha Terry Gloria Austin Teresa Sean Ann Gerald Sara Carl Madison Harold "
    "Frances Dylan Kathryn Arthur Janice Lawrence Jean Jordan Abigail Jesse Alice Bryan Judy Billy Sophia "
    "Bruce Grace Gabriel Denise Joe Amber Logan Doris Alan Marilyn Juan Danielle Albert Beverly Willie "
    "Isabella Elijah Theresa Wayne Diana Randy Natalie Vincent Brittany Mason Charlotte Roy Marie Ralph "
    "Kayla Bobby Alexis Russell Lori Bradley Priya Wei Fatima Mohammed Aisha Hiroshi Yuki Chen Ravi Ananya "
    "Oluwaseun Chidi Mateo Sofia Luca Giulia Lars Ingrid Sven Astrid Dmitri Olga Kwame Ama Thi Minh"
)
_LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Okonkwo Nakamura Kowalski Schmidt Rossi Haddad Ivanova Larsen Mensah Tran Sato Singh Chowdhury Silva"
)
FIRST_NAMES = tuple(_FIRST_NAMES.split())
LAST_NAMES = tuple(_LAST_NAMES.split())

OPENERS = (
    "Hi",
    "Hello",
    "Hey",
    "Good morning",
    "Hi there",
    "Quick question",
    "Hello again",
    "Sorry to bother you",
    "",
)
QUESTIONS = (
    "what are your opening hours today",
    "is my order {order} on its way",
    "can I change my delivery address for order {order}",
    "I was charged twice for order {order}",
    "how do I reset my password",
    "my package arrived damaged",
    "can I get a {common} for order {order}",
    "I never got my {common}",
    "where is the nearest store",
    "do you have the blue one in a size {size}",
    "can I book an appointment for {day}",
    "I need to cancel my appointment on {day}",
    "the app keeps crashing when I open my cart",
    "is there a discount code for first orders",
    "can someone call me back please",
    "what is the status of my {common} request",
    "the tracking number does not work",
    "I would like to speak to a person",
    "can I pay in installments",
    "do you ship to {city}",
    "my coupon code is not accepted at checkout",
    "how long does a {common} usually take",
    "the item I received is not what I ordered",
    "can I pick it up in store on {day}",
)
CLOSERS = ("thanks", "thank you!", "thx", "please help", "asap please", "cheers", "", "", "")
CONTACT_SHORT = (
    "ok",
    "Yes",
    "no",
    "thanks!",
    "Thank you so much",
    "great",
    "STOP",
    "HOURS",
    "HELP",
    "agent",
    "ok will do",
    "that works for me",
    "still waiting",
    "any update?",
    "👍",
    "Perfect, see you then",
)
BOT_REPLIES = (
    "We are open Monday to Friday 9am-6pm and Saturday 10am-4pm.",
    "Thanks for your message! An agent will get back to you shortly.",
    "Reply HOURS for opening hours, ORDER for order status, or AGENT to talk to a person.",
    "You can track your order at example.com/track. Reply AGENT if you need more help.",
    "Our nearest store is at 12 Market Street, open until 6pm today.",
    "Sorry, I did not understand that. Reply HELP for options or AGENT to talk to a person.",
    "Bench Co: you are unsubscribed and will receive no more messages. Reply START to resubscribe.",
)
AGENT_REPLIES = (
    "Hi {name}, this is {agent} from Bench Co. Let me look into order {order} for you.",
    "I have checked order {order}: it shipped yesterday and should arrive by {day}.",
    "Sorry about that! I have issued a {common} of ${amount}; it takes 3-5 business days.",
    "Your appointment is confirmed for {day} at {hour}:00.",
    "I have updated the delivery address. Anything else I can help with?",
    "Could you send a photo of the damage? Then I can arrange a replacement.",
    "The password reset link is in your email; check the spam folder too.",
    "Glad I could help, have a great {day}!",
    "I have passed this on to our billing team; they will text you by {day}.",
    "Your {common} was approved and sent back to the original card.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "tomorrow")
CITIES = ("Toronto", "Mexico City", "Honolulu", "Anchorage", "Puerto Rico", "London", "Guam")
SIZES = ("S", "M", "L", "XL", "8", "9", "10", "11")


def emit(line: str = "") -> None:
    """Print one line of the report."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class BenchError(RuntimeError):
    """The harness could not do its job (slow results are only reported, never raised)."""


# ---------------------------------------------------------------------------------------------- seeding


@dataclass
class Plan:
    """What was seeded, and how long it took."""

    conversations: int
    contacts: int = 0
    messages: int = 0
    seconds: float = 0.0


@dataclass
class ConvRow:
    """One conversation as generated (before its messages are drawn)."""

    id: int
    contact_id: int
    status: str
    assignee_id: int | None
    started: dt.datetime
    unread: int
    gaps: list[int] = field(default_factory=list)  # seconds before each message after the first
    last_message_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def fill(template: str, rng: random.Random, name: str | None = None, agent: str = "Sam") -> str:
    """A template with its placeholders drawn at random."""
    return template.format(
        order=f"#{rng.randint(100000, 999999)}",
        common=COMMON_WORD,
        size=rng.choice(SIZES),
        day=rng.choice(DAYS),
        city=rng.choice(CITIES),
        name=(name or "there").split()[0],
        agent=agent,
        amount=f"{rng.randint(5, 400)}.{rng.randint(0, 99):02d}",
        hour=rng.randint(9, 17),
    )


def contact_text(rng: random.Random, first: bool) -> str:
    """Something a customer texts: a question to open, often a short answer later."""
    if not first and rng.random() < 0.55:
        return rng.choice(CONTACT_SHORT)
    opener = rng.choice(OPENERS)
    body = fill(rng.choice(QUESTIONS), rng)
    closer = rng.choice(CLOSERS)
    return " ".join(part for part in (f"{opener}," if opener else "", body, closer) if part).capitalize()


def build_conversations(
    rng: random.Random, total: int, agent_ids: list[int], now: dt.datetime
) -> tuple[list[ConvRow], int]:
    """Conversations over ~0.9 total contacts; only each contact's newest may be unresolved."""
    contacts = max(1, round(total * 0.9))
    owners = list(range(1, contacts + 1)) + [rng.randint(1, contacts) for _ in range(total - contacts)]
    span = dt.timedelta(days=730)
    starts = sorted(now - span * rng.random() ** 0.7 for _ in range(total))  # denser towards today
    rng.shuffle(owners)
    latest: dict[int, int] = {}  # contact -> index of its newest conversation
    rows: list[ConvRow] = []
    for index, (contact_id, started) in enumerate(zip(owners, sorted(starts), strict=True)):
        count = min(24, 1 + int(rng.expovariate(1 / 3.55)))  # mean ~4 messages
        gaps = [rng.randint(20, 1800) for _ in range(count - 1)]
        rows.append(ConvRow(index + 1, contact_id, "resolved", None, started, 0, gaps))
        latest[contact_id] = index
    candidates = sorted(latest.values())
    bots = round(total * 0.03)
    pending = max(1, round(total * 0.003))
    opened = max(1, round(total * 0.005))
    active = rng.sample(candidates, min(len(candidates), bots + pending + opened))
    for number, index in enumerate(active):
        row = rows[index]
        row.started = now - dt.timedelta(hours=48 * rng.random(), minutes=30)
        if number < pending:
            row.status = "pending"
            row.assignee_id = rng.choice(agent_ids) if rng.random() < 0.2 else None
            row.unread = rng.randint(1, 3)
        elif number < pending + opened:
            row.status = "open"
            row.assignee_id = agent_ids[number % len(agent_ids)]
            row.unread = rng.choice((0, 0, 1, 2))
        else:
            row.status = "bot"
            row.unread = rng.choice((0, 1))
    for row in rows:
        if row.status == "resolved":
            row.assignee_id = rng.choice(agent_ids) if rng.random() < 0.7 else None
            row.unread = 1 if rng.random() < 0.01 else 0
        row.last_message_at = row.started + dt.timedelta(seconds=sum(row.gaps))
        if row.last_message_at > now:  # an active conversation's texts cannot be in the future
            row.started -= row.last_message_at - now
            row.last_message_at = now
    return rows, contacts


def contact_rows(
    rng: random.Random, count: int, first_seen: dict[int, dt.datetime]
) -> Iterator[dict[str, Any]]:
    """Contacts: unique US numbers, a name on ~30%."""
    numbers = rng.sample(range(2_012_000_000, 9_899_999_999), count)
    for contact_id, number in enumerate(numbers, start=1):
        created = first_seen.get(contact_id, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.3 else None
        yield {
            "id": contact_id,
            "phone": f"+1{number}",
            "address_kind": "e164",
            "name": name,
            "opted_out": False,
            "opted_out_at": None,
            "created_at": created,
            "updated_at": created,
            "last_inbound_at": created,
        }


def message_rows(
    rng: random.Random, convs: list[ConvRow], names: dict[int, str | None], agent_ids: list[int]
) -> Iterator[dict[str, Any]]:
    """Each conversation's messages: the contact opens, the bot or an agent answers, turn by turn."""
    message_id = 0
    rare_slots = set(rng.sample(range(len(convs)), min(RARE_COUNT, len(convs))))
    active = [i for i, c in enumerate(convs) if c.status in ("open", "pending")]
    rare_slots.update(active[:2])  # so that a rare-word search in folder=open finds something too
    oldest = [i for i in range(int(len(convs) * 0.4)) if convs[i].status == "resolved"]
    old_slots = set(rng.sample(oldest, min(len(oldest), round(len(convs) * 0.03))))
    for index, conv in enumerate(convs):
        at = conv.started
        agent = conv.assignee_id
        for turn in range(len(conv.gaps) + 1):
            message_id += 1
            inbound = turn % 2 == 0
            if inbound:
                body = contact_text(rng, turn == 0)
                sender, user_id, purpose, status = "contact", None, "", "received"
            elif conv.status == "bot" or agent is None or turn == 1:
                body = rng.choice(BOT_REPLIES)
                sender, user_id, purpose, status = "bot", None, "rule", "delivered"
            else:
                body = fill(rng.choice(AGENT_REPLIES), rng, names.get(conv.contact_id), f"Agent {agent}")
                sender, user_id, purpose, status = "agent", agent, "agent", "delivered"
            if index in rare_slots and turn == 0:
                body = f"{body} (sent from my {RARE_WORD} phone)"
            if index in old_slots and turn == 0:
                body = f"{body} - I have the code {OLD_WORD.upper()} from your flyer"
            if not inbound and rng.random() < 0.01:
                status = "undelivered"
            yield {
                "id": message_id,
                "conversation_id": conv.id,
                "contact_id": conv.contact_id,
                "direction": "inbound" if inbound else "outbound",
                "sender": sender,
                "sender_user_id": user_id,
                "purpose": purpose,
                "body": body,
                "media": [],
                "status": status,
                "error_code": 30005 if status == "undelivered" else None,
                "error_message": None,
                "provider_sid": f"SM{message_id:032x}",
                "segments": 1 + len(body) // 160,
                "encoding": "GSM-7",
                "attempts": 0 if inbound else 1,
                "next_attempt_at": None,
                "claimed_at": None,
                "created_at": at,
                "updated_at": at,
                "sent_at": None if inbound else at,
                "delivered_at": at if status == "delivered" else None,
            }
            if turn < len(conv.gaps):
                at += dt.timedelta(seconds=conv.gaps[turn])


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    """Rows in lists of `size`."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def seed(engine: Engine, total: int) -> Plan:
    """Migrate a fresh database and bulk-insert the desk; returns what the timed requests need."""
    started = time.perf_counter()
    migrate.upgrade(engine)
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with Session(engine) as session:
        agents = [
            create_user(session, f"agent{n}@bench.example", "agent", AGENT_PASSWORD, name=f"Agent {n}")[0]
            for n in range(1, AGENTS + 1)
        ]
        agent_ids = [a.id for a in agents]
    convs, contact_count = build_conversations(rng, total, agent_ids, now)
    first_seen: dict[int, dt.datetime] = {}
    for conv in convs:
        first_seen.setdefault(conv.contact_id, conv.started)
    plan = Plan(conversations=total, contacts=contact_count)
    names: dict[int, str | None] = {}
    with engine.begin() as conn:
        for chunk in batches(contact_rows(rng, contact_count, first_seen)):
            names.update((row["id"], row["name"]) for row in chunk)
            conn.execute(insert(Contact), chunk)
    emit(f"   contacts: {contact_count:,} in {time.perf_counter() - started:.1f} s")
    with engine.begin() as conn:
        for chunk in batches(conversation_row(c) for c in convs):
            conn.execute(insert(Conversation), chunk)
    emit(f"   conversations: {len(convs):,} in {time.perf_counter() - started:.1f} s")
    with engine.begin() as conn:
        for chunk in batches(message_rows(rng, convs, names, agent_ids)):
            conn.execute(insert(Message), chunk)
            plan.messages += len(chunk)
        conn.execute(insert(Setting), [{"key": MARKER_KEY, "value": str(total), "updated_at": now}])
    emit(f"   messages: {plan.messages:,} in {time.perf_counter() - started:.1f} s")
    finish_load(engine)
    plan.seconds = time.perf_counter() - started
    return plan


def conversation_row(conv: ConvRow) -> dict[str, Any]:
    """A conversations row."""
    return {
        "id": conv.id,
        "contact_id": conv.contact_id,
        "status": conv.status,
        "assignee_id": conv.assignee_id,
        "bot_misses": 0,
        "unread_count": conv.unread,
        "created_at": conv.started,
        "updated_at": conv.last_message_at,
        "last_message_at": conv.last_message_at,
        "resolved_at": conv.last_message_at if conv.status == "resolved" else None,
    }


def finish_load(engine: Engine) -> None:
    """After a bulk load on PostgreSQL: sequences past the explicit ids, and what autovacuum would do."""
    # SQLite is left as the app leaves it: nothing runs ANALYZE there (see --sqlite-analyze).
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in ("contacts", "conversations", "messages"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def sqlite_statistics(engine: Engine, analyze: bool) -> None:
    """ANALYZE (--sqlite-analyze), or drop the statistics a previous run left: nothing in the app runs it."""
    with engine.begin() as conn:
        if analyze:
            conn.execute(text("ANALYZE"))
        else:  # (SQLAlchemy's table list leaves out sqlite_* tables)
            for (name,) in conn.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
            ):
                conn.execute(text(f"DELETE FROM {name}"))


def seeded_size(engine: Engine) -> int | None:
    """How many conversations the database was seeded with by this bench, or None."""
    if "settings" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        value = conn.scalar(select(Setting.value).where(Setting.key == MARKER_KEY))
    return int(value) if value else None


def has_tables(engine: Engine) -> bool:
    """Whether the database holds any table at all."""
    return bool(inspect(engine).get_table_names())


def reset_database(engine: Engine) -> None:
    """Drop everything in the scratch database (only with --reset)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        return
    raise BenchError("--reset is for PostgreSQL; give a fresh --sqlite-path instead")


@dataclass(frozen=True)
class Handles:
    """Values the timed requests use, read back from the seeded database."""

    conversations: int
    contacts: int
    messages: int
    user_email: str
    phone_digits: str
    timeline_contact_id: int


def read_handles(engine: Engine) -> Handles:
    """Counts, the bench agent, an open conversation's phone and the busiest contact."""
    with Session(engine) as session:
        email = session.scalar(select(User.email).order_by(User.id).limit(1))
        phone = session.scalar(
            select(Contact.phone)
            .join(Conversation, Conversation.contact_id == Contact.id)
            .where(Conversation.status == "open")
            .order_by(Conversation.id)
            .limit(1)
        )
        busiest = session.execute(
            select(Message.contact_id, func.count())
            .group_by(Message.contact_id)
            .order_by(func.count().desc(), Message.contact_id)
            .limit(1)
        ).first()
        if email is None or phone is None or busiest is None:
            raise BenchError("the database is not seeded as this bench expects; use a fresh one")
        return Handles(
            conversations=session.scalar(select(func.count()).select_from(Conversation)) or 0,
            contacts=session.scalar(select(func.count()).select_from(Contact)) or 0,
            messages=session.scalar(select(func.count()).select_from(Message)) or 0,
            user_email=email,
            phone_digits=phone.removeprefix("+1"),
            timeline_contact_id=int(busiest[0]),
        )


# ---------------------------------------------------------------------------------------------- timing


@dataclass
class Case:
    """One timed request."""

    label: str
    path: str
    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process's CPU ms (all of it, on SQLite)
    rows: int = 0
    error: str = ""  # a non-200 answer: reported in the table, not timed
    slowest_sql: tuple[float, str, Any] | None = None


@dataclass
class StatementLog:
    """Every SQL statement the app's engine ran while recording."""

    recording: bool = False
    entries: list[tuple[float, str, Any]] = field(default_factory=list)

    def attach(self, engine: Engine) -> None:
        """Listen on the engine's cursor executions."""

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            """Keep the statement and its parameters while recording."""
            if self.recording:
                self.entries.append((0.0, statement, parameters))


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of the samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def get_json(client: FlaskClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """GET a JSON resource; a non-200 is a harness error."""
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise BenchError(
            f"GET {path} answered {response.status_code}: {response.get_data(as_text=True)[:300]}"
        )
    body = response.get_json()
    if not isinstance(body, dict):
        raise BenchError(f"GET {path} did not answer a JSON object")
    return body


def answer_of(client: FlaskClient, headers: dict[str, str], path: str) -> Any:
    """What a request answers, reduced to compare views: ids in order, or the whole body; None on failure."""
    try:
        response = client.get(path, headers=headers)
    except Exception:
        return None
    if response.status_code != 200:
        return None
    body = response.get_json()
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return [row.get("id") for row in body["data"]], body.get("next_cursor")
    return body


def deep_cursor(client: FlaskClient, headers: dict[str, str], query: str, hops: int) -> str | None:
    """The cursor reached by following next_cursor `hops` times from the first page (None: too few pages)."""
    body = get_json(client, f"/api/v1/conversations?{query}", headers)
    for _ in range(hops):
        cursor = body.get("next_cursor")
        if not cursor:
            return None
        if _ == hops - 1:
            return str(cursor)
        body = get_json(client, f"/api/v1/conversations?{query}&cursor={cursor}", headers)
    return None


def build_cases(
    client: FlaskClient, headers: dict[str, str], handles: Handles, hops: int, deep_hops: int
) -> list[Case]:
    """The requests to time; deep-page cursors are walked to here, once."""
    cases = [Case("baseline GET /api/v1/me", "/api/v1/me")]
    cases.append(Case("list, no folder: first page", "/api/v1/conversations"))
    for folder in ("needs_agent", "mine", "unassigned", "open", "bot", "resolved"):
        cases.append(Case(f"list {folder}: first page", f"/api/v1/conversations?folder={folder}"))
    deep = [("no folder", "", hops), ("bot", "folder=bot", hops), ("resolved", "folder=resolved", hops)]
    if deep_hops:
        deep += [("no folder", "", deep_hops), ("resolved", "folder=resolved", deep_hops)]
    for label, query, depth in deep:
        cursor = deep_cursor(client, headers, query, depth)
        if cursor is None:
            emit(f"   (list {label}: fewer than {depth + 1} pages, no case after {depth} hops)")
            continue
        path = f"/api/v1/conversations?{query + '&' if query else ''}cursor={cursor}"
        cases.append(Case(f"list {label}: after {depth} hops", path))
    cases.append(Case("counts", "/api/v1/inbox/counts"))
    cases.append(Case("contact timeline", f"/api/v1/contacts/{handles.timeline_contact_id}/timeline"))
    searches = (
        ("phone digits", handles.phone_digits),
        ("name fragment", NAME_FRAGMENT),
        ("rare word", RARE_WORD),
        ("absent word", ABSENT_WORD),
        ("common word", COMMON_WORD),
        ("old campaign word", OLD_WORD),
    )
    for label, term in searches:
        for folder in ("", "open"):
            where = f"folder={folder}&" if folder else ""
            cases.append(
                Case(f"q {label} ({folder or 'no folder'})", f"/api/v1/conversations?{where}q={term}")
            )
    return cases


def run_cases(
    client: FlaskClient, headers: dict[str, str], cases: list[Case], rounds: int, warmup: int
) -> None:
    """Warm every case, then time them round-robin so that drift hits them all alike."""
    for case in cases:
        for _ in range(warmup):
            try:
                response = client.get(case.path, headers=headers)
            except Exception as error:  # TESTING propagates the app's exceptions: report, go on
                case.error = f"{type(error).__name__}: {str(error).splitlines()[0][:70]}"
                break
            if response.status_code != 200:
                body = response.get_json(silent=True) or {}
                case.error = f"HTTP {response.status_code} {body.get('error', {}).get('code', '')}".strip()
                break
            data = (response.get_json() or {}).get("data")
            case.rows = len(data) if isinstance(data, list) else 1
    timed = [case for case in cases if not case.error]
    for _ in range(rounds):
        for case in timed:
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.get(case.path, headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            case.cpu.append((time.process_time() - cpu_start) * 1000)
            if response.status_code != 200:
                raise BenchError(f"GET {case.path} answered {response.status_code}")
            case.samples.append(elapsed)


def profile_cases(
    client: FlaskClient, headers: dict[str, str], cases: list[Case], log: StatementLog, engine: Engine
) -> None:
    """One more pass per case, recording its SELECTs; each is replayed (rows fetched) to time it alone."""
    # Replaying matters on SQLite, where execute() returns before the rows are computed.
    for case in cases:
        if case.error:
            continue
        log.entries.clear()
        log.recording = True
        try:
            get_json(client, case.path, headers)
        finally:
            log.recording = False
        timed: list[tuple[float, str, Any]] = []
        with engine.connect() as conn:
            for _, statement, parameters in log.entries:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                replays = []
                for _ in range(3):
                    start = time.perf_counter()
                    conn.exec_driver_sql(statement, parameters).all()
                    replays.append((time.perf_counter() - start) * 1000)
                timed.append((min(replays), statement, parameters))
            conn.rollback()
        if timed:
            case.slowest_sql = max(timed, key=lambda entry: entry[0])


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan of one captured statement: EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
            return [str(row[0]) for row in rows]
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [f"{'  ' * (int(row[1]) > 0)}{row[-1]}" for row in rows]


def report(cases: list[Case], show_sql: bool) -> None:
    """The table: median, p95, ratio to the baseline, rows returned (and the slowest statement)."""
    base = statistics.median(cases[0].samples)
    width = max(len(c.label) for c in cases)
    header = (
        f"   {'request':<{width}}  {'median ms':>9}  {'p95 ms':>8}  {'x /me':>7}  {'cpu ms':>7}  {'rows':>4}"
    )
    emit(header + ("  slowest SQL ms" if show_sql else ""))
    emit("   " + "-" * (len(header) - 3 + (16 if show_sql else 0)))
    for case in cases:
        if case.error:
            emit(f"   {case.label:<{width}}  {case.error}  <-- FAILS")
            continue
        median = statistics.median(case.samples)
        line = (
            f"   {case.label:<{width}}  {median:9.2f}  {percentile(case.samples, 0.95):8.2f}  "
            f"{median / base:7.1f}  {statistics.median(case.cpu):7.2f}  {case.rows:4d}"
        )
        if show_sql and case.slowest_sql is not None:
            line += f"  {case.slowest_sql[0]:14.2f}"
        emit(line)


# ---------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=100_000, help="conversations to seed")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (and 10,000 conversations)")
    parser.add_argument("--runs", type=int, default=None, help="timed rounds per request (default 15)")
    parser.add_argument("--hops", type=int, default=50, help="next_cursor hops for the deep-page cases")
    parser.add_argument("--deep-hops", type=int, default=500, help="hops for the deeper cases (0: none)")
    parser.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (default SQLite)")
    parser.add_argument("--sqlite-path", default=None, help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="reuse a database this bench seeded")
    parser.add_argument(
        "--reset", action="store_true", help="drop everything in the PostgreSQL database first"
    )
    parser.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after seeding")
    parser.add_argument("--profile", action="store_true", help="report each request's slowest statement")
    parser.add_argument("--explain", action="store_true", help="print the slowest statements' plans")
    parser.add_argument(
        "--without-search-indexes",
        action="store_true",
        help="drop migration 0003's search and folder indexes first: the figures from before them",
    )
    args = parser.parse_args(argv)
    if args.quick and args.conversations == 100_000:
        args.conversations = 10_000
    if args.quick:
        args.deep_hops = 0
    if args.runs is None:
        args.runs = 5 if args.quick else 15
    if args.explain:
        args.profile = True
    return args


def main(argv: list[str] | None = None) -> None:
    """Seed (or reuse) the database, time every request, print the table."""
    args = parse_args(argv)
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if args.database_url:
        url = args.database_url
    else:
        if args.sqlite_path:
            path = Path(args.sqlite_path)
        else:
            tmp = tempfile.TemporaryDirectory(prefix="bench_inbox_list_")
            path = Path(tmp.name) / "inbox.db"
        url = f"sqlite:///{path}"
    try:
        run(args, url)
    finally:
        if tmp is not None:
            tmp.cleanup()


def run(args: argparse.Namespace, url: str) -> None:
    """The bench proper, on one database URL."""
    backend = make_url(url).get_backend_name()
    engine = create_engine(url, insertmanyvalues_page_size=2_000)
    try:
        if args.reset:
            reset_database(engine)
        size = seeded_size(engine)
        if size is not None and args.reuse:
            emit(f"== reusing {make_url(url).render_as_string()} (seeded with {size:,} conversations)")
        elif has_tables(engine):
            raise BenchError("the database is not empty: pass a fresh one, --reuse it, or --reset it")
        else:
            emit(f"== seeding {args.conversations:,} conversations into {backend}")
            plan = seed(engine, args.conversations)
            emit(f"   seeded in {plan.seconds:.1f} s")
        set_search_indexes(engine, not args.without_search_indexes)
        if backend == "sqlite":
            sqlite_statistics(engine, args.sqlite_analyze)
        handles = read_handles(engine)
    finally:
        engine.dispose()

    emit(
        f"== {backend}: {handles.conversations:,} conversations, {handles.contacts:,} contacts, "
        f"{handles.messages:,} messages; {args.runs} rounds"
        + ("; ANALYZEd" if backend == "sqlite" and args.sqlite_analyze else "")
        + ("; WITHOUT migration 0003's search indexes" if args.without_search_indexes else "")
    )
    app = create_app(
        {
            "DATABASE_URL": url,
            "OUTBOX_MODE": "off",
            "TESTING": True,
            "SECRET_KEY": "bench-inbox-list",
            "REDIS_URL": None,
        }
    )
    log = StatementLog()
    app_engine: Engine = app.extensions["textdesk.db"].engine
    log.attach(app_engine)
    with app.app_context():
        from inbox.db import get_session

        session = get_session()
        user = session.scalar(select(User).where(User.email == handles.user_email))
        if user is None:
            raise BenchError("the bench agent is missing")
        _, token = create_token(session, user, name="bench")
        session.close()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    cases = build_cases(client, headers, handles, args.hops, args.deep_hops)
    run_cases(client, headers, cases, args.runs, warmup=2)
    if args.profile:
        profile_cases(client, headers, cases, log, app_engine)
    report(cases, args.profile)
    if args.explain:
        for case in cases:
            if case.slowest_sql is None or case.slowest_sql[0] < 5.0:
                continue
            emit(f"\n-- {case.label}: slowest statement {case.slowest_sql[0]:.1f} ms")
            emit(case.slowest_sql[1])
            for line in explain(app_engine, case.slowest_sql[1], case.slowest_sql[2]):
                emit("   " + line)
    app.extensions["textdesk.db"].dispose()


# ---------------------------------------------------------------------------------------------- schema


def set_search_indexes(engine: Engine, wanted: bool) -> None:
    """Migrate to head (0003's search and folder indexes in place) or back to 0002 (the schema before)."""
    started = time.perf_counter()
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if wanted:
            command.upgrade(config, "head")
        else:
            command.downgrade(config, "0002")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    emit(f"   schema at {'head' if wanted else '0002'} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    try:
        main()
    except BenchError as failure:
        emit(f"bench_inbox_list: {failure}")
        sys.exit(2)
