"""The month-start peak against a CMIS answering in 300 ms: do confirmations keep pace?

One `qms serve` (embedded default) whose simulator adds ``--latency-ms`` to every CMIS
call. For ``--minutes``: ``--issuers`` people at kiosks each issue a ticket of one to
three customers (75 % one, 20 % two, 5 % three) every ``--issue-every`` seconds; the two
lookup clerks press F9 for every invoice of their parity; eight cashiers (C1-C8; C5-C8
and their staff are added for the run) call the next number, wait for its papers and F4
it all; ``--displays`` display screens read every frame. Then issuing stops and the
cashiers serve whoever waits.

Printed: the oldest unconfirmed payment's age, sampled every second from ``/api/cmis``
(goal: never over 60 s); and how long after the last F4 every payment was confirmed
(goal: within 30 s of the peak's end).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

from bench import hall_day as hd
from bench import harness as h

EXTRA = [("cashier4", "C5"), ("cashier5", "C6"), ("cashier6", "C7"), ("cashier7", "C8")]


def eight_counters(raw: dict[str, Any]) -> None:
    counters = raw["branches"][0]["counters"]
    for _, code in EXTRA:
        counters.append({"code": code, "name": f"Quầy {code[1:]}", "kind": "cashier"})


def add_cashiers(server: h.Server) -> None:
    for user, _ in EXTRA:
        cmd = [sys.executable, "-m", "qms", "user", "add", user, "--role", "cashier"]
        cmd += ["--name", f"Thu ngân {user}", "--branch", "PE0100", "--config", str(server.config)]
        subprocess.run(
            cmd, input=h.PASSWORD + "\n", text=True, check=True, capture_output=True, cwd=server.tmp
        )


class Peak(hd.Day):
    """hall_day's day, with tickets issued at a pace instead of a count."""

    def __init__(self, data: Any) -> None:
        super().__init__(data, tickets=10**9)
        self.issuing = True
        self.last_f4 = 0.0


async def issuer(day: Peak, base: str, every_s: float, until: float, rng: random.Random) -> None:
    http = h.Http(base, h.KIOSK)
    await asyncio.sleep(rng.uniform(0, every_s))  # people arrive spread out
    while time.perf_counter() < until:
        t0 = time.perf_counter()
        day.issued += 1
        people = day.customers_for_next()
        t = await day.timed("issue", http, "/api/tickets", {"customers": [c.code for c in people]})
        papers = [(inv.invoice_id, c.book_is_even) for c in people for inv in c.invoices]
        day.customers += len(people)
        day.missing[t["number"]] = len(papers)
        day.invoices += len(papers)
        for invoice_id, even in papers:
            day.lookups["even" if even else "odd"].put_nowait((t["number"], invoice_id))
        day.new_ticket.set()
        await asyncio.sleep(max(0.0, every_s - (time.perf_counter() - t0)))
    await http.close()


async def cashier(day: Peak, counter: str, http: h.Http) -> None:
    base = f"/api/counters/{counter}"
    while True:
        try:
            t = await day.timed("call", http, f"{base}/call-next")
        except h.HttpError as exc:
            if exc.code != "queue_empty":
                raise
            if not day.issuing:
                return
            day.new_ticket.clear()
            try:
                await asyncio.wait_for(day.new_ticket.wait(), 0.5)
            except TimeoutError:
                pass
            continue
        await day.ready[t["number"]].wait()
        invoices = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
        body = {
            "invoices": [i["invoice_id"] for i in invoices],
            "amount": sum(i["total"] for i in invoices),
        }
        out = await day.timed("F4", http, f"{base}/collect", body)
        day.payments += len(out["payments"])
        day.done += 1
        day.last_f4 = time.perf_counter()


async def run(args: argparse.Namespace) -> None:
    h.header("month_start")
    data = h.demo(20_000)
    day = Peak(data)
    rng = random.Random(2026)

    def edit(raw: dict[str, Any]) -> None:
        eight_counters(raw)
        raw["cmis"]["simulator"]["faults"] = {"latency_ms": args.latency_ms}

    server = h.Server(customers=20_000, edit=edit)
    with server:
        add_cashiers(server)
        print(
            f"## {args.issuers} issuers (a ticket of 1-3 customers every {args.issue_every} s "
            f"each), 2 lookup clerks, 8 cashiers, {args.displays} displays, "
            f"{args.minutes} min; CMIS latency {args.latency_ms} ms"
        )
        desks = []
        for username, counter in [*h.CASHIERS, *EXTRA]:
            http = await h.sign_in(server.base, username, counter)
            await http.post("/api/cash/drawer/open", {"float": 0})
            desks.append((counter, http))
        sup = await h.sign_in(server.base, "supervisor", None)
        counts: defaultdict[str, int] = defaultdict(int)
        views = []
        for i in range(args.displays):
            ws, _ = await h.open_view(server.ws_url, hd.DISPLAY_TOKENS[i % 2], "display")
            views.append(ws)
        readers = [
            asyncio.create_task(hd.screen(ws, counts, f"display{i}")) for i, ws in enumerate(views)
        ]
        t0 = time.perf_counter()
        until = t0 + args.minutes * 60
        issuers = [
            asyncio.create_task(issuer(day, server.base, args.issue_every, until, rng))
            for _ in range(args.issuers)
        ]
        clerks = [asyncio.create_task(hd.lookup(day, server.base, p)) for p in ("even", "odd")]
        tills = [asyncio.create_task(cashier(day, c, http)) for c, http in desks]
        oldest, waiting_max = 0, 0
        while not all(t.done() for t in issuers):
            await asyncio.sleep(1)
            status = await sup.get("/api/cmis")
            ages = [p["age_s"] for p in status["unconfirmed"]]
            oldest = max([oldest, *ages])
            waiting_max = max(waiting_max, day.issued - day.done)
        day.issuing = False
        day.new_ticket.set()
        peak_end = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*tills), 600)
        for q in day.lookups.values():
            q.put_nowait((-1, -1))
        await asyncio.gather(*clerks)
        while True:
            status = await sup.get("/api/cmis")
            ages = [p["age_s"] for p in status["unconfirmed"]]
            oldest = max([oldest, *ages])
            if not ages or time.perf_counter() - day.last_f4 > 300:
                break
            await asyncio.sleep(0.5)
        confirmed = time.perf_counter()
        over = max(peak_end, day.last_f4)  # the peak ends with issuing, or its last F4
        for task in readers:
            task.cancel()
        for ws in views:
            await ws.close()
        for _, http in desks:
            await http.close()
        await sup.close()
    print(
        f"  {day.done} tickets ({day.customers} customers, {day.invoices} invoices, "
        f"{day.payments} payments) in {peak_end - t0:.0f} s of issuing; the last F4 "
        f"{day.last_f4 - peak_end:+.1f} s from issuing's end; at most {waiting_max} "
        "tickets issued and not yet done"
    )
    print(
        f"  oldest unconfirmed payment at most {oldest} s old (sampled each second); every "
        f"payment confirmed {max(0.0, confirmed - over):.1f} s after the peak's end (the "
        "later of issuing's end and the last F4; 0.5 s sampling)"
        + ("" if not ages else f" (still {len(ages)} unconfirmed)")
    )
    for what in ("issue", "F9", "call", "F4"):
        if day.lat[what]:
            print("  " + h.line(f"{what:>5}", day.lat[what]))
    called = [counts[f"display{i}:called"] for i in range(args.displays)]
    frames = [counts[f"display{i}"] for i in range(args.displays)]
    print(
        f"  per display: frames read min {min(frames, default=0)}, max {max(frames, default=0)}; "
        f"ticket.called frames min {min(called, default=0)} (calls {day.done})"
    )
    h.footer()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuers", type=int, default=20)
    parser.add_argument("--issue-every", type=float, default=10.0, help="seconds, per issuer")
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--latency-ms", type=int, default=300)
    h.use_uvloop()
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
