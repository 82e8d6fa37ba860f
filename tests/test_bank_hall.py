"""A hall with its bank: `qms serve` starts the bank simulator (bank.simulator.enabled), a
customer pays the QR printed on the ticket while waiting, and the bank misbehaves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from integrations.cmis.simulator.data import DemoData
from tests.conftest import Customers, HallServer, free_port
from tests.hallclient import Device, Staff
from tests.wsclient import ViewClient


@pytest.fixture(scope="module")
def bank_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallServer, str]]:
    """A hall whose bank is its simulator child, retrying quickly."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def with_bank(raw: dict[str, Any]) -> None:
        raw["bank"].update(enabled=True, statement_url=url)
        raw["bank"]["simulator"].update(
            enabled=True, port=port, retry={"first_s": 0.05, "max_s": 0.5}
        )

    server = HallServer(tmp_path_factory.mktemp("bankhall")).edit_config(with_bank)
    with server.running():
        yield server, url


@pytest.fixture(scope="module")
def people(bank_hall: tuple[HallServer, str]) -> Iterator[dict[str, Staff]]:
    hall, _ = bank_hall
    p = {
        "kiosk": Device(hall.base, "demo-kiosk-1"),
        "head": Staff(hall.base, "head", "C4"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    yield p
    for s in p.values():
        s.close()


@pytest.fixture(scope="module")
def customers(demo: DemoData, bank_hall: tuple[HallServer, str]) -> Customers:
    return Customers(demo)


@pytest.fixture
def bank(bank_hall: tuple[HallServer, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=bank_hall[1], timeout=30) as client:
        client.post("/admin/reset").raise_for_status()
        yield client


def issued(people: dict[str, Staff], code: str) -> dict[str, Any]:
    """A ticket from the kiosk, with the QR printed on it for its whole debt."""
    number = people["kiosk"].post("/api/tickets", {"customers": [code]})["number"]
    t = people["sup"].get(f"/api/tickets/{number}")
    (qr,) = people["sup"].get(f"/api/tickets/{number}/qr")["qr"]
    assert qr["source"] == "ticket" and qr["status"] == "open", qr
    return {**t, "qr": qr}


def paid_by_qr(view: ViewClient, numbers: set[int]) -> dict[int, dict[str, Any]]:
    """Until each of these tickets' QR payments is collected and confirmed by CMIS."""
    collected: dict[int, dict[str, Any]] = {}
    txns: dict[str, int] = {}
    confirmed: set[str] = set()
    while set(collected) != numbers or set(txns) - confirmed:
        msg = view.recv(timeout=30)
        view.apply(msg)
        event, data = msg.get("event"), msg.get("data", {})
        if event == "payment.collected" and data["ticket"]["number"] in numbers:
            assert data["method"] == "vietqr"
            collected[data["ticket"]["number"]] = data
            for p in data["payments"]:
                txns[p["txn_id"]] = data["ticket"]["number"]
        elif event == "payment.confirmed":
            confirmed.add(data["payment"]["txn_id"])
    return collected


def cmis_payments(hall: HallServer) -> list[dict[str, Any]]:
    lines = (hall.tmp / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e.get("op") == "pay"]


def test_the_banner_names_the_bank(bank_hall: tuple[HallServer, str]) -> None:
    hall, url = bank_hall
    assert any(f"bank simulator: {url}" in line for line in hall.log)
    assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}


def test_a_ticket_paid_by_qr_while_waiting_despite_duplicates_and_out_of_order(
    bank_hall: tuple[HallServer, str],
    people: dict[str, Staff],
    customers: Customers,
    bank: httpx.Client,
) -> None:
    hall, _ = bank_hall
    view = ViewClient(hall.ws_url, people["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    try:
        first = issued(people, customers.take(invoices=2))
        second = issued(people, customers.take(invoices=1))
        # the first is held until the second was sent, then sent three times at once
        faults = {"out_of_order": {"next": 1}, "duplicate": {"next": 1}, "copies": 3}
        bank.post("/admin/faults", json=faults).raise_for_status()
        txn = {}
        for t in (first, second):
            r = bank.post("/pay", json={"payload": t["qr"]["payload"]})
            assert r.status_code == 201, r.text
            txn[t["number"]] = r.json()["transaction_id"]
        collected = paid_by_qr(view, {first["number"], second["number"]})
    finally:
        view.close()
    sent = bank.get("/admin/transactions", params={"wait_s": 20}).json()["transactions"]
    notices = {t["transaction_id"]: t["notification"] for t in sent}
    first_attempts = notices[txn[first["number"]]]["attempts"]
    second_attempts = notices[txn[second["number"]]]["attempts"]
    # out of order: the second was answered before the first was even sent
    assert second_attempts[0]["at"] <= min(a["at"] for a in first_attempts)
    answers = sorted(json.loads(a["answer"])["status"] for a in first_attempts)
    assert answers == ["applied", "repeat", "repeat"]

    for t in (first, second):
        shown = people["sup"].get(f"/api/tickets/{t['number']}")
        assert shown["status"] == "done", shown
        invoices = [i for c in shown["customers"] for i in c["invoices"]]
        assert all(i["pay_status"] == "paid" for i in invoices), invoices
        assert collected[t["number"]]["bank_txn"] == txn[t["number"]]
    # CMIS took each invoice once, in one payment per ticket
    paid_invoices = [int(i) for e in cmis_payments(hall) for i in e["order"]["invoice_ids"]]
    for t in (first, second):
        for c in t["customers"]:
            for i in c["invoices"]:
                assert paid_invoices.count(int(i["invoice_id"])) == 1, i


def test_a_lost_notification_is_an_unmatched_line_once_the_statement_is_in(
    bank_hall: tuple[HallServer, str],
    people: dict[str, Staff],
    customers: Customers,
    bank: httpx.Client,
) -> None:
    t = issued(people, customers.take(invoices=1))
    bank.post("/admin/faults", json={"lose": {"next": 1}}).raise_for_status()
    r = bank.post("/pay", json={"payload": t["qr"]["payload"]})
    lost = r.json()["transaction_id"]
    sent = bank.get("/admin/transactions", params={"wait_s": 10}).json()["transactions"]
    assert [x["notification"]["state"] for x in sent] == ["lost"]
    assert people["sup"].get(f"/api/tickets/{t['number']}")["status"] != "done"

    people["head"].post("/api/bank/statements/fetch")
    day = people["head"].get("/api/bank/day")
    line = next(x for x in day["statement"] if x["bank_txn"] == lost)
    assert line["status"] == "unmatched"
    assert line["amount"] == t["qr"]["amount"]
    assert any(b["code"] == "statement_unmatched" for b in day["blockers"]), day["blockers"]
