"""A session ends everywhere (issue 24, item 4): sign-out, a password changed, an account
disabled, a counter signed out by a supervisor, a revoked device and a session's expiry
close that session's sockets (4401) on every worker process, and every subscribe checks
the session again. Two workers on PostgreSQL and the Redis bus: a socket may sit in the
other worker from the HTTP request that ends it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import HallServer, postgres_database, require_redis
from tests.hallclient import ApiError, Staff

OPEN: list[Sock | Staff] = []  # closed after each test
BOUND_S = 15  # a socket ends within this: the bus at once, the CLI's within the seq watch


class Sock:
    """One websocket: authenticated, subscribed to ``view`` when given."""

    def __init__(self, hall: HallServer, token: str, view: str | None = None) -> None:
        self.ws = connect(hall.ws_url, open_timeout=10).__enter__()
        OPEN.append(self)
        self.send({"type": "auth", "token": token})
        ready = self.recv()
        assert ready["type"] == "ready", ready
        self.worker = ready["worker"]
        if view is not None:
            self.subscribe(view)

    def send(self, msg: dict[str, Any]) -> None:
        self.ws.send(json.dumps(msg))

    def recv(self, timeout: float = 10) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(self.ws.recv(timeout=timeout))
        return frame

    def subscribe(self, view: str) -> None:
        self.send({"type": "subscribe", "view": view})
        assert self.recv()["type"] == "snapshot"

    def ended(self) -> tuple[int | None, str | None]:
        """Read until the server closes (bounded): the close code, the last error's code."""
        code, deadline = None, time.monotonic() + BOUND_S
        while True:
            try:
                msg = self.recv(timeout=max(0.1, deadline - time.monotonic()))
            except ConnectionClosed as exc:
                return (exc.rcvd.code if exc.rcvd else None), code
            if msg["type"] == "error":
                code = msg["code"]

    def alive(self) -> bool:
        self.send({"type": "ping"})
        while (msg := self.recv())["type"] != "pong":
            assert msg["type"] != "error", msg
        return True

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(autouse=True)
def _close_sockets() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def person(hall: HallServer, name: str, counter: str | None, password: str = "demo123") -> Staff:
    signed_in = Staff(hall.base, name, counter, password=password)
    OPEN.append(signed_in)
    return signed_in


def on_two_workers(hall: HallServer, token: str, view: str | None) -> list[Sock]:
    """Sockets until each of the two worker processes holds one (bounded)."""
    socks: list[Sock] = []
    for _ in range(40):
        socks.append(Sock(hall, token, view))
        if len({s.worker for s in socks}) == 2:
            return socks
    raise AssertionError("every connection went to one worker")


def qms_user(hall: HallServer, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "qms", "user", *args, "--config", str(hall.config)]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)


def sign_in(hall: HallServer, username: str, password: str, counter: str | None = None) -> int:
    r = httpx.post(
        f"{hall.base}/api/auth/login",
        json={"username": username, "password": password, "counter": counter},
        timeout=30,
    )
    return r.status_code


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    bus_url = require_redis()
    with postgres_database() as url:
        server = HallServer(tmp_path_factory.mktemp("sessions"), workers=2)
        server.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus_url}))
        with server.running():
            yield server


pytestmark = pytest.mark.postgres


def test_sign_out_closes_the_sessions_sockets_on_every_worker(hall: HallServer) -> None:
    cashier = person(hall, "cashier1", "C1")
    colleague = person(hall, "supervisor", None)
    socks = on_two_workers(hall, cashier.token, "cashier:C1")
    other = Sock(hall, colleague.token, "supervisor")

    cashier.post("/api/auth/logout")

    for s in socks:
        assert s.ended() == (4401, "session_ended")
    with pytest.raises(ApiError) as refused:
        cashier.get("/api/me")
    assert refused.value.status == 401
    assert other.alive(), "another person's socket stays"
    with connect(hall.ws_url, open_timeout=10) as late:
        late.send(json.dumps({"type": "auth", "token": cashier.token}))
        assert json.loads(late.recv(timeout=10))["code"] == "unauthenticated"


def test_every_subscribe_checks_the_session_again(hall: HallServer) -> None:
    clerk = person(hall, "lookup1", "LE")
    idle = Sock(hall, clerk.token)  # signed in on the socket, not yet subscribed
    clerk.post("/api/auth/logout")
    idle.send({"type": "subscribe", "view": "lookup-even"})
    assert idle.ended() == (4401, "unauthenticated")


def test_a_password_change_ends_the_persons_other_sessions(hall: HallServer) -> None:
    here = person(hall, "admin", None)
    elsewhere = person(hall, "admin", None)
    mine = Sock(hall, here.token, "supervisor")
    theirs = on_two_workers(hall, elsewhere.token, "supervisor")

    for body, status, code in (
        ({"password": "wrong-one", "new_password": "mat-khau-2"}, 403, "wrong_password"),
        ({"password": "demo123", "new_password": "short"}, 400, "weak_password"),
    ):
        with pytest.raises(ApiError) as refused:
            here.post("/api/auth/password", body)
        assert (refused.value.status, refused.value.code) == (status, code)
    assert sign_in(hall, "admin", "demo123") == 200, "refusals change nothing"

    done = here.post("/api/auth/password", {"password": "demo123", "new_password": "mat-khau-2"})
    assert done["signed_out"] == 2  # the other session, and the sign-in just above

    for s in theirs:
        assert s.ended() == (4401, "session_ended")
    assert mine.alive(), "the session that changed it goes on"
    assert here.get("/api/me")["principal"]["name"] == "admin"
    with pytest.raises(ApiError):
        elsewhere.get("/api/me")
    assert sign_in(hall, "admin", "demo123") == 401
    assert sign_in(hall, "admin", "mat-khau-2") == 200


def test_disabling_an_account_from_the_cli_closes_its_sockets(hall: HallServer) -> None:
    """``qms user disable`` runs in a process of its own, on no bus: the servers find
    the ending in the events table by their seq watch."""
    clerk = person(hall, "reception", "R1", password="demo123")
    socks = on_two_workers(hall, clerk.token, "display")

    done = qms_user(hall, "disable", "reception")
    assert done.returncode == 0 and "1 session(s) ended" in done.stdout, done.stderr

    for s in socks:
        assert s.ended() == (4401, "session_ended")
    assert sign_in(hall, "reception", "demo123") == 401
    assert qms_user(hall, "enable", "reception").returncode == 0
    again = person(hall, "reception", "R1", password="demo123")
    sock = Sock(hall, again.token, "display")

    done = qms_user(hall, "passwd", "reception", stdin="mat-khau-3\n")
    assert done.returncode == 0, done.stderr
    assert sock.ended() == (4401, "session_ended")
    assert sign_in(hall, "reception", "demo123") == 401
    assert sign_in(hall, "reception", "mat-khau-3") == 200


def test_an_admin_disabling_a_cashier_closes_its_sockets_on_every_worker(
    hall: HallServer,
) -> None:
    """The admin page's disable (issue 29): answered by one worker, the cashier's sockets
    sit on both; each closes, and the token opens nothing on either worker after."""
    cashier = person(hall, "cashier3", "C3")
    socks = on_two_workers(hall, cashier.token, "cashier:C3")
    admin = person(hall, "admin", None)
    seen = [u for u in admin.get("/api/admin/staff")["staff"] if u["username"] == "cashier3"]

    out = admin.post("/api/admin/staff/cashier3/disable", {"version": seen[0]["version"]})

    assert out["user"]["active"] is False and out["sessions_ended"] == 1
    for s in socks:
        assert s.ended() == (4401, "session_ended")
    with pytest.raises(ApiError) as refused:
        cashier.get("/api/me")
    assert refused.value.status == 401
    assert sign_in(hall, "cashier3", "demo123", "C3") == 401
    admin.post("/api/admin/staff/cashier3/enable", {"version": out["user"]["version"]})
    assert sign_in(hall, "cashier3", "demo123", "C3") == 200


def test_a_supervisor_signing_a_counter_out_closes_its_sockets(hall: HallServer) -> None:
    cashier = person(hall, "cashier2", "C2")
    sock = Sock(hall, cashier.token, "cashier:C2")
    supervisor = person(hall, "supervisor", None)
    supervisor.post("/api/auth/counters/C2/sign-out", {"reason": "về nhà quên đăng xuất"})
    assert sock.ended() == (4401, "session_ended")


def test_signing_in_again_at_ones_counter_closes_the_old_sessions_sockets(
    hall: HallServer,
) -> None:
    """A cashier counter holds one session: a new sign-in there replaces the person's
    old one (a forgotten tab), whose sockets close."""
    old = person(hall, "cashier3", "C3")
    socks = on_two_workers(hall, old.token, "cashier:C3")
    new = person(hall, "cashier3", "C3")
    for s in socks:
        assert s.ended() == (4401, "session_ended")
    assert Sock(hall, new.token, "cashier:C3").alive()


def test_a_revoked_device_is_closed_on_every_worker(hall: HallServer) -> None:
    supervisor = person(hall, "supervisor", None)
    token = supervisor.post("/api/devices", {"id": "display-9", "kind": "display"})["token"]
    socks = on_two_workers(hall, token, "display")
    idle = Sock(hall, token)

    supervisor.post("/api/devices/display-9/revoke")

    for s in socks:
        assert s.ended() == (4401, "device_revoked")
    idle.send({"type": "subscribe", "view": "display"})
    assert idle.ended() == (4401, "unauthenticated")


def test_a_socket_closes_when_its_session_expires(tmp_path: Path) -> None:
    """Its own hall, whose sessions last 4 s: the socket is closed at the end without
    a frame from its client."""
    with HallServer(tmp_path, auth__session_hours=4 / 3600).running() as short:
        cashier = person(short, "cashier1", "C1")
        sock = Sock(short, cashier.token, "cashier:C1")
        assert sock.alive()
        assert sock.ended() == (4401, "unauthenticated")
        with pytest.raises(ApiError) as refused:
            cashier.get("/api/me")
        assert refused.value.status == 401
