"""Benchmark: ticket issue with 100,000 past tickets in the database vs an empty one.

Before the server starts, the SQLite database is brought to the current schema (the
migrations, as the server runs them) and filled, in a few big transactions, with past
business days as a hall leaves them: per ticket one customer, two paid invoices, one
confirmed payment, three events (issued, called, collected) with a ticket-sized payload
and three audit entries; per day the ticket counter, four closed drawers and the day's
closure. Then issue throughput is measured exactly as in ``bench.issue_throughput``
(same warm-up, closed-loop levels and open-loop rate) against the filled database and
against an empty one, alternately, ``--rounds`` times each.

    python -m bench.history [--tickets 100000] [--days 200] [--rounds 2]
        [--concurrency 1,16] [--seconds 10] [--rate 50] [--open-seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench import harness as h
from bench import issue_throughput as it

BATCH = 20_000
INVOICE_BASE = 900_000_000  # past invoice ids: far from the simulator's (310,000,001 on)


def prefill(url: str, tickets: int, days: int, customers: int) -> dict[str, int]:
    """Write ``tickets`` tickets spread over the ``days`` days before today."""
    from qms.storage import db
    from qms.storage.models import (
        AuditEntry,
        DayClosure,
        Drawer,
        Event,
        Payment,
        SeqCounter,
        Ticket,
        TicketCustomer,
        TicketInvoice,
        TicketNumber,
    )

    engine = db.make_engine(url)
    db.create_schema(engine)
    data = h.demo(customers)
    people = list(data.customers.values())
    today = h.business_day()
    per_day = -(-tickets // days)
    counts = dict.fromkeys(("ticket", "invoice", "event", "payment", "audit"), 0)
    rows: dict[Any, list[dict[str, Any]]] = {}

    def flush() -> None:
        with engine.begin() as conn:
            for model in (
                Ticket,
                TicketCustomer,
                TicketInvoice,
                Payment,
                Event,
                AuditEntry,
                TicketNumber,
                Drawer,
                DayClosure,
            ):
                if rows.get(model):
                    conn.execute(insert(model), rows[model])
        rows.clear()

    def add(model: Any, row: dict[str, Any]) -> None:
        rows.setdefault(model, []).append(row)

    seq = 0
    n = 0
    for d in range(days, 0, -1):
        day = today - dt.timedelta(days=d)
        opened = dt.datetime.combine(day, dt.time(7, 30), h.TZ).astimezone(dt.UTC)
        in_day = min(per_day, tickets - n)
        if in_day <= 0:
            break
        for k in range(1, in_day + 1):
            n += 1
            c = people[n % len(people)]
            counter = h.CASHIERS[n % 4][1]
            cashier = h.CASHIERS[n % 4][0]
            issued = opened + dt.timedelta(seconds=30 * k)
            called = issued + dt.timedelta(minutes=12)
            done = called + dt.timedelta(minutes=3)
            txn = f"PE0100-{day:%Y%m%d}-{n:012X}"
            add(
                Ticket,
                {
                    "id": n,
                    "branch_id": h.UNIT,
                    "business_day": day,
                    "number": k,
                    "status": "done",
                    "counter_code": counter,
                    "issued_at": issued,
                    "issued_by": "device:kiosk-1",
                    "called_at": called,
                    "finished_at": done,
                    "recalls": 0,
                    "follow_token": secrets.token_urlsafe(12),
                },
            )
            add(
                TicketCustomer,
                {
                    "id": n,
                    "ticket_id": n,
                    "position": 0,
                    "code": c.code,
                    "name": c.name,
                    "address": c.address,
                    "book_code": c.book_code,
                    "supply": c.supply,
                    "debts": "fetched",
                },
            )
            parity = "even" if c.book_is_even else "odd"
            invoices = []
            for j in range(2):
                inv_id = INVOICE_BASE + 2 * n + j
                invoices.append(inv_id)
                add(
                    TicketInvoice,
                    {
                        "id": 2 * n + j,
                        "ticket_id": n,
                        "customer_id": n,
                        "customer_code": c.code,
                        "invoice_id": inv_id,
                        "year": day.year,
                        "month": day.month,
                        "sub_period": 1,
                        "amount": 400_000,
                        "vat": 32_000,
                        "total": 432_000,
                        "series": f"1K{day.year % 100:02d}TPE",
                        "number": f"{inv_id % 9_000_000 + 1_000_000:07d}",
                        "book_code": c.book_code,
                        "parity": parity,
                        "lookup_status": "found",
                        "looked_up_at": issued + dt.timedelta(minutes=4),
                        "looked_up_by": f"user:lookup{1 if parity == 'even' else 2}",
                        "delivered_to": counter,
                        "delivered_at": called,
                        "pay_status": "paid",
                        "payment_txn": txn,
                    },
                )
            add(
                Payment,
                {
                    "txn_id": txn,
                    "branch_id": h.UNIT,
                    "business_day": day,
                    "ticket_id": n,
                    "counter_code": counter,
                    "cashier": cashier,
                    "customer_code": c.code,
                    "invoice_ids": json.dumps(invoices),
                    "total": 864_000,
                    "created_at": done,
                    "status": "confirmed",
                    "receipt_no": f"BL{n:010d}",
                    "attempts": 1,
                    "confirmed_at": done + dt.timedelta(seconds=1),
                },
            )
            state = {
                "id": n,
                "number": k,
                "business_day": day.isoformat(),
                "status": "done",
                "counter": {"code": counter, "name": counter},
                "issued_at": issued.isoformat(),
                "customers": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "address": c.address,
                        "book_code": c.book_code,
                        "invoices": [{"invoice_id": i, "total": 432_000} for i in invoices],
                    }
                ],
                "pad": "x" * 600,  # a real ticket state is about 1 KB of JSON
            }
            for etype, at in (
                ("ticket.issued", issued),
                ("ticket.called", called),
                ("payment.collected", done),
            ):
                seq += 1
                payload = json.dumps({"ticket": state}, ensure_ascii=False)
                add(
                    Event,
                    {"branch_id": h.UNIT, "seq": seq, "type": etype, "at": at, "payload": payload},
                )
            for action, actor, at in (
                ("tickets.issue", "device:kiosk-1", issued),
                ("cashier.call_next", f"user:{cashier}", called),
                ("collect.collect", f"user:{cashier}", done),
            ):
                add(
                    AuditEntry,
                    {
                        "at": at,
                        "branch_id": h.UNIT,
                        "actor": actor,
                        "role": "kiosk" if actor.startswith("device") else "cashier",
                        "via": counter,
                        "action": action,
                        "target": str(k),
                        "outcome": "ok",
                    },
                )
            counts["ticket"] += 1
            counts["invoice"] += 2
            counts["payment"] += 1
            counts["event"] += 3
            counts["audit"] += 3
        add(TicketNumber, {"branch_id": h.UNIT, "business_day": day, "last_number": in_day})
        closed = opened + dt.timedelta(hours=10)
        for username, counter in h.CASHIERS:
            add(
                Drawer,
                {
                    "branch_id": h.UNIT,
                    "business_day": day,
                    "cashier": username,
                    "cashier_name": username,
                    "role": "head_cashier" if username == "head" else "cashier",
                    "counter_code": counter,
                    "float_amount": 0,
                    "opened_at": opened,
                    "status": "closed",
                    "counted": 0,
                    "expected": 0,
                    "difference": 0,
                    "closed_at": closed,
                },
            )
        add(
            DayClosure,
            {
                "branch_id": h.UNIT,
                "business_day": day,
                "closed_at": closed,
                "closed_by": "head",
                "summary": "{}",
            },
        )
        if sum(len(v) for v in rows.values()) >= BATCH * 10:
            flush()
    flush()
    with engine.begin() as conn:
        conn.execute(insert(SeqCounter), [{"branch_id": h.UNIT, "last_seq": seq}])
    engine.dispose()
    return counts


def run(args: argparse.Namespace, filled: bool) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="qms-bench-history-"))
    server = h.Server(customers=args.customers, tmp=tmp)
    info = ""
    if filled:
        t0 = time.perf_counter()
        counts = prefill(server.db_url, args.tickets, args.days, args.customers)
        size = (tmp / "qms.db").stat().st_size / 2**20
        info = (
            f"filled in {time.perf_counter() - t0:.0f} s: {counts['ticket']} tickets, "
            f"{counts['invoice']} invoices, {counts['payment']} payments, "
            f"{counts['event']} events, {counts['audit']} audit entries; {size:.0f} MiB"
        )
    try:
        server.start()
        results = asyncio.run(it.measure(server, args, "-filled" if filled else "-empty"))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    results["info"] = info
    return results


def main() -> None:
    p = it.parser()
    p.set_defaults(concurrency="1,16", rate="50", open_seconds=10)
    p.add_argument("--tickets", type=int, default=100_000)
    p.add_argument("--days", type=int, default=200)
    p.add_argument("--rounds", type=int, default=2, help="empty/filled pairs, alternated")
    args = it.parse(p)
    h.use_uvloop()
    h.header("history")
    rates: dict[str, list[float]] = {"empty": [], "filled": []}
    per_cpu: dict[str, list[float]] = {"empty": [], "filled": []}
    for r in range(args.rounds):
        for filled in (False, True):
            name = "filled" if filled else "empty"
            results = run(args, filled)
            print(f"## round {r + 1}, {name} database {results['info']}")
            it.print_results(results, args)
            top = max(results["closed"])
            closed = results["closed"][top]
            rates[name].append(len(closed["lat"]) / closed["wall"])
            per_cpu[name].append(len(closed["lat"]) / closed["cpu_s"])
    e, f = max(rates["empty"]), max(rates["filled"])
    print(
        f"## best closed-loop rate at {max(args.levels)} clients: empty {e:.0f}/s, "
        f"filled {f:.0f}/s ({(f - e) / e:+.0%})"
    )
    e, f = max(per_cpu["empty"]), max(per_cpu["filled"])
    print(
        f"## best tickets per server CPU-second there: empty {e:.0f}, filled {f:.0f} "
        f"({(f - e) / e:+.0%})"
    )
    h.footer()


if __name__ == "__main__":
    main()
