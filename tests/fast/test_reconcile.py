"""Day-end reconciliation of our payments against CMIS's list: the rule on its own
(``qms.domain.reconcile``) and the head cashier's report through the hall with a fake CMIS,
CMIS 1.0's next-day booking included."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.cmis.base import CmisPayment, PaymentRequest, PaymentState
from qms.domain.reconcile import Ours, reconcile
from tests.conftest import run_async
from tests.fast.conftest import FakeCmis, Rig

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def ours(txn: str, total: int = 100_000, status: str = "confirmed", ids=(1,)) -> Ours:
    return Ours(txn, "PE01000000001", tuple(ids), total, status)


def theirs(txn: str, total: int = 100_000, state=PaymentState.BILLING, ids=(1,)) -> CmisPayment:
    return CmisPayment(txn, "PE01000000001", tuple(ids), total, state, AT)


def txns(rows: list[dict]) -> list[str]:
    return [r["txn_id"] for r in rows]


def test_the_same_payment_on_both_sides_is_matched() -> None:
    r = reconcile([ours("A"), ours("B", 50_000)], [theirs("B", 50_000), theirs("A")])
    assert txns(r["matched"]) == ["A", "B"]
    assert r["open_items"] == 0
    assert r["our_total"] == r["cmis_total"] == 150_000


def test_a_payment_cmis_does_not_have_is_an_open_item() -> None:
    r = reconcile([ours("A", status="pending"), ours("B")], [theirs("B")])
    assert txns(r["only_ours"]) == ["A"]
    assert r["open_items"] == 1
    assert r["our_total"] - r["cmis_total"] == 100_000


def test_a_payment_only_cmis_has_is_an_open_item() -> None:
    """Someone took money at our collection point behind the hall's back."""
    r = reconcile([ours("A")], [theirs("A"), theirs("GHOST", 70_000)])
    assert txns(r["only_cmis"]) == ["GHOST"]
    assert r["open_items"] == 1
    assert r["cmis_total"] - r["our_total"] == 70_000


def test_amounts_or_invoices_that_differ_are_flagged_with_why() -> None:
    r = reconcile(
        [ours("A", 100_000), ours("B", ids=(1, 2)), ours("C", status="reversed")],
        [theirs("A", 90_000), theirs("B", ids=(1,)), theirs("C")],
    )
    assert [(d["txn_id"], d["why"]) for d in r["amount_differs"]] == [
        ("A", "amount"),
        ("B", "invoices"),
        ("C", "status"),  # reversed here, still billed at CMIS
    ]
    assert r["open_items"] == 3


def test_refused_and_both_sides_reverted_are_no_open_items() -> None:
    r = reconcile(
        [ours("A", status="refused"), ours("B", status="reversed")],
        [theirs("B", state=PaymentState.REVERT)],
    )
    assert r["open_items"] == 0
    assert txns(r["matched"]) == ["B"]
    assert r["our_total"] == r["cmis_total"] == 0


def test_cmis_1_0_booking_a_late_payment_the_next_day_is_matched_there() -> None:
    r = reconcile([ours("LATE")], [], next_day=[theirs("LATE")])
    assert txns(r["matched"]) == ["LATE"]
    assert r["booked_next_day"] == ["LATE"]
    assert r["matched"][0]["booked_next_day"] is True
    assert r["open_items"] == 0
    assert r["cmis_total"] == r["our_total"]


def test_yesterdays_late_payment_in_todays_list_is_no_stranger() -> None:
    r = reconcile([ours("A")], [theirs("A"), theirs("Y")], day_before=[ours("Y")])
    assert txns(r["from_day_before"]) == ["Y"]
    assert r["only_cmis"] == []
    assert r["open_items"] == 0


# --- through the hall -------------------------------------------------------------------


def test_the_report_matches_posted_payments_and_finds_cmis_strangers(rig: Rig) -> None:
    rig.open_drawers("c1")
    paid = [rig.collect("c1", rig.cmis.customer([(2026, 11, 1)])) for _ in range(2)]
    mine = sorted(p["payments"][0]["txn_id"] for p in paid)
    report = rig.run(rig.hall.reconciliation(rig.people["sup"], rig.day))
    assert sorted(txns(report["only_ours"])) == mine, "not posted yet"
    rig.post_payments()
    rig.cmis.list_on(rig.day, theirs("FOREIGN-1", 55_000))
    report = rig.run(rig.hall.reconciliation(rig.people["head"], rig.day))
    assert txns(report["matched"]) == mine
    assert txns(report["only_cmis"]) == ["FOREIGN-1"]
    assert report["open_items"] == 1
    assert report["cmis_total"] - report["our_total"] == 55_000


@pytest.mark.parametrize("cmis_version", ["1.0"])
def test_a_cmis_1_0_payment_posted_after_midnight_is_matched_in_the_next_days_list(
    rig: Rig,
) -> None:
    """Taken at 23:50, posted after midnight: CMIS 1.0 books it on the next day."""
    rig.cmis.book_day = lambda req: (req.at + dt.timedelta(minutes=20)).date()
    rig.clock.at = rig.clock.at.replace(hour=23, minute=50)
    rig.open_drawers("c1")
    txn = rig.collect("c1", rig.cmis.customer([(2026, 11, 1)]))["payments"][0]["txn_id"]
    rig.post_payments()
    assert rig.run(rig.cmis.payments_for_day(rig.day, "PE0100-HALL1")) == []
    report = rig.run(rig.hall.reconciliation(rig.people["sup"], rig.day))
    assert report["booked_next_day"] == [txn]
    assert txns(report["matched"]) == [txn]
    assert report["open_items"] == 0
    rig.clock.move(minutes=20)  # the next day's report does not count it as a stranger
    report = rig.run(rig.hall.reconciliation(rig.people["sup"], rig.day))
    assert txns(report["from_day_before"]) == [txn]
    assert report["only_cmis"] == [] and report["open_items"] == 0


def test_the_fake_cmis_books_a_post_once() -> None:
    """The fake keeps CMIS 2.0's promise the poster relies on: a resend books nothing new."""
    fake = FakeCmis()
    code = fake.customer([(2026, 11, 1)])
    inv = fake.debts[code].invoices[0]
    req = PaymentRequest("T1", code, (inv.invoice_id,), inv.total, "P", "c", AT)
    first = run_async(fake.post_payment(req))
    again = run_async(fake.post_payment(req))
    assert first == again
    assert len(run_async(fake.payments_for_day(AT.date(), "P"))) == 1
