"""Clients reconnecting at random during a burst all end at the same ``seq`` and state.

Why: the hall's screens (displays, lookup and cashier counters, the supervisor) lose
their connection all day long: Wi-Fi drops, a display reboots, a browser tab is closed
mid-snapshot. Each time, docs/protocol.md's client rules (keep ``last``; on reconnect
``auth`` then ``subscribe`` with ``since: last``; take a snapshot when one comes) must
bring the screen back to exactly what the hall is, while the hall keeps changing. The
other protocol tests reconnect once, in a quiet hall; this one reconnects a dozen
clients hundreds of times, at moments picked by a seeded rng, while the kiosk issues
tickets, the lookup counters press F10 and F9, and four cashiers call, recall, park and
collect from threads.

Each client disconnects after a random number of frames (sometimes none: right after
its subscribe), with a clean close handshake or abruptly (no close frame, TCP reset),
and comes back with ``since: last`` or, now and then, a stale ``since`` (an overlapping
replay), ``since: 0``, a ``since`` from the future or none at all (a snapshot). After
the burst, and once the workers have confirmed every payment and printed every paper,
every client must be at the branch's final ``seq`` exactly, hold what a fresh snapshot
of its view holds, show every issued number on the displays, and never have applied a
``seq`` lower than one it had applied before.
"""

from __future__ import annotations

import contextlib
import queue
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import Customers, HallServer
from tests.hallclient import Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis

SEED = 20260704
#: every ticket gets called, and the display snapshot holds the 20 most recently called
#: tickets (docs/protocol.md): with 20 a fresh display shows each of them, so every
#: display client must hold exactly the same tickets as a fresh one
TICKETS = 20
CASHIERS = ("c1", "c2", "c3", "c4")
#: (view, whose token): five displays (two devices, the kiosk, reception), both lookup
#: parities, two cashier views (one the supervisor's), two supervisor views (one the
#: head cashier's)
VIEWS: tuple[tuple[str, str], ...] = (
    ("display", "demo-display-1"),
    ("display", "demo-display-1"),
    ("display", "demo-display-2"),
    ("display", "demo-display-2"),
    ("display", "demo-kiosk-1"),
    ("display", "reception"),
    ("lookup-even", "even"),
    ("lookup-odd", "odd"),
    ("cashier:C1", "c1"),
    ("cashier:C2", "sup"),
    ("supervisor", "sup"),
    ("supervisor", "c4"),
)
#: how a client comes back, and how often (weights)
RECONNECTS = {"last": 70, "stale": 10, "zero": 7, "ahead": 7, "none": 6}
RECV_S = 0.5  # a client's wait for its next frame, before it looks whether to stop
BURST_S = 120  # bound on the burst's threads
SETTLE_S = 60  # bound on the workers' confirmations and papers after the burst
CATCH_UP_S = 20  # bound on each client reaching the final seq


def token_of(staff: dict[str, Staff], who: str) -> str:
    return who if who.startswith("demo-") else staff[who].token


class Worker(threading.Thread):
    """A thread whose exception is kept for the test, and stops the others."""

    def __init__(self, name: str, abort: threading.Event, fn: Callable[[], None]) -> None:
        super().__init__(name=name, daemon=True)
        self.abort = abort
        self.fn = fn
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.fn()
        except BaseException as exc:
            self.error = exc
            self.abort.set()


def join_all(workers: list[Worker], bound_s: float) -> None:
    """Join every worker within one bound; re-raise the first failure, name the stuck."""
    deadline = time.monotonic() + bound_s
    for w in workers:
        w.join(timeout=max(0.0, deadline - time.monotonic()))
    failed = [w for w in workers if w.error is not None]
    if failed:
        first = failed[0].error
        assert first is not None
        first.add_note(f"in thread {failed[0].name}; failed too: {[w.name for w in failed[1:]]}")
        raise first
    stuck = [w.name for w in workers if w.is_alive()]
    assert not stuck, f"threads still running after {bound_s} s: {stuck}"


def take(q: queue.Queue[int | None], abort: threading.Event, bound_s: float = 60) -> int | None:
    """The next item, waiting bounded; None at the end of the stream (or on abort)."""
    deadline = time.monotonic() + bound_s
    while not abort.is_set():
        try:
            return q.get(timeout=0.2)
        except queue.Empty:
            if time.monotonic() > deadline:
                raise TimeoutError("no work came for a minute") from None
    return None


@dataclass
class Churner:
    """A view client that drops its connection at random and comes back by the rules."""

    client: ViewClient
    rng: random.Random
    name: str
    reconnects: Counter[str] = field(default_factory=Counter)
    disconnects: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # first frame after subscribe
    applied: list[int] = field(default_factory=list)  # seqs of the events applied
    backwards: list[str] = field(default_factory=list)
    fresh_connection: bool = True

    def apply(self, msg: dict[str, Any]) -> None:
        assert msg["type"] in ("snapshot", "event"), f"{self.client.view} got {msg}"
        if self.fresh_connection:
            self.answers[msg["type"]] += 1
            self.fresh_connection = False
        before = self.client.last
        self.client.apply(msg)
        if self.client.last < before:
            self.backwards.append(f"{msg['type']} {msg['seq']} took last from {before}")
        if msg["type"] == "event" and self.client.last == msg["seq"] > before:
            self.applied.append(msg["seq"])

    def connect(self, since: int | None) -> None:
        self.fresh_connection = True
        self.client.connect(since=since)

    def drop(self) -> None:
        """Leave cleanly (close handshake) or abruptly (no close frame: a reset)."""
        ws = self.client.ws
        assert ws is not None
        if self.rng.random() < 0.5:
            self.disconnects["abrupt"] += 1
            ws.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            ws.socket.shutdown(socket.SHUT_RDWR)  # also wakes the client's reader thread
        else:
            self.disconnects["clean"] += 1
        self.client.close()

    def come_back(self) -> None:
        way = self.rng.choices(list(RECONNECTS), weights=list(RECONNECTS.values()))[0]
        self.reconnects[way] += 1
        last = self.client.last
        since = {
            "last": last,
            "stale": max(0, last - self.rng.randint(1, 40)),  # a replay that overlaps
            "zero": 0,
            "ahead": last + 10**6,  # unknown to the server: a snapshot
            "none": None,  # a plain subscribe: a snapshot
        }[way]
        self.connect(since)

    def churn(self, stop: threading.Event, abort: threading.Event) -> None:
        """Apply frames; after K of them (K from the rng, 0 now and then) drop and come
        back. Returns connected, once ``stop`` is set."""
        self.connect(None)
        while True:
            budget = 0 if self.rng.random() < 0.1 else self.rng.randint(1, 25)
            got = 0
            while got < budget:
                if stop.is_set() or abort.is_set():
                    return
                try:
                    msg = self.client.recv(timeout=RECV_S)
                except TimeoutError:
                    continue
                self.apply(msg)
                got += 1
            if stop.is_set() or abort.is_set():
                return
            self.drop()
            self.come_back()

    def until_seq(self, seq: int, bound_s: float = CATCH_UP_S) -> None:
        """Apply frames until ``seq`` is applied (bounded wait, no sleeping)."""
        deadline = time.monotonic() + bound_s
        while self.client.last < seq:
            try:
                msg = self.client.recv(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise AssertionError(
                    f"{self.name} stuck at seq {self.client.last} for {bound_s:.0f} s, "
                    f"waiting for {seq}; its last frames: {self.client.frames[-3:]}"
                ) from None
            self.apply(msg)


@dataclass
class Burst:
    """What the hall's people did, from their threads."""

    issued: list[int] = field(default_factory=list)
    collected: dict[int, str] = field(default_factory=dict)  # number -> counter
    parked: dict[int, str] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def did(self, what: str) -> None:
        with self.lock:
            self.changes[what] += 1


def run_burst(
    staff: dict[str, Staff], plan: list[list[str]], abort: threading.Event
) -> tuple[Burst, list[Worker]]:
    """Kiosk -> lookup counters (F10 now and then, then F9) -> cashiers, each a thread,
    handing ticket numbers on through queues."""
    burst = Burst()
    to_lookup: dict[str, queue.Queue[int | None]] = {"even": queue.Queue(), "odd": queue.Queue()}
    ready: queue.Queue[int | None] = queue.Queue()
    found_parts: Counter[int] = Counter()
    lookups_done: list[str] = []

    def kiosk() -> None:
        for codes in plan:
            if abort.is_set():
                return
            t = staff["kiosk"].post("/api/tickets", {"customers": codes})
            burst.did("issue")
            burst.issued.append(t["number"])
            for q in to_lookup.values():
                q.put(t["number"])
        for q in to_lookup.values():
            q.put(None)

    def lookup(parity: str) -> None:
        rng = random.Random(f"{SEED}-{parity}")
        clerk = staff[parity]
        while (number := take(to_lookup[parity], abort)) is not None:
            t = clerk.get(f"/api/tickets/{number}")
            for inv in (i for c in t["customers"] for i in c["invoices"]):
                if inv["lookup"] != parity:
                    continue
                path = f"/api/tickets/{number}/invoices/{inv['invoice_id']}"
                if rng.random() < 0.3:
                    clerk.post(f"{path}/deferred")  # F10: search later
                    burst.did("F10")
                clerk.post(f"{path}/found")  # F9
                burst.did("F9")
            with burst.lock:
                found_parts[number] += 1
                if found_parts[number] == len(to_lookup):
                    ready.put(number)
        with burst.lock:
            lookups_done.append(parity)
            if len(lookups_done) == len(to_lookup):
                for _ in CASHIERS:
                    ready.put(None)

    def cashier(code: str) -> None:
        rng = random.Random(f"{SEED}-{code}")
        desk = staff[code]
        while (number := take(ready, abort)) is not None:
            t = desk.act("call", number=number)
            burst.did("call")
            if rng.random() < 0.3:
                desk.act("recall")
                burst.did("recall")
            fate = rng.random()
            if fate < 0.15:  # the customer stepped out: the ticket stays parked here
                desk.act("park")
                burst.did("park")
                with burst.lock:
                    burst.parked[number] = desk.counter or ""
                continue
            if fate < 0.35:  # parked a moment, called again
                desk.act("park")
                t = desk.act("call", number=number)
                burst.did("park")
                burst.did("call")
            owed = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
            paid = desk.act(
                "collect",
                invoices=[i["invoice_id"] for i in owed],
                amount=sum(i["total"] for i in owed),
            )
            burst.did("collect")
            assert paid["ticket"]["status"] == "done", paid["ticket"]
            with burst.lock:
                burst.collected[number] = desk.counter or ""

    workers = [
        Worker("kiosk", abort, kiosk),
        *(Worker(f"lookup-{p}", abort, lambda p=p: lookup(p)) for p in to_lookup),
        *(Worker(f"cashier-{c}", abort, lambda c=c: cashier(c)) for c in CASHIERS),
    ]
    for w in workers:
        w.start()
    return burst, workers


def settle(hall: HallServer, sup: Staff, observer: Churner) -> int:
    """Wait, on the events, until the workers are done: no payment left to confirm, no
    paper left to print, and nothing after the observer's last seq. Returns that seq."""
    deadline = time.monotonic() + SETTLE_S

    def current() -> int:
        return int(sup.get("/api/snapshot?view=supervisor")["seq"])

    while True:
        observer.until_seq(current(), max(0.1, deadline - time.monotonic()))
        pending = sup.get("/api/payments?status=pending")["payments"]
        busy = [
            j
            for status in ("queued", "sending")
            for j in sup.get(f"/api/device-jobs?status={status}")["jobs"]
        ]
        if not pending and not busy:
            if current() == observer.client.last:
                return observer.client.last
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(
                f"not settled: {len(pending)} payments pending, jobs {busy[:3]}\n"
                + "".join(hall.log[-20:])
            )
        # every confirmation and every printed paper is an event: wait for the next one
        with contextlib.suppress(TimeoutError):
            observer.apply(observer.client.recv(timeout=min(left, 10)))


def fresh_view(hall: HallServer, token: str, view: str) -> ViewClient:
    fresh = ViewClient(hall.ws_url, token, view).connect()
    snap = fresh.recv()
    assert snap["type"] == "snapshot", snap
    fresh.apply(snap)
    fresh.close()
    return fresh


def check_state(c: Churner, fresh: ViewClient, truth: dict[int, dict[str, Any]]) -> None:
    """The client holds what a fresh snapshot of its view holds. A client that replayed
    from early on may also hold tickets its view's snapshot leaves out (finished ones);
    those must be in their final state too."""
    view, mine = c.client.view, c.client.tickets
    for number, ticket in fresh.tickets.items():
        assert mine.get(number) == ticket, f"{c.name}: ticket {number} differs"
    extra = sorted(set(mine) - set(fresh.tickets))
    if view in ("display", "supervisor"):
        assert extra == [], f"{c.name}: tickets a fresh {view} does not have: {extra}"
    for number in extra:
        ticket = mine[number]
        assert ticket["status"] == truth[number]["status"] == "done", (c.name, ticket)
        if view.startswith("cashier:"):
            assert ticket == truth[number], f"{c.name}: finished ticket {number} differs"
        else:  # a lookup view: that parity's paper, all found and paid
            parity = view.removeprefix("lookup-")
            ids = {
                i["invoice_id"]
                for cu in truth[number]["customers"]
                for i in cu["invoices"]
                if i["lookup"] == parity
            }
            assert {i["invoice_id"] for i in ticket["invoices"]} == ids, (c.name, ticket)
            assert all(
                i["lookup_status"] == "found" and i["pay_status"] == "paid"
                for i in ticket["invoices"]
            ), (c.name, ticket)


def test_clients_reconnecting_during_a_burst_end_at_the_same_seq_and_state(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, backend: str
) -> None:
    started = time.monotonic()
    # one even and one odd customer a ticket, one invoice each: both lookups work on it
    plan = [
        [customers.take(invoices=1, parity="even"), customers.take(invoices=1, parity="odd")]
        for _ in range(TICKETS)
    ]
    observer = Churner(
        ViewClient(hall.ws_url, staff["sup"].token, "supervisor"), random.Random(SEED), "observer"
    )
    observer.connect(None)  # stays connected throughout: it tells when the hall is quiet
    churners = [
        Churner(
            ViewClient(hall.ws_url, token_of(staff, who), view),
            random.Random(SEED + n),
            f"client {n} ({view}, {who})",
        )
        for n, (view, who) in enumerate(VIEWS)
    ]
    stop, abort = threading.Event(), threading.Event()
    clients = [Worker(c.name, abort, lambda c=c: c.churn(stop, abort)) for c in churners]
    try:
        for w in clients:
            w.start()
        burst, people = run_burst(staff, plan, abort)
        join_all(people, BURST_S)
        # the clients go on churning while the workers confirm payments and print
        final = settle(hall, staff["sup"], observer)
        stop.set()
        join_all(clients, 30)

        for c in churners:
            c.until_seq(final)
        assert {c.name: c.client.last for c in churners} == {c.name: final for c in churners}
        for c in [observer, *churners]:
            assert c.backwards == [], f"{c.name}: seq went backwards: {c.backwards[:5]}"
            assert c.applied == sorted(set(c.applied)), f"{c.name}: events out of order"

        # every view, fresh, at the same seq: nothing happened since
        whose: dict[str, str] = {}
        for view, who in VIEWS:
            whose.setdefault(view, who)
        fresh = {view: fresh_view(hall, token_of(staff, who), view) for view, who in whose.items()}
        assert {v: f.last for v, f in fresh.items()} == {v: final for v in fresh}
        truth = fresh["supervisor"].tickets
        for c in churners:
            check_state(c, fresh[c.client.view], truth)

        # what a person in the hall would notice
        assert sorted(burst.issued) == sorted(truth), "a ticket the supervisor does not see"
        for c in churners:
            if c.client.view == "display":
                missing = set(burst.issued) - set(c.client.tickets)
                assert not missing, f"{c.name} does not show tickets {sorted(missing)}"
        for number in burst.collected:
            assert truth[number]["status"] == "done", truth[number]
        for number, code in burst.parked.items():
            assert (truth[number]["status"], truth[number]["counter"]["code"]) == (
                "parked",
                code,
            ), truth[number]
        assert len(burst.collected) + len(burst.parked) == TICKETS

        # the test really did what it says
        reconnects = sum((c.reconnects for c in churners), Counter[str]())
        disconnects = sum((c.disconnects for c in churners), Counter[str]())
        answers = sum((c.answers for c in churners), Counter[str]())
        assert set(reconnects) == set(RECONNECTS), reconnects
        assert disconnects["abrupt"] > 20 and disconnects["clean"] > 20, disconnects
        assert answers["snapshot"] > 20 and answers["event"] > 20, answers
        assert sum(burst.changes.values()) >= 60, burst.changes
        assert not [line for line in hall.log if "Traceback" in line], "".join(hall.log[-40:])
        print(
            f"\n{backend}: final seq {final}, {dict(burst.changes)}, "
            f"reconnects {dict(reconnects)}, disconnects {dict(disconnects)}, "
            f"first answers {dict(answers)}, {time.monotonic() - started:.1f} s"
        )
    finally:
        stop.set()
        abort.set()
        for c in [observer, *churners]:
            with contextlib.suppress(Exception):
                c.client.close()
