"""The scale-out services going away under a running hall (two workers on PostgreSQL and
a Redis of the test's own): a PostgreSQL backend killed in the middle of a change, the
database refusing every connection for a while, Redis killed and started again. The
people in the hall notice a moment's refusal at most, in the one error shape; nothing
they were told was done is lost, and every display converges on the branch's last seq.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer, free_port, postgres_database, require_service
from tests.hallclient import ApiError, Device, Staff
from tests.wsclient import ViewClient

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BOUND_S = 20.0

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class RedisProcess:
    """A redis-server on a free port, killed (SIGKILL) and started again on the same
    port: what a Redis restart looks like to the hall."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_service("redis-server", "the binary is missing (apt-get install redis-server)")
        self.binary = str(binary)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        self.drain = threading.Thread(target=self.proc.stdout.read, daemon=True)
        self.drain.start()

    def kill(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.drain.join(10)
        self.proc.stdout.close()


class Postgres:
    """The hall's database seen from an administrator's connection."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.name = url.rsplit("/", 1)[1]
        self.admin = psycopg.connect(ADMIN, autocommit=True, connect_timeout=5)
        self.url = url.replace("postgresql+psycopg://", "postgresql://")

    def terminate(self, where: str = "TRUE") -> int:
        """Kill the hall's backends (idle in the pool or mid-query): what a PostgreSQL
        restart or a network cut does to them."""
        rows = self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = %s AND pid <> pg_backend_pid() AND {where}",
            (self.name,),
        ).fetchall()
        return len(rows)

    @contextlib.contextmanager
    def refusing(self) -> Iterator[None]:
        """No connection to the hall's database at all (superusers included)."""
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        try:
            self.terminate()
            yield
        finally:
            self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def close(self) -> None:
        self.admin.close()


class Services:
    def __init__(self, hall: HallServer, pg: Postgres, redis: RedisProcess) -> None:
        self.hall, self.pg, self.redis = hall, pg, redis


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    redis = RedisProcess()
    redis.start()
    try:
        with postgres_database() as url:
            pg = Postgres(url)
            hall = HallServer(tmp_path_factory.mktemp("outages"), workers=2)
            hall.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": redis.url}))
            try:
                with hall.running():
                    yield Services(hall, pg, redis)
            finally:
                pg.close()
    finally:
        with contextlib.suppress(Exception):
            redis.kill()


@pytest.fixture(scope="module")
def pick(demo: Any, services: Services) -> Customers:
    return Customers(demo)


@pytest.fixture(scope="module")
def people(services: Services) -> Iterator[dict[str, Staff]]:
    base = services.hall.base
    crew = {
        "kiosk": Device(base, "demo-kiosk-1"),
        "even": Staff(base, "lookup1", "LE"),
        "odd": Staff(base, "lookup2", "LO"),
        "c1": Staff(base, "cashier1", "C1"),
        "c2": Staff(base, "cashier2", "C2"),
    }
    crew["c1"].open_drawer()
    crew["c2"].open_drawer()
    yield crew
    for person in crew.values():
        person.close()


def displays(hall: HallServer, n: int = 6) -> list[ViewClient]:
    """Display clients until both workers hold some (bounded), each past its snapshot."""
    views: list[ViewClient] = []
    for _ in range(60):
        v = ViewClient(hall.ws_url, "demo-display-1", "display").connect()
        v.worker = v.frames[0]["worker"]  # type: ignore[attr-defined]
        v.apply(v.recv())
        views.append(v)
        if len(views) >= n and len({x.worker for x in views}) == 2:  # type: ignore[attr-defined]
            return views
    raise AssertionError("every connection went to one worker")


def converge(hall: HallServer, who: Staff, views: list[ViewClient]) -> int:
    """Every view ends at the branch's last seq with the tickets of a fresh snapshot."""
    fresh = who.get("/api/snapshot?view=display")
    shown = {t["number"]: t for t in fresh["data"]["tickets"]}  # the board: called ones
    for v in views:
        v.until_seq(fresh["seq"], timeout=BOUND_S)
        assert v.last == fresh["seq"]
        assert {n: v.tickets.get(n) for n in shown} == shown
        assert v.tickets == views[0].tickets
    return int(fresh["seq"])


def in_thread(fn: Callable[[], Any], bound_s: float = BOUND_S) -> Callable[[], Any]:
    """Start ``fn``; the returned function joins it (bounded) and gives its result."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed to the test's thread
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()

    def join() -> Any:
        t.join(bound_s)
        assert not t.is_alive(), f"{fn} did not come back in {bound_s} s"
        if "error" in out:
            raise out["error"]
        return out["value"]

    return join


def waiting_on_a_lock(pg: Postgres) -> list[int]:
    rows = pg.admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        (pg.name,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def test_a_change_whose_connection_is_killed_mid_transaction_is_run_again(
    services: Services, people: dict[str, Staff], pick: Customers
) -> None:
    import psycopg

    pg, kiosk = services.pg, people["kiosk"]
    before = kiosk.post("/api/tickets", {"customers": [pick.take()]})["number"]
    code = pick.take()
    # a transaction of our own holds the branch's row lock, so the kiosk's change waits
    # inside its transaction; its backend is then killed under it
    with psycopg.connect(pg.url) as locker:
        locker.execute("SELECT * FROM seqcounter WHERE branch_id = 'PE0100' FOR UPDATE")
        answer = in_thread(lambda: kiosk.post("/api/tickets", {"customers": [code]}))
        victims: list[int] = []
        for _ in range(400):  # bounded: until the kiosk's transaction waits on the lock
            victims = waiting_on_a_lock(pg)
            if victims:
                break
            threading.Event().wait(0.05)
        assert victims, "the kiosk's change never reached the lock"
        assert pg.terminate(f"pid = {victims[0]}") == 1
        locker.rollback()
    ticket = answer()
    assert ticket["number"] == before + 1
    held = people["c1"].get(f"/api/tickets/{ticket['number']}")
    assert [c["code"] for c in held["customers"]] == [code]
    with pytest.raises(ApiError) as again:  # one ticket, not two: the customer holds it
        kiosk.post("/api/tickets", {"customers": [code]})
    assert again.value.code == "customer_on_active_ticket"


def test_a_database_that_refuses_connections_gets_503_then_service_resumes(
    services: Services, people: dict[str, Staff], pick: Customers
) -> None:
    pg, kiosk, c1 = services.pg, people["kiosk"], people["c1"]
    before = kiosk.post("/api/tickets", {"customers": [pick.take()]})["number"]
    code = pick.take()
    with pg.refusing():
        for _ in range(3):  # every worker, whichever answers
            r = httpx.post(
                f"{services.hall.base}/api/tickets",
                json={"customers": [code]},
                headers={"authorization": f"Bearer {kiosk.token}"},
                timeout=30,
            )
            assert r.status_code == 503, r.text
            error = r.json()["error"]
            assert error["code"] == "store_unavailable"
            assert error["details"]["applied"] == "no"
            assert "thử lại" in error["message"] and "try again" in error["message_en"]
        with pytest.raises(ApiError) as read:
            c1.get(f"/api/tickets/{before}")
        assert (read.value.status, read.value.code) == (503, "store_unavailable")
    ticket = kiosk.post("/api/tickets", {"customers": [code]})
    assert ticket["number"] == before + 1, "the refused attempts took no number"
    assert c1.get(f"/api/tickets/{before}")["number"] == before


def test_displays_on_both_workers_keep_up_while_redis_is_down(
    services: Services, people: dict[str, Staff], pick: Customers
) -> None:
    hall, redis = services.hall, services.redis
    kiosk, c1 = people["kiosk"], people["c1"]
    views = displays(hall)
    issued = [kiosk.post("/api/tickets", {"customers": [pick.take()]})["number"]]
    converge(hall, c1, views)
    redis.kill()
    try:
        # the other worker's displays hear nothing over pub/sub now; they still get the
        # ticket, from the events table, without any later event to show them the hole
        issued.append(kiosk.post("/api/tickets", {"customers": [pick.take()]})["number"])
        converge(hall, c1, views)
        assert all(issued[-1] in v.tickets for v in views)
    finally:
        redis.start()
    issued.append(kiosk.post("/api/tickets", {"customers": [pick.take()]})["number"])
    converge(hall, c1, views)
    assert all(set(issued) <= set(v.tickets) for v in views)
    for v in views:
        v.close()


def test_a_burst_through_redis_restarts_and_killed_backends_loses_nothing(
    services: Services, people: dict[str, Staff], pick: Customers
) -> None:
    """Tickets issued, found and paid by two cashiers while Redis is killed and started
    and PostgreSQL backends are terminated at set points of the run."""
    hall, pg, redis = services.hall, services.pg, services.redis
    codes = [pick.take(invoices=1) for _ in range(40)]
    views = displays(hall, 4)
    progress = threading.Condition()
    done: list[int] = []
    refusals: list[str] = []

    def retried(settled: tuple[str, ...], fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """What a person does when the hall says "try again": try again (bounded). After
        an answer lost on the way, a refusal in ``settled`` means it was done: it is
        returned instead of the answer."""
        uncertain = False
        for _ in range(40):
            try:
                return fn(*args, **kw)
            except ApiError as exc:
                if uncertain and exc.code in settled:
                    return exc
                assert exc.status == 503 and exc.code == "store_unavailable", exc.body
                refusals.append(exc.body["error"]["details"]["applied"])
                uncertain = exc.body["error"]["details"]["applied"] == "unknown"
            except httpx.TransportError:
                uncertain = True
            with progress:
                progress.wait(0.1)
        raise AssertionError("the hall did not come back")

    def serve(cashier: Staff, mine: list[str]) -> list[dict[str, Any]]:
        paid: list[dict[str, Any]] = []
        kiosk = people["kiosk"]
        for code in mine:
            t = retried(
                ("customer_on_active_ticket",), kiosk.post, "/api/tickets", {"customers": [code]}
            )
            number = (
                t.body["error"]["details"]["ticket"] if isinstance(t, ApiError) else t["number"]
            )
            inv = retried((), cashier.get, f"/api/tickets/{number}")["customers"][0]["invoices"][0]
            clerk = people["even"] if inv["lookup"] == "even" else people["odd"]
            path = f"/api/tickets/{number}/invoices/{inv['invoice_id']}/found"
            retried(("invalid_lookup_transition",), clerk.post, path)
            retried(("counter_busy",), cashier.act, "call", number=number)
            answer = retried(
                ("already_paid", "no_current_ticket"),
                cashier.act,
                "collect",
                invoices=[inv["invoice_id"]],
                amount=inv["total"],
            )
            paid += [] if isinstance(answer, ApiError) else answer["payments"]
            with progress:
                done.append(number)
                progress.notify_all()
        return paid

    def chaos() -> None:
        """Redis killed when 8 tickets are done and started at 16; every backend killed
        at 12, 24 and 32; no connection accepted for half a second at 20."""

        def at(n: int) -> None:
            with progress:
                assert progress.wait_for(lambda: len(done) >= n, timeout=120)

        at(8)
        redis.kill()
        at(12)
        pg.terminate()
        at(16)
        redis.start()
        at(20)
        with pg.refusing():
            with progress:
                progress.wait(0.5)
        at(24)
        pg.terminate()
        at(32)
        pg.terminate()

    cashiers = [people["c1"], people["c2"]]
    chaos_join = in_thread(chaos, bound_s=300)
    serve_joins = [
        in_thread(lambda c=c, i=i: serve(c, codes[i::2]), bound_s=300)
        for i, c in enumerate(cashiers)
    ]
    answered = [p for join in serve_joins for p in join()]
    chaos_join()
    assert sorted(done) == sorted(set(done)) and len(done) == len(codes), "no number twice"
    assert refusals, "the outages reached the people"
    converge(hall, people["c1"], views)
    for v in views:
        v.close()

    # every ticket paid once, whatever answers were lost; CMIS confirms each payment once
    sup = Staff(hall.base, "supervisor", None)
    try:
        view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
        view.apply(view.recv())
        payments = sup.get("/api/payments")["payments"]
        ours = [p for p in payments if p["customer_code"] in codes]
        assert sorted(p["customer_code"] for p in ours) == sorted(codes)
        assert {p["txn_id"] for p in answered} <= {p["txn_id"] for p in ours}
        confirmed = {p["txn_id"] for p in ours if p["status"] == "confirmed"}
        while len(confirmed) < len(ours):
            msg = view.recv(timeout=60)
            if msg.get("event") == "payment.confirmed":
                confirmed.add(msg["data"]["payment"]["txn_id"])
        view.close()
    finally:
        sup.close()
    ledger = httpx.get(
        f"{hall.cmis_url}/v2/payments",
        params={"date": ours[0]["business_day"], "collection_point": "PE0100-HALL1"},
        timeout=30,
    ).json()["GIAO_DICH"]
    held = Counter(g["MA_GD"] for g in ledger)
    assert {t: held[t] for t in confirmed} == dict.fromkeys(confirmed, 1)
