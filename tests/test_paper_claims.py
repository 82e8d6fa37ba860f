"""One invoice, one live claim; a paper delivered once; a mistake has an audited way back.

Through the public HTTP and websocket API of a real server, on SQLite and on PostgreSQL
with Redis: a customer who left (no-show, or finished unpaid) and came back is taken over
by the new ticket with their paper, the old ticket can neither be called for them nor
collect; two cashiers racing F4 on one invoice held by two tickets make one payment; F8
with money owed asks for a confirmation and a reason, the head cashier reopens; a wrong
F9 is undone until the paper is delivered; each paper counts once at day end.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

SCALE_OUT = True
ROUNDS = 3


def invoices(t: dict[str, Any], code: str | None = None) -> list[dict[str, Any]]:
    return [i for c in t["customers"] if code in (None, c["code"]) for i in c["invoices"]]


def refused(fn: Callable[[], Any], status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        fn()
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]["details"]  # type: ignore[no-any-return]


def find_all(staff: dict[str, Staff], t: dict[str, Any]) -> dict[str, Any]:
    """The lookup counters press F9 on every paper their screens ask for."""
    for inv in invoices(t):
        if inv["lookup_status"] == "found":
            continue
        clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        t = clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    return staff["sup"].get(f"/api/tickets/{t['number']}")


def issue(staff: dict[str, Staff], *codes: str) -> dict[str, Any]:
    return staff["reception"].post("/api/tickets", {"customers": list(codes)})


def collect_all(cashier: Staff, t: dict[str, Any], code: str | None = None) -> Any:
    open_ = [i for i in invoices(t, code) if i["pay_status"] == "unpaid"]
    return cashier.act(
        "collect",
        invoices=[i["invoice_id"] for i in open_],
        amount=sum(i["total"] for i in open_),
    )


def test_a_customer_back_after_a_no_show_is_taken_over_with_their_paper(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup.apply(sup.recv())
    code = customers.take(invoices=2)
    first = find_all(staff, issue(staff, code))
    staff["c1"].act("call", number=first["number"])
    gone = staff["c1"].act("no-show")
    assert {i["delivered_to"] for i in invoices(gone)} == {"C1"}

    # they come back: the new ticket takes them over, with the paper where it is
    again = issue(staff, code)
    assert [(n["code"], n["ticket"]) for n in again["notices"]] == [("taken_over", first["number"])]
    papers = invoices(again)
    assert {(i["lookup_status"], i["delivered_to"]) for i in papers} == {("found", "C1")}
    assert all(i["delivered_at"] for i in papers)
    assert again["ready"] is True, "the paper was found once: not asked for again"
    ev = sup.until_event("ticket.taken_over", first["number"])
    assert ev["data"]["to"] == again["number"] and ev["data"]["customers"] == [code]
    old = ev["data"]["ticket"]
    assert old["customers"][0]["moved_to"] == again["number"]
    assert {(i["pay_status"], i["moved_to"]) for i in invoices(old)} == {("moved", again["number"])}
    assert old["total_due"] == 0

    # the old ticket is not called again, nor its paper looked up again
    details = refused(lambda: staff["c2"].act("call", number=first["number"]), 409, "ticket_moved")
    assert details["moved_to"] == [again["number"]]
    inv = papers[0]
    clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
    refused(
        lambda: clerk.post(f"/api/tickets/{again['number']}/invoices/{inv['invoice_id']}/found"),
        409,
        "invalid_lookup_transition",
    )
    refused(
        lambda: clerk.post(f"/api/tickets/{first['number']}/invoices/{inv['invoice_id']}/found"),
        409,
        "invoice_moved",
    )
    # a customer still in the hall (parked) gets no second ticket: the refusal names it
    parked_code = customers.take(invoices=1)
    parked = issue(staff, parked_code)
    staff["c3"].act("call", number=parked["number"])
    staff["c3"].act("park")
    details = refused(lambda: issue(staff, parked_code), 409, "customer_on_active_ticket")
    assert details == {"customer": parked_code, "ticket": parked["number"]}

    # called at another counter, the paper follows: one paper, one place
    called = staff["c2"].act("call", number=again["number"])
    assert {i["delivered_to"] for i in invoices(called)} == {"C2"}
    done = collect_all(staff["c2"], called)
    assert done["ticket"]["status"] == "done"
    mine = {i["invoice_id"] for i in papers}
    report = staff["sup"].get("/api/invoices/papers")
    assert not [p for p in report["to_return"] if p["invoice_id"] in mine]
    assert not [p for p in report["returned"] if p["invoice_id"] in mine]
    staff["c3"].act("call", number=parked["number"])
    staff["c3"].act("finish", confirm=True, reason="customer_left")
    sup.close()


def race_f4(cashiers: list[Staff], inv: dict[str, Any]) -> list[Any]:
    """Each cashier presses F4 on ``inv`` at the same moment (a barrier, no sleeping):
    200 or (status, code) each."""
    start = threading.Barrier(len(cashiers))
    answers: list[Any] = []

    def f4(cashier: Staff) -> None:
        start.wait(timeout=30)
        try:
            cashier.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
            answers.append(200)
        except ApiError as exc:
            answers.append((exc.status, exc.code))

    threads = [threading.Thread(target=f4, args=(c,)) for c in cashiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def test_two_cashiers_racing_f4_on_one_invoice_make_one_payment(
    staff: dict[str, Staff], customers: Customers
) -> None:
    for _ in range(ROUNDS):
        x, y = customers.take(invoices=1), customers.take(invoices=1)
        a = find_all(staff, issue(staff, x, y))
        staff["c1"].act("call", number=a["number"])
        staff["c1"].act("no-show")
        b = find_all(staff, issue(staff, x))  # X came back: B holds X's invoice; A keeps Y
        a = staff["c1"].act("call", number=a["number"])
        b = staff["c2"].act("call", number=b["number"])
        (inv,) = invoices(b, x)
        answers = race_f4([staff["c1"], staff["c2"]], inv)
        assert sorted(answers, key=str) == sorted([200, (409, "invoice_moved")], key=str)
        collect_all(staff["c1"], a, y)  # Y's part of A closes it
        assert staff["sup"].get(f"/api/tickets/{a['number']}")["status"] == "done"
        assert staff["sup"].get(f"/api/tickets/{b['number']}")["status"] == "done"
    payments = staff["sup"].get("/api/payments")["payments"]
    collected = Counter(i for p in payments for i in p["invoice_ids"])
    assert [i for i, n in collected.items() if n > 1] == [], "an invoice collected twice"


def test_f8_by_mistake_a_reopened_ticket_and_returns_count_each_paper_once(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup.apply(sup.recv())
    x, y = customers.take(invoices=2), customers.take(invoices=1)
    t1 = find_all(staff, issue(staff, x))
    c1 = staff["c1"]
    c1.act("call", number=t1["number"])

    # F8 with money owed: confirm, and say why
    details = refused(lambda: c1.act("finish"), 409, "confirm_unpaid")
    assert sorted(details["unpaid"]) == sorted(i["invoice_id"] for i in invoices(t1))
    assert details["total"] == t1["total_due"] and "customer_left" in details["reasons"]
    refused(lambda: c1.act("finish", confirm=True), 400, "invalid_reason")
    refused(lambda: c1.act("finish", confirm="yes", reason="other"), 400, "invalid_request")
    done = c1.act("finish", confirm=True, reason="customer_left")
    assert (done["status"], done["finish_reason"]) == ("done", "customer_left")
    ev = sup.until_event("ticket.finished", t1["number"])
    assert ev["data"]["reason"] == "customer_left"

    # it was a mistake: the head cashier reopens it, parked at the counter that finished it
    refused(lambda: c1.post(f"/api/tickets/{t1['number']}/reopen"), 403, "wrong_role")
    back = staff["c4"].post(f"/api/tickets/{t1['number']}/reopen")
    assert (back["status"], back["counter"]["code"], back["finish_reason"]) == (
        "parked",
        "C1",
        None,
    )
    sup.until_event("ticket.reopened", t1["number"])
    refused(
        lambda: staff["sup"].post(f"/api/tickets/{t1['number']}/reopen"), 409, "ticket_not_done"
    )
    audit = staff["sup"].get("/api/audit?actor=user:head")["entries"]
    assert any(e["action"] == "cashier.reopen" and e["target"] == str(t1["number"]) for e in audit)
    t1 = c1.act("call", number=t1["number"])
    oldest, newest = sorted(invoices(t1), key=lambda i: (i["year"], i["month"]))
    c1.act("collect", invoices=[oldest["invoice_id"]], amount=oldest["total"])
    c1.act("return", ticket=t1["number"], invoices=[newest["invoice_id"]], reason="fewer_periods")
    assert c1.act("finish")["status"] == "done", "nothing owed any more: no question asked"

    # Y leaves unpaid at C2; comes back: the new ticket takes the paper over from C2
    t2 = find_all(staff, issue(staff, y))
    staff["c2"].act("call", number=t2["number"])
    staff["c2"].act("finish", confirm=True, reason="not_enough_money")
    t3 = issue(staff, y)
    assert [n["ticket"] for n in t3["notices"]] == [t2["number"]]
    assert {(i["lookup_status"], i["delivered_to"]) for i in invoices(t3)} == {("found", "C2")}
    refused(lambda: staff["c4"].post(f"/api/tickets/{t2['number']}/reopen"), 409, "ticket_moved")
    t3 = staff["c3"].act("call", number=t3["number"])
    assert {i["delivered_to"] for i in invoices(t3)} == {"C3"}
    collect_all(staff["c3"], t3)
    paid_y = invoices(t3)[0]["invoice_id"]
    refused(lambda: staff["c4"].post(f"/api/tickets/{t2['number']}/reopen"), 409, "ticket_moved")

    # day end: each paper once, delivered = paid + returned, nothing left to return
    ours = {oldest["invoice_id"], newest["invoice_id"], paid_y}
    report = staff["sup"].get("/api/invoices/papers")
    assert report["to_return"] == []
    returned = [p["invoice_id"] for p in report["returned"] if p["invoice_id"] in ours]
    assert returned == [newest["invoice_id"]]
    rows = report["counters"]
    assert all(r["delivered"] == r["paid"] + r["returned"] for r in rows), rows
    papers = _all_papers(staff)
    tills = [r for r in rows if r["kind"] == "cashier"]
    lookups = [r for r in rows if r["kind"] == "lookup"]
    assert sum(r["delivered"] for r in lookups) == len(papers), "each pulled paper once"
    assert sum(r["delivered"] for r in tills) == len([p for p in papers.values() if p])
    sup.close()


def _all_papers(staff: dict[str, Staff]) -> dict[int, str | None]:
    """Every paper that left a rack today (invoice id -> the counter holding it), from
    the tickets themselves: the invoices of no ticket taken over from."""
    snap = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["tickets"]
    out = {}
    for t in snap:
        for i in invoices(t):
            if i["pay_status"] != "moved" and (
                i["lookup_status"] == "found" or i["pay_status"] == "paid"
            ):
                out[i["invoice_id"]] = i["delivered_to"]
    return out


def test_a_wrong_f9_is_undone_until_the_paper_is_delivered(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    code = customers.take(invoices=1)
    t = issue(staff, code)
    (inv,) = invoices(t)
    clerk, other = (
        (staff["even"], staff["odd"]) if inv["lookup"] == "even" else (staff["odd"], staff["even"])
    )
    path = f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}"
    refused(lambda: clerk.post(f"{path}/unfound"), 409, "invalid_lookup_transition")
    clerk.post(f"{path}/found")
    refused(lambda: other.post(f"{path}/unfound"), 403, "wrong_counter")
    view = ViewClient(hall.ws_url, clerk.token, f"lookup-{inv['lookup']}").connect()
    view.apply(view.recv())
    undone = clerk.post(f"{path}/unfound")
    assert undone["invoices"][0]["lookup_status"] == "pending"
    ev = view.until_event("invoice.unfound", t["number"])
    assert ev["data"]["invoice_id"] == inv["invoice_id"]
    view.close()
    clerk.post(f"{path}/found")
    staff["c1"].act("call", number=t["number"])
    details = refused(lambda: clerk.post(f"{path}/unfound"), 409, "already_delivered")
    assert details["delivered_to"] == "C1" and details["delivered_at"]
    audit = staff["sup"].get("/api/audit?actor=" + "user:" + _name(clerk))["entries"]
    assert any(e["target"] == f"{t['number']} {inv['invoice_id']} unfound" for e in audit)
    collect_all(staff["c1"], staff["sup"].get(f"/api/tickets/{t['number']}"))


def _name(s: Staff) -> str:
    return str(s.get("/api/me")["principal"]["name"])


def test_a_customer_back_while_cmis_is_down_is_taken_over_when_the_debts_arrive(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup.apply(sup.recv())
    code = customers.take(invoices=1)
    left = find_all(staff, issue(staff, code))
    staff["c4"].act("call", number=left["number"])
    staff["c4"].act("finish", confirm=True, reason="not_enough_money")
    httpx.put(f"{hall.cmis_url}/admin/faults", json={"down": True}).raise_for_status()
    try:
        back = issue(staff, code)  # CMIS down: the number now, the debts later
        assert back["debts_pending"] is True and "notices" not in back
    finally:
        httpx.put(f"{hall.cmis_url}/admin/faults", json={"down": False}).raise_for_status()
    moved = sup.until_event("ticket.taken_over", left["number"], timeout=30)
    assert moved["data"]["to"] == back["number"]
    now = staff["sup"].get(f"/api/tickets/{back['number']}")
    assert {(i["lookup_status"], i["delivered_to"]) for i in invoices(now)} == {("found", "C4")}
    old = staff["sup"].get(f"/api/tickets/{left['number']}")
    assert old["customers"][0]["moved_to"] == back["number"]
    assert [i["pay_status"] for i in invoices(old)] == ["moved"]
    staff["c4"].act("call", number=back["number"])
    assert collect_all(staff["c4"], now)["ticket"]["status"] == "done"
    sup.close()
