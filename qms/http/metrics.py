"""Prometheus metrics for whoever is on call: ``GET /metrics`` behind a bearer token, and
the one middleware that counts and times every HTTP answer.

Counters and histograms are per process; with ``--workers N`` they are written to
files shared by the workers (prometheus_client's multiprocess mode, folder set by
``qms.process.multiworker``), so any worker's answer adds all of them up. What waits in
the database (the outbox to CMIS, print and LED jobs) is read at the scrape itself, so
every worker answers the same. docs/operations.md lists the metrics.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

import anyio.to_thread
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import CollectorRegistry
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms.domain.errors import Forbidden, QmsError, Unauthenticated
from qms.usecases import backlog
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
# a _created series beside each counter and histogram: noise for the hall
disable_created_metrics()  # type: ignore[no-untyped-call]

REQUESTS = Counter(
    "qms_http_requests",
    "HTTP answers by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "qms_http_request_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
#: issue 24's bounded resources (docs/security.md): what was held off
REFUSED_CONNECTIONS = Counter(
    "qms_connections_refused",
    "Connections the guard closed: a cap (total, address), a head too slow (late) or too "
    "large (large), or made room for a new one (evicted).",
    ["reason"],
)
ANONYMOUS_REFUSALS = Counter(
    "qms_anonymous_refusals",
    "Refused changes of nobody signed in, by route template and code (counted, not stored "
    "one by one).",
    ["route", "code"],
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: the label of a path no route serves: one label, whatever the path
UNMATCHED = "unmatched"
_CONVERTER = re.compile(r"\{(\w+):\w+\}")


def template(route: object) -> str:
    """``/api/tickets/{number}`` for the route that served a request; a mount's files are
    ``/static/{path}``."""
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    if isinstance(route, Mount):
        return f"{path}/{{path}}"
    return _CONVERTER.sub(r"{\1}", path) or "/"


class RequestMetrics:
    """Counts and times every HTTP answer by the route template the router matched (it
    leaves the route in the scope); an answer that crashed counts as 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children: dict[tuple[str, int, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._observe(scope, status, time.perf_counter() - began)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = scope.get("route")
        key = (method, id(route), status)  # routes live as long as the app: made once
        children = self._children.get(key)
        if children is None:
            name = template(route)
            children = (
                REQUESTS.labels(method, name, str(status)),
                LATENCY.labels(method, name),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


async def metrics(request: Request) -> Response:
    check_token(request, request.app.state.settings.server.metrics_token)
    hall: Hall = request.app.state.hall
    waiting = None
    try:
        waiting = await hall.read(backlog.both)
    except QmsError as exc:  # the database is away: the rest still tells what happens
        log.warning("/metrics: the outbox and jobs were not read: %s", exc.message)
    now = hall.clock.now()
    branches = sorted(hall.branches)
    body = await anyio.to_thread.run_sync(exposition, _Backlog(waiting, branches, now))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def check_token(request: Request, token: str | None) -> None:
    if token is None:
        raise Forbidden(
            "metrics are off: set server.metrics_token in config.yaml", code="metrics_off"
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8", "replace"), token.encode()
    ):
        raise Unauthenticated(
            "send the header Authorization: Bearer <server.metrics_token>",
            code="metrics_token_wrong",
        )


def exposition(database: _Backlog) -> bytes:
    """The text Prometheus reads: this process's metrics (or, with workers, all of theirs,
    from the shared folder) and the database's."""
    registry = CollectorRegistry()
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Process())
    registry.register(database)
    return generate_latest(registry)


class _Process:
    """This process's own registry, under the scrape's registry."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class _Backlog:
    """The outbox and the device jobs as gauges, every configured branch named (0 when
    nothing waits, so an alert sees a value, not an absence); nothing when the database
    did not answer."""

    def __init__(
        self,
        waiting: tuple[list[backlog.Waiting], list[backlog.Waiting]] | None,
        branches: list[str],
        now: dt.datetime,
    ) -> None:
        self.waiting = waiting
        self.branches = branches
        self.now = now

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        if self.waiting is None:
            return
        payments, jobs = self.waiting
        depth = GaugeMetricFamily(
            "qms_outbox_payments",
            "Payments not yet confirmed by CMIS, by branch and status.",
            labels=["branch", "status"],
        )
        oldest = GaugeMetricFamily(
            "qms_outbox_oldest_payment_age_seconds",
            "Age of the oldest payment taken and not yet in CMIS (0: none waits), by branch.",
            labels=["branch"],
        )
        counts = {(w.branch, w.status): w.count for w in payments}
        for branch in self.branches:
            for status in backlog.OPEN_PAYMENTS:
                depth.add_metric([branch, status], counts.get((branch, status), 0))
            ages = [self._age(w) for w in payments if w.branch == branch and w.status == "pending"]
            oldest.add_metric([branch], max(ages, default=0.0))
        backlog_jobs = GaugeMetricFamily(
            "qms_device_jobs",
            "Print and LED jobs not done, by branch, kind (print, led) and status "
            "(queued, sending, in_doubt).",
            labels=["branch", "kind", "status"],
        )
        oldest_job = GaugeMetricFamily(
            "qms_device_oldest_job_age_seconds",
            "Age of the oldest print or LED job not done (0: none waits), by branch and kind.",
            labels=["branch", "kind"],
        )
        jobs_by = {(w.branch, w.kind, w.status): w.count for w in jobs}
        for branch in self.branches:
            for kind in ("print", "led"):
                for status in backlog.OPEN_JOBS:
                    backlog_jobs.add_metric(
                        [branch, kind, status], jobs_by.get((branch, kind, status), 0)
                    )
                ages = [self._age(w) for w in jobs if w.branch == branch and w.kind == kind]
                oldest_job.add_metric([branch, kind], max(ages, default=0.0))
        yield from (depth, oldest, backlog_jobs, oldest_job)

    def _age(self, w: backlog.Waiting) -> float:
        return max(0.0, (self.now - w.oldest).total_seconds())


routes = [Route("/metrics", metrics)]
