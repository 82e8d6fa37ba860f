"""A whole hall day through the public HTTP and websocket API only.

200 tickets of one to three customers; lookups press F9 or F10 (and find later); cashiers
call, park tickets whose paper is missing, transfer, mark no-shows and call again, take
full or partial payments and return the unpaid paper. At the end every invoice is paid or
returned, CMIS holds exactly our payments, and live clients agree with a fresh snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

TICKETS = 200


def all_invoices(t: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for c in t["customers"] for i in c["invoices"]]


def pay(cashier: Staff, t: dict[str, Any], rng: random.Random, paid: list[dict[str, Any]]) -> None:
    """Pay all found periods, or only the oldest few of some customers; return the rest."""
    chosen: list[dict[str, Any]] = []
    for c in t["customers"]:
        open_ = [i for i in c["invoices"] if i["pay_status"] == "unpaid"]
        k = len(open_) if rng.random() < 0.75 else rng.randint(1, len(open_))
        chosen.extend(open_[:k])
    result = cashier.act(
        "collect",
        invoices=[i["invoice_id"] for i in chosen],
        amount=sum(i["total"] for i in chosen),
    )
    paid.extend(result["payments"])
    left = [i["invoice_id"] for i in all_invoices(result["ticket"]) if i["pay_status"] == "unpaid"]
    if left:
        cashier.act("return", ticket=t["number"], invoices=left, reason="fewer_periods")
        cashier.act("finish")
    else:
        assert result["ticket"]["status"] == "done"


@pytest.mark.slow
def test_a_whole_hall_day(hall: HallServer, staff: dict[str, Staff], customers: Customers) -> None:
    rng = random.Random(2026)
    sup_view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup_view.apply(sup_view.recv())
    display = ViewClient(hall.ws_url, "demo-display-2", "display").connect()
    display.apply(display.recv())

    # morning: tickets from the kiosk and the reception counter
    issued: list[dict[str, Any]] = []
    for n in range(TICKETS):
        codes = [customers.take() for _ in range(rng.randint(1, 3))]
        who = staff["kiosk"] if n % 2 else staff["reception"]
        issued.append(who.post("/api/tickets", {"customers": codes}))
    numbers = [t["number"] for t in issued]
    assert numbers == list(range(numbers[0], numbers[0] + TICKETS))

    # lookup counters: F9 most paper at once, F10 the rest to search later
    deferred: list[tuple[int, dict[str, Any]]] = []
    for t in issued:
        for inv in all_invoices(staff["sup"].get(f"/api/tickets/{t['number']}")):
            clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
            action = "found" if rng.random() < 0.8 else "deferred"
            clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/{action}")
            if action == "deferred":
                deferred.append((t["number"], inv))
    assert deferred, "the day must have F10s"

    # cashiers call next; a ticket still missing paper is parked, a few customers are late
    paid: list[dict[str, Any]] = []
    parked: dict[int, str] = {}
    late: list[int] = []
    counters = ["c1", "c2", "c3", "c4"]
    turn = 0
    while True:
        code = counters[turn % 4]
        turn += 1
        cashier = staff[code]
        try:
            t = cashier.act("call-next")
        except ApiError as exc:
            assert exc.code == "queue_empty"
            break
        if rng.random() < 0.03:
            cashier.act("no-show")
            late.append(t["number"])
            continue
        if rng.random() < 0.05:
            other = counters[(turn + 1) % 4]
            if other != code:
                moved = cashier.act("transfer", to=other.upper())
                if moved["status"] == "parked":
                    parked[t["number"]] = other
                    continue
                cashier, code = staff[other], other
        if not t["ready"]:
            cashier.act("park")
            parked[t["number"]] = code
            continue
        pay(cashier, t, rng, paid)

    # afternoon: the deferred paper is found; it goes to the counter holding the ticket
    for number, inv in deferred:
        clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        after = clerk.post(f"/api/tickets/{number}/invoices/{inv['invoice_id']}/found")
        held = after["counter"]["code"] if after["counter"] else None
        found = next(i for i in after["invoices"] if i["invoice_id"] == inv["invoice_id"])
        if after["status"] == "parked":
            assert found["delivered_to"] == held
    for number, code in parked.items():
        t = staff[code].act("call", number=number)
        assert t["ready"] is True
        pay(staff[code], t, rng, paid)
    for number in late:
        t = staff["c1"].act("call", number=number)
        if not t["ready"]:
            continue  # cannot happen: all paper is found by now
        pay(staff["c1"], t, rng, paid)
    with pytest.raises(ApiError) as empty:
        staff["c1"].act("call-next")
    assert empty.value.code == "queue_empty"

    # every invoice of the day is paid or returned
    totals = {"paid": 0, "returned": 0}
    for number in numbers:
        t = staff["sup"].get(f"/api/tickets/{number}")
        assert t["status"] == "done"
        for inv in all_invoices(t):
            assert inv["pay_status"] in totals
            totals[inv["pay_status"]] += 1
    assert totals["paid"] > 0 and totals["returned"] > 0

    # the payment poster confirms everything with CMIS; wait on the events, bounded
    confirmed = {
        e["data"]["payment"]["txn_id"]
        for e in sup_view.frames
        if e.get("event") == "payment.confirmed"
    }
    while len(confirmed) < len(paid):
        try:
            msg = sup_view.recv(timeout=30)
        except TimeoutError:
            pending = staff["sup"].get("/api/payments?status=pending")["payments"]
            refused = staff["sup"].get("/api/payments?status=refused")["payments"]
            pytest.fail(f"not confirmed: {pending[:3]} {refused[:3]}\n" + "".join(hall.log[-20:]))
        sup_view.apply(msg)
        if msg.get("event") == "payment.confirmed":
            confirmed.add(msg["data"]["payment"]["txn_id"])
    ours = {p["txn_id"]: p for p in staff["sup"].get("/api/payments")["payments"]}
    assert set(ours) == {p["txn_id"] for p in paid} == confirmed
    assert all(p["status"] == "confirmed" and p["receipt_no"] for p in ours.values())

    day = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    cmis = httpx.get(
        f"{hall.cmis_url}/v2/payments", params={"date": day, "collection_point": "PE0100-HALL1"}
    ).json()["GIAO_DICH"]
    theirs = {g["MA_GD"]: g for g in cmis}
    assert set(theirs) == set(ours)
    for txn, p in ours.items():
        g = theirs[txn]
        assert (g["MA_KHANG"], sorted(g["ID_HDON"]), g["TONG_TIEN"], g["TRANG_THAI"]) == (
            p["customer_code"],
            sorted(p["invoice_ids"]),
            p["total"],
            "BILLING",
        )
    assert sum(g["TONG_TIEN"] for g in cmis) == sum(p["total"] for p in paid)

    # live clients converged on the same state as a fresh snapshot
    final = staff["sup"].get("/api/snapshot?view=supervisor")
    sup_view.until_seq(final["seq"])
    for t in final["data"]["tickets"]:
        assert sup_view.tickets[t["number"]] == t
    for number in numbers:
        assert sup_view.tickets[number]["status"] == "done"
    display.until_seq(final["seq"])
    text = json.dumps(display.frames, ensure_ascii=False)
    assert '"customers"' not in text and '"total' not in text

    # day end: every paper accounted for, the cashiers hand their cash to the head
    # cashier (C4), every drawer closes, then the day
    papers = staff["sup"].get("/api/invoices/papers")
    assert papers["to_return"] == []
    tills = [r for r in papers["counters"] if r["kind"] == "cashier"]
    assert sum(r["paid"] for r in tills) == totals["paid"]
    assert sum(r["returned"] for r in tills) == totals["returned"]
    assert all(r["delivered"] == r["paid"] + r["returned"] for r in tills)
    head = staff["c4"]
    for code in ("c1", "c2", "c3"):
        held = staff[code].get("/api/cash/mine")["drawer"]["balance"]["expected"]
        if held:
            user = staff[code].get("/api/me")["principal"]["name"]
            staff[code].post(
                "/api/cash/movements", {"side": "out", "cashier": "head", "amount": held}
            )
            head.post("/api/cash/movements", {"side": "in", "cashier": user, "amount": held})
        assert staff[code].post("/api/cash/drawer/close", {"counted": 0})["status"] == "closed"
    takings = sum(p["total"] for p in paid)
    assert head.get("/api/cash/mine")["drawer"]["balance"]["expected"] == takings
    deposit = {"amount": takings, "bank": "Vietcombank Sài Gòn", "reference": "NT-0200"}
    head.post("/api/cash/drawer/close", {"counted": takings, "deposit": deposit})
    closed = head.post("/api/cash/day/close")
    assert sum(c["total"] for c in closed["cashiers"]) == takings
    sup_view.close()
    display.close()
