"""Cash over HTTP: drawers, money movements, closings, the day's papers and returns.
Handlers check the role, then run one domain change or read through the Hall."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import closing, delivery, drawers, movements
from qms.domain import commands as c
from qms.domain.errors import Forbidden
from qms.domain.tx import Tx
from qms.http.api import body, day_param, ok, principal
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


async def _run(request: Request, kind: type[c.Command], **path: object) -> dict[str, Any]:
    """Run the command ``kind`` the request's JSON body and path describe."""
    who = await principal(request)
    return await _hall(request).run(who, kind, await body(request), **path)


async def overview(request: Request) -> Response:
    """The cash of a day: every drawer with its live expected balance, every movement."""
    who = await principal(request)
    require(who, "cash.read")
    hall = _hall(request)
    day = day_param(request) or hall.clock.business_day()
    return ok(await hall.read(closing.overview, hall.branch(who.branch_id), day))


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
    }


async def mine(request: Request) -> Response:
    """A cashier's own drawer, their movements, and who else has an open drawer."""
    who = await principal(request)
    require(who, "cash.own")
    return ok(await _hall(request).peek(who, _mine))


async def open_drawer(request: Request) -> Response:
    return ok(await _run(request, c.OpenDrawer), 201)


async def close_drawer(request: Request) -> Response:
    return ok(await _run(request, c.CloseDrawer))


async def declare(request: Request) -> Response:
    return ok(await _run(request, c.Declare), 201)


async def withdraw(request: Request) -> Response:
    return ok(await _run(request, c.Withdraw, id=request.path_params["id"]))


async def approve(request: Request) -> Response:
    return ok(await _run(request, c.Approve, id=request.path_params["id"]))


async def recount(request: Request) -> Response:
    return ok(await _run(request, c.Recount, id=request.path_params["id"]))


async def _open_items(request: Request, who: Principal) -> dict[str, Any]:
    hall = _hall(request)
    return await hall.reconciliation(who, hall.clock.business_day())


async def day_status(request: Request) -> Response:
    """What still stands between the hall and closing the day (empty: it can close)."""
    who = await principal(request)
    require(who, "day.close")
    hall = _hall(request)
    report = await _open_items(request, who)

    def check(tx: Any) -> list[dict[str, Any]]:
        return closing.day_blockers(tx, report["open_items"])

    blockers = await hall.peek(who, check)
    return ok({"business_day": report["date"], "blockers": blockers, "can_close": not blockers})


async def close_day(request: Request) -> Response:
    return ok(await _run(request, c.CloseDay))


async def papers(request: Request) -> Response:
    """Invoices delivered, paid and to return, per cashier and per lookup counter."""
    who = await principal(request)
    require(who, "delivery.read")
    hall = _hall(request)
    day = day_param(request) or hall.clock.business_day()
    if day != hall.clock.business_day() and who.role in ("lookup", "cashier"):
        raise Forbidden("counter staff see today's papers only", code="wrong_role")
    return ok(await hall.read(delivery.report, hall.branch(who.branch_id), day))


async def return_papers(request: Request) -> Response:
    return ok(await _run(request, c.ReturnPapers))


routes = [
    Route("/api/cash", overview),
    Route("/api/cash/mine", mine),
    Route("/api/cash/drawer/open", open_drawer, methods=["POST"]),
    Route("/api/cash/drawer/close", close_drawer, methods=["POST"]),
    Route("/api/cash/movements", declare, methods=["POST"]),
    Route("/api/cash/movements/{id:int}/withdraw", withdraw, methods=["POST"]),
    Route("/api/cash/drawers/{id:int}/approve", approve, methods=["POST"]),
    Route("/api/cash/drawers/{id:int}/recount", recount, methods=["POST"]),
    Route("/api/cash/day", day_status),
    Route("/api/cash/day/close", close_day, methods=["POST"]),
    Route("/api/invoices/papers", papers),
    Route("/api/invoices/returns", return_papers, methods=["POST"]),
]
