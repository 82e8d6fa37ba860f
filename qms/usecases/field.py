"""Field work as a service (docs/field.md): the team leader's pull, assignment and board,
the crew's orders and results. Each change runs through ``Hall.change`` (one
transaction, the branch's lock, audit, events); CMIS is asked before, never inside."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from integrations.cmis import base as cmis
from qms.domain.commands import Command
from qms.domain.errors import DependencyFailed, Forbidden
from qms.domain.field import commands as fc
from qms.domain.field import crews, reconnect, results, rounds, supply
from qms.domain.field.orders import LIVE, get, many, my_crew
from qms.domain.tx import Tx, any_day
from qms.storage.models import SupplyChange
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

#: CMIS calls of one pull at once (one per book)
PULL_CONCURRENCY = 8


async def run(
    hall: Hall, who: Principal, kind: type[Command], data: Mapping[str, object], **path: object
) -> Any:
    """A field command as sent (its rule and permission are in ``hall.USE_CASES``)."""
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
    listed = [c for found in lists for c in found]
    return await hall.change(who, any_day(rounds.pulled), list(books), listed, action="field.pull")


async def board(hall: Hall, who: Principal) -> dict[str, Any]:
    """The team leader's page: today's round by book, crews, open reconnections, and the
    supply changes CMIS has not taken."""
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
        out["supply_changes"] = [supply.public(c) for c in open_changes]
        out["now"] = tx.now.isoformat()
        return out

    return await hall.peek(who, read)


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
    overdue = [i for i in debts.invoices if i.due is None or i.due < today]
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


def today(hall: Hall) -> dt.date:
    return hall.clock.business_day()
