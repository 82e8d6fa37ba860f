"""Benchmark: a cashier's F4 and call -> display with 100 displays, without and then under
a bounded flood of half-open connections and websockets that never authenticate, in one
run against one server (issue 24's figures; the guard is qms/process/guard.py).

The flood runs in a child process (``--flood``) so its own work does not delay this
process's clock. It keeps ``--half-open`` connections sending a request head a byte at a
time (slowloris), spread over ``--flood-addresses`` loopback addresses (127.0.0.2 ...),
and ``--silent-ws`` websockets that open and never send ``auth``, over as many addresses
again (127.0.1.x); whatever the server closes or refuses it reopens after a second. It
runs at nice 10: on a real LAN the flood's CPU is another machine's, here it shares the
server's two cores. Staff and displays connect from 127.0.0.1.

Each round: a cashier calls a ticket whose papers are found (time from just before the
request until the slowest display has the ``ticket.called`` frame), then presses F4 (time
to the answer). A failed staff request is counted, not retried.

    python -m bench.flood [--displays 100] [--rounds 100] [--half-open 10000] [--silent-ws 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from typing import Any

from bench import harness as h
from bench.display_latency import Displays

PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: hall\r\nX-Slow: "


# --- the flood (a child process) ---------------------------------------------------------


class Tally:
    def __init__(self, target: int) -> None:
        self.held_half = 0
        self.held_ws = 0
        self.opened = 0
        self.closed = 0  # by the server: 408, 503, 4408 or a reset
        self.target = target
        self.ramped = asyncio.Event()  # every connection opened once

    def open(self) -> None:
        self.opened += 1
        if self.opened >= self.target:
            self.ramped.set()

    def figures(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


async def half_open(port: int, source: str, tally: Tally) -> None:
    while True:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0)
            )
        except OSError:
            await asyncio.sleep(1)
            continue
        tally.open()
        tally.held_half += 1
        try:
            writer.write(PARTIAL)
            while not reader.at_eof():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reader.read(4096), 2)
                writer.write(b"x")  # one more byte of the head every 2 s
        except OSError:
            pass
        finally:
            tally.held_half -= 1
            tally.closed += 1
            writer.close()
        await asyncio.sleep(1)


async def silent_ws(port: int, source: str, tally: Tally) -> None:
    upgrade = (
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    while True:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0)
            )
        except OSError:
            await asyncio.sleep(1)
            continue
        tally.open()
        tally.held_ws += 1
        try:
            writer.write(upgrade)
            while await reader.read(4096):  # the 101, then the server's close
                pass
        except OSError:
            pass
        finally:
            tally.held_ws -= 1
            tally.closed += 1
            writer.close()
        await asyncio.sleep(1)


async def flood(port: int, half: int, ws: int, addresses: int) -> None:
    h.raise_open_files(half + ws + 1000)
    tally = Tally(half + ws)
    tasks = []
    for i in range(half):
        tasks.append(asyncio.create_task(half_open(port, f"127.0.0.{2 + i % addresses}", tally)))
        if i % 200 == 199:
            await asyncio.sleep(0)
    for i in range(ws):
        tasks.append(asyncio.create_task(silent_ws(port, f"127.0.1.{1 + i % addresses}", tally)))
        if i % 200 == 199:
            await asyncio.sleep(0)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.ramped.wait(), 60)
    print(f"ready {tally.opened}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while (await reader.readline()).strip() == b"tally":
        print(json.dumps(tally.figures()), flush=True)


# --- the hall's side -----------------------------------------------------------------------


class Staff:
    """The cashiers and the lookup clerks; a failed request is counted."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    async def ready_tickets(self, server: h.Server, codes: list[str]) -> list[dict[str, Any]]:
        """Tickets issued at reception, every paper found at its lookup counter."""
        kiosk = await h.sign_in(server.base, "reception", "R1")
        clerks = {
            "even": await h.sign_in(server.base, "lookup1", "LE"),
            "odd": await h.sign_in(server.base, "lookup2", "LO"),
        }
        out = []
        for code in codes:
            t = await kiosk.post("/api/tickets", {"customers": [code]})
            invs = [i for c in t["customers"] for i in c["invoices"]]
            for inv in invs:
                await clerks[inv["lookup"]].post(
                    f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
                )
            out.append({"number": t["number"], "invoices": invs})
        for http in (kiosk, *clerks.values()):
            await http.close()
        return out

    async def rounds(
        self, desks: list[tuple[str, h.Http]], displays: Displays, tickets: list[dict[str, Any]]
    ) -> tuple[list[int], list[int]]:
        calls: list[int] = []
        f4s: list[int] = []
        for i, t in enumerate(tickets):
            counter, http = desks[i % len(desks)]
            displays.expect("ticket.called")
            sent = h.now_us()
            try:
                await http.post(f"/api/counters/{counter}/call", {"number": t["number"]})
                times = await displays.wait()
                calls.append(max(times) - sent)
                body = {
                    "invoices": [inv["invoice_id"] for inv in t["invoices"]],
                    "amount": sum(inv["total"] for inv in t["invoices"]),
                }
                sent = h.now_us()
                await http.post(f"/api/counters/{counter}/collect", body)
                f4s.append(h.now_us() - sent)
            except (h.HttpError, OSError, RuntimeError, asyncio.IncompleteReadError) as exc:
                self.failed.append(f"ticket {t['number']}: {exc}")
        return calls, f4s


async def run(args: argparse.Namespace) -> dict[str, Any]:
    h.raise_open_files(args.displays + 1000)
    data = h.demo(args.customers)
    codes = [c.code for c in h.payers(data)][: 2 * args.rounds]
    with h.Server(customers=args.customers) as server:
        await asyncio.sleep(2)  # start-up work (clips, the leader's lock) settles
        staff = Staff()
        tickets = await staff.ready_tickets(server, codes)
        desks = await h.cashiers(server.base)
        conns = await h.open_many(server.ws_url, h.DISPLAY, "display", args.displays)
        displays = Displays(conns)
        h.settle(server)  # the tickets' print jobs done
        meter = h.CpuMeter(server)
        quiet = await staff.rounds(desks, displays, tickets[: args.rounds])
        cpu_quiet = meter.report()
        failed_quiet = list(staff.failed)
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.flood", "--flood", str(server.port),
            str(args.half_open), str(args.silent_ws), str(args.flood_addresses),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert child.stdout is not None and child.stdin is not None
        t0 = time.perf_counter()
        ready = (await asyncio.wait_for(child.stdout.readline(), 120)).decode().strip()
        ramp_s = time.perf_counter() - t0
        await asyncio.sleep(args.flood_settle)  # the first deadlines pass: reopening begins
        child.stdin.write(b"tally\n")
        before = json.loads(await child.stdout.readline())
        rss_flood = server.rss_kib()
        staff.failed = []
        meter = h.CpuMeter(server, ("flood", lambda: h._cpu_s([child.pid])))
        loud = await staff.rounds(desks, displays, tickets[args.rounds :])
        cpu_loud = meter.report()
        child.stdin.write(b"tally\n")
        after = json.loads(await child.stdout.readline())
        healthz = h.Http(server.base)
        t1 = h.now_us()
        await healthz.get("/healthz")
        healthz_us = h.now_us() - t1
        await healthz.close()
        child.stdin.close()
        child.kill()
        await child.wait()
        await displays.close()
        for _, http in desks:
            await http.close()
    return {
        "quiet": quiet,
        "loud": loud,
        "failed_quiet": failed_quiet,
        "failed_loud": staff.failed,
        "ramp_s": ramp_s,
        "ready": ready,
        "before": before,
        "after": after,
        "rss_flood": rss_flood,
        "healthz_us": healthz_us,
        "cpu_quiet": cpu_quiet,
        "cpu_loud": cpu_loud,
    }


def main() -> None:
    if sys.argv[1:2] == ["--flood"]:
        # the attacker's CPU is not the server's: on one machine, it yields to the hall
        os.nice(10)
        h.use_uvloop()
        port, half, ws, addresses = (int(x) for x in sys.argv[2:6])
        asyncio.run(flood(port, half, ws, addresses))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--half-open", type=int, default=10_000)
    parser.add_argument("--silent-ws", type=int, default=2_000)
    parser.add_argument("--flood-addresses", type=int, default=10)
    parser.add_argument(
        "--flood-settle", type=float, default=12.0, help="seconds from the ramp to the rounds"
    )
    args = parser.parse_args()
    h.use_uvloop()
    h.header("flood")
    r = asyncio.run(run(args))
    print(f"## {args.displays} displays, {args.rounds} rounds each way (call, then F4)")
    (qc, qf), (lc, lf) = r["quiet"], r["loud"]
    print(h.line("  without flood: call -> slowest display", qc))
    print(h.line("  without flood: F4 answer", qf))
    print(f"  {r['cpu_quiet']}")
    print(
        f"## under the flood: {args.half_open} half-open over {args.flood_addresses} "
        f"addresses, {args.silent_ws} silent websockets over {args.flood_addresses} more "
        f"(ramp {r['ramp_s']:.1f} s, {r['ready']})"
    )
    print(h.line("  flood: call -> slowest display", lc))
    print(h.line("  flood: F4 answer", lf))
    print(f"  {r['cpu_loud']}")
    for name, t in (("at the rounds' start", r["before"]), ("at their end", r["after"])):
        print(
            f"  flood {name}: held {t['held_half']} half-open + {t['held_ws']} websockets; "
            f"{t['opened']} opened, {t['closed']} closed or refused by the server so far"
        )
    print(f"  server VmRSS under the flood: {r['rss_flood'] / 1024:.1f} MiB; "
          f"/healthz at the end {h.ms(r['healthz_us'])} ms")  # fmt: skip
    for label, q, lo in (("call -> display", qc, lc), ("F4", qf, lf)):
        print(f"  p99 ratio {label}: {h.pct(lo, 99) / max(1, h.pct(q, 99)):.2f}x")
    print(f"  failed staff requests: {len(r['failed_quiet'])} without, {len(r['failed_loud'])} "
          f"under the flood {r['failed_loud'][:3]}")  # fmt: skip
    h.footer()
    if os.environ.get("BENCH_JSON"):
        print(json.dumps({k: r[k] for k in ("failed_loud", "before", "after")}))


if __name__ == "__main__":
    main()
