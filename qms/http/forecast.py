"""The supervisor's forecast over HTTP: a day's arrivals by hour and the counters to open."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import day_param, ok, principal
from qms.usecases import forecast as forecasting


async def forecast(request: Request) -> Response:
    who = await principal(request)
    settings = request.app.state.settings.forecast
    return ok(await forecasting.forecast(request.app.state.hall, who, day_param(request), settings))


routes = [Route("/api/forecast", forecast)]
