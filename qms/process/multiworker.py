"""``qms serve --workers N``: N uvicorn worker processes on one listening socket.

What must happen once happens in the parent before any worker starts: the schema, the
demo staff, the voice clips, and the demo CMIS simulator (which then serves every worker
from the parent's own thread). Each worker reads a config in which CMIS is remote. The
workers share the database and reach each other's clients through the Redis bus; one of
them, the leader (``qms.workers.leader``), runs the background workers.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from uvicorn.supervisors import Multiprocess

from qms.config import Settings
from qms.domain.clock import Clock
from qms.process import guard
from qms.process.cli import uvicorn_options

#: prometheus_client's multiprocess mode: read by each worker at its first import of it
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def _prepare(settings: Settings) -> None:
    from qms.devices import announce
    from qms.storage import db, migrate
    from qms.usecases import forecast
    from qms.usecases.auth import seed_demo_staff

    engine = db.make_engine(settings.database.url)
    migrate.ensure_schema(engine)  # the parent lives on: Alembic in a child
    if settings.auth.demo_accounts:
        seed_demo_staff(engine, settings.branches[0].id)
    forecast.seed_demo(engine, settings, Clock(settings.timezone).business_day())
    engine.dispose()
    asyncio.run(announce.prepare(settings))


def _simulator(
    settings: Settings, bank_for: str | None = None, *, notify: bool = False
) -> tuple[str, Any]:
    """The demo CMIS (or, given the hall's URL, the demo bank; or with ``notify`` the
    gateway simulator) in a thread of the parent, for as long as the parent lives."""
    from qms.process import demo_bank, demo_cmis, demo_notify

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="simulator", daemon=True).start()
    coro: Any = (
        demo_notify.start(settings)
        if notify
        else demo_cmis.start(settings, Clock(settings.timezone))
        if bank_for is None
        else demo_bank.start(settings, bank_for)
    )
    sim = asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(sim.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)

    return sim.url, stop


def serve(settings: Settings, config_path: str, host: str, port: int, n: int, log: str) -> int:
    if settings.bus.url.startswith("memory://"):
        print(
            "qms: --workers needs bus.url redis://…: events must reach the clients of every worker",
            file=sys.stderr,
        )
        return 2
    raw = yaml.safe_load(Path(config_path).read_text(encoding="utf-8"))
    stop = None
    if settings.cmis.mode == "simulator":
        cmis, stop = _simulator(settings)
        raw["cmis"].update(mode="remote", v2_url=cmis, v1_url=cmis)
    bank_stop = None
    if settings.bank.simulator.enabled:  # one bank for all workers (``app._bank``)
        from qms.process.app import BANK_URL_ENV

        os.environ[BANK_URL_ENV], bank_stop = _simulator(settings, f"http://{host}:{port}")
    from qms.process import demo_notify

    notify_stop = None
    if demo_notify.wanted(settings):  # one gateway simulator for all workers (``app._notify``)
        from qms.process.app import NOTIFY_URL_ENV

        os.environ[NOTIFY_URL_ENV], notify_stop = _simulator(settings, notify=True)
    _prepare(settings)
    # the workers inherit the raised limit; each installs its own guard (``app.from_env``)
    print(f"qms: {guard.install(settings.server, guard.raise_open_files())}", flush=True)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".yaml", prefix="qms-workers-", encoding="utf-8", delete=False
    ) as f:
        yaml.safe_dump(raw, f, allow_unicode=True)
    os.environ["QMS_CONFIG"] = f.name
    os.environ["QMS_WORKER_BASE"] = f"http://{host}:{port}"
    # the workers' metrics, added up by whichever answers /metrics: a new empty folder at
    # each start (no count of an earlier run is added in), removed at the end
    metrics_dir = tempfile.mkdtemp(prefix="qms-metrics-")
    os.environ[METRICS_DIR] = metrics_dir
    try:
        config = uvicorn.Config(
            "qms.process.app:from_env",
            factory=True,
            host=host,
            port=port,
            workers=n,
            log_level=log,
            **uvicorn_options(settings),
        )
        sock = config.bind_socket()
        sock.listen(2048)  # a client arriving before a worker accepts waits, is not refused
        Multiprocess(config, sockets=[sock]).run()
    finally:
        os.unlink(f.name)
        shutil.rmtree(metrics_dir, ignore_errors=True)
        if stop is not None:
            stop()
        if bank_stop is not None:
            bank_stop()
        if notify_stop is not None:
            notify_stop()
    return 0


def worker_metrics() -> None:
    """A worker's live gauges (its open websockets) leave the shared folder with it; a
    worker killed outright leaves them until the next start."""
    folder = os.environ.get(METRICS_DIR)
    if folder:
        from prometheus_client import multiprocess

        atexit.register(multiprocess.mark_process_dead, os.getpid(), folder)


def banner(started: Any) -> None:
    """A worker's "ready", once its app is up (the socket already listens)."""
    base = os.environ.get("QMS_WORKER_BASE", "")
    print(f"qms: hall ready at {base}  (worker {os.getpid()}, CMIS at {started.cmis_url})",
          flush=True)  # fmt: skip
