"""Benchmark: ticket issue at the kiosk, including the CMIS debt fetch.

Each `POST /api/tickets` (kiosk device token, one customer) makes the server ask the
in-process CMIS simulator for the customer's debts over loopback HTTP, then number and
write the ticket, its invoices, its print job, the audit entry and the event in one
transaction. Every ticket has a customer of its own (a customer on an active ticket is
refused), so the simulator is given more customers than the default.

- closed loop: N clients, each sending its next request when the last is answered, for a
  fixed time: tickets/s and latency, answered, and printed (until the renderer has done
  the stretch's last print job);
- open loop: requests sent on a fixed schedule (default 100/s) whatever the answers;
  latency counts from the scheduled send time, so a stall is not hidden by the client
  waiting for it.

Before each stretch the server is let go idle (``harness.settle``): the kiosk's print jobs
run in the background after their tickets are answered, and a stretch's backlog would
otherwise fall into the next. How long the server stayed busy after a stretch's last
answer is printed when it is over a second.

    python -m bench.issue_throughput [--concurrency 1,4,16,64] [--seconds 10]
        [--rate 100[,50]] [--open-seconds 20] [--customers 20000] [--no-print]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterator
from typing import Any

from bench import harness as h

WARMUP = 200


class Kiosks:
    """Kiosk connections handed out one request at a time; a new one when all are busy."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.idle: list[h.Http] = []
        self.opened = 0

    def take(self) -> h.Http:
        if self.idle:
            return self.idle.pop()
        self.opened += 1
        return h.Http(self.base, h.KIOSK)

    def give(self, http: h.Http) -> None:
        self.idle.append(http)

    async def close(self) -> None:
        for http in self.idle:
            await http.close()


async def issue_one(http: h.Http, code: str) -> int:
    return int((await http.post("/api/tickets", {"customers": [code]}))["number"])


async def closed_loop(
    kiosks: Kiosks, codes: Iterator[str], concurrency: int, seconds: float
) -> dict[str, Any]:
    lat: list[int] = []
    numbers: list[int] = []
    refused: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        http = kiosks.take()
        try:
            while time.perf_counter() < deadline:
                code = next(codes, None)
                if code is None:
                    return
                t0 = h.now_us()
                try:
                    numbers.append(await issue_one(http, code))
                except h.HttpError as exc:
                    refused[str(exc.code)] = refused.get(str(exc.code), 0) + 1
                    continue
                lat.append(h.now_us() - t0)
        finally:
            kiosks.give(http)

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    return {"lat": lat, "numbers": numbers, "wall": wall, "refused": refused}


async def open_loop(
    kiosks: Kiosks, codes: Iterator[str], rate: float, seconds: float
) -> dict[str, Any]:
    lat: list[int] = []
    numbers: list[int] = []
    refused: dict[str, int] = {}
    late: list[int] = []  # how far behind schedule each request was actually sent
    start = h.now_us() + 100_000
    interval = 1_000_000 / rate
    total = int(rate * seconds)

    async def one(k: int, code: str) -> None:
        due = start + int(k * interval)
        http = kiosks.take()
        try:
            late.append(h.now_us() - due)
            try:
                numbers.append(await issue_one(http, code))
            except h.HttpError as exc:
                refused[str(exc.code)] = refused.get(str(exc.code), 0) + 1
                return
            lat.append(h.now_us() - due)
        finally:
            kiosks.give(http)

    tasks = []
    for k in range(total):
        code = next(codes, None)
        if code is None:
            break
        due = start + int(k * interval)
        wait = (due - h.now_us()) / 1e6
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(k, code)))
    await asyncio.gather(*tasks)
    wall = (h.now_us() - start) / 1e6
    return {"lat": lat, "numbers": numbers, "wall": wall, "refused": refused, "late": late}


def report(title: str, r: dict[str, Any]) -> None:
    rate = len(r["lat"]) / r["wall"]
    extra = f", refused {r['refused']}" if r["refused"] else ""
    print(f"  {title}: {len(r['lat'])} tickets in {r['wall']:.1f} s = {rate:.0f} tickets/s{extra}")
    if r.get("cpu_s"):
        # less sensitive than tickets/s to other work taking the machine's cores
        print(f"      {len(r['lat']) / r['cpu_s']:.0f} tickets per CPU-second of the server")
    if r.get("printed_s"):
        printed = len(r["lat"]) / r["printed_s"]
        print(f"      all printed {r['printed_s']:.1f} s after the first = {printed:.0f} tickets/s")
    if r["lat"]:
        print("  " + h.line("    latency", r["lat"]))
    if r.get("late"):
        print(f"      sent late by: p99 {h.ms(h.pct(r['late'], 99))} ms (client scheduling)")
    if r.get("backlog_s", 0) > 1:
        print(f"      the server stayed busy {r['backlog_s']:.1f} s after the last answer")


async def measure(server: h.Server, args: argparse.Namespace, tag: str = "") -> dict[str, Any]:
    """Warm up, then every closed-loop level and the open loop, on one running server."""
    data = h.demo(args.customers)
    codes = iter([c.code for c in h.payers(data)])
    kiosks = Kiosks(server.base)
    # warm up (connections, caches, the database file): WARMUP tickets, 8 at a time
    await closed_loop(kiosks, iter([next(codes) for _ in range(WARMUP)]), 8, 600)
    results: dict[str, Any] = {"closed": {}, "numbers": [], "open": {}}
    profile = h.Profile(server, f"issue_throughput{tag}")
    for n in args.levels:
        h.settle(server)
        meter = h.CpuMeter(server)
        r = await closed_loop(kiosks, codes, n, args.seconds)
        if not args.no_print:  # the tickets are on paper when the renderer is done
            r["printed_s"] = r["wall"] + h.until_printed(server)
        r["cpu"], r["cpu_s"] = meter.report(), meter.server_s()
        r["backlog_s"] = h.settle(server)
        results["closed"][n] = r
        results["numbers"] += r["numbers"]
    for rate in args.rates:
        h.settle(server)
        meter = h.CpuMeter(server)
        r = await open_loop(kiosks, codes, rate, args.open_seconds)
        r["cpu"], r["cpu_s"] = meter.report(), meter.server_s()
        r["backlog_s"] = h.settle(server)
        results["open"][rate] = r
        results["numbers"] += r["numbers"]
    profile.stop()
    results["connections"] = kiosks.opened
    await kiosks.close()
    return results


def print_results(results: dict[str, Any], args: argparse.Namespace) -> None:
    for n, r in results["closed"].items():
        report(f"closed loop, {n} clients", r)
        print(f"      {r['cpu']}")
    for rate, r in results["open"].items():
        report(f"open loop at {rate:g}/s", r)
        print(f"      {r['cpu']}")
    numbers = results["numbers"]
    dupes = len(numbers) - len(set(numbers))
    print(f"  duplicate ticket numbers among {len(numbers)} answers: {dupes}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--concurrency", default="1,4,16,64", help="closed-loop client counts")
    p.add_argument("--seconds", type=float, default=10, help="per closed-loop level")
    p.add_argument("--rate", default="100", help="open-loop tickets/s, comma-separated ('': none)")
    p.add_argument("--open-seconds", type=float, default=20)
    p.add_argument("--customers", type=int, default=20_000, help="simulator's customers")
    p.add_argument(
        "--no-print",
        action="store_true",
        help="diagnosis only: the kiosk has no printer, so no ticket is rendered",
    )
    return p


def parse(p: argparse.ArgumentParser) -> argparse.Namespace:
    args = p.parse_args()
    args.levels = [int(x) for x in args.concurrency.split(",") if x]
    args.rates = [float(x) for x in args.rate.split(",") if x]
    return args


def main() -> None:
    args = parse(parser())
    h.use_uvloop()
    h.header("issue_throughput")
    edit = h.no_kiosk_printer if args.no_print else None
    with h.Server(customers=args.customers, edit=edit) as server:
        print(f"## embedded default (SQLite, in-process bus and CMIS), {args.customers} customers")
        if args.no_print:
            print("## DIAGNOSIS: the kiosk prints no ticket")
        print_results(asyncio.run(measure(server, args)), args)
    h.footer()


if __name__ == "__main__":
    main()
