"""F4 → CMIS confirmation under a faulty CMIS and server kills: the outbox's latency.

A `qms cmis-sim` of its own (it outlives the server) with faults on every call: answers
lost after the payment took effect, 5xx, hangs past the caller's timeout. Four cashiers
take ``--payments`` payments (one customer in three with several invoices pays in two
F4s, oldest period first: two payments CMIS must take in that order) while the server is
SIGKILLed ``--kills`` times and restarted. Then the faults stay on until every payment
is confirmed. Per payment, F4 → confirmation is ``confirmed_at − created_at`` as the
server recorded them (read from its SQLite file afterwards, so a kill loses nothing).

Checks, printed: every payment of ours is BILLING at CMIS once (0 lost), no invoice paid
twice and no transaction of CMIS's we do not know (0 doubled), each two-F4 customer's
payments booked by CMIS in the order taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import queue
import random
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench import harness as h
from integrations.cmis.simulator.process import SimulatorProcess

FAULTS = {"lose_answer_rate": 0.2, "error_rate": 0.1, "hang_rate": 0.05, "seed": 7}
POINT = "PE0100-HALL1"


class Api:
    """One signed-in person; a call that finds the server down waits for it to be back."""

    def __init__(self, base: str, user: str, counter: str | None) -> None:
        self.base, self.user, self.counter = base, user, counter
        self.http = httpx.Client(base_url=base, timeout=60)
        self._login()

    def _login(self) -> None:
        body = {"username": self.user, "password": h.PASSWORD, "counter": self.counter}
        while True:
            try:
                r = self.http.post("/api/auth/login", json=body)
                r.raise_for_status()
                break
            except httpx.TransportError:
                time.sleep(0.2)  # a load generator polls a restarting server
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        while True:
            try:
                r = self.http.request(method, path, json=body)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            if r.status_code == 401:  # sessions live in the database: rare, but log in
                self._login()
                continue
            return r.status_code, r.json()


def cashier(
    base: str,
    user: str,
    counter: str,
    codes: queue.Queue[str],
    taken: list[str],
    target: int,
    pairs: list[tuple[str, str]],
    errors: list[str],
) -> None:
    reception = Api(base, "reception", "R1")
    clerks = {"even": Api(base, "lookup1", "LE"), "odd": Api(base, "lookup2", "LO")}
    me = Api(base, user, counter)
    me.call("POST", "/api/cash/drawer/open", {"float": 0})
    while len(taken) < target:
        try:
            code = codes.get_nowait()
        except queue.Empty:
            return
        me.call("POST", f"/api/counters/{counter}/finish", {})  # one left by a kill
        status, t = reception.call("POST", "/api/tickets", {"customers": [code]})
        if status >= 500:
            errors.append(f"issue {status} {t}")
        if status >= 300 or t["debts_pending"]:
            continue
        invoices = [i for c in t["customers"] for i in c["invoices"]]
        for inv in invoices:
            path = f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            clerks[inv["lookup"]].call("POST", path)
        me.call("POST", f"/api/counters/{counter}/call", {"number": t["number"]})
        split = len(invoices) > 1 and int(code[-1]) % 3 == 0
        paid: list[str] = []
        for part in [invoices[:1], invoices[1:]] if split else [invoices]:
            body = {
                "invoices": [i["invoice_id"] for i in part],
                "amount": sum(i["total"] for i in part),
            }
            for _ in range(5):  # F4 asks CMIS for fresh debts first: it may not answer
                status, answer = me.call("POST", f"/api/counters/{counter}/collect", body)
                if status >= 500:
                    errors.append(f"collect {status} {answer}")
                if status < 300:
                    paid.append(answer["payments"][0]["txn_id"])
                    taken.append(paid[-1])
                    break
                if answer.get("error", {}).get("code") != "cmis_unavailable":
                    break
        if len(paid) == 2:
            pairs.append((paid[0], paid[1]))


def ours(db: Path) -> list[tuple[str, str, str, str | None, str]]:
    with sqlite3.connect(db) as c:
        return list(
            c.execute("SELECT txn_id, status, created_at, confirmed_at, invoice_ids FROM payment")
        )


def oldest_unconfirmed_s(db: Path) -> float:
    """Age of the oldest payment CMIS has not confirmed yet (0: none)."""
    with sqlite3.connect(db) as c:
        q = "SELECT MIN(created_at) FROM payment WHERE status = 'pending'"
        (raw,) = c.execute(q).fetchone()
    return 0.0 if raw is None else (dt.datetime.now(dt.UTC) - when(raw)).total_seconds()


def when(raw: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(raw)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def run(args: argparse.Namespace) -> None:
    h.header("outbox")
    rng = random.Random(2026)
    data = h.demo(args.customers)
    payers = h.payers(data)
    rng.shuffle(payers)
    sim = SimulatorProcess(Path(tempfile.mkdtemp(prefix="qms-bench-sim-")), args.customers, h.SEED)
    cmis = {"mode": "remote", "v2_url": sim.url, "v1_url": sim.url}
    cmis |= {"timeout_s": args.timeout_s, "retries": 2}
    if args.concurrency:  # 0: leave it out (code from before the setting)
        cmis["post_concurrency"] = args.concurrency
    server = h.Server(customers=args.customers, over={"cmis": cmis}).start()
    faults = {**(FAULTS if args.faults else {}), "latency_ms": args.latency_ms}
    print(
        f"## {args.payments} payments, 4 cashiers, faults {json.dumps(faults)} (hang_ms 30000), "
        f"cmis.timeout_s {args.timeout_s}, post_concurrency {args.concurrency}, "
        f"{args.kills} kill -9 of the server"
    )
    try:
        sim.faults(**faults)
        codes: queue.Queue[str] = queue.Queue()
        for c in payers:
            codes.put(c.code)
        taken: list[str] = []
        pairs: list[tuple[str, str]] = []
        errors: list[str] = []
        db = Path(server.db_url.removeprefix("sqlite:///"))
        t0 = time.monotonic()
        threads = [
            threading.Thread(
                target=cashier,
                args=(server.base, u, c, codes, taken, args.payments, pairs, errors),
                daemon=True,
            )
            for u, c in h.CASHIERS
        ]
        for t in threads:
            t.start()
        kills, oldest = 0, 0.0
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            oldest = max(oldest, oldest_unconfirmed_s(db))
            if kills < args.kills and len(taken) >= args.payments * (kills + 1) / (args.kills + 1):
                assert server.proc is not None
                server.proc.kill()  # as when the power goes
                server.proc.wait()
                kills += 1
                print(f"# kill -9 at {len(taken)} payments, {time.monotonic() - t0:.0f} s")
                while server._lines.get(timeout=30) != "":
                    pass  # the dead one's end of output, before the new one starts
                server.start()
        taken_s = time.monotonic() - t0
        deadline = time.monotonic() + args.drain_s
        while time.monotonic() < deadline:
            if all(row[1] in ("confirmed", "refused") for row in ours(db)):
                break
            time.sleep(0.5)
            oldest = max(oldest, oldest_unconfirmed_s(db))
        drained_s = time.monotonic() - t0
        rows = ours(db)
        sim.faults()
        late = [
            (when(conf) - when(created)).total_seconds() * 1e6
            for _, status, created, conf, _ in rows
            if status == "confirmed" and conf
        ]
        print(
            f"payments: {len(rows)} in {taken_s:.0f} s ({len(pairs)} customers in two F4s); "
            f"all settled {drained_s - taken_s:.1f} s after the last F4; oldest unconfirmed "
            f"payment at most {oldest:.1f} s old (sampled every 0.5 s)"
        )
        print(f"statuses: {dict(Counter(r[1] for r in rows))}")
        print(h.line("F4 → CMIS confirmation", [int(x) for x in late]))
        day = server.day.isoformat()
        listed = httpx.get(
            f"{sim.url}/v2/payments", params={"date": day, "collection_point": POINT}, timeout=30
        ).json()["GIAO_DICH"]
        billed = [g for g in listed if g["TRANG_THAI"] == "BILLING"]
        mine = {r[0] for r in rows if r[1] == "confirmed"}
        theirs = Counter(g["MA_GD"] for g in billed)
        lost = mine - set(theirs)
        unknown = set(theirs) - {r[0] for r in rows}
        twice = [i for i, n in Counter(i for g in billed for i in g["ID_HDON"]).items() if n > 1]
        booked: dict[str, int] = {}
        for n, row in enumerate(sim.journal.read_text(encoding="utf-8").splitlines()):
            entry = json.loads(row)
            if entry.get("op") == "pay":
                booked.setdefault(entry["txn"].split("~", 1)[0], n)
        disorder = [
            (a, b) for a, b in pairs if a in booked and b in booked and booked[a] > booked[b]
        ]
        print(
            f"lost: {len(lost)}; doubled: {len(twice)} invoices paid twice, "
            f"{len(unknown)} CMIS transactions we do not know, "
            f"{sum(n > 1 for n in theirs.values())} listed twice; refused: "
            f"{sum(r[1] == 'refused' for r in rows)}; two-F4 customers booked out of order: "
            f"{len(disorder)}; 5xx answers: {len(errors)}"
        )
    finally:
        server.stop()
        sim.stop()
    h.footer()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=500)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--timeout-s", type=float, default=5.0, help="cmis.timeout_s")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="cmis.post_concurrency (0: not set)"
    )
    parser.add_argument("--drain-s", type=float, default=600)
    parser.add_argument(
        "--no-faults", dest="faults", action="store_false", help="a healthy CMIS, but slow"
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every CMIS call")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
