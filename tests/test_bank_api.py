"""Pay by VietQR through the public API of a real server (docs/noncash.md): the bank's
webhook refuses what it cannot trust in the one error shape, takes a notification sent
many times at once exactly once, and a transfer racing a cashier's F4 on the same
invoices leaves exactly one payment, the other refused or kept for the head cashier."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from typing import Any

import httpx
import pytest
import yaml

from integrations.bank import signing
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Device, Staff, ready_ticket

SCALE_OUT = True  # SQLite + in-process bus, and PostgreSQL + Redis (the races)
_TXN = count(1)


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Any]]:
    p: dict[str, Any] = {
        "kiosk": Device(hall.base, "demo-kiosk-1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "head": Staff(hall.base, "head", "C4"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    p["c1"].open_drawer(0)
    yield p
    for who in p.values():
        who.close()


@pytest.fixture(scope="module")
def bank(hall: HallServer) -> dict[str, str]:
    raw = yaml.safe_load(hall.config.read_text(encoding="utf-8"))["bank"]
    secret = raw["webhook_secret"]
    if isinstance(secret, dict):  # {"$env": ..., "default": ...}
        secret = secret["default"]
    return {"secret": secret, "account": str(raw["account"])}


def note(bank: dict[str, str], ref: str, amount: int) -> dict[str, Any]:
    return {
        "transaction_id": f"FTAPI{next(_TXN):08d}",
        "account": bank["account"],
        "amount": amount,
        "currency": "VND",
        "description": f"{ref} THANH TOAN TIEN DIEN",
        "credited_at": "2026-12-07T10:00:00+07:00",
    }


def send(hall: HallServer, bank: dict[str, str], data: dict[str, Any], **kw: Any) -> httpx.Response:
    raw = json.dumps(data).encode()
    stamp = kw.get("stamp") or int(time.time())  # the server runs on the real clock
    headers = signing.headers(kw.get("secret", bank["secret"]), stamp, raw)
    return httpx.post(f"{hall.base}/api/bank/notifications", content=raw, headers=headers)


def test_the_webhook_refuses_what_it_cannot_trust(
    hall: HallServer, bank: dict[str, str], people: dict[str, Any], customers: Customers
) -> None:
    t = people["kiosk"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    good = note(bank, t["qr"]["ref"], t["qr"]["amount"])
    forged = send(hall, bank, good, secret="someone-else-entirely")
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "bad_signature"
    stale = send(hall, bank, good, stamp=1_600_000_000)
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "stale_notification"
    unsigned = httpx.post(f"{hall.base}/api/bank/notifications", json=good)
    assert unsigned.status_code == 401
    as_text = send(hall, bank, {**good, "amount": "1.234.000"})
    assert as_text.status_code == 400 and as_text.json()["error"]["code"] == "invalid_amount"
    garbage = httpx.post(
        f"{hall.base}/api/bank/notifications",
        content=b"\xff{not json",
        headers=signing.headers(bank["secret"], int(time.time()), b"\xff{not json"),
    )
    assert garbage.status_code == 400 and "error" in garbage.json()
    # none of it touched the ticket; the real one pays it
    assert people["sup"].get(f"/api/tickets/{t['number']}")["status"] == "waiting"
    assert send(hall, bank, good).json()["status"] == "applied"
    assert people["sup"].get(f"/api/tickets/{t['number']}")["status"] == "done"


def test_one_notification_sent_many_times_at_once_is_taken_once(
    hall: HallServer, bank: dict[str, str], people: dict[str, Any], customers: Customers
) -> None:
    code = customers.take(invoices=2)
    t = people["kiosk"].post("/api/tickets", {"customers": [code]})
    data = note(bank, t["qr"]["ref"], t["qr"]["amount"])
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: send(hall, bank, data), range(16)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == ["applied"] + ["repeat"] * 15
    listed = people["head"].get("/api/payments")["payments"]
    paid = [p for p in listed if p["customer_code"] == code]
    assert len(paid) == 1 and paid[0]["method"] == "vietqr"
    assert paid[0]["bank_txn"] == data["transaction_id"]


def _cash(cashier: Staff, inv: dict[str, Any]) -> str:
    try:
        cashier.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    except ApiError as e:
        assert e.status == 409, e.body
        return "refused:" + e.code
    return "paid"


def _transfer(hall: HallServer, bank: dict[str, str], ref: str, amount: int) -> str:
    answer = send(hall, bank, note(bank, ref, amount))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return f"{body['status']}:{body['credit']['reason']}"


def test_a_transfer_racing_f4_leaves_exactly_one_payment(
    hall: HallServer, bank: dict[str, str], people: dict[str, Any], customers: Customers
) -> None:
    for _ in range(4):
        code = customers.take(invoices=1)
        t = ready_ticket(people, code)
        people["c1"].act("call", number=t["number"])
        (inv,) = [i for c in t["customers"] for i in c["invoices"]]
        body = {"invoices": [inv["invoice_id"]], "amount": inv["total"]}
        shown = people["c1"].post("/api/counters/C1/qr", body)
        with ThreadPoolExecutor(2) as pool:
            f4 = pool.submit(_cash, people["c1"], inv)
            credit = pool.submit(_transfer, hall, bank, shown["ref"], inv["total"])
            outcome = {f4.result(), credit.result()}
        assert outcome in (
            {"paid", "exception:already_paid"},
            {"refused:no_current_ticket", "applied:None"},
        ), outcome
        paid = [
            p
            for p in people["head"].get("/api/payments")["payments"]
            if p["customer_code"] == code and p["status"] != "refused"
        ]
        assert len(paid) == 1, paid
