"""Administration through the API (issue 29, docs/admin.md): accounts made, changed,
disabled and reset; the password policy; counters added, renamed and retired with their
history; a hall's business hours at the kiosk; branch admins kept to their branch; two
admins on one account; the last admin kept. One server on the suite's backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Device, Staff
from tests.procs import until

OPEN: list[Staff] = []  # closed after each test


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def person(base: str, username: str, counter: str | None, password: str = "demo123") -> Staff:
    p = Staff(base, username, counter, password=password)
    OPEN.append(p)
    return p


def device(base: str, token: str) -> Device:
    d = Device(base, token)
    OPEN.append(d)
    return d


def sign_in(hall: HallServer, username: str, password: str, counter: str | None) -> tuple[int, Any]:
    r = httpx.post(
        f"{hall.base}/api/auth/login",
        timeout=30,
        json={"username": username, "password": password, "counter": counter},
    )
    return r.status_code, r.json().get("error", {}).get("code")


def refused(fn: Any, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        fn()
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]


@pytest.fixture(scope="module")
def admin(hall: HallServer) -> Iterator[Staff]:
    a = Staff(hall.base, "admin", None)
    yield a
    a.close()


def account(admin: Staff, username: str) -> dict[str, Any]:
    found = [u for u in admin.get("/api/admin/staff")["staff"] if u["username"] == username]
    assert len(found) == 1
    return found[0]


def first_sign_in(
    hall: HallServer, username: str, temporary: str, counter: str | None, new: str
) -> Staff:
    """The person signs in with the one-time password and must choose their own."""
    who = person(hall.base, username, counter, password=temporary)
    refused(lambda: who.get("/api/me"), 403, "password_change_required")
    who.post("/api/auth/password", {"password": temporary, "new_password": new})
    assert who.get("/api/me")["principal"]["name"] == username
    return who


def test_a_cashier_account_from_creation_to_disabled(hall: HallServer, admin: Staff) -> None:
    made = admin.post(
        "/api/admin/staff",
        {
            "username": "thu9",
            "full_name": "Lưu Thị Thu",
            "role": "cashier",
            "branch": "PE0100",
            "counters": ["C3"],
        },
    )
    temporary = made["temporary_password"]
    policy = admin.get("/api/admin/policy")
    strict = {
        "version": policy["version"],
        "min_length": 8,
        "require_digit": True,
        "require_letter": True,
    }
    assert admin.call("PUT", "/api/admin/policy", strict)["min_length"] == 8
    assert made["user"]["must_change_password"] and made["user"]["counters"] == ["C3"]
    refused(
        lambda: admin.post(
            "/api/admin/staff", {"username": "thu9", "full_name": "X", "role": "cashier"}
        ),
        409,
        "user_exists",
    )
    # the policy now: 8 characters with a letter and a digit, not the username
    trying = person(hall.base, "thu9", "C3", password=temporary)
    for weak in ("abc12", "abcdefgh", "12345678", "thu9thu9x1"):
        err = refused(
            lambda w=weak: trying.post(
                "/api/auth/password", {"password": temporary, "new_password": w}
            ),
            400,
            "weak_password",
        )
        assert err["message"]  # the words say what the password needs
    cashier = first_sign_in(hall, "thu9", temporary, "C3", "quay3-moi-2026")
    # may use C3 only, as the admin said
    assert sign_in(hall, "thu9", "quay3-moi-2026", "C1") == (403, "counter_not_allowed")

    # an open socket of the cashier closes when the account is disabled
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": cashier.token}))
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        ws.send(json.dumps({"type": "subscribe", "view": "cashier:C3"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        version = account(admin, "thu9")["version"]
        out = admin.post("/api/admin/staff/thu9/disable", {"version": version})
        assert out["sessions_ended"] == 1 and out["user"]["active"] is False
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    refused(lambda: cashier.get("/api/me"), 401, "unauthenticated")
    entries = admin.get("/api/audit?actor=user:admin")["entries"]
    assert {"admin.create_user", "admin.disable_user"} <= {e["action"] for e in entries}


def test_reset_password_and_two_admins_editing_one_account(hall: HallServer, admin: Staff) -> None:
    admin.post(
        "/api/admin/staff", {"username": "letan9", "full_name": "Tạ Lễ", "role": "reception"}
    )
    seen = account(admin, "letan9")
    other = person(hall.base, "admin", None)
    first = admin.call(
        "PATCH", "/api/admin/staff/letan9", {"version": seen["version"], "full_name": "Tạ Thị Lễ"}
    )
    assert first["user"]["full_name"] == "Tạ Thị Lễ"
    err = refused(
        lambda: other.call(
            "PATCH",
            "/api/admin/staff/letan9",
            {"version": seen["version"], "full_name": "Tạ Văn Lễ"},
        ),
        409,
        "stale_edit",
    )
    assert err["details"]["version"] == first["user"]["version"]
    assert account(admin, "letan9")["full_name"] == "Tạ Thị Lễ"  # nothing lost
    reset = admin.post("/api/admin/staff/letan9/reset", {"version": first["user"]["version"]})
    assert reset["user"]["must_change_password"]
    first_sign_in(hall, "letan9", reset["temporary_password"], "R1", "tiepnhan-2026").close()
    other.close()


def test_the_last_admin_stays_and_a_branch_admin_stays_home(hall: HallServer, admin: Staff) -> None:
    me = account(admin, "admin")
    refused(
        lambda: admin.post("/api/admin/staff/admin/disable", {"version": me["version"]}),
        409,
        "last_admin",
    )
    refused(
        lambda: admin.call(
            "PATCH", "/api/admin/staff/admin", {"version": me["version"], "role": "supervisor"}
        ),
        409,
        "last_admin",
    )
    assert account(admin, "admin")["active"] is True

    admin.post(
        "/api/admin/branches",
        {"id": "PE0300", "name": "Điện lực Gia Định", "collection_point": "PE0300-HALL1"},
    )
    made = admin.post(
        "/api/admin/staff",
        {
            "username": "qtcn",
            "full_name": "Quản Trị Chi Nhánh",
            "role": "branch_admin",
            "branch": "PE0100",
        },
    )
    boss = first_sign_in(hall, "qtcn", made["temporary_password"], None, "chinhanh-0100")
    assert [b["id"] for b in boss.get("/api/admin/org")["branches"]] == ["PE0100"]
    refused(
        lambda: boss.post(
            "/api/admin/staff",
            {"username": "x1", "full_name": "X", "role": "cashier", "branch": "PE0300"},
        ),
        403,
        "wrong_branch",
    )
    refused(
        lambda: boss.post(
            "/api/admin/staff",
            {"username": "x2", "full_name": "X", "role": "admin", "branch": "PE0100"},
        ),
        403,
        "wrong_role",
    )
    refused(
        lambda: boss.post(
            "/api/admin/branches/PE0300/counters",
            {"code": "C1", "name": "Quầy 1", "kind": "cashier"},
        ),
        403,
        "wrong_branch",
    )
    refused(
        lambda: boss.post(
            "/api/devices", {"id": "display-x", "kind": "display", "branch": "PE0300"}
        ),
        403,
        "wrong_branch",
    )
    refused(
        lambda: boss.call("PUT", "/api/admin/policy", {"version": 1, "min_length": 6}),
        403,
        "wrong_role",
    )
    assert [u for u in admin.get("/api/admin/staff?branch=PE0300")["staff"]] == []
    boss.close()


def test_counters_added_renamed_and_retired_with_their_history(
    hall: HallServer, admin: Staff, customers: Customers
) -> None:
    added = admin.post(
        "/api/admin/branches/PE0100/counters",
        {"code": "C5", "name": "Quầy 5", "kind": "cashier", "printer": "receipt-c4"},
    )
    refused(
        lambda: admin.post(
            "/api/admin/branches/PE0100/counters",
            {"code": "c6", "name": "Quầy 6", "kind": "cashier"},
        ),
        400,
        "invalid_request",
    )
    refused(
        lambda: admin.post(
            "/api/admin/branches/PE0100/counters",
            {"code": "C6", "name": "Quầy 6", "kind": "cashier", "printer": "nope"},
        ),
        400,
        "invalid_request",
    )
    renamed = admin.call(
        "PATCH",
        "/api/admin/branches/PE0100/counters/C5",
        {"version": added["version"], "name": "Quầy 5 (ưu tiên)"},
    )
    cashier = person(hall.base, "cashier3", "C5")  # the new counter is live, no restart
    cashier.open_drawer()
    kiosk = device(hall.base, "demo-kiosk-1")
    ticket = kiosk.post("/api/tickets", {"customers": [customers.take()]})
    called = cashier.act("call", number=ticket["number"])
    assert called["counter"]["name"] == "Quầy 5 (ưu tiên)", called
    err = refused(
        lambda: admin.post(
            "/api/admin/branches/PE0100/counters/C5/retire", {"version": renamed["version"]}
        ),
        409,
        "counter_serving",
    )
    assert err["details"]["ticket"] == ticket["number"]
    cashier.act("finish", confirm=True, reason="customer_left")
    gone = admin.post(
        "/api/admin/branches/PE0100/counters/C5/retire", {"version": renamed["version"]}
    )
    assert gone["retired"] is True
    refused(lambda: cashier.get("/api/me"), 401, "unauthenticated")  # signed out there
    assert sign_in(hall, "cashier3", "demo123", "C5")[0] == 403
    # its history keeps its name: the ticket it served
    sup = person(hall.base, "supervisor", None)
    served = sup.get(f"/api/tickets/{ticket['number']}")
    assert served["counter"]["code"] == "C5" and served["status"] == "done"
    sup.close()
    codes = {c["code"]: c for c in admin.get("/api/admin/org")["branches"][0]["counters"]}
    assert codes["C5"]["retired"] and codes["C5"]["name"] == "Quầy 5 (ưu tiên)"


def test_business_hours_close_the_kiosk_not_reception(
    hall: HallServer, admin: Staff, customers: Customers
) -> None:
    branch = admin.get("/api/admin/org")["branches"][0]
    closed_all_day = {"open": "00:00", "close": "00:01", "days": [0, 1, 2, 3, 4, 5, 6]}
    saved = admin.call(
        "PATCH",
        "/api/admin/branches/PE0100",
        {"version": branch["version"], "params": {"hours": closed_all_day}},
    )
    kiosk = device(hall.base, "demo-kiosk-1")
    try:
        assert kiosk.get("/api/hall")["open"] is False
        refused(
            lambda: kiosk.post("/api/tickets", {"customers": [customers.take()]}),
            409,
            "hall_closed",
        )
        t = person(hall.base, "reception", "R1").post(
            "/api/tickets", {"customers": [customers.take()]}
        )
        assert t["number"] > 0  # reception lets in a customer who came before closing
        refused(
            lambda: admin.call(
                "PATCH",
                "/api/admin/branches/PE0100",
                {
                    "version": saved["version"],
                    "params": {"hours": {"open": "17:00", "close": "07:30"}},
                },
            ),
            400,
            "hours_inverted",
        )
    finally:
        admin.call(
            "PATCH",
            "/api/admin/branches/PE0100",
            {"version": saved["version"], "params": {"hours": None}},
        )
    assert kiosk.get("/api/hall")["open"] is True


def test_the_test_buttons_queue_real_jobs(hall: HallServer, admin: Staff) -> None:
    job = admin.post("/api/admin/branches/PE0100/counters/C1/test", {"what": "print"})
    assert job["what"] == "print" and job["job"] > 0
    refused(
        lambda: admin.post("/api/admin/branches/PE0100/counters/C1/test", {"what": "led"}),
        409,
        "no_led",
    )
    refused(
        lambda: admin.post("/api/admin/branches/PE0100/counters/LE/test", {"what": "print"}),
        409,
        "no_printer",
    )
    sup = person(hall.base, "supervisor", None)

    def printed() -> bool:
        jobs = {j["id"]: j for j in sup.get("/api/device-jobs")["jobs"]}
        mine = jobs[job["job"]]
        assert mine["document"] == "test-page" and mine["target"] == "receipt-c1"
        assert mine["status"] in ("queued", "sending", "done"), mine  # never failed
        return bool(mine["status"] == "done")

    assert until(printed), "the test page printed on the counter's printer"
    sup.close()
