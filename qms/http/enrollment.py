"""Enrolling and revoking kiosks, displays and hall agents, for the supervisor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.devices import registry as device_registry
from qms.http.api import body, ok, principal
from qms.usecases.auth import require
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall  # Starlette's State holds Any
    return hall


async def listing(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.enroll")
    return ok({"devices": await _hall(request).read(device_registry.listing, who.branch_id)})


async def enroll(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.enroll")
    data = await body(request)
    args = (data.get("id"), data.get("kind"), data.get("printer"))
    return ok(await _hall(request).change(who, device_registry.enroll, *args), 201)


async def revoke(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.enroll")
    return ok(await _hall(request).change(who, device_registry.revoke, request.path_params["id"]))


routes = [
    Route("/api/devices", listing),
    Route("/api/devices", enroll, methods=["POST"]),
    Route("/api/devices/{id}/revoke", revoke, methods=["POST"]),
]
