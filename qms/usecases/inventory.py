"""The year-end inventory as a service (docs/inventory.md). Changes are commands run
through ``Hall.run`` (their rules and roles are in ``hall.USE_CASES``); the comparison
asks CMIS first, outside any transaction, and keeps its answer in one."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import partial
from typing import Any

import anyio

from integrations.cmis import base as cmis
from qms import words
from qms.domain.errors import DependencyFailed
from qms.domain.inventory import commands as ic
from qms.domain.inventory import record, sessions
from qms.domain.tx import Tx, any_day
from qms.usecases import csv_safe
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

#: CMIS calls of one comparison at once (one per book)
COMPARE_CONCURRENCY = 8
log = logging.getLogger(__name__)


async def listing(hall: Hall, who: Principal) -> list[dict[str, Any]]:
    require(who, "inventory.read")
    return await hall.peek(who, sessions.listing)


async def state(hall: Hall, who: Principal, inventory_id: int) -> dict[str, Any]:
    require(who, "inventory.read")

    def shown(tx: Tx) -> dict[str, Any]:
        # the notes the cash is counted in (config cash.denominations), for the page's form
        out = sessions.state(tx, sessions.get(tx, inventory_id))
        return {**out, "denominations": sorted(tx.branch.denominations, reverse=True)}

    return await hall.peek(who, shown)


async def open_inventory(hall: Hall, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Open a session, then keep CMIS's unpaid invoices of its books at once, so every
    scan is checked against them without asking CMIS (docs/inventory.md). CMIS not
    answering leaves the session open without them: the count goes on, the comparison
    checks."""
    opened = await hall.run(who, ic.OpenInventory, data)
    try:
        listed = await _unpaid_lists(hall, who, [b["book_code"] for b in opened["books"]])
    except cmis.CmisError:
        log.warning("inventory %s opened without CMIS's lists: CMIS did not answer", opened["id"])
        return opened
    kept = await hall.change(
        who,
        any_day(partial(sessions.keep_expected, compared=False)),
        opened["id"],
        listed,
        action="inventory.list",
    )
    return {**opened, "listed_at": kept["listed_at"]}


async def _unpaid_lists(
    hall: Hall, who: Principal, codes: list[str]
) -> dict[str, list[cmis.BookInvoice]]:
    """CMIS's unpaid invoices of these books, a few books at a time."""
    client = hall.cmis(who.branch_id)
    gate = asyncio.Semaphore(COMPARE_CONCURRENCY)

    async def one(book: str) -> list[cmis.BookInvoice]:
        async with gate:
            return await hall.cmis_call(
                who.branch_id, client.unpaid_invoices_of_book(who.branch_id, book)
            )

    lists = await asyncio.gather(*(one(b) for b in codes))
    return dict(zip(codes, lists, strict=True))


async def compare(hall: Hall, who: Principal, inventory_id: int) -> dict[str, Any]:
    """Fetch CMIS's unpaid invoices of the session's books and keep them for the record.
    CMIS not answering changes nothing: the count is kept, compare again later."""
    require(who, "inventory.manage")

    def books(tx: Tx) -> list[str]:
        inv = sessions.get(tx, inventory_id, open_only=True)
        return [b.book_code for b in sessions.books_of(tx, inv)]

    codes = await hall.peek(who, books)
    try:
        listed = await _unpaid_lists(hall, who, codes)
    except cmis.CmisError as exc:
        raise DependencyFailed(
            "CMIS did not give the unpaid invoices of the books; the count is kept: "
            "compare again in a moment",
            code="inventory_compare_unavailable",
            request_id=exc.request_id,
        ) from None
    return await hall.change(
        who, any_day(sessions.keep_expected), inventory_id, listed, action="inventory.compare"
    )


async def inventory_record(hall: Hall, who: Principal, inventory_id: int) -> dict[str, Any]:
    require(who, "inventory.read")
    return await hall.peek(who, lambda tx: record.build(tx, inventory_id))


async def record_pdf(hall: Hall, who: Principal, data: dict[str, Any]) -> bytes:
    """The record on A4, drawn off the event loop (a record of thousands of lines)."""
    from qms.usecases import inventory_pdf  # fpdf2 loads on the first paper, not at start-up

    draw = partial(
        inventory_pdf.record_pdf,
        data,
        branch=hall.branch(who.branch_id).name,
        at=hall.clock.now().isoformat(),
        tz=str(hall.clock.tz),
    )
    return await anyio.to_thread.run_sync(draw)


#: the record's lines in the CSV: which list, and what it asks of the hall
LISTS = ("missing_list", "at_counter_list", "extra_list", "double_list")


def record_csv(data: dict[str, Any]) -> str:
    """The inventory record as CSV: the committee, a line per book with its totals, a
    line per difference with what it means for the hall, then the cash by note per
    holder (Vietnamese / English)."""
    out = io.StringIO()
    w = csv_safe.Writer(out)
    w.writerow(["Biên bản kiểm kê / Inventory record", data["inventory"]["title"]])
    w.writerow(["Hội đồng kiểm kê / Committee", "Họ và tên / Name", "Chức vụ / Role"])
    for m in data["inventory"]["committee"]:
        w.writerow(["", m["name"], m["role"]])
    w.writerow([])
    w.writerow(
        [
            "Sổ / Book", "Trạng thái / Status", "CMIS chưa thu / Unpaid at CMIS",
            "Tiền / Amount", "Đã quét / Scanned", "Khớp / Matched", "Tại quầy / At a counter",
            "Thiếu / Missing", "Tiền thiếu / Missing amount", "Thừa / Extra", "Quét trùng / Double",
        ]
    )  # fmt: skip
    for b in [*data["books"], {"book_code": "TỔNG / TOTAL", "status": "", **data["totals"]}]:
        status = words.status_text("inventory_book", b["status"]) if b["status"] else ""
        w.writerow(
            [
                b["book_code"], status, b["expected"], b["expected_total"], b["scanned"],
                b["matched"], b["at_counter"], b["missing"], b["missing_total"], b["extra"],
                b["doubles"],
            ]
        )  # fmt: skip
    w.writerow([])
    w.writerow(
        [
            "Sổ / Book", "Chênh lệch / Difference", "Ký hiệu / Series", "Số / Number",
            "Khách hàng / Customer", "Kỳ / Period", "Tiền / Amount", "Việc cần làm / What to do",
        ]
    )  # fmt: skip
    for b in data["books"]:
        for kind in LISTS:
            for item in b[kind]:
                why = item.get("why", kind.removesuffix("_list"))
                w.writerow(
                    [
                        b["book_code"], words.status_text("inventory_difference", why),
                        item["series"], item["number"], item.get("customer_code", ""),
                        item.get("period", ""), item.get("total", ""),
                        words.status_text("inventory_action", why),
                    ]
                )  # fmt: skip
    w.writerow([])
    w.writerow(
        [
            "Tiền mặt / Cash", "Người giữ / Holder", "Mệnh giá / Note", "Số tờ / Count",
            "Thành tiền / Amount",
        ]
    )  # fmt: skip
    for c in data["cash"]:
        for note, count in sorted(c["notes"].items(), key=lambda nc: -int(nc[0])):
            w.writerow(["", c["holder"], int(note), count, int(note) * count])
        w.writerow(["", c["holder"], "Cộng / Subtotal", "", c["total"]])
    w.writerow(["", "TỔNG / TOTAL", "", "", data["cash_total"]])
    return out.getvalue()
