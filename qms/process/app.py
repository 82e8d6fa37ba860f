"""The ASGI app: resources open in the lifespan (database, bus, CMIS, workers)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from integrations.cmis.base import CmisClient
from integrations.cmis.factory import make_client
from integrations.notify.base import ByChannel, make_gateway
from qms.config import Settings
from qms.devices import announce
from qms.devices.local_io import Devices
from qms.domain.clock import Clock
from qms.domain.errors import QmsError
from qms.http import (
    access_log,
    alerts,
    api,
    audio,
    audit,
    cash,
    company,
    devices,
    enrollment,
    follow,
    forecast,
    metrics,
    notices,
    reports,
    search,
    stats,
)
from qms.http import admin as admin_http
from qms.http import bank as bank_http
from qms.http import field as field_http
from qms.http import inventory as inventory_http
from qms.http.errors import on_crash, on_http_error, on_qms_error, on_store_error
from qms.http.headers import SecurityHeaders
from qms.http.pages import PageFiles
from qms.live import ws_direct
from qms.live.bus import make_bus
from qms.live.ws import endpoint
from qms.live.ws_frames import FrameCache
from qms.process import banner, demo_bank, demo_cmis, demo_notify, memory
from qms.storage import db, migrate
from qms.usecases import audit as audit_log
from qms.usecases import field as field_work
from qms.usecases import forecast as forecasting
from qms.usecases import org as org_mod
from qms.usecases.auth import Authenticator, seed_demo_staff
from qms.usecases.hall import Hall
from qms.workers import audit_upkeep, leader
from qms.workers.alert_watch import AlertWatch
from qms.workers.debt_fetcher import DebtFetcher
from qms.workers.device_worker import DeviceWorker
from qms.workers.field_watch import FieldWatch
from qms.workers.notifier import Notifier
from qms.workers.poster import PaymentPoster
from qms.workers.supply_poster import SupplyPoster

log = logging.getLogger(__name__)


@dataclass
class Started:
    """What the lifespan opened, for the CLI's start-up banner and for tests."""

    cmis_url: str = ""
    bank_url: str = ""  # the bank simulator's, when ``bank.simulator.enabled``
    notify_url: str = ""  # the gateway simulator's (docs/notify.md)
    demo_staff: list[banner.Account] = field(default_factory=list)  # on the demo password


def _pages_dir(package: str) -> Path:
    return Path(str(importlib.resources.files(package)))


@contextlib.asynccontextmanager
async def _cmis(
    settings: Settings, clock: Clock, started: Started
) -> AsyncIterator[dict[str, CmisClient]]:
    """One client per branch, for the CMIS version the branch talks."""
    sim = None
    urls = {"2.0": settings.cmis.v2_url, "1.0": settings.cmis.v1_url}
    if settings.cmis.mode == "simulator":
        sim = await demo_cmis.start(settings, clock)
        urls = {"2.0": sim.url, "1.0": sim.url}  # one simulator serves both versions
    started.cmis_url = ", ".join(sorted({u for u in urls.values() if u}))
    clients: dict[str, CmisClient] = {}
    try:
        for b in settings.branches:
            url = urls[b.cmis_version]
            assert url is not None  # config validation requires it
            clients[b.id] = make_client(
                b.cmis_version, url, timeout=settings.cmis.timeout_s, retries=settings.cmis.retries
            )
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()
        if sim is not None:
            await sim.stop()


def _clip_counters(branches: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """Each hall's counters as the announcement clips need them."""
    return {
        b.id: [(c.code, c.name, c.kind) for c in b.counters.values()] for b in branches.values()
    }


def _cmis_url(settings: Settings, started: Started, version: str) -> str:
    """Where a branch of this CMIS version is served (a branch added in the admin pages)."""
    if settings.cmis.mode == "simulator":
        return started.cmis_url
    url = settings.cmis.v2_url if version == "2.0" else settings.cmis.v1_url
    if not url:
        raise ValueError(f"no CMIS {version} URL in config.yaml (cmis.v{version[0]}_url)")
    return url


@contextlib.asynccontextmanager
async def _bank(settings: Settings, base: str, started: Started) -> AsyncIterator[None]:
    """The bank simulator, notifying this hall at ``base``, when enabled; a server of
    ``--workers`` has it from the parent (``QMS_BANK_URL``)."""
    started.bank_url = os.environ.get(BANK_URL_ENV, "")
    sim = None
    if settings.bank.simulator.enabled and not started.bank_url:
        sim = await demo_bank.start(settings, base)
        started.bank_url = sim.url
    try:
        yield
    finally:
        if sim is not None:
            await sim.stop()


#: the bank simulator's URL, given by the parent of ``--workers`` to each worker
BANK_URL_ENV = "QMS_BANK_URL"


# --- notify: the gateway simulator and the gateway (docs/notify.md) -----------------------


@contextlib.asynccontextmanager
async def _notify(settings: Settings, started: Started) -> AsyncIterator[ByChannel | None]:
    """The gateway the notifier sends through (None: messages are off, or no gateway runs
    and they wait queued); the simulator, when it is the gateway and enabled; a server
    of ``--workers`` has it from the parent (``QMS_NOTIFY_URL``)."""
    started.notify_url = os.environ.get(NOTIFY_URL_ENV, "")
    sim = None
    if demo_notify.wanted(settings) and not started.notify_url:
        sim = await demo_notify.start(settings)
        started.notify_url = sim.url
    gateway = None
    try:
        if settings.notify.enabled:
            try:
                gateway = make_gateway(settings.notify, started.notify_url or None)
            except ValueError as e:
                log.warning("notify: no gateway, messages stay queued: %s", e)
        yield gateway
    finally:
        if gateway is not None:
            await gateway.aclose()
        if sim is not None:
            await sim.stop()


#: the gateway simulator's URL, given by the parent of ``--workers`` to each worker
NOTIFY_URL_ENV = "QMS_NOTIFY_URL"


def from_env() -> Starlette:
    """The app of one worker process of ``qms serve --workers N``: its config file is
    named in ``QMS_CONFIG`` (the parent wrote it, with CMIS already running)."""
    from qms import config
    from qms.process import guard, multiworker

    multiworker.worker_metrics()
    settings = config.load(os.environ["QMS_CONFIG"])
    guard.install(settings.server, guard.raise_open_files())  # before the first connection
    return create_app(settings, ready=multiworker.banner)


#: the hall's websocket (docs/protocol.md)
WS_PATH = "/ws"


class HallApp(Starlette):
    """Starlette, with its websocket served straight from the ASGI entry: only with
    direct frames on (``qms.live.ws_direct``), which can write only to uvicorn's own send,
    and the router wraps each websocket's send in an exception handler. None of the
    middleware acts on a websocket (the security headers and the error handlers are for
    HTTP answers; the endpoint answers its own errors in the error shape). The route stays
    registered: the router serves it when this app is mounted under another one
    (``scope["path"]`` then carries the prefix)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == WS_PATH:
            scope["app"] = self
            await endpoint(WebSocket(scope, receive, send))
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    ready: Callable[[Started], None] | None = None,
    base: str | None = None,
) -> Starlette:
    """The hall's ASGI app; ``ready`` is told once the lifespan has started everything;
    ``base`` is where the server listens (the bank simulator notifies it there)."""
    clock = clock or Clock(settings.timezone)
    base = base or f"http://{settings.server.host}:{settings.server.port}"
    started = Started()
    access_log.install()  # no device token in the access log

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        field_work.BULK_SHARE = settings.field.bulk_share  # docs/config.md
        engine = db.make_engine(settings.database.url)
        migrate.ensure_schema(engine)  # Alembic only in a child, and only when behind
        # the demo hall's months of history for the forecast: one bulk insert, first start only
        history = asyncio.ensure_future(
            asyncio.to_thread(forecasting.seed_demo, engine, settings, clock.business_day())
        )
        # the organisation lives in the database; config.yaml's is imported on a first start
        await asyncio.to_thread(org_mod.import_config, engine, settings, clock.now())
        org = org_mod.Org(engine, settings)
        await org.reload()
        branches = org.branches
        unread = org_mod.drift(settings, branches)
        if unread:
            log.warning(
                "config.yaml's organisation was imported on the first start; the database "
                "holds it now and these edits are not read (use the admin pages, "
                "docs/admin.md): %s",
                "; ".join(unread),
            )
        app.state.org = org
        staff = None
        if settings.auth.demo_accounts:

            def demo() -> list[banner.Account]:
                seed_demo_staff(engine, settings.branches[0].id)
                return banner.demo_accounts(engine)  # at every start, for the banner

            # hashing the demo password overlaps the simulator's demo data being built
            staff = asyncio.ensure_future(asyncio.to_thread(demo))
        bus = make_bus(settings.bus.url)
        async with (
            _cmis(settings, clock, started) as clients,
            _bank(settings, base, started),
            _notify(settings, started) as gateway,
        ):
            if staff is not None:
                started.demo_staff = await staff
            await history
            hall = Hall(engine, bus, clients, branches, clock)
            hall.make_client = lambda b: make_client(
                b.cmis_version,
                _cmis_url(settings, started, b.cmis_version),
                timeout=settings.cmis.timeout_s,
                retries=settings.cmis.retries,
            )
            org.listeners.append(hall.adopt)
            hall.org = org
            app.state.hall = hall
            app.state.auth = Authenticator(engine, settings, branches, org.devices)
            # displays speak from the first call: clips are made (or reused) before "ready";
            # under a second on a cold start, instant after
            await announce.prepare(settings, counters=_clip_counters(branches))

            def in_process() -> frozenset[str]:
                """The branches whose devices this server drives (no hall agent)."""
                return frozenset(b.id for b in branches.values() if not b.device_agent)

            async def background() -> None:
                """CMIS poster, debt fetcher, printers and LED boards: in one process."""
                devices = await asyncio.to_thread(Devices, settings, frozenset())
                device_worker = DeviceWorker(
                    engine, clock, devices.send, bus, wake=hall.devices_waiting,
                    branches=in_process(), prefetch=devices.prefetch,
                )  # fmt: skip

                reopening = threading.Lock()  # two quick changes: one reopen at a time

                def reopen() -> None:
                    """Printers and LED boards as the organisation names them now."""
                    with reopening:
                        mine = in_process()
                        with db.read_session(engine) as s:
                            printers, leds = org_mod.device_specs(s, mine)
                        devices.reconfigure(printers, leds)
                        device_worker.branches = mine

                await asyncio.to_thread(reopen)
                spoken = [_clip_counters(branches)]

                def listener(_: object) -> None:
                    """After a reload (on the loop): devices reopened in a thread; a counter
                    added or renamed gets its spoken clip (the displays reload the manifest)."""
                    hall.spawn(asyncio.to_thread(reopen))
                    now = _clip_counters(branches)
                    if now != spoken[0]:
                        spoken[0] = now
                        hall.spawn(announce.prepare(settings, counters=now))

                org.listeners.append(listener)
                notifier = []  # "your turn is near" (docs/notify.md)
                if settings.notify.enabled:
                    notifier.append(Notifier(hall, gateway, settings.notify).run())
                try:
                    await asyncio.gather(
                        *notifier,
                        device_worker.run(hall.commit),
                        PaymentPoster(hall, concurrency=settings.cmis.post_concurrency).run(),
                        DebtFetcher(hall).run(),
                        SupplyPoster(hall).run(),
                        FieldWatch(hall).run(),
                        AlertWatch(hall, gateway, settings.alerts.every_s).run(),
                        hall.wake_from_bus(),
                        audit_upkeep.prune(engine, clock, settings.audit.retention_days),
                    )
                finally:
                    org.listeners.remove(listener)
                    await asyncio.to_thread(devices.close)

            workers = asyncio.create_task(leader.lead(engine, background))
            watch = asyncio.create_task(hall.watch_seq())  # in every process
            following = asyncio.create_task(org.follow(bus))  # admin changes, every process
            refused = asyncio.create_task(
                audit_upkeep.write_refusals(engine, clock, app.state.refusals)
            )
            memory.settle()
            if ready is not None:
                ready(started)
            try:
                yield
            finally:
                for task in (workers, watch, following, refused):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await asyncio.to_thread(hall.close)
                await bus.aclose()
                engine.dispose()

    routes = [
        *api.routes,
        *cash.routes,
        *admin_http.routes,
        *bank_http.routes,
        *field_http.routes,
        *inventory_http.routes,
        *reports.routes,
        *audit.routes,
        *enrollment.routes,
        *follow.routes,
        *search.routes,
        *stats.routes,
        *forecast.routes,
        *notices.routes,
        *alerts.routes,
        *devices.routes,
        *company.routes,  # the company view (docs/company.md)
        *metrics.routes,
        *audio.routes(announce.DEFAULT_FOLDER),
        WebSocketRoute(WS_PATH, endpoint),
        Route("/", lambda request: RedirectResponse("/counters/")),
        # the page file types only, never the packages' Python (qms.http.pages)
        Mount("/static", PageFiles(directory=_pages_dir("qms") / "static"), name="static"),
        Mount("/kiosk", PageFiles(directory=_pages_dir("kiosk"), html=True), name="kiosk"),
        Mount("/counters", PageFiles(directory=_pages_dir("counters"), html=True), name="counters"),
        Mount("/displays", PageFiles(directory=_pages_dir("displays"), html=True), name="displays"),
    ]
    direct = settings.server.direct_frames and ws_direct.supported()
    app = (HallApp if direct else Starlette)(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(metrics.RequestMetrics), Middleware(SecurityHeaders)],
        exception_handlers={
            QmsError: on_qms_error,
            HTTPException: on_http_error,
            DBAPIError: on_store_error,
            db.CommitUncertain: on_store_error,
            Exception: on_crash,
        },
    )
    app.state.settings = settings
    app.state.frames = FrameCache()  # event frames, encoded once per view
    app.state.outbox = ws_direct.Outbox() if direct else None  # straight to waiting displays
    app.state.started = started
    app.state.refusals = audit_log.Refusals(settings.audit.refusal_window_s)
    return app
