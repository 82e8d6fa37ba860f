"""The audit log names who changed what, from which counter or device, and who was
refused; failed sign-ins are counted and, past the limit, refused for a while."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff


def entries(sup: Staff, **query: str) -> list[dict[str, Any]]:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return sup.get(f"/api/audit?{q}")["entries"]  # type: ignore[no-any-return]


def test_changes_and_refusals_are_audited(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = staff["sup"]
    latest = entries(sup, actor="user:cashier1")[0]
    assert (latest["action"], latest["via"], latest["outcome"]) == (
        "drawers.open_drawer",
        "C1",
        "ok",
    ), "the staff fixture opened C1's drawer"

    # a refusal in the domain, and one before it (the role), both name who tried
    with pytest.raises(ApiError):
        staff["c1"].open_drawer(0)
    with pytest.raises(ApiError):
        staff["even"].open_drawer(0)
    mine = entries(sup, actor="user:cashier1")[0]
    assert (mine["action"], mine["outcome"]) == ("drawers.open_drawer", "drawer_open")
    theirs = entries(sup, actor="user:lookup1")[0]
    assert theirs == {
        **theirs,
        "action": "POST /api/cash/drawer/open",
        "role": "lookup",
        "via": "LE",
        "outcome": "wrong_role",
    }

    # a device's change: the kiosk that issued the ticket, and the ticket's number
    t = staff["kiosk"].post("/api/tickets", {"customers": [customers.take()]})
    kiosk = entries(sup, actor="device:kiosk-1")[0]
    assert (kiosk["action"], kiosk["via"], kiosk["target"]) == (
        "tickets.issue",
        "kiosk-1",
        str(t["number"]),
    )
    staff["c2"].act("call", number=t["number"])
    call = entries(sup, actor="user:cashier2")[0]
    assert (call["action"], call["target"]) == ("cashier.call_number", f"C2 {t['number']}")

    # reading changes nothing, so it is not audited
    before = entries(sup)
    staff["c1"].get("/api/cash/mine")
    sup.get("/api/cash")
    assert entries(sup) == before
    with pytest.raises(ApiError) as err:
        staff["c1"].get("/api/audit")
    assert err.value.code == "wrong_role"


def test_failed_sign_ins_are_limited_and_audited(hall: HallServer, staff: dict[str, Staff]) -> None:
    def login(username: str, password: str) -> httpx.Response:
        return httpx.post(
            f"{hall.base}/api/auth/login", json={"username": username, "password": password}
        )

    for _ in range(5):
        r = login("cashier3", "wrong-password")
        assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials"
    r = login("cashier3", "demo123")  # even the right password waits now
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "too_many_requests"
    assert 0 < r.json()["error"]["details"]["retry_after_s"] <= 300
    assert login("reception", "demo123").status_code == 200, "other names are not locked"

    tries = [e for e in entries(staff["sup"], actor="user:cashier3") if e["action"] == "auth.login"]
    assert [e["outcome"] for e in tries[:6]] == ["too_many_requests"] + ["bad_credentials"] * 5
    assert tries[0]["via"] == "127.0.0.1"
    ok = next(e for e in entries(staff["sup"], actor="user:reception") if e["outcome"] == "ok")
    assert ok["action"] == "auth.login"
