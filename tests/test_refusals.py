"""Every refusal of the hall, through the public HTTP API: the right status and code in the
one error shape, and nothing changed (same ticket state, no new event)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis


def seq(sup: Staff) -> int:
    return int(sup.get("/api/snapshot?view=supervisor")["seq"])


def refused(fn: Any, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as info:
        fn()
    err = info.value
    assert (err.status, err.code) == (status, code), err.body
    assert set(err.body) == {"error"}
    assert set(err.body["error"]) == {"code", "message", "message_en", "details"}
    assert err.body["error"]["message"]
    return err.body["error"]


@contextlib.contextmanager
def unchanged(staff: dict[str, Staff], number: int | None = None) -> Iterator[None]:
    """The block's refusals change no ticket and append no event (CMIS confirmations and
    printed tickets may land meanwhile: they are the workers', not the refused action's)."""
    sup = staff["sup"]
    before_seq = seq(sup)
    before = sup.get(f"/api/tickets/{number}") if number else None
    yield
    new = sup.get(f"/api/events?view=supervisor&since={before_seq}")["events"]
    background = ("payment.confirmed", "device.job")  # the workers' own news
    assert [e["event"] for e in new if e["event"] not in background] == []
    if number:
        assert sup.get(f"/api/tickets/{number}") == before


def find_all(staff: dict[str, Staff], ticket: dict[str, Any]) -> None:
    for c in ticket["customers"]:
        for inv in c["invoices"]:
            who = staff["even"] if inv["lookup"] == "even" else staff["odd"]
            who.post(f"/api/tickets/{ticket['number']}/invoices/{inv['invoice_id']}/found")


def invoices(ticket: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for c in ticket["customers"] for i in c["invoices"]]


# --- tickets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["PE0100", "pe01000000001", "PE0100000000A", "PE010000000011", 123, None, ""]
)
def test_malformed_customer_code(staff: dict[str, Staff], code: object) -> None:
    with unchanged(staff):
        err = refused(
            lambda: staff["kiosk"].post("/api/tickets", {"customers": [code]}),
            400,
            "invalid_customer_code",
        )
    assert "2 chữ cái và 11 chữ số" in err["message"]


def test_unknown_customer(staff: dict[str, Staff], customers: Customers) -> None:
    good = customers.take()
    with unchanged(staff):
        err = refused(
            lambda: staff["reception"].post("/api/tickets", {"customers": [good, "PE09999999999"]}),
            404,
            "unknown_customer",
        )
    assert err["details"]["customer"] == "PE09999999999"
    refused(lambda: staff["kiosk"].get("/api/customers/PE09999999999"), 404, "unknown_customer")


def test_customer_without_debt_gets_no_ticket(
    staff: dict[str, Staff], customers: Customers
) -> None:
    code = customers.no_debt()
    with unchanged(staff):
        err = refused(
            lambda: staff["kiosk"].post("/api/tickets", {"customers": [code]}), 422, "no_debt"
        )
    assert err["details"]["customers"] == [code]


def test_customer_already_waiting(staff: dict[str, Staff], customers: Customers) -> None:
    code = customers.take()
    t = staff["kiosk"].post("/api/tickets", {"customers": [code]})
    with unchanged(staff, t["number"]):
        err = refused(
            lambda: staff["kiosk"].post("/api/tickets", {"customers": [code]}),
            409,
            "customer_on_active_ticket",
        )
    assert err["details"]["ticket"] == t["number"]


@pytest.mark.parametrize("body", [{}, {"customers": []}, {"customers": "PE01000000001"}])
def test_ticket_without_customers(staff: dict[str, Staff], body: dict[str, Any]) -> None:
    with unchanged(staff):
        refused(lambda: staff["reception"].post("/api/tickets", body), 400, "invalid_request")


def test_kiosk_sees_masked_names_only(
    staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    code = customers.take(min_invoices=2)
    t = staff["kiosk"].post("/api/tickets", {"customers": [code]})
    full = demo.customers[code].name
    assert t["customers"][0]["name"] != full
    assert t["customers"][0]["name"].split()[0] == full.split()[0]
    assert "address" not in t["customers"][0]
    assert t["total_due"] == sum(i.total for i in demo.customers[code].invoices)


def test_wrong_role_cannot_issue_or_look_up(staff: dict[str, Staff], customers: Customers) -> None:
    code = customers.take()
    with unchanged(staff):
        refused(
            lambda: staff["even"].post("/api/tickets", {"customers": [code]}), 403, "wrong_role"
        )
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    inv = invoices(t)[0]
    with unchanged(staff, t["number"]):
        refused(
            lambda: staff["c1"].post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            ),
            403,
            "wrong_role",
        )
        refused(lambda: staff["even"].act("call-next"), 403, "wrong_role")
        refused(lambda: staff["kiosk"].get("/api/payments"), 403, "wrong_role")


def test_unauthenticated(hall: HallServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        r = httpx.post(
            f"{hall.base}/api/tickets", json={"customers": ["PE01000000001"]}, headers=headers
        )
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthenticated"
    r = httpx.post(
        f"{hall.base}/api/auth/login", json={"username": "cashier1", "password": "wrong"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (401, "bad_credentials")
    r = httpx.post(
        f"{hall.base}/api/auth/login",
        json={"username": "cashier1", "password": "demo123", "counter": "LE"},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "wrong_counter")


def test_malformed_and_oversized_bodies(hall: HallServer, staff: dict[str, Staff]) -> None:
    h = {"Authorization": f"Bearer {staff['reception'].token}", "Content-Type": "application/json"}
    with unchanged(staff):
        for raw, code in (
            (b"{not json", "malformed_json"),
            (b"[1,2]", "malformed_json"),
            (b"\xff\xfe", "malformed_json"),
        ):
            r = httpx.post(f"{hall.base}/api/tickets", content=raw, headers=h)
            assert (r.status_code, r.json()["error"]["code"]) == (400, code)
        big = b'{"customers": ["' + b"A" * 70_000 + b'"]}'
        r = httpx.post(f"{hall.base}/api/tickets", content=big, headers=h)
        assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            for _ in range(20):
                yield b" " * 8192

        r = httpx.post(f"{hall.base}/api/tickets", content=chunks(), headers=h)
        assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")
    r = httpx.get(f"{hall.base}/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = httpx.get(f"{hall.base}/api/tickets")
    assert r.status_code == 405 and set(r.json()["error"]) == {
        "code",
        "message",
        "message_en",
        "details",
    }


# --- lookup ------------------------------------------------------------------------------


def test_lookup_refusals(staff: dict[str, Staff], customers: Customers) -> None:
    code = customers.take(parity="even")
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    n, inv = t["number"], invoices(t)[0]["invoice_id"]
    with unchanged(staff, n):
        refused(
            lambda: staff["odd"].post(f"/api/tickets/{n}/invoices/{inv}/found"),
            403,
            "wrong_counter",
        )
        refused(
            lambda: staff["even"].post(f"/api/tickets/9999/invoices/{inv}/found"),
            404,
            "unknown_ticket",
        )
        refused(
            lambda: staff["even"].post(f"/api/tickets/{n}/invoices/1/found"), 404, "unknown_invoice"
        )
        refused(
            lambda: staff["even"].post(f"/api/tickets/{n}/invoices/{inv}/lost"),
            404,
            "unknown_action",
        )
    staff["even"].post(f"/api/tickets/{n}/invoices/{inv}/found")
    with unchanged(staff, n):
        refused(
            lambda: staff["even"].post(f"/api/tickets/{n}/invoices/{inv}/deferred"),
            409,
            "invalid_lookup_transition",
        )
        refused(
            lambda: staff["even"].post(f"/api/tickets/{n}/invoices/{inv}/found"),
            409,
            "invalid_lookup_transition",
        )


def test_deferred_then_found_later(staff: dict[str, Staff], customers: Customers) -> None:
    code = customers.take(parity="odd")
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    n, inv = t["number"], invoices(t)[0]["invoice_id"]
    after = staff["odd"].post(f"/api/tickets/{n}/invoices/{inv}/deferred")
    assert after["invoices"][0]["lookup_status"] == "deferred"
    assert "customers" not in after and "total" not in after["invoices"][0], "lookup sees no money"
    events = staff["sup"].get("/api/events?view=supervisor&since=0&limit=500")["events"]
    assert any(e["event"] == "invoice.deferred" and e["data"]["invoice_id"] == inv for e in events)
    after = staff["odd"].post(f"/api/tickets/{n}/invoices/{inv}/found")
    assert after["invoices"][0]["lookup_status"] == "found"
    recent = max(0, seq(staff["sup"]) - 100)
    events = staff["sup"].get(f"/api/events?view=supervisor&since={recent}")["events"]
    last = [e for e in events if e["event"] == "invoice.found"][-1]
    assert last["data"]["invoice_id"] == inv and last["data"]["later"] is True


# --- cashier -----------------------------------------------------------------------------


def serve_one(
    staff: dict[str, Staff], customers: Customers, *, find: bool = True, n_invoices: int = 3
) -> dict[str, Any]:
    """Issue a ticket, optionally find its paper, and call it at C1."""
    t = staff["reception"].post(
        "/api/tickets", {"customers": [customers.take(invoices=n_invoices)]}
    )
    if find:
        find_all(staff, t)
    return staff["c1"].act("call", number=t["number"])


def test_cashier_refusals(staff: dict[str, Staff], customers: Customers) -> None:
    t = serve_one(staff, customers, find=False)
    n = t["number"]
    inv = invoices(t)
    total = sum(i["total"] for i in inv)
    with unchanged(staff, n):
        refused(lambda: staff["c2"].post("/api/counters/C1/park"), 403, "wrong_counter")
        refused(
            lambda: staff["c1"].act(
                "collect", invoices=[inv[0]["invoice_id"]], amount=inv[0]["total"]
            ),
            409,
            "not_found_yet",
        )
        refused(lambda: staff["c1"].act("call", number=9999), 404, "unknown_ticket")
        refused(lambda: staff["c2"].act("call", number=n), 409, "ticket_busy")
        refused(lambda: staff["c1"].act("call-next"), 409, "counter_busy")
        refused(lambda: staff["c1"].act("transfer", to="C9"), 404, "unknown_counter")
        refused(lambda: staff["c1"].act("transfer", to="C1"), 409, "same_counter")
        refused(lambda: staff["c1"].act("dance"), 404, "unknown_action")
        refused(lambda: staff["c1"].act("call", number="1"), 400, "invalid_ticket_number")
        refused(
            lambda: staff["c1"].act(
                "return", ticket=n, invoices=[inv[0]["invoice_id"]], reason="bored"
            ),
            400,
            "invalid_reason",
        )
        refused(
            lambda: staff["c1"].act(
                "return", ticket=n, invoices=[inv[0]["invoice_id"]], reason="customer_left"
            ),
            409,
            "not_delivered_here",
        )
    find_all(staff, t)
    with unchanged(staff, n):
        ids = [i["invoice_id"] for i in inv]
        refused(
            lambda: staff["c1"].act("collect", invoices=ids[1:], amount=total - inv[0]["total"]),
            422,
            "period_order",
        )
        refused(
            lambda: staff["c1"].act(
                "collect", invoices=[ids[0], ids[2]], amount=inv[0]["total"] + inv[2]["total"]
            ),
            422,
            "period_order",
        )
        refused(
            lambda: staff["c1"].act("collect", invoices=ids, amount=total - 1),
            422,
            "amount_mismatch",
        )
        refused(
            lambda: staff["c1"].act("collect", invoices=ids, amount=total + 0.5),
            400,
            "invalid_amount",
        )
        refused(
            lambda: staff["c1"].act("collect", invoices=ids, amount=str(total)),
            400,
            "invalid_amount",
        )
        refused(
            lambda: staff["c1"].act("collect", invoices=ids, amount=total, tendered=total - 1000),
            422,
            "tendered_short",
        )
        refused(lambda: staff["c1"].act("collect", invoices=[], amount=1), 400, "invalid_request")
        refused(
            lambda: staff["c1"].act("collect", invoices=[ids[0], ids[0]], amount=1),
            400,
            "invalid_request",
        )
    paid = staff["c1"].act(
        "collect", invoices=[ids[0]], amount=inv[0]["total"], tendered=inv[0]["total"] + 5000
    )
    assert paid["change"] == 5000
    assert invoices(paid["ticket"])[0]["pay_status"] == "paid"
    with unchanged(staff, n):
        refused(
            lambda: staff["c1"].act("collect", invoices=[ids[0]], amount=inv[0]["total"]),
            409,
            "already_paid",
        )
    staff["c1"].act("finish", confirm=True, reason="customer_left")
    with unchanged(staff, n):
        refused(lambda: staff["c1"].act("recall"), 409, "no_current_ticket")
        refused(
            lambda: staff["c1"].act("collect", invoices=[ids[1]], amount=inv[1]["total"]),
            409,
            "no_current_ticket",
        )
        refused(lambda: staff["c2"].act("call", number=n), 409, "ticket_done")
    # the paper of the unpaid periods goes back, with a reason
    back = staff["c1"].act("return", ticket=n, invoices=ids[1:], reason="not_enough_money")
    assert [i["pay_status"] for i in invoices(back)] == ["paid", "returned", "returned"]
    with unchanged(staff, n):
        refused(
            lambda: staff["c1"].act("return", ticket=n, invoices=ids[1:], reason="other"),
            409,
            "already_returned",
        )


def test_park_is_held_by_its_counter(staff: dict[str, Staff], customers: Customers) -> None:
    t = serve_one(staff, customers, find=False, n_invoices=1)
    n = t["number"]
    parked = staff["c1"].act("park")
    assert parked["status"] == "parked" and parked["counter"]["code"] == "C1"
    with unchanged(staff, n):
        refused(lambda: staff["c2"].act("call", number=n), 409, "parked_elsewhere")
    find_all(staff, parked)
    again = staff["c1"].act("call", number=n)
    assert again["status"] == "serving" and again["ready"] is True
    inv = invoices(again)[0]
    assert inv["delivered_to"] == "C1"
    done = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    assert done["ticket"]["status"] == "done", "a ticket with everything paid closes by itself"


def test_transfer_moves_ticket_and_paper(staff: dict[str, Staff], customers: Customers) -> None:
    t = serve_one(staff, customers, n_invoices=2)
    moved = staff["c1"].act("transfer", to="C2")
    assert moved["counter"]["code"] == "C2" and moved["status"] == "serving"
    assert {i["delivered_to"] for i in invoices(moved)} == {"C2"}
    with unchanged(staff, t["number"]):
        refused(lambda: staff["c1"].act("recall"), 409, "no_current_ticket")
    recalled = staff["c2"].act("recall")
    assert recalled["recalls"] == 1
    gone = staff["c2"].act("no-show")
    assert gone["status"] == "no_show"
    back = staff["c2"].act("call", number=t["number"])
    assert back["status"] == "serving" and back["recalls"] == 0
    staff["c2"].act("finish", confirm=True, reason="customer_left")
