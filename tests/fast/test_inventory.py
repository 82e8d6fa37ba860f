"""The year-end inventory in-process: clerks scan the racks book by book, the count is
compared with CMIS's unpaid invoices and the hall's own records, and the record lists
what is missing, extra, out at a counter or scanned twice."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from qms.domain.errors import QmsError
from qms.domain.inventory import commands as ic
from qms.storage.models import Ticket
from qms.usecases import inventory
from qms.usecases.auth import Principal
from tests.fast.conftest import Rig, invoices, staff

BOOKS = ("PE0100A011", "PE0100A012", "PE0100A013")
CLERK_A, CLERK_B = staff("lookup1", "lookup", "LE"), staff("lookup2", "lookup", "LO")
SUP = staff("supervisor", "supervisor", None)
COMMITTEE = [
    {"name": "Bùi Thị Giám Sát", "role": "Trưởng ban"},
    {"name": "Đặng Văn Trưởng", "role": "Thủ quỹ"},
]


def run(rig: Rig, who: Principal, kind: type[Any], data: dict[str, Any], **path: Any) -> Any:
    return rig.run(rig.hall.run(who, kind, data, **path))


def refused(
    rig: Rig, code: str, who: Principal, kind: type[Any], data: dict[str, Any], **path: Any
) -> None:
    with pytest.raises(QmsError) as err:
        run(rig, who, kind, data, **path)
    assert err.value.code == code, (err.value.code, err.value.message)


def barcode(inv: Any) -> str:
    return f"{inv.series}{inv.number}"


@pytest.fixture
def racks(rig: Rig) -> dict[str, list[Any]]:
    """Three books of two customers each (two invoices each): 12 papers CMIS says unpaid."""
    out: dict[str, list[Any]] = {}
    for book in BOOKS:
        for _ in range(2):
            code = rig.cmis.customer([(2026, 9, 1), (2026, 10, 1)], book_code=book)
            out.setdefault(book, []).extend(rig.cmis.debts[code].invoices)
    return out


def opened(rig: Rig) -> int:
    """A session of the three books, opened as the page does: CMIS's lists kept at once."""
    data = {"title": "Kiểm kê 2026", "books": list(BOOKS), "committee": COMMITTEE}
    return int(rig.run(inventory.open_inventory(rig.hall, SUP, data))["id"])


def test_the_record_lists_missing_extra_and_double_scans(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    i = opened(rig)
    a, b, c = BOOKS
    for inv in racks[a]:  # book A: all four there
        run(rig, CLERK_A, ic.Scan, {"code": barcode(inv)}, id=i, book=a)
    again = run(rig, CLERK_A, ic.Scan, {"code": barcode(racks[a][0])}, id=i, book=a)
    assert again["double"] is True and again["times"] == 2
    for inv in racks[b][:3]:  # book B: one paper missing
        run(rig, CLERK_B, ic.Scan, {"code": barcode(inv)}, id=i, book=b)
    stranger = run(rig, CLERK_B, ic.Scan, {"code": "1K26TAA 9999999"}, id=i, book=b)
    assert stranger["extra"] == "unknown" and stranger["book"]["scanned"] == 4  # still counted
    refused(rig, "book_taken", CLERK_B, ic.Scan, {"code": barcode(racks[a][1])}, id=i, book=a)
    refused(rig, "not_an_invoice", CLERK_A, ic.Scan, {"code": "hello"}, id=i, book=a)
    refused(
        rig,
        "book_not_in_session",
        CLERK_A,
        ic.Scan,
        {"code": barcode(racks[a][1])},
        id=i,
        book="PE0100A099",
    )
    run(rig, CLERK_A, ic.FinishBook, {}, id=i, book=a)
    rig.run(inventory.compare(rig.hall, SUP, i))
    rec = rig.run(inventory.inventory_record(rig.hall, SUP, i))
    by = {x["book_code"]: x for x in rec["books"]}
    assert (by[a]["expected"], by[a]["matched"], by[a]["missing"], by[a]["doubles"]) == (4, 4, 0, 1)
    assert [d["number"] for d in by[a]["double_list"]] == [racks[a][0].number]
    assert (by[b]["matched"], by[b]["missing"], by[b]["extra"]) == (3, 1, 1)
    assert by[b]["missing_list"][0]["number"] == racks[b][3].number
    assert by[b]["missing_total"] == racks[b][3].total
    assert by[b]["extra_list"] == [{"series": "1K26TAA", "number": "9999999", "why": "unknown"}]
    assert (by[c]["scanned"], by[c]["missing"]) == (0, 4)  # nobody counted book C
    assert rec["totals"]["missing"] == 5 and rec["totals"]["scanned"] == 8
    csv = inventory.record_csv(rec)
    assert "Thiếu / Missing" in csv and "Tìm lại; không thấy thì báo mất" in csv


def test_a_paper_out_at_a_counter_is_not_missing(rig: Rig, racks: dict[str, list[Any]]) -> None:
    book = BOOKS[0]
    code = rig.cmis.customer([(2026, 10, 1)], book_code=book)
    rig.open_drawers("c1")
    rig.serve("c1", code)  # found by a lookup counter, at cashier C1, not paid yet
    i = opened(rig)
    rig.run(inventory.compare(rig.hall, SUP, i))
    rec = rig.run(inventory.inventory_record(rig.hall, SUP, i))
    (first,) = [x for x in rec["books"] if x["book_code"] == book]
    assert [x["where"] for x in first["at_counter_list"]] == ["C1"]
    assert first["missing"] == 4  # the rack's four were never scanned
    assert invoices  # shared helpers stay importable


def test_cmis_down_keeps_the_count_and_closed_means_closed(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    i = opened(rig)
    run(rig, CLERK_A, ic.Scan, {"code": barcode(racks[BOOKS[0]][0])}, id=i, book=BOOKS[0])
    rig.cmis.down = True
    with pytest.raises(QmsError) as err:
        rig.run(inventory.compare(rig.hall, SUP, i))
    assert err.value.code == "inventory_compare_unavailable"
    refused(rig, "inventory_not_compared", SUP, ic.CloseInventory, {}, id=i)
    rig.cmis.down = False
    rig.run(inventory.compare(rig.hall, SUP, i))
    state = rig.run(inventory.state(rig.hall, SUP, i))
    assert state["books"][0]["scanned"] == 1  # kept through CMIS's outage
    run(
        rig,
        rig.people["head"],
        ic.CountCash,
        {"holder": "Két sắt", "notes": {"500000": 4, "10000": 3}},
        id=i,
    )
    run(rig, SUP, ic.CloseInventory, {}, id=i)
    refused(
        rig,
        "inventory_closed",
        CLERK_A,
        ic.Scan,
        {"code": barcode(racks[BOOKS[0]][1])},
        id=i,
        book=BOOKS[0],
    )
    rec = rig.run(inventory.inventory_record(rig.hall, SUP, i))
    assert rec["cash_total"] == 2_030_000
    refused(rig, "wrong_role", CLERK_A, ic.CloseInventory, {}, id=i)


def test_a_paper_of_a_book_outside_the_session_is_refused_at_once(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    a, b, _ = BOOKS
    other = rig.cmis.customer([(2026, 10, 1)], book_code="PE0100A099")
    (paper,) = rig.cmis.debts[other].invoices
    rig.issue(other)  # on a ticket: the hall's records know its book
    paid = rig.cmis.customer([(2026, 10, 1)], book_code=b)
    (paid_paper,) = rig.cmis.debts[paid].invoices
    rig.open_drawers("c1")
    rig.collect("c1", paid)  # paid at C1 before the inventory: not unpaid at CMIS
    rig.post_payments()
    i = opened(rig)
    assert rig.run(inventory.state(rig.hall, SUP, i))["listed_at"] is not None
    err = refused_with(rig, "invoice_of_other_book", CLERK_A, barcode(paper), i, a)
    assert err.details["book"] == "PE0100A099"
    listed = run(rig, CLERK_A, ic.Scan, {"code": barcode(racks[b][0])}, id=i, book=a)
    assert listed["extra"] is None  # a session book's paper in the wrong rack: counted
    flagged = run(rig, CLERK_A, ic.Scan, {"code": barcode(paid_paper)}, id=i, book=a)
    assert flagged["extra"] == "not_listed"  # the hall's records: book B; CMIS: paid
    assert rig.run(inventory.state(rig.hall, SUP, i))["books"][0]["scanned"] == 2


def test_cmis_down_at_the_opening_the_count_goes_on_and_the_comparison_checks(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    a = BOOKS[0]
    rig.cmis.down = True
    i = opened(rig)
    assert rig.run(inventory.state(rig.hall, SUP, i))["listed_at"] is None
    for code in (barcode(racks[a][0]), "1K26TAA 9999998"):
        assert run(rig, CLERK_A, ic.Scan, {"code": code}, id=i, book=a)["extra"] is None
    rig.cmis.down = False
    rig.run(inventory.compare(rig.hall, SUP, i))
    rec = rig.run(inventory.inventory_record(rig.hall, SUP, i))
    (book_a,) = [x for x in rec["books"] if x["book_code"] == a]
    assert book_a["matched"] == 1
    assert book_a["extra_list"] == [{"series": "1K26TAA", "number": "9999998", "why": "unknown"}]


def test_a_scan_sent_again_with_its_key_is_not_a_double(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    i, a = opened(rig), BOOKS[0]
    first, second = (barcode(x) for x in racks[a][:2])
    sent = run(rig, CLERK_A, ic.Scan, {"code": first, "key": "scan-0001"}, id=i, book=a)
    again = run(rig, CLERK_A, ic.Scan, {"code": first, "key": "scan-0001"}, id=i, book=a)
    assert (sent["double"], again["double"], again["repeat"]) == (False, False, True)
    assert again["book"]["scanned"] == 1 and again["book"]["doubles"] == 0
    err = refused_with(rig, "key_reused", CLERK_A, second, i, a, key="scan-0001")
    assert err.details["key"] == "scan-0001"
    run(rig, CLERK_A, ic.Scan, {"code": first, "key": "scan-0002"}, id=i, book=a)  # truly twice
    twice = run(rig, CLERK_A, ic.Scan, {"code": first, "key": "scan-0002"}, id=i, book=a)
    assert (twice["double"], twice["times"], twice["book"]["doubles"]) == (True, 2, 1)
    rig.run(inventory.compare(rig.hall, SUP, i))
    run(rig, SUP, ic.CloseInventory, {}, id=i)
    late = run(rig, CLERK_A, ic.Scan, {"code": first, "key": "scan-0002"}, id=i, book=a)
    assert late["repeat"] is True  # its first answer, though the session closed since
    refused(rig, "invalid_request", CLERK_A, ic.Scan, {"code": first, "key": "x"}, id=i, book=a)


def test_a_paper_paid_at_another_hall_is_not_paid_here(
    rig: Rig, racks: dict[str, list[Any]]
) -> None:
    a = BOOKS[0]
    here, there = (rig.cmis.customer([(2026, 10, 1)], book_code=a) for _ in range(2))
    papers = {c: barcode(rig.cmis.debts[c].invoices[0]) for c in (here, there)}
    rig.open_drawers("c1")
    rig.collect("c1", here)
    visit = rig.serve("c1", there)
    rig.f4("c1", invoices(visit))
    rig.post_payments()  # both paid at CMIS: extras in the rack
    with Session(rig.engine) as s:  # that visit was another hall's, on the same database
        s.exec(
            update(Ticket).where(col(Ticket.number) == visit["number"]).values(branch_id="PE0200")
        )
        s.commit()
    i = opened(rig)
    for c in (here, there):
        run(rig, CLERK_A, ic.Scan, {"code": papers[c]}, id=i, book=a)
    rig.run(inventory.compare(rig.hall, SUP, i))
    rec = rig.run(inventory.inventory_record(rig.hall, SUP, i))
    (book_a,) = [x for x in rec["books"] if x["book_code"] == a]
    why = {f"{x['series']}{x['number']}": x["why"] for x in book_a["extra_list"]}
    assert why == {papers[here]: "paid_here", papers[there]: "not_owed"}


def refused_with(
    rig: Rig, code: str, who: Principal, paper: str, i: int, book: str, **more: str
) -> QmsError:
    with pytest.raises(QmsError) as err:
        run(rig, who, ic.Scan, {"code": paper, **more}, id=i, book=book)
    assert err.value.code == code, (err.value.code, err.value.message)
    return err.value
