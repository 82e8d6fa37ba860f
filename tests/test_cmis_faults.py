"""The hall when CMIS misbehaves: no ticket without debts (a clear 424, nothing changed),
F4 still recorded locally and posted once CMIS is back; a CMIS refusal is shown."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient


def faults(hall: HallServer, **settings: Any) -> None:
    httpx.put(f"{hall.cmis_url}/admin/faults", json=settings).raise_for_status()


def serve_found(staff: dict[str, Staff], code: str) -> dict[str, Any]:
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    for inv in t["customers"][0]["invoices"]:
        who = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        who.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    return staff["c1"].act("call", number=t["number"])


def wait_payment(view: ViewClient, txn: str, event: str) -> dict[str, Any]:
    while True:
        msg = view.recv(timeout=30)
        view.apply(msg)
        if msg.get("event") == event and msg["data"]["payment"]["txn_id"] == txn:
            return msg["data"]["payment"]


def test_cmis_down_tickets_wait_for_debts_and_collection_waits(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    ready = serve_found(staff, customers.take(invoices=1))
    inv = ready["customers"][0]["invoices"][0]
    code = customers.take(invoices=2)
    faults(hall, down=True)
    try:
        t = staff["kiosk"].post("/api/tickets", {"customers": [code]})
        assert t["number"] > ready["number"] and t["debts_pending"] is True
        full = staff["sup"].get(f"/api/tickets/{t['number']}")
        assert full["debts_pending"] is True
        assert full["customers"][0]["debts"] == "pending"
        assert full["customers"][0]["invoices"] == []
        with pytest.raises(ApiError) as err:
            staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        assert (err.value.status, err.value.code) == (424, "cmis_unavailable")
        assert "CMIS" in err.value.body["error"]["message"]  # in Vietnamese: CMIS is not answering
        health = staff["sup"].get("/api/cmis")
        assert health["cmis"]["healthy"] is False and health["cmis"]["last_error"]
    finally:
        faults(hall, down=False)
    # CMIS is back: the ticket fills in by itself and every screen hears of it
    filled = view.until_event("ticket.debts_fetched", t["number"], timeout=30)["data"]["ticket"]
    got = filled["customers"][0]
    assert got["debts"] == "fetched" and got["name"] == demo.customers[code].name
    assert [i["invoice_id"] for i in got["invoices"]] == [
        i.invoice_id for i in sorted(demo.customers[code].invoices, key=lambda i: i.period_key)
    ]
    paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    assert paid["ticket"]["status"] == "done"
    assert staff["sup"].get("/api/cmis")["cmis"]["healthy"] is True
    view.close()


def test_lost_answer_is_posted_again_and_paid_once(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    t = serve_found(staff, customers.take(invoices=1))
    inv = t["customers"][0]["invoices"][0]
    faults(hall, lose_answer_rate=1.0)  # CMIS commits the payment, the answer is lost
    try:
        paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        txn = paid["payments"][0]["txn_id"]
        doubt = wait_payment(view, txn, "payment.in_doubt")
        assert doubt["status"] == "pending" and doubt["attempts"] >= 1 and doubt["error"]
        unconfirmed = staff["sup"].get("/api/cmis")["unconfirmed"]
        mine = [p for p in unconfirmed if p["txn_id"] == txn]
        assert mine and mine[0]["status"] == "pending" and mine[0]["age_s"] >= 0
    finally:
        faults(hall)
    confirmed = wait_payment(view, txn, "payment.confirmed")
    assert confirmed["receipt_no"]
    day = paid["ticket"]["business_day"]
    ledger = httpx.get(
        f"{hall.cmis_url}/v2/payments",
        params={"date": day, "collection_point": "PE0100-HALL1"},
    ).json()["GIAO_DICH"]
    assert [g["MA_GD"] for g in ledger].count(txn) == 1
    view.close()


def f4_changes(staff: dict[str, Staff]) -> list[str]:
    """The actions the cashier's F4s wrote, newest first."""
    log = staff["sup"].get("/api/audit?actor=user:cashier1&limit=1000")["entries"]
    return [e["action"] for e in log if e["action"].startswith("collect.")]


def test_an_f4_with_nothing_paid_elsewhere_is_one_change(
    staff: dict[str, Staff], customers: Customers
) -> None:
    t = serve_found(staff, customers.take(invoices=2))
    before = f4_changes(staff)
    ids = [i["invoice_id"] for i in t["customers"][0]["invoices"]]
    total = sum(i["total"] for i in t["customers"][0]["invoices"])
    staff["c1"].act("collect", invoices=ids, amount=total)
    # CMIS was asked again and agreed: no marking change written, only the collection
    after = f4_changes(staff)
    assert after[: len(after) - len(before)] == ["collect.collect"]


def test_paid_elsewhere_is_refused_and_shown(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    t = serve_found(staff, customers.take(invoices=1))
    inv = t["customers"][0]["invoices"][0]
    # the customer paid at a bank between the ticket and the counter
    httpx.post(
        f"{hall.cmis_url}/admin/invoices/{inv['invoice_id']}/paid-elsewhere"
    ).raise_for_status()
    with pytest.raises(ApiError) as err:
        staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    assert (err.value.status, err.value.code) == (409, "paid_elsewhere")
    assert f4_changes(staff)[:2] == ["collect.collect", "collect.mark_paid_elsewhere"]
    shown = view.until_event("invoice.paid_elsewhere", t["number"])["data"]["ticket"]
    assert shown["customers"][0]["invoices"][0]["pay_status"] == "paid_elsewhere"
    assert shown["status"] == "serving" and shown["total_due"] == 0
    assert staff["sup"].get("/api/payments")["payments"] == [] or all(
        p["ticket_id"] != t["id"] for p in staff["sup"].get("/api/payments")["payments"]
    )
    back = staff["c1"].act(
        "return", ticket=t["number"], invoices=[inv["invoice_id"]], reason="paid_elsewhere"
    )
    assert back["customers"][0]["invoices"][0]["pay_status"] == "returned"
    staff["c1"].act("finish")
    view.close()
