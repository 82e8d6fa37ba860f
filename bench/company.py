"""Benchmark: a company of 30 halls on one central server (issue 29, item 5 and its Figures).

PostgreSQL + Redis bus + `qms serve --workers 2`, the CMIS simulator answering every call
``--latency-ms`` late (300 ms). The bench writes the company's config: branches
PE0101..PE0130 (``--halls``), each with one reception counter (R1), the two lookup
counters (LE even, LO odd), six cashier counters (C1-C6), their printers (files), and
three displays enrolled as devices; then it creates the 270 staff accounts through the
admin API (``POST /api/admin/staff``, each person then setting their own password), or
with ``qms user add`` on a tree without that API.

The month-start peak hour of every hall, at once:
- the hall opens the hour with ``--queue`` people already waiting (the month-start crowd;
  issued, their papers found, before the measured hour), each following their ticket on
  their phone: ~``--queue`` phones per hall (100) for the whole hour, as a waiting
  customer's phone joins at issue and leaves when the ticket is done;
- ``--tickets`` arrivals per hall (150), at seeded random times spread over the hour,
  each a ticket of one to three customers (75 % / 20 % / 5 %) issued by the reception
  clerk at R1 (every arrival its own request: nobody waits for the one before);
- the two lookup clerks press F9 for each paper of their parity as it comes;
- six cashiers each take a ticket every ``6 * 3600 / tickets`` seconds of the hour (the
  hall serves what arrives): call the next number, wait until its papers are found, F4;
- three displays per hall and every phone read every frame.

The hour may be compressed: ``--speed 6`` plays it in 10 minutes, every rate (arrivals,
service) six times the real one, so the load a second is the real peak's times six.

Measured over the hour: ticket issue p99, F4 p99, call -> display frame p99 (every
display of the hall), call -> the called customer's phone p99, and the company view's
update delay p99 (an F4 in a hall to the company view's ``company.hall`` frame that
counts it; see ``CompanyWatch``); CPU of the server (parent and workers), of PostgreSQL + Redis and
of the bench, the server's memory, and from them a hall's share and how many such halls
one core serves.

    python -m bench.company [--halls 30] [--tickets 150] [--queue 100] [--displays 3]
        [--speed 6] [--latency-ms 300] [--customers 16000] [--workers 2] [--no-phones]
        [--redis-db N (default: a database claimed as the tests claim theirs)]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bench import harness as h
from bench import scaleout as so
from integrations.cmis.simulator.data import SimCustomer, build_demo_data

PASSWORD = "Bench-2026-hall"  # the staff's own password, set at first sign-in
CASHIERS = 6
#: the company admin the first start creates (qms/usecases/auth.py DEMO_STAFF)
ADMIN = ("admin", h.PASSWORD)


@contextlib.contextmanager
def claimed_redis_db() -> Iterator[int]:
    """A Redis database no test run holds, claimed as tests/conftest.py claims one (the
    same keys in database 0), so flushing it wipes nobody's events."""
    import redis

    token = f"bench.company:{uuid.uuid4().hex}"
    with redis.Redis(host="127.0.0.1", port=6379, db=0) as r:
        for db in range(15, 0, -1):
            if r.set(f"qms-test:claim:{db}", token, nx=True, ex=3 * 3600):
                try:
                    yield db
                finally:
                    if r.get(f"qms-test:claim:{db}") == token.encode():
                        r.delete(f"qms-test:claim:{db}")
                return
    raise RuntimeError("every Redis database 1-15 is claimed by a test run")


# --- the company ---------------------------------------------------------------------------


def branch_id(i: int) -> str:
    """PE0101 .. PE0130."""
    return f"PE01{i + 1:02d}"


def display_token(branch: str, n: int) -> str:
    return f"bench-display-{branch.lower()}-{n}"


def staff_of(branch: str) -> list[tuple[str, str, str, str]]:
    """(username, full name, role, counter) of a hall's nine people."""
    low = branch.lower()
    people = [
        (f"{low}-r1", f"Lễ Tân {branch}", "reception", "R1"),
        (f"{low}-le", f"Tra Cứu Chẵn {branch}", "lookup", "LE"),
        (f"{low}-lo", f"Tra Cứu Lẻ {branch}", "lookup", "LO"),
    ]
    for n in range(1, CASHIERS + 1):
        people.append((f"{low}-c{n}", f"Thu Ngân {n} {branch}", "cashier", f"C{n}"))
    return people


def company(raw: dict[str, Any], halls: int, displays: int) -> None:
    """The config's organisation: ``halls`` branches and their devices, instead of the demo's."""
    branches, devices = [], []
    for i in range(halls):
        b = branch_id(i)
        low = b.lower()

        def printer(name: str, low: str = low) -> dict[str, Any]:
            path = f"data/prints/{low}-{name}.bin"
            return {"id": f"{low}-{name}", "backend": {"kind": "file", "path": path}, "paper": 80}

        counters = [
            {"code": "R1", "name": "Tiếp nhận", "kind": "reception", "printer": f"{low}-r1"},
            {"code": "LE", "name": "Tra cứu chẵn", "kind": "lookup", "parity": "even"},
            {"code": "LO", "name": "Tra cứu lẻ", "kind": "lookup", "parity": "odd"},
        ]
        counters += [
            {"code": f"C{n}", "name": f"Quầy {n}", "kind": "cashier", "printer": f"{low}-c{n}"}
            for n in range(1, CASHIERS + 1)
        ]
        branches.append(
            {
                "id": b,
                "name": f"Điện lực {i + 1:02d} — Phòng thu tiền",
                "collection_point": f"{b}-HALL1",
                "cmis_version": "2.0",
                "printers": [printer("r1"), *(printer(f"c{n}") for n in range(1, CASHIERS + 1))],
                "counters": counters,
            }
        )
        for n in range(1, displays + 1):
            sha = hashlib.sha256(display_token(b, n).encode()).hexdigest()
            devices.append(
                {"id": f"{low}-display-{n}", "kind": "display", "branch": b, "token_sha256": sha}
            )
    raw["branches"] = branches
    raw["devices"] = devices
    # the demo's bank and message gateway on ports of their own (another bench may hold 8790)
    raw["bank"]["simulator"]["port"] = h.free_port()
    raw["bank"]["statement_url"] = f"http://127.0.0.1:{raw['bank']['simulator']['port']}"
    raw["notify"]["simulator"]["port"] = h.free_port()


async def sign_in(base: str, username: str, counter: str | None, password: str) -> h.Http:
    http = h.Http(base)
    out = await http.post(
        "/api/auth/login", {"username": username, "password": password, "counter": counter}
    )
    http.token = out["token"]
    return http


async def enrol(server: h.Server, halls: int) -> str:
    """Every hall's staff; returns how. Through the admin API where it is: the account is
    created with a temporary password, and the person sets their own at first sign-in."""
    admin = await sign_in(server.base, *ADMIN[:1], None, ADMIN[1])
    try:
        await admin.get("/api/admin/staff")
    except h.HttpError as exc:
        if exc.status != 404:
            raise
        await admin.close()
        cli_enrol(server, halls)
        return "qms user add (no admin API on this tree)"
    gate = asyncio.Semaphore(4)

    async def one(branch: str, person: tuple[str, str, str, str]) -> None:
        username, name, role, counter = person
        async with gate:
            http = h.Http(server.base, admin.token)
            body = {
                "username": username,
                "full_name": name,
                "role": role,
                "branch": branch,
                "counters": [counter],
            }
            made = await http.post("/api/admin/staff", body)
            await http.close()
            own = await sign_in(server.base, username, None, made["temporary_password"])
            change = {"password": made["temporary_password"], "new_password": PASSWORD}
            await own.post("/api/auth/password", change)
            await own.post("/api/auth/logout")
            await own.close()

    await asyncio.gather(
        *(one(branch_id(i), p) for i in range(halls) for p in staff_of(branch_id(i)))
    )
    await admin.close()
    return "the admin API (POST /api/admin/staff, then each person's own password)"


def cli_enrol(server: h.Server, halls: int) -> None:
    """``qms user add`` for each person, four at a time."""

    def cmd(branch: str, person: tuple[str, str, str, str]) -> list[str]:
        username, name, role, _ = person
        return [
            *(sys.executable, "-m", "qms", "user", "add", username, "--role", role),
            *("--name", name, "--branch", branch, "--config", str(server.config)),
        ]

    todo = [cmd(branch_id(i), p) for i in range(halls) for p in staff_of(branch_id(i))]
    while todo:
        batch, todo = todo[:4], todo[4:]
        procs = [
            subprocess.Popen(c, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
            for c in batch
        ]
        for p in procs:
            p.communicate(PASSWORD + "\n", timeout=120)
            if p.returncode:
                raise RuntimeError(f"qms user add failed: {p.args}")


# --- one hall ----------------------------------------------------------------------------


class Hall:
    """One branch's people, its queue as the bench knows it, and its timings."""

    def __init__(self, branch: str, people: list[SimCustomer], rng: random.Random) -> None:
        self.branch = branch
        self.people = iter(people)
        self.rng = rng
        self.desks: dict[str, h.Http] = {}
        self.reception_token = ""
        self.lookups: dict[str, asyncio.Queue[tuple[int, int]]] = {
            "even": asyncio.Queue(),
            "odd": asyncio.Queue(),
        }
        self.missing: dict[int, int] = {}
        self.ready: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.called_at: dict[int, int] = {}  # number -> when its call was sent (µs)
        self.collected_at: list[tuple[int, int]] = []  # (F4 sent (µs), payments since)
        self.payments = 0
        self.tickets = 0

    def customers_for_next(self) -> list[SimCustomer]:
        r = self.rng.random()
        k = 1 if r < 0.75 else 2 if r < 0.95 else 3
        return [next(self.people) for _ in range(k)]


class Run:
    """What every hall's actors share: the clock of the hour, latencies, frames' arrivals."""

    def __init__(self, base: str, ws_base: str) -> None:
        self.base = base
        self.ws_base = ws_base
        self.lat: dict[str, list[int]] = defaultdict(list)
        self.measuring = False
        self.display_seen: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.phone_seen: dict[tuple[str, int], int] = {}
        self.phones_open = 0
        self.phones_max = 0
        self.phones_refused = 0
        self.phone_tasks: set[asyncio.Task[None]] = set()
        self.errors: list[str] = []
        self.phones = True
        self.reopened = 0

    async def timed(self, what: str, http: h.Http, path: str, body: Any = None) -> Any:
        t0 = h.now_us()
        out = await http.post(path, body)
        if self.measuring:
            self.lat[what].append(h.now_us() - t0)
        return out


async def issue(run: Run, hall: Hall) -> None:
    """One arrival at reception: a ticket, its papers to the clerks, a phone following it."""
    people = hall.customers_for_next()
    http = h.Http(run.base, hall.reception_token)
    try:
        t = await run.timed("issue", http, "/api/tickets", {"customers": [c.code for c in people]})
    finally:
        await http.close()
    hall.tickets += 1
    papers = [(inv.invoice_id, c.book_is_even) for c in people for inv in c.invoices]
    hall.missing[t["number"]] = len(papers)
    for invoice_id, even in papers:
        hall.lookups["even" if even else "odd"].put_nowait((t["number"], invoice_id))
    if not papers:
        hall.ready[t["number"]].set()
    if run.phones:
        task = asyncio.create_task(phone(run, hall.branch, t["number"], t["follow_token"]))
        run.phone_tasks.add(task)
        task.add_done_callback(run.phone_tasks.discard)


async def phone(run: Run, branch: str, number: int, token: str) -> None:
    """A customer's phone on the follow page's socket until the ticket is done."""
    import websockets

    try:
        ws = await websockets.connect(
            f"{run.ws_base}/t/{token}/ws", open_timeout=60, max_queue=None, ping_interval=None
        )
    except (OSError, websockets.WebSocketException) as exc:
        run.errors.append(f"phone {branch}/{number}: {exc!r}")
        return
    run.phones_open += 1
    run.phones_max = max(run.phones_max, run.phones_open)
    try:
        async for raw in ws:
            msg = json.loads(raw)
            if msg.get("type") == "error":
                run.phones_refused += 1
            elif msg.get("view", {}).get("status") == "serving":
                run.phone_seen.setdefault((branch, number), h.now_us())
    except websockets.ConnectionClosed:
        pass
    finally:
        run.phones_open -= 1
        await ws.close()


async def lookup(run: Run, hall: Hall, parity: str, http: h.Http) -> None:
    path = "/api/tickets/{}/invoices/{}/found"
    queue = hall.lookups[parity]
    while True:
        number, invoice_id = await queue.get()
        if number < 0:
            return
        await run.timed("F9", http, path.format(number, invoice_id))
        hall.missing[number] -= 1
        if hall.missing[number] == 0:
            hall.ready[number].set()


async def cashier(run: Run, hall: Hall, counter: str, every_s: float, until: float) -> None:
    """A ticket every ``every_s``: call the next number, its papers, F4."""
    http = hall.desks[counter]
    base = f"/api/counters/{counter}"
    await asyncio.sleep(hall.rng.uniform(0, every_s))  # the counters are not in step
    while time.perf_counter() < until:
        start = time.perf_counter()
        t0 = h.now_us()
        try:
            t = await run.timed("call", http, f"{base}/call-next")
        except h.HttpError as exc:
            if exc.code != "queue_empty":
                raise
            await asyncio.sleep(min(1.0, every_s))
            continue
        hall.called_at[t["number"]] = t0
        await hall.ready[t["number"]].wait()
        invoices = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
        body = {
            "invoices": [i["invoice_id"] for i in invoices],
            "amount": sum(i["total"] for i in invoices),
        }
        f0 = h.now_us()
        out = await run.timed("F4", http, f"{base}/collect", body)
        hall.payments += len(out["payments"])
        if run.measuring:
            hall.collected_at.append((f0, hall.payments))
        await asyncio.sleep(max(0.0, every_s - (time.perf_counter() - start)))


async def display(run: Run, server: h.Server, branch: str, n: int, ws: Any) -> None:
    """A hall display: every frame read; when each call's frame came. Closed by the
    server, it opens again, as the display page does (counted in ``run.reopened``)."""
    import websockets

    while True:
        try:
            async for raw in ws:
                if '"ticket.called"' not in raw:
                    continue
                msg = json.loads(raw)
                ticket = msg.get("data", {}).get("ticket") if msg.get("type") == "event" else None
                if msg.get("event") == "ticket.called" and isinstance(ticket, dict):
                    run.display_seen[(branch, ticket["number"])].append(h.now_us())
        except websockets.ConnectionClosed:
            pass
        run.reopened += 1
        try:
            ws, _ = await h.open_view(server.ws_url, display_token(branch, n), "display")
        except (OSError, RuntimeError, websockets.WebSocketException) as exc:
            run.errors.append(f"display {branch}/{n} could not reopen: {exc!r}")
            return


# --- the company view (another engineer's work: GET /api/company, "company.hall") ---------


class CompanyWatch:
    """The company view's update delay, as a finance manager's page sees it: one company
    socket (``/ws/company``, view ``company``) for every hall. The delay of an F4 in hall
    X is from its request to the first ``company.hall`` frame of X whose day's payments
    (``money.net_count``) include it. On a tree without the company view (no
    ``GET /api/company``) the figure is "not measured"."""

    def __init__(self, base: str, ws_url: str) -> None:
        self.base, self.ws_url = base, ws_url
        self.frames: dict[str, list[tuple[int, int]]] = defaultdict(list)  # (at, payments)
        self.missing = ""
        self.ws: Any = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        http = await sign_in(self.base, ADMIN[0], None, ADMIN[1])
        try:
            await http.get("/api/company")
        except h.HttpError as exc:
            if exc.status != 404:
                raise
            self.missing = "no GET /api/company on this tree"
            return
        finally:
            await http.close()
        self.ws, _ = await h.open_view(f"{self.ws_url}/company", str(http.token), "company")
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import websockets

        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                msg = json.loads(raw)
                if msg.get("type") == "company.hall":
                    hall = msg["hall"]
                    count = hall["money"]["net_count"]
                    self.frames[hall["branch"]].append((h.now_us(), count))

    def delays(self, halls: list[Hall]) -> tuple[list[int], int]:
        """(delays, F4s no frame showed)."""
        out, unseen = [], 0
        for hall in halls:
            frames = self.frames.get(hall.branch, [])
            for sent, paid in hall.collected_at:
                at = next((t for t, n in frames if n >= paid and t >= sent), None)
                if at is None:
                    unseen += 1
                else:
                    out.append(at - sent)
        return out, unseen

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.ws is not None:
            await self.ws.close()


# --- the run -------------------------------------------------------------------------------


async def open_hall(run: Run, server: h.Server, hall: Hall, displays: int) -> list[tuple[int, Any]]:
    """Everyone at their desk (drawers open), and the hall's displays connected."""
    for username, _, role, counter in staff_of(hall.branch):
        http = await sign_in(server.base, username, counter, PASSWORD)
        if role == "cashier":
            await http.post("/api/cash/drawer/open", {"float": 0})
        hall.desks[counter] = http
    hall.reception_token = str(hall.desks["R1"].token)
    screens = []
    for n in range(1, displays + 1):
        ws, _ = await h.open_view(server.ws_url, display_token(hall.branch, n), "display")
        screens.append((n, ws))
    return screens


async def arrivals(run: Run, hall: Hall, times: list[float], t0: float) -> None:
    tasks = []
    for at in times:
        await asyncio.sleep(max(0.0, t0 + at - time.perf_counter()))
        tasks.append(asyncio.create_task(issue(run, hall)))
    await asyncio.gather(*tasks)


def call_delays(run: Run, halls: list[Hall]) -> tuple[list[int], list[int], list[int], int]:
    """(call -> each display's frame, call -> slowest display, call -> phone, calls missed)."""
    every, slowest, phones, missed = [], [], [], 0
    for hall in halls:
        for number, sent in hall.called_at.items():
            seen = [t - sent for t in run.display_seen.get((hall.branch, number), [])]
            if not seen:
                missed += 1
                continue
            every += seen
            slowest.append(max(seen))
            if (hall.branch, number) in run.phone_seen:
                phones.append(run.phone_seen[(hall.branch, number)] - sent)
    return every, slowest, phones, missed


async def measure(server: h.Server, args: argparse.Namespace) -> dict[str, Any]:
    h.raise_open_files(20_000)
    data = build_demo_data(
        unit=branch_id(0), customers=args.customers, seed=h.SEED, today=h.business_day()
    )
    payers = h.payers(data)
    rng = random.Random(2026)
    halls = [Hall(branch_id(i), payers[i :: args.halls], rng) for i in range(args.halls)]
    run = Run(server.base, server.base.replace("http://", "ws://"))
    run.phones = not args.no_phones

    rss_start = server.rss_kib()
    t = time.perf_counter()
    how = await enrol(server, args.halls)
    print(f"  staff: {9 * args.halls} accounts in {time.perf_counter() - t:.0f} s through {how}")
    screens: list[tuple[str, int, Any]] = []
    for hall in halls:
        opened = await open_hall(run, server, hall, args.displays)
        screens += [(hall.branch, n, ws) for n, ws in opened]
    readers = [asyncio.create_task(display(run, server, b, n, ws)) for b, n, ws in screens]
    clerks = [
        asyncio.create_task(lookup(run, hall, p, hall.desks[c]))
        for hall in halls
        for p, c in (("even", "LE"), ("odd", "LO"))
    ]

    # the crowd at the door: the queue the hour starts with, each with a phone following
    t = time.perf_counter()
    gate = asyncio.Semaphore(16)

    async def early(hall: Hall) -> None:
        async with gate:
            await issue(run, hall)

    await asyncio.gather(*(early(hall) for hall in halls for _ in range(args.queue)))
    for hall in halls:
        await asyncio.gather(*(hall.ready[n].wait() for n in list(hall.missing)))
    print(
        f"  the queue at the hour's start: {args.queue} tickets a hall issued and found in "
        f"{time.perf_counter() - t:.0f} s; {run.phones_open} phones following"
    )
    watch = CompanyWatch(server.base, server.ws_url)
    await watch.start()
    await asyncio.to_thread(h.settle, server, 60)  # the screens go on reading meanwhile
    rss_before = server.rss_kib()

    hour_s = 3600 / args.speed
    every_s = CASHIERS * hour_s / args.tickets
    # --minutes: the hour's first minutes only, at its rates (the steady state, sooner)
    window_s = hour_s if args.minutes is None else min(hour_s, args.minutes * 60)
    profile = h.Profile(server, "company")
    meter = h.CpuMeter(server)
    services0 = h.services_cpu_s()
    run.measuring = True
    t0 = time.perf_counter()
    until = t0 + window_s
    times = {
        hall.branch: sorted(
            t for t in (rng.uniform(0, hour_s) for _ in range(args.tickets)) if t < window_s
        )
        for hall in halls
    }
    comers = [asyncio.create_task(arrivals(run, hall, times[hall.branch], t0)) for hall in halls]
    tills = [
        asyncio.create_task(cashier(run, hall, f"C{n}", every_s, until))
        for hall in halls
        for n in range(1, CASHIERS + 1)
    ]
    phones_sampled: list[int] = []
    while time.perf_counter() < until:
        await asyncio.sleep(5)
        phones_sampled.append(run.phones_open)
    await asyncio.gather(*comers, *tills)
    wall = time.perf_counter() - t0
    run.measuring = False
    server_cpu = meter.server_s()
    services = h.services_cpu_s() - services0
    cpu = meter.report()
    profile.stop()
    rss_after = server.rss_kib()
    waiting = sum(len([n for n in hall.missing if n not in hall.called_at]) for hall in halls)

    for hall in halls:
        for q in hall.lookups.values():
            q.put_nowait((-1, -1))
    await asyncio.gather(*clerks)
    await watch.stop()
    for task in (*readers, *run.phone_tasks):
        task.cancel()
    for task in readers:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    for *_, ws in screens:
        await ws.close()
    for hall in halls:
        for http in hall.desks.values():
            await http.close()
    every, slowest, phones, missed = call_delays(run, halls)
    return {
        "wall": wall,
        "every_s": every_s,
        "lat": run.lat,
        "every": every,
        "slowest": slowest,
        "phones": phones,
        "missed": missed,
        "company": watch.delays(halls),
        "company_missing": watch.missing,
        "calls": sum(len(hall.called_at) for hall in halls),
        "issued": sum(hall.tickets for hall in halls),
        "waiting": waiting,
        "phones_open": phones_sampled,
        "phones_max": run.phones_max,
        "phones_refused": run.phones_refused,
        "errors": run.errors,
        "reopened": run.reopened,
        "cpu": cpu,
        "server_cpu": server_cpu,
        "services_cpu": services,
        "rss_start": rss_start,
        "rss_before": rss_before,
        "rss_after": rss_after,
    }


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    halls, wall = args.halls, r["wall"]
    print(
        f"  the hour: {wall:.0f} s ({args.speed:g}x), {r['issued'] - halls * args.queue} "
        f"tickets issued in it, {r['calls']} calls (a cashier every {r['every_s']:.1f} s); "
        f"{r['waiting']} waiting at the end"
    )
    for what in ("issue", "F9", "call", "F4"):
        if r["lat"][what]:
            print("  " + h.line(f"{what:>5}", r["lat"][what]))
    if r["every"]:
        print("  " + h.line("call -> display frame, every display", r["every"]))
        print("  " + h.line("call -> display frame, slowest of the hall's", r["slowest"]))
    print(f"  displays reopened after the server closed them: {r['reopened']}")
    if r["missed"]:
        print(f"  calls no display of the hall showed: {r['missed']}")
    if r["phones"]:
        print("  " + h.line("call -> the customer's phone", r["phones"]))
    company, unseen = r["company"]
    if company:
        print("  " + h.line("F4 -> the company view's frame of the hall", company))
        print(f"  F4s no company frame showed before the end: {unseen}")
    else:
        print(f"  company view update delay: not measured ({r['company_missing'] or 'no frames'})")
    opened = r["phones_open"] or [0]
    print(
        f"  phones following: {min(opened)}-{max(opened)} open (sampled every 5 s), "
        f"{r['phones_max']} at most; {r['phones_refused']} refused; errors {len(r['errors'])}"
        + (f" (first: {r['errors'][0]})" if r["errors"] else "")
    )
    print(f"  {r['cpu']}")
    server = r["server_cpu"] / wall
    services = r["services_cpu"] / wall
    per_hall = (server + services) / halls
    print(
        f"  a hall's share: server {server / halls:.1%} of a core, PostgreSQL + Redis "
        f"{services / halls:.1%} (every postgres and redis process of the machine); "
        f"one core serves {1 / per_hall:.0f} such halls at {args.speed:g}x the peak, "
        f"{args.speed / per_hall:.0f} at the real peak (CPU alone)"
    )
    start, after = r["rss_start"] / 1024, r["rss_after"] / 1024
    print(
        f"  server VmRSS (parent + workers + renderer): {start:.0f} MiB after start, "
        f"{r['rss_before'] / 1024:.0f} MiB with everyone connected, {after:.0f} MiB after the "
        f"hour: {after / halls:.1f} MiB a hall, {(after - start) / halls:.1f} MiB a hall "
        "over the started server"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--halls", type=int, default=30)
    p.add_argument("--tickets", type=int, default=150, help="arrivals a hall in the hour")
    p.add_argument("--queue", type=int, default=100, help="waiting (with phones) at the start")
    p.add_argument("--displays", type=int, default=3, help="a hall's")
    p.add_argument("--no-phones", action="store_true", help="nobody follows a ticket")
    p.add_argument("--speed", type=float, default=6.0, help="the hour played this much faster")
    p.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="play only the hour's first minutes (wall clock), at its rates",
    )
    p.add_argument("--latency-ms", type=int, default=300, help="CMIS's answer time")
    p.add_argument("--customers", type=int, default=16_000, help="CMIS simulator's")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--redis-db",
        type=int,
        default=0,
        help="Redis database (default: one claimed as tests claim)",
    )
    args = p.parse_args()
    h.use_uvloop()
    h.header("company")
    h.CpuMeter.helpers = ("PostgreSQL + Redis", h.services_cpu_s)
    print(
        f"## {args.halls} halls (R1, LE, LO, C1-C{CASHIERS}, {args.displays} displays), "
        f"PostgreSQL + Redis, qms serve --workers {args.workers}, CMIS at {args.latency_ms} ms; "
        f"the peak hour at {args.speed:g}x: {args.tickets} arrivals a hall, {args.queue} "
        "waiting at the start"
    )
    with contextlib.ExitStack() as stack:
        if not args.redis_db:
            args.redis_db = stack.enter_context(claimed_redis_db())
        so.flush_redis(args.redis_db)
        go(args)
    h.footer()


def go(args: argparse.Namespace) -> None:

    def edit(raw: dict[str, Any]) -> None:
        company(raw, args.halls, args.displays)
        raw["cmis"]["simulator"]["faults"] = {"latency_ms": args.latency_ms}

    with so.throwaway_database() as url:
        opts = so.options(url, args)
        with h.Server(customers=args.customers, edit=edit, **opts) as server:  # type: ignore[arg-type]
            r = asyncio.run(measure(server, args))
    report(r, args)


if __name__ == "__main__":
    main()
