"""The queue from reception to the cashier: one live ticket per customer, F9/F10 at the
lookup counters, calling, parking, F8 with money owed, a ticket reopened; and a ticket
issued while CMIS does not answer."""

from __future__ import annotations

from qms.domain import commands as c
from tests.fast.conftest import ODD_BOOK, Rig, invoices


def test_one_live_ticket_per_customer(rig: Rig) -> None:
    code = rig.cmis.customer()
    first = rig.issue(code)
    err = rig.refused("reception", c.IssueTicket((code,)), "customer_on_active_ticket")
    assert err.details["ticket"] == first["number"]
    rig.refused("reception", c.IssueTicket(("PE99999999999",)), "unknown_customer")
    assert rig.issue(rig.cmis.customer())["number"] == first["number"] + 1


def test_a_customer_owing_nothing_gets_no_ticket(rig: Rig) -> None:
    code = rig.cmis.customer([])
    rig.refused("reception", c.IssueTicket((code,)), "no_debt")


def test_a_ticket_is_issued_while_cmis_is_down_with_its_debts_pending(rig: Rig) -> None:
    """The customer gets a number at once; the debt fetcher fills the ticket in later."""
    code = rig.cmis.customer()
    rig.cmis.down = True
    rig.hall.debts_waiting.clear()
    t = rig.issue(code)
    assert t["debts_pending"] is True and invoices(t) == []
    assert rig.hall.debts_waiting.is_set(), "the debt fetcher is woken"


def test_the_lookup_counters_mark_their_own_papers(rig: Rig) -> None:
    """F10 puts a paper aside, F9 later finds it; the even counter cannot mark odd paper;
    an F9 by mistake is undone until the paper has gone to a counter."""
    even = rig.cmis.customer([(2026, 11, 1)])
    odd = rig.cmis.customer([(2026, 11, 1)], book_code=ODD_BOOK)
    t = rig.issue(even, odd)
    e, o = invoices(t, even)[0]["invoice_id"], invoices(t, odd)[0]["invoice_id"]
    assert [i["lookup"] for i in invoices(t)] == ["even", "odd"]
    rig.refused("even", c.LookupMark(t["number"], o, "found"), "wrong_counter")
    rig.do("odd", c.LookupMark(t["number"], o, "deferred"))
    rig.refused("odd", c.LookupMark(t["number"], o, "deferred"), "invalid_lookup_transition")
    rig.do("odd", c.LookupMark(t["number"], o, "found"))
    assert invoices(rig.ticket(t["number"]), odd)[0]["lookup_status"] == "found"
    rig.do("even", c.LookupMark(t["number"], e, "found"))
    rig.do("even", c.LookupMark(t["number"], e, "unfound"))
    assert invoices(rig.ticket(t["number"]), even)[0]["lookup_status"] == "pending"
    rig.find(rig.ticket(t["number"]))
    rig.open_drawers("c1")
    rig.do("c1", c.CallNumber("C1", t["number"]))  # the paper goes to C1
    err = rig.refused("even", c.LookupMark(t["number"], e, "unfound"), "already_delivered")
    assert err.details["delivered_to"] == "C1"


def test_call_next_takes_the_lowest_waiting_number(rig: Rig) -> None:
    for _ in range(3):
        rig.issue(rig.cmis.customer())
    rig.open_drawers("c1", "c2")
    assert rig.do("c1", c.CallNext("C1"))["number"] == 1
    rig.refused("c1", c.CallNext("C1"), "counter_busy")
    rig.refused("c2", c.CallNumber("C2", 1), "ticket_busy")
    assert rig.do("c2", c.CallNext("C2"))["number"] == 2
    rig.do("c2", c.Park("C2"))
    rig.do("c1", c.NoShow("C1"))
    rig.refused("c1", c.CallNumber("C1", 2), "parked_elsewhere")
    assert rig.do("c1", c.CallNext("C1"))["number"] == 3
    rig.do("c1", c.NoShow("C1"))
    rig.refused("c1", c.CallNext("C1"), "queue_empty")
    assert rig.do("c2", c.CallNumber("C2", 2))["status"] == "serving"


def test_f8_with_money_owed_asks_for_a_confirmation_and_a_reason(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000, 120_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    rig.f4("c1", invoices(t)[:1])
    err = rig.refused("c1", c.Finish("C1"), "confirm_unpaid")
    assert (err.details["unpaid"], err.details["total"]) == (
        [invoices(t)[1]["invoice_id"]],
        120_000,
    )
    rig.refused("c1", c.Finish("C1", confirm=True, reason="tired"), "invalid_reason")
    done = rig.do("c1", c.Finish("C1", confirm=True, reason="not_enough_money"))
    assert (done["status"], done["finish_reason"]) == ("done", "not_enough_money")


def test_a_ticket_finished_by_mistake_is_reopened_parked_at_its_counter(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000, 120_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    rig.do("c1", c.Finish("C1", confirm=True, reason="customer_left"))
    rig.refused("c1", c.Reopen(t["number"]), "wrong_role")
    back = rig.do("head", c.Reopen(t["number"]))
    assert (back["status"], back["counter"]["code"]) == ("parked", "C1")
    rig.refused("head", c.Reopen(t["number"]), "ticket_not_done")
    again = rig.do("c1", c.CallNumber("C1", t["number"]))
    assert rig.f4("c1", invoices(again))["ticket"]["status"] == "done"
    rig.refused("sup", c.Reopen(t["number"]), "nothing_to_collect")
