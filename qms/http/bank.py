"""Pay by VietQR over HTTP (docs/noncash.md): the bank's webhook, a ticket's QR, and the
head cashier's credits, exceptions and statement. Handlers parse the request and call one
use case (``qms.usecases.bank`` for the webhook and the reads, a command through
``Hall.run`` for the changes), which checks the role."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import commands as c
from qms.domain.errors import BadRequest
from qms.http.api import body, day_param, ok, principal
from qms.http.errors import read_raw
from qms.usecases import bank
from qms.usecases.hall import Hall

#: a notification is a few hundred bytes; a statement a few thousand lines
NOTIFICATION_BYTES = 16_384
STATEMENT_BYTES = c.MAX_STATEMENT_CHARS


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


async def _run(request: Request, kind: type[c.Command], **path: object) -> dict[str, Any]:
    who = await principal(request)
    return await _hall(request).run(who, kind, await body(request), **path)


async def notification(request: Request) -> Response:
    """The bank's webhook: no staff token, the signature is the credential."""
    raw = await read_raw(request, NOTIFICATION_BYTES)
    return ok(await bank.notify(_hall(request), raw, request.headers))


async def qr_of(request: Request) -> Response:
    who = await principal(request)
    return ok(await bank.qr_of(_hall(request), who, request.path_params["ref"]))


async def ticket_pay_svg(request: Request) -> Response:
    """The ticket's own QR for its follow page: public, the follow token is the key."""
    svg = await bank.ticket_pay_svg(_hall(request), request.path_params["token"])
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "no-store"})


async def ticket_qr(request: Request) -> Response:
    who = await principal(request)
    return ok(await bank.ticket_qr(_hall(request), who, request.path_params["number"]))


async def day(request: Request) -> Response:
    return ok(await bank.day(_hall(request), await principal(request), day_param(request)))


async def credits(request: Request) -> Response:
    who = await principal(request)
    status = request.query_params.get("status")
    return ok(await bank.credits_of(_hall(request), who, day_param(request), status))


async def resolve(request: Request) -> Response:
    return ok(await _run(request, c.ResolveCredit, id=request.path_params["id"]))


async def apply(request: Request) -> Response:
    return ok(await _run(request, c.ApplyCredit, id=request.path_params["id"]))


async def import_statement(request: Request) -> Response:
    """The statement as the bank exported it: the CSV itself (``text/csv``), or JSON
    ``{"csv": "..."}`` from a page."""
    who = await principal(request)
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "application/json":
        data: dict[str, object] = await body(request)
    else:
        raw = await read_raw(request, STATEMENT_BYTES)
        try:
            data = {"csv": raw.decode("utf-8")}
        except UnicodeDecodeError:
            raise BadRequest(
                "the statement is not UTF-8 text: export it again as CSV (UTF-8)",
                code="invalid_statement",
                reason="not UTF-8 text",
            ) from None
    return ok(await _hall(request).run(who, c.ImportStatement, data), 201)


async def fetch_statement(request: Request) -> Response:
    who = await principal(request)
    return ok(await bank.fetch_statement(_hall(request), who, day_param(request)), 201)


async def receive_line(request: Request) -> Response:
    return ok(await _run(request, c.ReceiveLine, id=request.path_params["id"]))


async def clear_line(request: Request) -> Response:
    return ok(await _run(request, c.ClearLine, id=request.path_params["id"]))


routes = [
    Route("/api/bank/notifications", notification, methods=["POST"]),
    Route("/api/tickets/{number:int}/qr", ticket_qr),
    Route("/api/qr/{ref}", qr_of),
    Route("/t/{token}/pay.svg", ticket_pay_svg),
    Route("/api/bank/day", day),
    Route("/api/bank/credits", credits),
    Route("/api/bank/credits/{id:int}/resolve", resolve, methods=["POST"]),
    Route("/api/bank/credits/{id:int}/apply", apply, methods=["POST"]),
    Route("/api/bank/statements", import_statement, methods=["POST"]),
    Route("/api/bank/statements/fetch", fetch_statement, methods=["POST"]),
    Route("/api/bank/statement-lines/{id:int}/receive", receive_line, methods=["POST"]),
    Route("/api/bank/statement-lines/{id:int}/clear", clear_line, methods=["POST"]),
]
