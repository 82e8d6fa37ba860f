"""Sign-in that cannot be turned into a lockout tool (issue 24, item 5): JSON only; the
client's address is the connection's unless a proxy is configured; failed tries slow the
name from the guesser's address (and the guesser's address, and the name from addresses
it never signed in from), never the person at their usual counter; a supervisor unlocks.

On loopback every address 127.0.0.0/8 is this machine: each "computer" below is a source
address of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import HallServer
from tests.hallclient import ApiError, Staff

LIMITS = {
    "auth__login_failures": 3,  # per name from one address
    "auth__login_failures_per_address": 8,
    "auth__login_failures_per_name": 5,  # from addresses the name never signed in from
    "auth__login_delay_s": 2,
}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    with HallServer(tmp_path_factory.mktemp("signin"), **LIMITS).running() as server:
        yield server


class Computer:
    """A client at one source address."""

    def __init__(self, hall: HallServer, address: str) -> None:
        transport = httpx.HTTPTransport(local_address=address)
        self.http = httpx.Client(base_url=hall.base, transport=transport, timeout=30)

    def sign_in(self, username: str, password: str, **headers: str) -> httpx.Response:
        body = {"username": username, "password": password}
        return self.http.post("/api/auth/login", json=body, headers=headers)

    def __enter__(self) -> Computer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()


def code(r: httpx.Response) -> tuple[int, str | None]:
    return r.status_code, (r.json().get("error") or {}).get("code")


def test_sign_in_takes_json_only(hall: HallServer) -> None:
    body = '{"username": "reception", "password": "demo123"}'
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
        r = httpx.post(f"{hall.base}/api/auth/login", content=body,
                       headers={"content-type": kind} if kind else {})  # fmt: skip
        assert code(r) == (415, "unsupported_media_type"), kind
        assert set(r.json()["error"]) == {"code", "message", "message_en", "details"}
    r = httpx.post(f"{hall.base}/api/auth/login", content=body,
                   headers={"content-type": "application/json; charset=utf-8"})  # fmt: skip
    assert r.status_code == 200


def test_a_guesser_elsewhere_does_not_lock_the_cashier_out(hall: HallServer) -> None:
    with (
        Computer(hall, "127.0.0.1") as counter,
        Computer(hall, "127.0.0.2") as guesser,
        Computer(hall, "127.0.0.9") as new_pc,
    ):
        assert counter.sign_in("cashier2", "demo123").status_code == 200  # their usual desk
        spoof = {"x-forwarded-for": "10.20.30.40"}  # believed from no one by default
        for _ in range(3):
            assert code(guesser.sign_in("cashier2", "guess", **spoof)) == (401, "bad_credentials")
        waited = guesser.sign_in("cashier2", "demo123")  # the right one too, from there
        assert code(waited) == (429, "too_many_requests")
        assert 0 < waited.json()["error"]["details"]["retry_after_s"] <= 2
        assert counter.sign_in("cashier2", "demo123").status_code == 200, "not at the counter"

        # (the wait growing with each further failure, on a clock the test moves:
        # tests/fast/test_signin_waits.py)

        # guessers on more computers: the name now waits on an address it never used...
        with Computer(hall, "127.0.0.3") as third:
            for _ in range(2):
                assert third.sign_in("cashier2", "guess").status_code == 401
        assert code(new_pc.sign_in("cashier2", "demo123")) == (429, "too_many_requests")
        # ...but never at the counter it signs in from
        assert counter.sign_in("cashier2", "demo123").status_code == 200
        assert counter.sign_in("reception", "demo123").status_code == 200, "other names"

        supervisor = Staff(hall.base, "supervisor", None)
        cashier = Staff(hall.base, "cashier1", "C1")
        try:
            with pytest.raises(ApiError) as refused:
                cashier.post("/api/auth/sign-in-failures/unlock", {"username": "cashier2"})
            assert refused.value.code == "wrong_role"
            with pytest.raises(ApiError) as refused:
                supervisor.post("/api/auth/sign-in-failures/unlock", {"username": "nobody"})
            assert refused.value.code == "unknown_user"
            done = supervisor.post("/api/auth/sign-in-failures/unlock", {"username": "cashier2"})
            assert done["forgotten"] >= 5
            assert new_pc.sign_in("cashier2", "demo123").status_code == 200
            assert guesser.sign_in("cashier2", "guess").status_code == 401, "no wait now"

            tries = supervisor.get("/api/audit?actor=user:cashier2")["entries"]
            assert {e["via"] for e in tries if e["outcome"] == "bad_credentials"} == {
                "127.0.0.2",
                "127.0.0.3",
            }, "the connection's address, not the X-Forwarded-For header"
            unlocks = supervisor.get("/api/audit?actor=user:supervisor")["entries"]
            assert any(e["action"] == "auth.unlock" and e["target"] == "cashier2" for e in unlocks)
        finally:
            supervisor.close()
            cashier.close()


def test_an_address_guessing_many_names_waits(hall: HallServer) -> None:
    names: list[Any] = ["lookup1", "lookup2", "cashier3", "head"]
    with Computer(hall, "127.0.0.4") as sprayer, Computer(hall, "127.0.0.5") as desk:
        for i in range(8):
            assert sprayer.sign_in(names[i % 4], f"guess{i}").status_code == 401
        assert code(sprayer.sign_in("admin", "demo123")) == (429, "too_many_requests")
        assert desk.sign_in("lookup1", "demo123").status_code == 200
