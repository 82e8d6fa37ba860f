"""Benchmark: a whole hall day of 5,000 tickets end to end, as fast as the server goes.

The people of the demo hall act concurrently over HTTP, each waiting for their own answer
as a person at a screen does:
- the kiosk (two customers at its two screens at a time) issues tickets of one to three
  customers (75 % one, 20 % two, 5 % three), each customer once in the day;
- the two lookup clerks (even, odd) press F9 for every invoice of their parity, in the
  order the tickets came;
- four cashiers (C1-C4, drawers opened with a float of 0) call the next number, wait
  until every paper of the ticket is found (a clerk's F9 has been answered), then collect
  all of it in one F4, which closes the ticket;
- screens stay connected and read every frame: the displays (view ``display``), both
  lookup views, the four cashier views and the supervisor's.

Wall time runs from the first ticket to the last F4 answer; after it, the time until the
outbox has posted every payment to the (in-process) CMIS is given too, and the server
process's memory (VmRSS, without its children) once idle after start and after the day.

    python -m bench.hall_day [--tickets 5000] [--displays 2] [--timeout 1200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from typing import Any

from bench import harness as h

DISPLAY_TOKENS = ("demo-display-1", "demo-display-2")
CLERKS = {"even": ("lookup1", "LE"), "odd": ("lookup2", "LO")}


class Day:
    def __init__(self, data: Any, tickets: int) -> None:
        self.total = tickets
        self.people = iter(h.payers(data))
        self.rng = random.Random(2026)
        self.issued = 0
        self.done = 0
        self.lookups: dict[str, asyncio.Queue[tuple[int, int]]] = {
            "even": asyncio.Queue(),
            "odd": asyncio.Queue(),
        }
        self.missing: dict[int, int] = {}  # ticket number -> papers not found yet
        self.ready: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.new_ticket = asyncio.Event()
        self.lat: dict[str, list[int]] = defaultdict(list)
        self.invoices = 0
        self.customers = 0
        self.payments = 0

    def customers_for_next(self) -> list[Any]:
        r = self.rng.random()
        k = 1 if r < 0.75 else 2 if r < 0.95 else 3
        return [next(self.people) for _ in range(k)]

    async def timed(self, what: str, http: h.Http, path: str, body: Any = None) -> Any:
        t0 = h.now_us()
        out = await http.post(path, body)
        self.lat[what].append(h.now_us() - t0)
        return out


async def kiosk(day: Day, base: str) -> None:
    http = h.Http(base, h.KIOSK)
    while day.issued < day.total:
        day.issued += 1
        people = day.customers_for_next()
        t = await day.timed("issue", http, "/api/tickets", {"customers": [c.code for c in people]})
        number = t["number"]
        day.customers += len(people)
        papers = [(inv.invoice_id, c.book_is_even) for c in people for inv in c.invoices]
        day.missing[number] = len(papers)
        day.invoices += len(papers)
        for invoice_id, even in papers:
            day.lookups["even" if even else "odd"].put_nowait((number, invoice_id))
        day.new_ticket.set()
    await http.close()


async def lookup(day: Day, base: str, parity: str) -> None:
    http = await h.sign_in(base, *CLERKS[parity])
    http_path = "/api/tickets/{}/invoices/{}/found"
    queue = day.lookups[parity]
    while True:
        number, invoice_id = await queue.get()
        if number < 0:
            break
        await day.timed("F9", http, http_path.format(number, invoice_id))
        day.missing[number] -= 1
        if day.missing[number] == 0:
            day.ready[number].set()
    await http.close()


async def cashier(day: Day, counter: str, http: h.Http) -> None:
    base = f"/api/counters/{counter}"
    while day.done < day.total:
        try:
            t = await day.timed("call", http, f"{base}/call-next")
        except h.HttpError as exc:
            if exc.code != "queue_empty":
                raise
            day.new_ticket.clear()
            try:
                await asyncio.wait_for(day.new_ticket.wait(), 0.5)
            except TimeoutError:
                pass
            continue
        await day.ready[t["number"]].wait()  # the clerk walks the paper over
        invoices = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
        body = {
            "invoices": [i["invoice_id"] for i in invoices],
            "amount": sum(i["total"] for i in invoices),
        }
        out = await day.timed("F4", http, f"{base}/collect", body)
        if out["ticket"]["status"] != "done":
            raise RuntimeError(f"ticket {t['number']} not done after F4: {out['ticket']['status']}")
        day.payments += len(out["payments"])
        day.done += 1


async def screen(ws: Any, counts: dict[str, int], key: str) -> None:
    import websockets

    try:
        async for raw in ws:
            counts[key] += 1
            if '"ticket.called"' in raw:
                counts[key + ":called"] += 1
    except websockets.ConnectionClosed:
        pass


async def run(args: argparse.Namespace) -> None:
    needed = args.tickets * 3
    customers = max(20_000, int(needed / 0.8))
    data = h.demo(customers)
    day = Day(data, args.tickets)
    with h.Server(customers=customers) as server:
        print(f"## embedded default, {customers} simulator customers, {args.displays} displays")
        desks = await h.cashiers(server.base)
        sup = await h.sign_in(server.base, "supervisor", None)
        counts: dict[str, int] = defaultdict(int)
        views: list[tuple[Any, str]] = []
        for i in range(args.displays):
            ws, _ = await h.open_view(server.ws_url, DISPLAY_TOKENS[i % 2], "display")
            views.append((ws, f"display{i}"))
        for parity in ("even", "odd"):
            clerk = await h.sign_in(server.base, *CLERKS[parity])
            ws, _ = await h.open_view(server.ws_url, str(clerk.token), f"lookup-{parity}")
            views.append((ws, f"lookup-{parity}"))
        for counter, http in desks:
            ws, _ = await h.open_view(server.ws_url, str(http.token), f"cashier:{counter}")
            views.append((ws, f"cashier:{counter}"))
        ws, _ = await h.open_view(server.ws_url, str(sup.token), "supervisor")
        views.append((ws, "supervisor"))
        readers = [asyncio.create_task(screen(ws, counts, key)) for ws, key in views]
        h.settle(server)
        rss_start = server.rss_kib(children=False)

        profile = h.Profile(server, "hall_day")
        meter = h.CpuMeter(server)
        t0 = time.perf_counter()
        issuers = [asyncio.create_task(kiosk(day, server.base)) for _ in range(2)]
        clerks = [asyncio.create_task(lookup(day, server.base, p)) for p in ("even", "odd")]
        tills = [asyncio.create_task(cashier(day, c, http)) for c, http in desks]
        try:
            await asyncio.wait_for(asyncio.gather(*issuers, *tills), args.timeout)
        except TimeoutError:
            print(f"  TIMEOUT after {args.timeout} s: {day.issued} issued, {day.done} done")
        wall = time.perf_counter() - t0
        cpu = meter.report()
        lane = (await sup.get("/api/server"))["writer"]
        for q in day.lookups.values():
            q.put_nowait((-1, -1))
        await asyncio.gather(*clerks)

        # the outbox posts each payment to CMIS after its F4; wait until none is pending
        t1 = time.perf_counter()
        pending = -1
        while time.perf_counter() - t1 < args.timeout:
            pending = len((await sup.get("/api/payments?status=pending"))["payments"])
            if pending == 0:
                break
            await asyncio.sleep(0.5)
        confirmed = time.perf_counter() - t0
        profile.stop()
        rss = server.rss_kib()
        h.settle(server)  # the day's print jobs done: what the process keeps, not holds
        rss_own = server.rss_kib(children=False)
        await asyncio.sleep(1)
        for task in readers:
            task.cancel()
        for ws, _ in views:
            await ws.close()
        for _, http in desks:
            await http.close()
        await sup.close()

    print(
        f"  {day.done} tickets done of {day.total} ({day.customers} customers, "
        f"{day.invoices} invoices, {day.payments} payments) in {wall:.1f} s "
        f"= {day.done / wall:.0f} tickets/s"
    )
    print(
        f"  every payment confirmed by CMIS at {confirmed:.1f} s"
        + ("" if pending == 0 else f" (still {pending} pending)")
    )
    print(f"  {cpu}; server VmRSS at the end {rss / 1024:.0f} MiB")
    print(
        f"  server process alone, VmRSS: after start {rss_start / 1024:.1f} MiB, after the day"
        f" {rss_own / 1024:.1f} MiB ({(rss_own - rss_start) / 1024:+.1f})"
    )
    print(
        f"  writer lane since start: {lane['writes']} writes, busy {lane['busy_ms'] / 1000:.1f} s"
        f" ({lane['busy_ms'] / 10 / wall:.0f} % of the day), its thread's CPU in them"
        f" {lane['cpu_ms'] / 1000:.1f} s; queued {lane['waited_ms'] / max(lane['writes'], 1):.1f}"
        f" ms a write on average, {lane['longest_wait_ms']} ms at most"
    )
    requests = sum(len(v) for v in day.lat.values())
    print(f"  {requests} HTTP requests = {requests / wall:.0f}/s")
    for what in ("issue", "F9", "call", "F4"):
        print("  " + h.line(f"{what:>5}", day.lat[what]))
    frames = {k: v for k, v in counts.items() if not k.endswith(":called")}
    called = {k: v for k, v in counts.items() if k.endswith(":called") and k.startswith("display")}
    print(f"  frames read per screen: {frames}")
    print(f"  ticket.called frames per display: {called}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--displays", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1200, help="seconds; the run stops")
    args = parser.parse_args()
    h.use_uvloop()
    h.header("hall_day")
    asyncio.run(run(args))
    h.footer()


if __name__ == "__main__":
    main()
