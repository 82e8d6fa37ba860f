"""Run the simulator (or any ASGI app) on real HTTP: embedded in a running loop, or alone.

Embedded servers bind their socket before uvicorn starts (so port 0 yields a known free
port), leave logging and signal handling to the host, and report readiness through an
event set by uvicorn's own startup, never by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import pathlib
import socket
from collections.abc import Generator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from integrations.cmis.simulator.app import create_app, default_demo_data
from integrations.cmis.simulator.faults import FaultConfig


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that says when it is up and keeps out of the host's signals."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()


@dataclass
class RunningSimulator:
    """An embedded server; ``url`` has no trailing slash."""

    url: str
    host: str
    port: int
    _server: _EmbeddedServer
    _task: asyncio.Task[None]

    async def stop(self, grace: float = 5.0) -> None:
        """Graceful stop (open calls get ``grace`` seconds), then forced."""
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._server.force_exit = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket. ``IPPROTO_TCP`` is explicit: with proto 0, asyncio does not
    set TCP_NODELAY on accepted connections and every answer waits ~40 ms (Nagle)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


async def start_simulator(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    startup_timeout: float = 10.0,
    log_level: str | None = None,
) -> RunningSimulator:
    """Serve ``app`` on ``host:port`` in the running loop (port 0: a free port)."""
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=log_level,
        access_log=False,
        ws="none",
        lifespan="auto",
        timeout_graceful_shutdown=1,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"simulator:{host}")
    ready = asyncio.create_task(server.ready.wait())
    try:
        await asyncio.wait(
            {task, ready}, timeout=startup_timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        ready.cancel()
    if not server.started:
        server.should_exit = True
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        sock.close()
        raise RuntimeError(f"simulator did not start on {host}:{port} in {startup_timeout} s")
    shown = f"[{host}]" if ":" in host else host
    return RunningSimulator(f"http://{shown}:{bound_port}", host, bound_port, server, task)


def run_forever(
    host: str = "127.0.0.1",
    port: int = 8091,
    *,
    ledger: str | os.PathLike[str] | None = None,
    faults: FaultConfig | None = None,
    unit: str = "PE0100",
    customers: int = 10_000,
    seed: int = 2026,
    today: dt.date | None = None,
    books: int | None = None,
    notice_days: int = 7,
    log_level: str = "info",
) -> None:
    """Blocking: the standalone simulator behind ``qms cmis-sim`` (Ctrl-C stops it).

    With a ``ledger`` journal that already exists, its demo-data parameters win over
    ``unit``/``customers``/``seed``/``today``/``books``: the payments in it refer to that data.
    ``notice_days`` decides who is on the disconnection list.
    """
    ledger_path = pathlib.Path(ledger) if ledger is not None else None
    data = default_demo_data(
        ledger_path, unit=unit, customers=customers, seed=seed, today=today, books=books
    )
    app = create_app(data, ledger_path=ledger_path, faults=faults, notice_days=notice_days)
    uvicorn.run(app, host=host, port=port, log_level=log_level, ws="none")
