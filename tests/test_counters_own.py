"""A cashier counter belongs to its cashier: one live session per counter (a supervisor
signs a colleague out before a takeover), money only into the drawer of the person
taking it at the counter where it was opened, reversals by the payment's cashier or the
head cashier / supervisor, out of the drawer that took the money, and never once that
drawer is closed. Through the public API against a real server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Device, Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis (the race)


def refused(fn: Any, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        fn()
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]  # type: ignore[no-any-return]


def login(hall: HallServer, username: str, counter: str | None) -> httpx.Response:
    body = {"username": username, "password": "demo123", "counter": counter}
    return httpx.post(f"{hall.base}/api/auth/login", json=body, timeout=30)


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Any]]:
    """C1, C2 (cashiers) and C4 (head cashier) held with open drawers; C3 left free."""
    p: dict[str, Any] = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "c2": Staff(hall.base, "cashier2", "C2"),
        "head": Staff(hall.base, "head", "C4"),
        "sup": Staff(hall.base, "supervisor", None),
        "kiosk": Device(hall.base, "demo-kiosk-1"),
    }
    for who in ("c1", "c2", "head"):
        p[who].open_drawer(0)
    view = ViewClient(hall.ws_url, p["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    p["view"] = view
    yield p
    view.close()
    for who in p.values():
        who.close()


def ready(p: dict[str, Any], customers: Customers) -> dict[str, Any]:
    """A ticket of one invoice, its paper found: ready for F4."""
    t = p["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    p[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    return t  # type: ignore[no-any-return]


def pay(desk: Staff, t: dict[str, Any]) -> dict[str, Any]:
    inv = t["customers"][0]["invoices"][0]
    desk.act("call", number=t["number"])
    paid = desk.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    return paid["payments"][0]  # type: ignore[no-any-return]


def until(view: ViewClient, event: str, txn: str) -> None:
    """Apply events until ``event`` about payment ``txn`` (bounded by recv's timeout)."""
    while True:
        msg = view.recv(timeout=30)
        view.apply(msg)
        if msg.get("event") == event and msg["data"]["payment"]["txn_id"] == txn:
            return


def drawers(sup: Staff) -> dict[str, dict[str, int]]:
    return {d["cashier"]: d["balance"] for d in sup.get("/api/cash")["drawers"]}


def test_a_counter_has_one_session_and_a_supervisor_frees_it(
    hall: HallServer, people: dict[str, Any]
) -> None:
    sup = people["sup"]
    r = login(hall, "cashier2", "C1")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "counter_taken" and err["details"]["held_by"] == "cashier1"
    assert err["details"]["held_by_name"] and "cashier1" in err["message"]

    # the holder signing in again replaces their own session: the old token is dead
    again = Staff(hall.base, "cashier1", "C1")
    refused(lambda: people["c1"].get("/api/me"), 401, "unauthenticated")
    people["c1"].close()
    people["c1"] = again

    # only a supervisor signs a counter out, with a reason; then a colleague takes it over
    path = "/api/auth/counters/C1/sign-out"
    refused(lambda: again.post(path, {"reason": "thử"}), 403, "wrong_role")
    refused(lambda: people["head"].post(path, {"reason": "về sớm"}), 403, "wrong_role")
    refused(lambda: sup.post(path, {}), 400, "invalid_reason")
    refused(lambda: sup.post("/api/auth/counters/C9/sign-out", {"reason": "ốm"}), 404,
            "unknown_counter")  # fmt: skip
    out = sup.post(path, {"reason": "thu ngân về sớm, quên đăng xuất"})
    assert out["signed_out"] == ["cashier1"]
    refused(lambda: again.get("/api/me"), 401, "unauthenticated")
    audit = sup.get("/api/audit?actor=user:supervisor")["entries"]
    assert any(
        e["action"] == "auth.end_counter_session" and e["target"].startswith("C1 cashier1")
        for e in audit
    )
    taker = Staff(hall.base, "cashier3", "C1")  # the counter is free: a takeover
    assert login(hall, "cashier1", "C1").json()["error"]["details"]["held_by"] == "cashier3"
    taker.post("/api/auth/logout")  # signing out frees the counter
    people["c1"] = Staff(hall.base, "cashier1", "C1")
    taker.close()
    again.close()
    # reception and lookup desks are shared: no such rule there
    Staff(hall.base, "reception", "R1").close()


def test_two_sign_ins_at_once_one_wins(hall: HallServer, people: dict[str, Any]) -> None:
    """Race-proof: the unique index on the live counter lets one of two sign-ins through,
    the other is refused in the one error shape (never a 5xx), round after round."""
    for round_ in range(4):
        start = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def try_(
            name: str, start: threading.Barrier = start, answers: dict[str, Any] = answers
        ) -> None:
            start.wait(10)
            answers[name] = login(hall, name, "C3")

        threads = [threading.Thread(target=try_, args=(n,)) for n in ("cashier3", "head")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        codes = sorted(r.status_code for r in answers.values())
        assert codes == [200, 409], (round_, {n: r.text for n, r in answers.items()})
        loser = next(r for r in answers.values() if r.status_code == 409).json()["error"]
        winner = next(n for n, r in answers.items() if r.status_code == 200)
        assert loser["code"] == "counter_taken" and loser["details"]["held_by"] == winner
        assert people["sup"].post("/api/auth/counters/C3/sign-out", {"reason": "lượt thử"})[
            "signed_out"
        ] == [winner]


def test_no_call_without_an_open_drawer_here(
    hall: HallServer, people: dict[str, Any], customers: Customers
) -> None:
    """A cashier whose drawer is not open is not called to (the display would announce a
    number F4 then refuses); a drawer opened at another counter takes nothing here."""
    t = ready(people, customers)
    c3 = Staff(hall.base, "cashier3", "C3")
    refused(lambda: c3.act("call-next"), 409, "drawer_not_open")
    refused(lambda: c3.act("call", number=t["number"]), 409, "drawer_not_open")
    assert people["sup"].get(f"/api/tickets/{t['number']}")["status"] == "waiting"
    c3.open_drawer(0)

    # cashier3 sits at C2 while cashier2 is away: their drawer was opened at C3
    people["sup"].post("/api/auth/counters/C2/sign-out", {"reason": "nghỉ trưa"})
    at_c2 = Staff(hall.base, "cashier3", "C2")
    refused(lambda: at_c2.act("call", number=t["number"]), 409, "drawer_elsewhere")
    # a ticket handed to C2 by the head cashier: F4 there is refused too
    people["head"].act("call", number=t["number"])
    people["head"].act("transfer", to="C2")
    inv = t["customers"][0]["invoices"][0]
    before = drawers(people["sup"])
    err = refused(
        lambda: at_c2.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"]),
        409,
        "drawer_elsewhere",
    )
    assert err["details"]["drawer_counter"] == "C3"
    assert drawers(people["sup"]) == before
    at_c2.act("transfer", to="C3")  # back where cashier3's drawer is
    at_c2.post("/api/auth/logout")
    people["c2"].close()
    people["c2"] = Staff(hall.base, "cashier2", "C2")
    paid = c3.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    txn = paid["payments"][0]["txn_id"]
    listed = people["sup"].get("/api/payments")["payments"]
    assert next(x for x in listed if x["txn_id"] == txn)["cashier"] == "user:cashier3"
    after = drawers(people["sup"])
    assert after["cashier3"]["collected"] == inv["total"]
    assert {k: v for k, v in after.items() if k != "cashier3"} == {
        k: v for k, v in before.items() if k != "cashier3"
    }
    c3.close()
    at_c2.close()


def test_who_may_reverse_and_whose_drawer_gives_back(
    people: dict[str, Any], customers: Customers
) -> None:
    c1, c2, head, sup, view = (people[k] for k in ("c1", "c2", "head", "sup", "view"))
    assert (c1.counter, c2.counter) == ("C1", "C2")
    p1 = pay(c1, ready(people, customers))
    p2 = pay(c1, ready(people, customers))
    p3 = pay(c1, ready(people, customers))
    for p in (p1, p2, p3):
        until(view, "payment.confirmed", p["txn_id"])
    before = drawers(sup)

    def reverse(who: Staff, p: dict[str, Any], reason: str = "thu nhầm khách") -> Any:
        return who.post(f"/api/payments/{p['txn_id']}/reverse", {"reason": reason})

    refused(lambda: reverse(c2, p1), 403, "not_your_payment")  # a colleague
    refused(lambda: reverse(head, p1, ""), 400, "invalid_reason")
    refused(lambda: reverse(people["even"], p1), 403, "wrong_role")
    assert reverse(c1, p1)["status"] == "reversal_pending"  # the owner, drawer open
    assert reverse(head, p2)["status"] == "reversal_pending"  # the head cashier, with reason
    assert reverse(sup, p3)["status"] == "reversal_pending"  # the supervisor, with reason
    refused(lambda: reverse(c1, p3), 409, "not_reversible")
    for p in (p1, p2, p3):
        until(view, "payment.reversed", p["txn_id"])
    after = drawers(sup)
    # the money went back out of the drawer that took it, not the askers'
    back = p1["total"] + p2["total"] + p3["total"]
    assert after["cashier1"]["given_back"] - before["cashier1"]["given_back"] == back
    assert after["cashier1"]["expected"] == before["cashier1"]["expected"] - back
    assert after["head"] == before["head"], "the head cashier's own drawer is untouched"
    assert after["cashier2"] == before["cashier2"]


def test_a_closed_drawer_is_not_changed_by_a_reversal(
    people: dict[str, Any], customers: Customers
) -> None:
    """Last in the module: it closes cashier2's drawer."""
    c2, head, sup, view = (people[k] for k in ("c2", "head", "sup", "view"))
    p = pay(c2, ready(people, customers))
    until(view, "payment.confirmed", p["txn_id"])
    expected = c2.get("/api/cash/mine")["drawer"]["balance"]["expected"]
    closed = c2.post("/api/cash/drawer/close", {"counted": expected})
    assert closed["status"] == "closed"
    path = f"/api/payments/{p['txn_id']}/reverse"
    for who in (c2, head, sup):  # nobody changes a closed count
        refused(lambda w=who: w.post(path, {"reason": "khách đổi ý"}), 409, "drawer_closed")
    mine = next(d for d in sup.get("/api/cash")["drawers"] if d["cashier"] == "cashier2")
    assert mine["balance"]["expected"] == expected == mine["expected_at_close"]
    assert (
        next(x for x in sup.get("/api/payments")["payments"] if x["txn_id"] == p["txn_id"])[
            "status"
        ]
        == "confirmed"
    )
    refused(lambda: c2.act("call-next"), 409, "drawer_closed")
