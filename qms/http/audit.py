"""The audit log over HTTP, for the supervisor: who did what, when, from where."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import _int_param, day_param, ok, principal
from qms.usecases import audit
from qms.usecases.auth import require
from qms.usecases.hall import Hall


async def entries(request: Request) -> Response:
    who = await principal(request)
    require(who, "audit.read")
    hall: Hall = request.app.state.hall
    day = day_param(request) or hall.clock.business_day()
    limit = min(_int_param(request, "limit", 500), 5000)
    actor = request.query_params.get("actor")
    rows = await hall.read(audit.listing, who.branch_id, day, hall.clock.tz, actor, limit)
    return ok({"date": day.isoformat(), "entries": rows})


routes = [Route("/api/audit", entries)]
