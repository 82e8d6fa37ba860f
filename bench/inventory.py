"""The year-end inventory at scale: three clerks scan ~20,000 paper invoices at once, then
the supervisor compares the count with CMIS and reads the record.

A `qms serve` child whose CMIS simulator spreads ``--customers`` over ``--books`` books
(docs/cmis-simulator.md, "the big list"); the books are taken in order until their unpaid
invoices reach ``--invoices``. Each clerk (lookup1 at LE, lookup2 at LO, the head cashier)
counts a third of the books, scanning every paper but one in fifty (missing) and one in a
hundred twice (double), as fast as the server answers. Printed: each scan's answer
(p50/p99 over the three clerks), the comparison's and the record's wall time, and the
record's totals checked against what was planted.

    python -m bench.inventory [--invoices 20000] [--customers 20000] [--books 50]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from typing import Any

import httpx

from bench import harness as h

CLERKS = (("lookup1", "LE"), ("lookup2", "LO"), ("head", "C4"))


def book_invoices(sim: str, book: str) -> list[dict[str, Any]]:
    r = httpx.get(
        f"{sim}/v2/invoices",
        params={"unit": h.UNIT, "book": book, "status": "unpaid"},
        timeout=60,
    )
    r.raise_for_status()
    return list(r.json()["HOA_DON"])


async def clerk(
    http: h.Http, inventory: int, books: dict[str, list[dict[str, Any]]], lat: list[int]
) -> tuple[int, int]:
    """Scan a clerk's books; returns (papers left out, papers scanned twice)."""
    left = doubles = 0
    for book, invoices in books.items():
        await http.post(f"/api/inventories/{inventory}/books/{book}/take")
        for n, inv in enumerate(invoices):
            if n % 50 == 49:
                left += 1
                continue
            times = 2 if n % 100 == 7 else 1
            doubles += times - 1
            for _ in range(times):
                t0 = h.now_us()
                await http.post(
                    f"/api/inventories/{inventory}/books/{book}/scan",
                    # a key a scan, as the page sends it (a double is two scans, two keys)
                    {"code": f"{inv['KIHIEU_SERY']} {inv['SO_SERY']}", "key": uuid.uuid4().hex},
                )
                lat.append(h.now_us() - t0)
        await http.post(f"/api/inventories/{inventory}/books/{book}/finish")
    return left, doubles


async def run(args: argparse.Namespace) -> None:
    h.header("inventory")

    def spread(raw: dict[str, Any]) -> None:
        raw["cmis"]["simulator"]["books"] = args.books

    with h.Server(customers=args.customers, edit=spread) as server:
        sim = f"http://127.0.0.1:{server.sim_port}"
        chosen: dict[str, list[dict[str, Any]]] = {}
        for n in range(1, args.books + 1):
            book = f"{h.UNIT}A{n:03d}"
            chosen[book] = book_invoices(sim, book)
            if sum(map(len, chosen.values())) >= args.invoices:
                break
        total = sum(map(len, chosen.values()))
        print(f"books {len(chosen)}, unpaid invoices at CMIS {total}")
        sup = await h.sign_in(server.base, "supervisor", None)
        t0 = time.perf_counter()
        opened = await sup.post(
            "/api/inventories",
            {
                "title": "Kiểm kê đo tải",
                "books": list(chosen),
                "committee": [{"name": "Bùi Thị Giám Sát", "role": "Trưởng ban"}],
            },
        )
        inventory = opened["id"]
        # the opening asks CMIS for the books' unpaid invoices once (each scan is checked
        # against them): its time is the supervisor's wait at "Mở phiên"
        print(f"opening: {time.perf_counter() - t0:.2f} s, CMIS's lists kept: "
              f"{opened.get('listed_at') is not None}")  # fmt: skip
        clerks = [await h.sign_in(server.base, u, c) for u, c in CLERKS]
        shares: list[dict[str, list[dict[str, Any]]]] = [{} for _ in clerks]
        for i, (book, invoices) in enumerate(chosen.items()):
            shares[i % len(clerks)][book] = invoices
        lat: list[int] = []
        t0 = time.perf_counter()
        done = await asyncio.gather(
            *(
                clerk(http, inventory, share, lat)
                for http, share in zip(clerks, shares, strict=True)
            )
        )
        scan_s = time.perf_counter() - t0
        left = sum(d[0] for d in done)
        print(f"scans {len(lat)} in {scan_s:.1f} s ({len(lat) / scan_s:.0f}/s, 3 clerks at once)")
        print(h.line("scan answer", lat))
        t0 = time.perf_counter()
        compared = await sup.post(f"/api/inventories/{inventory}/compare")
        compare_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        record = await sup.get(f"/api/inventories/{inventory}/record")
        record_s = time.perf_counter() - t0
        totals = record["totals"]
        print(f"compare: {compared['invoices']} invoices from CMIS in {compare_s:.2f} s")
        print(f"record: {record_s:.2f} s; totals {totals}")
        ok = (
            totals["expected"] == total
            and totals["missing"] == left
            and totals["matched"] == total - left
            and totals["doubles"] == sum(d[1] for d in done)
        )
        print(f"record matches what was planted: {ok}")
        for http in [sup, *clerks]:
            await http.close()
    h.footer()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--invoices", type=int, default=20_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--books", type=int, default=50)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
