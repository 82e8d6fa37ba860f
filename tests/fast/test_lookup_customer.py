"""One key finds a customer's whole bundle of paper; the last F9 is undone whole, and only
until its paper is delivered; the follow view's estimated wait; reception's word match."""

from __future__ import annotations

from sqlmodel import Session, select

from qms.domain import commands as c
from qms.storage.models import Ticket
from qms.usecases import follow, search
from qms.usecases.follow import public_view
from tests.fast.conftest import ODD_BOOK, Rig, invoices


def test_one_key_finds_every_paper_of_the_customer_at_this_counter(rig: Rig) -> None:
    six = rig.cmis.customer(totals=[100_000] * 6)
    other = rig.cmis.customer(totals=[50_000])
    odd = rig.cmis.customer(totals=[70_000], book_code=ODD_BOOK)
    t = rig.issue(six, other, odd)
    got = rig.do("even", c.LookupCustomerFound(t["number"], six))
    mine = [i["invoice_id"] for i in invoices(t, six)]
    assert got["invoice_ids"] == mine
    now = rig.ticket(t["number"])
    assert [i["lookup_status"] for i in invoices(now, six)] == ["found"] * 6
    assert [i["lookup_status"] for i in invoices(now, other)] == ["pending"]
    assert [i["lookup_status"] for i in invoices(now, odd)] == ["pending"]
    # nothing left of that customer here: a clear refusal, nothing written
    rig.refused("even", c.LookupCustomerFound(t["number"], six), "nothing_to_find")
    # the odd customer's paper is the odd counter's
    rig.refused("even", c.LookupCustomerFound(t["number"], odd), "nothing_to_find")
    assert rig.do("odd", c.LookupCustomerFound(t["number"], odd))["invoice_ids"] == [
        invoices(t, odd)[0]["invoice_id"]
    ]


def test_a_deferred_paper_is_found_with_the_rest_of_the_bundle(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000, 120_000, 130_000])
    t = rig.issue(code)
    first, *_ = invoices(t)
    rig.do("even", c.LookupMark(t["number"], first["invoice_id"], "deferred"))
    got = rig.do("even", c.LookupCustomerFound(t["number"], code))
    assert len(got["invoice_ids"]) == 3
    assert {i["lookup_status"] for i in invoices(rig.ticket(t["number"]))} == {"found"}


def test_the_last_f9_is_undone_whole_until_its_paper_is_delivered(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000, 120_000, 130_000])
    t = rig.issue(code)
    ids = tuple(rig.do("even", c.LookupCustomerFound(t["number"], code))["invoice_ids"])
    back = rig.do("even", c.LookupUndo(t["number"], ids))
    assert back["invoice_ids"] == list(ids)
    assert {i["lookup_status"] for i in invoices(rig.ticket(t["number"]))} == {"pending"}

    # found again, then the cashier calls the ticket: the paper goes to C1
    ids = tuple(rig.do("even", c.LookupCustomerFound(t["number"], code))["invoice_ids"])
    rig.open_drawers("c1")
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    err = rig.refused("even", c.LookupUndo(t["number"], ids), "already_delivered")
    assert err.details["delivered_to"] == "C1"
    now = invoices(rig.ticket(t["number"]))
    assert {(i["lookup_status"], i["delivered_to"]) for i in now} == {("found", "C1")}


def test_an_undo_with_one_paper_it_cannot_take_back_takes_none(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000, 120_000])
    t = rig.issue(code)
    first, second = invoices(t)
    rig.do("even", c.LookupMark(t["number"], first["invoice_id"], "found"))
    ids = (first["invoice_id"], second["invoice_id"])  # the second was never found
    rig.refused("even", c.LookupUndo(t["number"], ids), "invalid_lookup_transition")
    now = {i["invoice_id"]: i["lookup_status"] for i in invoices(rig.ticket(t["number"]))}
    assert now == {first["invoice_id"]: "found", second["invoice_id"]: "pending"}
    rig.refused("even", c.LookupUndo(t["number"], (999_999,)), "unknown_invoice")


def test_the_wait_is_estimated_from_the_days_service_times(rig: Rig) -> None:
    rig.open_drawers("c1")
    codes = [rig.cmis.customer(totals=[100_000]) for _ in range(4)]
    served = rig.serve("c1", codes[0])
    waiting = [rig.issue(code) for code in codes[1:]]
    token = rig.read(_token, waiting[-1]["number"])

    def view() -> dict[str, object]:
        return rig.read(public_view, rig.hall.branches, token, rig.day, rig.clock.now())

    before = view()
    assert before["ahead"] == 2 and before["wait_minutes"] is None, "no service time yet"
    rig.clock.move(minutes=6)
    rig.do("c1", c.Finish("C1", confirm=True, reason="customer_left"))
    assert served["number"] != waiting[-1]["number"]
    after = view()
    # (2 ahead + 1) x 6 minutes / 1 counter serving
    assert after["ahead"] == 2 and after["wait_minutes"] == 18


def _token(session: Session, number: int) -> str:
    ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
    assert follow.find(session, ticket.follow_token).number == number
    return ticket.follow_token


def test_search_words_ignore_accents_case_punctuation_and_order() -> None:
    assert search.words("12 Kỳ Đồng, Phường 10, Quận 3") == [
        "12",
        "ky",
        "dong",
        "phuong",
        "10",
        "quan",
        "3",
    ]
    address = "45/2 Kỳ Đồng, Phường 10, Quận 3, TP. Hồ Chí Minh"
    assert search.matches(search.words("ky dong phuong 10"), "Lê Văn A", address)
    assert search.matches(search.words("PHUONG 10 ky-dong"), "Lê Văn A", address)
    assert search.matches(search.words("le ky phu"), "Lê Văn A", address), "prefixes"
    assert not search.matches(search.words("ky dong phuong 11"), "Lê Văn A", address)
    assert search.matches(search.words("PE0100"), "Lê Văn A", address, "PE01000012345")
    # CMIS is asked for the rare words first, not "phuong" nor "10"
    assert search.needles(search.words("ky dong phuong 10")) == ["dong", "ky"]
    assert search.needles(search.words("phuong 10")) == ["phuong"]
    assert search.needles(search.words("10 12")) == ["10", "12"]
