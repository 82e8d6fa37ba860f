"""The ASGI app: resources open in the lifespan (database, bus, CMIS, workers)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from integrations.cmis.base import CmisClient
from qms import branch as branch_mod
from qms import db
from qms.auth import Authenticator, seed_demo_staff
from qms.bus import make_bus
from qms.clock import Clock
from qms.config import Settings
from qms.errors import QmsError
from qms.hall import Hall
from qms.http import api
from qms.http.errors import on_crash, on_http_error, on_qms_error
from qms.http.headers import SecurityHeaders
from qms.poster import PaymentPoster
from qms.ws import endpoint

log = logging.getLogger(__name__)


@dataclass
class Started:
    """What the lifespan opened, for the CLI's start-up banner and for tests."""

    cmis_url: str = ""
    demo_staff: list[str] = field(default_factory=list)


def _pages_dir(package: str) -> Path:
    return Path(str(importlib.resources.files(package)))


@contextlib.asynccontextmanager
async def _cmis(settings: Settings, clock: Clock, started: Started) -> AsyncIterator[CmisClient]:
    from integrations.cmis.v2 import Cmis2Client

    sim = None
    url = settings.cmis.url
    if settings.cmis.mode == "simulator":
        from integrations.cmis.simulator.app import create_app as sim_app
        from integrations.cmis.simulator.app import default_demo_data
        from integrations.cmis.simulator.server import start_simulator

        s = settings.cmis.simulator
        ledger = Path(s.ledger) if s.ledger else None
        # an existing ledger keeps the data it was written for (e.g. yesterday's periods)
        data = default_demo_data(
            ledger,
            unit=settings.branches[0].id,
            customers=s.customers,
            seed=s.seed,
            today=clock.business_day(),
        )
        sim = await start_simulator(
            sim_app(data, ledger_path=ledger), host=s.host, port=s.port, log_level="warning"
        )
        url = sim.url
    assert url is not None
    started.cmis_url = url
    client = Cmis2Client(url, timeout=settings.cmis.timeout_s, retries=settings.cmis.retries)
    try:
        yield client
    finally:
        await client.aclose()
        if sim is not None:
            await sim.stop()


def create_app(settings: Settings, *, clock: Clock | None = None) -> Starlette:
    clock = clock or Clock(settings.timezone)
    started = Started()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = db.make_engine(settings.database.url)
        db.create_schema(engine)
        branches = {b.id: branch_mod.from_settings(b, settings) for b in settings.branches}
        if settings.auth.demo_accounts:
            started.demo_staff = seed_demo_staff(engine, settings.branches[0].id)
        bus = make_bus(settings.bus.url)
        async with _cmis(settings, clock, started) as cmis_client:
            hall = Hall(engine, bus, cmis_client, branches, clock)
            app.state.hall = hall
            app.state.auth = Authenticator(engine, settings, branches)
            poster = asyncio.create_task(PaymentPoster(hall).run())
            try:
                yield
            finally:
                poster.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poster
                await bus.aclose()
                engine.dispose()

    routes = [
        *api.routes,
        WebSocketRoute("/ws", endpoint),
        Route("/", lambda request: RedirectResponse("/counters/")),
        Mount("/static", StaticFiles(directory=_pages_dir("qms") / "static"), name="static"),
        Mount("/kiosk", StaticFiles(directory=_pages_dir("kiosk"), html=True), name="kiosk"),
        Mount(
            "/counters", StaticFiles(directory=_pages_dir("counters"), html=True), name="counters"
        ),
        Mount(
            "/displays", StaticFiles(directory=_pages_dir("displays"), html=True), name="displays"
        ),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={
            QmsError: on_qms_error,
            HTTPException: on_http_error,
            Exception: on_crash,
        },
    )
    app.state.settings = settings
    app.state.started = started
    return app
