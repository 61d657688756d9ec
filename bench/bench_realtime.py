"""Realtime latency: a signed inbound webhook arriving → its text reaching 200 Socket.IO agents.

"Reaching" is the first event that shows the text: its message.created, or for a new customer the
conversation.created whose last_message it is (the inbox row shows the text from that event on).

Scenarios, each on freshly started real server processes sharing one database (a fresh temporary SQLite
file, or --database-url):

- one process: one server, no Redis (the embedded default; events go straight to its sockets);
- one process + Redis: the same through the Redis message queue (what REDIS_URL costs by itself);
- two processes + Redis: clients split evenly across two servers, every webhook posted to the first.

The servers are gunicorn with its gevent worker, as production runs them (--server gthread: a thread per
socket instead; werkzeug: `python app.py`). The clients speak Socket.IO over websockets, run by
bench/realtime_clients.py in a few client processes: by default its light client, the wire protocol over
aiohttp that decodes only the run's own events, because the clients share the servers' two CPUs and every
microsecond a client spends per frame lands in the figures (--client socketio: the full
socketio.AsyncClient, about three times the client CPU). Every webhook carries a sequence number in its
body; each client stamps the wall clock when that inbound message.created arrives; the bench stamps the
same clock just before sending the POST. Each text comes from a new customer, so every webhook costs the
same: a new conversation, the bot's reply and (with --outbox thread, the default) the simulator's two
delivery updates, all emitted. Latency = receive − send, per client per webhook, so it covers signature
check, storing, the bot's decision, commit, the emit (and Redis), the fan-out to every socket and the
client's own decoding. The first --warmup webhooks of each scenario are not counted; the next webhook goes
--gap seconds after the previous one was answered. Prints p50/p99/max per scenario (and per process), how
long the POST took, the first-to-last spread of each fan-out, the CPU the servers and the clients used per
webhook, and a comparison. Goal: p99 under 50 ms; with --repeat N every scenario runs N rounds on fresh
servers and the verdict quotes the median of the rounds' p99 (one run's p99 moves with the machine).
Asserts nothing. The clients share the machine's CPUs with the servers (a browser would not), so the
figures are an upper bound; the load average before the run is printed.
--database-url must name a database the bench may migrate and write to (users, contacts, texts).

    .venv/bin/python bench/bench_realtime.py [--quick] [--clients 200] [--webhooks 100] [--gap 0.05]
        [--database-url postgresql+psycopg://…] [--redis-url redis://…]
        [--server gevent|gthread|werkzeug] [--client light|socketio] [--ongoing N] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import requests  # noqa: E402

from inbox.config import ENV_KEYS  # noqa: E402
from sms.twilio import compute_signature  # noqa: E402

PUBLIC_URL = "https://desk.bench.local"
AUTH_TOKEN = "bench-realtime-auth-token"
CLIENTS_SCRIPT = ROOT / "bench" / "realtime_clients.py"
GOAL_P99_MS = 50.0


def say(line: str = "") -> None:
    """Print one line of the report."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class BenchError(RuntimeError):
    """The harness could not do its job (slow results are only reported, never raised)."""


@dataclass(frozen=True)
class Scenario:
    """How many server processes, and whether events go through Redis."""

    key: str
    title: str
    processes: int
    redis: bool


SCENARIOS = (
    Scenario("one", "one process", 1, False),
    Scenario("one-redis", "one process + Redis", 1, True),
    Scenario("two-redis", "two processes + Redis", 2, True),
)


def free_port() -> int:
    """A TCP port free right now on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its waited-for children (Linux /proc)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """pid and its direct children (gunicorn's master and its worker)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError):
                raw = (entry / "stat").read_text()
                if int(raw[raw.rindex(")") + 2 :].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


@dataclass
class Server:
    """One Textdesk server process (gunicorn with a gevent or gthread worker, or `python app.py`)."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, kind: str, threads: int, env: dict[str, str]) -> None:
        """Start the process, its output going to the log file."""
        if kind in ("gevent", "gthread"):
            gunicorn = str(Path(sys.executable).parent / "gunicorn")
            worker = ["-k", "gevent"] if kind == "gevent" else ["--threads", str(threads)]
            command = [gunicorn, "-w", "1", *worker, "--graceful-timeout", "3"]
            if (
                "--no-control-socket"
                in subprocess.run([gunicorn, "--help"], capture_output=True, text=True, check=False).stdout
            ):
                command.append("--no-control-socket")  # gunicorn 27: one fixed path per user otherwise
            command += ["-b", f"127.0.0.1:{self.port}", "app:create_app()"]
        else:
            command = [sys.executable, "app.py"]
            env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until /healthz answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise BenchError(f"server {self.name} exited:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise BenchError(f"server {self.name} did not answer /healthz in {timeout:.0f} s:\n{self.log_tail()}")

    def cpu(self) -> float:
        """CPU seconds used by the server's processes so far."""
        return sum(cpu_seconds(pid) for pid in process_tree(self.process.pid)) if self.process else 0.0

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's output."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate (then kill) the process."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class ClientProcess:
    """One bench/realtime_clients.py process and its stdout lines."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # EOF

    def next_line(self, timeout: float) -> str:
        """The next line it writes (BenchError when it ends or says nothing in time)."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty as error:
            raise BenchError("a client process said nothing in time") from error
        if not line:
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise BenchError(f"a client process ended early:\n{stderr[-3000:]}")
        return line

    def stop(self) -> None:
        """Kill it if it is still running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def flask_command(env: dict[str, str], *command: str) -> str:
    """Run `flask --app app COMMAND` and return its output."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise BenchError(f"flask {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def base_env(database_url: str, outbox: str) -> dict[str, str]:
    """The servers' environment: the caller's, minus any Textdesk setting, plus the bench's."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(
        DATABASE_URL=database_url,
        PUBLIC_URL=PUBLIC_URL,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        SECRET_KEY="bench-realtime",
        OUTBOX_MODE=outbox,
        SMS_PROVIDER="simulator",
    )
    return env


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of values (fraction in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summary(values_ms: list[float]) -> str:
    """`p50 … p99 … max …` in milliseconds."""
    return (
        f"p50 {percentile(values_ms, 0.5):6.1f} ms  p99 {percentile(values_ms, 0.99):6.1f} ms  "
        f"max {max(values_ms, default=float('nan')):6.1f} ms"
    )


@dataclass
class Result:
    """What one scenario measured."""

    scenario: Scenario
    latencies_ms: list[float]
    by_server_ms: list[list[float]]
    first_ms: list[float]
    spread_ms: list[float]
    post_ms: list[float]
    expected: int
    events_per_webhook: float
    disconnects: int
    server_cpu_ms_per_webhook: float
    client_cpu_ms_per_webhook: float

    @property
    def p99(self) -> float:
        """p99 of every delivery, in ms."""
        return percentile(self.latencies_ms, 0.99)

    @property
    def p50(self) -> float:
        """Median of every delivery, in ms."""
        return percentile(self.latencies_ms, 0.5)


def signed_form(
    seq: int, marker: str, exchange: str, customer: int | None = None, body: str | None = None
) -> tuple[dict[str, str], str]:
    """Inbound webhook number seq from customer +1 415 EXCHANGE <customer> (default: seq, a new one)."""
    sid = "SM" + uuid.uuid4().hex
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": f"+1415{exchange}{seq if customer is None else customer:04d}",
        "To": "+15005550006",
        "Body": body if body is not None else f"Where is my order? {marker} #{seq}",
        "NumMedia": "0",
        "NumSegments": "1",
    }
    return form, compute_signature(AUTH_TOKEN, f"{PUBLIC_URL}/webhooks/twilio/sms", form)


def open_ongoing_conversations(base: str, token: str, count: int, marker: str, exchange: str) -> None:
    """--ongoing: customers 0..count-1 ask for a person, and an agent takes each conversation (open:
    the bot stays silent, so each later text is one message.created and one conversation.updated)."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    for customer in range(count):
        form, signature = signed_form(-1, marker, exchange, customer, body="AGENT")
        response = http.post(
            f"{base}/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}, timeout=30
        )
        if response.status_code != 200:
            raise BenchError(f"opening conversation {customer} answered {response.status_code}")
    me = http.get(f"{base}/api/v1/me", timeout=30).json()["id"]
    pending = http.get(f"{base}/api/v1/conversations?folder=needs_agent&limit=200", timeout=30).json()["data"]
    for conversation in pending:
        http.patch(f"{base}/api/v1/conversations/{conversation['id']}", json={"assignee_id": me}, timeout=30)


def start_clients(args: argparse.Namespace, urls: list[str], token: str, marker: str) -> list[ClientProcess]:
    """Start the client processes; each takes its share of --clients."""
    procs = max(1, min(args.client_procs, args.clients))
    share, extra = divmod(args.clients, procs)
    started, first = [], 0
    for i in range(procs):
        count = share + (1 if i < extra else 0)
        command = [sys.executable, str(CLIENTS_SCRIPT), *urls]
        command += ["--count", str(count), "--first", str(first), "--marker", marker, "--origin", PUBLIC_URL]
        command += ["--kind", args.client]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "BENCH_TOKEN": token},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(ClientProcess(process))
        first += count
    return started


def wait_connected(clients: list[ClientProcess]) -> None:
    """Wait for every client process's READY line; all clients must have connected."""
    failed = 0
    for client in clients:
        line = client.next_line(timeout=120)
        if not line.startswith("READY "):
            raise BenchError(f"unexpected line from a client process: {line!r}")
        failed += int(line.split()[2])
    if failed:
        raise BenchError(f"{failed} clients could not connect")


def collect(clients: list[ClientProcess]) -> list[dict[str, Any]]:
    """Send STOP and read every client's report."""
    for client in clients:
        assert client.process.stdin is not None
        client.process.stdin.write("STOP\n")
        client.process.stdin.flush()
    reports: list[dict[str, Any]] = []
    for client in clients:
        reports.extend(json.loads(client.next_line(timeout=60)))
    return reports


def run_scenario(
    args: argparse.Namespace,
    scenario: Scenario,
    env: dict[str, str],
    token: str,
    workdir: Path,
    exchange: str,
) -> Result:
    """Start the servers and clients, post the webhooks (from numbers +1 415 EXCHANGE ….), and measure."""
    per_process = -(-args.clients // scenario.processes)
    if scenario.redis:
        env = {**env, "REDIS_URL": args.redis_url}
    servers = [
        Server(name, free_port(), workdir / f"{scenario.key}-{name}.log")
        for name in "AB"[: scenario.processes]
    ]
    clients: list[ClientProcess] = []
    marker = uuid.uuid4().hex[:10]
    try:
        for server in servers:
            server.start(args.server, per_process + 32, env)
        for server in servers:
            server.wait_ready()
        if args.ongoing:
            open_ongoing_conversations(servers[0].base, token, args.ongoing, marker, exchange)
        clients = start_clients(args, [s.base for s in servers], token, marker)
        wait_connected(clients)
        time.sleep(0.5)
        http = requests.Session()
        target = f"{servers[0].base}/webhooks/twilio/sms"
        total = args.warmup + args.webhooks
        sent: dict[int, float] = {}
        post_ms: list[float] = []
        cpu_start = sum(s.cpu() for s in servers)
        client_cpu_start = sum(cpu_seconds(c.process.pid) for c in clients)
        for seq in range(total):
            customer = seq % args.ongoing if args.ongoing else None
            form, signature = signed_form(seq, marker, exchange, customer)
            start = time.time()
            response = http.post(target, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
            elapsed = time.time() - start
            if response.status_code != 200:
                raise BenchError(f"webhook {seq} answered {response.status_code}: {response.text[:300]}")
            if seq >= args.warmup:
                sent[seq] = start
                post_ms.append(elapsed * 1000)
            time.sleep(args.gap)
        time.sleep(args.settle)
        server_cpu = sum(s.cpu() for s in servers) - cpu_start
        client_cpu = sum(cpu_seconds(c.process.pid) for c in clients) - client_cpu_start
        reports = collect(clients)
    except BenchError:
        for server in servers:
            say(f"--- server {server.name} log (tail) ---\n{server.log_tail()}")
        raise
    finally:
        for client in clients:
            client.stop()
        for server in servers:
            server.stop()

    latencies: list[float] = []
    by_server: list[list[float]] = [[] for _ in servers]
    arrivals: dict[int, list[float]] = {seq: [] for seq in sent}
    for report in reports:
        for seq_text, received in report["received"].items():
            seq = int(seq_text)
            if seq in sent:
                ms = (received - sent[seq]) * 1000
                latencies.append(ms)
                by_server[report["url"]].append(ms)
                arrivals[seq].append(ms)
    first = [min(v) for v in arrivals.values() if v]
    spread = [max(v) - min(v) for v in arrivals.values() if v]
    return Result(
        scenario=scenario,
        latencies_ms=latencies,
        by_server_ms=by_server,
        first_ms=first,
        spread_ms=spread,
        post_ms=post_ms,
        expected=len(sent) * len(reports),
        events_per_webhook=sum(r["events"] for r in reports) / max(1, len(reports)) / total,
        disconnects=sum(r["disconnects"] for r in reports),
        server_cpu_ms_per_webhook=server_cpu * 1000 / total,
        client_cpu_ms_per_webhook=client_cpu * 1000 / total,
    )


def report(result: Result, args: argparse.Namespace) -> None:
    """Print one scenario's figures."""
    s = result.scenario
    say(
        f"== {s.title}: {args.clients} clients on {s.processes} process(es), "
        f"{len(result.post_ms)} webhooks to A, {args.gap * 1000:.0f} ms apart"
    )
    missing = result.expected - len(result.latencies_ms)
    say(
        f"  webhook → text shown at each client        {summary(result.latencies_ms)}   "
        f"({len(result.latencies_ms)} deliveries, {missing} missing, {result.disconnects} disconnects)"
    )
    if s.processes > 1:
        for index, values in enumerate(result.by_server_ms):
            where = "took the webhook" if index == 0 else "via Redis from A"
            say(f"    clients on {'AB'[index]} ({where:>16})       {summary(values)}")
    say(f"  first client reached                        {summary(result.first_ms)}")
    say(f"  fan-out spread, first → last client         {summary(result.spread_ms)}")
    say(f"  webhook POST answered                       {summary(result.post_ms)}")
    say(
        f"  per webhook: {result.events_per_webhook:.1f} events per client, "
        f"server CPU {result.server_cpu_ms_per_webhook:.1f} ms, "
        f"client-process CPU {result.client_cpu_ms_per_webhook:.1f} ms"
    )


def redis_reachable(url: str) -> str | None:
    """None when Redis answers a PING, else why not."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as error:
        return str(error)
    return None


@contextlib.contextmanager
def bench_database(url: str | None) -> Iterator[str]:
    """The given database URL, or a fresh SQLite file in a temporary directory removed afterwards."""
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="textdesk-bench-realtime-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'textdesk.db'}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="a short run: 20 webhooks per scenario, 3 warm-up"
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--webhooks", type=int, help="measured webhooks per scenario (default 100)")
    parser.add_argument("--warmup", type=int, help="webhooks sent first and not counted (default 5)")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds from one answer to the next POST")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait for stragglers")
    parser.add_argument("--client-procs", type=int, default=2, help="processes running the clients")
    parser.add_argument(
        "--client",
        choices=("light", "socketio"),
        default="light",
        help="light: the wire protocol over aiohttp; socketio: socketio.AsyncClient (realtime_clients.py)",
    )
    parser.add_argument("--database-url", help="default: a fresh temporary SQLite file")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("TEST_REDIS_URL")
        or os.environ.get("REDIS_URL")
        or "redis://127.0.0.1:6379/15",
    )
    parser.add_argument(
        "--server",
        choices=("gevent", "gthread", "werkzeug"),
        default="gevent",
        help="gunicorn's gevent worker (production, the default), its gthread worker, or `python app.py`",
    )
    parser.add_argument(
        "--ongoing",
        type=int,
        default=0,
        help="texts from this many customers whose conversations an agent has open (the bot is silent), "
        "instead of a new customer each time",
    )
    parser.add_argument(
        "--outbox",
        choices=("thread", "off"),
        default="thread",
        help="thread: the web processes deliver the bot's replies (simulator: 2 more updates each)",
    )
    parser.add_argument(
        "--scenarios", default=",".join(s.key for s in SCENARIOS), help="comma-separated subset"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of every scenario (fresh servers each time); the verdict uses the median p99",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.webhooks is None:
        args.webhooks = 20 if args.quick else 100
    if args.warmup is None:
        args.warmup = 3 if args.quick else 5
    return args


def conclude(results: list[Result], wanted: list[Scenario]) -> None:
    """The comparison and the verdict: per scenario, the median of its rounds' p50 and p99."""
    medians: dict[str, tuple[float, float]] = {}
    for scenario in wanted:
        rounds = [r for r in results if r.scenario.key == scenario.key]
        p50 = statistics.median(r.p50 for r in rounds)
        p99 = statistics.median(r.p99 for r in rounds)
        medians[scenario.key] = (p50, p99)
        if len(rounds) > 1:
            each = ", ".join(f"{r.p99:.1f}" for r in rounds)
            say(f"{scenario.title}: p99 of each round {each} ms → median p50 {p50:.1f}, p99 {p99:.1f} ms")
    if "one" in medians and "two-redis" in medians:
        (one50, one99), (two50, two99) = medians["one"], medians["two-redis"]
        say(
            f"two processes + Redis vs one process: p50 {two50:.1f} vs {one50:.1f} ms "
            f"({two50 - one50:+.1f}), p99 {two99:.1f} vs {one99:.1f} ms ({two99 - one99:+.1f})"
        )
    verdicts = ", ".join(
        f"{s.title} {medians[s.key][1]:.1f} ms ({'met' if medians[s.key][1] < GOAL_P99_MS else 'MISSED'})"
        for s in wanted
    )
    median_note = (
        " (median over rounds)"
        if any(len([r for r in results if r.scenario.key == s.key]) > 1 for s in wanted)
        else ""
    )
    say(f"goal: p99 under {GOAL_P99_MS:.0f} ms{median_note} — {verdicts}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    args = parse_args(argv)
    wanted = [s for s in SCENARIOS if s.key in args.scenarios.split(",")]
    if any(s.redis for s in wanted) and (why := redis_reachable(args.redis_url)):
        say(f"Redis at {args.redis_url} unreachable ({why}): the Redis scenarios are skipped")
        wanted = [s for s in wanted if not s.redis]
    results: list[Result] = []
    with bench_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as logs:
        env = base_env(database_url, args.outbox)
        flask_command(env, "init-db")
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        flask_command(env, "create-user", email, "--role", "admin")
        token = flask_command(env, "create-token", email).strip().splitlines()[-1]
        say(
            f"Realtime latency: {args.server} ({'gevent' if args.server == 'gevent' else 'threading'} mode), "
            f"{database_url.split(':', 1)[0]} database, "
            f"outbox {args.outbox}, {args.clients} websocket clients in {args.client_procs} process(es), "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run"
        )
        # Every text comes from a new customer (the same work each time: a new conversation, the bot's
        # reply, its delivery updates), each scenario of each round from its own block of numbers.
        exchanges = iter(random.sample(range(200, 1000), len(wanted) * args.repeat))
        for round_number in range(1, args.repeat + 1):
            if args.repeat > 1:
                say(f"-- round {round_number} of {args.repeat}")
            for scenario in wanted:
                result = run_scenario(args, scenario, env, token, Path(logs), f"{next(exchanges):03d}")
                report(result, args)
                results.append(result)
    conclude(results, wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
