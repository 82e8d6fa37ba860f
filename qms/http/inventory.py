"""The year-end inventory over HTTP (docs/inventory.md). Handlers parse and call one use
case; changes are commands (``Hall.run`` checks the role first)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain.commands import Command, whole
from qms.domain.inventory import commands as ic
from qms.http.api import body, ok, principal
from qms.usecases import inventory
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


def _id(request: Request) -> int:
    return whole(request.path_params["id"], "id")


async def _run(request: Request, kind: type[Command], **path: object) -> Any:
    who = await principal(request)
    return await _hall(request).run(who, kind, await body(request), **path)


async def listing(request: Request) -> Response:
    who = await principal(request)
    return ok({"inventories": await inventory.listing(_hall(request), who)})


async def open_inventory(request: Request) -> Response:
    who = await principal(request)
    return ok(await inventory.open_inventory(_hall(request), who, await body(request)), 201)


async def state(request: Request) -> Response:
    return ok(await inventory.state(_hall(request), await principal(request), _id(request)))


async def take_book(request: Request) -> Response:
    p = request.path_params
    return ok(await _run(request, ic.TakeBook, id=p["id"], book=p["book"]))


async def scan(request: Request) -> Response:
    p = request.path_params
    return ok(await _run(request, ic.Scan, id=p["id"], book=p["book"]))


async def finish_book(request: Request) -> Response:
    p = request.path_params
    return ok(await _run(request, ic.FinishBook, id=p["id"], book=p["book"]))


async def count_cash(request: Request) -> Response:
    return ok(await _run(request, ic.CountCash, id=request.path_params["id"]))


async def compare(request: Request) -> Response:
    return ok(await inventory.compare(_hall(request), await principal(request), _id(request)))


async def close(request: Request) -> Response:
    return ok(await _run(request, ic.CloseInventory, id=request.path_params["id"]))


async def record(request: Request) -> Response:
    who = await principal(request)
    data = await inventory.inventory_record(_hall(request), who, _id(request))
    wanted = request.query_params.get("format")
    name = f"kiem-ke-{data['inventory']['id']}"
    if wanted == "pdf":
        return Response(
            await inventory.record_pdf(_hall(request), who, data),
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="{name}.pdf"'},
        )
    if wanted == "csv":
        return Response(
            inventory.record_csv(data).encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    return ok(data)


routes = [
    Route("/api/inventories", listing),
    Route("/api/inventories", open_inventory, methods=["POST"]),
    Route("/api/inventories/{id:int}", state),
    Route("/api/inventories/{id:int}/books/{book}/take", take_book, methods=["POST"]),
    Route("/api/inventories/{id:int}/books/{book}/scan", scan, methods=["POST"]),
    Route("/api/inventories/{id:int}/books/{book}/finish", finish_book, methods=["POST"]),
    Route("/api/inventories/{id:int}/cash", count_cash, methods=["POST"]),
    Route("/api/inventories/{id:int}/compare", compare, methods=["POST"]),
    Route("/api/inventories/{id:int}/record", record),
    Route("/api/inventories/{id:int}/close", close, methods=["POST"]),
]
