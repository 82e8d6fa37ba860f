"""A hall on CMIS 1.0: a payment CMIS books after midnight is reconciled on the day it
was taken, other collection points' transactions stay out of the report, and an answer
that trickles in is given up at ``cmis.timeout_s``, not after minutes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from integrations.cmis.v1_wire import format_amount
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

VN = dt.timezone(dt.timedelta(hours=7))
TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("hall-v1"), cmis__timeout_s=TIMEOUT_S)
    server.edit_config(lambda raw: raw["branches"][0].update(cmis_version="1.0"))
    with server.running():
        yield server


@pytest.fixture
def view(hall: HallServer, staff: dict[str, Staff]) -> Iterator[ViewClient]:
    v = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    v.apply(v.recv())
    yield v
    v.close()


def serving(staff: dict[str, Staff], code: str, counter: str = "c1") -> list[dict[str, Any]]:
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    for inv in t["customers"][0]["invoices"]:
        clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff[counter].act("call", number=t["number"])
    return list(t["customers"][0]["invoices"])


def f4(staff: dict[str, Staff], invoices: list[dict[str, Any]], counter: str = "c1") -> Any:
    return staff[counter].act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )


def confirmed(view: ViewClient, txn: str) -> None:
    while True:
        msg = view.recv(timeout=30)
        view.apply(msg)
        payment = msg.get("data", {}).get("payment") or {}
        if msg.get("event") == "payment.confirmed" and payment.get("txn_id") == txn:
            return


def cmis_clock(hall: HallServer, offset_s: float) -> None:
    httpx.put(f"{hall.cmis_url}/admin/clock", json={"offset_s": offset_s}).raise_for_status()


def txns(report: dict[str, Any], category: str) -> list[str]:
    return [r["txn_id"] for r in report[category]]


def test_a_payment_cmis_books_after_midnight_is_matched(
    hall: HallServer,
    staff: dict[str, Staff],
    customers: Customers,
    view: ViewClient,
) -> None:
    """Taken today; CMIS 1.0's clock is past midnight when the BILLING arrives, so CMIS
    books it tomorrow. Neither day's reconciliation is left with an open item for it."""
    invoices = serving(staff, customers.take(invoices=1))
    now = dt.datetime.now(VN)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), VN)
    cmis_clock(hall, (midnight - now).total_seconds() + 60)
    try:
        paid = f4(staff, invoices)
        txn = paid["payments"][0]["txn_id"]
        confirmed(view, txn)
    finally:
        cmis_clock(hall, 0)
    today = dt.date.fromisoformat(paid["ticket"]["business_day"])
    tomorrow = today + dt.timedelta(days=1)
    report = staff["sup"].get(f"/api/reconciliation?date={today}")
    assert txn in txns(report, "matched") and txn not in txns(report, "only_ours"), report
    assert report["booked_next_day"] == [txn]
    mine = next(r for r in report["matched"] if r["txn_id"] == txn)
    assert mine["booked_next_day"] is True and mine["cmis"]["state"] == "BILLING"
    assert report["open_items"] == 0 and report["cmis_total"] == report["our_total"]
    after = staff["sup"].get(f"/api/reconciliation?date={tomorrow}")
    assert txns(after, "only_cmis") == [] and after["open_items"] == 0, after
    assert txns(after, "from_day_before") == [txn]


def billing(hall: HallServer, audit: str, point: str, code: str, inv: Any) -> None:
    """A BILLING straight to CMIS 1.0, as another collection point (or a ghost) makes."""
    envelope = (
        f"<request><command>BILLING</command><audit-number>{audit}</audit-number>"
        f"<collection-point>{point}</collection-point><body>"
        f"<customer-code>{code}</customer-code><bill-id>{inv.invoice_id}</bill-id>"
        f"<amount>{format_amount(inv.total)}</amount><cashier>ghost</cashier>"
        "</body></request>"
    )
    r = httpx.post(f"{hall.cmis_url}/cmis1/service", content=envelope.encode())
    assert r.status_code == 200 and "<code>000</code>" in r.text, r.text


def test_other_collection_points_are_not_ours_to_reconcile(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    """TRANS-BY-DATE lists every collection point's transactions of the day."""
    elsewhere, stranger = (demo.customers[customers.take(invoices=1)] for _ in range(2))
    billing(hall, "OTHER-HALL-1", "PE0100-HALL9", elsewhere.code, elsewhere.invoices[0])
    billing(hall, "GHOST-1", "PE0100-HALL1", stranger.code, stranger.invoices[0])
    day = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"]
    report = staff["sup"].get(f"/api/reconciliation?date={day}")
    assert txns(report, "only_cmis") == ["GHOST-1"], "ours, behind the hall's back"
    listed = {r["txn_id"] for k in ("matched", "only_cmis", "amount_differs") for r in report[k]}
    assert "OTHER-HALL-1" not in listed


def test_a_trickling_answer_gives_f4_a_clear_refusal_in_time(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    """CMIS sends its answer a byte a second (hundreds of bytes: minutes). F4 asks CMIS
    for fresh debts first, and says at once after ``timeout_s`` (each of its three
    tries) that CMIS is not answering, long before the answer would be in."""
    invoices = serving(staff, customers.take(invoices=1), "c2")
    httpx.put(f"{hall.cmis_url}/admin/faults", json={"trickle_ms": 1000}).raise_for_status()
    started = time.monotonic()
    try:
        with pytest.raises(ApiError) as err:
            f4(staff, invoices, "c2")
        took = time.monotonic() - started
    finally:
        httpx.put(f"{hall.cmis_url}/admin/faults", json={}).raise_for_status()
    assert (err.value.status, err.value.code) == (424, "cmis_unavailable")
    assert took < 10 * TIMEOUT_S, f"{took:.1f} s: the trickle would take minutes"
    assert f4(staff, invoices, "c2")["ticket"]["status"] == "done"
