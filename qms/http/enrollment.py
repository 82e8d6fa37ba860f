"""Enrolling and revoking kiosks, displays and hall agents, for the supervisor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import commands as c
from qms.http.api import body, ok, principal
from qms.usecases import queries
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall  # Starlette's State holds Any
    return hall


async def listing(request: Request) -> Response:
    who = await principal(request)
    return ok({"devices": await queries.enrolled_devices(_hall(request), who)})


async def enroll(request: Request) -> Response:
    who = await principal(request)
    return ok(await _hall(request).run(who, c.Enroll, await body(request)), 201)


async def revoke(request: Request) -> Response:
    who = await principal(request)
    return ok(await _hall(request).run(who, c.Revoke, {}, id=request.path_params["id"]))


routes = [
    Route("/api/devices", listing),
    Route("/api/devices", enroll, methods=["POST"]),
    Route("/api/devices/{id}/revoke", revoke, methods=["POST"]),
]
