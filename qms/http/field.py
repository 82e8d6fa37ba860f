"""Field work over HTTP (docs/field.md): the team leader's pull, assignment and board;
the crew's orders, check at the door and results. Handlers parse and call one use case
(``qms.usecases.field``), which checks the role."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain.commands import Command
from qms.domain.field import commands as fc
from qms.http.api import body, ok, principal
from qms.usecases import field
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


async def _run(request: Request, kind: type[Command], **path: object) -> Any:
    who = await principal(request)
    return await field.run(_hall(request), who, kind, await body(request), **path)


async def board(request: Request) -> Response:
    return ok(await field.board(_hall(request), await principal(request)))


async def book(request: Request) -> Response:
    who = await principal(request)
    return ok(await field.book(_hall(request), who, request.path_params["code"]))


async def crews(request: Request) -> Response:
    return ok({"crews": await field.crew_list(_hall(request), await principal(request))})


async def save_crew(request: Request) -> Response:
    return ok(await _run(request, fc.SaveCrew))


async def pull(request: Request) -> Response:
    who = await principal(request)
    return ok(await field.pull(_hall(request), who, await body(request)))


async def assign(request: Request) -> Response:
    return ok(await _run(request, fc.Assign))


async def unassign(request: Request) -> Response:
    return ok(await _run(request, fc.Unassign))


async def auto_assign(request: Request) -> Response:
    who = await principal(request)
    return ok(await field.auto_assign(_hall(request), who, await body(request)))


async def close_round(request: Request) -> Response:
    return ok(await _run(request, fc.CloseRound))


async def retry_supply(request: Request) -> Response:
    return ok(await _run(request, fc.RetrySupply, id=request.path_params["id"]))


async def my_orders(request: Request) -> Response:
    return ok(await field.my_orders(_hall(request), await principal(request)))


async def check(request: Request) -> Response:
    who = await principal(request)
    return ok(await field.check_before_cut(_hall(request), who, request.path_params["id"]))


async def report(request: Request) -> Response:
    return ok(await _run(request, fc.Report, order=request.path_params["id"]))


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def crew_papers_pdf(request: Request) -> Response:
    who = await principal(request)
    code = request.path_params["code"]
    body = await field.crew_papers_pdf(_hall(request), who, code)
    return _pdf(body, f"cat-dien-{code}.pdf")


async def order_slip_pdf(request: Request) -> Response:
    who = await principal(request)
    oid = request.path_params["id"]
    return _pdf(await field.order_slip_pdf(_hall(request), who, oid), f"phieu-{oid}.pdf")


async def print_crew_papers(request: Request) -> Response:
    who = await principal(request)
    return ok(await field.print_crew_papers(_hall(request), who, request.path_params["code"]))


routes = [
    Route("/api/field", board),
    Route("/api/field/books/{code}", book),
    Route("/api/field/crews", crews),
    Route("/api/field/crews", save_crew, methods=["POST"]),
    Route("/api/field/crews/{code}/papers.pdf", crew_papers_pdf),
    Route("/api/field/crews/{code}/print", print_crew_papers, methods=["POST"]),
    Route("/api/field/orders/{id:int}/slip.pdf", order_slip_pdf),
    Route("/api/field/rounds/pull", pull, methods=["POST"]),
    Route("/api/field/rounds/close", close_round, methods=["POST"]),
    Route("/api/field/orders/assign", assign, methods=["POST"]),
    Route("/api/field/orders/unassign", unassign, methods=["POST"]),
    Route("/api/field/orders/auto-assign", auto_assign, methods=["POST"]),
    Route("/api/field/supply/{id:int}/retry", retry_supply, methods=["POST"]),
    Route("/api/field/my-orders", my_orders),
    Route("/api/field/orders/{id:int}/check", check, methods=["POST"]),
    Route("/api/field/orders/{id:int}/result", report, methods=["POST"]),
]
