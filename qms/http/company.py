"""The company view over HTTP (docs/company.md): every hall now, and over a period.
Who sees which branches is ``qms.usecases.company``; the push is ``qms.live.company_ws``."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from qms.domain.errors import BadRequest
from qms.http.api import _hall, ok, principal
from qms.live import company_ws, presence
from qms.usecases import company


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} is YYYY-MM-DD", code="invalid_request", field=name) from None


async def live(request: Request) -> Response:
    """Every hall in scope now (``?branch=`` narrows to one)."""
    who = await principal(request)
    branch = request.query_params.get("branch")
    return ok(await company.live(_hall(request), who, branch, presence.agents()))


async def period(request: Request) -> Response:
    """The halls' figures over days (``?from=&to=``, today when absent), and their sum."""
    who = await principal(request)
    q = request.query_params
    start, end = _date(request, "from"), _date(request, "to")
    return ok(await company.period(_hall(request), who, q.get("branch"), start, end))


routes = [
    Route("/api/company", live),
    Route("/api/company/period", period),
    WebSocketRoute(company_ws.PATH, company_ws.endpoint),
]
