"""Fixtures: a real `qms serve` process on loopback with its in-process CMIS simulator."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import datetime as dt
import functools
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import yaml

from integrations.cmis.simulator.data import DemoData, build_demo_data
from tests.hallclient import Device, Staff

ROOT = Path(__file__).resolve().parent.parent
SIM_CUSTOMERS = 3000
SIM_SEED = 2026


T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T], bound_s: float = 60) -> T:
    """Run a coroutine to its end, bounded, in a thread of its own: the main thread may
    hold a running loop already (Playwright's sync API does, once a browser test ran)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, bound_s)).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_service(name: str, reason: str) -> None:
    """Skip without a service, but fail in CI (QMS_REQUIRE_SERVICES=1): CI always runs them."""
    if os.environ.get("QMS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required here: {reason}")
    pytest.skip(f"{name} not available: {reason}")


def database_url(tmp: Path) -> str:
    """A new hall's database: a SQLite file in ``tmp``, or a throwaway PostgreSQL
    database with ``QMS_TEST_BACKEND=postgres+redis``."""
    if TEST_BACKEND == "postgres+redis":
        return kept_postgres_database()
    return f"sqlite:///{tmp / 'qms.db'}"


def hall_config(tmp: Path, sim_port: int, **over: object) -> Path:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["database"]["url"] = database_url(tmp)
    if TEST_BACKEND == "postgres+redis":
        raw["bus"]["url"] = require_redis()
    raw["cmis"]["simulator"].update(
        port=sim_port, customers=SIM_CUSTOMERS, seed=SIM_SEED, ledger=str(tmp / "ledger.jsonl")
    )
    # the bank simulator only where a test asks for it (tests/test_bank_hall.py): one more
    # process in every hall server would cost the suite its start-up
    raw["bank"]["simulator"].update(enabled=False, port=0, ledger=str(tmp / "bank.jsonl"))
    # notify: the gateway simulator likewise only where asked (tests/test_notify_server.py);
    # without it the notifier does not run and messages stay queued
    raw.setdefault("notify", {}).setdefault("simulator", {})["enabled"] = False
    for key, value in over.items():
        section, _, name = key.partition("__")
        raw[section][name] = value
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@functools.cache
def default_clips() -> Path:
    """The default hall's announcement clips, rendered once per test process: every hall
    starts with them in its ``data/audio`` (hard links), as a hall restarted on its own
    folder does, so a start does not spend ~0.4 s of CPU on 32 espeak-ng runs. Rendering
    from nothing is tested in tests/test_display_audio.py; a hall whose counters differ
    renders what it lacks, as in production."""
    from qms import config
    from qms.devices import announce

    folder = Path(tempfile.mkdtemp(prefix="qms-test-clips-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    announce.build_clips(config.load(ROOT / "config.yaml"), folder)
    return folder


def seed_clips(tmp: Path) -> None:
    """``default_clips`` into a new hall's folder (the server replaces, never edits, a
    file there, so the links are safe to share)."""
    audio = tmp / "data" / "audio"
    if not audio.exists():
        shutil.copytree(default_clips(), audio, copy_function=os.link)


class HallServer:
    """`qms serve` in a child process; waits for its start-up banner, never sleeps."""

    def __init__(
        self,
        tmp: Path,
        raw: dict[str, Any] | None = None,
        workers: int = 1,
        log_level: str = "warning",
        **over: object,
    ) -> None:
        self.tmp = tmp
        self.workers = workers
        self.log_level = log_level
        self.port = free_port()
        self.sim_port = free_port()
        self.config = hall_config(tmp, self.sim_port, **over)
        if raw is not None:
            self.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        self.cmis_url = f"http://127.0.0.1:{self.sim_port}"
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> HallServer:
        self.lines = queue.Queue()
        seed_clips(self.tmp)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qms",
                "serve",
                "--config",
                str(self.config),
                "--port",
                str(self.port),
                "--log-level",
                self.log_level,
                "--workers",
                str(self.workers),
            ],
            cwd=self.tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.pump = threading.Thread(target=self._pump, args=(self.proc,), daemon=True)
        self.pump.start()
        ready = 0
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                raise RuntimeError("qms serve did not start:\n" + "".join(self.log)) from None
            if line == "":
                raise RuntimeError("qms serve exited:\n" + "".join(self.log))
            if "hall ready" in line:
                ready += 1  # each worker says so
                if ready == self.workers:
                    return self

    def wait_line(self, text: str, bound_s: float = 10.0) -> str:
        """The next line of the server's output holding ``text``, waited for (bounded)."""
        deadline = time.monotonic() + bound_s
        while True:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line == "":
                raise RuntimeError("qms serve exited:\n" + "".join(self.log))
            if text in line:
                return line

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.log.append(line)
            self.lines.put(line)
        self.lines.put("")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as when the power goes."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()

    def wait_dead(self) -> None:
        assert self.proc is not None
        self.proc.wait(timeout=30)
        self.pump.join(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()

    def edit_config(self, change: Callable[[dict[str, Any]], object]) -> HallServer:
        """Change the config file before ``start`` (``change`` edits the parsed YAML)."""
        raw = yaml.safe_load(self.config.read_text(encoding="utf-8"))
        change(raw)
        self.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return self

    @contextlib.contextmanager
    def running(self) -> Iterator[HallServer]:
        """Started for the block, stopped after it whatever happens."""
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def restart(self) -> HallServer:
        self.wait_dead()
        return self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.pump.join(timeout=10)
            self.proc.stdout.close()


@pytest.fixture(scope="session")
def demo() -> DemoData:
    """The simulator's data set, rebuilt here exactly as the server builds it."""
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return build_demo_data(unit="PE0100", customers=SIM_CUSTOMERS, seed=SIM_SEED, today=today)


class Customers:
    """Hands out demo customers, each once per server, so tests never collide."""

    def __init__(self, demo: DemoData) -> None:
        self._all = list(demo.customers.values())
        self._used: set[str] = set()

    def take(
        self,
        *,
        invoices: int | None = None,
        min_invoices: int = 1,
        parity: str | None = None,
        cut: bool | None = None,
    ) -> str:
        for c in self._all:
            n = len(c.invoices)
            if c.code in self._used or n < min_invoices:
                continue
            if invoices is not None and n != invoices:
                continue
            if parity is not None and (int(c.book_code[-1]) % 2 == 0) != (parity == "even"):
                continue
            if cut is not None and (c.supply == "CUT") != cut:
                continue
            self._used.add(c.code)
            return c.code
        raise LookupError("no demo customer left with these properties")

    def no_debt(self) -> str:
        for c in self._all:
            if not c.invoices and c.code not in self._used:
                self._used.add(c.code)
                return c.code
        raise LookupError("no customer without debt")


#: what a module's ``hall`` runs on: the embedded default, and PostgreSQL with the Redis
#: bus for the modules that set ``SCALE_OUT = True`` (they run once on each)
BACKENDS = ("sqlite+memory", "postgres+redis")
#: what every other hall of the suite runs on: ``QMS_TEST_BACKEND=postgres+redis`` runs the
#: whole suite's halls on PostgreSQL and Redis (docs/operations.md, "Tests")
TEST_BACKEND = os.environ.get("QMS_TEST_BACKEND", BACKENDS[0])
if TEST_BACKEND not in BACKENDS:
    raise pytest.UsageError(f"QMS_TEST_BACKEND is one of {', '.join(BACKENDS)}")
#: Redis databases a test run may claim; 0 holds the claims. Pub/sub channels are global to
#: a server and the bus names them by database, so two runs on one Redis (two checkouts'
#: suites at once) must not share a number: each would hear the other's halls.
REDIS_DATABASES = range(1, 16)
REDIS_CLAIM_TTL_S = 3 * 3600  # a run killed without cleaning up frees its number by then
REDIS_CLAIMS = "redis://127.0.0.1:6379/0"


@functools.cache
def redis_url() -> str:
    """The machine's Redis, on a database this test run has claimed for itself."""
    import redis

    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    try:
        with redis.Redis.from_url(REDIS_CLAIMS, socket_connect_timeout=2) as r:
            for db in REDIS_DATABASES:
                if r.set(f"qms-test:claim:{db}", token, nx=True, ex=REDIS_CLAIM_TTL_S):
                    atexit.register(_release_redis_claim, db, token)
                    return f"redis://127.0.0.1:6379/{db}"
    except redis.RedisError as exc:
        require_service("Redis at 127.0.0.1:6379", str(exc))
    require_service("a free Redis database", f"all of {REDIS_DATABASES} are claimed by other runs")
    raise AssertionError("unreachable")


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def _release_redis_claim(db: int, token: str) -> None:
    import redis

    with contextlib.suppress(redis.RedisError), redis.Redis.from_url(REDIS_CLAIMS) as r:
        r.eval(_RELEASE, 1, f"qms-test:claim:{db}", token)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "hall" in metafunc.fixturenames and getattr(metafunc.module, "SCALE_OUT", False):
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="module")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", TEST_BACKEND))


def require_redis() -> str:
    """The run's Redis URL, after a ping (skips, or fails in CI, without Redis)."""
    import redis

    url = redis_url()
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as r:
            r.ping()
    except redis.RedisError as exc:
        require_service("Redis at 127.0.0.1:6379", str(exc))
    return url


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("hall"))
    with contextlib.ExitStack() as stack:
        if backend == "postgres+redis":
            bus_url = require_redis()
            url = stack.enter_context(postgres_database())
            server.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus_url}))
        with server.running():
            yield server


@pytest.fixture(scope="module")
def customers(demo: DemoData, hall: HallServer) -> Customers:
    return Customers(demo)


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Staff]]:
    """API clients that set a page test's scene: the kiosk, both lookup counters, cashier2,
    the head cashier and the supervisor; cashier1's and cashier3's counters are left to
    the pages under test to sign in at."""
    p = {
        "kiosk": Device(hall.base, "demo-kiosk-1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c2": Staff(hall.base, "cashier2", "C2"),
        "head": Staff(hall.base, "head", "C4"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    yield p
    for s in p.values():
        s.close()


@pytest.fixture(scope="module")
def staff(hall: HallServer) -> Iterator[dict[str, Staff]]:
    """The hall's people, each signed in at their desk: c1..c4 are cashier counters."""
    people = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "c2": Staff(hall.base, "cashier2", "C2"),
        "c3": Staff(hall.base, "cashier3", "C3"),
        "c4": Staff(hall.base, "head", "C4"),
        "sup": Staff(hall.base, "supervisor", None),
        "kiosk": Device(hall.base, "demo-kiosk-1"),
    }
    for code in ("c1", "c2", "c3", "c4"):
        people[code].open_drawer()
    yield people
    for person in people.values():
        person.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian chromium for the session (skips locally without it)."""
    import shutil

    from tests.browser import ARGS, CHROMIUM

    if not shutil.which(CHROMIUM):
        require_service("chromium", f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway database on the machine's PostgreSQL, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"qms_test_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        require_service("PostgreSQL at 127.0.0.1:5432", str(exc))
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def kept_postgres_database() -> str:
    """A throwaway database for a hall built from ``hall_config``, dropped at exit (a
    connection held for each, as ``postgres_database`` does, would use up the server's)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"qms_test_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        require_service("PostgreSQL at 127.0.0.1:5432", str(exc))
    if not _KEPT:
        atexit.register(_drop_kept)
    _KEPT.append(name)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_KEPT: list[str] = []


def _drop_kept() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        for name in _KEPT:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


#: the longest modules, run first: a broken one fails early, and under pytest-xdist
#: (`pytest -n 2 --dist loadfile`) they run beside the rest
LONGEST = ("tests/test_chaos.py", "tests/test_hall_day.py", "tests/test_races.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0]
        return LONGEST.index(module) if module in LONGEST else len(LONGEST)

    items.sort(key=rank)  # stable: the order within and among the others stays
