"""Enrolling and revoking kiosks, displays and hall agents, for the supervisor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.devices import registry
from qms.domain import commands as c
from qms.domain import org
from qms.domain.errors import BadRequest
from qms.http.api import body, ok, principal
from qms.usecases import queries
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall  # Starlette's State holds Any
    return hall


def _branch(request: Request, who: Principal, named: object) -> str:
    """A company admin enrolls in any branch, a branch admin in theirs (docs/admin.md);
    everyone else in their own."""
    if named is None or named == who.branch_id:
        return who.branch_id
    if not isinstance(named, str):
        raise BadRequest("branch is a branch id", code="invalid_request", field="branch")
    require(who, "admin.manage")
    org.check_scope(who.role, who.branch_id, named)
    _hall(request).branch(named)  # 404 unknown_branch
    return named


async def listing(request: Request) -> Response:
    who = await principal(request)
    branch = _branch(request, who, request.query_params.get("branch"))
    return ok({"devices": await queries.enrolled_devices(_hall(request), who, branch)})


async def enroll(request: Request) -> Response:
    who = await principal(request)
    data = dict(await body(request))
    branch = _branch(request, who, data.pop("branch", None))
    require(who, "devices.enroll")
    cmd = c.parse(c.Enroll, data)
    return ok(await _hall(request).change(who, registry.enroll, cmd, branch=branch), 201)


async def revoke(request: Request) -> Response:
    who = await principal(request)
    require(who, "devices.enroll")
    hall = _hall(request)
    device = request.path_params["id"]
    branch = _branch(request, who, await hall.read(registry.branch_of, device))
    cmd = c.parse(c.Revoke, {}, id=device)
    return ok(await hall.change(who, registry.revoke, cmd, branch=branch))


routes = [
    Route("/api/devices", listing),
    Route("/api/devices", enroll, methods=["POST"]),
    Route("/api/devices/{id}/revoke", revoke, methods=["POST"]),
]
