"""The company's central server (issue 29, item 5): on PostgreSQL + Redis with
`qms serve --workers 2`, an admin change made through one worker is seen by the other at
once. The change goes through the admin API on a connection held by one worker; what the
other worker shows is read on its own connections (a socket says which worker holds it in
its ``ready`` frame, ``/healthz`` says which answers a keep-alive connection). Every wait
is bounded: on a frame where there is one; the other worker's reload sends none of its
own, so what that worker shows is read again until it changes (``tests.procs.until``)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import HallServer, postgres_database, require_redis
from tests.hallclient import ApiError, Device, Staff
from tests.procs import until
from tests.wsclient import ViewClient

BRANCH = "PE0100"
BOUND_S = 15.0  # a frame or a closing crosses the bus at once; this only bounds the wait
TRIES = 40  # connections made until the kernel hands one to the wanted worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    bus_url = require_redis()
    with postgres_database() as url:
        server = HallServer(tmp_path_factory.mktemp("company-scale"), workers=2)
        server.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus_url}))
        with server.running():
            yield server


class On:
    """A signed-in person's HTTP calls on one keep-alive connection, i.e. one worker."""

    def __init__(self, hall: HallServer, token: str | None, worker: int | None = None) -> None:
        for _ in range(TRIES):
            self.http = httpx.Client(
                base_url=hall.base,
                timeout=30,
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                headers={"authorization": f"Bearer {token}"} if token else {},
            )
            self.worker = self.http.get("/healthz").json()["worker"]
            if worker is None or self.worker == worker:
                return
            self.http.close()
        raise AssertionError(f"no connection reached worker {worker}")

    def call(self, method: str, path: str, json: Any = None) -> Any:
        r = self.http.request(method, path, json=json)
        assert self.http.get("/healthz").json()["worker"] == self.worker, "the same worker"
        if r.status_code >= 400:
            raise ApiError(r.status_code, r.json())
        return r.json()

    def close(self) -> None:
        self.http.close()


def view_on(hall: HallServer, token: str, view: str, worker: int) -> ViewClient:
    """A subscribed socket held by ``worker`` (bounded tries), its snapshot applied."""
    for _ in range(TRIES):
        v = ViewClient(hall.ws_url, token, view).connect()
        if v.frames[0]["worker"] == worker:
            v.apply(v.recv())
            return v
        v.close()
    raise AssertionError(f"no socket reached worker {worker}")


@contextlib.contextmanager
def admin_on_one_worker(hall: HallServer) -> Iterator[tuple[Staff, On, int]]:
    """The company admin, their calls on one worker, and the other worker's pid (from a
    second connection the kernel gave to it)."""
    admin = Staff(hall.base, "admin", None)
    here = On(hall, admin.token)
    there = None
    for _ in range(TRIES):
        with httpx.Client(base_url=hall.base, timeout=10) as probe:
            worker = probe.get("/healthz").json()["worker"]
        if worker != here.worker:
            there = worker
            break
    assert there is not None, "every connection went to one worker"
    try:
        yield admin, here, there
    finally:
        here.close()
        admin.close()


def counter_of(org: dict[str, Any], code: str) -> dict[str, Any]:
    branch = next(b for b in org["branches"] if b["id"] == BRANCH)
    return next(c for c in branch["counters"] if c["code"] == code)


def counter_names(hall: HallServer, token: str, worker: int) -> dict[str, str]:
    """The counters a screen held by ``worker`` gets in its snapshot: that worker's own
    copy of the organisation (``hall.branches``), not the database's rows."""
    view = view_on(hall, token, "supervisor", worker)
    try:
        return {c["code"]: c["name"] for c in view.frames[-1]["data"]["counters"]}
    finally:
        view.close()


def test_a_counter_renamed_on_one_worker_is_renamed_on_the_other(hall: HallServer) -> None:
    sup = Staff(hall.base, "supervisor", None)
    with admin_on_one_worker(hall) as (who, admin, other):
        screen = view_on(hall, sup.token, "supervisor", other)
        before = counter_of(admin.call("GET", "/api/admin/org"), "C2")
        assert before["name"] == counter_names(hall, sup.token, other)["C2"] == "Quầy 2"

        body = {"version": before["version"], "name": "Quầy 2 — Ưu tiên"}
        renamed = admin.call("PATCH", f"/api/admin/branches/{BRANCH}/counters/C2", body)
        assert renamed["name"] == "Quầy 2 — Ưu tiên"

        # the other worker's screen is told; a screen that (re)subscribes there then gets
        # the new name: that worker reloaded its copy from the bus (it may do so a few
        # milliseconds after the frame: ``hall.changed`` and ``org.changed`` travel apart)
        screen.until_match(lambda event, _: event == "hall.changed", timeout=BOUND_S)
        assert until(
            lambda: counter_names(hall, sup.token, other)["C2"] == "Quầy 2 — Ưu tiên", BOUND_S
        ), "the other worker still shows the old name"

        # the version read before is stale now, on the other worker too; nothing changes
        theirs = On(hall, who.token, other)
        body["name"] = "Quầy hai"
        with pytest.raises(ApiError) as stale:
            theirs.call("PATCH", f"/api/admin/branches/{BRANCH}/counters/C2", body)
        assert (stale.value.status, stale.value.code) == (409, "stale_edit")
        assert counter_of(theirs.call("GET", "/api/admin/org"), "C2")["name"] == "Quầy 2 — Ưu tiên"
        screen.close()
        theirs.close()
    sup.close()


def test_business_hours_changed_on_one_worker_close_the_kiosk_on_the_other(
    hall: HallServer,
) -> None:
    """The hall's parameters live in each worker's copy: the other worker's kiosk
    answer (``GET /api/hall``) and a ticket issued there follow the new hours."""
    kiosk = Device(hall.base, "demo-kiosk-1")
    with admin_on_one_worker(hall) as (_, admin, other):
        at_kiosk = On(hall, kiosk.token, other)
        assert at_kiosk.call("GET", "/api/hall")["open"] is True
        branch = admin.call("GET", "/api/admin/org")["branches"][0]
        today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).weekday()
        hours = {"open": "07:30", "close": "17:00", "days": [d for d in range(7) if d != today]}
        done = admin.call(
            "PATCH",
            f"/api/admin/branches/{BRANCH}",
            {"version": branch["version"], "params": {"hours": hours}},
        )
        assert done["params"]["hours"]["days"] == hours["days"]

        assert until(lambda: at_kiosk.call("GET", "/api/hall")["open"] is False, BOUND_S)
        with pytest.raises(ApiError) as closed:
            at_kiosk.call("POST", "/api/tickets", {"customers": ["PE01000000003"]})
        assert (closed.value.status, closed.value.code) == (409, "hall_closed")

        # open all day again, for the other tests of the module
        admin.call(
            "PATCH",
            f"/api/admin/branches/{BRANCH}",
            {"version": done["version"], "params": {"hours": None}},
        )
        assert until(lambda: at_kiosk.call("GET", "/api/hall")["open"] is True, BOUND_S)
        at_kiosk.close()
    kiosk.close()


def test_a_counter_added_on_one_worker_opens_on_the_other_and_retired_closes(
    hall: HallServer,
) -> None:
    """Sign-in checks the counter in the worker's own copy: a cashier signs in at a new
    counter through the other worker, calls there, and once it is retired is refused
    there. (Disabling an account on one worker and its sockets closing on both is
    tests/test_sessions_end.py's.)"""
    with admin_on_one_worker(hall) as (_, admin, other):
        door = On(hall, None, other)

        def sign_in_at(counter: str) -> httpx.Response:
            body = {"username": "cashier2", "password": "demo123", "counter": counter}
            r = door.http.post("/api/auth/login", json=body)
            assert door.http.get("/healthz").json()["worker"] == other
            return r

        refused = sign_in_at("C9").json()["error"]
        assert refused["code"] == "unknown_counter"
        body = {"code": "C9", "name": "Quầy 9", "kind": "cashier"}
        added = admin.call("POST", f"/api/admin/branches/{BRANCH}/counters", body)

        assert until(lambda: sign_in_at("C9").status_code == 200, BOUND_S)
        cashier = On(hall, sign_in_at("C9").json()["token"], other)
        cashier.call("POST", "/api/cash/drawer/open", {"float": 0})
        with pytest.raises(ApiError) as empty:  # a working counter: nobody waits here yet
            cashier.call("POST", "/api/counters/C9/call-next")
        assert empty.value.code == "queue_empty"

        retired = admin.call(
            "POST",
            f"/api/admin/branches/{BRANCH}/counters/C9/retire",
            {"version": added["version"]},
        )
        assert retired["retired"] is True
        assert until(lambda: sign_in_at("C9").status_code == 403, BOUND_S)
        assert sign_in_at("C9").json()["error"]["code"] == "unknown_counter"
        with pytest.raises(ApiError) as gone:  # whoever was signed in there was signed out
            cashier.call("GET", "/api/me")
        assert gone.value.status == 401
        cashier.close()
        door.close()
