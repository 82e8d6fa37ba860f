"""The company view on the central server's shape: PostgreSQL, Redis, two workers. A
payment taken through whichever worker reaches the company sockets of both workers (the
bus carries the hall's doorbell between processes)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from tests.conftest import Customers, HallServer, postgres_database, require_redis
from tests.hallclient import Staff

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    bus_url = require_redis()
    with postgres_database() as url:
        server = HallServer(tmp_path_factory.mktemp("company-workers"), workers=2)
        server.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus_url}))
        with server.running():
            yield server


class Page:
    """A company page's socket: its worker, and its figures of the hall."""

    def __init__(self, hall: HallServer, token: str) -> None:
        self._conn = connect(f"ws://127.0.0.1:{hall.port}/ws/company", open_timeout=10)
        self.ws: ClientConnection = self._conn.__enter__()
        self.ws.send(json.dumps({"type": "auth", "token": token}))
        ready = self.recv()
        self.worker = ready["worker"]
        self.ws.send(json.dumps({"type": "subscribe", "view": "company"}))
        (hall_now,) = self.recv()["data"]["halls"]
        self.net = hall_now["money"]["net"]

    def recv(self, timeout: float = 10) -> dict[str, Any]:
        return dict(json.loads(self.ws.recv(timeout=timeout)))

    def until_net(self, net: int, bound_s: float) -> None:
        deadline = time.monotonic() + bound_s
        while self.net != net:
            left = deadline - time.monotonic()
            assert left > 0, f"worker {self.worker}'s page never showed {net}"
            msg = self.recv(timeout=left)
            if msg["type"] == "company.hall":
                self.net = msg["hall"]["money"]["net"]

    def close(self) -> None:
        self._conn.__exit__(None, None, None)


def test_a_payment_reaches_the_company_pages_on_both_workers(
    hall: HallServer, customers: Customers
) -> None:
    admin = Staff(hall.base, "admin", None)
    people = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
    }
    pages: list[Page] = []
    try:
        for _ in range(40):  # until each worker holds one (bounded)
            pages.append(Page(hall, admin.token))
            if len({p.worker for p in pages}) == 2:
                break
        assert len({p.worker for p in pages}) == 2, "every connection went to one worker"
        before = pages[0].net
        c1 = people["c1"]
        c1.open_drawer()
        t = people["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
        invoices = t["customers"][0]["invoices"]
        for inv in invoices:
            people[inv["lookup"]].post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            )
        c1.act("call", number=t["number"])
        total = sum(i["total"] for i in invoices)
        c1.act("collect", invoices=[i["invoice_id"] for i in invoices], amount=total)
        for page in pages:
            page.until_net(before + total, bound_s=5)
    finally:
        for page in pages:
            page.close()
        for s in (admin, *people.values()):
            s.close()
