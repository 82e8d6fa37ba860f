"""F4 at a cashier counter: what the cashier sees accepted or refused, and the payment row
written with it (the outbox the CMIS poster sends from)."""

from __future__ import annotations

from types import SimpleNamespace

from qms.devices import jobs
from qms.domain import commands as c
from qms.domain.ticket_view import period_order
from tests.fast.conftest import BRANCH, Rig, invoice_ids, invoices


def test_a_later_period_cannot_be_paid_while_an_older_one_is_unpaid(rig: Rig) -> None:
    code = rig.cmis.customer([(2026, 9, 1), (2026, 10, 1), (2026, 11, 1)])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    sep, oct_, nov = invoices(t)
    err = rig.refused("c1", c.Collect("C1", (nov["invoice_id"],), nov["total"]), "period_order")
    assert err.details["expected"] == [sep["invoice_id"]]
    rig.refused("c1", c.Collect("C1", (sep["invoice_id"], nov["invoice_id"]), 1), "period_order")
    paid = rig.f4("c1", [sep, oct_])  # the two oldest: allowed, the newest stays owed
    assert [i["pay_status"] for i in invoices(paid["ticket"])] == ["paid", "paid", "unpaid"]
    assert paid["ticket"]["status"] == "serving"
    assert rig.f4("c1", [nov])["ticket"]["status"] == "done"


def test_each_customer_of_a_ticket_pays_their_own_oldest_first(rig: Rig) -> None:
    """A neighbour's periods do not block another customer's on the same ticket."""
    x = rig.cmis.customer([(2026, 10, 1), (2026, 11, 1)])
    y = rig.cmis.customer([(2026, 8, 1)])
    rig.open_drawers("c1")
    t = rig.serve("c1", x, y)
    (y_aug,) = invoices(t, y)
    x_oct, x_nov = invoices(t, x)
    rig.refused(
        "c1", c.Collect("C1", (x_nov["invoice_id"], y_aug["invoice_id"]), 1), "period_order"
    )
    paid = rig.f4("c1", [x_oct, y_aug])
    assert sorted(p["customer_code"] for p in paid["payments"]) == sorted([x, y])


def test_the_amount_must_equal_the_chosen_invoices_total(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[123_456, 200_000])
    rig.open_drawers("c1")
    first = invoices(rig.serve("c1", code))[0]
    for wrong in (123_455, 123_457, 323_456):
        err = rig.refused("c1", c.Collect("C1", (first["invoice_id"],), wrong), "amount_mismatch")
        assert err.details["expected"] == 123_456
    assert rig.payments() == [], "a refused F4 writes no payment"


def test_tendered_less_than_the_amount_is_refused_and_change_is_computed(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[187_000, 200_000])
    rig.open_drawers("c1")
    first, second = invoices(rig.serve("c1", code))
    rig.refused("c1", c.Collect("C1", (first["invoice_id"],), 187_000, 186_999), "tendered_short")
    assert rig.payments() == []
    assert rig.f4("c1", [first], tendered=200_000)["change"] == 13_000
    assert rig.f4("c1", [second], tendered=200_000)["change"] == 0


def test_no_tendered_means_exact_money(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[90_000])
    rig.open_drawers("c1")
    (only,) = invoices(rig.serve("c1", code))
    assert rig.f4("c1", [only])["change"] == 0


def test_paper_not_found_yet_cannot_be_collected(rig: Rig) -> None:
    """The seed's rule: F4 only once the lookup counters found the paper (F9)."""
    code = rig.cmis.customer([(2026, 10, 1)], book_code="PE01B0103")
    rig.open_drawers("c1")
    t = rig.serve("c1", code, find=False)
    (inv,) = invoices(t)
    err = rig.refused("c1", c.Collect("C1", (inv["invoice_id"],), inv["total"]), "not_found_yet")
    assert err.details["lookup_status"] == "pending"
    rig.do("odd", c.LookupMark(t["number"], inv["invoice_id"], "deferred"))  # F10
    rig.refused("c1", c.Collect("C1", (inv["invoice_id"],), inv["total"]), "not_found_yet")
    rig.do("odd", c.LookupMark(t["number"], inv["invoice_id"], "found"))  # found later
    assert rig.f4("c1", [inv])["ticket"]["status"] == "done"


def test_the_same_invoice_cannot_be_paid_twice_on_its_ticket(rig: Rig) -> None:
    code = rig.cmis.customer()
    rig.open_drawers("c1")
    older, _ = invoices(rig.serve("c1", code))
    rig.f4("c1", [older])
    err = rig.refused("c1", c.Collect("C1", (older["invoice_id"],), older["total"]), "already_paid")
    assert err.details["invoice"] == older["invoice_id"]
    assert len(rig.payments()) == 1


def test_an_invoice_a_later_ticket_took_over_is_not_collected_on_the_old_one(rig: Rig) -> None:
    """X and Y share a ticket at C1; X leaves (no-show), comes back on a new ticket and
    pays there at C2: the old ticket, called again for Y, cannot collect X's invoice."""
    x = rig.cmis.customer([(2026, 11, 1)])
    y = rig.cmis.customer([(2026, 11, 1)], book_code="PE01B0103")
    rig.open_drawers("c1", "c2")
    a = rig.serve("c1", x, y)
    rig.do("c1", c.NoShow("C1"))
    b = rig.serve("c2", x)
    (x_inv,) = invoices(b, x)
    assert x_inv["lookup_status"] == "found", "the paper came along: not searched again"
    rig.f4("c2", [x_inv])
    a = rig.do("c1", c.CallNumber("C1", a["number"]))
    err = rig.refused(
        "c1", c.Collect("C1", (x_inv["invoice_id"],), x_inv["total"]), "invoice_moved"
    )
    assert err.details["ticket"] == b["number"]
    assert [invoice_ids(p) for p in rig.payments()] == [[x_inv["invoice_id"]]]


def test_an_invoice_paid_at_a_bank_since_the_ticket_is_refused(rig: Rig) -> None:
    """F4 asks CMIS again first: what it no longer lists was paid elsewhere."""
    code = rig.cmis.customer()
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    older, newer = invoices(t)
    rig.cmis.pay_elsewhere(code, older["invoice_id"])
    rig.refused("c1", c.Collect("C1", (older["invoice_id"],), older["total"]), "paid_elsewhere")
    state = rig.ticket(t["number"])
    assert [i["pay_status"] for i in invoices(state)] == ["paid_elsewhere", "unpaid"]
    assert rig.f4("c1", [newer])["ticket"]["status"] == "done"


def test_f4_needs_the_cashiers_own_open_drawer_at_this_counter(rig: Rig) -> None:
    code = rig.cmis.customer()
    rig.issue(code)
    rig.refused("c1", c.CallNext("C1"), "drawer_not_open")
    rig.refused("c1", c.CallNext("C2"), "wrong_counter")  # signed in at C1


def test_a_payment_row_is_written_for_the_outbox_and_the_poster_woken(rig: Rig) -> None:
    x = rig.cmis.customer(totals=[100_000, 150_000])
    y = rig.cmis.customer([(2026, 11, 1)], totals=[70_000], book_code="PE01B0103")
    rig.open_drawers("c1")
    t = rig.serve("c1", x, y)
    rig.hall.payments_waiting.clear()
    paid = rig.f4("c1", invoices(t))
    assert rig.hall.payments_waiting.is_set(), "the CMIS poster is woken after commit"
    rows = {p.customer_code: p for p in rig.payments()}
    assert set(rows) == {x, y}, "one payment per customer"
    assert [(rows[x].total, rows[x].status), (rows[y].total, rows[y].status)] == [
        (250_000, "pending"),
        (70_000, "pending"),
    ]
    assert invoice_ids(rows[x]) == sorted(i["invoice_id"] for i in invoices(t, x))
    assert {rows[x].counter_code, rows[x].cashier} == {"C1", "user:cashier1"}
    assert {p["txn_id"] for p in paid["payments"]} == {p.txn_id for p in rows.values()}
    assert all(p.txn_id.startswith(f"PE0100-{rig.day:%Y%m%d}-") for p in rows.values())
    assert rig.cmis.posted == {}, "nothing goes to CMIS inside F4"
    printed = [(j["target"], j["document"]) for j in rig.read(jobs.listing, BRANCH, None)]
    assert printed == [("r1", "receipt")], "the receipt is queued in F4's own transaction"
    rig.post_payments()
    assert set(rig.cmis.posted) == {p.txn_id for p in rows.values()}
    assert {p.status for p in rig.payments()} == {"confirmed"}


def test_period_order_sorts_year_month_then_sub_period() -> None:
    """Months split into sub-periods (kỳ 1, 2, 3) come in order inside their month."""
    inv = [
        SimpleNamespace(year=2026, month=11, sub_period=2),
        SimpleNamespace(year=2025, month=12, sub_period=1),
        SimpleNamespace(year=2026, month=11, sub_period=1),
        SimpleNamespace(year=2026, month=2, sub_period=3),
        SimpleNamespace(year=2026, month=10, sub_period=1),
    ]
    ordered = [(i.year, i.month, i.sub_period) for i in sorted(inv, key=period_order)]
    assert ordered == [(2025, 12, 1), (2026, 2, 3), (2026, 10, 1), (2026, 11, 1), (2026, 11, 2)]


def test_a_ticket_lists_sub_periods_in_order_and_f4_keeps_it(rig: Rig) -> None:
    """CMIS gives the invoices in any order; the ticket lists them oldest first, and
    the second sub-period of a month waits for the first."""
    code = rig.cmis.customer([(2026, 11, 2), (2026, 11, 1), (2026, 10, 3)])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    assert [i["period"] for i in invoices(t)] == ["10/2026-3", "11/2026", "11/2026-2"]
    oct3, nov1, nov2 = invoices(t)
    rig.refused("c1", c.Collect("C1", (nov2["invoice_id"],), nov2["total"]), "period_order")
    rig.refused(
        "c1",
        c.Collect("C1", (oct3["invoice_id"], nov2["invoice_id"]), oct3["total"] + nov2["total"]),
        "period_order",
    )
    rig.f4("c1", [oct3, nov1])
    assert rig.f4("c1", [nov2])["ticket"]["status"] == "done"


def test_a_customer_whose_payment_cmis_refused_can_pay_again(rig: Rig) -> None:
    """CMIS refuses the payment (031: amount differs), the cashier refunds the customer;
    CMIS still lists the invoice unpaid, so the customer can take a new ticket for it."""
    code = rig.cmis.customer([(2026, 11, 1)], totals=[95_000])
    rig.open_drawers("c1")
    (inv,) = invoices(rig.collect("c1", code)["ticket"])
    rig.cmis.refuse[inv["invoice_id"]] = "031"
    (p,) = rig.post_payments()
    assert p.status == "refused"
    again = rig.issue(code)
    assert [i["invoice_id"] for i in invoices(again)] == [inv["invoice_id"]]


def test_no_fresh_answer_from_cmis_no_collection(rig: Rig) -> None:
    """F4 asks CMIS again first; when CMIS does not answer, nothing is collected."""
    code = rig.cmis.customer()
    rig.open_drawers("c1")
    older, _ = invoices(rig.serve("c1", code))
    rig.cmis.down = True
    err = rig.refused(
        "c1", c.Collect("C1", (older["invoice_id"],), older["total"]), "cmis_unavailable"
    )
    assert "fresh debts" in err.message
    assert rig.payments() == []
    rig.cmis.down = False
    assert rig.f4("c1", [older])["payments"][0]["total"] == older["total"]
