"""The supervisor's figures over HTTP: waits and service times by hour of a day."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms import stats
from qms.auth import require
from qms.errors import BadRequest
from qms.hall import Hall
from qms.http.api import ok, principal


def _date(raw: str | None, default: dt.date) -> dt.date:
    if raw is None:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("date is YYYY-MM-DD", code="invalid_request", field="date") from None


async def hourly(request: Request) -> Response:
    who = await principal(request)
    require(who, "stats.read")
    hall: Hall = request.app.state.hall
    day = _date(request.query_params.get("date"), hall.clock.business_day())
    return ok(await hall.read(stats.hourly, who.branch_id, day, hall.clock.tz))


routes = [Route("/api/stats/hourly", hourly)]
