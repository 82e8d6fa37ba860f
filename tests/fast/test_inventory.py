"""The year-end inventory in-process: clerks scan the racks book by book, the count is
compared with CMIS's unpaid invoices and the hall's own records, and the record lists
what is missing, extra, out at a counter or scanned twice."""

from __future__ import annotations

from typing import Any

import pytest

from qms.domain.errors import QmsError
from qms.domain.inventory import commands as ic
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
    inv = run(
        rig,
        SUP,
        ic.OpenInventory,
        {"title": "Kiểm kê 2026", "books": list(BOOKS), "committee": COMMITTEE},
    )
    return int(inv["id"])


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
    run(rig, CLERK_B, ic.Scan, {"code": "1K26TAA 9999999"}, id=i, book=b)  # not owed at CMIS
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
    assert by[b]["extra_list"] == [{"series": "1K26TAA", "number": "9999999", "why": "not_owed"}]
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
