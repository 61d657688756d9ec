"""Browser fixtures: a real `python app.py` per test module on its own database, driven in Debian's Chromium.

The database is prepared once per session with the CLI (init-db, create-user, create-token) and copied for
each module: a file copy on SQLite, `CREATE DATABASE … TEMPLATE …` on PostgreSQL
(TEXTDESK_TEST_DB=postgresql). Every page a test opens is watched: an uncaught JS error, a
Content-Security-Policy violation or a 5xx answer fails the test.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from inbox.config import ENV_KEYS
from tests.browser.helpers import ACCOUNTS, ADMIN, FAILURES, ROOT, TWILIO_TOKEN, Server
from tests.conftest import DB_KIND, postgres_url
from tests.processes import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"]
HERE = Path(__file__).resolve().parent
BRAND = "Browser Test Co"
SECRET_KEY = "browser-tests-secret-key"

PAGE_PROBLEMS = pytest.StashKey[list[str]]()
PAGE_CONSOLE = pytest.StashKey[list[str]]()
CONTEXTS = pytest.StashKey[list[BrowserContext]]()
SERVER = pytest.StashKey[Server]()

expect.set_options(timeout=8_000)


# --------------------------------------------------------------------------------------------------
# Skipping and reporting
# --------------------------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every browser test, saying why, when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: the browser tests drive Debian's Chromium (apt-get install chromium)"
    )
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail a test whose pages threw a JS error, broke the CSP or got a 5xx, even if it asserted nothing."""
    yield
    problems = item.stash.get(PAGE_PROBLEMS, [])
    if problems:
        pytest.fail("the page reported problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure: screenshot every open page and attach the browser console and the server log."""
    report: pytest.TestReport = yield
    if not report.failed or call.when == "teardown":
        return report
    contexts = item.stash.get(CONTEXTS, [])
    shots = []
    for index, page in enumerate(p for c in contexts for p in c.pages):
        FAILURES.mkdir(parents=True, exist_ok=True)
        path = FAILURES / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', item.name)}-{index}.png"
        try:
            page.screenshot(path=str(path))
            shots.append(f"{path.relative_to(ROOT)} ({page.url})")
        except Exception as error:  # a closed or crashed page must not hide the real failure
            shots.append(f"page {index}: no screenshot ({error})")
    if shots:
        report.sections.append(("failure screenshots", "\n".join(shots)))
    console = item.stash.get(PAGE_CONSOLE, [])
    if console:
        report.sections.append(("browser console", "\n".join(console[-60:])))
    server = item.stash.get(SERVER, None)
    if server is not None:
        report.sections.append(("textdesk server log (tail)", server.log_tail()))
    return report


# --------------------------------------------------------------------------------------------------
# The database template: prepared once per session with the CLI
# --------------------------------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    """The environment without any operator configuration of Textdesk."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(PYTHONUNBUFFERED="1", BRAND_NAME=BRAND, SECRET_KEY=SECRET_KEY, SMS_PROVIDER="simulator")
    return env


# The `flask --app app …` CLI, several commands in one interpreter (one Python start-up instead of five).
CLI_DRIVER = """
import json, sys
from flask.cli import cli
for args in json.loads(sys.argv[1]):
    print("$ flask " + " ".join(args), flush=True)
    cli.main(["--app", "app", *args], prog_name="flask", standalone_mode=False)
"""


def flask_cli(database_url: str, *commands: list[str]) -> str:
    """Run `flask --app app <command>` for each command against a database; returns the output."""
    result = subprocess.run(
        [sys.executable, "-c", CLI_DRIVER, json.dumps(commands)],
        cwd=ROOT,
        env={**base_env(), "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(f"the flask CLI failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


def prepare(database_url: str) -> tuple[str, dict[str, int]]:
    """Migrate, create the accounts and an admin API token; returns the token and the users' ids."""
    users = [
        ["create-user", a.email, "--role", a.role, "--password", a.password, "--name", a.name]
        for a in ACCOUNTS
    ]
    output = flask_cli(
        database_url, ["init-db"], *users, ["create-token", ADMIN.email, "--name", "browser tests"]
    )
    token = output.strip().splitlines()[-1]  # create-token prints the token on its last line
    engine = create_engine(database_url)
    with engine.connect() as conn:
        ids = {email: int(uid) for uid, email in conn.execute(text("SELECT id, email FROM users"))}
    engine.dispose()
    return token, ids


@dataclass(frozen=True)
class Template:
    """The prepared database every module starts from."""

    location: str  # SQLite: the file; PostgreSQL: the template database's name
    token: str
    user_ids: dict[str, int]


def admin_engine() -> tuple[str, Engine]:
    """The PostgreSQL server URL and an autocommit engine on it (to create and drop databases)."""
    url = postgres_url()
    return url, create_engine(url, isolation_level="AUTOCOMMIT")


def with_database(url: str, name: str) -> str:
    """The same server URL, another database."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """A migrated database with the test accounts, prepared once for the session."""
    if DB_KIND == "postgresql":
        url, engine = admin_engine()
        name = f"textdesk_browser_{os.getpid()}_template"
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            token, ids = prepare(with_database(url, name))
            yield Template(name, token, ids)
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()
        return
    path = tmp_path_factory.mktemp("browser-template") / "textdesk.db"
    token, ids = prepare(f"sqlite:///{path}")
    yield Template(str(path), token, ids)


# --------------------------------------------------------------------------------------------------
# The live servers: one per module, each on its own copy of the template; the next one starts early
# --------------------------------------------------------------------------------------------------


@dataclass
class Launch:
    """A started `python app.py` on its own database (perhaps not answering yet)."""

    process: subprocess.Popen[bytes]
    server: Server
    drop_database: Callable[[], None]

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait for /healthz to answer 200; fail with the server's log when it does not."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"python app.py exited with {self.process.returncode}:\n{self.server.log_tail()}",
                    pytrace=False,
                )
            try:
                if requests.get(f"{self.server.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"python app.py did not answer /healthz:\n{self.server.log_tail()}", pytrace=False
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the process and drop its database."""
        self.server.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.drop_database()


class Servers:
    """Starts each module's server on a fresh database, and the next module's while this one runs."""

    def __init__(self, template: Template, temp: pytest.TempPathFactory, modules: list[str]) -> None:
        self.template = template
        self.temp = temp
        self.modules = modules
        self.ahead: dict[str, Launch] = {}
        self.numbers = itertools.count(1)

    def new_database(self) -> tuple[str, Callable[[], None]]:
        """A copy of the template: a file on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL."""
        if DB_KIND == "postgresql":
            url, engine = admin_engine()
            name = f"textdesk_browser_{os.getpid()}_{next(self.numbers)}"
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template.location}"'))

            def drop() -> None:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()

            return with_database(url, name), drop
        folder = self.temp.mktemp("browser-db")
        source = Path(self.template.location)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", folder / f"textdesk.db{suffix}")
        return f"sqlite:///{folder / 'textdesk.db'}", lambda: None

    def launch(self) -> Launch:
        """Start `python app.py` on a free port, a fresh database, the simulator and signed webhooks."""
        database_url, drop = self.new_database()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **base_env(),
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "PUBLIC_URL": url,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        }
        log_path = self.temp.mktemp("browser-server") / "server.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        server = Server(
            url=url, token=self.template.token, user_ids=self.template.user_ids, log_path=log_path
        )
        return Launch(process, server, drop)

    def take(self, module: str) -> Launch:
        """This module's server, answering; then start the next module's in the background."""
        launch = self.ahead.pop(module, None) or self.launch()
        try:
            launch.wait_ready()
        except BaseException:
            launch.stop()
            raise
        later = self.modules[self.modules.index(module) + 1 :] if module in self.modules else []
        if later and later[0] not in self.ahead:
            self.ahead[later[0]] = self.launch()
        return launch

    def close(self) -> None:
        """Stop servers started ahead for modules that never ran (-x, interrupted runs)."""
        for launch in self.ahead.values():
            launch.stop()
        self.ahead.clear()


@pytest.fixture(scope="session")
def servers(
    template: Template, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Servers]:
    """The server starter, knowing which modules will want a server, in order."""
    modules: list[str] = []
    for item in request.session.items:
        if "server" in getattr(item, "fixturenames", ()) and str(item.path) not in modules:
            modules.append(str(item.path))
    pool = Servers(template, tmp_path_factory, modules)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def server(servers: Servers, request: pytest.FixtureRequest) -> Iterator[Server]:
    """This module's own `python app.py`, on its own fresh database."""
    launch = servers.take(str(request.path))
    try:
        yield launch.server
    finally:
        launch.stop()


@pytest.fixture(scope="module")
def hours_rule(server: Server) -> dict[str, Any]:
    """A keyword rule made through the API: "hours" gets the opening hours from the bot."""
    rule = {
        "name": "Opening hours",
        "keywords": ["hours", "opening hours", "when are you open"],
        "match": "phrase",
        "reply": "We're open Mon-Fri 9am-6pm and Sat 10am-4pm. Closed Sundays.",
        "action": "reply",
    }
    return server.send("POST", "rules", rule)


# --------------------------------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (no downloaded browsers)."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def watch(page: Page, item: pytest.Item, label: str) -> None:
    """Record a page's JS errors, CSP violations and 5xx answers against the test."""
    problems = item.stash.setdefault(PAGE_PROBLEMS, [])
    console = item.stash.setdefault(PAGE_CONSOLE, [])

    def on_console(message: ConsoleMessage) -> None:
        console.append(f"[{label}] {message.type}: {message.text}")
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"[{label}] CSP violation on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"[{label}] JS error on {page.url}: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"[{label}] {response.status} from {response.request.method} {response.url}")
            if response.status >= 500
            else None
        ),
    )


@pytest.fixture
def new_context(
    browser: Browser, server: Server, request: pytest.FixtureRequest
) -> Iterator[Callable[[], BrowserContext]]:
    """Make fresh browser contexts (separate cookies: separate people) on the live server."""
    item = request.node
    item.stash[SERVER] = server
    contexts = item.stash.setdefault(CONTEXTS, [])

    def make() -> BrowserContext:
        context = browser.new_context(base_url=server.url, viewport={"width": 1360, "height": 860})
        context.set_default_timeout(10_000)
        label = f"context {len(contexts) + 1}"
        context.on("page", lambda page: watch(page, item, label))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[[], BrowserContext]) -> BrowserContext:
    """A fresh browser context for this test."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A fresh page in this test's context."""
    return context.new_page()


@pytest.fixture
def second_page(new_context: Callable[[], BrowserContext]) -> Page:
    """A page in a second, separate context (another person at another computer)."""
    return new_context().new_page()
