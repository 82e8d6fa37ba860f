"""Device jobs for the supervisor: what printed, what waits (printer offline, out of
paper), what is in doubt after a restart; and retrying one."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.devices import jobs as device_jobs
from qms.domain import commands as c
from qms.http.api import _hall, ok, principal
from qms.usecases.auth import require
from qms.workers import device_worker

STATUSES = ("queued", "sending", "done", "in_doubt")


async def list_jobs(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.read")
    status = request.query_params.get("status")
    if status is not None and status not in STATUSES:
        from qms.domain.errors import BadRequest

        raise BadRequest("status is one of " + ", ".join(STATUSES), code="invalid_request")
    rows = await _hall(request).read(device_jobs.listing, who.branch_id, status)
    return ok({"jobs": rows})


async def retry_job(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.retry")
    hall = _hall(request)
    out = await anyio.to_thread.run_sync(
        device_worker.retry, hall.engine, who.branch_id, request.path_params["job"]
    )
    hall.devices_waiting.set()
    await hall.record(who, "device_jobs.retry", request.path_params["job"])
    return ok(out, 202)


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
