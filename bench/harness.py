"""Shared pieces of the benchmarks: a real `qms serve` child process on loopback, a small
HTTP/1.1 client, websocket view clients, the demo data, percentiles and machine facts.

Percentiles are nearest-rank: the p-th percentile of n sorted samples is the sample of
rank ceil(p/100 * n) (1-based), always one of the measured values, never interpolated.
Latencies are kept as integer microseconds (``time.perf_counter_ns() // 1000``) and
printed in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import queue
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from integrations.cmis.simulator.data import DemoData, SimCustomer, build_demo_data

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # config.yaml's timezone: the simulator's "today"
UNIT = "PE0100"
SEED = 2026
KIOSK = "demo-kiosk-1"
DISPLAY = "demo-display-1"
# the cashier counters and who sits at them (the head cashier works C4)
CASHIERS = (("cashier1", "C1"), ("cashier2", "C2"), ("cashier3", "C3"), ("head", "C4"))
PASSWORD = "demo123"


# --- numbers -----------------------------------------------------------------------------


def now_us() -> int:
    return time.perf_counter_ns() // 1000


def pct(values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile (see the module docstring)."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(us: int) -> str:
    return f"{us / 1000:.1f}"


def summary(values: Sequence[int]) -> dict[str, int]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p90": pct(values, 90),
        "p99": pct(values, 99),
        "max": max(values),
    }


def line(label: str, values: Sequence[int]) -> str:
    s = summary(values)
    return (
        f"{label}: n={s['n']} p50={ms(s['p50'])} ms p90={ms(s['p90'])} ms "
        f"p99={ms(s['p99'])} ms max={ms(s['max'])} ms"
    )


# --- the machine -------------------------------------------------------------------------


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def busy(seconds: float = 2.0) -> str:
    """How busy the machine's cores are right now (before a run: other people's work)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="utf-8") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return f"{1 - (i1 - i0) / max(1, t1 - t0):.0%} of {os.cpu_count()} cores over {seconds:g} s"


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for row in f:
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model}, {platform.machine()}), Python "
        f"{platform.python_version()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def source() -> str:
    """Which code runs: the commit, and whether the server's code differs from it."""
    if "BENCH_SOURCE" in os.environ:  # e.g. a clean `git archive` of a commit
        return os.environ["BENCH_SOURCE"]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "qms", "integrations", "printers"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown"
    changed = [row[3:] for row in dirty if row.strip()]
    return f"{commit}" + (f" with uncommitted changes to {', '.join(changed)}" if changed else "")


def wait_quiet(limit_s: float) -> float:
    """Wait (up to ``limit_s``) until the machine is quiet: under 15 % busy over 3 s, i.e.
    nobody else's tests running. Returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        m0 = machine_busy_s()
        time.sleep(3)
        if (machine_busy_s() - m0) / 3 / (os.cpu_count() or 1) < 0.15:
            break
    return time.perf_counter() - t0


def header(name: str) -> None:
    """The run's command, code, machine and load; with ``BENCH_QUIET_WAIT=S`` it first
    waits up to S seconds for the machine to be quiet (a shared machine)."""
    # a SIGTERM unwinds like an error, so the server child and temporary files go too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    limit = float(os.environ.get("BENCH_QUIET_WAIT", "0"))
    waited = wait_quiet(limit) if limit > 0 else 0.0
    print(f"# command: python -m bench.{name} {' '.join(sys.argv[1:])}")
    if waited > 3.5:
        print(f"# waited {waited:.0f} s for the machine to be quiet")
    print(f"# code: {source()}")
    print(f"# machine: {machine()}")
    print(f"# load before: {load()}; cpu busy before: {busy()}")


def footer() -> None:
    print(f"# load after: {load()}")


def raise_open_files(n: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(max(soft, n), hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def use_uvloop() -> None:
    """The load generator runs on uvloop when it is installed (uvicorn's own choice for the
    server): it keeps the client's share of the machine small."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


# --- demo data -----------------------------------------------------------------------------


def business_day() -> dt.date:
    return dt.datetime.now(TZ).date()


def demo(customers: int) -> DemoData:
    """The simulator's data, built exactly as the server builds it today."""
    return build_demo_data(unit=UNIT, customers=customers, seed=SEED, today=business_day())


def payers(data: DemoData) -> list[SimCustomer]:
    """Customers who owe something, in code order: each can be issued once per day."""
    return [c for c in data.customers.values() if c.invoices]


# --- the server ----------------------------------------------------------------------------


def no_kiosk_printer(raw: dict[str, Any]) -> None:
    """A config edit for diagnosis only: the kiosk prints no ticket."""
    for device in raw["devices"]:
        if device.get("kind") == "kiosk":
            device.pop("printer", None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for row in status.splitlines():
            if row.startswith("VmRSS:"):
                total += int(row.split()[1])
    return total


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class Server:
    """`qms serve` as a child process in a temporary folder; ready when every worker has
    printed its banner. ``over`` sets config keys: ``{"database": {"url": ...}}``; ``edit``
    changes the parsed config.yaml in place before it is written."""

    def __init__(
        self,
        *,
        customers: int = 10_000,
        workers: int = 1,
        over: dict[str, dict[str, Any]] | None = None,
        edit: Callable[[dict[str, Any]], None] | None = None,
        tmp: Path | None = None,
    ) -> None:
        self.tmp = tmp or Path(tempfile.mkdtemp(prefix="qms-bench-"))
        self.own_tmp = tmp is None
        self.port = free_port()
        self.sim_port = free_port()
        self.workers = workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        raw["database"]["url"] = f"sqlite:///{self.tmp / 'qms.db'}"
        sim = {"port": self.sim_port, "customers": customers, "seed": SEED}
        raw["cmis"]["simulator"].update(sim, ledger=str(self.tmp / "ledger.jsonl"))
        # BENCH_OVER='{"server": {"direct_frames": false}}': an A/B of a setting, one tree
        extra = json.loads(os.environ.get("BENCH_OVER", "{}"))
        for section, values in [*(over or {}).items(), *extra.items()]:
            if isinstance(raw.get(section), dict):
                raw[section].update(values)
            else:
                raw[section] = values
        if edit is not None:
            edit(raw)
        self.db_url: str = raw["database"]["url"]
        self.config = self.tmp / "config.yaml"
        self.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        self.proc: subprocess.Popen[str] | None = None
        self.log: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()

    def start(self, timeout: float = 120) -> Server:
        # BENCH_GCLOG=1: the same server, with its long garbage-collector pauses logged
        entry = "bench.gclog" if os.environ.get("BENCH_GCLOG") else "qms"
        # BENCH_SERVER_PYTHON: the server's interpreter, e.g. of a venv made as scripts/serve
        # makes it (no test tools, some of which httpx imports when they are there)
        python = os.environ.get("BENCH_SERVER_PYTHON", sys.executable)
        cmd = [python, "-m", entry, "serve", "--config", str(self.config)]
        cmd += ["--port", str(self.port), "--log-level", "warning"]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            cmd, cwd=self.tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._pump, daemon=True).start()
        self.day = business_day()
        ready, deadline = 0, time.monotonic() + timeout
        while ready < self.workers:
            try:
                row = self._lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError("qms serve did not start:\n" + "".join(self.log)) from None
            if row == "":
                self.stop()
                raise RuntimeError("qms serve exited:\n" + "".join(self.log))
            if "hall ready" in row:
                ready += 1
        return self

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for row in self.proc.stdout:
            self.log.append(row)
            self._lines.put(row)
        self._lines.put("")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def gc_pauses(self) -> list[str]:
        """The pauses ``bench.gclog`` logged (BENCH_GCLOG=1), else nothing."""
        return [row.strip() for row in self.log if row.startswith("gc: ")]

    def pids(self) -> list[int]:
        """The server process and its children (the workers of ``--workers``, the
        renderer), without the CMIS simulator: it stands in for a remote system, and its
        CPU and memory are given apart (``simulator_cpu_s``, ``simulator_rss_kib``)."""
        tree = self._tree()
        simulator = self._simulator(tree)
        return [p for p in tree if p not in simulator]

    def _tree(self) -> list[int]:
        out = [self.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) in out:
                    out.append(int(entry))
        return out

    def _simulator(self, tree: list[int] | None = None) -> list[int]:
        """The simulator child of the embedded default (``python -m qms.process.demo_cmis``)."""
        found = []
        for pid in self._tree() if tree is None else tree:
            try:
                if b"demo_cmis" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
            except OSError:
                continue
        return found

    def rss_kib(self, children: bool = True) -> int:
        """VmRSS of the server process (and of its workers, summed), in KiB; its children
        include the renderer (``python -m qms.devices.renderer``) once a print job has started it.
        ``children=False``: the server process alone. Never the CMIS simulator's."""
        return _rss_kib(self.pids() if children else [self.pid])

    def simulator_rss_kib(self) -> int:
        return _rss_kib(self._simulator())

    def cpu_s(self) -> float:
        """User + system CPU seconds used so far by the server process (and its workers)."""
        return _cpu_s(self.pids())

    def simulator_cpu_s(self) -> float:
        return _cpu_s(self._simulator())

    def stop(self) -> None:
        if self.proc and business_day() != self.day:
            print("# WARNING: the business day changed during the run: figures are void")
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Profile:
    """py-spy on the server over a stretch, when ``BENCH_PYSPY`` names a py-spy binary (it
    is not a project dependency): collapsed stacks go to ``BENCH_PROFILE_DIR/NAME.txt``
    (default /tmp); ``BENCH_PYSPY_ARGS`` adds options (``--gil``: only the thread holding
    the GIL, i.e. Python's CPU). A no-op otherwise, so the figures never carry the sampler's cost
    unless asked."""

    def __init__(self, server: Server, name: str) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        spy = os.environ.get("BENCH_PYSPY")
        if not spy:
            return
        out = Path(os.environ.get("BENCH_PROFILE_DIR", "/tmp")) / f"{name}.txt"
        cmd = [spy, "record", "--pid", str(server.pid), "--format", "raw", "-o", str(out)]
        cmd += ["--rate", "200", "--nonblocking", *os.environ.get("BENCH_PYSPY_ARGS", "").split()]
        if server.workers > 1:
            cmd.append("--subprocesses")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # py-spy attaches

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(2)  # SIGINT: py-spy writes its file and exits
            self.proc.wait(timeout=30)
            self.proc = None


def jobs_open(server: Server) -> int:
    """Print and LED jobs not yet done (queued or being sent), read from the server's
    SQLite file beside it (read-only; WAL lets it read while the server writes)."""
    path = server.db_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        row = db.execute(
            "SELECT count(*) FROM devicejob WHERE status IN ('queued', 'sending')"
        ).fetchone()
    return int(row[0])


def until_printed(server: Server, limit_s: float = 300) -> float:
    """Wait until every print job queued so far is done; returns the seconds waited
    (``limit_s`` at most)."""
    t0 = time.perf_counter()
    while jobs_open(server) and time.perf_counter() - t0 < limit_s:
        time.sleep(0.05)
    return time.perf_counter() - t0


def settle(server: Server, limit_s: float = 120) -> float:
    """Wait until the server is idle (under 5 % of a core over half a second): background
    work a stretch left behind (print jobs, CMIS postings) does not fall into the next.
    Returns the seconds waited; bounded by ``limit_s``."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        c0 = server.cpu_s()
        time.sleep(0.5)
        if server.cpu_s() - c0 < 0.025:
            break
    return time.perf_counter() - t0


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds) of every process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def helpers_cpu_s(server: Server) -> float:
    """CPU seconds of this process's descendants other than the server (a browser)."""
    table = _proc_table()
    skip = set(server.pids())
    mine = {os.getpid()}
    total = 0.0
    grew = True
    while grew:
        grew = False
        for pid, (ppid, cpu) in table.items():
            if ppid in mine and pid not in mine and pid not in skip:
                mine.add(pid)
                total += cpu
                grew = True
    return total


def services_cpu_s(names: tuple[str, ...] = ("postgres", "redis-server")) -> float:
    """CPU seconds of the machine's service processes by name (PostgreSQL, Redis)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            if comm.startswith(names):
                fields = raw.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (every process), from /proc/stat."""
    with open("/proc/stat", encoding="utf-8") as f:
        fields = [int(x) for x in f.readline().split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used over a stretch of wall time by the server, by this process, and by
    everything else on the machine (other people's work: a disturbed figure shows here)."""

    #: CPU seconds of helpers of ours, not "others": (label, function), e.g. a browser
    helpers: tuple[str, Callable[[], float]] | None = None

    def __init__(
        self, server: Server, extra: tuple[str, Callable[[], float]] | None = None
    ) -> None:
        self.server = server
        self.extra = extra or CpuMeter.helpers
        self.t0 = time.perf_counter()
        self.s0 = server.cpu_s()
        self.sim0 = server.simulator_cpu_s()
        self.c0 = time.process_time()
        self.m0 = machine_busy_s()
        self.e0 = self.extra[1]() if self.extra else 0.0

    def server_s(self) -> float:
        """CPU seconds the server has used since the meter started."""
        return self.server.cpu_s() - self.s0

    def report(self) -> str:
        wall = time.perf_counter() - self.t0
        server = (self.server.cpu_s() - self.s0) / wall
        client = (time.process_time() - self.c0) / wall
        extra = ((self.extra[1]() - self.e0) / wall) if self.extra else 0.0
        sim = (self.server.simulator_cpu_s() - self.sim0) / wall
        others = (machine_busy_s() - self.m0) / wall - server - client - extra - sim
        text = f"cpu over {wall:.1f} s: server {server:.0%} of a core, bench client {client:.0%}"
        if sim:
            text += f", CMIS simulator {sim:.0%}"
        if self.extra:
            text += f", {self.extra[0]} {extra:.0%}"
        return text + f", everything else {max(0.0, others):.0%}"


# --- HTTP ------------------------------------------------------------------------------------


class HttpError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.code = body.get("error", {}).get("code") if isinstance(body, dict) else None


class Http:
    """One keep-alive HTTP/1.1 connection, JSON in and out. Deliberately small: a load
    generator that costs little CPU leaves the server its core. Not safe for concurrent
    use: give each concurrent actor its own."""

    def __init__(self, base: str, token: str | None = None) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        for attempt in (0, 1):
            if self.writer is None:
                await self._connect()
            try:
                return await self._once(method, path, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _once(self, method: str, path: str, body: Any) -> Any:
        assert self.reader is not None and self.writer is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if self.token:
            head += f"Authorization: Bearer {self.token}\r\n"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        head += f"Content-Length: {len(data)}\r\n\r\n"
        self.writer.write(head.encode() + data)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length, close = 0, False
        for row in lines[1:]:
            name, _, value = row.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                raise RuntimeError("chunked answers are not supported here")
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        out = json.loads(payload) if payload else None
        if status >= 400:
            raise HttpError(status, out)
        return out

    async def post(self, path: str, body: Any = None) -> Any:
        return await self.request("POST", path, {} if body is None else body)

    async def get(self, path: str) -> Any:
        return await self.request("GET", path)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


async def sign_in(base: str, username: str, counter: str | None) -> Http:
    http = Http(base)
    out = await http.post(
        "/api/auth/login", {"username": username, "password": PASSWORD, "counter": counter}
    )
    http.token = out["token"]
    return http


async def cashiers(base: str, open_drawers: bool = True) -> list[tuple[str, Http]]:
    """The four cashier counters, each signed in; a call and F4 need an open drawer."""
    out = []
    for username, counter in CASHIERS:
        http = await sign_in(base, username, counter)
        if open_drawers:
            await http.post("/api/cash/drawer/open", {"float": 0})
        out.append((counter, http))
    return out


# --- websockets --------------------------------------------------------------------------


async def open_view(
    ws_url: str, token: str, view: str, *, deflate: bool = True
) -> tuple[Any, dict[str, Any]]:
    """auth, subscribe, and the snapshot: the connection and the snapshot frame. With
    ``deflate`` the client offers permessage-deflate, as browsers do."""
    import websockets

    ws = await websockets.connect(
        ws_url,
        open_timeout=30,
        max_queue=None,
        ping_interval=None,
        compression="deflate" if deflate else None,
    )
    await ws.send(json.dumps({"type": "auth", "token": token}))
    ready = json.loads(await ws.recv())
    if ready.get("type") != "ready":
        raise RuntimeError(f"websocket auth refused: {ready}")
    await ws.send(json.dumps({"type": "subscribe", "view": view}))
    snap = json.loads(await ws.recv())
    if snap.get("type") != "snapshot":
        raise RuntimeError(f"no snapshot: {snap}")
    return ws, snap


async def open_many(
    ws_url: str, token: str, view: str, n: int, *, deflate: bool = True, parallel: int = 50
) -> list[Any]:
    """``n`` subscribed connections, opened ``parallel`` at a time."""
    gate = asyncio.Semaphore(parallel)

    async def one() -> Any:
        async with gate:
            ws, _ = await open_view(ws_url, token, view, deflate=deflate)
            return ws

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def drain(ws: Any) -> int:
    """Read and drop every frame until the connection closes: a screen that keeps up."""
    import websockets

    n = 0
    try:
        async for _ in ws:
            n += 1
    except websockets.ConnectionClosed:
        pass
    return n
