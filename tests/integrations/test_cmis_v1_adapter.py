"""The CMIS 1.0 adapter against the simulator, a garbage-XML server and a failing one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
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
from integrations.cmis.simulator.data import CUT, DemoData, SimCustomer
from integrations.cmis.simulator.ledger import VN
from integrations.cmis.simulator.server import start_simulator
from integrations.cmis.v1 import Cmis1Client
from integrations.cmis.v1_wire import (
    format_amount,
    format_date,
    format_period,
    format_time,
    parse_amount,
    parse_date,
    parse_period,
    parse_time,
    parse_xml,
    xml_text,
)
from integrations.cmis.v2 import Cmis2Client
from tests.conftest import run_async
from tests.integrations.conftest import streamed_past_max_answer

T = TypeVar("T")
AT = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)
POINT = "QT1A"  # this module's collection point


def with_client(url: str, fn: Callable[[Cmis1Client], Awaitable[T]], **kw: Any) -> T:
    """Run ``fn`` with a fresh adapter in a fresh loop (the simulator has its own)."""

    async def go() -> T:
        async with Cmis1Client(url, **kw) as client:
            return await fn(client)

    return run_async(go())


def expect(
    url: str, error: type[CmisError], fn: Callable[[Cmis1Client], Awaitable[Any]], **kw: Any
) -> CmisError:
    with pytest.raises(error) as caught:
        with_client(url, fn, **kw)
    assert caught.value.request_id, "every error carries the X-Request-Id"
    return caught.value


_txn = iter(range(1, 1_000_000))


def request_for(c: SimCustomer, n: int, **override: Any) -> PaymentRequest:
    invs = c.invoices[:n]
    req = PaymentRequest(
        txn_id=f"B{next(_txn):06d}",
        customer_code=c.code,
        invoice_ids=tuple(i.invoice_id for i in invs),
        total=sum(i.total for i in invs),
        collection_point=POINT,
        cashier="TN01",
        at=AT,
    )
    return dataclasses.replace(req, **override)


# --- wire values -------------------------------------------------------------------------


def test_dotted_amounts_both_ways() -> None:
    for n, text in [(0, "0"), (999, "999"), (1000, "1.000"), (1_234_567, "1.234.567")]:
        assert format_amount(n) == text and parse_amount(text) == n
    for bad in ("1234", "1.2.3.", "-1.000", "1,000", "", " 1.000", "01.000", "1.00", "１.０００"):
        with pytest.raises(ValueError):
            parse_amount(bad)
    for bad_n in (-1, 1.5, True):
        with pytest.raises(ValueError):
            format_amount(bad_n)  # type: ignore[arg-type]


def test_dates_periods_and_times() -> None:
    assert format_date(dt.date(2026, 3, 4)) == "04/03/2026"
    assert parse_date("04/03/2026") == dt.date(2026, 3, 4)
    assert format_period(2026, 2) == "02/2026" and parse_period("02/2026") == (2026, 2)
    t = dt.datetime(2026, 3, 13, 17, 0, 5, tzinfo=dt.UTC)
    assert format_time(t) == "14/03/2026 00:00:05"
    assert parse_time("14/03/2026 00:00:05") == t
    for fn, bad in [
        (parse_date, "2026-03-04"),
        (parse_date, "4/3/2026"),
        (parse_date, "31/02/2026"),
        (parse_period, "2/2026"),
        (parse_period, "13/2026"),
        (parse_period, "00/2026"),
        (parse_time, "14/03/2026 24:00:00"),
        (parse_time, "14/03/2026"),
    ]:
        with pytest.raises(ValueError):
            fn(bad)


def test_xml_is_parsed_safely() -> None:
    assert xml_text("a\x07b\x00c\td") == "a b c\td"
    with pytest.raises(ValueError, match="DTD"):
        parse_xml(b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>', limit=1000)
    with pytest.raises(ValueError, match="over 10 bytes"):
        parse_xml(b"<response></response>", limit=10)
    assert parse_xml(b"<r>x</r>", limit=100).text == "x"


def test_posting_idempotency_is_advertised() -> None:
    assert Cmis1Client.idempotent_posting is False
    assert Cmis2Client.idempotent_posting is True


# --- against the simulator ---------------------------------------------------------------


def test_get_debts_maps_to_project_types(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=4, supply=CUT)
    debts = with_client(sim_v2.url, lambda cl: cl.get_debts(c.code))
    assert isinstance(debts, CustomerDebts)
    assert (debts.code, debts.name, debts.address) == (c.code, c.name, c.address)
    assert (debts.unit, debts.book_code, debts.supply) == ("PE0100", c.book_code, Supply.CUT)
    assert list(debts.invoices) == [
        Invoice(
            invoice_id=i.invoice_id,
            year=i.year,
            month=i.month,
            sub_period=i.sub_period,
            amount=i.amount,
            vat=i.vat,
            total=i.total,
            series=i.series,
            number=i.number,
            due=i.due,  # <due> parsed
        )
        for i in c.invoices
    ]
    free = sim_v2.take(invoices=0)
    assert with_client(sim_v2.url, lambda cl: cl.get_debts(free.code)).invoices == ()


def test_awkward_text_keeps_its_characters_but_not_controls(sim_v2: Any) -> None:
    data: DemoData = sim_v2.data

    async def all_awkward(cl: Cmis1Client) -> list[str]:
        out = []
        for code in data.awkward:
            d = await cl.get_debts(code)
            out += [d.name, d.address]
        return out

    texts = with_client(sim_v2.url, all_awkward)
    joined = " ".join(texts)
    for kept in ('"', "'", "<b>", "</b>", "&", "<script>", "Ổn", "${name}"):
        assert kept in joined
    assert not any(ch in joined for ch in "\t\r\n\x07")
    assert "Lê Văn Ổn" in texts


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

    async def flow(cl: Cmis1Client) -> tuple[Any, ...]:
        receipt = await cl.post_payment(req)
        state = await cl.payment_status(req.txn_id)
        listed = await cl.payments_for_day(AT.date(), POINT)
        await cl.reverse_payment(req.txn_id, "thu nhầm")
        reverted = await cl.payment_status(req.txn_id)
        unknown = await cl.payment_status("NEVER-SEEN")
        return receipt, state, listed, reverted, unknown

    receipt, state, listed, reverted, unknown = with_client(sim_v2.url, flow)
    assert isinstance(receipt, PaymentReceipt) and receipt.txn_id == req.txn_id
    assert receipt.receipt_no == sim_v2.ledger.payment(req.txn_id).receipt_no
    assert state is PaymentState.BILLING and reverted is PaymentState.REVERT
    assert unknown is PaymentState.NOT_FOUND
    mine = [p for p in listed if p.txn_id == req.txn_id]
    assert mine == [
        CmisPayment(req.txn_id, c.code, req.invoice_ids, req.total, PaymentState.BILLING, AT)
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


def test_paid_elsewhere_unknown_customer_and_malformed(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    sim_v2.ledger.pay_elsewhere(c.invoices[0].invoice_id)
    e = expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(request_for(c, 1)))
    assert e.code == "051"
    ghost = request_for(c, 1, customer_code="PE01009999999")
    assert expect(sim_v2.url, CustomerNotFound, lambda cl: cl.post_payment(ghost)).code == "0017"
    bad = request_for(c, 2, txn_id="has space")
    assert expect(sim_v2.url, PaymentRefused, lambda cl: cl.post_payment(bad)).code == "0400"
    naive = request_for(c, 1, at=dt.datetime(2026, 3, 14, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        with_client(sim_v2.url, lambda cl: cl.post_payment(naive))


def test_reversal_errors_are_payment_unknown(sim_v2: Any, clock: Any) -> None:
    e = expect(sim_v2.url, PaymentUnknown, lambda cl: cl.reverse_payment("NEVER-SEEN", "x"))
    assert e.code == "2006"
    c = sim_v2.take(invoices=1)
    req = request_for(c, 1)
    with_client(sim_v2.url, lambda cl: cl.post_payment(req))
    clock.now = clock.now + dt.timedelta(days=1)
    e = expect(sim_v2.url, PaymentUnknown, lambda cl: cl.reverse_payment(req.txn_id, "late"))
    assert e.code == "2007"


def test_a_repost_after_a_reversal_pays_again(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=1)
    req = request_for(c, 1)

    async def flow(cl: Cmis1Client) -> tuple[Any, ...]:
        first = await cl.post_payment(req)
        await cl.reverse_payment(req.txn_id, "thu nhầm")
        second = await cl.post_payment(req)
        return first, second, await cl.payments_for_day(AT.date(), POINT)

    first, second, listed = with_client(sim_v2.url, flow)
    assert first.receipt_no != second.receipt_no, "1.0 executed the repeat as a new payment"
    states = [p.state for p in listed if p.txn_id == req.txn_id]
    assert states == [PaymentState.REVERT, PaymentState.BILLING]


def test_a_2_0_payment_is_visible_to_the_1_0_adapter(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=1)
    req = request_for(c, 1)

    async def pay_v2() -> None:
        async with Cmis2Client(sim_v2.url) as v2:
            await v2.post_payment(req)

    run_async(pay_v2())
    state = with_client(sim_v2.url, lambda cl: cl.payment_status(req.txn_id))
    assert state is PaymentState.BILLING
    listed = with_client(sim_v2.url, lambda cl: cl.payments_for_day(AT.date(), POINT))
    assert req.txn_id in {p.txn_id for p in listed}


# --- lost answers, doubt, busy, hang: a simulator of this module's own --------------------


@pytest.mark.parametrize("mode", ["500", "close"])
def test_a_lost_billing_answer_is_unavailable_and_never_retried(faulty_sim: Any, mode: str) -> None:
    c = faulty_sim.take(invoices=2)
    req = request_for(c, 1)
    faulty_sim.faults(lose_answer_rate=1.0, lose_answer_mode=mode)
    e = expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.post_payment(req), retries=3)
    assert e.details["attempts"] == 1, "BILLING is sent once, whatever retries says"
    faulty_sim.faults()
    paid = faulty_sim.ledger.payments_for_day(AT.date(), POINT)
    assert [p.txn_id for p in paid if p.order.customer_code == c.code] == [req.txn_id]
    # The caller's duty: CHECK-TRANS before anything else.
    status = with_client(faulty_sim.url, lambda cl: cl.payment_status(req.txn_id))
    assert status is PaymentState.BILLING
    # What a naive re-post would see: 051, although nobody else paid.
    e = expect(faulty_sim.url, PaymentRefused, lambda cl: cl.post_payment(req))
    assert e.code == "051"


def test_in_doubt_then_billing(faulty_sim: Any) -> None:
    c = faulty_sim.take(invoices=1)
    req = request_for(c, 1)
    faulty_sim.in_doubt(in_doubt_ms=30_000)
    faulty_sim.faults(lose_answer_rate=1.0)
    expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.post_payment(req))
    faulty_sim.faults()
    status = with_client(faulty_sim.url, lambda cl: cl.payment_status(req.txn_id))
    assert status is PaymentState.IN_DOUBT
    faulty_sim.clock.now = AT + dt.timedelta(seconds=30)
    status = with_client(faulty_sim.url, lambda cl: cl.payment_status(req.txn_id))
    assert status is PaymentState.BILLING


def test_busy_096_is_retried_on_reads_only(faulty_sim: Any) -> None:
    c = faulty_sim.take(invoices=1)
    faulty_sim.faults(refuse_rate=1.0)
    e = expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.get_debts(c.code), backoff=0)
    assert (e.code, e.details["attempts"]) == ("096", 3)
    req = request_for(c, 1)
    e = expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.post_payment(req), backoff=0)
    assert (e.code, e.details["attempts"]) == ("096", 1)
    assert faulty_sim.ledger.unpaid(c.code)[1], "nothing was paid"
    faulty_sim.faults(down=True)
    expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.payment_status("X"), backoff=0)


def test_hang_past_the_timeout_is_unavailable(faulty_sim: Any) -> None:
    c = faulty_sim.take(invoices=1)
    faulty_sim.faults(hang_rate=1.0, hang_ms=10_000)
    kw = {"timeout": 0.2, "retries": 1, "backoff": 0}
    e = expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.get_debts(c.code), **kw)
    assert "timeout" in e.message and e.details["attempts"] == 2
    req = request_for(c, 1)
    e = expect(faulty_sim.url, CmisUnavailable, lambda cl: cl.post_payment(req), **kw)
    assert "timeout" in e.message and e.details["attempts"] == 1


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    expect(url, CmisUnavailable, lambda cl: cl.payment_status("TX1"), retries=1, backoff=0)


# --- a server that answers garbage -------------------------------------------------------

GOOD_CODE = "XX99999999999"
GOOD_BILL = {
    "bill-id": "1",
    "term": "1",
    "period": "02/2026",
    "amount": "1.234.567",
    "vat": "91.449",
    "series": "1K26TPE",
    "number": "0000001",
}
GOOD_TRANS = {
    "audit-number": "T1",
    "customer-code": "XX00000000000",
    "bill-id": "1",
    "amount": "1.234.567",
    "status": "BILLING",
    "time": "14/03/2026 09:30:00",
    "receipt": "BN1",
}


def _elements(fields: dict[str, str | None]) -> str:
    return "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if v is not None)


def _response(code: str, body: str) -> bytes:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><response><code>{code}</code>'
    return (xml + f"<message>m</message><body>{body}</body></response>").encode()


def _customer(code: str, bills: str, **change: str | None) -> str:
    fields: dict[str, str | None] = {
        "code": code,
        "name": "Nguyễn Văn A",
        "address": "1 Lê Lợi",
        "book": "XX0000A001",
        "supply": "CONNECTED",
        **change,
    }
    return f"<customer>{_elements(fields)}{bills}</customer>"


def _bill(**change: str | None) -> str:
    return f"<bill>{_elements({**GOOD_BILL, **change})}</bill>"


def _debts(code: str, *, answer: str = "000", bills: str | None = None, **change: Any) -> bytes:
    return _response(answer, _customer(code, _bill() if bills is None else bills, **change))


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><response><code>&b;</code></response>'
)

GARBAGE_DEBTS: dict[str, Callable[[str], bytes | Response]] = {
    "html": lambda c: PlainTextResponse(
        "<html><body>Gateway</body></html>", media_type="text/html"
    ),
    "empty": lambda c: b"",
    "not-xml": lambda c: b"<response><code>000</code>",
    "json": lambda c: b'{"code": "000"}',
    "dtd-bomb": lambda c: BOMB,
    # nested deeper than any stack: parsed without recursion, then found off-contract
    "deep": lambda c: _response("000", "<x>" * 100_000 + "</x>" * 100_000),
    "surrogate-ref": lambda c: _debts(c, name="&#xD800;"),
    "latin-1": lambda c: _debts(c, name="Lê").decode().encode("latin-1", "replace"),
    "wrong-root": lambda c: _debts(c).replace(b"response>", b"answer>"),
    "missing-code": lambda c: _debts(c).replace(b"<code>000</code>", b""),
    "two-codes": lambda c: _debts(c).replace(
        b"<code>000</code>", b"<code>000</code><code>000</code>"
    ),
    "code-text": lambda c: _debts(c, answer="OK"),
    "unknown-code": lambda c: _debts(c, answer="777"),
    "code-2007": lambda c: _debts(c, answer="2007"),
    "no-body": lambda c: _response("000", "").replace(b"<body></body>", b""),
    "no-customer": lambda c: _response("000", ""),
    "two-customers": lambda c: _response("000", _customer(c, _bill()) * 2),
    "owes-without-bills": lambda c: _debts(c, bills=""),
    "no-debt-with-bills": lambda c: _debts(c, answer="0025"),
    "other-customer": lambda c: _debts("XX00000000999"),
    "code-lowercase": lambda c: _debts(c.lower()),
    "supply-unknown": lambda c: _debts(c, supply="MAYBE"),
    "missing-name": lambda c: _debts(c, name=None),
    "missing-book": lambda c: _debts(c, book=None),
    "name-with-markup": lambda c: _debts(c, name="<b>A</b>"),
    "amount-1.2.3.": lambda c: _debts(c, bills=_bill(amount="1.2.3.")),
    "amount-negative": lambda c: _debts(c, bills=_bill(amount="-1.234.567")),
    "amount-undotted": lambda c: _debts(c, bills=_bill(amount="1234567")),
    "amount-comma": lambda c: _debts(c, bills=_bill(amount="1,234,567")),
    "amount-decimal": lambda c: _debts(c, bills=_bill(amount="1.234.567,00")),
    "amount-empty": lambda c: _debts(c, bills=_bill(amount="")),
    "amount-fullwidth": lambda c: _debts(c, bills=_bill(amount="１.２３４")),
    "amount-missing": lambda c: _debts(c, bills=_bill(amount=None)),
    "vat-over-amount": lambda c: _debts(c, bills=_bill(vat="2.000.000")),
    "vat-bad": lambda c: _debts(c, bills=_bill(vat="91,449")),
    "period-13": lambda c: _debts(c, bills=_bill(period="13/2026")),
    "period-short": lambda c: _debts(c, bills=_bill(period="2/2026")),
    "period-iso": lambda c: _debts(c, bills=_bill(period="2026-02")),
    "period-1999": lambda c: _debts(c, bills=_bill(period="02/1999")),
    "period-missing": lambda c: _debts(c, bills=_bill(period=None)),
    "term-4": lambda c: _debts(c, bills=_bill(term="4")),
    "term-word": lambda c: _debts(c, bills=_bill(term="one")),
    "bill-id-text": lambda c: _debts(c, bills=_bill(**{"bill-id": "abc"})),
    "bill-id-zero": lambda c: _debts(c, bills=_bill(**{"bill-id": "0"})),
    "bill-id-missing": lambda c: _debts(c, bills=_bill(**{"bill-id": None})),
    "repeated-bill": lambda c: _debts(c, bills=_bill() * 2),
    "404-html": lambda c: PlainTextResponse("Not Found", status_code=404),
    "418": lambda c: Response(_debts(c), status_code=418),
}
CASES = sorted(GARBAGE_DEBTS)
HUGE_CODE = "XX88888888888"


class Garbage:
    """An inline CMIS 1.0 that answers off-contract; remembers what it was sent."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict[str, str], ET.Element]] = []
        self.flaky: dict[str, int] = {}  # case -> failures left

    def _flaky(self, case: str, answer: bytes | Response) -> Response | None:
        left = self.flaky.get(case, 0)
        if left <= 0:
            return None
        self.flaky[case] = left - 1
        return answer if isinstance(answer, Response) else Response(answer)

    def app(self) -> Starlette:
        async def service(request: Request) -> Response:
            req = ET.fromstring(await request.body())  # the adapter's own output: trusted
            self.seen.append((dict(request.headers), req))
            command = req.findtext("command")
            body = req.find("body")
            assert body is not None
            point = req.findtext("collection-point") or ""
            answer: bytes | Response
            if command == "CUSTOMER-BILL":
                code = body.findtext("customer-code") or ""
                if code == GOOD_CODE:
                    answer = _debts(code)
                elif code == HUGE_CODE:  # streamed: no Content-Length to go by
                    answer = streamed_past_max_answer("application/xml")
                elif code.startswith("XF"):  # flaky: 500 or busy, then good
                    down = (
                        Response(b"", status_code=500) if code[2] == "5" else _response("096", "")
                    )
                    answer = self._flaky("debts", down) or _debts(code)
                else:
                    answer = GARBAGE_DEBTS[CASES[int(code[2:])]](code)
            elif command == "BILLING":
                answer = {
                    "good": _response("000", "<receipt>BN1</receipt>"),
                    "no-receipt": _response("000", ""),
                    "empty-receipt": _response("000", "<receipt> </receipt>"),
                    "unknown-code": _response("999", ""),
                    "code-0025": _response("0025", ""),
                    "500": Response(b"", status_code=500),
                }[point]
            elif command == "CHECK-TRANS":
                status = body.findtext("audit-number") or ""
                answer = _response("000", f"<status>{status}</status>" if status != "-" else "")
            elif command == "TRANS-BY-DATE":
                change = dict(kv.split("=", 1) for kv in point.split(";") if kv)
                fields: dict[str, str | None] = {**GOOD_TRANS, "collection-point": point, **change}
                if change.get("bill-id") == "":
                    fields["bill-id"] = None
                answer = _response("000", f"<trans>{_elements(fields)}</trans>")
            else:  # TRANSACTION-CANCELLATION: answers the code named by the audit number
                asked = body.findtext("audit-number") or ""
                answer = _response("000" if asked == "TX1" else asked, "")
            return answer if isinstance(answer, Response) else Response(answer)

        return Starlette(routes=[Route("/cmis1/service", service, methods=["POST"])])


@pytest.fixture(scope="module")
def garbage(loop_thread: Any) -> Iterator[tuple[str, Garbage]]:
    g = Garbage()
    running = loop_thread.run(start_simulator(g.app()))
    yield running.url, g
    loop_thread.run(running.stop())


def test_an_answer_too_long_is_not_read_to_its_end(garbage: tuple[str, Garbage]) -> None:
    e = expect(garbage[0], CmisBadAnswer, lambda cl: cl.get_debts(HUGE_CODE), retries=0)
    assert e.message == f"debts: answer over {MAX_ANSWER} bytes"


def test_the_inline_servers_good_answers_parse(garbage: tuple[str, Garbage]) -> None:
    """So each garbage case below fails for its garbage, not for the rest of the answer."""
    url, g = garbage
    debts = with_client(url, lambda cl: cl.get_debts(GOOD_CODE))
    assert debts.unit == "XX9999" and debts.invoices == (
        Invoice(1, 2026, 2, 1, 1_143_118, 91_449, 1_234_567, "1K26TPE", "0000001"),
    )
    req = PaymentRequest("TX1", "XX00000000000", (1, 2), 1_234_567, "good", "TN01", AT)
    assert with_client(url, lambda cl: cl.post_payment(req)) == PaymentReceipt("TX1", "BN1")
    headers, sent = g.seen[-1]
    assert [e.tag for e in sent] == ["command", "audit-number", "collection-point", "body"]
    assert (sent.findtext("command"), sent.findtext("audit-number")) == ("BILLING", "TX1")
    sent_body = sent.find("body")
    assert sent_body is not None
    assert [(e.tag, e.text) for e in sent_body] == [
        ("customer-code", "XX00000000000"),
        ("bill-id", "1"),
        ("bill-id", "2"),
        ("amount", "1.234.567"),
        ("cashier", "TN01"),
    ]
    assert headers["content-type"].startswith("application/xml") and headers["x-request-id"]
    day = with_client(url, lambda cl: cl.payments_for_day(dt.date(2026, 3, 14), ""))
    assert day == [CmisPayment("T1", "XX00000000000", (1,), 1_234_567, PaymentState.BILLING, AT)]
    assert g.seen[-1][1].findtext("body/date") == "14/03/2026"
    read = g.seen[-1]
    assert read[0]["x-request-id"] == read[1].findtext("audit-number"), "reads: audit = rid"
    states = [("TIMEOUT", PaymentState.IN_DOUBT), ("NOT_FOUND", PaymentState.NOT_FOUND)]
    for status, state in states:
        assert with_client(url, lambda cl, s=status: cl.payment_status(s)) == state
    with_client(url, lambda cl: cl.reverse_payment("TX1", "x"), retries=0)


@pytest.mark.parametrize("case", CASES)
def test_off_contract_debts_are_bad_answers(garbage: tuple[str, Garbage], case: str) -> None:
    url, g = garbage
    code = f"XX{CASES.index(case):011d}"
    e = expect(url, CmisBadAnswer, lambda cl: cl.get_debts(code))
    assert e.message.startswith("debts")
    assert g.seen[-1][0]["x-request-id"] == e.request_id
    if case == "unknown-code":
        assert e.code == "777"


@pytest.mark.parametrize("case", ["no-receipt", "empty-receipt", "unknown-code", "code-0025"])
def test_off_contract_payment_answers_are_bad_answers(
    garbage: tuple[str, Garbage], case: str
) -> None:
    req = PaymentRequest("TX1", "XX00000000000", (1,), 108_000, case, "TN01", AT)
    expect(garbage[0], CmisBadAnswer, lambda cl: cl.post_payment(req))


@pytest.mark.parametrize(
    "change",
    [
        "amount=1.2.3.",
        "amount=-1.000",
        "amount=1000",
        "time=2026-03-14T09:30:00+07:00",
        "time=14/03/2026",
        "status=TIMEOUT",
        "status=PAID",
        "bill-id=",
        "bill-id=x",
        "customer-code=nope",
        "audit-number=",
    ],
)
def test_off_contract_days_are_bad_answers(garbage: tuple[str, Garbage], change: str) -> None:
    day = dt.date(2026, 3, 14)
    e = expect(garbage[0], CmisBadAnswer, lambda cl: cl.payments_for_day(day, change))
    assert change.split("=")[0] in e.message


@pytest.mark.parametrize("status", ["PAID", "billing", "-"])
def test_off_contract_status_is_a_bad_answer(garbage: tuple[str, Garbage], status: str) -> None:
    expect(garbage[0], CmisBadAnswer, lambda cl: cl.payment_status(status))


@pytest.mark.parametrize("code", ["777", "0025", "051"])
def test_off_contract_cancellation_is_a_bad_answer(garbage: tuple[str, Garbage], code: str) -> None:
    e = expect(garbage[0], CmisBadAnswer, lambda cl: cl.reverse_payment(code, "x"))
    assert e.code == code


@pytest.mark.parametrize("kind", ["5", "9"])  # 500, or busy 096
def test_reads_are_retried_with_one_request_id(garbage: tuple[str, Garbage], kind: str) -> None:
    url, g = garbage
    code = f"XF{kind}0000000000"
    g.flaky["debts"] = 2
    g.seen.clear()
    debts = with_client(url, lambda cl: cl.get_debts(code), retries=2, backoff=0)
    assert debts.code == code and len(g.seen) == 3
    assert len({h["x-request-id"] for h, _ in g.seen}) == 1, "one request id per logical call"
    assert len({e.findtext("audit-number") for _, e in g.seen}) == 1
    g.flaky["debts"] = 3
    e = expect(url, CmisUnavailable, lambda cl: cl.get_debts(code), retries=2, backoff=0)
    assert e.details["attempts"] == 3
    assert e.code == ("096" if kind == "9" else "")


def test_a_5xx_billing_is_sent_once(garbage: tuple[str, Garbage]) -> None:
    url, g = garbage
    g.seen.clear()
    req = PaymentRequest("TX-500", "XX00000000000", (1,), 1_000, "500", "TN01", AT)
    e = expect(url, CmisUnavailable, lambda cl: cl.post_payment(req), retries=5, backoff=0)
    assert len(g.seen) == 1 and e.details["attempts"] == 1 and "500" in e.message
