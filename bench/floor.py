"""Benchmark: the floor of the stack, with no hall in it.

What one ticket's ingredients cost on this machine when they do nothing else:
- ``plain``: a request answered with JSON by uvicorn (uvloop, httptools) and Starlette;
- ``cmis``: that, plus one call through an httpx client, as the CMIS adapters make it,
  to a stand-in server answering a debts-sized JSON;
- ``write``: a request, plus one write transaction of eleven Core INSERTs on SQLite with
  the hall's pragmas, in one writer thread as the writer lane runs them (a kiosk's
  ticket is eleven statements);
- ``write-dbapi``: the same transaction through the sqlite3 connection itself, no
  SQLAlchemy: what the library's share of ``write`` is;
- ``ticket``: the call and the transaction together.

Their cost bounds what one server process can do, however lean the hall's own code
(issue 7's 500 tickets/s is 2 ms of server CPU a ticket, on a core of its own). With
aiohttp installed, ``cmis-aiohttp`` makes the same call through aiohttp's client, for
comparison only: it is not a dependency (it costs a server ~7 MiB more than httpx).

    python -m bench.floor [--concurrency 16] [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import harness as h

PEER = "FLOOR_PEER"  # the stand-in's URL, for the server process
DB = "FLOOR_DB"  # the SQLite file of the server process
ROWS = 11
RAW_INSERT = "INSERT INTO row (ticket, text, at) VALUES (?, ?, ?)"
#: about what the simulator answers for a customer with three invoices
DEBTS = (
    b'{"MA_KH": "PE01000000001", "TEN_KH": "Nguy\\u1ec5n V\\u0103n A", "DIA_CHI": "1 L\\u00ea '
    b'L\\u1ee3i", "MA_SO": "B0001", "HOA_DON": ['
    + b",".join(
        b'{"ID_HDON": %d, "NAM": 2026, "THANG": %d, "KY": 1, "TIEN": 100000, "THUE": 8000, '
        b'"TONG": 108000, "KY_HIEU": "1K26TPE", "SO": "000000%d"}' % (i, 9 + i, i)
        for i in range(3)
    )
    + b"]}"
)


def make_app() -> Any:
    """The server of the measurement (and the stand-in, which answers ``/debts``)."""
    import httpx
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from qms.storage import db

    peer = os.environ.get(PEER, "")
    engine = db.make_engine(f"sqlite:///{os.environ[DB]}")
    meta = MetaData()
    rows = Table(
        "row",
        meta,
        Column("id", Integer, primary_key=True),
        Column("ticket", Integer),
        Column("text", String),
        Column("at", DateTime),
    )
    meta.create_all(engine)
    insert = rows.insert()
    lane = ThreadPoolExecutor(1)
    clients: dict[str, Any] = {}

    def transaction() -> None:
        now = dt.datetime.now(dt.UTC)
        with db.write_session(engine) as session:
            conn = session.connection()
            for i in range(ROWS):
                conn.execute(insert, {"ticket": i, "text": "Nguyễn Văn A, 1 Lê Lợi", "at": now})

    def transaction_dbapi() -> None:
        """The same rows through the pooled sqlite3 connection itself: what SQLAlchemy's
        share of ``transaction`` is (the time stored as SQLAlchemy's SQLite type would)."""
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ")
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("BEGIN IMMEDIATE")
            for i in range(ROWS):
                cur.execute(RAW_INSERT, (i, "Nguyễn Văn A, 1 Lê Lợi", at))
            cur.execute("COMMIT")
        finally:
            raw.close()

    async def call() -> int:
        r = await clients["httpx"].get(peer + "/debts")
        return len(r.content)

    async def write() -> None:
        await asyncio.get_running_loop().run_in_executor(lane, transaction)

    async def plain(_: Request) -> Response:
        return JSONResponse({"ok": True})

    async def cmis(_: Request) -> Response:
        return JSONResponse({"bytes": await call()})

    async def cmis_aiohttp(_: Request) -> Response:
        if "aiohttp" not in clients:
            return JSONResponse({"error": {"code": "not_installed"}}, status_code=404)
        async with clients["aiohttp"].get(peer + "/debts") as r:
            body = await r.read()
        return JSONResponse({"bytes": len(body)})

    async def written(_: Request) -> Response:
        await write()
        return JSONResponse({"ok": True})

    async def written_dbapi(_: Request) -> Response:
        await asyncio.get_running_loop().run_in_executor(lane, transaction_dbapi)
        return JSONResponse({"ok": True})

    async def ticket(_: Request) -> Response:
        n = await call()
        await write()
        return JSONResponse({"bytes": n})

    async def debts(_: Request) -> Response:
        return Response(DEBTS, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        clients["httpx"] = httpx.AsyncClient(timeout=httpx.Timeout(5.0), verify=False)
        with contextlib.suppress(ImportError):
            import aiohttp

            clients["aiohttp"] = aiohttp.ClientSession()
        yield
        await clients["httpx"].aclose()
        if "aiohttp" in clients:
            await clients["aiohttp"].close()
        lane.shutdown()
        engine.dispose()

    routes = [
        Route("/plain", plain),
        Route("/cmis", cmis),
        Route("/cmis-aiohttp", cmis_aiohttp),
        Route("/write", written),
        Route("/write-dbapi", written_dbapi),
        Route("/ticket", ticket),
        Route("/debts", debts),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


class Process:
    """``make_app`` under uvicorn, as ``qms serve`` runs the hall (uvloop, httptools)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = h.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        python = os.environ.get("BENCH_SERVER_PYTHON", sys.executable)
        cmd = [python, "-m", "uvicorn", "bench.floor:make_app", "--factory"]
        cmd += ["--port", str(self.port), "--log-level", "warning", "--no-access-log"]
        root = str(Path(__file__).resolve().parent.parent)
        self.proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": root, **env})

    async def ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            http = h.Http(self.base)
            try:
                await http.get("/plain")
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the floor server did not start") from None
                await asyncio.sleep(0.1)
            finally:
                await http.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def closed_loop(base: str, path: str, clients: int, seconds: float) -> list[int]:
    lat: list[int] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        http = h.Http(base)
        try:
            while time.perf_counter() < deadline:
                t0 = h.now_us()
                await http.get(path)
                lat.append(h.now_us() - t0)
        finally:
            await http.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return lat


async def measure(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="qms-floor-") as tmp:
        peer = Process({DB: str(Path(tmp) / "peer.db")})
        server = Process({PEER: peer.base, DB: str(Path(tmp) / "floor.db")})
        try:
            await peer.ready()
            await server.ready()
            paths = ["/plain", "/cmis", "/write", "/write-dbapi", "/ticket"]
            if await _has_aiohttp(server.base):
                paths.insert(2, "/cmis-aiohttp")
            for path in paths:
                await closed_loop(server.base, path, args.concurrency, 1.5)  # warm up
                cpu0 = h._cpu_s([server.proc.pid]), h._cpu_s([peer.proc.pid])
                t0 = time.perf_counter()
                lat = await closed_loop(server.base, path, args.concurrency, args.seconds)
                wall = time.perf_counter() - t0
                cpu1 = h._cpu_s([server.proc.pid]), h._cpu_s([peer.proc.pid])
                n = len(lat)
                per = [(b - a) / n * 1e6 for a, b in zip(cpu0, cpu1, strict=True)]
                print(
                    f"  {path[1:]:<13} {n / wall:7.0f} requests/s; server CPU {per[0]:5.0f} µs"
                    f" a request, stand-in {per[1]:4.0f} µs; {h.line('latency', lat).strip()}"
                )
        finally:
            server.stop()
            peer.stop()


async def _has_aiohttp(base: str) -> bool:
    http = h.Http(base)
    try:
        await http.get("/cmis-aiohttp")
        return True
    except h.HttpError:
        return False
    finally:
        await http.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=8)
    args = p.parse_args()
    h.use_uvloop()
    h.header("floor")
    print(f"## {args.concurrency} clients, {args.seconds:g} s a stretch")
    asyncio.run(measure(args))
    h.footer()


if __name__ == "__main__":
    main()
