"""Paper at day end: what each counter was handed, paid and must give back, and who may
give back what (a cashier only the paper delivered to their own counter)."""

from __future__ import annotations

from typing import Any

from qms.domain import commands as c
from qms.domain import delivery
from tests.fast.conftest import ODD_BOOK, Rig, invoices


def report(rig: Rig) -> dict[str, Any]:
    return rig.read(delivery.report, rig.branch, rig.day)


def row(rep: dict[str, Any], counter: str) -> dict[str, Any]:
    return next(r for r in rep["counters"] if r["counter"] == counter)


def figures(rep: dict[str, Any], counter: str) -> tuple[int, int, int, int]:
    r = row(rep, counter)
    return r["delivered"], r["paid"], r["to_return"], r["returned"]


def paid_one_of_two(rig: Rig) -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer pays the older of two periods at C1 and leaves; the newer paper stays."""
    code = rig.cmis.customer(totals=[100_000, 130_000])
    rig.open_drawers("c1", "c2", "head")
    t = rig.serve("c1", code)
    older, newer = invoices(t)
    rig.f4("c1", [older])
    rig.do("c1", c.Finish("C1", confirm=True, reason="fewer_periods"))
    return t, newer


def test_each_counter_sees_what_it_was_handed_paid_and_must_give_back(rig: Rig) -> None:
    t, newer = paid_one_of_two(rig)
    rep = report(rig)
    assert figures(rep, "C1") == (2, 1, 1, 0)
    assert figures(rep, "LE") == (2, 1, 1, 0), "the even counter pulled both"
    assert figures(rep, "C2") == figures(rep, "LO") == (0, 0, 0, 0)
    assert row(rep, "C1")["to_return_total"] == 130_000
    assert [(p["ticket"], p["invoice_id"], p["delivered_to"]) for p in rep["to_return"]] == [
        (t["number"], newer["invoice_id"], "C1")
    ]


def test_a_return_is_recorded_with_its_reason_and_leaves_nothing_to_return(rig: Rig) -> None:
    t, newer = paid_one_of_two(rig)
    back = rig.do(
        "c1", c.ReturnInvoices("C1", t["number"], (newer["invoice_id"],), "fewer_periods")
    )
    assert [i["pay_status"] for i in invoices(back)] == ["paid", "returned"]
    assert invoices(back)[1]["returned_reason"] == "fewer_periods"
    rep = report(rig)
    assert figures(rep, "C1") == (2, 1, 0, 1)
    assert row(rep, "C1")["returned_by_reason"] == {"fewer_periods": 1}
    assert rep["to_return"] == []
    assert [(p["returned_by"], p["returned_reason"]) for p in rep["returned"]] == [
        ("user:cashier1", "fewer_periods")
    ]
    rig.refused(
        "c1",
        c.ReturnInvoices("C1", t["number"], (newer["invoice_id"],), "other"),
        "already_returned",
    )


def test_a_cashier_returns_only_paper_delivered_to_their_counter(rig: Rig) -> None:
    t, newer = paid_one_of_two(rig)
    ids = (newer["invoice_id"],)
    err = rig.refused(
        "c2", c.ReturnInvoices("C2", t["number"], ids, "customer_left"), "not_delivered_here"
    )
    assert err.details["delivered_to"] == "C1"
    rig.refused("c2", c.ReturnPapers(t["number"], ids, "customer_left"), "not_delivered_here")
    rig.refused("odd", c.ReturnPapers(t["number"], ids, "customer_left"), "wrong_counter")
    rig.refused("reception", c.ReturnPapers(t["number"], ids, "customer_left"), "wrong_role")
    assert report(rig)["to_return"] != [], "nothing changed by the refusals"
    back = rig.do("head", c.ReturnPapers(t["number"], ids, "customer_left"))  # any counter's
    assert invoices(back)[1]["pay_status"] == "returned"


def test_paid_paper_has_nothing_to_return(rig: Rig) -> None:
    t, _ = paid_one_of_two(rig)
    older = invoices(t)[0]
    rig.refused(
        "sup", c.ReturnPapers(t["number"], (older["invoice_id"],), "other"), "nothing_to_return"
    )


def test_paper_found_while_its_ticket_is_at_a_counter_is_delivered_there(rig: Rig) -> None:
    """F9 after the call: the clerk walks the paper to the counter the screen names."""
    code = rig.cmis.customer([(2026, 11, 1)], book_code=ODD_BOOK)
    rig.open_drawers("c2")
    t = rig.serve("c2", code, find=False)
    (inv,) = invoices(t)
    assert inv["delivered_to"] is None
    assert figures(report(rig), "C2") == (0, 0, 0, 0), "not pulled: not delivered"
    rig.refused("even", c.LookupMark(t["number"], inv["invoice_id"], "found"), "wrong_counter")
    found = rig.do("odd", c.LookupMark(t["number"], inv["invoice_id"], "found"))
    assert found["number"] == t["number"]
    assert invoices(rig.ticket(t["number"]))[0]["delivered_to"] == "C2"
    assert figures(report(rig), "C2") == (1, 0, 1, 0)
    assert figures(report(rig), "LO") == (1, 0, 1, 0)


def test_a_transferred_ticket_takes_its_paper_along(rig: Rig) -> None:
    code = rig.cmis.customer([(2026, 11, 1)])
    rig.open_drawers("c1", "c2")
    t = rig.serve("c1", code)
    rig.do("c1", c.Transfer("C1", "C2"))
    (inv,) = invoices(rig.ticket(t["number"]))
    assert inv["delivered_to"] == "C2"
    rep = report(rig)
    assert figures(rep, "C1") == (0, 0, 0, 0)
    assert figures(rep, "C2") == (1, 0, 1, 0), "one paper, counted once, where it is now"


def test_the_paper_of_a_payment_cmis_refused_goes_back(rig: Rig) -> None:
    """CMIS refuses a payment (051: paid elsewhere meanwhile). The poster's advice to the
    cashier is "refund the customer, return the paper"; the refund is in the drawer's
    figures, and the paper must be returnable and counted as to return, not as paid."""
    code = rig.cmis.customer([(2026, 11, 1)], totals=[95_000])
    rig.open_drawers("c1")
    t = rig.collect("c1", code)["ticket"]
    (inv,) = invoices(t)
    rig.cmis.refuse[inv["invoice_id"]] = "051"
    (p,) = rig.post_payments()
    assert p.status == "refused" and "return the paper" in (p.last_error or "")
    assert figures(report(rig), "C1") == (1, 0, 1, 0), "refused: nothing paid, paper to return"
    rig.do("c1", c.ReturnInvoices("C1", t["number"], (inv["invoice_id"],), "paid_elsewhere"))
