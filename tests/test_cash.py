"""Cash at day end through the public API: drawers, money movements between cashiers,
closings with counted differences, papers returned, and the business day's close.

The seed's scenario: cashiers A (the head cashier), B and C. B and C hand their cash to
A; nothing closes while a declaration is missing; everything closes after.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Device, Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis

FLOAT = 500_000


def refused(fn: Any, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        fn()
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]  # type: ignore[no-any-return]


def blocker_codes(error: dict[str, Any]) -> list[str]:
    return [b["code"] for b in error["details"]["blockers"]]


class Day:
    """A fresh hall and its people, for scenarios that close the business day."""

    def __init__(self, tmp: Path, demo: Any) -> None:
        self.hall = HallServer(tmp).start()
        base = self.hall.base
        self.pick = Customers(demo)
        self.reception = Staff(base, "reception", "R1")
        self.clerks = {"even": Staff(base, "lookup1", "LE"), "odd": Staff(base, "lookup2", "LO")}
        self.a = Staff(base, "head", "C4")
        self.b = Staff(base, "cashier1", "C1")
        self.c = Staff(base, "cashier2", "C2")
        self.sup = Staff(base, "supervisor", None)
        self.view = ViewClient(self.hall.ws_url, self.sup.token, "supervisor").connect()
        self.view.apply(self.view.recv())
        self.txns: set[str] = set()

    def ticket(self, invoices: int = 1) -> dict[str, Any]:
        code = self.pick.take(invoices=invoices)
        return self.reception.post("/api/tickets", {"customers": [code]})  # type: ignore[no-any-return]

    def find_all(self, t: dict[str, Any]) -> list[dict[str, Any]]:
        invs = [i for c in t["customers"] for i in c["invoices"]]
        for inv in invs:
            self.clerks[inv["lookup"]].post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            )
        return invs

    def serve(self, cashier: Staff, invoices: int = 1) -> int:
        """One customer paying every invoice at ``cashier``; returns the money taken."""
        t = self.ticket(invoices)
        invs = self.find_all(t)
        cashier.act("call", number=t["number"])
        total = sum(i["total"] for i in invs)
        paid = cashier.act("collect", invoices=[i["invoice_id"] for i in invs], amount=total)
        self.txns |= {p["txn_id"] for p in paid["payments"]}
        return total

    def until_confirmed(self) -> None:
        """Apply supervisor events until CMIS confirmed every payment taken (bounded)."""
        confirmed = {
            p["txn_id"]
            for p in self.sup.get("/api/payments")["payments"]
            if p["status"] == "confirmed"
        }
        while not self.txns <= confirmed:
            msg = self.view.recv(timeout=30)
            if msg.get("event") == "payment.confirmed":
                confirmed.add(msg["data"]["payment"]["txn_id"])

    def drawer(self, who: Staff) -> dict[str, Any]:
        return who.get("/api/cash/mine")["drawer"]  # type: ignore[no-any-return]

    def close(self) -> None:
        self.view.close()
        for s in (self.reception, *self.clerks.values(), self.a, self.b, self.c, self.sup):
            s.close()
        self.hall.stop()


@pytest.fixture
def day(tmp_path: Path, demo: Any) -> Iterator[Day]:
    d = Day(tmp_path, demo)
    try:
        yield d
    finally:
        d.close()


@pytest.mark.slow
def test_b_and_c_hand_their_cash_to_a(day: Day) -> None:
    a, b, c, sup = day.a, day.b, day.c, day.sup
    # no one is called to a counter that cannot take the money yet
    refused(lambda: b.act("call-next"), 409, "drawer_not_open")
    t = day.ticket()
    day.find_all(t)
    refused(lambda: b.act("call", number=t["number"]), 409, "drawer_not_open")
    inv = t["customers"][0]["invoices"][0]
    for who in (a, b, c):
        assert who.open_drawer(FLOAT)["status"] == "open"
    refused(lambda: b.open_drawer(FLOAT), 409, "drawer_open")
    b.act("call", number=t["number"])
    paid = b.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    day.txns |= {p["txn_id"] for p in paid["payments"]}

    b_took = inv["total"] + day.serve(b, 2) + day.serve(b, 1)
    c_took = day.serve(c, 1)
    a_took = day.serve(a, 1)
    assert day.drawer(b)["balance"]["expected"] == FLOAT + b_took
    assert day.drawer(b)["balance"]["collected"] == b_took

    # B hands everything to A; A acknowledges it: matched
    b_out = FLOAT + b_took
    m = b.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": b_out})
    assert (m["status"], m["in_amount"]) == ("hanging", None)
    assert day.drawer(b)["balance"]["expected"] == 0
    m = a.post("/api/cash/movements", {"side": "in", "cashier": "cashier1", "amount": b_out})
    assert m["status"] == "matched"

    # C declares money out to A; A has not declared it in yet: it hangs
    c_out = FLOAT + c_took
    mc = c.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": c_out})
    assert mc["status"] == "hanging"
    err = refused(lambda: c.post("/api/cash/drawer/close", {"counted": 0}), 409, "close_refused")
    assert blocker_codes(err) == ["movement_hanging"]
    assert day.drawer(c)["status"] == "open", "a refused close changes nothing"

    # A declares the wrong amount: a mismatch, shown to both, still blocks
    wrong = a.post(
        "/api/cash/movements", {"side": "in", "cashier": "cashier2", "amount": c_out - 10_000}
    )
    assert (wrong["id"], wrong["status"]) == (mc["id"], "mismatch")
    shown = {x["id"]: x for x in sup.get("/api/cash")["movements"]}
    assert shown[mc["id"]]["out_amount"] - shown[mc["id"]]["in_amount"] == 10_000
    err = refused(lambda: c.post("/api/cash/drawer/close", {"counted": 0}), 409, "close_refused")
    assert blocker_codes(err) == ["movement_mismatch"]
    refused(lambda: b.post(f"/api/cash/movements/{mc['id']}/withdraw"), 403, "not_your_movement")

    # B closes: its movement is matched and it counted what it should hold
    closed_b = b.post("/api/cash/drawer/close", {"counted": 0})
    assert (closed_b["status"], closed_b["difference"]) == ("closed", 0)
    # A cannot close first: C's drawer is open, and a movement of A's disagrees
    deposit = {"amount": 1, "bank": "Vietcombank CN Sài Gòn", "reference": "NT-0001"}
    err = refused(
        lambda: a.post("/api/cash/drawer/close", {"counted": 0, "deposit": deposit}),
        409,
        "close_refused",
    )
    assert sorted(blocker_codes(err)) == ["drawer_open", "movement_mismatch"]

    # A takes back the wrong declaration and declares the right one
    a.post(f"/api/cash/movements/{mc['id']}/withdraw")
    again = a.post("/api/cash/movements", {"side": "in", "cashier": "cashier2", "amount": c_out})
    assert (again["id"], again["status"]) == (mc["id"], "matched")
    assert c.post("/api/cash/drawer/close", {"counted": 0})["status"] == "closed"
    refused(
        lambda: c.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"]),
        409,
        "drawer_closed",
    )

    # A holds everything: the floats, every collection
    held = 3 * FLOAT + a_took + b_took + c_took
    assert day.drawer(a)["balance"]["expected"] == held
    refused(lambda: a.post("/api/cash/drawer/close", {"counted": held}), 400, "deposit_required")
    refused(
        lambda: a.post(
            "/api/cash/drawer/close", {"counted": held, "deposit": {**deposit, "amount": held + 1}}
        ),
        400,
        "invalid_amount",
    )
    closed_a = a.post(
        "/api/cash/drawer/close", {"counted": held, "deposit": {**deposit, "amount": held}}
    )
    assert (closed_a["status"], closed_a["deposit"]["amount"]) == ("closed", held)

    # the day closes once CMIS has confirmed every payment and nothing is open
    day.until_confirmed()
    status = sup.get("/api/cash/day")
    assert status["blockers"] == [] and status["can_close"] is True
    closed = a.post("/api/cash/day/close")
    assert sum(x["total"] for x in closed["cashiers"]) == a_took + b_took + c_took
    assert len(closed["movements"]) == 2 and closed["deposit"]["amount"] == held
    refused(lambda: a.post("/api/cash/day/close"), 409, "day_closed")
    code = day.pick.take()
    refused(lambda: day.reception.post("/api/tickets", {"customers": [code]}), 409, "day_closed")
    assert sup.get("/api/cash")["closed"]["by"] == "user:head"

    # the slips: money out printed at the sender's counter, money in at the receiver's
    jobs = sup.get("/api/device-jobs")["jobs"]
    printed = sorted((j["document"], j["target"]) for j in jobs if j["document"] != "receipt")
    assert ("money-out", "receipt-c1") in printed and ("money-out", "receipt-c2") in printed
    assert printed.count(("money-in", "receipt-c4")) == 3  # 2 right declarations, 1 wrong
    assert ("day-end", "receipt-c4") in printed


@pytest.mark.slow
def test_a_whole_day_with_returns_accounts_for_every_invoice(day: Day) -> None:
    a, b, sup = day.a, day.b, day.sup
    a.open_drawer(0)
    b.open_drawer(FLOAT)
    paid = day.serve(b, 2)

    # a customer pays only the oldest of three periods; the rest of the paper stays at C1
    t = day.ticket(3)
    invs = day.find_all(t)
    b.act("call", number=t["number"])
    first = invs[0]
    paid += first["total"]
    day.txns |= {
        p["txn_id"]
        for p in b.act("collect", invoices=[first["invoice_id"]], amount=first["total"])["payments"]
    }
    b.act("finish", confirm=True, reason="fewer_periods")

    # a customer whose paper was pulled leaves before being called
    gone = day.ticket(1)
    gone_inv = day.find_all(gone)[0]

    err = refused(lambda: b.post("/api/cash/drawer/close", {"counted": 0}), 409, "close_refused")
    assert blocker_codes(err) == ["invoices_not_returned"]
    assert b.get("/api/cash/mine")["blockers"] == err["details"]["blockers"]
    pending = err["details"]["blockers"][0]["invoices"]
    assert sorted(p["invoice_id"] for p in pending) == sorted(i["invoice_id"] for i in invs[1:])

    papers = sup.get("/api/invoices/papers")
    c1 = next(r for r in papers["counters"] if r["counter"] == "C1")
    assert (c1["delivered"], c1["paid"], c1["to_return"]) == (5, 3, 2)
    assert {p["invoice_id"]: p["ticket_status"] for p in papers["to_return"]} == {
        **{i["invoice_id"]: "done" for i in invs[1:]},
        gone_inv["invoice_id"]: "waiting",  # the customer may still come to a counter
    }

    # the wrong people cannot return these papers
    left = [i["invoice_id"] for i in invs[1:]]
    body = {"ticket": t["number"], "invoices": left, "reason": "fewer_periods"}
    refused(lambda: day.c.post("/api/invoices/returns", body), 409, "not_delivered_here")
    refused(
        lambda: b.post("/api/invoices/returns", {**body, "reason": "lost"}), 400, "invalid_reason"
    )
    other = "odd" if gone_inv["lookup"] == "even" else "even"
    gone_body = {"ticket": gone["number"], "invoices": [gone_inv["invoice_id"]]}
    refused(
        lambda: day.clerks[other].post(
            "/api/invoices/returns", {**gone_body, "reason": "customer_left"}
        ),
        403,
        "wrong_counter",
    )
    returned = b.post("/api/invoices/returns", body)
    assert {i["pay_status"] for i in returned["customers"][0]["invoices"][1:]} == {"returned"}
    refused(lambda: b.post("/api/invoices/returns", body), 409, "nothing_to_return")
    day.clerks[gone_inv["lookup"]].post(
        "/api/invoices/returns", {**gone_body, "reason": "customer_left"}
    )

    papers = sup.get("/api/invoices/papers")
    assert papers["to_return"] == []
    back = {p["invoice_id"]: p for p in papers["returned"]}
    assert back[gone_inv["invoice_id"]]["returned_reason"] == "customer_left"
    assert back[gone_inv["invoice_id"]]["returned_by"] == "user:" + (
        "lookup1" if gone_inv["lookup"] == "even" else "lookup2"
    )
    c1 = next(r for r in papers["counters"] if r["counter"] == "C1")
    assert c1["delivered"] == c1["paid"] + c1["returned"] == 5
    assert c1["returned_by_reason"] == {"fewer_periods": 2}
    for row in (r for r in papers["counters"] if r["counter"] in ("LE", "LO")):
        assert row["to_return"] == 0 and row["delivered"] == row["paid"] + row["returned"]

    b.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": FLOAT + paid})
    a.post("/api/cash/movements", {"side": "in", "cashier": "cashier1", "amount": FLOAT + paid})
    assert b.post("/api/cash/drawer/close", {"counted": 0})["status"] == "closed"
    deposit = {"amount": FLOAT + paid, "bank": "BIDV Sài Gòn", "reference": "NT-7"}
    a.post("/api/cash/drawer/close", {"counted": FLOAT + paid, "deposit": deposit})
    day.until_confirmed()
    closed = sup.post("/api/cash/day/close")
    assert closed["cashiers"][1]["total"] == paid


def test_a_counted_difference_waits_for_a_supervisor(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    c3, sup, head = staff["c3"], staff["sup"], staff["c4"]
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    staff[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    c3.act("call", number=t["number"])
    c3.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    expected = inv["total"]  # the shared fixture opened C3's drawer with no float

    short = c3.post("/api/cash/drawer/close", {"counted": expected - 20_000})
    assert (short["status"], short["difference"]) == ("pending_approval", -20_000)
    assert short["expected_at_close"] == expected
    t2 = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv2 = t2["customers"][0]["invoices"][0]
    staff[inv2["lookup"]].post(f"/api/tickets/{t2['number']}/invoices/{inv2['invoice_id']}/found")
    # a drawer waiting for approval takes no money: nobody is even called to it
    refused(lambda: c3.act("call", number=t2["number"]), 409, "drawer_closed")
    refused(lambda: c3.act("call-next"), 409, "drawer_closed")

    path = f"/api/cash/drawers/{short['id']}"
    refused(lambda: c3.post(f"{path}/approve", {"note": "tự duyệt"}), 403, "wrong_role")
    refused(lambda: head.post(f"{path}/approve", {"note": "duyệt"}), 403, "wrong_role")
    refused(lambda: sup.post(f"{path}/approve", {}), 400, "invalid_request")
    refused(lambda: sup.post("/api/cash/drawers/999999/approve", {"note": "x" * 5}), 404,
            "unknown_drawer")  # fmt: skip

    # the supervisor first sends it back to count again, then approves the second count
    assert sup.post(f"{path}/recount")["status"] == "open"
    again = c3.post("/api/cash/drawer/close", {"counted": expected - 20_000})
    assert again["status"] == "pending_approval"
    ok = sup.post(f"{path}/approve", {"note": "thiếu 20.000 đ, thu ngân bồi hoàn"})
    assert (ok["status"], ok["approved_by"]) == ("closed", "user:supervisor")
    assert ok["difference"] == -20_000 and ok["approval_note"].startswith("thiếu")
    refused(lambda: sup.post(f"{path}/approve", {"note": "lần nữa"}), 409, "not_pending")
    overview = sup.get("/api/cash")
    mine = next(d for d in overview["drawers"] if d["cashier"] == "cashier3")
    assert mine["counted"] == expected - 20_000 and mine["status"] == "closed"
    assert overview["totals"]["differences"] <= -20_000


def test_bad_cash_input_changes_nothing(hall: HallServer, staff: dict[str, Staff]) -> None:
    sup, even = staff["sup"], staff["even"]
    before = sup.get("/api/cash")
    for value in (-1, 1.5, "500000", True, None):
        refused(lambda v=value: staff["c1"].post("/api/cash/drawer/open", {"float": v}), 400,
                "invalid_amount")  # fmt: skip
    refused(lambda: even.post("/api/cash/drawer/open", {"float": 0}), 403, "wrong_role")
    refused(lambda: sup.post("/api/cash/drawer/open", {"float": 0}), 403, "wrong_role")
    refused(lambda: staff["kiosk"].get("/api/cash"), 403, "wrong_role")
    refused(lambda: staff["c1"].get("/api/cash"), 403, "wrong_role")
    refused(lambda: even.get("/api/cash/day"), 403, "wrong_role")
    c1 = staff["c1"]
    move = "/api/cash/movements"
    refused(lambda: c1.post(move, {"side": "sideways", "cashier": "cashier2", "amount": 1}), 400,
            "invalid_side")  # fmt: skip
    refused(lambda: c1.post(move, {"side": "out", "cashier": "cashier1", "amount": 1}), 409,
            "same_cashier")  # fmt: skip
    refused(lambda: c1.post(move, {"side": "out", "cashier": "nobody", "amount": 1}), 409,
            "drawer_not_open")  # fmt: skip
    refused(lambda: c1.post(move, {"side": "out", "cashier": "cashier2", "amount": 0}), 400,
            "invalid_amount")  # fmt: skip
    refused(lambda: c1.post(move, {"side": "out", "cashier": "cashier2", "amount": 10**12}),
            409, "more_than_drawer")  # fmt: skip
    refused(lambda: c1.post(f"{move}/424242/withdraw"), 404, "unknown_movement")
    refused(lambda: c1.post("/api/cash/drawer/close", {"counted": "all"}), 400, "invalid_amount")
    r = c1.http.post("/api/cash/drawer/close", content=b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    display = Device(hall.base, "demo-display-1")
    refused(lambda: display.get("/api/cash/mine"), 403, "wrong_role")
    display.close()
    assert sup.get("/api/cash") == before


def test_money_never_reaches_display_or_lookup_channels(
    hall: HallServer, staff: dict[str, Staff]
) -> None:
    display = ViewClient(hall.ws_url, "demo-display-1", "display").connect()
    display.apply(display.recv())
    lookup = ViewClient(hall.ws_url, staff["even"].token, "lookup-even").connect()
    lookup.apply(lookup.recv())
    c2_view = ViewClient(hall.ws_url, staff["c2"].token, "cashier:C2").connect()
    c2_view.apply(c2_view.recv())
    c3_view = ViewClient(hall.ws_url, staff["c3"].token, "cashier:C3").connect()
    c3_view.apply(c3_view.recv())
    m = staff["c1"].post("/api/cash/movements", {"side": "in", "cashier": "cashier2", "amount": 7})
    seen = []
    for client in (display, lookup, c2_view, c3_view):
        while True:
            msg = client.recv()
            if msg.get("event") == "movement.declared":
                seen.append(msg["data"])
                break
        client.close()
    assert seen[0] == {} and seen[1] == {}
    assert seen[2]["movement"]["id"] == m["id"], "the other cashier sees the declaration"
    assert seen[3] == {}, "a cashier not part of it sees nothing of it"
    staff["c1"].post(f"/api/cash/movements/{m['id']}/withdraw")
