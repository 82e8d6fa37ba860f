"""After F4: a same-day reversal goes to CMIS the same way as payments; day-end
reconciliation compares our payments with CMIS's list of the day."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis


def collect_one(
    staff: dict[str, Staff], customers: Customers, counter: str = "c1"
) -> dict[str, Any]:
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
    clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff[counter].act("call", number=t["number"])
    return staff[counter].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])


def until_payment(view: ViewClient, txn: str, event: str) -> dict[str, Any]:
    while True:
        msg = view.recv(timeout=30)
        view.apply(msg)
        if msg.get("event") == event and msg["data"]["payment"]["txn_id"] == txn:
            return msg["data"]


def refused(fn: Any, status: int, code: str) -> None:
    with pytest.raises(ApiError) as err:
        fn()
    assert (err.value.status, err.value.code) == (status, code), err.value.body


def test_reversal_of_a_mistake(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    paid = collect_one(staff, customers)
    txn = paid["payments"][0]["txn_id"]
    until_payment(view, txn, "payment.confirmed")
    path = f"/api/payments/{txn}/reverse"
    refused(lambda: staff["even"].post(path, {"reason": "nhầm khách"}), 403, "wrong_role")
    # a colleague may not reverse what another cashier took (the money is not in their drawer)
    refused(lambda: staff["c2"].post(path, {"reason": "nhầm khách"}), 403, "not_your_payment")
    refused(lambda: staff["c1"].post(path, {"reason": ""}), 400, "invalid_reason")
    refused(
        lambda: staff["c1"].post("/api/payments/NOPE/reverse", {"reason": "nhầm khách"}),
        404,
        "unknown_payment",
    )
    asked = staff["c1"].post(path, {"reason": "thu nhầm khách hàng"})
    assert asked["status"] == "reversal_pending"
    refused(lambda: staff["c1"].post(path, {"reason": "lần nữa"}), 409, "not_reversible")
    done = until_payment(view, txn, "payment.reversed")
    assert done["payment"]["status"] == "reversed"
    assert done["ticket"]["customers"][0]["invoices"][0]["pay_status"] == "unpaid"
    state = httpx.get(f"{hall.cmis_url}/v2/payments/{txn}").json()
    assert state["TRANG_THAI"] == "REVERT"
    view.close()


def test_reconciliation_matches_and_finds_what_only_cmis_has(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    txns = [collect_one(staff, customers)["payments"][0]["txn_id"] for _ in range(3)]
    for txn in txns:
        until_payment(view, txn, "payment.confirmed")
    # someone paid at our collection point behind the hall's back
    stranger = demo.customers[customers.take(invoices=1)]
    inv = stranger.invoices[0]
    day = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"]
    r = httpx.post(
        f"{hall.cmis_url}/v2/payments",
        headers={"Idempotency-Key": "FOREIGN-1"},
        json={
            "MA_KHANG": stranger.code,
            "ID_HDON": [inv.invoice_id],
            "TONG_TIEN": inv.total,
            "MA_DIEM_THU": "PE0100-HALL1",
            "MA_THU_NGAN": "ghost",
            "THOI_GIAN": f"{day}T10:00:00+07:00",
        },
    )
    assert r.status_code == 201, r.text
    report = staff["sup"].get(f"/api/reconciliation?date={day}")
    assert {m["txn_id"] for m in report["matched"]} >= set(txns)
    assert [o["txn_id"] for o in report["only_cmis"]] == ["FOREIGN-1"]
    assert report["only_ours"] == [] and report["amount_differs"] == []
    assert report["open_items"] == 1
    assert report["cmis_total"] - report["our_total"] == inv.total
    raw = staff["sup"].http.get(f"/api/reconciliation?date={day}&format=csv")
    assert raw.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(raw.text)))
    assert rows[0][0] == "Kết quả / Result (category)"
    assert rows[1][:2] == ["Chỉ có ở CMIS", "FOREIGN-1"], "the result in words, not a code"
    assert {r[0] for r in rows[1:]} <= {"Khớp", "Chỉ có ở CMIS"}
    refused(lambda: staff["c1"].get("/api/reconciliation"), 403, "wrong_role")
    refused(lambda: staff["sup"].get("/api/reconciliation?date=22/11/2026"), 400, "invalid_request")
    view.close()
