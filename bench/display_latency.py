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

    python -m bench.display_latency [--clients 100,1000] [--calls 100] [--client-procs 2]

With ``--client-procs 1`` the figures include this one process's own work of reading N
frames per call, which takes longer than the server's of sending them (a display is a
machine of its own in a hall). ``--client-procs P`` spreads the clients over P child
processes (``--child``); their read times are on the same clock (``perf_counter`` is
CLOCK_MONOTONIC, one for the whole machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import harness as h

WAIT_S = 30  # every client has a frame within this, or the run stops


class Timings:
    """When each of ``n`` display connections read the awaited event's frame (timed on
    arrival, before parsing) and the ticket number it showed."""

    def __init__(self, n: int = 0) -> None:
        self.n = n
        self.want: str | None = None
        self.times: list[int] = []
        self.numbers: list[int] = []
        self.done = asyncio.Event()

    def expect(self, event: str) -> None:
        self.want, self.times, self.numbers = event, [], []
        self.done = asyncio.Event()

    def on_text(self, t: int, text: str | bytes) -> None:
        if self.want is None:
            return
        msg = json.loads(text)
        if msg.get("event") == self.want:
            self.times.append(t)
            self.numbers.append(msg["data"]["ticket"]["number"])
            if len(self.times) == self.n:
                self.done.set()

    async def wait(self) -> list[int]:
        try:
            await asyncio.wait_for(self.done.wait(), WAIT_S)
        except TimeoutError:
            raise RuntimeError(f"only {len(self.times)} of {self.n} got {self.want}") from None
        return self.times


class Displays(Timings):
    """N display connections of the websockets library, one reading task each."""

    def __init__(self, conns: list[Any]) -> None:
        super().__init__(len(conns))
        self.conns = conns
        self.tasks = [asyncio.create_task(self._read(ws)) for ws in conns]

    async def _read(self, ws: Any) -> None:
        import websockets

        try:
            async for raw in ws:
                self.on_text(h.now_us(), raw)
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)


class ChildDisplays:
    """``Displays`` spread over child processes, driven over their stdin and stdout: one
    line ``expect EVENT`` each way before a call, then each child's times and numbers."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs
        self.numbers: list[int] = []

    @classmethod
    async def start(cls, ws_url: str, clients: int, procs: int, deflate: bool) -> ChildDisplays:
        shares = [clients // procs + (i < clients % procs) for i in range(procs)]
        started = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.display_latency", "--child", ws_url, str(n),
                "deflate" if deflate else "plain",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                limit=1 << 22,
            )
            for n in shares
        ]  # fmt: skip
        me = cls(started)
        await me._each("connected")
        return me

    async def _each(self, want: str) -> list[str]:
        rows = []
        for proc in self.procs:
            assert proc.stdout is not None
            row = (await asyncio.wait_for(proc.stdout.readline(), WAIT_S + 60)).decode()
            if not row.startswith(want):
                raise RuntimeError(f"display child: {row!r}")
            rows.append(row[len(want) :].strip())
        return rows

    def _tell(self, line: str) -> None:
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(line.encode() + b"\n")

    async def expect(self, event: str) -> None:
        self._tell(f"expect {event}")
        await self._each("ok")

    async def wait(self) -> list[int]:
        times: list[int] = []
        self.numbers = []
        for row in await self._each("got"):
            got = json.loads(row)
            times += got["times"]
            self.numbers += got["numbers"]
        return times

    def cpu_s(self) -> float:
        return h._cpu_s([p.pid for p in self.procs])

    async def close(self) -> None:
        self._tell("close")
        for proc in self.procs:
            await proc.wait()


class LightDisplay(asyncio.Protocol):
    """A display connection read in the transport's callbacks through websockets' sans-io
    protocol: no task and no queue per frame, a fraction of the websockets library's
    asyncio client's cost, so the children keep up with the server's sending. Auth and
    subscribe as ``harness.open_view``; ``opened`` is done at the snapshot."""

    def __init__(self, ws_url: str, deflate: bool, on_text: Callable[[int, str], None]) -> None:
        from websockets.client import ClientProtocol
        from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
        from websockets.uri import parse_uri

        offer = [ClientPerMessageDeflateFactory()] if deflate else None
        self.conn = ClientProtocol(parse_uri(ws_url), extensions=offer, max_size=None)
        self.on_text = on_text
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.conn.send_request(self.conn.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Frame, Opcode
        from websockets.http11 import Response

        t = h.now_us()
        self.conn.receive_data(data)
        for ev in self.conn.events_received():
            if isinstance(ev, Response):
                if self.conn.handshake_exc is not None:
                    self._fail(f"handshake: {self.conn.handshake_exc}")
                    return
                self._send({"type": "auth", "token": h.DISPLAY})
            elif isinstance(ev, Frame) and ev.opcode is Opcode.TEXT:
                text = ev.data.decode()
                if self.opened.done():
                    self.on_text(t, text)
                else:
                    self._opening(json.loads(text))
        self._flush()  # pongs and closes the protocol answered

    def _opening(self, msg: dict[str, Any]) -> None:
        if msg.get("type") == "ready":
            self._send({"type": "subscribe", "view": "display"})
        elif msg.get("type") == "snapshot":
            self.opened.set_result(None)
        else:
            self._fail(f"while opening: {msg}")

    def _send(self, msg: dict[str, Any]) -> None:
        self.conn.send_text(json.dumps(msg).encode())
        self._flush()

    def _flush(self) -> None:
        for data in self.conn.data_to_send():
            if data:
                self.transport.write(data)

    def _fail(self, why: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(RuntimeError(why))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc}")


class LightDisplays(Timings):
    """A child's connections, ``LightDisplay``s."""

    async def open(self, ws_url: str, clients: int, deflate: bool) -> None:
        loop = asyncio.get_running_loop()
        host, port = ws_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        gate = asyncio.Semaphore(50)

        async def one() -> None:
            async with gate:
                _, proto = await loop.create_connection(
                    lambda: LightDisplay(ws_url, deflate, self.on_text), host, int(port)
                )
                await asyncio.wait_for(proto.opened, 30)

        await asyncio.gather(*(one() for _ in range(clients)))
        self.n = clients


async def child(ws_url: str, clients: int, deflate: bool) -> None:
    """One child of ``ChildDisplays``: its share of the connections, told what to expect."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    displays = LightDisplays()
    await displays.open(ws_url, clients, deflate)
    print("connected", flush=True)
    while line := (await stdin.readline()).decode().split():
        if line[0] == "close":
            break
        displays.expect(line[1])
        print("ok", flush=True)
        times = await displays.wait()
        print("got", json.dumps({"times": times, "numbers": displays.numbers}), flush=True)


async def issue(server: h.Server, codes: list[str]) -> list[int]:
    kiosk = h.Http(server.base, h.KIOSK)
    numbers = []
    for code in codes:
        numbers.append((await kiosk.post("/api/tickets", {"customers": [code]}))["number"])
    await kiosk.close()
    return numbers


async def run(
    clients: int, calls: int, customers: int, deflate: bool, procs: int = 1, **options: Any
) -> dict[str, Any]:
    """One server (``options``: more keyword arguments of ``harness.Server``), N clients."""
    h.raise_open_files(clients + 1000)
    data = h.demo(customers)
    with h.Server(customers=customers, **options) as server:
        await asyncio.sleep(2)  # let start-up work (clips, leader lock) settle
        rss_idle = server.rss_kib()
        await issue(server, [c.code for c in h.payers(data)[:calls]])
        desks = await h.cashiers(server.base)  # a call needs an open drawer
        t0 = time.perf_counter()
        displays: Displays | ChildDisplays
        if procs > 1:
            displays = await ChildDisplays.start(server.ws_url, clients, procs, deflate)
        else:
            conns = await h.open_many(server.ws_url, h.DISPLAY, "display", clients, deflate=deflate)
            displays = Displays(conns)
        connect_s = time.perf_counter() - t0
        await asyncio.sleep(1)
        rss_clients = server.rss_kib()
        # the kiosk's print jobs of those tickets run in the background: let them finish
        h.settle(server)
        per_client: list[int] = []
        slowest: list[int] = []
        answers: list[int] = []
        profile = h.Profile(server, f"display_latency-{clients}")
        kids = displays
        extra = ("display processes", kids.cpu_s) if isinstance(kids, ChildDisplays) else None
        meter = h.CpuMeter(server, extra)
        for i in range(calls):
            counter, http = desks[i % len(desks)]
            # one call in flight: match the event by type, as its frames may come back
            # before the HTTP answer does; the number is checked afterwards
            await _expect(displays, "ticket.called")
            sent = h.now_us()
            called = await http.post(f"/api/counters/{counter}/call-next")
            answers.append(h.now_us() - sent)
            times = await displays.wait()
            if set(displays.numbers) != {called["number"]}:
                raise RuntimeError(f"called {called['number']}, saw {set(displays.numbers)}")
            lat = [t - sent for t in times]
            per_client.extend(lat)
            slowest.append(max(lat))
            await _expect(displays, "ticket.no_show")
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
        "procs": procs,
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


async def _expect(displays: Displays | ChildDisplays, event: str) -> None:
    if isinstance(displays, ChildDisplays):
        await displays.expect(event)
    else:
        displays.expect(event)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        h.use_uvloop()
        _, _, url, n, deflate = sys.argv
        asyncio.run(child(url, int(n), deflate == "deflate"))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,1000", help="comma-separated client counts")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (browsers do; so do clients by default)",
    )
    parser.add_argument(
        "--client-procs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes the clients are spread over (1: this one)",
    )
    args = parser.parse_args()
    h.use_uvloop()
    h.header("display_latency")
    for n in (int(x) for x in args.clients.split(",")):
        procs = min(args.client_procs, n)
        r = asyncio.run(run(n, args.calls, args.customers, not args.no_deflate, procs))
        deflate = "without" if args.no_deflate else "with"
        where = "this process" if procs == 1 else f"{procs} processes"
        print(
            f"## {n} display clients ({deflate} permessage-deflate) in {where}, "
            f"{r['calls']} calls (connected in {r['connect_s']:.1f} s)"
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
