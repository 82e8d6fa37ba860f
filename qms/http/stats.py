"""The supervisor's figures over HTTP: waits and service times by hour of a day."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import day_param, ok, principal
from qms.usecases import queries


async def hourly(request: Request) -> Response:
    who = await principal(request)
    return ok(await queries.hourly(request.app.state.hall, who, day_param(request)))


routes = [Route("/api/stats/hourly", hourly)]
