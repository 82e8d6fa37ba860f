"""The year-end inventory through the public API on a real server and the CMIS simulator,
on both CMIS versions: three books counted by two clerks with papers left unscanned, a
paper paid at a counter first, a made-up number and double scans planted, and the record
(JSON and the A4 PDF) listing exactly those; a count that survives a server restart and
is resumed by its clerk; CMIS down during the comparison refused, the count kept."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from integrations.cmis.simulator.data import DemoData
from tests.conftest import HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

UNIT = "PE0100"
COMMITTEE = [
    {"name": "Bùi Thị Giám Sát", "role": "Trưởng ban"},
    {"name": "Đặng Văn Kế Toán", "role": "Kế toán"},
    {"name": "Võ Thị Thủ Quỹ", "role": "Thủ quỹ"},
]


@pytest.fixture(scope="module", params=["2.0", "1.0"])
def hall(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HallServer]:
    version = request.param
    server = HallServer(tmp_path_factory.mktemp(f"inventory-{version}"))
    server.edit_config(lambda raw: raw["branches"][0].update(cmis_version=version))
    with server.running():
        yield server


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Staff]]:
    p = {
        "sup": Staff(hall.base, "supervisor", None),
        "clerk1": Staff(hall.base, "lookup1", "LE"),
        "clerk2": Staff(hall.base, "lookup2", "LO"),
        "head": Staff(hall.base, "head", "C4"),
        "reception": Staff(hall.base, "reception", "R1"),
        "c1": Staff(hall.base, "cashier1", "C1"),
    }
    p["c1"].open_drawer()
    yield p
    for s in p.values():
        s.close()


def small_books(demo: DemoData, n: int) -> list[str]:
    """Books of the demo unit with 4 to 8 unpaid invoices over 2 customers or more."""
    invoices: dict[str, int] = {}
    owing: dict[str, int] = {}
    for c in demo.customers.values():
        invoices[c.book_code] = invoices.get(c.book_code, 0) + len(c.invoices)
        owing[c.book_code] = owing.get(c.book_code, 0) + bool(c.invoices)
    chosen = sorted(b for b, k in invoices.items() if 4 <= k <= 8 and owing[b] >= 2)[:n]
    assert len(chosen) == n, invoices
    return chosen


def unpaid(hall: HallServer, book: str) -> list[str]:
    """CMIS's unpaid invoices of a book as their barcodes (series + number)."""
    r = httpx.get(
        f"{hall.cmis_url}/v2/invoices",
        params={"unit": UNIT, "book": book, "status": "unpaid"},
        timeout=10,
    )
    r.raise_for_status()
    return [f"{i['KIHIEU_SERY']}{i['SO_SERY']}" for i in r.json()["HOA_DON"]]


def refused(code: str, call: Any, *args: Any) -> ApiError:
    with pytest.raises(ApiError) as err:
        call(*args)
    assert err.value.code == code, err.value.body
    return err.value


def pay_at_counter(people: dict[str, Staff], code: str) -> None:
    """A customer's whole visit: ticket, papers found, called, F4 for every invoice."""
    t = people["reception"].post("/api/tickets", {"customers": [code]})
    invoices = t["customers"][0]["invoices"]
    for inv in invoices:
        clerk = people["clerk1"] if inv["lookup"] == "even" else people["clerk2"]
        clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    people["c1"].act("call", number=t["number"])
    people["c1"].act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )


def scan(clerk: Staff, inv: int, book: str, code: str) -> Any:
    return clerk.post(f"/api/inventories/{inv}/books/{book}/scan", {"code": code})


def until_scanned(view: ViewClient, book: str, scanned: int) -> dict[str, Any]:
    """The book's progress as the live view tells it, once it reaches ``scanned``."""
    while True:
        msg = view.recv(timeout=15)
        shown = msg.get("data", {}).get("book") or {}
        if msg.get("event") == "inventory.scanned" and shown.get("book_code") == book:
            if shown["scanned"] == scanned:
                return shown


CASH_HEADER = [
    "Tiền mặt / Cash", "Người giữ / Holder", "Mệnh giá / Note", "Số tờ / Count",
    "Thành tiền / Amount",
]  # fmt: skip


def record_file(hall: HallServer, who: Staff, inv: int, format: str) -> bytes:
    """The record as a file, fetched as the page does: with the session's token."""
    r = httpx.get(
        f"{hall.base}/api/inventories/{inv}/record",
        params={"format": format},
        headers={"Authorization": f"Bearer {who.token}"},
        timeout=30,
    )
    r.raise_for_status()
    assert f'filename="kiem-ke-{inv}.{format}"' in r.headers["content-disposition"]
    return r.content


def listed(record: dict[str, Any], book: str, kind: str) -> set[str]:
    (b,) = [b for b in record["books"] if b["book_code"] == book]
    return {f"{i['series']}{i['number']}" for i in b[f"{kind}_list"]}


def test_three_books_counted_and_the_record_lists_what_was_planted(
    hall: HallServer, people: dict[str, Staff], demo: DemoData
) -> None:
    sup, clerk1, clerk2 = people["sup"], people["clerk1"], people["clerk2"]
    a, b, c = small_books(demo, 3)
    # a customer of book C pays at a counter first: their paper stays in the rack
    payer = next(x for x in demo.customers.values() if x.book_code == c and x.invoices)
    paid_paper = f"{payer.invoices[0].series}{payer.invoices[0].number}"
    view = ViewClient(hall.ws_url, clerk1.token, "inventory").connect()
    assert view.recv()["type"] == "snapshot"
    pay_at_counter(people, payer.code)
    racks = {book: unpaid(hall, book) for book in (a, b, c)}
    assert paid_paper not in racks[c] and all(len(r) >= 2 for r in racks.values())
    numbers = {i.number for x in demo.customers.values() for i in x.invoices}
    made_up = "1K26TPE" + next(f"{n:07d}" for n in range(1, 10**7) if f"{n:07d}" not in numbers)

    inv = sup.post(
        "/api/inventories",
        {"title": "Kiểm kê cuối năm 2026", "books": [a, b, c], "committee": COMMITTEE},
    )["id"]
    clerk1.post(f"/api/inventories/{inv}/books/{a}/take")
    clerk2.post(f"/api/inventories/{inv}/books/{b}/take")
    taken = refused("book_taken", clerk2.post, f"/api/inventories/{inv}/books/{a}/take")
    assert "lookup1" in taken.body["error"]["message"]
    missing_a, *rest_a = racks[a]
    for code in rest_a:
        scan(clerk1, inv, a, code)
    again = scan(clerk1, inv, a, f"{rest_a[0][:7]} {rest_a[0][7:]}")  # typed, with a space
    assert again["double"] is True and again["book"]["scanned"] == len(rest_a)
    refused("not_an_invoice", scan, clerk1, inv, a, "PE01000012345")
    # the clerk's live view heard every count, the paid ticket's events empty
    shown = until_scanned(view, a, len(rest_a))
    assert shown["clerk"] and shown["status"] == "counting"
    assert all(f["data"] == {} for f in view.frames if f.get("event", "").startswith("ticket."))
    view.close()
    for code in racks[b]:
        assert scan(clerk2, inv, b, code)["extra"] is None
    assert scan(clerk2, inv, b, made_up)["extra"] == "unknown"  # counted, flagged at once
    clerk1.post(f"/api/inventories/{inv}/books/{a}/finish")
    clerk1.post(f"/api/inventories/{inv}/books/{c}/take")
    missing_c, *rest_c = racks[c]
    for code in [*rest_c, paid_paper, rest_c[-1]]:
        scan(clerk1, inv, c, code)
    people["head"].post(
        f"/api/inventories/{inv}/cash",
        {"holder": "Két sắt / Safe", "notes": {"500000": 2, "10000": 3}},
    )
    compared = sup.post(f"/api/inventories/{inv}/compare")
    assert compared["invoices"] == sum(map(len, racks.values()))
    sup.post(f"/api/inventories/{inv}/close")
    refused("inventory_closed", scan, clerk2, inv, b, racks[b][0])

    record = sup.get(f"/api/inventories/{inv}/record")
    assert listed(record, a, "missing") == {missing_a} and listed(record, c, "missing") == {
        missing_c
    }
    assert listed(record, b, "missing") == set()
    assert listed(record, a, "double") == {rest_a[0]} and listed(record, c, "double") == {
        rest_c[-1]
    }
    assert listed(record, b, "extra") == {made_up} and listed(record, c, "extra") == {paid_paper}
    extras = {i["why"] for bk in record["books"] for i in bk["extra_list"]}
    assert extras == {"unknown", "paid_here"}  # the made-up number: neither CMIS nor we know it
    t = record["totals"]
    assert (t["missing"], t["extra"], t["doubles"], t["at_counter"]) == (2, 2, 2, 0)
    assert t["matched"] == sum(map(len, racks.values())) - 2
    assert record["cash_total"] == 1_030_000

    rows = list(csv.reader(io.StringIO(record_file(hall, sup, inv, "csv").decode("utf-8-sig"))))
    committee = rows[
        rows.index(["Hội đồng kiểm kê / Committee", "Họ và tên / Name", "Chức vụ / Role"]) + 1 :
    ][:3]
    assert committee == [["", m["name"], m["role"]] for m in COMMITTEE]
    cash = rows[rows.index(CASH_HEADER) + 1 :]
    assert cash == [
        ["", "Két sắt / Safe", "500000", "2", "1000000"],
        ["", "Két sắt / Safe", "10000", "3", "30000"],
        ["", "Két sắt / Safe", "Cộng / Subtotal", "", "1030000"],
        ["", "TỔNG / TOTAL", "", "", "1030000"],
    ]
    differences = {(r[0], r[1], r[3]) for r in rows if len(r) == 8}
    assert (b, "Thừa: không rõ hoá đơn", made_up[7:]) in differences
    assert (c, "Thừa: đã thu tại phòng", paid_paper[7:]) in differences

    pdf = httpx.get(
        f"{hall.base}/api/inventories/{inv}/record",
        params={"format": "pdf"},
        headers={"Authorization": f"Bearer {sup.token}"},
        timeout=30,
    )
    assert pdf.headers["content-type"] == "application/pdf"
    assert f'filename="kiem-ke-{inv}.pdf"' in pdf.headers["content-disposition"]
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "BIÊN BẢN KIỂM KÊ" in text and "Kiểm kê cuối năm 2026" in text
    for paper in (missing_a, missing_c, made_up, paid_paper):
        assert paper[7:] in text, paper
    assert "Tìm lại; không thấy thì báo mất" in text
    assert "Một triệu không trăm ba mươi nghìn đồng" in text
    for m in COMMITTEE:
        assert m["name"] in text and m["role"].upper() in text


def test_a_count_survives_a_restart_and_cmis_down_keeps_it(
    hall: HallServer, people: dict[str, Staff], demo: DemoData
) -> None:
    sup, clerk1, clerk2 = people["sup"], people["clerk1"], people["clerk2"]
    book = small_books(demo, 4)[3]
    rack = unpaid(hall, book)
    inv = sup.post(
        "/api/inventories", {"title": "Kiểm kê sổ lẻ", "books": [book], "committee": COMMITTEE}
    )["id"]
    clerk1.post(f"/api/inventories/{inv}/books/{book}/take")
    half = len(rack) // 2
    for code in rack[:half]:
        scan(clerk1, inv, book, code)

    hall.stop()
    hall.start()

    resumed = clerk1.post(f"/api/inventories/{inv}/books/{book}/take")
    assert resumed["scanned"] == half and resumed["clerk"] == "lookup1"
    refused("book_taken", clerk2.post, f"/api/inventories/{inv}/books/{book}/take")
    for code in [*rack[half:], rack[0]]:
        last = scan(clerk1, inv, book, code)
    assert last["double"] is True and last["book"]["scanned"] == len(rack)

    httpx.put(f"{hall.cmis_url}/admin/faults", json={"down": True}, timeout=10).raise_for_status()
    try:
        down = refused("inventory_compare_unavailable", sup.post, f"/api/inventories/{inv}/compare")
        assert down.status == 424
        kept = sup.get(f"/api/inventories/{inv}")
        assert kept["compared_at"] is None and kept["books"][0]["scanned"] == len(rack)
    finally:
        httpx.put(f"{hall.cmis_url}/admin/faults", json={}, timeout=10).raise_for_status()
    sup.post(f"/api/inventories/{inv}/compare")
    record = sup.get(f"/api/inventories/{inv}/record")
    assert record["totals"]["matched"] == len(rack) and record["totals"]["missing"] == 0
