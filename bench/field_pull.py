"""Benchmark: the team leader pulls and auto-assigns the day's disconnection list, ~5,000
customers over 50 books, and what that does to the hall's own work meanwhile (issue 25).

One `qms serve` (embedded default) whose CMIS simulator holds ``20,000 x --cycles``
customers over ``50 x --cycles`` books: each cycle's 50 books list ~5,000 customers today
(docs/cmis-simulator.md, "the big list"). Crews T3..T5 (and their crew accounts) are added
beside the demo's T1 and T2.

The hall's work: four cashiers (C1-C4) each call a ticket whose papers are found, then
press F4, one round every ``--every`` seconds each (a steady stream, paced, so a round
held up does not hide the ones behind it); ``--displays`` hall displays read every frame.
Call -> display is from just before the call until the slowest display has that ticket's
``ticket.called`` frame; F4 is the answer's time. First ``--idle-s`` seconds with no field
work; then the same stream while ``doitruong`` runs ``--cycles`` times: pull 50 new books
(``POST /api/field/rounds/pull``), auto-assign over five crews, read the board
(``GET /api/field``). The window is exactly the cycles' span.

    python -m bench.field_pull [--cycles 3] [--displays 20] [--every 0.5] [--idle-s 30]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
import time
from typing import Any

from bench import harness as h
from bench.display_latency import WAIT_S, Displays
from bench.flood import Staff
from integrations.cmis.simulator.data import DemoData, build_demo_data

PER_CYCLE_CUSTOMERS = 20_000
PER_CYCLE_BOOKS = 50
NOTICE_DAYS = 7  # the simulator's default: who is on the list, who is not
NEW_CREWS = (("T3", "Tổ 3", "crew5", "crew6"), ("T4", "Tổ 4", "crew7", "crew8"),
             ("T5", "Tổ 5", "crew9", "crew10"))  # fmt: skip
CREWS = ["T1", "T2", *(c[0] for c in NEW_CREWS)]


class CallTimes(Displays):
    """Display connections that time each ticket's ``ticket.called`` frame by number, so
    several cashiers can call at once."""

    def __init__(self, conns: list[Any]) -> None:
        self.seen: dict[int, list[int]] = {}
        self.ready: dict[int, asyncio.Event] = {}
        super().__init__(conns)

    def on_text(self, t: int, text: str | bytes) -> None:
        raw = text if isinstance(text, str) else text.decode()
        if '"ticket.called"' not in raw:
            return
        msg = json.loads(raw)
        if msg.get("event") != "ticket.called":
            return
        number = msg["data"]["ticket"]["number"]
        times = self.seen.setdefault(number, [])
        times.append(t)
        if len(times) == self.n:
            self.ready.setdefault(number, asyncio.Event()).set()

    async def slowest(self, number: int) -> int:
        ev = self.ready.setdefault(number, asyncio.Event())
        try:
            await asyncio.wait_for(ev.wait(), WAIT_S)
        except TimeoutError:
            got = len(self.seen.get(number, []))
            raise RuntimeError(f"only {got} of {self.n} displays showed {number}") from None
        self.ready.pop(number, None)
        return max(self.seen.pop(number))


def data_for(cycles: int) -> DemoData:
    """The simulator's data, built as the server builds it today."""
    return build_demo_data(
        unit=h.UNIT,
        customers=PER_CYCLE_CUSTOMERS * cycles,
        seed=h.SEED,
        today=h.business_day(),
        books=PER_CYCLE_BOOKS * cycles,
    )


def hall_payers(data: DemoData) -> list[str]:
    """Customers who owe but are not on today's list: the hall's stream is the same
    work with and without field orders about."""
    since = h.business_day() - dt.timedelta(days=NOTICE_DAYS)
    return [
        c.code
        for c in data.customers.values()
        if c.invoices and all(i.due >= since for i in c.invoices)
    ]


def add_crews(server: h.Server) -> None:
    """Crew accounts for T3..T5, made as a hall makes them (``qms user add``)."""
    for _, _, *members in NEW_CREWS:
        for user in members:
            cmd = [sys.executable, "-m", "qms", "user", "add", user, "--role", "crew"]
            cmd += ["--name", f"Thợ {user}", "--branch", h.UNIT, "--config", str(server.config)]
            subprocess.run(
                cmd, input=h.PASSWORD + "\n", text=True, check=True, capture_output=True,
                cwd=server.tmp,
            )  # fmt: skip


class Stream:
    """The cashiers' paced rounds; a failed request is counted, not retried."""

    def __init__(self, tickets: list[dict[str, Any]], displays: CallTimes) -> None:
        self.tickets = tickets
        self.displays = displays
        self.calls: list[int] = []
        self.f4s: list[int] = []
        self.phase = "idle"  # what the team leader is doing as a round starts
        self.by_phase: dict[str, list[int]] = {}  # the round's slower of call and F4
        self.failed: list[str] = []
        self.ran_out = False

    async def desk(self, counter: str, http: h.Http, every: float, offset: float,
                   stop: asyncio.Event) -> None:  # fmt: skip
        due = time.perf_counter() + offset
        while not stop.is_set():
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            due += every
            if stop.is_set():
                break
            if not self.tickets:
                self.ran_out = True
                break
            t = self.tickets.pop()
            phase = self.phase
            try:
                sent = h.now_us()
                await http.post(f"/api/counters/{counter}/call", {"number": t["number"]})
                self.calls.append(await self.displays.slowest(t["number"]) - sent)
                body = {
                    "invoices": [inv["invoice_id"] for inv in t["invoices"]],
                    "amount": sum(inv["total"] for inv in t["invoices"]),
                }
                sent = h.now_us()
                await http.post(f"/api/counters/{counter}/collect", body)
                self.f4s.append(h.now_us() - sent)
                self.by_phase.setdefault(phase, []).append(max(self.calls[-1], self.f4s[-1]))
            except (h.HttpError, OSError, RuntimeError, asyncio.IncompleteReadError) as exc:
                self.failed.append(f"ticket {t['number']}: {exc}")

    async def run(self, desks: list[tuple[str, h.Http]], every: float, stop: asyncio.Event) -> None:
        await asyncio.gather(
            *(
                self.desk(counter, http, every, every * i / len(desks), stop)
                for i, (counter, http) in enumerate(desks)
            )
        )


async def field_cycles(
    leader: h.Http, books: list[list[str]], stream: Stream
) -> list[dict[str, Any]]:
    """Pull, auto-assign and read the board, once per group of books."""
    out = []
    for group in books:
        stream.phase = "pull"
        t0 = time.perf_counter()
        pulled = await leader.post("/api/field/rounds/pull", {"books": group})
        t1 = time.perf_counter()
        stream.phase = "auto-assign"
        assigned = await leader.post("/api/field/orders/auto-assign", {"crews": CREWS})
        t2 = time.perf_counter()
        stream.phase = "board"
        board = await leader.get("/api/field")
        t3 = time.perf_counter()
        out.append(
            {
                "books": len(group),
                "pull_s": t1 - t0,
                "added": pulled["added"],
                "listed": pulled["listed"],
                "assign_s": t2 - t1,
                "assigned": assigned["assigned"],
                "crews": assigned["crews"],
                "board_s": t3 - t2,
                "board_orders": sum(b["count"] for b in board["books"]),
            }
        )
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    h.raise_open_files(args.displays + 1000)
    data = data_for(args.cycles)
    codes = hall_payers(data)
    books = sorted({c.book_code for c in data.customers.values()})
    groups = [books[i : i + PER_CYCLE_BOOKS] for i in range(0, len(books), PER_CYCLE_BOOKS)]
    need = int(len(h.CASHIERS) / args.every * (args.idle_s + args.loaded_max_s)) + 10

    def big_list(raw: dict[str, Any]) -> None:
        raw["cmis"]["simulator"]["books"] = PER_CYCLE_BOOKS * args.cycles

    with h.Server(customers=PER_CYCLE_CUSTOMERS * args.cycles, edit=big_list) as server:
        add_crews(server)
        leader = await h.sign_in(server.base, "doitruong", None)
        for code, name, *members in NEW_CREWS:
            body = {"code": code, "name": name, "members": members, "active": True}
            await leader.post("/api/field/crews", body)
        staff = Staff()
        t0 = time.perf_counter()
        tickets = await staff.ready_tickets(server, codes[:need])
        prep_s = time.perf_counter() - t0
        prepared = len(tickets)
        tickets.reverse()  # popped from the end: served in number order
        desks = await h.cashiers(server.base)
        conns = await h.open_many(server.ws_url, h.DISPLAY, "display", args.displays)
        displays = CallTimes(conns)
        h.settle(server)  # the tickets' print jobs done

        idle = Stream(tickets, displays)
        stop = asyncio.Event()
        meter = h.CpuMeter(server)
        hall = asyncio.create_task(idle.run(desks, args.every, stop))
        await asyncio.sleep(args.idle_s)
        stop.set()
        await hall
        cpu_idle = meter.report()
        h.settle(server)  # the CMIS postings of the idle window done

        loaded = Stream(idle.tickets, displays)
        stop = asyncio.Event()
        meter = h.CpuMeter(server)
        hall = asyncio.create_task(loaded.run(desks, args.every, stop))
        await asyncio.sleep(args.every)  # the stream is under way
        profile = h.Profile(server, "field_pull")
        t0 = time.perf_counter()
        cycles = await field_cycles(leader, groups, loaded)
        field_s = time.perf_counter() - t0
        profile.stop()
        stop.set()
        await hall
        cpu_loaded = meter.report()
        rss = server.rss_kib(children=False)
        await displays.close()
        for http in (leader, *(d for _, d in desks)):
            await http.close()
    return {
        "prep_s": prep_s,
        "tickets": prepared,
        "idle": idle,
        "loaded": loaded,
        "cycles": cycles,
        "field_s": field_s,
        "cpu_idle": cpu_idle,
        "cpu_loaded": cpu_loaded,
        "rss": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=3, help="groups of 50 books pulled")
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between a desk's rounds")
    parser.add_argument("--idle-s", type=float, default=30.0, help="the window without a pull")
    parser.add_argument(
        "--loaded-max-s", type=float, default=120.0, help="tickets prepared for this long a pull"
    )
    args = parser.parse_args()
    h.use_uvloop()
    h.header("field_pull")
    r = asyncio.run(run(args))
    print(f"## {r['tickets']} tickets prepared in {r['prep_s']:.1f} s; {args.displays} displays; "
          f"4 cashiers, a round each every {args.every:g} s")  # fmt: skip
    for i, c in enumerate(r["cycles"], 1):
        print(
            f"  cycle {i}: pull {c['books']} books {c['pull_s']:.2f} s ({c['listed']} listed, "
            f"{c['added']} added); auto-assign {c['assign_s']:.2f} s ({c['assigned']} over "
            f"{len(c['crews'])} crews: {c['crews']}); board {c['board_s']:.2f} s "
            f"({c['board_orders']} orders)"
        )
    print(f"  field work window {r['field_s']:.1f} s; server VmRSS after {r['rss'] / 1024:.1f} MiB")
    idle, loaded = r["idle"], r["loaded"]
    print(h.line("  idle: call -> slowest display", idle.calls))
    print(h.line("  idle: F4 answer", idle.f4s))
    print(f"  {r['cpu_idle']}")
    print(h.line("  during pulls: call -> slowest display", loaded.calls))
    print(h.line("  during pulls: F4 answer", loaded.f4s))
    print(f"  {r['cpu_loaded']}")
    for phase, worst in sorted(loaded.by_phase.items()):
        print(h.line(f"  rounds started during the {phase}: slower of call and F4", worst))
    for label, q, lo in (("call -> display", idle.calls, loaded.calls),
                         ("F4", idle.f4s, loaded.f4s)):  # fmt: skip
        # a window of ~70 rounds: its p99 is its slowest round; p90 says more of the many
        print(
            f"  p99 ratio {label}: {h.pct(lo, 99) / max(1, h.pct(q, 99)):.2f}x "
            f"(p90 against idle p99: {h.pct(lo, 90) / max(1, h.pct(q, 99)):.2f}x)"
        )
    print(f"  failed staff requests: {len(idle.failed)} idle, {len(loaded.failed)} during "
          f"{loaded.failed[:3]}")  # fmt: skip
    if loaded.ran_out:
        print("# WARNING: the tickets ran out before the field work ended: raise --loaded-max-s")
    h.footer()


if __name__ == "__main__":
    main()
