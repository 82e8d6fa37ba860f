"""Benchmark: the server's resident memory (VmRSS of its process), idle and with clients.

The figures are of the server process and its children summed: the renderer
(``python -m qms.renderer``) starts with the first print job, here the 20 kiosk tickets
issued before the clients connect, so it is in the "clients" and "calls" columns; a second
table gives the server process alone.

Embedded default first: the CMIS simulator runs inside the server process, so its demo
data (``cmis.simulator.customers``, 10,000 by default) is in that RSS. Then the same with
CMIS remote: the simulator runs as its own `qms cmis-sim` process and the server talks to
it over loopback HTTP, which gives the server's own share. Each: RSS 2 s after the
banner, with N display clients connected (permessage-deflate offered, as browsers do;
one row without it: since the server declines deflate, the two rows should agree), and
after 20 calls made to them.

    python -m bench.server_rss [--clients 1000] [--customers 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from typing import Any

from bench import display_latency as dl
from bench import harness as h


async def measure(
    server: h.Server, clients: int, customers: int, deflate: bool = True
) -> dict[str, int]:
    await asyncio.sleep(2)
    out = {"idle": server.rss_kib(), "idle_own": server.rss_kib(children=False)}
    data = h.demo(customers)
    await dl.issue(server, [c.code for c in h.payers(data)[:20]])
    desks = await h.cashiers(server.base, open_drawers=False)
    conns = await h.open_many(server.ws_url, h.DISPLAY, "display", clients, deflate=deflate)
    displays = dl.Displays(conns)
    await asyncio.sleep(1)
    out["clients"] = server.rss_kib()
    out["clients_own"] = server.rss_kib(children=False)
    for i in range(20):
        counter, http = desks[i % 4]
        displays.expect("ticket.called")
        await http.post(f"/api/counters/{counter}/call-next")
        await displays.wait()
        displays.expect("ticket.no_show")
        await http.post(f"/api/counters/{counter}/no-show")
        await displays.wait()
    out["calls"] = server.rss_kib()
    out["calls_own"] = server.rss_kib(children=False)
    await displays.close()
    for _, http in desks:
        await http.close()
    return out


def standalone_simulator(port: int, customers: int) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "qms", "cmis-sim", "--port", str(port)]
    cmd += ["--customers", str(customers), "--seed", str(h.SEED)]
    proc = subprocess.Popen(cmd, cwd=h.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # bounded start-up poll of a separate process
    proc.kill()
    raise RuntimeError("qms cmis-sim did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=10_000)
    args = parser.parse_args()
    h.raise_open_files(args.clients + 1000)
    h.use_uvloop()
    h.header("server_rss")
    rows: list[tuple[str, dict[str, int]]] = []
    with h.Server(customers=args.customers) as server:
        rows.append(("embedded default (simulator in-process)", asyncio.run(
            measure(server, args.clients, args.customers))))  # fmt: skip
    with h.Server(customers=args.customers) as server:
        rows.append(("embedded default, clients without permessage-deflate", asyncio.run(
            measure(server, args.clients, args.customers, deflate=False))))  # fmt: skip
    port = h.free_port()
    sim = standalone_simulator(port, args.customers)
    try:
        remote: dict[str, Any] = {"mode": "remote", "v2_url": f"http://127.0.0.1:{port}"}
        with h.Server(customers=args.customers, over={"cmis": remote}) as server:
            rows.append(("CMIS remote (simulator in its own process)", asyncio.run(
                measure(server, args.clients, args.customers))))  # fmt: skip
    finally:
        sim.terminate()
        sim.wait(timeout=20)
    print(f"| server process | idle (MiB) | {args.clients} clients (MiB) | after 20 calls (MiB) |")
    print("|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['idle'] / 1024:.1f} | {r['clients'] / 1024:.1f} "
            f"| {r['calls'] / 1024:.1f} |"
        )
    print()
    print("of which the server process alone, without its renderer child (MiB):")
    print(f"| server process | idle | {args.clients} clients | after 20 calls |")
    print("|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['idle_own'] / 1024:.1f} | {r['clients_own'] / 1024:.1f} "
            f"| {r['calls_own'] / 1024:.1f} |"
        )
    h.footer()


if __name__ == "__main__":
    main()
