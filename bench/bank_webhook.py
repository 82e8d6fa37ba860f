"""Benchmark: the bank's webhook under a burst of notifications while the hall works
(issue 27): 1,000 notifications in 10 s, 10 % of them duplicates, against one `qms serve`
(embedded default) whose cashiers call and press F4 meanwhile.

Before the clock: ``--credits`` tickets (900) are issued at reception, each with the QR
printed for its whole debt (``bank.on_ticket``); their references and amounts are read
back through the API. Each notification is a real one: signed with the hall's
``bank.webhook_secret`` (``integrations/bank/signing.py``), paying its ticket's QR exactly;
a duplicate is the same body signed again, sent from 0 to ``--dup-spread`` notifications
after its first copy (some at once, as a bank's copies come; some later, as a bank's
retry does). Notifications go out open-loop, one every ``--burst-s / total`` seconds
whatever the answers, over ``--connections`` keep-alive connections; the answer time is
from the request's first byte to its answer's last.

The hall's work is `bench.field_pull`'s stream: four cashiers (C1-C4) each call a ticket
whose papers are found and press F4, one round every ``--every`` seconds, ``--displays``
hall displays reading every frame; call -> display is until the slowest display has the
call. First ``--idle-s`` seconds of that stream alone (the quiet hall), then the same
stream during the burst.

At the end: every payment applied once (the ``payment`` rows with method ``vietqr``, and
their distinct bank transactions, counted in the database), the webhook's answers by
status, its answer p50/p99, and the hall's F4 and call -> display p99 beside the quiet
hall's.

    python -m bench.bank_webhook [--notifications 1000] [--burst-s 10] [--duplicates 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sqlite3
import time
from collections import Counter
from typing import Any

from bench import harness as h
from bench.field_pull import CallTimes, Stream
from bench.flood import Staff
from integrations.bank import signing

SECRET = "bench-bank-secret-0123456789"
ACCOUNT = "0071000123456"
PATH = "/api/bank/notifications"


class Bank(h.Http):
    """One keep-alive connection of the bank's: raw signed bodies, the answer timed."""

    async def notify(self, body: bytes) -> tuple[int, dict[str, Any] | None, int]:
        """(status, answer, microseconds from first byte out to last byte in)."""
        if self.writer is None:
            await self._connect()
        assert self.reader is not None and self.writer is not None
        head = f"POST {PATH} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        for name, value in signing.headers(SECRET, int(time.time()), body).items():
            head += f"{name}: {value}\r\n"
        head += f"Content-Length: {len(body)}\r\n\r\n"
        t0 = h.now_us()
        self.writer.write(head.encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for row in lines[1:]:
            name, _, value = row.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length) if length else b""
        took = h.now_us() - t0
        return status, (json.loads(payload) if payload else None), took


def with_bank(raw: dict[str, Any]) -> None:
    """The hall takes QR payments with a known secret; no bank simulator (this is it)."""
    raw["bank"].update(enabled=True, on_ticket=True, webhook_secret=SECRET, account=ACCOUNT)
    raw["bank"]["simulator"] = {"enabled": False}
    raw["bank"]["statement_url"] = None


async def qr_tickets(server: h.Server, codes: list[str]) -> list[dict[str, Any]]:
    """A ticket for each customer, issued at reception, and the QR printed on it."""
    reception = await h.sign_in(server.base, "reception", "R1")
    sup = await h.sign_in(server.base, "supervisor", None)
    out = []
    for code in codes:
        t = await reception.post("/api/tickets", {"customers": [code]})
        qr = t.get("qr") or (await sup.get(f"/api/tickets/{t['number']}/qr"))["qr"][0]
        out.append({"number": t["number"], "ref": qr["ref"], "amount": qr["amount"]})
    for http in (reception, sup):
        await http.close()
    return out


def notifications(
    tickets: list[dict[str, Any]], total: int, dup_spread: int, seed: int
) -> list[tuple[str, bytes]]:
    """(transaction id, body) in sending order: every ticket paid once, and ``total -
    len(tickets)`` duplicates, each placed 0..dup_spread after its first copy."""
    rng = random.Random(seed)
    now = dt.datetime.now(h.TZ).replace(microsecond=0).isoformat()
    firsts = []
    for i, t in enumerate(tickets):
        txn = f"FTBENCH{i + 1:06d}"
        body = {
            "transaction_id": txn,
            "account": ACCOUNT,
            "amount": t["amount"],
            "currency": "VND",
            "description": f"{t['ref']} thanh toan tien dien",
            "credited_at": now,
        }
        firsts.append((txn, json.dumps(body).encode()))
    order: list[tuple[float, tuple[str, bytes]]] = [(float(i), n) for i, n in enumerate(firsts)]
    for i in rng.sample(range(len(firsts)), total - len(firsts)):
        order.append((i + rng.uniform(0, dup_spread) + 0.5, firsts[i]))
    order.sort(key=lambda row: row[0])
    return [n for _, n in order]


class Burst:
    """The bank's side: open-loop, one notification every ``gap_s``, a pool of
    connections; answers and their times kept."""

    def __init__(self, base: str, connections: int) -> None:
        self.pool: asyncio.Queue[Bank] = asyncio.Queue()
        for _ in range(connections):
            self.pool.put_nowait(Bank(base))
        self.times: list[int] = []
        self.answers: Counter[str] = Counter()
        self.late_us: list[int] = []  # waited for a free connection
        self.failed: list[str] = []

    async def one(self, txn: str, body: bytes) -> None:
        asked = h.now_us()
        conn = await self.pool.get()
        self.late_us.append(h.now_us() - asked)
        try:
            status, answer, took = await conn.notify(body)
            self.times.append(took)
            if status == 200 and answer is not None:
                self.answers[answer["status"]] += 1
            else:
                self.answers[f"http {status}"] += 1
                self.failed.append(f"{txn}: {status} {answer}")
        except (OSError, asyncio.IncompleteReadError) as exc:
            self.failed.append(f"{txn}: {exc!r}")
            await conn.close()
        finally:
            self.pool.put_nowait(conn)

    async def run(self, sends: list[tuple[str, bytes]], seconds: float) -> float:
        gap = seconds / len(sends)
        t0 = time.perf_counter()
        tasks = []
        for i, (txn, body) in enumerate(sends):
            await asyncio.sleep(max(0.0, t0 + i * gap - time.perf_counter()))
            tasks.append(asyncio.create_task(self.one(txn, body)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - t0

    async def close(self) -> None:
        while not self.pool.empty():
            await self.pool.get_nowait().close()


def applied_in_db(server: h.Server) -> tuple[int, int]:
    """(payment rows paid by VietQR, distinct bank transactions among them)."""
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT count(*), count(DISTINCT bank_txn) FROM payment WHERE method = 'vietqr'"
        ).fetchone()
    return int(row[0]), int(row[1])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    h.raise_open_files(args.displays + args.connections + 1000)
    distinct = round(args.notifications * (1 - args.duplicates))
    need = int(len(h.CASHIERS) / args.every * (args.idle_s + args.burst_s * 2)) + 10
    codes = [c.code for c in h.payers(h.demo(args.customers))]
    if len(codes) < distinct + need:
        raise SystemExit(f"{len(codes)} payers: raise --customers")
    with h.Server(customers=args.customers, edit=with_bank) as server:
        t0 = time.perf_counter()
        staff = Staff()
        stream_tickets = await staff.ready_tickets(server, codes[:need])
        stream_tickets.reverse()  # popped from the end: served in number order
        paid_tickets = await qr_tickets(server, codes[need : need + distinct])
        prep_s = time.perf_counter() - t0
        sends = notifications(paid_tickets, args.notifications, args.dup_spread, args.seed)
        desks = await h.cashiers(server.base)
        conns = await h.open_many(server.ws_url, h.DISPLAY, "display", args.displays)
        displays = CallTimes(conns)
        h.settle(server)  # the tickets' print jobs done

        quiet = Stream(stream_tickets, displays)
        stop = asyncio.Event()
        meter = h.CpuMeter(server)
        hall = asyncio.create_task(quiet.run(desks, args.every, stop))
        await asyncio.sleep(args.idle_s)
        stop.set()
        await hall
        cpu_quiet = meter.report()
        h.settle(server)  # the CMIS postings of the quiet window done

        loaded = Stream(quiet.tickets, displays)
        burst = Burst(server.base, args.connections)
        stop = asyncio.Event()
        meter = h.CpuMeter(server)
        hall = asyncio.create_task(loaded.run(desks, args.every, stop))
        await asyncio.sleep(args.every)  # the stream is under way
        profile = h.Profile(server, "bank_webhook")
        burst_s = await burst.run(sends, args.burst_s)
        profile.stop()
        stop.set()
        await hall
        cpu_loaded = meter.report()
        await burst.close()
        h.settle(server)
        rows, distinct_txns = applied_in_db(server)
        await displays.close()
        for _, http in desks:
            await http.close()
    return {
        "prep_s": prep_s,
        "credits": len(paid_tickets),
        "sent": len(sends),
        "burst": burst,
        "burst_s": burst_s,
        "quiet": quiet,
        "loaded": loaded,
        "cpu_quiet": cpu_quiet,
        "cpu_loaded": cpu_loaded,
        "rows": rows,
        "distinct": distinct_txns,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--burst-s", type=float, default=10.0)
    parser.add_argument("--duplicates", type=float, default=0.1, help="share of the total")
    parser.add_argument("--dup-spread", type=int, default=50, help="most sends between copies")
    parser.add_argument("--connections", type=int, default=32, help="the bank's, at most")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--displays", type=int, default=20)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between a desk's rounds")
    parser.add_argument("--idle-s", type=float, default=10.0, help="the quiet hall's window")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    h.use_uvloop()
    h.header("bank_webhook")
    r = asyncio.run(run(args))
    b: Burst = r["burst"]
    print(f"## {r['credits']} QR tickets and the stream's tickets prepared in {r['prep_s']:.1f} s")
    print(f"  {r['sent']} notifications ({r['sent'] - r['credits']} duplicates) sent in "
          f"{r['burst_s']:.2f} s over at most {args.connections} connections")  # fmt: skip
    print(f"  answers: {dict(sorted(b.answers.items()))}; failed {len(b.failed)} {b.failed[:3]}")
    print(f"  payments by VietQR in the database: {r['rows']} rows, {r['distinct']} distinct "
          f"bank transactions, for {r['credits']} credits")  # fmt: skip
    print(h.line("  webhook answer", b.times))
    print(h.line("  waited for a free bank connection", b.late_us))
    quiet, loaded = r["quiet"], r["loaded"]
    print(h.line("  quiet: call -> slowest display", quiet.calls))
    print(h.line("  quiet: F4 answer", quiet.f4s))
    print(f"  {r['cpu_quiet']}")
    print(h.line("  burst: call -> slowest display", loaded.calls))
    print(h.line("  burst: F4 answer", loaded.f4s))
    print(f"  {r['cpu_loaded']}")
    for label, q, lo in (("call -> display", quiet.calls, loaded.calls),
                         ("F4", quiet.f4s, loaded.f4s)):  # fmt: skip
        print(f"  p99 ratio {label}: {h.pct(lo, 99) / max(1, h.pct(q, 99)):.2f}x")
    print(f"  failed staff requests: {len(quiet.failed)} quiet, {len(loaded.failed)} during "
          f"{loaded.failed[:3]}")  # fmt: skip
    if loaded.ran_out:
        print("# WARNING: the stream's tickets ran out before the burst ended")
    h.footer()


if __name__ == "__main__":
    main()
