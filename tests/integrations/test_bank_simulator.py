"""The bank simulator alone, on loopback, against a tiny hall receiver that checks the
signature as the hall does and answers what a test scripts."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.bank import signing
from integrations.bank.simulator.app import BankConfig, create_app
from integrations.bank.simulator.ledger import STATEMENT_HEADER, VN
from integrations.bank.simulator.sender import Retry, Sender
from integrations.cmis.simulator.server import RunningSimulator, start_simulator
from qms.domain import vietqr
from tests.conftest import LoopThread

SECRET = "test-bank-secret"
ACCOUNT = "0071000123456"
BIN = "970436"
TRIES = 4


@dataclass
class Received:
    at: float
    body: dict[str, Any]
    signed: bool
    status: int


@dataclass
class Receiver:
    """The hall's side, reduced to what the bank sees: 401 for a bad signature, 200
    applied the first time a transaction id comes and repeat after; ``script`` lists the
    statuses to answer first, per reference (the description's first word)."""

    got: list[Received] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)
    cond: threading.Condition = field(default_factory=threading.Condition)

    async def notify(self, request: Request) -> Response:
        raw = await request.body()
        ts = request.headers.get(signing.TIMESTAMP, "0")
        signed = signing.valid(SECRET, int(ts), raw, request.headers.get(signing.SIGNATURE, ""))
        body = json.loads(raw)
        txn = body["transaction_id"]
        planned = self.script.get(body["description"].split()[0])
        if planned:
            status = planned.pop(0)
        elif not signed:
            status = 401
        else:
            status = 200
        seen = any(r.body["transaction_id"] == txn and r.status == 200 for r in self.got)
        with self.cond:
            self.got.append(Received(time.monotonic(), body, signed, status))
            self.cond.notify_all()
        if status == 200:
            return JSONResponse({"status": "repeat" if seen else "applied"})
        return JSONResponse({"error": {"code": str(status), "message": "scripted"}}, status)

    def of(self, txn: str) -> list[Received]:
        return [r for r in self.got if r.body["transaction_id"] == txn]

    def wait(self, n: int, bound_s: float = 5.0) -> list[Received]:
        """Until ``n`` notifications came in (bounded)."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.got) >= n, bound_s), self.got
            return list(self.got)


@dataclass
class Bank:
    url: str
    http: httpx.Client
    receiver: Receiver
    app: Starlette
    loop: LoopThread

    @property
    def sender(self) -> Sender:
        return self.app.state.sender  # type: ignore[no-any-return]

    def faults(self, **settings: Any) -> None:
        self.http.post("/admin/faults", json=settings).raise_for_status()

    def pay_qr(self, amount: int, reference: str, **extra: Any) -> str:
        qr = vietqr.payload(BIN, ACCOUNT, amount, reference)
        r = self.http.post("/pay", json={"payload": qr, **extra})
        assert r.status_code == 201, r.text
        return str(r.json()["transaction_id"])

    def settled(self, bound_s: float = 5.0) -> dict[str, dict[str, Any]]:
        """Every notification has its outcome; the transactions by id."""
        self.loop.run(self.sender.wait_idle(bound_s), bound_s + 1)
        rows = self.http.get("/admin/transactions").json()["transactions"]
        return {t["transaction_id"]: t for t in rows}


@pytest.fixture(scope="module")
def _bank() -> Iterator[Bank]:
    loop = LoopThread()
    receiver = Receiver()
    hall = Starlette(routes=[Route("/api/bank/notifications", receiver.notify, methods=["POST"])])
    hall_server: RunningSimulator = loop.run(start_simulator(hall))
    config = BankConfig(hall_server.url, SECRET, ACCOUNT, BIN)
    app = create_app(config, retry=Retry(tries=TRIES, first_s=0.02, max_s=0.1, timeout_s=5))
    server: RunningSimulator = loop.run(start_simulator(app))
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield Bank(server.url, http, receiver, app, loop)
    loop.run(server.stop())
    loop.run(hall_server.stop())
    loop.close()


@pytest.fixture
def bank(_bank: Bank) -> Iterator[Bank]:
    _bank.http.post("/admin/reset").raise_for_status()
    _bank.receiver.got.clear()
    _bank.receiver.script.clear()
    yield _bank


def test_a_scanned_qr_pays_exactly_its_amount_and_reference_signed(bank: Bank) -> None:
    txn = bank.pay_qr(1_234_000, "QMSAB12CD34")
    (got,) = bank.receiver.wait(1)
    assert got.signed and got.status == 200
    assert got.body["transaction_id"] == txn
    assert got.body["account"] == ACCOUNT
    assert got.body["amount"] == 1_234_000 and isinstance(got.body["amount"], int)
    assert got.body["currency"] == "VND"
    assert "QMSAB12CD34" in got.body["description"]
    credited = dt.datetime.fromisoformat(got.body["credited_at"])
    assert credited.utcoffset() == dt.timedelta(hours=7)
    t = bank.settled()[txn]
    assert t["notification"]["state"] == "delivered"
    assert len(t["notification"]["attempts"]) == 1


def test_a_qr_with_a_bad_crc_or_another_account_is_refused_and_nothing_booked(
    bank: Bank,
) -> None:
    good = vietqr.payload(BIN, ACCOUNT, 50_000, "QMSBADCRC01")
    broken = good[:-4] + ("0000" if good[-4:] != "0000" else "1111")
    r = bank.http.post("/pay", json={"payload": broken})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_qr"
    other = vietqr.payload(BIN, "0071000999999", 50_000, "QMSOTHER01")
    r = bank.http.post("/pay", json={"payload": other})
    assert r.status_code == 400 and r.json()["error"]["code"] == "wrong_account"
    r = bank.http.post("/pay", json={"reference": "QMSX000001", "amount": 1.5})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_amount"
    assert bank.http.get("/admin/transactions").json()["transactions"] == []
    assert bank.receiver.got == []


def test_a_transfer_typed_by_hand_carries_its_text(bank: Bank) -> None:
    r = bank.http.post(
        "/pay", json={"reference": "QMSHAND0001", "amount": 70_000, "description": "tien dien"}
    )
    assert r.status_code == 201
    (got,) = bank.receiver.wait(1)
    assert got.body["description"] == "QMSHAND0001 tien dien"
    assert got.body["amount"] == 70_000


def test_duplicate_sends_the_same_notification_three_times(bank: Bank) -> None:
    bank.faults(duplicate={"next": 1}, copies=3)
    dup = bank.pay_qr(100_000, "QMSDUP00001")
    once = bank.pay_qr(200_000, "QMSDUP00002")
    bank.receiver.wait(4)
    txns = bank.settled()
    copies = bank.receiver.of(dup)
    assert len(copies) == 3 and all(c.signed for c in copies)
    assert {json.dumps(c.body, sort_keys=True) for c in copies} == {
        json.dumps(copies[0].body, sort_keys=True)
    }
    assert len(bank.receiver.of(once)) == 1
    answers = sorted(
        json.loads(a["answer"])["status"] for a in txns[dup]["notification"]["attempts"]
    )
    assert answers == ["applied", "repeat", "repeat"]


def test_out_of_order_holds_one_until_the_next_was_sent(bank: Bank) -> None:
    bank.faults(out_of_order={"next": 1})
    first = bank.pay_qr(100_000, "QMSORDER001")
    second = bank.pay_qr(200_000, "QMSORDER002")
    got = bank.receiver.wait(2)
    assert [r.body["transaction_id"] for r in got] == [second, first]


def test_delay_holds_a_notification_for_delay_s(bank: Bank) -> None:
    bank.faults(delay={"next": 1}, delay_s=0.3)
    paid = time.monotonic()
    bank.pay_qr(100_000, "QMSDELAY001")
    (got,) = bank.receiver.wait(1)
    assert got.at - paid >= 0.3


def test_a_bad_signature_is_refused_once_and_sent_right_when_asked(bank: Bank) -> None:
    bank.faults(bad_signature={"next": 1})
    txn = bank.pay_qr(100_000, "QMSSIGN0001")
    t = bank.settled()[txn]
    assert t["notification"]["state"] == "refused"
    ((attempt),) = t["notification"]["attempts"]
    assert attempt["status"] == 401 and attempt["signed"] is False
    assert [r.signed for r in bank.receiver.of(txn)] == [False]
    r = bank.http.post(f"/admin/resend/{txn}")
    assert r.status_code == 202
    t = bank.settled()[txn]
    assert t["notification"]["state"] == "delivered"
    assert [r.signed for r in bank.receiver.of(txn)] == [False, True]


def test_a_lost_notification_is_never_sent_but_is_on_the_statement(bank: Bank) -> None:
    bank.faults(lose={"next": 1})
    lost = bank.pay_qr(100_000, "QMSLOST0001")
    kept = bank.pay_qr(200_000, "QMSLOST0002")
    txns = bank.settled()
    assert txns[lost]["notification"]["state"] == "lost"
    assert txns[lost]["notification"]["attempts"] == []
    assert [r.body["transaction_id"] for r in bank.receiver.got] == [kept]
    rows = statement(bank, dt.datetime.now(VN).date())
    assert [row["Số tham chiếu"] for row in rows] == [lost, kept]


def test_down_refuses_the_api_and_holds_queued_notifications_until_up(bank: Bank) -> None:
    bank.faults(delay={"next": 1}, delay_s=0.1)
    txn = bank.pay_qr(100_000, "QMSDOWN0001")
    bank.faults(down=True)
    r = bank.http.post("/pay", json={"reference": "QMSDOWN0002", "amount": 1000})
    assert r.status_code == 503 and r.json()["error"]["code"] == "bank_down"
    assert bank.http.get(f"/statement?date={dt.date.today()}").status_code == 503
    n = bank.sender.by_id[txn]
    # the hold is over and the notification waits for the bank to be up: no attempt yet
    bank.loop.run(asyncio.wait_for(n.sending.wait(), 5), 6)
    assert n.attempts == [] and bank.receiver.got == []
    bank.faults(down=False)
    (got,) = bank.receiver.wait(1)
    assert got.body["transaction_id"] == txn


def test_retry_until_2xx_stop_on_4xx_give_up_after_tries(bank: Bank) -> None:
    bank.receiver.script.update(
        {
            "QMSRETRY000": [503, 500, 408],  # retried, then 200
            "QMSRETRY001": [400],  # the hall says no: not again
            "QMSRETRY002": [503] * TRIES,  # busy past the last try: given up
            "QMSRETRY003": [429],  # too many requests: retried
        }
    )
    ids = [bank.pay_qr(10_000, f"QMSRETRY00{i}") for i in range(4)]
    txns = bank.settled()
    states = [txns[t]["notification"]["state"] for t in ids]
    tries = [[a["status"] for a in txns[t]["notification"]["attempts"]] for t in ids]
    assert states == ["delivered", "refused", "gave_up", "delivered"]
    assert tries == [[503, 500, 408, 200], [400], [503] * TRIES, [429, 200]]


def statement(bank: Bank, day: dt.date) -> list[dict[str, str]]:
    r = bank.http.get(f"/statement?date={day.isoformat()}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    text = r.content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    assert tuple(next(reader)) == STATEMENT_HEADER
    return [dict(zip(STATEMENT_HEADER, row, strict=True)) for row in reader]


def _money(cell: str) -> int:
    return int(cell.replace(",", "")) if cell else 0


def test_the_statement_has_the_day_s_credits_and_refunds_with_running_balance(
    bank: Bank,
) -> None:
    a = bank.pay_qr(1_234_000, "QMSSTMT0001")
    b = bank.pay_qr(56_000, "QMSSTMT0002")
    r = bank.http.post("/refund", json={"transaction_id": a, "amount": 34_000})
    assert r.status_code == 201
    refund = r.json()["transaction_id"]
    too_much = bank.http.post("/refund", json={"transaction_id": a, "amount": 1_200_001})
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "refund_too_large"
    today = dt.datetime.now(VN).date()
    rows = statement(bank, today)
    assert [r["Số tham chiếu"] for r in rows] == [a, b, refund]
    assert rows[0]["Ghi có"] == "1,234,000" and rows[0]["Ghi nợ"] == ""
    assert rows[2]["Ghi nợ"] == "34,000" and rows[2]["Ghi có"] == ""
    assert [r["Số dư"] for r in rows] == ["1,234,000", "1,290,000", "1,256,000"]
    assert sum(_money(r["Ghi có"]) for r in rows) == 1_290_000
    assert sum(_money(r["Ghi nợ"]) for r in rows) == 34_000
    when = dt.datetime.strptime(rows[0]["Ngày giao dịch"], "%d/%m/%Y %H:%M:%S")
    assert when.date() == today
    assert "QMSSTMT0001" in rows[0]["Nội dung"]
    assert statement(bank, today - dt.timedelta(days=1)) == []
    bad = bank.http.get("/statement?date=07/12/2026")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_date"


@pytest.mark.parametrize(
    ("faults", "names"),
    [
        ({"lose": {"rate": 2}}, "lose: rate"),
        ({"duplicate": {"next": -1}}, "duplicate: next"),
        ({"copies": 5}, "copies"),
        ({"flood": True}, "unknown fields"),
    ],
)
def test_bad_faults_are_refused_by_name_and_the_old_ones_stay(
    bank: Bank, faults: dict[str, Any], names: str
) -> None:
    bank.faults(lose={"next": 1})
    r = bank.http.post("/admin/faults", json=faults)
    assert r.status_code == 400 and names in r.json()["error"]["message"]
    assert bank.http.get("/admin/faults").json()["lose"] == {"rate": 0.0, "next": 1}
