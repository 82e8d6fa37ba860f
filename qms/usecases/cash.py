"""The cash reads of a day, for the people who may see them: the hall's drawers and
movements (head cashier, supervisor), a cashier's own drawer, what stands between the
hall and closing the day, and the day's papers. The changes are commands
(``qms.domain.commands``) run by ``Hall.execute``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qms.devices import receipts
from qms.domain import closing, delivery, drawers, movements
from qms.domain.errors import Forbidden
from qms.domain.tx import Tx
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall


async def overview(hall: Hall, who: Principal, day: dt.date | None) -> dict[str, Any]:
    """Every drawer of the day with its live expected balance, every movement."""
    require(who, "cash.read")
    day = day or hall.clock.business_day()
    return await hall.read(closing.overview, hall.branch(who.branch_id), day)


def _mine(tx: Tx) -> dict[str, Any]:
    s, branch, day = tx.session, tx.branch_id, tx.business_day
    cashier = drawers.username(tx)
    d = drawers.find(s, branch, day, cashier)
    colleagues = [
        {"cashier": o.cashier, "name": o.cashier_name, "role": o.role, "counter": o.counter_code}
        for o in drawers.of_day(s, branch, day)
        if o.cashier != cashier and o.status == "open"
    ]
    return {
        "business_day": day.isoformat(),
        "day_closed": drawers.day_closed(s, branch, day) is not None,
        "drawer": None if d is None else drawers.public(s, d),
        # what would refuse closing now, so the console can say it before anyone tries
        "blockers": closing.drawer_blockers(tx, d) if d and d.status == "open" else [],
        "movements": [movements.public(m) for m in movements.of_day(s, branch, day, cashier)],
        "colleagues": colleagues,
        # the notes a close and a deposit are counted in (config cash.denominations)
        "denominations": list(tx.branch.denominations),
    }


async def mine(hall: Hall, who: Principal) -> dict[str, Any]:
    """A cashier's own drawer, their movements, and who else has an open drawer."""
    require(who, "cash.own")
    return await hall.peek(who, _mine)


async def counter_payments(hall: Hall, who: Principal, counter: str) -> dict[str, Any]:
    """The payments taken at the asker's own counter today, with the paper each printed:
    the cashier's screen reads them from here, so a reload keeps them."""
    require(who, "cash.own")
    return await hall.peek(who, receipts.of_day, counter)


async def day_status(hall: Hall, who: Principal) -> dict[str, Any]:
    """What still stands between the hall and closing the day (empty: it can close)."""
    require(who, "day.close")
    report = await hall.reconciliation(who, hall.clock.business_day())

    def check(tx: Tx) -> list[dict[str, Any]]:
        return closing.day_blockers(tx, report["open_items"])

    blockers = await hall.peek(who, check)
    return {"business_day": report["date"], "blockers": blockers, "can_close": not blockers}


async def papers(hall: Hall, who: Principal, day: dt.date | None) -> dict[str, Any]:
    """Invoices delivered, paid and to return, per cashier and per lookup counter."""
    require(who, "delivery.read")
    today = hall.clock.business_day()
    day = day or today
    if day != today and who.role in ("lookup", "cashier"):
        raise Forbidden("counter staff see today's papers only", code="wrong_role")
    return await hall.read(delivery.report, hall.branch(who.branch_id), day)
