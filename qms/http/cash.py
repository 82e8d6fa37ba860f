"""Cash over HTTP: drawers, money movements, closings, the day's papers and returns.
Handlers parse the request and call one use case (``qms.usecases.cash`` for the reads,
a command through ``Hall.run`` for the changes), which checks the role."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import commands as c
from qms.http.api import body, day_param, ok, principal
from qms.usecases import cash
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


async def _run(request: Request, kind: type[c.Command], **path: object) -> dict[str, Any]:
    """Run the command ``kind`` the request's JSON body and path describe."""
    who = await principal(request)
    return await _hall(request).run(who, kind, await body(request), **path)


async def overview(request: Request) -> Response:
    who = await principal(request)
    return ok(await cash.overview(_hall(request), who, day_param(request)))


async def mine(request: Request) -> Response:
    return ok(await cash.mine(_hall(request), await principal(request)))


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


async def counter_payments(request: Request) -> Response:
    who = await principal(request)
    counter = request.path_params["counter"]
    return ok(await cash.counter_payments(_hall(request), who, counter))


async def reprint_receipt(request: Request) -> Response:
    path = request.path_params
    return ok(await _run(request, c.ReprintReceipt, counter=path["counter"], txn=path["txn"]), 201)


async def day_status(request: Request) -> Response:
    return ok(await cash.day_status(_hall(request), await principal(request)))


async def close_day(request: Request) -> Response:
    return ok(await _run(request, c.CloseDay))


async def papers(request: Request) -> Response:
    who = await principal(request)
    return ok(await cash.papers(_hall(request), who, day_param(request)))


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
    Route("/api/counters/{counter}/payments", counter_payments),
    Route("/api/counters/{counter}/payments/{txn}/reprint", reprint_receipt, methods=["POST"]),
]
