"""A cashier counter's payments of the day, as its screen reads them after a reload, and
a receipt printed again as a copy: only at the counter that took the money, and only
while the payment stands."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from qms.domain import commands as c
from qms.storage.models import DeviceJob
from qms.usecases import cash
from tests.fast.conftest import Rig, invoices


def _jobs(rig: Rig) -> list[DeviceJob]:
    return rig.read(lambda s: list(s.exec(select(DeviceJob).order_by(DeviceJob.id)).all()))


def test_the_counters_payments_list_and_a_copy_of_a_receipt(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[150_000, 250_000])
    rig.open_drawers("c1", "c2")
    t = rig.serve("c1", code)
    first, second = invoices(t)
    rig.f4("c1", [first])
    rig.clock.move(minutes=1)  # the customer finds the money for the second period
    rig.f4("c1", [second])
    mine = rig.run(cash.counter_payments(rig.hall, rig.people["c1"], "C1"))
    listed = mine["payments"]
    assert [p["total"] for p in listed] == [250_000, 150_000], "newest first"
    assert {p["ticket"] for p in listed} == {t["number"]}
    assert all(p["reprintable"] for p in listed)
    assert [j["document"] for j in listed[0]["paper"]] == ["receipt"]
    assert listed[0]["paper"][0]["copy"] is False

    # another counter sees none of them, and cannot read C1's
    assert rig.run(cash.counter_payments(rig.hall, rig.people["c2"], "C2"))["payments"] == []
    rig.refused("c2", c.ReprintReceipt("C2", listed[0]["txn_id"]), "unknown_payment")

    before = len(_jobs(rig))
    out = rig.do("c1", c.ReprintReceipt("C1", listed[1]["txn_id"]))
    assert out["ticket"] == t["number"] and out["payments"] == [listed[1]["txn_id"]]
    new = _jobs(rig)[before:]
    assert [(j.target, j.document) for j in new] == [("r1", "receipt")]
    payload = json.loads(new[0].payload)
    assert payload["copy"] is True
    assert [p["txn_id"] for p in payload["payments"]] == [listed[1]["txn_id"]]
    again = rig.run(cash.counter_payments(rig.hall, rig.people["c1"], "C1"))["payments"]
    assert [j["copy"] for j in again[1]["paper"]] == [False, True]


def test_a_payment_handed_back_has_no_receipt_to_print_again(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[99_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    paid = rig.f4("c1", invoices(t))
    txn = paid["payments"][0]["txn_id"]
    rig.post_payments()
    rig.do("c1", c.Reverse(txn=txn, reason="thu nhầm khách"))
    before = len(_jobs(rig))
    err = rig.refused("c1", c.ReprintReceipt("C1", txn), "receipt_not_reprintable")
    assert err.details["status"] == "reversal_pending"
    assert len(_jobs(rig)) == before, "a refusal queues no paper"


def test_a_copy_says_so_above_the_receipt() -> None:
    from printers import documents
    from printers.layout import Text

    ticket = {"number": 7, "customers": [{"code": "PE01", "name": "A", "invoices": []}]}
    payment = {"customer_code": "PE01", "invoice_ids": [], "total": 0, "txn_id": "T1"}
    kw: dict[str, Any] = {"branch": "B", "counter": "Quầy 1", "cashier": "c"}
    original = documents.receipt(ticket, [payment], at="2026-12-07T03:00:00+00:00", **kw)
    copy = documents.receipt(
        ticket,
        [payment],
        at="2026-12-07T03:00:00+00:00",
        reprint=True,
        reprinted_at="2026-12-07T04:30:00+00:00",
        **kw,
    )
    texts = [b.text for b in copy.blocks if isinstance(b, Text)]
    assert texts.count(documents.COPY_BANNER) == 2, "above and below the receipt"
    assert any("In lại lúc 07/12/2026 11:30" in t for t in texts)
    assert documents.COPY_BANNER not in [b.text for b in original.blocks if isinstance(b, Text)]
