"""The inventory record (biên bản kiểm kê): per book, what CMIS says is unpaid against
what was found in the racks and what the hall's records say is out at a counter.

- matched: unpaid at CMIS and found in the rack;
- at a counter: unpaid, not in the rack, but the hall's records have its paper out
  (found by a lookup counter, not paid, not returned): fetch it back, it is not lost;
- missing: unpaid, not in the rack, not out: look for it, or report it lost;
- extra: in the rack but not unpaid at CMIS: paid here, or paid elsewhere (the hall's
  records know its book): return it to invoice records (paid papers leave the racks);
  unknown to both CMIS's lists and the hall's records: find its book first;
- double: scanned more than once (counted once)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import col, select

from qms.domain.inventory.sessions import books_of, cash_public, get, state
from qms.domain.tx import Tx
from qms.storage.models import (
    InventoryCash,
    InventoryExpected,
    InventoryScan,
    Ticket,
    TicketInvoice,
)

#: the kinds of difference the record lists (their words: statuses "inventory_difference")
DIFFERENCES = ("missing", "at_counter", "paid_here", "not_owed", "unknown", "double")
#: a paper a lookup counter found and nobody paid or returned is out of its rack
OUT = ("unpaid",)


def _out_at_counter(tx: Tx, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Of these (series, number), the papers the hall's records have out: where. Papers
    out are few (the open tickets' papers), so they are read whole, not looked up by the
    thousands of numbers a big book leaves unscanned."""
    if not keys:
        return {}
    rows = tx.session.exec(
        select(TicketInvoice.series, TicketInvoice.number, TicketInvoice.delivered_to)
        .join(Ticket, col(Ticket.id) == TicketInvoice.ticket_id)
        .where(
            Ticket.branch_id == tx.branch_id,  # this hall's counters, not another's
            TicketInvoice.lookup_status == "found",
            col(TicketInvoice.pay_status).in_(OUT),
        )
    ).all()
    return {(s, n): where or "lookup" for s, n, where in rows if (s, n) in keys}


def _paid_here(tx: Tx, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of these (series, number), the papers this hall's counters took payment for (as the
    at-a-counter check, another hall's tickets say nothing of this hall's racks)."""
    if not keys:
        return set()
    numbers = {n for _, n in keys}
    rows = tx.session.exec(
        select(TicketInvoice.series, TicketInvoice.number)
        .join(Ticket, col(Ticket.id) == TicketInvoice.ticket_id)
        .where(
            Ticket.branch_id == tx.branch_id,
            col(TicketInvoice.number).in_(numbers),
            col(TicketInvoice.pay_status).in_(("paid", "paid_elsewhere")),
        )
    ).all()
    return {(s, n) for s, n in rows if (s, n) in keys}


def _on_record(tx: Tx, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of these (series, number), the papers the hall's records know (on any hall's
    ticket): their book is known, so an extra one was paid, not a stranger."""
    if not keys:
        return set()
    rows = tx.session.exec(
        select(TicketInvoice.series, TicketInvoice.number).where(
            col(TicketInvoice.number).in_({n for _, n in keys})
        )
    ).all()
    return {(s, n) for s, n in rows if (s, n) in keys}


def _why_extra(key: tuple[str, str], paid: set[Any], known: set[Any]) -> str:
    if key in paid:
        return "paid_here"
    return "not_owed" if key in known else "unknown"


def build(tx: Tx, inventory_id: int) -> dict[str, Any]:
    inv = get(tx, inventory_id)
    compared = inv.compared_at is not None
    # the lists kept at the opening check the scans; the record counts on a comparison's
    expected = (
        tx.session.exec(
            select(InventoryExpected).where(InventoryExpected.inventory_id == inv.id)
        ).all()
        if compared
        else []
    )
    scans = tx.session.exec(select(InventoryScan).where(InventoryScan.inventory_id == inv.id)).all()
    want = {(e.series, e.number): e for e in expected}
    have = {(s.series, s.number): s for s in scans}
    not_found = set(want) - set(have)
    out = _out_at_counter(tx, not_found)
    extra_keys = set(have) - set(want)
    paid = _paid_here(tx, extra_keys) if compared else set()
    known = _on_record(tx, extra_keys - paid) if compared else set()
    per_book: dict[str, dict[str, Any]] = {}
    lists: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for b in books_of(tx, inv):
        per_book[b.book_code] = {
            "book_code": b.book_code,
            "status": b.status,
            "expected": 0,
            "expected_total": 0,
            "scanned": 0,
            "matched": 0,
            "at_counter": 0,
            "missing": 0,
            "missing_total": 0,
            "extra": 0,
            "doubles": 0,
        }
    for key, e in sorted(want.items(), key=lambda kv: (kv[1].customer_code, kv[1].period)):
        t = per_book.setdefault(e.book_code, {})
        t["expected"] += 1
        t["expected_total"] += e.total
        item = {
            "series": e.series,
            "number": e.number,
            "invoice_id": e.invoice_id,
            "customer_code": e.customer_code,
            "period": e.period,
            "total": e.total,
        }
        if key in have:
            t["matched"] += 1
        elif key in out:
            t["at_counter"] += 1
            lists[e.book_code]["at_counter"].append({**item, "where": out[key]})
        else:
            t["missing"] += 1
            t["missing_total"] += e.total
            lists[e.book_code]["missing"].append(item)
    for key, s in sorted(have.items()):
        t = per_book[s.book_code]
        t["scanned"] += 1
        if s.times > 1:
            t["doubles"] += 1
            lists[s.book_code]["double"].append(
                {"series": s.series, "number": s.number, "times": s.times}
            )
        if compared and key in extra_keys:
            t["extra"] += 1
            why = _why_extra(key, paid, known)
            lists[s.book_code]["extra"].append({"series": s.series, "number": s.number, "why": why})
    cash = tx.session.exec(
        select(InventoryCash)
        .where(InventoryCash.inventory_id == inv.id)
        .order_by(col(InventoryCash.holder))
    ).all()
    books = []
    for code, totals in sorted(per_book.items()):
        found = lists.get(code, {})
        books.append(
            {
                **totals,
                "missing_list": found.get("missing", []),
                "at_counter_list": found.get("at_counter", []),
                "extra_list": found.get("extra", []),
                "double_list": found.get("double", []),
            }
        )
    keys = (
        "expected",
        "expected_total",
        "scanned",
        "matched",
        "at_counter",
        "missing",
        "missing_total",
        "extra",
        "doubles",
    )
    return {
        "inventory": state(tx, inv),
        "compared": compared,
        "books": books,
        "totals": {k: sum(b[k] for b in books) for k in keys},
        "cash": [cash_public(c) for c in cash],
        "cash_total": sum(c.total for c in cash),
    }
