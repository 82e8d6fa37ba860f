"""Benchmark: CMIS debt-inquiry latency and payment-posting throughput, per adapter.

Runs the simulator on real HTTP loopback, in this process and on the same event loop, so
the figures include both sides' work on one core. Not a test: run it by hand and copy
the table into docs/benchmarks.md.

    python -m bench.cmis_adapters [--inquiries 2000] [--payments 1000] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time
import uuid

from integrations.cmis.base import PaymentRequest
from integrations.cmis.factory import make_client
from integrations.cmis.simulator.app import create_app
from integrations.cmis.simulator.data import build_demo_data
from integrations.cmis.simulator.server import start_simulator

VN = dt.timezone(dt.timedelta(hours=7))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def bench(version: str, args: argparse.Namespace) -> dict[str, float]:
    today = dt.datetime.now(VN).date()
    data = build_demo_data(customers=10_000, today=today)
    sim = await start_simulator(create_app(data), log_level="warning")
    client = make_client(version, sim.url, timeout=5.0, retries=0)
    try:
        codes = [c.code for c in data.select(min_invoices=1)]
        lat: list[float] = []
        for code in codes[: args.inquiries]:
            t0 = time.perf_counter()
            await client.get_debts(code)
            lat.append((time.perf_counter() - t0) * 1000)

        payers = [data.customers[c] for c in codes[args.inquiries : args.inquiries + args.payments]]
        sem = asyncio.Semaphore(args.concurrency)

        async def pay(c: object) -> None:
            invs = c.invoices  # type: ignore[attr-defined]
            req = PaymentRequest(
                txn_id=f"BENCH-{uuid.uuid4().hex[:12]}",
                customer_code=c.code,  # type: ignore[attr-defined]
                invoice_ids=tuple(i.invoice_id for i in invs),
                total=sum(i.total for i in invs),
                collection_point="BENCH",
                cashier="bench",
                at=dt.datetime.now(VN),
            )
            async with sem:
                await client.post_payment(req)

        t0 = time.perf_counter()
        await asyncio.gather(*(pay(c) for c in payers))
        elapsed = time.perf_counter() - t0
        return {
            "p50": statistics.median(lat),
            "p99": pct(lat, 99),
            "rate": len(payers) / elapsed,
        }
    finally:
        await client.aclose()
        await sim.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=2000)
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--versions", default="2.0,1.0")
    args = parser.parse_args()
    print("| adapter | debt inquiry p50 (ms) | p99 (ms) | posting (payments/s) |")
    print("|---|---|---|---|")
    for version in args.versions.split(","):
        r = asyncio.run(bench(version, args))
        print(f"| CMIS {version} | {r['p50']:.2f} | {r['p99']:.2f} | {r['rate']:.0f} |")


if __name__ == "__main__":
    main()
