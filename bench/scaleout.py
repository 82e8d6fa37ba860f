"""Benchmark: the scale-out set-up, PostgreSQL + Redis bus + `qms serve --workers 2`.

A throwaway database on the PostgreSQL at 127.0.0.1:5432 (user postgres, trust) is made
for each server and dropped after; the bus is Redis at 127.0.0.1:6379 (``--redis-db``).
The CMIS simulator runs as a child of the parent process (as ``--workers`` starts it), the two
workers share the listening socket and reach each other's clients through Redis.

Measured as in ``bench.issue_throughput`` (closed loop, open loop), then as in
``bench.display_latency`` (display clients spread over both workers by the kernel, calls
made on whichever worker takes them). Ticket numbers are checked for duplicates twice:
among the answers, and in the database (every ticket of the day, grouped by number).

    python -m bench.scaleout [--workers 2] [--concurrency 1,4,16,64] [--seconds 10]
        [--rate 100] [--open-seconds 20] [--clients 1000] [--calls 100] [--redis-db 9]
        [--client-procs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections.abc import Iterator

from bench import display_latency as dl
from bench import harness as h
from bench import issue_throughput as it

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    import psycopg

    name = f"qms_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def duplicates_in_db(url: str) -> tuple[int, int]:
    """(tickets of today, numbers held by more than one of them)."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5) as conn:
        day = h.business_day()
        total = conn.execute(
            "SELECT count(*) FROM ticket WHERE business_day = %s", (day,)
        ).fetchone()
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT number FROM ticket WHERE business_day = %s "
            "GROUP BY branch_id, number HAVING count(*) > 1) d",
            (day,),
        ).fetchone()
    return int(total[0]), int(dupes[0])


def flush_redis(db: int) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


def options(url: str, args: argparse.Namespace) -> dict[str, object]:
    return {
        "workers": args.workers,
        "over": {
            "database": {"url": url},
            "bus": {"url": f"redis://127.0.0.1:6379/{args.redis_db}"},
        },
    }


def main() -> None:
    p = it.parser()
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--clients", type=int, default=1000, help="display clients (0: skip)")
    p.add_argument("--calls", type=int, default=100)
    p.add_argument("--redis-db", type=int, default=9, help="Redis database number to use")
    p.add_argument(
        "--client-procs", type=int, default=2, help="processes the display clients are spread over"
    )
    args = it.parse(p)
    h.use_uvloop()
    h.header("scaleout")
    h.CpuMeter.helpers = ("PostgreSQL + Redis", h.services_cpu_s)
    print(f"## PostgreSQL + Redis bus (db {args.redis_db}), qms serve --workers {args.workers}")
    flush_redis(args.redis_db)
    with throwaway_database() as url:
        with h.Server(customers=args.customers, **options(url, args)) as server:  # type: ignore[arg-type]
            results = asyncio.run(it.measure(server, args, "-scaleout"))
            rss = server.rss_kib()
        it.print_results(results, args)
        total, dupes = duplicates_in_db(url)
        print(f"  in the database: {total} tickets today, {dupes} numbers held twice")
        print(f"  VmRSS of parent + workers after the run: {rss / 1024:.0f} MiB")
    if args.clients:
        with throwaway_database() as url:
            r = asyncio.run(
                dl.run(
                    args.clients,
                    args.calls,
                    10_000,
                    True,
                    args.client_procs,
                    **options(url, args),  # type: ignore[arg-type]
                )
            )
        print(
            f"## {args.clients} display clients over {args.workers} workers "
            f"(read in {args.client_procs} processes), {args.calls} calls"
        )
        print(h.line("  call -> frame, every client", r["per_client"]))
        print(h.line("  call -> frame, slowest client of each call", r["slowest"]))
        print(h.line("  call HTTP answer", r["answers"]))
        print(f"  {r['cpu']}")
        print(
            f"  VmRSS (parent + workers): idle {r['rss_idle'] / 1024:.0f} MiB, with "
            f"{args.clients} clients {r['rss_clients'] / 1024:.0f} MiB"
        )
    h.footer()


if __name__ == "__main__":
    main()
