"""Device jobs for the supervisor: what printed, what waits (printer offline, out of
paper), what is in doubt after a restart; and retrying one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import commands as c
from qms.http.api import _hall, ok, principal
from qms.usecases import queries


async def list_jobs(request: Request) -> Response:
    who = await principal(request)
    status = request.query_params.get("status")
    return ok({"jobs": await queries.device_jobs(_hall(request), who, status)})


async def retry_job(request: Request) -> Response:
    who = await principal(request)
    job = c.whole(request.path_params["job"], "job")
    return ok(await queries.retry_job(_hall(request), who, job), 202)


async def reprint_job(request: Request) -> Response:
    """Print a document again (a withdrawn money slip comes out marked HUỶ / VOID)."""
    who = await principal(request)
    hall = _hall(request)
    out = await hall.run(who, c.Reprint, {}, job=request.path_params["job"])
    hall.devices_waiting.set()
    return ok(out, 201)


routes = [
    Route("/api/device-jobs", list_jobs),
    Route("/api/device-jobs/{job:int}/retry", retry_job, methods=["POST"]),
    Route("/api/device-jobs/{job:int}/reprint", reprint_job, methods=["POST"]),
]
