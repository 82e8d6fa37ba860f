"""The audit log over HTTP, for the supervisor: who did what, when, from where."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import _int_param, day_param, ok, principal
from qms.usecases import queries
from qms.usecases.hall import Hall


async def entries(request: Request) -> Response:
    who = await principal(request)
    hall: Hall = request.app.state.hall
    limit = min(_int_param(request, "limit", 500), 5000)
    actor = request.query_params.get("actor")
    return ok(await queries.audit_entries(hall, who, day_param(request), actor, limit))


routes = [Route("/api/audit", entries)]
