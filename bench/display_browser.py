"""Benchmark: call -> number visible in a real Chromium hall display page.

Debian's chromium (headless, driven by Playwright) opens ``/displays/?token=demo-display-1``
on a running `qms serve` (embedded default). The call itself is made from inside that page
with ``fetch`` and the cashier's session token, so every timestamp is the page's own
``performance.now()``: no clock is compared across processes. A MutationObserver on the
counter tiles records when ``#counter-C1`` first shows each number (the DOM has it), and
a ``requestAnimationFrame`` queued from there records the next frame (the number painted).
Per call:
- answer -> DOM: from the call's HTTP answer (fetch resolved) to the number in the DOM;
  negative when the websocket frame came before the HTTP answer;
- send -> DOM: from just before ``fetch`` to the number in the DOM;
- send -> frame: to the first animation frame after it.
Between calls the ticket is marked no-show (over HTTP from here) and the page is waited
on until the counter shows "—" again.

    python -m bench.display_browser [--calls 50]
"""

from __future__ import annotations

import argparse
import shutil
from typing import Any

import httpx

from bench import harness as h

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OBSERVE = """() => {
  window.__dom = {}; window.__frame = {};
  const seen = () => {
    const el = document.getElementById("counter-C1");
    const n = el ? Number(el.textContent) : NaN;
    if (!Number.isInteger(n) || n <= 0 || window.__dom[n] !== undefined) return;
    window.__dom[n] = performance.now();
    requestAnimationFrame(() => { window.__frame[n] = performance.now(); });
  };
  new MutationObserver(seen).observe(document.getElementById("counters"),
    {childList: true, subtree: true, characterData: true});
}"""
CALL = """async (token) => {
  const t0 = performance.now();
  const r = await fetch("/api/counters/C1/call-next", {method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body: "{}"});
  const t1 = performance.now();
  const body = await r.json();
  return {t0, t1, status: r.status, number: body.number};
}"""


def run(calls: int, customers: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    data = h.demo(customers)
    with h.Server(customers=customers) as server, httpx.Client(base_url=server.base) as http:
        for c in h.payers(data)[:calls]:
            r = http.post(
                "/api/tickets",
                json={"customers": [c.code]},
                headers={"Authorization": f"Bearer {h.KIOSK}"},
            )
            r.raise_for_status()
        login = {"username": "cashier1", "password": h.PASSWORD, "counter": "C1"}
        token = http.post("/api/auth/login", json=login).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        # nobody is called to a counter without an open drawer
        http.post("/api/cash/drawer/open", json={"float": 0}, headers=auth).raise_for_status()
        answer_dom: list[int] = []
        send_dom: list[int] = []
        send_frame: list[int] = []
        http_ms: list[int] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{server.base}/displays/?token={h.DISPLAY}")
            page.wait_for_selector("body[data-state=online]")
            page.wait_for_selector("#counter-C1")
            page.evaluate(OBSERVE)
            meter = h.CpuMeter(server, ("browser", lambda: h.helpers_cpu_s(server)))
            for _ in range(calls):
                out = page.evaluate(CALL, token)
                if out["status"] != 200:
                    raise RuntimeError(f"call-next answered {out}")
                n = out["number"]
                page.wait_for_function("n => window.__frame[n] !== undefined", arg=n)
                dom = page.evaluate("n => window.__dom[n]", n)
                frame = page.evaluate("n => window.__frame[n]", n)
                answer_dom.append(round((dom - out["t1"]) * 1000))
                send_dom.append(round((dom - out["t0"]) * 1000))
                send_frame.append(round((frame - out["t0"]) * 1000))
                http_ms.append(round((out["t1"] - out["t0"]) * 1000))
                http.post("/api/counters/C1/no-show", json={}, headers=auth).raise_for_status()
                page.wait_for_function(
                    "() => document.getElementById('counter-C1').textContent === '—'"
                )
            cpu = meter.report()
            browser.close()
    return {
        "answer_dom": answer_dom,
        "send_dom": send_dom,
        "send_frame": send_frame,
        "http": http_ms,
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--customers", type=int, default=10_000)
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    h.header("display_browser")
    r = run(args.calls, args.customers)
    print(f"## one Chromium display page, {args.calls} calls from C1")
    print(h.line("  answer -> DOM", r["answer_dom"]))
    print(f"    (min {h.ms(min(r['answer_dom']))} ms; negative: the frame beat the HTTP answer)")
    print(h.line("  send -> DOM", r["send_dom"]))
    print(h.line("  send -> next frame", r["send_frame"]))
    print(h.line("  call HTTP answer (fetch)", r["http"]))
    print(f"  {r['cpu']}")
    h.footer()


if __name__ == "__main__":
    main()
