"""The sign-in waits in-process, with a clock that moves when told (docs/security.md,
"Sign-in that cannot lock anyone out"): the end-to-end side is tests/test_signin_policy.py."""

from __future__ import annotations

import pytest

from qms.domain.errors import QmsError
from qms.http.access_log import redact
from qms.http.headers import relative_location
from qms.usecases.auth import Authenticator, seed_demo_staff
from tests.fast.conftest import BRANCH, Rig, staff

COUNTER, PHONE, OTHER_PHONE = "10.0.0.21", "10.0.0.99", "10.0.0.98"


def auth_of(rig: Rig) -> Authenticator:
    """Small limits: each try is an argon2 hash."""
    seed_demo_staff(rig.engine, BRANCH)
    limits = {"login_failures": 3, "login_failures_per_name": 6, "login_window_s": 3600}
    settings = rig.settings.model_copy(update={"auth": rig.settings.auth.model_copy(update=limits)})
    return Authenticator(rig.engine, settings, {BRANCH: rig.branch})


def attempt(a: Authenticator, rig: Rig, password: str, address: str) -> str:
    """ok, or the refusal's code with its wait: ``too_many_requests 30``."""
    try:
        a.login("cashier1", password, None, rig.clock.now(), address)
    except QmsError as exc:
        wait = exc.details.get("retry_after_s")
        return exc.code + (f" {wait}" if wait is not None else "")
    return "ok"


def test_waits_double_for_the_guesser_only(rig: Rig) -> None:
    a = auth_of(rig)
    assert attempt(a, rig, "demo123", COUNTER) == "ok"  # the cashier's usual address
    assert [attempt(a, rig, "guess", PHONE) for _ in range(3)] == ["bad_credentials"] * 3
    assert attempt(a, rig, "demo123", PHONE) == "too_many_requests 15"
    assert attempt(a, rig, "demo123", COUNTER) == "ok"
    waits = []
    for _ in range(3):
        rig.clock.move(seconds=int(attempt(a, rig, "x", PHONE).split()[1]))
        assert attempt(a, rig, "guess", PHONE) == "bad_credentials"
        waits.append(int(attempt(a, rig, "guess", PHONE).split()[1]))
    assert waits == [30, 60, 120], "doubling (up to the window)"
    assert attempt(a, rig, "demo123", COUNTER) == "ok"


def test_the_name_waits_only_where_it_never_signed_in(rig: Rig) -> None:
    a = auth_of(rig)
    assert attempt(a, rig, "demo123", COUNTER) == "ok"
    for i in range(6):  # phones, one guess each: no address reaches its own limit
        assert attempt(a, rig, "guess", f"10.1.0.{i}") == "bad_credentials"
    assert attempt(a, rig, "demo123", OTHER_PHONE).startswith("too_many_requests")
    assert attempt(a, rig, "demo123", COUNTER) == "ok"
    supervisor = staff("supervisor", "supervisor", None)
    with pytest.raises(QmsError) as refused:
        a.unlock(staff("cashier2", "cashier", "C2"), "cashier1", None, rig.clock.now())
    assert refused.value.code == "wrong_role"
    assert a.unlock(supervisor, "cashier1", None, rig.clock.now())["forgotten"] >= 6
    assert attempt(a, rig, "demo123", OTHER_PHONE) == "ok"


def test_access_log_and_redirect_rewrites() -> None:
    assert redact("/kiosk/?token=abc&x=1") == "/kiosk/?token=[redacted]&x=1"
    assert redact("/displays/?lang=vi&TOKEN=abc") == "/displays/?lang=vi&TOKEN=[redacted]"
    assert redact("/d/?access_token=a#f") == "/d/?access_token=[redacted]#f"
    assert redact("/api/tickets") == "/api/tickets"

    def rel(value: bytes, name: bytes = b"location") -> bytes:
        return relative_location((name, value))[1]

    assert rel(b"http://attacker.example/kiosk/") == b"/kiosk/"
    assert rel(b"https://x//evil.example/a?b=1") == b"/evil.example/a?b=1"
    assert rel(b"/counters/") == b"/counters/"
    assert rel(b"http://a/", name=b"x-other") == b"http://a/"
