"""The day's disconnection round: what CMIS listed for the chosen books, kept as orders.

A pull adds the customers newly listed, refreshes the figures of orders not yet worked,
and cancels the orders of customers CMIS no longer lists (they paid, or settled): a crew
is told before it walks there. A pull CMIS does not answer leaves the last list as it was,
marked stale, so the team leader knows what they are looking at."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import func, insert
from sqlalchemy import select as core_select
from sqlmodel import col, select

from integrations.cmis.base import DisconnectionCandidate
from qms.domain.clock import iso
from qms.domain.errors import Conflict, NotFound, Unprocessable
from qms.domain.field.commands import CloseRound
from qms.domain.field.orders import (
    LIVE,
    crews_by_id,
    many,
    route_key,
    today_round,
)
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import FieldOrder, FieldRound


def check_books(tx: Tx, books: Iterable[str]) -> list[str]:
    """Books of this branch's unit only: another unit's customers are another hall's."""
    wanted = list(books)
    if len(wanted) > tx.branch.max_books:
        raise Unprocessable(
            f"at most {tx.branch.max_books} books in one pull",
            code="too_many_books",
            limit=tx.branch.max_books,
        )
    for b in wanted:
        if not b.startswith(tx.branch_id):
            raise Unprocessable(
                f"book {b} is not of unit {tx.branch_id}",
                code="book_of_other_unit",
                book=b,
                unit=tx.branch_id,
            )
    return wanted


def _open_round(tx: Tx, books: list[str]) -> FieldRound:
    r = today_round(tx)
    if r is None:
        r = FieldRound(branch_id=tx.branch_id, business_day=tx.business_day, books="[]")
    elif r.status == "closed":
        raise Conflict(
            f"the round of {tx.business_day.isoformat()} is closed",
            code="round_closed",
            day=tx.business_day.isoformat(),
        )
    r.books = json.dumps(sorted(set(json.loads(r.books)) | set(books)))
    return r


def pulled(
    tx: Tx, books: list[str], listed: list[DisconnectionCandidate], part: int = 1, parts: int = 1
) -> dict[str, Any]:
    """Keep what CMIS listed for ``books`` today as the round's orders; a big pull comes
    in ``parts`` (a few books each, one transaction each), this being ``part``."""
    r = _open_round(tx, books)
    r.pulled_at, r.stale, r.stale_since = tx.now, False, None
    tx.session.add(r)
    tx.session.flush()
    assert r.id is not None
    mine = set(books)
    listed = [c for c in listed if c.book_code in mine]
    # only these books' orders: a round pulled in parts does not read its other books again
    existing = {
        o.customer_code: o
        for o in tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.round_id == r.id, col(FieldOrder.book_code).in_(books)
            )
        ).all()
    }
    fresh = []
    refreshed = 0
    for c in listed:
        o = existing.pop(c.code, None)
        if o is None:
            fresh.append(
                {
                    "branch_id": tx.branch_id,
                    "kind": "cut",
                    "round_id": r.id,
                    "business_day": tx.business_day,
                    "customer_code": c.code,
                    "customer_name": c.name,
                    "address": c.address,
                    "unit": c.unit,
                    "book_code": c.book_code,
                    "periods": c.periods,
                    "overdue": c.overdue,
                    "oldest_due": c.oldest_due,
                    "status": "open",
                    "created_at": tx.now,
                    "version": 0,
                }
            )
        elif o.status in LIVE and (o.periods, o.overdue) != (c.periods, c.overdue):
            o.periods, o.overdue, o.oldest_due = c.periods, c.overdue, c.oldest_due
            o.version += 1
            tx.session.add(o)
            refreshed += 1
    if fresh:
        tx.session.connection().execute(insert(rows.table(FieldOrder)), fresh)
    # listed before for these books, not now: CMIS took them off (paid, settled)
    dropped = [o for o in existing.values() if o.status in LIVE]
    for o in dropped:
        cancel(tx, o, "off_list")
    summary = {
        "round": round_public(r),
        "added": len(fresh),
        "refreshed": refreshed,
        "cancelled": len(dropped),
        "listed": len(listed),
        "part": part,
        "parts": parts,
    }
    tx.emit("field.round_pulled", summary)
    return summary


def pull_failed(tx: Tx, books: list[str]) -> dict[str, Any]:
    """CMIS did not answer: the list already pulled stays, marked stale since now."""
    r = today_round(tx)
    if r is None or r.status == "closed":
        return {"round": round_public(r) if r else None}
    if not r.stale:
        r.stale, r.stale_since = True, tx.now
        tx.session.add(r)
        tx.emit("field.round_stale", {"round": round_public(r)})
    return {"round": round_public(r)}


def cancel(tx: Tx, o: FieldOrder, reason: str, **more: Any) -> None:
    """End an order nobody worked yet; its crew's phone is told by the event."""
    crew_id = o.crew_id
    o.status, o.reason = "cancelled", reason
    o.result_at = tx.now
    o.version += 1
    tx.session.add(o)
    tx.session.flush()
    (shown,) = many(tx, [o])
    tx.emit("field.order_cancelled", {"order": shown, "crew_id": crew_id, **more})


def close(tx: Tx, cmd: CloseRound) -> dict[str, Any]:
    """Close today's round: results after this are refused; orders not worked stay
    listed as not worked (they are CMIS's again tomorrow)."""
    r = today_round(tx)
    if r is None:
        raise Conflict("no round today to close", code="no_round")
    if r.status == "closed":
        raise Conflict(
            f"the round of {r.business_day.isoformat()} is closed",
            code="round_closed",
            day=r.business_day.isoformat(),
        )
    r.status, r.closed_at, r.closed_by = "closed", tx.now, tx.actor.label
    tx.session.add(r)
    out = round_public(r)
    tx.emit("field.round_closed", {"round": out})
    return out


def round_public(r: FieldRound) -> dict[str, Any]:
    return {
        "id": r.id,
        "business_day": r.business_day.isoformat(),
        "books": json.loads(r.books),
        "pulled_at": iso(r.pulled_at),
        "stale": r.stale,
        "stale_since": iso(r.stale_since),
        "status": r.status,
        "closed_at": iso(r.closed_at),
        "closed_by": r.closed_by,
    }


def board(tx: Tx) -> dict[str, Any]:
    """Today's round for the team leader: each book with its orders counted by status and
    by crew, and each crew's load. A day's list is thousands of orders: the page opens a
    book to read its orders (``book_orders``), so the board is counted in SQL, not sent."""
    r = today_round(tx)
    if r is None:
        return {"round": None, "books": [], "crews": {}}
    t = rows.table(FieldOrder)
    counted = tx.session.execute(
        core_select(t.c.book_code, t.c.status, t.c.crew_id, func.count())
        .where(t.c.round_id == r.id)
        .group_by(t.c.book_code, t.c.status, t.c.crew_id)
    ).all()
    codes = {c.id: c.code for c in crews_by_id(tx).values()}
    books: dict[str, dict[str, Any]] = {}
    load: dict[str, dict[str, int]] = {}
    for book, status, crew_id, n in counted:
        b = books.setdefault(book, {"book_code": book, "count": 0, "by_status": {}, "by_crew": {}})
        b["count"] += n
        b["by_status"][status] = b["by_status"].get(status, 0) + n
        crew = codes.get(crew_id) if crew_id is not None else None
        if crew is None:
            continue
        b["by_crew"][crew] = b["by_crew"].get(crew, 0) + n
        per = load.setdefault(crew, {"orders": 0, "done": 0, "not_done": 0})
        per["orders"] += n
        if status in ("done", "not_done"):
            per[status] += n
    return {
        "round": round_public(r),
        "books": [books[b] for b in sorted(books)],
        "crews": load,
    }


def book_orders(tx: Tx, book: str) -> dict[str, Any]:
    """One book of today's round: its orders in route order, as the board shows them when
    the team leader opens the book. A book not pulled today is ``book_not_in_round``."""
    r = today_round(tx)
    if r is None or book not in json.loads(r.books):
        raise NotFound(
            f"book {book} is not in today's round: pull it first",
            code="book_not_in_round",
            book=book,
        )
    t = rows.table(FieldOrder)
    found = list(
        tx.session.execute(core_select(t).where(t.c.round_id == r.id, t.c.book_code == book)).all()
    )
    found.sort(key=lambda o: route_key(o.book_code, o.address))
    return {
        "round": round_public(r),
        "book_code": book,
        "orders": many(tx, cast(list[FieldOrder], found)),
    }


def live_cut_orders(tx: Tx, customer_code: str) -> list[FieldOrder]:
    return list(
        tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.branch_id == tx.branch_id,
                FieldOrder.customer_code == customer_code,
                FieldOrder.kind == "cut",
                col(FieldOrder.status).in_(LIVE),
            )
        ).all()
    )
