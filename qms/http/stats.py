"""The supervisor's figures over HTTP: waits and service times by hour of a day."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import day_param, ok, principal
from qms.usecases import stats
from qms.usecases.auth import require
from qms.usecases.hall import Hall


async def hourly(request: Request) -> Response:
    who = await principal(request)
    require(who, "stats.read")
    hall: Hall = request.app.state.hall
    day = day_param(request) or hall.clock.business_day()
    return ok(await hall.read(stats.hourly, who.branch_id, day, hall.clock.tz))


routes = [Route("/api/stats/hourly", hourly)]
