"""Twenty cashier counters racing on the same tickets: calling the same numbers at once,
collecting, paying part, transferring to each other. No invoice is ever collected twice,
and CMIS holds exactly our payments."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from qms.storage import db
from qms.usecases.auth import create_user
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff

COUNTERS = [f"C{n}" for n in range(1, 21)]
#: one cashier per counter (a counter belongs to its cashier, who collects into the drawer
#: opened there): the demo's four, and sixteen accounts the test adds
CASHIERS = ["cashier1", "cashier2", "cashier3", "head"] + [f"thungan{n}" for n in range(5, 21)]
TICKETS = 40
EXPECTED = {
    "ticket_busy",
    "ticket_done",
    "parked_elsewhere",
    "counter_busy",
    "no_current_ticket",
    "already_paid",
    "period_order",
    "amount_mismatch",
    "same_counter",
}


@pytest.fixture
def race_hall(tmp_path: Path) -> Any:
    def twenty_tills(raw: dict[str, Any]) -> None:
        branch = raw["branches"][0]
        branch["counters"] = [c for c in branch["counters"] if c["kind"] != "cashier"] + [
            {"code": code, "name": f"Quầy {code[1:]}", "kind": "cashier"} for code in COUNTERS
        ]

    with HallServer(tmp_path).edit_config(twenty_tills).running() as hall:
        url = yaml.safe_load(hall.config.read_text(encoding="utf-8"))["database"]["url"]
        engine = db.make_engine(url)
        for name in CASHIERS[4:]:
            create_user(engine, name, f"Thu ngân {name[7:]}", "cashier", "PE0100", "demo123")
        engine.dispose()
        yield hall


@pytest.mark.slow
def test_twenty_cashiers_never_collect_an_invoice_twice(race_hall: HallServer, demo: Any) -> None:
    hall = race_hall
    pick = Customers(demo)
    reception = Staff(hall.base, "reception", "R1")
    clerks = {"even": Staff(hall.base, "lookup1", "LE"), "odd": Staff(hall.base, "lookup2", "LO")}
    # twenty cashiers, each at a counter of their own with their drawer opened there
    desks = [Staff(hall.base, name, code) for name, code in zip(CASHIERS, COUNTERS, strict=True)]
    for d in desks:
        d.open_drawer()
    numbers = []
    for _ in range(TICKETS):
        t = reception.post("/api/tickets", {"customers": [pick.take(min_invoices=2)]})
        for inv in (i for c in t["customers"] for i in c["invoices"]):
            clerks[inv["lookup"]].post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            )
        numbers.append(t["number"])

    surprises: list[str] = []
    start = threading.Barrier(len(desks))

    def work(n: int, desk: Staff) -> None:
        rng = random.Random(n)
        order = numbers[:]
        rng.shuffle(order)
        start.wait(timeout=30)
        for number in order * 2:
            try:
                t = desk.act("call", number=number)
                open_ = [
                    i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"
                ]
                if open_ and rng.random() < 0.2:
                    desk.act("transfer", to=rng.choice(COUNTERS))
                    continue
                take = open_[: rng.randint(1, len(open_))] if open_ else []
                if take:
                    desk.act(
                        "collect",
                        invoices=[i["invoice_id"] for i in take],
                        amount=sum(i["total"] for i in take),
                    )
                if desk.get(f"/api/tickets/{number}")["status"] == "serving":
                    desk.act("park")
            except ApiError as exc:
                if exc.code == "counter_busy":  # a ticket transferred here: set it aside
                    try:
                        desk.act("park")
                    except ApiError as again:
                        if again.code != "no_current_ticket":
                            surprises.append(f"{desk.counter}: park {again.code}")
                elif exc.code not in EXPECTED:
                    surprises.append(f"{desk.counter} {number}: {exc.status} {exc.code}")
                if exc.status >= 500:
                    surprises.append(f"{desk.counter} {number}: {exc.body}")

    threads = [threading.Thread(target=work, args=(n, d)) for n, d in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads)
    assert surprises == []

    sup = Staff(hall.base, "supervisor", None)
    payments = sup.get("/api/payments")["payments"]
    assert payments, "the race collected something"
    collected = Counter(i for p in payments for i in p["invoice_ids"])
    assert [i for i, n in collected.items() if n > 1] == [], "an invoice collected twice"
    paid_here = {
        i["invoice_id"]: i["total"]
        for n in numbers
        for c in sup.get(f"/api/tickets/{n}")["customers"]
        for i in c["invoices"]
        if i["pay_status"] == "paid"
    }
    assert set(paid_here) == set(collected)
    assert sum(p["total"] for p in payments) == sum(paid_here.values())
    for s in (reception, *clerks.values(), *desks, sup):
        s.close()
