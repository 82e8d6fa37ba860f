"""The outbox in order: a customer's payments reach CMIS in the order they were taken, a
later one waits (unsent) while an earlier one is in doubt, and a CMIS call that hangs for
one customer does not hold another customer's payment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import Staff
from tests.wsclient import ViewClient

SCALE_OUT = True  # runs on SQLite + in-process bus and on PostgreSQL + Redis


def faults(hall: HallServer, **settings: Any) -> None:
    httpx.put(f"{hall.cmis_url}/admin/faults", json=settings).raise_for_status()


@pytest.fixture
def view(hall: HallServer, staff: dict[str, Staff]) -> Iterator[ViewClient]:
    v = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    v.apply(v.recv())
    yield v
    v.close()
    faults(hall)  # whatever happened, the next test starts with a healthy CMIS


def serving(staff: dict[str, Staff], code: str, counter: str) -> list[dict[str, Any]]:
    """A ticket for ``code``, every paper found, called to ``counter``; its invoices,
    oldest first."""
    t = staff["reception"].post("/api/tickets", {"customers": [code]})
    for inv in t["customers"][0]["invoices"]:
        clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff[counter].act("call", number=t["number"])
    return list(t["customers"][0]["invoices"])


def f4(staff: dict[str, Staff], counter: str, invoices: list[dict[str, Any]]) -> str:
    paid = staff[counter].act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )
    return str(paid["payments"][0]["txn_id"])


def payment_events(view: ViewClient, until: Any, timeout: float = 30) -> list[tuple[str, str]]:
    """(event, txn) of every payment event, in order, until ``until(seen)`` holds."""
    seen: list[tuple[str, str]] = []
    while not until(seen):
        msg = view.recv(timeout=timeout)
        view.apply(msg)
        if msg.get("event", "").startswith("payment.") and "payment" in msg["data"]:
            seen.append((msg["event"], msg["data"]["payment"]["txn_id"]))
    return seen


def status_of(staff: dict[str, Staff], txn: str) -> dict[str, Any]:
    return next(p for p in staff["sup"].get("/api/payments")["payments"] if p["txn_id"] == txn)


def cmis_day(hall: HallServer, day: str) -> dict[str, dict[str, Any]]:
    rows = httpx.get(
        f"{hall.cmis_url}/v2/payments", params={"date": day, "collection_point": "PE0100-HALL1"}
    ).json()["GIAO_DICH"]
    return {g["MA_GD"]: g for g in rows}


def refused_by_cmis(hall: HallServer) -> set[str]:
    """Every transaction CMIS ever refused, from the simulator's own journal."""
    lines = (hall.tmp / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    return {e["txn"] for e in map(json.loads, lines) if e.get("op") == "refuse"}


def test_two_f4s_of_one_customer_reach_cmis_in_order(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, view: ViewClient
) -> None:
    """The first post of the two gets 503 a few times (CMIS did nothing): the second
    waits for it, unsent, and both end confirmed, in the order they were taken."""
    older, newer = serving(staff, customers.take(invoices=2), "c1")
    faults(hall, invoice_faults={str(older["invoice_id"]): "busy"})
    first = f4(staff, "c1", [older])  # the oldest period
    payment_events(view, lambda seen: ("payment.in_doubt", first) in seen)
    second = f4(staff, "c1", [newer])  # the next period, while the first is in doubt
    doubts = payment_events(view, lambda seen: seen.count(("payment.in_doubt", first)) >= 2)
    assert all(txn == first for _, txn in doubts), "the second is not sent before the first"
    held = status_of(staff, second)
    assert (held["status"], held["attempts"]) == ("pending", 0), held
    faults(hall)  # CMIS answers again
    done = payment_events(view, lambda seen: ("payment.confirmed", second) in seen)
    confirmed = [txn for event, txn in done if event == "payment.confirmed"]
    assert confirmed == [first, second], done
    assert not any(event == "payment.refused" for event, _ in doubts + done)
    day = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"]
    ledger = cmis_day(hall, day)
    assert ledger[first]["ID_HDON"] == [older["invoice_id"]]
    assert ledger[second]["ID_HDON"] == [newer["invoice_id"]]
    assert ledger[first]["TRANG_THAI"] == ledger[second]["TRANG_THAI"] == "BILLING"
    receipts = [status_of(staff, t)["receipt_no"] for t in (first, second)]
    assert receipts == sorted(receipts), "CMIS numbers its receipts in the order it books"
    assert {first, second}.isdisjoint(refused_by_cmis(hall)), "no 021 on the way"


def test_a_later_payment_is_not_refused_while_an_earlier_one_is_in_doubt(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, view: ViewClient
) -> None:
    """Sent while the first is in doubt, the second would get 021 from CMIS only because
    the first is not applied yet: it is never sent then, so never refused."""
    invoices = serving(staff, customers.take(invoices=3), "c2")
    faults(hall, invoice_faults={str(invoices[0]["invoice_id"]): "error"})
    first = f4(staff, "c2", invoices[:1])
    later = f4(staff, "c2", invoices[1:3])  # two periods at once, after the first's
    seen = payment_events(view, lambda seen: seen.count(("payment.in_doubt", first)) >= 3)
    assert ("payment.refused", later) not in seen
    assert status_of(staff, later)["status"] == "pending"
    assert later not in refused_by_cmis(hall), "CMIS never had a chance to say 021"
    faults(hall)
    payment_events(view, lambda seen: ("payment.confirmed", later) in seen)
    assert status_of(staff, first)["status"] == status_of(staff, later)["status"] == "confirmed"


def test_a_hanging_post_holds_its_customer_not_the_others(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, view: ViewClient
) -> None:
    """CMIS holds one customer's post past the timeout (5 s, tried 3 times): another
    customer's payment is confirmed meanwhile, not after it."""
    slow = serving(staff, customers.take(invoices=1), "c3")
    faults(hall, invoice_faults={str(slow[0]["invoice_id"]): "hang"}, hang_ms=60_000)
    stuck = f4(staff, "c3", slow)
    quick = serving(staff, customers.take(invoices=1), "c4")
    fast = f4(staff, "c4", quick)
    seen = payment_events(view, lambda seen: ("payment.confirmed", fast) in seen)
    assert ("payment.in_doubt", stuck) not in seen, "the other customer did not wait"
    assert status_of(staff, stuck)["status"] == "pending"
    faults(hall)  # the hanging call ends at its timeout; the retry goes through
    payment_events(view, lambda seen: ("payment.confirmed", stuck) in seen, timeout=60)
