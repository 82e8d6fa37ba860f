"""The day's messages to customers' phones over HTTP (docs/notify.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import day_param, ok, principal
from qms.usecases import notice_list


async def day_notices(request: Request) -> Response:
    who = await principal(request)
    return ok(await notice_list.listing(request.app.state.hall, who, day_param(request)))


routes = [Route("/api/notices", day_notices)]
