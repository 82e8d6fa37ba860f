"""Benchmark: call -> display latency with many websocket display clients, and server RSS.

Starts `qms serve` (embedded default: SQLite, in-process bus, in-process CMIS simulator),
issues tickets at the kiosk, connects N display clients (view ``display``, device token
``demo-display-1``) in this one asyncio process, then makes the four cashiers call one
ticket at a time over HTTP. For each call, the latency of each client is the time from
just before the HTTP request is sent until that client's ``ticket.called`` frame has been
read (one clock: this process's ``perf_counter``). Calls are strictly one after another:
the next starts when every client has the previous one and the counter is free again (the
ticket is marked no-show, and that event too has reached every client). Calls start once
the server is idle (the tickets' print jobs done).

    python -m bench.display_latency [--clients 100,1000] [--calls 100]

Figures include this process's own work of reading N frames per call on the other core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from bench import harness as h

WAIT_S = 30  # every client has a frame within this, or the run stops


class Displays:
    """N display connections; each frame is timed when read, before it is parsed."""

    def __init__(self, conns: list[Any]) -> None:
        self.conns = conns
        self.want: str | None = None
        self.times: list[int] = []
        self.numbers: list[int] = []
        self.done = asyncio.Event()
        self.frames = 0
        self.tasks = [asyncio.create_task(self._read(ws)) for ws in conns]

    def expect(self, event: str) -> None:
        self.want = event
        self.times = []
        self.numbers = []
        self.done = asyncio.Event()

    async def _read(self, ws: Any) -> None:
        import websockets

        try:
            async for raw in ws:
                t = h.now_us()
                self.frames += 1
                if self.want is None:
                    continue
                msg = json.loads(raw)
                if msg.get("event") == self.want:
                    self.times.append(t)
                    self.numbers.append(msg["data"]["ticket"]["number"])
                    if len(self.times) == len(self.conns):
                        self.done.set()
        except websockets.ConnectionClosed:
            pass

    async def wait(self) -> list[int]:
        try:
            await asyncio.wait_for(self.done.wait(), WAIT_S)
        except TimeoutError:
            raise RuntimeError(
                f"only {len(self.times)} of {len(self.conns)} clients got {self.want}"
            ) from None
        return self.times

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)


async def issue(server: h.Server, codes: list[str]) -> list[int]:
    kiosk = h.Http(server.base, h.KIOSK)
    numbers = []
    for code in codes:
        numbers.append((await kiosk.post("/api/tickets", {"customers": [code]}))["number"])
    await kiosk.close()
    return numbers


async def run(
    clients: int, calls: int, customers: int, deflate: bool, **options: Any
) -> dict[str, Any]:
    """One server (``options``: more keyword arguments of ``harness.Server``), N clients."""
    h.raise_open_files(clients + 1000)
    data = h.demo(customers)
    with h.Server(customers=customers, **options) as server:
        await asyncio.sleep(2)  # let start-up work (clips, leader lock) settle
        rss_idle = server.rss_kib()
        await issue(server, [c.code for c in h.payers(data)[:calls]])
        desks = await h.cashiers(server.base, open_drawers=False)
        t0 = time.perf_counter()
        conns = await h.open_many(server.ws_url, h.DISPLAY, "display", clients, deflate=deflate)
        connect_s = time.perf_counter() - t0
        displays = Displays(conns)
        await asyncio.sleep(1)
        rss_clients = server.rss_kib()
        # the kiosk's print jobs of those tickets run in the background: let them finish
        h.settle(server)
        per_client: list[int] = []
        slowest: list[int] = []
        answers: list[int] = []
        profile = h.Profile(server, f"display_latency-{clients}")
        meter = h.CpuMeter(server)
        for i in range(calls):
            counter, http = desks[i % len(desks)]
            # one call in flight: match the event by type, as its frames may come back
            # before the HTTP answer does; the number is checked afterwards
            displays.expect("ticket.called")
            sent = h.now_us()
            called = await http.post(f"/api/counters/{counter}/call-next")
            answers.append(h.now_us() - sent)
            times = await displays.wait()
            if set(displays.numbers) != {called["number"]}:
                raise RuntimeError(f"called {called['number']}, saw {set(displays.numbers)}")
            lat = [t - sent for t in times]
            per_client.extend(lat)
            slowest.append(max(lat))
            displays.expect("ticket.no_show")
            await http.post(f"/api/counters/{counter}/no-show")
            await displays.wait()
        cpu = meter.report()
        profile.stop()
        rss_after = server.rss_kib()
        gc_pauses = server.gc_pauses()
        await displays.close()
        for _, http in desks:
            await http.close()
    return {
        "clients": clients,
        "calls": calls,
        "connect_s": connect_s,
        "per_client": per_client,
        "slowest": slowest,
        "answers": answers,
        "rss_idle": rss_idle,
        "rss_clients": rss_clients,
        "rss_after": rss_after,
        "cpu": cpu,
        "gc": gc_pauses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,1000", help="comma-separated client counts")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (browsers do; so do clients by default)",
    )
    args = parser.parse_args()
    h.use_uvloop()
    h.header("display_latency")
    for n in (int(x) for x in args.clients.split(",")):
        r = asyncio.run(run(n, args.calls, args.customers, not args.no_deflate))
        deflate = "without" if args.no_deflate else "with"
        print(
            f"## {n} display clients ({deflate} permessage-deflate), {r['calls']} calls "
            f"(connected in {r['connect_s']:.1f} s)"
        )
        print(h.line("  call -> frame, every client", r["per_client"]))
        print(h.line("  call -> frame, slowest client of each call", r["slowest"]))
        print(h.line("  call HTTP answer", r["answers"]))
        worst = sorted(enumerate(r["slowest"]), key=lambda x: -x[1])[:3]
        print("  slowest calls (index: ms): " + ", ".join(f"{i}: {h.ms(v)}" for i, v in worst))
        print(f"  {r['cpu']}")
        print(
            f"  server VmRSS: idle {r['rss_idle'] / 1024:.1f} MiB, with {n} clients "
            f"{r['rss_clients'] / 1024:.1f} MiB, after the calls {r['rss_after'] / 1024:.1f} MiB"
        )
        for row in r["gc"]:
            print(f"  server {row}")
    h.footer()


if __name__ == "__main__":
    main()
