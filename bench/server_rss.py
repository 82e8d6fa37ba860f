"""Benchmark: the server's resident memory (VmRSS of its process), idle and with clients.

The figures are of the server process and its children summed: the renderer
(``python -m qms.devices.renderer``) starts with the first print job, here the 20 kiosk tickets
issued before the clients connect, so it is in the "clients" and "calls" columns; a second
table gives the server process alone. The embedded default's CMIS simulator
(``python -m qms.process.demo_cmis``, a child of the server standing in for the remote CMIS,
with ``cmis.simulator.customers`` demo customers) is in neither: its own column gives it.

Each: RSS 2 s after the banner, with N display clients connected (permessage-deflate
offered, as browsers do; one row without it: since the server declines deflate, the two
rows should agree), and after 20 calls made to them.

    python -m bench.server_rss [--clients 1000] [--customers 10000]
"""

from __future__ import annotations

import argparse
import asyncio

from bench import display_latency as dl
from bench import harness as h


async def measure(
    server: h.Server, clients: int, customers: int, deflate: bool = True
) -> dict[str, int]:
    await asyncio.sleep(2)
    out = {"idle": server.rss_kib(), "idle_own": server.rss_kib(children=False)}
    out["simulator"] = server.simulator_rss_kib()
    data = h.demo(customers)
    await dl.issue(server, [c.code for c in h.payers(data)[:20]])
    desks = await h.cashiers(server.base)  # a call needs an open drawer
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
        rows.append(("embedded default", asyncio.run(
            measure(server, args.clients, args.customers))))  # fmt: skip
    with h.Server(customers=args.customers) as server:
        rows.append(("embedded default, clients without permessage-deflate", asyncio.run(
            measure(server, args.clients, args.customers, deflate=False))))  # fmt: skip
    head = f"| server process | idle (MiB) | {args.clients} clients (MiB) | after 20 calls (MiB) |"
    print(head + " CMIS simulator, idle (MiB) |")
    print("|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['idle'] / 1024:.1f} | {r['clients'] / 1024:.1f} "
            f"| {r['calls'] / 1024:.1f} | {r['simulator'] / 1024:.1f} |"
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
