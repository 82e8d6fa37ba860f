"""An inventory session's life: opened with its committee and books, counted book by book
(one clerk per book at a time), compared with CMIS, its cash counted, closed. Closed is
closed: no scan, no count after it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select

from integrations.cmis.base import BookInvoice
from qms.domain.clock import iso
from qms.domain.closing import count_total
from qms.domain.errors import BadRequest, Conflict, NotFound
from qms.domain.inventory.commands import (
    CloseInventory,
    CountCash,
    FinishBook,
    OpenInventory,
    Scan,
    TakeBook,
)
from qms.domain.tx import Tx
from qms.storage.models import (
    Inventory,
    InventoryBook,
    InventoryCash,
    InventoryExpected,
    InventoryScan,
    TicketInvoice,
)

BOOK_STATUSES = ("waiting", "counting", "counted")
STATUSES = ("open", "closed")


def get(tx: Tx, inventory_id: int, *, open_only: bool = False) -> Inventory:
    inv = tx.session.get(Inventory, inventory_id)
    if inv is None or inv.branch_id != tx.branch_id:
        raise NotFound(
            f"no inventory {inventory_id}", code="unknown_inventory", inventory=inventory_id
        )
    if open_only and inv.status == "closed":
        raise Conflict(
            f"inventory {inventory_id} is closed: nothing more is counted",
            code="inventory_closed",
            inventory=inventory_id,
        )
    return inv


def _book(tx: Tx, inv: Inventory, code: str) -> InventoryBook:
    b = tx.session.exec(
        select(InventoryBook).where(
            InventoryBook.inventory_id == inv.id, InventoryBook.book_code == code
        )
    ).first()
    if b is None:
        raise Conflict(
            f"book {code} is not in this inventory", code="book_not_in_session", book=code
        )
    return b


def open_inventory(tx: Tx, cmd: OpenInventory) -> dict[str, Any]:
    for b in cmd.books:
        if not b.startswith(tx.branch_id):
            raise BadRequest(
                f"book {b} is not of unit {tx.branch_id}",
                code="book_of_other_unit",
                book=b,
                unit=tx.branch_id,
            )
    inv = Inventory(
        branch_id=tx.branch_id,
        title=cmd.title,
        committee=json.dumps(
            [{"name": n, "role": r} for n, r in cmd.committee], ensure_ascii=False
        ),
        opened_at=tx.now,
        opened_by=tx.actor.label,
    )
    tx.session.add(inv)
    tx.session.flush()
    for b in cmd.books:
        tx.session.add(InventoryBook(inventory_id=inv.id or 0, book_code=b))
    tx.session.flush()
    out = state(tx, inv)
    tx.emit("inventory.opened", {"inventory": out})
    return out


def take_book(tx: Tx, cmd: TakeBook) -> dict[str, Any]:
    """Start or resume counting a book; another clerk's book is refused."""
    inv = get(tx, cmd.id, open_only=True)
    b = _book(tx, inv, cmd.book)
    _mine_or_free(tx, b)
    if b.clerk != tx.actor.label or b.status != "counting":
        b.clerk, b.status = tx.actor.label, "counting"
        b.started_at = b.started_at or tx.now
        tx.session.add(b)
        tx.emit("inventory.book", {"inventory_id": inv.id, "book": book_public(tx, b)})
    return book_public(tx, b)


def _mine_or_free(tx: Tx, b: InventoryBook) -> None:
    if b.clerk is not None and b.clerk != tx.actor.label and b.status == "counting":
        raise Conflict(
            f"book {b.book_code} is being counted by {b.clerk.partition(':')[2]}",
            code="book_taken",
            book=b.book_code,
            clerk=b.clerk.partition(":")[2],
        )


def _book_of_record(tx: Tx, series: str, number: str) -> str | None:
    """The book the hall's own records put an invoice in (None: never on a ticket)."""
    return tx.session.exec(
        select(TicketInvoice.book_code)
        .where(TicketInvoice.number == number, TicketInvoice.series == series)
        .limit(1)
    ).first()


def scan(tx: Tx, cmd: Scan) -> dict[str, Any]:
    """One paper invoice found in the rack of ``cmd.book``. Scanned again: counted once,
    flagged as a double scan."""
    inv = get(tx, cmd.id, open_only=True)
    b = _book(tx, inv, cmd.book)
    _mine_or_free(tx, b)
    series, number = cmd.code
    known = _book_of_record(tx, series, number)
    if known is not None and known != cmd.book:
        other = tx.session.exec(
            select(InventoryBook.id).where(
                InventoryBook.inventory_id == inv.id, InventoryBook.book_code == known
            )
        ).first()
        if other is None:
            raise Conflict(
                f"invoice {series} {number} is of book {known}, not in this inventory: "
                "put it aside for its own book's count",
                code="invoice_of_other_book",
                book=known,
                series=series,
                number=number,
            )
    if b.clerk != tx.actor.label or b.status != "counting":
        b.clerk, b.status, b.started_at = tx.actor.label, "counting", b.started_at or tx.now
        tx.session.add(b)
    found = tx.session.exec(
        select(InventoryScan).where(
            InventoryScan.inventory_id == inv.id,
            InventoryScan.series == series,
            InventoryScan.number == number,
        )
    ).first()
    if found is not None:
        found.times += 1
        tx.session.add(found)
        tx.session.flush()
        tx.emit("inventory.scanned", {"inventory_id": inv.id, "book": book_public(tx, b)})
        return {
            "series": series,
            "number": number,
            "double": True,
            "times": found.times,
            "first_book": found.book_code,
            "first_at": iso(found.at),
            "book": book_public(tx, b),
        }
    tx.session.add(
        InventoryScan(
            inventory_id=inv.id or 0,
            book_code=cmd.book,
            series=series,
            number=number,
            clerk=tx.actor.label,
            at=tx.now,
        )
    )
    tx.session.flush()
    shown = book_public(tx, b)
    tx.emit("inventory.scanned", {"inventory_id": inv.id, "book": shown})
    return {"series": series, "number": number, "double": False, "book": shown}


def finish_book(tx: Tx, cmd: FinishBook) -> dict[str, Any]:
    inv = get(tx, cmd.id, open_only=True)
    b = _book(tx, inv, cmd.book)
    _mine_or_free(tx, b)
    b.status, b.finished_at, b.clerk = "counted", tx.now, tx.actor.label
    tx.session.add(b)
    out = book_public(tx, b)
    tx.emit("inventory.book", {"inventory_id": inv.id, "book": out})
    return out


def count_cash(tx: Tx, cmd: CountCash) -> dict[str, Any]:
    """The cash one holder keeps, counted by note (counted again: the last count)."""
    inv = get(tx, cmd.id, open_only=True)
    in_use = set(tx.branch.denominations)
    for note, _ in cmd.notes:
        if note not in in_use:
            raise BadRequest(
                f"{note} đ is not a note in use here",
                code="unknown_note",
                field=f"notes.{note}",
                note=note,
                notes=sorted(in_use, reverse=True),
            )
    row = tx.session.exec(
        select(InventoryCash).where(
            InventoryCash.inventory_id == inv.id, InventoryCash.holder == cmd.holder
        )
    ).first() or InventoryCash(
        inventory_id=inv.id or 0, holder=cmd.holder, notes="{}", total=0, counted_by=""
    )
    row.notes = json.dumps({str(n): k for n, k in cmd.notes if k})
    row.total, row.counted_by, row.at = count_total(cmd.notes), tx.actor.label, tx.now
    tx.session.add(row)
    tx.session.flush()
    out = cash_public(row)
    tx.emit("inventory.cash_counted", {"inventory_id": inv.id, "cash": out})
    return out


def keep_expected(
    tx: Tx, inventory_id: int, listed: dict[str, list[BookInvoice]]
) -> dict[str, Any]:
    """CMIS's unpaid invoices of the session's books, fetched for the comparison: they
    replace what an earlier comparison kept (the scans are never touched)."""
    inv = get(tx, inventory_id)
    rows = tx.session.exec(
        select(InventoryExpected).where(InventoryExpected.inventory_id == inv.id)
    ).all()
    for r in rows:
        tx.session.delete(r)
    tx.session.flush()
    tx.session.add_all(
        InventoryExpected(
            inventory_id=inv.id or 0,
            book_code=book,
            invoice_id=i.invoice_id,
            customer_code=i.customer_code,
            series=i.series,
            number=i.number,
            period=f"{i.month:02d}/{i.year}" + (f".{i.sub_period}" if i.sub_period > 1 else ""),
            total=i.total,
            due=i.due,
        )
        for book, invoices in listed.items()
        for i in invoices
    )
    inv.compared_at = tx.now
    tx.session.add(inv)
    tx.emit("inventory.compared", {"inventory_id": inv.id, "at": iso(tx.now)})
    return {
        "inventory_id": inv.id,
        "compared_at": iso(tx.now),
        "invoices": sum(map(len, listed.values())),
    }


def close(tx: Tx, cmd: CloseInventory) -> dict[str, Any]:
    inv = get(tx, cmd.id, open_only=True)
    if inv.compared_at is None:
        raise Conflict("compare the count with CMIS before closing", code="inventory_not_compared")
    inv.status, inv.closed_at, inv.closed_by = "closed", tx.now, tx.actor.label
    tx.session.add(inv)
    out = state(tx, inv)
    tx.emit("inventory.closed", {"inventory": out})
    return out


def books_of(tx: Tx, inv: Inventory) -> list[InventoryBook]:
    return list(
        tx.session.exec(
            select(InventoryBook)
            .where(InventoryBook.inventory_id == inv.id)
            .order_by(col(InventoryBook.book_code))
        ).all()
    )


def book_public(tx: Tx, b: InventoryBook) -> dict[str, Any]:
    scanned, doubles = tx.session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(InventoryScan.times) > 1, 1), else_=0)), 0),
        ).where(
            InventoryScan.inventory_id == b.inventory_id, InventoryScan.book_code == b.book_code
        )
    ).one()
    return {
        "book_code": b.book_code,
        "status": b.status,
        "clerk": b.clerk.partition(":")[2] if b.clerk else None,
        "started_at": iso(b.started_at),
        "finished_at": iso(b.finished_at),
        "scanned": int(scanned),
        "doubles": int(doubles),
    }


def cash_public(c: InventoryCash) -> dict[str, Any]:
    return {
        "holder": c.holder,
        "notes": json.loads(c.notes),
        "total": c.total,
        "counted_by": c.counted_by.partition(":")[2],
        "at": iso(c.at),
    }


def state(tx: Tx, inv: Inventory) -> dict[str, Any]:
    """A session as its pages show it: books with their progress, the cash counted."""
    cash = tx.session.exec(
        select(InventoryCash)
        .where(InventoryCash.inventory_id == inv.id)
        .order_by(col(InventoryCash.holder))
    ).all()
    return {
        "id": inv.id,
        "title": inv.title,
        "committee": json.loads(inv.committee),
        "status": inv.status,
        "opened_at": iso(inv.opened_at),
        "opened_by": inv.opened_by.partition(":")[2],
        "compared_at": iso(inv.compared_at),
        "closed_at": iso(inv.closed_at),
        "books": [book_public(tx, b) for b in books_of(tx, inv)],
        "cash": [cash_public(c) for c in cash],
    }


def listing(tx: Tx) -> list[dict[str, Any]]:
    found = tx.session.exec(
        select(Inventory)
        .where(Inventory.branch_id == tx.branch_id)
        .order_by(col(Inventory.id).desc())
    ).all()
    return [
        {"id": i.id, "title": i.title, "status": i.status, "opened_at": iso(i.opened_at)}
        for i in found
    ]
