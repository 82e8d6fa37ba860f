"""Alerts over HTTP (docs/alerts.md): the open alerts and their acknowledgement; the
rules with their thresholds. Parsing only: the use cases check roles, scope and fields."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import _hall, body, ok, principal
from qms.usecases import alerts
from qms.usecases.auth import require


async def list_alerts(request: Request) -> Response:
    who = await principal(request)
    q = request.query_params
    return ok(await alerts.listing(_hall(request), who, q.get("status"), q.get("branch")))


async def ack_alert(request: Request) -> Response:
    who = await principal(request)
    return ok(await alerts.ack(_hall(request), who, request.path_params["alert"]))


async def list_rules(request: Request) -> Response:
    who = await principal(request)
    return ok(await alerts.list_rules(_hall(request), who))


async def create_rule(request: Request) -> Response:
    who = await principal(request)
    require(who, "alerts.manage")  # the role before the body: a wrong role learns nothing
    data = await body(request)
    return ok(await alerts.create_rule(_hall(request), who, data), 201)


async def update_rule(request: Request) -> Response:
    who = await principal(request)
    require(who, "alerts.manage")
    data = await body(request)
    rule = request.path_params["rule"]
    return ok(await alerts.update_rule(_hall(request), who, rule, data))


routes = [
    Route("/api/alerts", list_alerts),
    Route("/api/alerts/{alert:int}/ack", ack_alert, methods=["POST"]),
    Route("/api/alert-rules", list_rules),
    Route("/api/alert-rules", create_rule, methods=["POST"]),
    Route("/api/alert-rules/{rule:int}", update_rule, methods=["PATCH"]),
]
