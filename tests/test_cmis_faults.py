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


def test_cmis_down_refuses_tickets_and_delays_posting(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    t = serve_found(staff, customers.take(invoices=1))
    inv = t["customers"][0]["invoices"][0]
    faults(hall, down=True)
    try:
        before = staff["sup"].get("/api/snapshot?view=supervisor")["seq"]
        for who in (staff["kiosk"], staff["reception"]):
            with pytest.raises(ApiError) as err:
                who.post("/api/tickets", {"customers": [customers.take()]})
            assert (err.value.status, err.value.code) == (424, "cmis_unavailable")
            assert "CMIS" in err.value.body["error"]["message"]
        assert staff["sup"].get("/api/snapshot?view=supervisor")["seq"] == before
        paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        txn = paid["payments"][0]["txn_id"]
        pending = staff["sup"].get("/api/payments?status=pending")["payments"]
        assert txn in {p["txn_id"] for p in pending}, "F4 is recorded even with CMIS down"
    finally:
        faults(hall, down=False)
    confirmed = wait_payment(view, txn, "payment.confirmed")
    assert confirmed["receipt_no"]
    day = paid["ticket"]["business_day"]
    ledger = httpx.get(
        f"{hall.cmis_url}/v2/payments",
        params={"date": day, "collection_point": "PE0100-HALL1"},
    ).json()["GIAO_DICH"]
    assert [g["MA_GD"] for g in ledger].count(txn) == 1
    view.close()


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
    paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    txn = paid["payments"][0]["txn_id"]
    refused = wait_payment(view, txn, "payment.refused")
    assert refused["error"].startswith("051")
    listed = staff["sup"].get("/api/payments?status=refused")["payments"]
    assert [p["last_error"][:3] for p in listed if p["txn_id"] == txn] == ["051"]
    view.close()
