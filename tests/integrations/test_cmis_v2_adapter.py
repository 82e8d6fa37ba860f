"""The CMIS 2.0 adapter against the simulator, a garbage server and a failing one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from integrations.cmis.base import (
    CmisBadAnswer,
    CmisError,
    CmisPayment,
    CmisUnavailable,
    CustomerDebts,
    CustomerNotFound,
    CustomerSummary,
    Invoice,
    PaymentReceipt,
    PaymentRefused,
    PaymentRequest,
    PaymentState,
    PaymentUnknown,
    SearchBy,
    Supply,
)
from integrations.cmis.http_client import MAX_ANSWER
from integrations.cmis.simulator.app import create_app
from integrations.cmis.simulator.data import CUT, DemoData, SimCustomer, build_demo_data
from integrations.cmis.simulator.faults import FaultConfig
from integrations.cmis.simulator.ledger import VN
from integrations.cmis.simulator.server import start_simulator
from integrations.cmis.v2 import Cmis2Client, clean_text
from tests.conftest import run_async
from tests.integrations.conftest import streamed_past_max_answer

T = TypeVar("T")
AT = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)


def with_client(url: str, fn: Callable[[Cmis2Client], Awaitable[T]], **kw: Any) -> T:
    """Run ``fn`` with a fresh adapter in a fresh loop (the simulator has its own)."""

    async def go() -> T:
        async with Cmis2Client(url, **kw) as client:
            return await fn(client)

    return run_async(go())


def expect(
    url: str, error: type[CmisError], fn: Callable[[Cmis2Client], Awaitable[Any]], **kw: Any
) -> CmisError:
    with pytest.raises(error) as caught:
        with_client(url, fn, **kw)
    assert caught.value.request_id, "every error carries the X-Request-Id"
    return caught.value


_txn = iter(range(1, 1_000_000))


def request_for(c: SimCustomer, n: int, **override: Any) -> PaymentRequest:
    invs = c.invoices[:n]
    req = PaymentRequest(
        txn_id=f"A{next(_txn):06d}",
        customer_code=c.code,
        invoice_ids=tuple(i.invoice_id for i in invs),
        total=sum(i.total for i in invs),
        collection_point="QT01",
        cashier="TN01",
        at=AT,
    )
    return dataclasses.replace(req, **override)


# --- against the simulator ---------------------------------------------------------------


def test_get_debts_maps_to_project_types(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=4, supply=CUT)
    debts = with_client(sim_v2.url, lambda cl: cl.get_debts(c.code))
    assert isinstance(debts, CustomerDebts)
    assert (debts.code, debts.name, debts.address) == (c.code, c.name, c.address)
    assert (debts.unit, debts.book_code, debts.supply) == ("PE0100", c.book_code, Supply.CUT)
    first = c.invoices[0]
    assert debts.invoices[0] == Invoice(
        invoice_id=first.invoice_id,
        year=first.year,
        month=first.month,
        sub_period=first.sub_period,
        amount=first.amount,
        vat=first.vat,
        total=first.total,
        series=first.series,
        number=first.number,
        due=first.due,
    )
    assert first.due is not None  # HAN_TT parsed
    assert [i.invoice_id for i in debts.invoices] == [i.invoice_id for i in c.invoices]
    free = sim_v2.take(invoices=0)
    assert with_client(sim_v2.url, lambda cl: cl.get_debts(free.code)).invoices == ()


def test_awkward_text_keeps_its_characters_but_not_controls(sim_v2: Any) -> None:
    data: DemoData = sim_v2.data
    texts = []
    for code in data.awkward:
        d = with_client(sim_v2.url, lambda cl, code=code: cl.get_debts(code))
        texts += [d.name, d.address]
    joined = " ".join(texts)
    for kept in ('"', "'", "<b>", "</b>", "&", "<script>", "Ổn"):
        assert kept in joined
    assert not any(ch in joined for ch in "\t\r\n\x07")
    assert "Lê Văn Ổn" in texts
    assert clean_text("a\u202eb\x00c\u0085d") == "a b c d"


def test_find_customers(sim_v2: Any) -> None:
    c = sim_v2.data.customers["PE01000000042"]
    hits = with_client(sim_v2.url, lambda cl: cl.find_customers(SearchBy.METER, c.meter))
    assert hits == [CustomerSummary(c.code, c.name, c.address, c.book_code)]
    by_name = with_client(sim_v2.url, lambda cl: cl.find_customers(SearchBy.NAME, "nguyễn", 5))
    assert len(by_name) == 5 and all("Nguyễn" in h.name for h in by_name)


def test_unknown_customer_is_customer_not_found(sim_v2: Any) -> None:
    e = expect(sim_v2.url, CustomerNotFound, lambda cl: cl.get_debts("PE01009999999"))
    assert e.code == "0017"
    e = expect(sim_v2.url, CustomerNotFound, lambda cl: cl.get_debts("not/a code"))
    assert e.code == "0400"


def test_payment_flow(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3)
    req = request_for(c, 2)

    async def flow(cl: Cmis2Client) -> tuple[Any, ...]:
        receipt = await cl.post_payment(req)
        again = await cl.post_payment(req)
        state = await cl.payment_status(req.txn_id)
        listed = await cl.payments_for_day(sim_v2.clock.now.date(), "QT01")
        await cl.reverse_payment(req.txn_id, "thu nhầm")
        reverted = await cl.payment_status(req.txn_id)
        unknown = await cl.payment_status("NEVER-SEEN")
        return receipt, again, state, listed, reverted, unknown

    receipt, again, state, listed, reverted, unknown = with_client(sim_v2.url, flow)
    assert isinstance(receipt, PaymentReceipt) and receipt.txn_id == req.txn_id
    assert again == receipt, "a repeat gets the first answer"
    assert state is PaymentState.BILLING and reverted is PaymentState.REVERT
    assert unknown is PaymentState.NOT_FOUND
    mine = [p for p in listed if p.txn_id == req.txn_id]
    assert mine == [
        CmisPayment(
            req.txn_id, c.code, req.invoice_ids, req.total, PaymentState.BILLING, sim_v2.clock.now
        )
    ]


def _later(c: SimCustomer) -> dict[str, Any]:
    return {"invoice_ids": (c.invoices[1].invoice_id,), "total": c.invoices[1].total}


def _gap(c: SimCustomer) -> dict[str, Any]:
    picked = (c.invoices[0], c.invoices[2])
    return {
        "invoice_ids": tuple(i.invoice_id for i in picked),
        "total": sum(i.total for i in picked),
    }


@pytest.mark.parametrize(
    ("code", "change"),
    [("021", _later), ("022", _gap), ("031", lambda c: {"total": 1})],
)
def test_rule_errors_are_payment_refused(sim_v2: Any, code: str, change: Any) -> None:
    c = sim_v2.take(invoices=3)
    req = request_for(c, 3, **change(c))
    e = expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(req))
    assert e.code == code


def test_paid_elsewhere_and_reused_key_are_payment_refused(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    sim_v2.ledger.pay_elsewhere(c.invoices[0].invoice_id)
    e = expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(request_for(c, 1)))
    assert e.code == "051"
    d = sim_v2.take(invoices=2)
    first = request_for(d, 1)
    with_client(sim_v2.url, lambda cl: cl.post_payment(first))
    other = dataclasses.replace(request_for(d, 2), txn_id=first.txn_id)
    e = expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(other))
    assert e.code == "0422"
    bad = dataclasses.replace(request_for(d, 2), txn_id="has space")
    assert expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(bad)).code == "0400"


def test_reversal_errors_are_payment_unknown(sim_v2: Any, clock: Any) -> None:
    e = expect(sim_v2.url, PaymentUnknown, lambda cl: cl.reverse_payment("NEVER-SEEN", "x"))
    assert e.code == "2006"
    c = sim_v2.take(invoices=1)
    req = request_for(c, 1)
    with_client(sim_v2.url, lambda cl: cl.post_payment(req))
    clock.now = clock.now + dt.timedelta(days=1)
    e = expect(sim_v2.url, PaymentUnknown, lambda cl: cl.reverse_payment(req.txn_id, "late"))
    assert e.code == "2007"


def test_naive_payment_time_is_a_programming_error(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=1)
    naive = request_for(c, 1, at=dt.datetime(2026, 3, 14, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        with_client(sim_v2.url, lambda cl: cl.post_payment(naive))


# --- a server that answers garbage -------------------------------------------------------

GOOD_INVOICE = {
    "ID_HDON": 1,
    "THANG": 2,
    "NAM": 2026,
    "KY": 1,
    "SO_TIEN": 100_000,
    "TIEN_GTGT": 8_000,
    "TONG_TIEN": 108_000,
    "KIHIEU_SERY": "1K26TPE",
    "SO_SERY": "0000001",
}
GOOD_DEBTS = {
    "MA_KHANG": "XX00000000000",
    "TEN_KHANG": "A",
    "DCHI_KHANG": "B",
    "MA_DVIQLY": "XX0000",
    "MA_SOGCS": "XX0000A001",
    "TTRANG_CDIEN": "CONNECTED",
    "HOA_DON": [GOOD_INVOICE],
}


def _debts(**change: Any) -> dict[str, Any]:
    return {**GOOD_DEBTS, **change}


def _invoice(**change: Any) -> dict[str, Any]:
    return _debts(HOA_DON=[{**GOOD_INVOICE, **change}])


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD_DEBTS.items() if k != key}


GARBAGE_DEBTS: dict[str, Any] = {
    "html": PlainTextResponse("<html><body>Gateway</body></html>", media_type="text/html"),
    "empty": Response(b"", media_type="application/json"),
    "list": [GOOD_DEBTS],
    "missing-hoa-don": _without("HOA_DON"),
    "missing-name": _without("TEN_KHANG"),
    "missing-total": _debts(HOA_DON=[{k: v for k, v in GOOD_INVOICE.items() if k != "TONG_TIEN"}]),
    "float-amount": _invoice(SO_TIEN=100_000.0),
    "float-total": _invoice(TONG_TIEN=108000.5),
    "negative-total": _invoice(TONG_TIEN=-108_000),
    "string-amount": _invoice(SO_TIEN="100.000"),
    "bool-ky": _invoice(KY=True),
    "bool-id": _invoice(ID_HDON=True),
    "month-13": _invoice(THANG=13),
    "null-id": _invoice(ID_HDON=None),
    "hoa-don-not-list": _debts(HOA_DON={"0": GOOD_INVOICE}),
    "invoice-not-object": _debts(HOA_DON=["x"]),
    "repeated-invoice": _debts(HOA_DON=[GOOD_INVOICE, GOOD_INVOICE]),
    "other-customer": _debts(MA_KHANG="XX00000000999"),
    "supply-unknown": _debts(TTRANG_CDIEN="MAYBE"),
    "name-number": _debts(TEN_KHANG=12),
    # nested past the stack: json.loads raised RecursionError, a 500 at issue or F4
    "deep": Response(b"[" * 100_000 + b"]" * 100_000, media_type="application/json"),
    "deep-error": Response(b"[" * 100_000 + b"]" * 100_000, status_code=409),
    "surrogate-name": None,  # a lone surrogate no page, paper or database can carry
    "404-html": PlainTextResponse("Not Found", status_code=404),
    "418-json": JSONResponse({"MA_LOI": "9999"}, status_code=418),
    "409-unknown-code": JSONResponse({"MA_LOI": "777"}, status_code=409),
}
CASES = sorted(GARBAGE_DEBTS)
GOOD_CODE = "XX99999999999"
#: answers longer than the adapters read: one says so in Content-Length, one streams
HUGE_SAID, HUGE_STREAMED = "XX88888888881", "XX88888888882"


class Garbage:
    """An inline CMIS that answers off-contract; remembers the headers it was sent."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.flaky_left = 0

    def app(self) -> Starlette:
        async def debts(request: Request) -> Response:
            self.seen.append(dict(request.headers))
            code = request.path_params["code"]
            if code == HUGE_SAID:
                return Response(b" " * (MAX_ANSWER + 1), media_type="application/json")
            if code == HUGE_STREAMED:
                return streamed_past_max_answer("application/json")
            case = CASES[int(code[2:])] if code != GOOD_CODE else "good"
            answer = GARBAGE_DEBTS.get(case, GOOD_DEBTS)
            if case == "surrogate-name":  # json.dumps writes it as the escape \\ud800
                raw = json.dumps({**GOOD_DEBTS, "MA_KHANG": code, "TEN_KHANG": "\ud800"})
                return Response(raw, media_type="application/json")
            if isinstance(answer, Response):
                return answer
            if isinstance(answer, dict) and "MA_KHANG" in answer and case != "other-customer":
                answer = {**answer, "MA_KHANG": code}  # so only the garbage is wrong
            return JSONResponse(answer)

        async def payment(request: Request) -> Response:
            self.seen.append(dict(request.headers))
            case = (await request.json())["MA_DIEM_THU"]
            if case == "flaky" and self.flaky_left > 0:
                self.flaky_left -= 1
                return JSONResponse({"MA_LOI": "0503"}, status_code=503)
            key = request.headers["idempotency-key"]
            answers = {
                "flaky": {"MA_GD": key, "SO_BIEN_NHAN": "BN1"},
                "other-txn": {"MA_GD": "SOMEONE-ELSE", "SO_BIEN_NHAN": "BN1"},
                "no-receipt": {"MA_GD": key},
                "receipt-int": {"MA_GD": key, "SO_BIEN_NHAN": 12},
            }
            return JSONResponse(answers[case], status_code=201)

        async def status(request: Request) -> Response:
            return JSONResponse({"MA_GD": request.path_params["txn"], "TRANG_THAI": "PAID"})

        async def day(request: Request) -> Response:
            bad = {
                "MA_GD": "T",
                "MA_KHANG": "XX00000000000",
                "ID_HDON": [1],
                "TONG_TIEN": 1.5,
                "TRANG_THAI": "BILLING",
                "THOI_GIAN": "2026-03-14T09:30:00+07:00",
            }
            if request.query_params["collection_point"] == "naive-time":
                bad = {**bad, "TONG_TIEN": 1, "THOI_GIAN": "2026-03-14T09:30:00"}
            return JSONResponse({"GIAO_DICH": [bad]})

        return Starlette(
            routes=[
                Route("/v2/customers/{code}/debts", debts),
                Route("/v2/payments", payment, methods=["POST"]),
                Route("/v2/payments", day, methods=["GET"]),
                Route("/v2/payments/{txn}", status),
            ]
        )


@pytest.fixture(scope="module")
def garbage(loop_thread: Any) -> Iterator[tuple[str, Garbage]]:
    g = Garbage()
    running = loop_thread.run(start_simulator(g.app()))
    yield running.url, g
    loop_thread.run(running.stop())


def test_the_inline_servers_good_answer_parses(garbage: tuple[str, Garbage]) -> None:
    """So each garbage case below fails for its garbage, not for the rest of the answer."""
    debts = with_client(garbage[0], lambda cl: cl.get_debts(GOOD_CODE))
    assert debts.code == GOOD_CODE and debts.invoices[0].total == 108_000


@pytest.mark.parametrize("case", CASES)
def test_off_contract_debts_are_bad_answers(garbage: tuple[str, Garbage], case: str) -> None:
    url, g = garbage
    code = f"XX{CASES.index(case):011d}"
    e = expect(url, CmisBadAnswer, lambda cl: cl.get_debts(code))
    assert e.message.startswith("debts")
    assert g.seen[-1]["x-request-id"] == e.request_id


@pytest.mark.parametrize("code", [HUGE_SAID, HUGE_STREAMED])
def test_an_answer_too_long_is_not_read_to_its_end(garbage: tuple[str, Garbage], code: str) -> None:
    e = expect(garbage[0], CmisBadAnswer, lambda cl: cl.get_debts(code), retries=0)
    assert f"answer over {MAX_ANSWER} bytes" in e.message
    # the next call finds the adapter's connections in order
    debts = with_client(garbage[0], lambda cl: cl.get_debts(GOOD_CODE))
    assert debts.code == GOOD_CODE


@pytest.mark.parametrize("case", ["other-txn", "no-receipt", "receipt-int"])
def test_off_contract_payment_answers_are_bad_answers(
    garbage: tuple[str, Garbage], case: str
) -> None:
    req = PaymentRequest("TX1", "XX00000000000", (1,), 108_000, case, "TN01", AT)
    expect(garbage[0], CmisBadAnswer, lambda cl: cl.post_payment(req))


def test_off_contract_status_and_day_are_bad_answers(garbage: tuple[str, Garbage]) -> None:
    url = garbage[0]
    expect(url, CmisBadAnswer, lambda cl: cl.payment_status("TX1"))
    day = dt.date(2026, 3, 14)
    e = expect(url, CmisBadAnswer, lambda cl: cl.payments_for_day(day, "float-total"))
    assert "TONG_TIEN" in e.message
    e = expect(url, CmisBadAnswer, lambda cl: cl.payments_for_day(day, "naive-time"))
    assert "offset" in e.message


def test_5xx_is_retried_with_the_same_keys(garbage: tuple[str, Garbage]) -> None:
    url, g = garbage
    g.flaky_left = 2
    g.seen.clear()
    req = PaymentRequest("TX-FLAKY", "XX00000000000", (1,), 108_000, "flaky", "TN01", AT)
    receipt = with_client(url, lambda cl: cl.post_payment(req), retries=2, backoff=0)
    assert receipt == PaymentReceipt("TX-FLAKY", "BN1")
    assert len(g.seen) == 3
    assert {h["idempotency-key"] for h in g.seen} == {"TX-FLAKY"}
    assert len({h["x-request-id"] for h in g.seen}) == 1, "one request id per logical call"
    g.flaky_left = 5
    e = expect(url, CmisUnavailable, lambda cl: cl.post_payment(req), retries=2, backoff=0)
    assert e.details["attempts"] == 3 and "503" in e.message


# --- an unavailable CMIS -----------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty(loop_thread: Any) -> Iterator[tuple[str, Any]]:
    app = create_app(build_demo_data(customers=200, today=dt.date(2026, 3, 14)))
    running = loop_thread.run(start_simulator(app))
    yield running.url, app
    loop_thread.run(running.stop())


@pytest.fixture
def faults(faulty: tuple[str, Any]) -> Iterator[Callable[..., None]]:
    def set_faults(**kw: Any) -> None:
        faulty[1].state.faults.set(FaultConfig(**kw))

    yield set_faults
    faulty[1].state.faults.set(FaultConfig())


def test_hang_past_the_timeout_is_unavailable(faulty: tuple[str, Any], faults: Any) -> None:
    faults(hang_rate=1.0, hang_ms=10_000)
    e = expect(
        faulty[0],
        CmisUnavailable,
        lambda cl: cl.get_debts("PE01000000001"),
        timeout=0.2,
        retries=1,
        backoff=0,
    )
    assert "timeout" in e.message and e.details["attempts"] == 2


def test_down_is_unavailable(faulty: tuple[str, Any], faults: Any) -> None:
    faults(down=True)
    data: DemoData = faulty[1].state.data
    c = data.select(invoices=1)[0]
    expect(faulty[0], CmisUnavailable, lambda cl: cl.get_debts(c.code), backoff=0)
    e = expect(faulty[0], CmisUnavailable, lambda cl: cl.post_payment(request_for(c, 1)), backoff=0)
    assert e.details["attempts"] == 3
    assert faulty[1].state.ledger.unpaid(c.code)[1], "nothing was paid"


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    expect(url, CmisUnavailable, lambda cl: cl.payment_status("TX1"), retries=1, backoff=0)


@pytest.mark.parametrize("mode", ["500", "close"])
def test_lost_answer_then_retry_recovers_the_receipt(
    faulty: tuple[str, Any], faults: Any, mode: str
) -> None:
    data: DemoData = faulty[1].state.data
    c = data.select(invoices=2)[["500", "close"].index(mode)]
    req = request_for(c, 1)
    faults(lose_answer_rate=1.0, lose_answer_mode=mode)
    expect(faulty[0], CmisUnavailable, lambda cl: cl.post_payment(req), retries=0)
    assert faulty[1].state.ledger.payment(req.txn_id).state == "BILLING"
    faults()
    receipt = with_client(faulty[0], lambda cl: cl.post_payment(req))
    assert receipt.receipt_no == faulty[1].state.ledger.payment(req.txn_id).receipt_no
    assert with_client(faulty[0], lambda cl: cl.payment_status(req.txn_id)) is PaymentState.BILLING


def test_retry_after_a_lost_answer_is_safe(faulty: tuple[str, Any], faults: Any) -> None:
    """Half the answers lost: the adapter's own retries still end with one payment."""
    data: DemoData = faulty[1].state.data
    c = data.select(invoices=3)[0]
    req = request_for(c, 1)
    faults(lose_answer_rate=0.5, seed=7)  # seed 7: lost, lost, answered
    receipt = with_client(faulty[0], lambda cl: cl.post_payment(req), retries=2, backoff=0)
    assert receipt.txn_id == req.txn_id
    ledger = faulty[1].state.ledger
    today = ledger.clock().date()
    paid = [p for p in ledger.payments_for_day(today, "QT01") if p.order.customer_code == c.code]
    assert len(paid) == 1
