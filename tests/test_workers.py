"""`qms serve --workers 2` on PostgreSQL and Redis: the two processes hand out no number
twice, every client sees every event whichever worker holds it, and CMIS gets each
payment once (one worker runs the poster)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import Customers, HallServer, require_redis
from tests.hallclient import Staff
from tests.wsclient import ViewClient, displays_on_two_processes


@pytest.fixture
def two_workers(tmp_path: Path, postgres_url: str) -> Any:
    bus_url = require_redis()
    hall = HallServer(tmp_path, workers=2)
    hall.edit_config(lambda raw: raw.update(database={"url": postgres_url}, bus={"url": bus_url}))
    with hall.running():
        yield hall


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_share_one_hall(two_workers: HallServer, demo: Any) -> None:
    hall = two_workers
    pick = Customers(demo)
    views = displays_on_two_processes(hall.ws_url, "demo-display-1")
    reception = [Staff(hall.base, "reception", "R1") for _ in range(4)]
    codes = [pick.take(invoices=1) for _ in range(40)]

    def issue(i: int) -> tuple[int, int]:
        with httpx.Client(base_url=hall.base, timeout=30) as http:  # a new connection each
            r = http.post(
                "/api/tickets",
                json={"customers": [codes[i]]},
                headers={"authorization": f"Bearer {reception[i % 4].token}"},
            )
            r.raise_for_status()
            worker = http.get("/healthz").json()["worker"]
        return r.json()["number"], worker

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        issued = list(pool.map(issue, range(len(codes))))
    numbers = sorted(n for n, _ in issued)
    assert numbers == list(range(1, len(codes) + 1)), "no number twice, none skipped"

    # F4 for a few tickets; CMIS gets each payment once
    even, odd = Staff(hall.base, "lookup1", "LE"), Staff(hall.base, "lookup2", "LO")
    cashier = Staff(hall.base, "cashier1", "C1")
    cashier.open_drawer()
    paid = []
    for number in numbers[:6]:
        t = cashier.get(f"/api/tickets/{number}")
        inv = t["customers"][0]["invoices"][0]
        (even if inv["lookup"] == "even" else odd).post(
            f"/api/tickets/{number}/invoices/{inv['invoice_id']}/found"
        )
        cashier.act("call", number=number)
        paid += cashier.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])[
            "payments"
        ]

    # every display, on either worker, saw every event in seq order
    last = cashier.get("/api/snapshot?view=display")["seq"]
    for v in views:
        v.until_seq(last, timeout=20)
        called = {t["number"] for t in v.tickets.values() if t["called_at"]}
        assert called >= set(numbers[:6])
        v.close()

    sup = Staff(hall.base, "supervisor", None)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    confirmed = {p["txn_id"] for p in sup.get("/api/payments?status=confirmed")["payments"]}
    while not {p["txn_id"] for p in paid} <= confirmed:
        msg = view.recv(timeout=30)
        if msg.get("event") == "payment.confirmed":
            confirmed.add(msg["data"]["payment"]["txn_id"])
    view.close()
    day = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    ledger = httpx.get(
        f"{hall.cmis_url}/v2/payments",  # the parent process serves the simulator
        params={"date": day, "collection_point": "PE0100-HALL1"},
    ).json()["GIAO_DICH"]
    assert sorted(g["MA_GD"] for g in ledger) == sorted(p["txn_id"] for p in paid)
    for s in (*reception, even, odd, cashier, sup):
        s.close()
