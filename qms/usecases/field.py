"""Field work as a service (docs/field.md): the team leader's pull, assignment and board,
the crew's orders and results. Each change runs through ``Hall.change`` (one
transaction, the branch's lock, audit, events); CMIS is asked before, never inside."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Mapping
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from sqlmodel import col, select

from integrations.cmis import base as cmis
from qms.devices import jobs
from qms.domain.commands import Command, parse
from qms.domain.errors import DependencyFailed, Forbidden
from qms.domain.field import assign, crews, reconnect, results, rounds, supply
from qms.domain.field import commands as fc
from qms.domain.field.orders import LIVE, crew_papers, get, many, my_crew, past_due
from qms.domain.tx import Tx, any_day
from qms.storage.models import Crew, FieldOrder, SupplyChange
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

T = TypeVar("T")

#: CMIS calls of one pull at once (one per book): few, as the lists are parsed on the
#: event loop the counters' requests share, and CMIS is the company's, not ours alone
PULL_CONCURRENCY = 2
#: books kept in one transaction of a pull (~130 orders a book): the branch's lock is let
#: go between parts, so a counter's call or F4 waits for one part, not for the whole list
PULL_PART_BOOKS = 1
#: orders given in one transaction of a balanced assignment, for the same reason
ASSIGN_PART_ORDERS = 100
#: the share of the server's time a pull or a balanced assignment may take: after each
#: part it rests as long as the part took, times (1 - share) / share; 1: no rest
BULK_SHARE = 0.5


async def _paced(work: Awaitable[T], *, rest: bool = True) -> T:
    """One part of the team leader's bulk work, then a rest (``rest``: not after the last
    part), so that it takes at most ``BULK_SHARE`` of the server's time: the counters'
    calls and F4s keep their speed while thousands of orders are pulled or given
    (docs/benchmarks.md, row 12)."""
    began = time.perf_counter()
    out = await work
    if rest and BULK_SHARE < 1:
        await asyncio.sleep((time.perf_counter() - began) * (1 - BULK_SHARE) / BULK_SHARE)
    return out


async def run(
    hall: Hall, who: Principal, kind: type[Command], data: Mapping[str, object], **path: object
) -> Any:
    """A field command as sent (its rule and permission are in ``hall.USE_CASES``); the
    balanced assignment goes in parts (``auto_assign``)."""
    if kind is fc.AutoAssign:
        return await auto_assign(hall, who, data)
    return await hall.run(who, kind, data, **path)


async def pull(hall: Hall, who: Principal, data: Mapping[str, object]) -> dict[str, Any]:
    """Pull today's disconnection list for the named books from CMIS and keep it as the
    round's orders. CMIS not answering keeps the last list, marked stale, and says so."""
    require(who, "field.manage")
    books = fc.books(data.get("books"), "books")
    books = tuple(await hall.peek(who, rounds.check_books, books))
    client = hall.cmis(who.branch_id)
    day = hall.clock.business_day()
    gate = asyncio.Semaphore(PULL_CONCURRENCY)

    async def one(book: str) -> list[cmis.DisconnectionCandidate]:
        async with gate:
            return await hall.cmis_call(
                who.branch_id, client.disconnection_list(who.branch_id, day, book)
            )

    try:
        lists = await asyncio.gather(*(one(b) for b in books))
    except cmis.CmisError as exc:
        kept = await hall.change(who, any_day(rounds.pull_failed), list(books))
        r = kept["round"]
        raise DependencyFailed(
            "CMIS did not give the disconnection list; the list pulled before is kept, "
            "marked stale: pull again in a moment",
            code="field_list_stale",
            pulled_at=r["pulled_at"] if r else None,
            request_id=exc.request_id,
        ) from None
    parts = [list(books[i : i + PULL_PART_BOOKS]) for i in range(0, len(books), PULL_PART_BOOKS)]
    per_book = dict(zip(books, lists, strict=True))
    total = {"added": 0, "refreshed": 0, "cancelled": 0, "listed": 0}
    done: dict[str, Any] = {}
    for n, part in enumerate(parts, 1):
        listed = [c for b in part for c in per_book[b]]
        done = await _paced(
            hall.change(
                who,
                any_day(rounds.pulled),
                part,
                listed,
                n,
                len(parts),
                action="field.pull",
                later=True,
            ),
            rest=n < len(parts),
        )
        for k in total:
            total[k] += done[k]
    return {"round": done["round"], **total, "parts": len(parts)}


async def auto_assign(hall: Hall, who: Principal, data: Mapping[str, object]) -> dict[str, Any]:
    """The round's unassigned orders balanced over the crews (``assign.plan``): planned
    on one reading, then given in parts of ``ASSIGN_PART_ORDERS``, each in its own
    transaction, so the hall's counters are not held up behind thousands of rows. An
    order taken by hand meanwhile stays with the crew that took it."""
    require(who, "field.manage")
    cmd = parse(fc.AutoAssign, data)
    chosen = await hall.peek(who, assign.auto_plan, cmd)
    parts = [
        (code, ids[i : i + ASSIGN_PART_ORDERS], i + ASSIGN_PART_ORDERS >= len(ids))
        for code, ids in chosen["orders"].items()
        for i in range(0, len(ids), ASSIGN_PART_ORDERS)
    ]
    counts = dict(chosen["loads"])
    assigned = 0
    for n, (code, ids, last) in enumerate(parts, 1):
        given = await _paced(
            hall.change(
                who,
                any_day(assign.give_part),
                code,
                ids,
                n,
                len(parts),
                last,
                chosen["on_the_end"].get(code),
                action="field.auto_assign",
                later=True,
            ),
            rest=n < len(parts),
        )
        counts.update(given["crews"])
        assigned += given["assigned"]
    return {"crews": counts, "assigned": assigned, "parts": len(parts)}


async def board(hall: Hall, who: Principal) -> dict[str, Any]:
    """The team leader's page: today's round counted by book (a book's orders come with
    ``book``), crews, open reconnections, and the supply changes CMIS has not taken."""
    require(who, "field.read")

    def read(tx: Tx) -> dict[str, Any]:
        out = rounds.board(tx)
        out["crew_list"] = crews.listing(tx)
        out["reconnections"] = reconnect.board(tx)
        open_changes = tx.session.exec(
            select(SupplyChange)
            .where(
                SupplyChange.branch_id == tx.branch_id,
                col(SupplyChange.status).in_(("pending", "refused")),
            )
            .order_by(col(SupplyChange.id))
        ).all()
        # the customer's name from the order: a cut's order is in a book not opened yet
        names = dict(
            tx.session.exec(
                select(FieldOrder.id, FieldOrder.customer_name).where(
                    col(FieldOrder.id).in_([c.order_id for c in open_changes])
                )
            ).all()
        )
        out["supply_changes"] = [
            {**supply.public(c), "customer_name": names.get(c.order_id, "")} for c in open_changes
        ]
        out["now"] = tx.now.isoformat()
        return out

    return await hall.peek(who, read)


async def book(hall: Hall, who: Principal, code: object) -> dict[str, Any]:
    """One book of today's round with its orders in route order (the board opened)."""
    require(who, "field.read")
    (book_code,) = fc.books([code], "book")
    return await hall.peek(who, rounds.book_orders, book_code)


async def crew_list(hall: Hall, who: Principal) -> list[dict[str, Any]]:
    require(who, "field.read")
    return await hall.peek(who, crews.listing)


async def my_orders(hall: Hall, who: Principal) -> dict[str, Any]:
    require(who, "field.crew")
    return await hall.peek(who, results.my_orders)


async def check_before_cut(hall: Hall, who: Principal, order_id: object) -> dict[str, Any]:
    """At the door, before cutting: ask CMIS whether the customer still owes overdue
    invoices. Nothing overdue any more (paid meanwhile): the order is cancelled and the
    crew told not to cut. CMIS not answering: the crew goes by the slip."""
    require(who, "field.crew")
    oid = fc.order_ids([order_id], "order")[0]

    def look(tx: Tx) -> dict[str, Any]:
        crew = my_crew(tx)
        o = get(tx, oid)
        if o.crew_id != crew.id:
            raise Forbidden(f"order {o.id} is not your crew's", code="not_your_order", order=o.id)
        (shown,) = many(tx, [o])
        return shown

    order = await hall.peek(who, look)
    if order["kind"] != "cut" or order["status"] not in LIVE:
        return {"order": order, "go": order["status"] in LIVE, "checked": False}
    try:
        debts = await hall.cmis_call(
            who.branch_id, hall.cmis(who.branch_id).get_debts(order["customer_code"])
        )
    except cmis.CmisError:
        return {"order": order, "go": True, "checked": False}
    today = hall.clock.business_day()
    overdue = [i for i in debts.invoices if past_due(i.due, today)]
    if overdue:
        return {
            "order": order,
            "go": True,
            "checked": True,
            "overdue": sum(i.total for i in overdue),
            "periods": len(overdue),
        }

    def cancel(tx: Tx, _: object) -> dict[str, Any]:
        o = get(tx, oid)
        if o.status in LIVE:
            rounds.cancel(tx, o, "paid_meanwhile")
        (shown,) = many(tx, [o])
        return shown

    shown = await hall.change(who, any_day(cancel), None, action="field.check")
    return {"order": shown, "go": False, "checked": True, "reason": "paid_meanwhile"}


async def crew_papers_pdf(hall: Hall, who: Principal, code: object) -> bytes:
    """A crew's list and one slip per order still to do, on A4."""
    require(who, "field.read")
    crew_code = fc.crew_code(code, "crew")
    branch = hall.branch(who.branch_id)
    crew, orders = await hall.peek(who, lambda tx: crew_papers(tx, crew_code))
    from qms.usecases import field_pdf  # fpdf2 loads on the first paper, not at start-up

    day = hall.clock.business_day().isoformat()
    at = hall.clock.now().isoformat()
    return await anyio.to_thread.run_sync(
        partial(
            field_pdf.cut_slips_pdf,
            crew,
            orders,
            branch=branch.name,
            day=day,
            at=at,
            tz=_zone(hall),
        )
    )


async def order_slip_pdf(hall: Hall, who: Principal, order_id: object) -> bytes:
    """One order's slip on A4: a cut slip, or a reconnection slip."""
    require(who, "field.read")
    oid = fc.order_ids([order_id], "order")[0]
    branch = hall.branch(who.branch_id)

    def read(tx: Tx) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        o = get(tx, oid)
        crew = None
        if o.crew_id is not None:
            crew_row = tx.session.get(Crew, o.crew_id)
            if crew_row is not None:
                crew = crew_papers(tx, crew_row.code)[0]
        (shown,) = many(tx, [o])
        return crew, shown

    crew, order = await hall.peek(who, read)
    from qms.usecases import field_pdf

    at = hall.clock.now().isoformat()
    if order["kind"] == "reconnect":
        make = partial(
            field_pdf.reconnection_pdf, order, crew, branch=branch.name, at=at, tz=_zone(hall)
        )
    else:
        make = partial(
            field_pdf.cut_slips_pdf, crew, [order], branch=branch.name,
            day=order["business_day"], at=at, tz=_zone(hall),
        )  # fmt: skip
    return await anyio.to_thread.run_sync(make)


async def print_crew_papers(hall: Hall, who: Principal, code: object) -> dict[str, Any]:
    """A crew's list and slips on the branch's slip printer (ESC/POS 80 mm)."""
    require(who, "field.manage")
    crew_code = fc.crew_code(code, "crew")

    def queue(tx: Tx, _: object) -> dict[str, Any]:
        crew, orders = crew_papers(tx, crew_code)
        return {
            "crew": crew_code,
            "orders": len(orders),
            "jobs": jobs.crew_papers(tx, crew, orders),
        }

    return await hall.change(who, any_day(queue), crew_code, action="field.print_papers")


def _zone(hall: Hall) -> str:
    """The hall's zone name, for the papers' times."""
    return str(hall.clock.tz)
