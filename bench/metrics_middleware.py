"""Benchmark: what the metrics middleware (``qms.http.metrics.RequestMetrics``) adds to
one HTTP answer, in-process, with no network in the way.

One ASGI app answering a routed ``GET /api/tickets/{number}`` with a small JSON body is
called N times straight, then N times under the middleware, alternated in rounds so the
machine's other load falls on both alike; each round's time per call is printed, and the
difference of the medians is the middleware's cost. With ``PROMETHEUS_MULTIPROC_DIR`` set
(to an empty folder) it measures the multiprocess mode ``--workers N`` uses.

    python -m bench.metrics_middleware [--calls 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench import harness as h
from qms.http.metrics import RequestMetrics


async def ticket(request: Request) -> Response:
    return JSONResponse({"number": request.path_params["number"], "status": "waiting"})


def app() -> Starlette:
    return Starlette(routes=[Route("/api/tickets/{number:int}", ticket)])


async def calls(asgi: Any, n: int) -> float:
    """Seconds per call of ``asgi`` on one GET."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    began = time.perf_counter()
    for i in range(n):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/api/tickets/{i % 500 + 1}",
            "raw_path": b"",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"hall")],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8080),
        }
        await asgi(scope, receive, send)
    return (time.perf_counter() - began) / n


async def main(n: int, rounds: int) -> None:
    plain, measured = app(), RequestMetrics(app())
    await calls(plain, 2000)  # warm both: the router, the metric's children
    await calls(measured, 2000)
    without, with_ = [], []
    for r in range(rounds):
        without.append(await calls(plain, n))
        with_.append(await calls(measured, n))
        print(f"round {r + 1}: {without[-1] * 1e6:.1f} µs plain, {with_[-1] * 1e6:.1f} µs measured")
    a, b = statistics.median(without), statistics.median(with_)
    print(f"median: {a * 1e6:.1f} µs plain, {b * 1e6:.1f} µs measured: +{(b - a) * 1e6:.1f} µs")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--calls", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    h.header("metrics_middleware")
    asyncio.run(main(args.calls, args.rounds))
