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
    InventoryScanKey,
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


def _listed_book(tx: Tx, inv: Inventory, series: str, number: str) -> str | None:
    """The session's book whose CMIS unpaid list (kept at the opening) has this paper."""
    return tx.session.exec(
        select(InventoryExpected.book_code)
        .where(
            InventoryExpected.inventory_id == inv.id,
            InventoryExpected.series == series,
            InventoryExpected.number == number,
        )
        .limit(1)
    ).first()


def _check_paper(tx: Tx, inv: Inventory, series: str, number: str) -> str | None:
    """Whether a paper belongs to this count, from what the hall knows without asking
    CMIS (a barcode carries no book): CMIS's unpaid lists of the session's books, kept at
    the opening, then the hall's records. A paper of a book outside the session is
    refused. Otherwise it is counted, flagged when it will be an extra: ``not_listed``
    (the hall's records put it in a session's book, CMIS does not list it unpaid: paid)
    or ``unknown`` (known to neither). No lists kept (CMIS down at the opening): no
    flag, the comparison tells."""
    if _listed_book(tx, inv, series, number) is not None:
        return None
    known = _book_of_record(tx, series, number)
    if known is not None:
        ours = tx.session.exec(
            select(InventoryBook.id).where(
                InventoryBook.inventory_id == inv.id, InventoryBook.book_code == known
            )
        ).first()
        if ours is None:
            raise Conflict(
                f"invoice {series} {number} is of book {known}, not in this inventory: "
                "put it aside for its own book's count",
                code="invoice_of_other_book",
                book=known,
                series=series,
                number=number,
            )
    if inv.listed_at is None:
        return None
    return "unknown" if known is None else "not_listed"


def _again(tx: Tx, inv: Inventory, cmd: Scan, series: str, number: str) -> dict[str, Any] | None:
    """A scan sent again with its key (its answer was lost): the first answer, nothing
    counted again; the key on another scan is refused."""
    k = tx.session.exec(select(InventoryScanKey).where(InventoryScanKey.key == cmd.key)).first()
    if k is None:
        return None
    if (k.inventory_id, k.book_code, k.series, k.number) != (inv.id, cmd.book, series, number):
        raise Conflict(
            "this scan's key was used for another scan", code="key_reused", key=cmd.key or ""
        )
    found = _scan_of(tx, inv, series, number)
    assert found is not None  # the key was written with its scan
    return {**_answer(tx, _book(tx, inv, cmd.book), found, k.times, k.extra), "repeat": True}


def _scan_of(tx: Tx, inv: Inventory, series: str, number: str) -> InventoryScan | None:
    """This session's scan of a paper (one row a paper, however often scanned)."""
    return tx.session.exec(
        select(InventoryScan).where(
            InventoryScan.inventory_id == inv.id,
            InventoryScan.series == series,
            InventoryScan.number == number,
        )
    ).first()


def _answer(
    tx: Tx, b: InventoryBook, found: InventoryScan, times: int, extra: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "series": found.series,
        "number": found.number,
        "double": times > 1,
        "extra": extra,
        "book": book_public(tx, b),
    }
    if times > 1:
        out.update(times=times, first_book=found.book_code, first_at=iso(found.at))
    return out


def scan(tx: Tx, cmd: Scan) -> dict[str, Any]:
    """One paper invoice found in the rack of ``cmd.book``. Scanned again: counted once,
    flagged as a double scan. Checked against what is kept, never by asking CMIS: a
    scan's answer stays quick while clerks scan at once."""
    inv = get(tx, cmd.id)
    series, number = cmd.code
    if cmd.key is not None and (first := _again(tx, inv, cmd, series, number)) is not None:
        return first
    inv = get(tx, cmd.id, open_only=True)
    b = _book(tx, inv, cmd.book)
    _mine_or_free(tx, b)
    extra = _check_paper(tx, inv, series, number)
    if b.clerk != tx.actor.label or b.status != "counting":
        b.clerk, b.status, b.started_at = tx.actor.label, "counting", b.started_at or tx.now
        tx.session.add(b)
    found = _scan_of(tx, inv, series, number)
    if found is not None:
        found.times += 1
    else:
        found = InventoryScan(
            inventory_id=inv.id or 0,
            book_code=cmd.book,
            series=series,
            number=number,
            clerk=tx.actor.label,
            at=tx.now,
        )
    tx.session.add(found)
    if cmd.key is not None:
        tx.session.add(
            InventoryScanKey(
                key=cmd.key,
                inventory_id=inv.id or 0,
                book_code=cmd.book,
                series=series,
                number=number,
                times=found.times,
                extra=extra,
                at=tx.now,
            )
        )
    tx.session.flush()
    out = _answer(tx, b, found, found.times, extra)
    tx.emit("inventory.scanned", {"inventory_id": inv.id, "book": out["book"]})
    return out


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
    tx: Tx, inventory_id: int, listed: dict[str, list[BookInvoice]], *, compared: bool = True
) -> dict[str, Any]:
    """CMIS's unpaid invoices of the session's books, fetched at the opening (to check
    each scan at once) or for the comparison: they replace what was kept before (the
    scans are never touched)."""
    inv = get(tx, inventory_id, open_only=not compared)
    if not compared and inv.compared_at is not None:  # a comparison's lists are newer
        return {"inventory_id": inv.id, "listed_at": iso(inv.listed_at)}
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
    inv.listed_at = tx.now
    tx.session.add(inv)
    if not compared:
        return {"inventory_id": inv.id, "listed_at": iso(tx.now)}
    inv.compared_at = tx.now
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
        "listed_at": iso(inv.listed_at),
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
