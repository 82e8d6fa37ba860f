"""The admin pages' API (docs/admin.md): the organisation, staff accounts, the password
policy, halls, counters, printers and their test buttons; and the hall's opening hours
for kiosks and pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain import org
from qms.domain.errors import BadRequest
from qms.http.api import body, ok, principal
from qms.usecases import admin
from qms.usecases import org as org_use
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall
    return hall


def _branch(who: Principal, raw: object) -> str:
    """The branch an admin acts in: named, and within their scope."""
    if not isinstance(raw, str):
        raise BadRequest("name the branch", code="invalid_request", field="branch")
    org.check_scope(who.role, who.branch_id, raw)
    return raw


async def _admin(request: Request) -> Principal:
    """Who asks, allowed to administer: the role is checked before anything is looked up."""
    who = await principal(request)
    require(who, "admin.manage")
    return who


async def _change(
    request: Request, who: Principal, fn: Any, *args: Any, branch: object, action: str
) -> Any:
    """``fn`` run by ``who`` (checked by ``_admin``) in ``branch``, within their scope."""
    branch = _branch(who, branch)
    hall = _hall(request)
    hall.branch(branch)  # 404 unknown_branch
    return await hall.change(who, fn, *args, action=action, branch=branch)


async def overview(request: Request) -> Response:
    return ok(await admin.overview(_hall(request), await principal(request)))


async def staff(request: Request) -> Response:
    who = await principal(request)
    return ok(await admin.staff(_hall(request), who, request.query_params.get("branch")))


async def add_staff(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    branch = data.get("branch", who.branch_id)
    out = await _change(request, who, admin.create_user, who.role, data, branch=branch,
                        action="admin.create_user")  # fmt: skip
    return ok(out, 201)


async def _staff_branch(request: Request) -> str:
    """The branch of the account named in the path (where its change is locked and
    audited); scope is checked by ``_change``."""
    name = request.path_params["username"]
    hall = _hall(request)

    def find(s: Any) -> str:
        return admin.staff_branch(s, name)

    return await hall.read(find)


async def edit_staff(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    name, branch = request.path_params["username"], await _staff_branch(request)
    out = await _change(request, who, admin.update_user, who.role, name, data, branch=branch,
                        action="admin.update_user")  # fmt: skip
    return ok(out)


async def staff_action(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    name, verb = request.path_params["username"], request.path_params["verb"]
    branch = await _staff_branch(request)
    version = data.get("version")
    if verb in ("disable", "enable"):
        enable = verb == "enable"
        out = await _change(request, who, admin.set_active, who.role, name, version, enable,
                            branch=branch, action=f"admin.{verb}_user")  # fmt: skip
    elif verb == "reset":
        out = await _change(request, who, admin.reset_password, who.role, name, version,
                            branch=branch, action="admin.reset_password")  # fmt: skip
    else:
        raise BadRequest("disable, enable or reset", code="invalid_request", field="verb")
    return ok(out)


async def get_policy(request: Request) -> Response:
    return ok(await admin.policy(_hall(request), await principal(request)))


async def put_policy(request: Request) -> Response:
    who = await principal(request)
    require(who, "admin.company")
    data = await body(request)
    return ok(await _hall(request).change(who, admin.set_policy, data, action="admin.policy"))


async def add_branch(request: Request) -> Response:
    who = await principal(request)
    require(who, "admin.company")
    data = await body(request)
    hall = _hall(request)
    base = org_use.config_params(request.app.state.settings)
    return ok(await admin.new_branch(hall, who, data, base), 201)


async def edit_branch(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    out = await _change(request, who, admin.update_branch, data, branch=request.path_params["id"],
                        action="admin.update_branch")  # fmt: skip
    return ok(out)


async def add_counter(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    out = await _change(request, who, admin.add_counter, data, branch=request.path_params["id"],
                        action="admin.add_counter")  # fmt: skip
    return ok(out, 201)


async def edit_counter(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    p = request.path_params
    out = await _change(request, who, admin.update_counter, p["code"], data, branch=p["id"],
                        action="admin.update_counter")  # fmt: skip
    return ok(out)


async def retire_counter(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    p = request.path_params
    out = await _change(request, who, admin.retire_counter, p["code"], data.get("version"),
                        branch=p["id"], action="admin.retire_counter")  # fmt: skip
    return ok(out)


async def test_counter(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    p = request.path_params
    what = data.get("what")
    out = await _change(request, who, admin.test_device, p["code"], what, branch=p["id"],
                        action="admin.test_device")  # fmt: skip
    return ok(out, 202)


async def save_printer(request: Request) -> Response:
    who = await _admin(request)
    data = await body(request)
    out = await _change(request, who, admin.save_printer, data, branch=request.path_params["id"],
                        action="admin.save_printer")  # fmt: skip
    return ok(out)


async def hall_hours(request: Request) -> Response:
    """Whether the hall serves now, for the kiosk (it says closed outside the hours)."""
    who = await principal(request)
    hall = _hall(request)
    await hall.fresh_org()  # the kiosk asks on hall.changed, which may outrun the reload
    b = hall.branch(who.branch_id)
    now = hall.clock.now()
    return ok({
        "branch": b.id,
        "name": b.name,
        "open": b.is_open(now),
        "hours": None if b.hours is None else b.hours.public(),
    })  # fmt: skip


routes = [
    Route("/api/admin/org", overview),
    Route("/api/admin/staff", staff),
    Route("/api/admin/staff", add_staff, methods=["POST"]),
    Route("/api/admin/staff/{username}", edit_staff, methods=["PATCH"]),
    Route("/api/admin/staff/{username}/{verb}", staff_action, methods=["POST"]),
    Route("/api/admin/policy", get_policy),
    Route("/api/admin/policy", put_policy, methods=["PUT"]),
    Route("/api/admin/branches", add_branch, methods=["POST"]),
    Route("/api/admin/branches/{id}", edit_branch, methods=["PATCH"]),
    Route("/api/admin/branches/{id}/counters", add_counter, methods=["POST"]),
    Route("/api/admin/branches/{id}/counters/{code}", edit_counter, methods=["PATCH"]),
    Route("/api/admin/branches/{id}/counters/{code}/retire", retire_counter, methods=["POST"]),
    Route("/api/admin/branches/{id}/counters/{code}/test", test_counter, methods=["POST"]),
    Route("/api/admin/branches/{id}/printers", save_printer, methods=["POST"]),
    Route("/api/hall", hall_hours),
]
