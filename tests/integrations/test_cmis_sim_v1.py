"""The simulator's CMIS 1.0 wire API (``POST /cmis1/service``, CMIS.md) over real HTTP."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.cmis.simulator.app import create_app
from integrations.cmis.simulator.app_v1 import MAX_HITS
from integrations.cmis.simulator.data import CUT, DemoData, SimCustomer, build_demo_data, fold
from integrations.cmis.simulator.ledger import VN
from integrations.cmis.simulator.server import start_simulator

NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)
POINT = "QT1V"  # this module's collection point, so day lists hold only its payments
DOTTED = re.compile(r"0|[1-9][0-9]{0,2}(\.[0-9]{3})*")

# --- wire helpers ------------------------------------------------------------------------


def envelope(
    command: str, body: str = "", *, audit: str | None = None, point: str | None = POINT
) -> bytes:
    head = f"<command>{command}</command>"
    if audit is not None:
        head += f"<audit-number>{audit}</audit-number>"
    if point is not None:
        head += f"<collection-point>{point}</collection-point>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<request>{head}<body>{body}</body></request>'
    return xml.encode()


@dataclass
class Answer:
    code: str
    message: str
    body: ET.Element

    def text(self, path: str) -> str:
        el = self.body.find(path)
        assert el is not None, f"no {path} in {ET.tostring(self.body)!r}"
        return el.text or ""

    def texts(self, path: str) -> list[str]:
        return [e.text or "" for e in self.body.findall(path)]


def answer_of(r: httpx.Response) -> Answer:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(r.content)  # our own simulator: the adapter tests parse defensively
    assert root.tag == "response" and [c.tag for c in root] == ["code", "message", "body"]
    code, message, body = root
    return Answer(code.text or "", message.text or "", body)


def call(http: httpx.Client, command: str, body: str = "", **kw: Any) -> Answer:
    return answer_of(http.post("/cmis1/service", content=envelope(command, body, **kw)))


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def billing_body(c: SimCustomer, n: int, *, amount: str | None = None, ids: Any = None) -> str:
    invs = c.invoices[:n]
    bill_ids = ids if ids is not None else [i.invoice_id for i in invs]
    total = amount if amount is not None else dotted(sum(i.total for i in invs))
    bills = "".join(f"<bill-id>{i}</bill-id>" for i in bill_ids)
    return (
        f"<customer-code>{c.code}</customer-code>{bills}"
        f"<amount>{total}</amount><cashier>TN01</cashier>"
    )


_audits = iter(range(1, 1_000_000))


def new_audit() -> str:
    return f"V1-{next(_audits):06d}"


def bill(http: httpx.Client, c: SimCustomer, n: int, audit: str, **kw: Any) -> Answer:
    return call(http, "BILLING", billing_body(c, n, **kw), audit=audit)


def check(http: httpx.Client, audit: str) -> str:
    a = call(http, "CHECK-TRANS", f"<audit-number>{audit}</audit-number>")
    assert a.code == "000"
    return a.text("status")


def cancel(http: httpx.Client, audit: str, reason: str = "thu nhầm") -> Answer:
    body = f"<audit-number>{audit}</audit-number><reason>{reason}</reason>"
    return call(http, "TRANSACTION-CANCELLATION", body, audit=new_audit())


def debts(http: httpx.Client, code: str) -> Answer:
    return call(http, "CUSTOMER-BILL", f"<customer-code>{code}</customer-code>")


@pytest.fixture
def http(sim_v2: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim_v2.url, timeout=5) as client:
        yield client


@pytest.fixture
def fhttp(faulty_sim: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=faulty_sim.url, timeout=5) as client:
        yield client


# --- CUSTOMER-BILL -----------------------------------------------------------------------


def test_customer_bill_owes_with_every_contract_element(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3, supply=CUT)
    a = debts(http, c.code)
    assert (a.code, a.message) == ("000", "Thành công")
    (customer,) = a.body.findall("customer")
    assert [e.tag for e in customer][:5] == ["code", "name", "address", "book", "supply"]
    assert (a.text("customer/code"), a.text("customer/name")) == (c.code, c.name)
    assert (a.text("customer/address"), a.text("customer/book")) == (c.address, c.book_code)
    assert a.text("customer/supply") == "CUT"
    bills = customer.findall("bill")
    assert len(bills) == 3
    for el, inv in zip(bills, c.invoices, strict=True):
        fields = {e.tag: e.text for e in el}
        assert fields == {
            "bill-id": str(inv.invoice_id),
            "term": str(inv.sub_period),
            "period": f"{inv.month:02d}/{inv.year}",
            "amount": dotted(inv.total),
            "vat": dotted(inv.vat),
            "series": inv.series,
            "number": inv.number,
            "due": f"{inv.due.day:02d}/{inv.due.month:02d}/{inv.due.year}",
        }
        assert DOTTED.fullmatch(fields["amount"] or "")


def test_amounts_over_a_million_have_two_dots(http: httpx.Client, sim_v2: Any) -> None:
    data: DemoData = sim_v2.data
    c = next(
        c
        for c in data.select(min_invoices=1)
        if c.invoices[0].total >= 1_000_000 and c.code not in sim_v2._used
    )
    sim_v2._used.add(c.code)  # no other test pays it meanwhile (the simulator is shared)
    total = c.invoices[0].total
    amount = debts(http, c.code).texts("customer/bill/amount")[0]
    assert amount.count(".") == 2 and int(amount.replace(".", "")) == total


def test_no_debt_is_0025_with_the_customer_and_no_bills(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=0)
    a = debts(http, c.code)
    assert a.code == "0025"
    assert a.text("customer/code") == c.code and a.text("customer/supply") == "CONNECTED"
    assert a.body.findall("customer/bill") == []


def test_unknown_customer_is_0017_and_a_bad_code_0400(http: httpx.Client, sim_v2: Any) -> None:
    assert debts(http, "PE01009999999").code == "0017"
    for bad in ("pe01000000001", "PE0100000001", "", "PE01000000001X", "PE0100000000１"):
        assert debts(http, bad).code == "0400", bad
    assert call(http, "CUSTOMER-BILL", "").code == "0400"
    c = sim_v2.take(invoices=0)
    pretty = f"\n  <customer-code>\n    {c.code}\n  </customer-code>\n"
    assert call(http, "CUSTOMER-BILL", pretty).code == "0025", "values are stripped"


def test_awkward_text_travels_escaped_and_xml_safe(http: httpx.Client, sim_v2: Any) -> None:
    data: DemoData = sim_v2.data
    names = {debts(http, code).text("customer/name") for code in data.awkward}
    assert "<b>Trần Thị Bé</b> & Con" in names, "markup is text, escaped on the wire"
    assert "Lê\tVăn  Ổn" in names, "BEL cannot be in XML 1.0: it travels as a space"


# --- SEARCH-CUSTOMER ---------------------------------------------------------------------


def test_search_customer(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.data.customers["PE01000000042"]
    a = call(http, "SEARCH-CUSTOMER", f"<by>meter</by><text>{c.meter}</text>")
    assert a.code == "000"
    (hit,) = a.body.findall("customer")
    assert {e.tag: e.text for e in hit} == {
        "code": c.code,
        "name": c.name,
        "address": c.address,
        "book": c.book_code,
    }
    a = call(http, "SEARCH-CUSTOMER", "<by>name</by><text>nguyen van</text>")
    names = a.texts("customer/name")
    folded = [d.name for d in sim_v2.data.customers.values() if "nguyen van" in fold(d.name)]
    assert names == folded[:MAX_HITS] and len(names) > 1
    assert call(http, "SEARCH-CUSTOMER", "<by>id_card</by><text>000</text>").body.findall("*") == []
    for bad in ("<by>phone</by><text>1</text>", "<by>name</by><text> </text>", "<by>name</by>"):
        assert call(http, "SEARCH-CUSTOMER", bad).code == "0400", bad


# --- BILLING -----------------------------------------------------------------------------


def test_billing_pays_and_2_0_sees_it(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3)
    audit = new_audit()
    a = bill(http, c, 2, audit)
    assert a.code == "000" and re.fullmatch(r"BN[0-9]{12}", a.text("receipt"))
    v2 = http.get(f"/v2/payments/{audit}").json()
    assert (v2["TRANG_THAI"], v2["SO_BIEN_NHAN"], v2["MA_DIEM_THU"]) == (
        "BILLING",
        a.text("receipt"),
        POINT,
    )
    assert v2["ID_HDON"] == [i.invoice_id for i in c.invoices[:2]]
    day = http.get("/v2/payments", params={"date": "2026-03-14", "collection_point": POINT})
    assert audit in {p["MA_GD"] for p in day.json()["GIAO_DICH"]}
    left = debts(http, c.code).texts("customer/bill/bill-id")
    assert left == [str(c.invoices[2].invoice_id)]
    assert check(http, audit) == "BILLING"


def test_a_2_0_payment_is_seen_and_cancelled_by_1_0(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=1)
    inv = c.invoices[0]
    body = {
        "MA_KHANG": c.code,
        "ID_HDON": [inv.invoice_id],
        "TONG_TIEN": inv.total,
        "MA_DIEM_THU": POINT,
        "MA_THU_NGAN": "TN01",
        "THOI_GIAN": NOW.isoformat(),
    }
    assert check(http, "V2-SEEN-BY-V1") == "NOT_FOUND", "1.0 asks before 2.0 pays"
    r = http.post("/v2/payments", json=body, headers={"Idempotency-Key": "V2-SEEN-BY-V1"})
    assert r.status_code == 201
    a = call(http, "CHECK-TRANS", "<audit-number>V2-SEEN-BY-V1</audit-number>")
    assert (a.text("status"), a.text("receipt")) == ("BILLING", r.json()["SO_BIEN_NHAN"])
    day = call(http, "TRANS-BY-DATE", "<date>14/03/2026</date>")
    assert "V2-SEEN-BY-V1" in day.texts("trans/audit-number")
    assert cancel(http, "V2-SEEN-BY-V1").code == "000"
    assert http.get("/v2/payments/V2-SEEN-BY-V1").json()["TRANG_THAI"] == "REVERT"


def _later(c: SimCustomer) -> dict[str, Any]:
    return {"ids": [c.invoices[1].invoice_id], "amount": dotted(c.invoices[1].total)}


def _gap(c: SimCustomer) -> dict[str, Any]:
    a, b = c.invoices[0], c.invoices[2]
    return {"ids": [a.invoice_id, b.invoice_id], "amount": dotted(a.total + b.total)}


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("021", _later),
        ("022", _gap),
        ("031", lambda c: {"amount": dotted(sum(i.total for i in c.invoices) + 1)}),
    ],
)
def test_billing_rule_errors(http: httpx.Client, sim_v2: Any, code: str, change: Any) -> None:
    c = sim_v2.take(invoices=3)
    a = bill(http, c, 3, new_audit(), **change(c))
    assert a.code == code and a.message
    assert len(debts(http, c.code).texts("customer/bill/bill-id")) == 3, "nothing paid"


def test_paid_elsewhere_is_051_and_unknown_customer_0017(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    sim_v2.ledger.pay_elsewhere(c.invoices[0].invoice_id)
    assert bill(http, c, 1, new_audit()).code == "051"
    body = "<customer-code>PE01009999999</customer-code><bill-id>1</bill-id>"
    body += "<amount>1.000</amount><cashier>TN01</cashier>"
    assert call(http, "BILLING", body, audit=new_audit()).code == "0017"


def test_malformed_billing_is_0400_and_takes_no_effect(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    inv = c.invoices[0]
    good = billing_body(c, 1)
    bad_amounts = ["82399", "1.2.3.", "-1.000", "1,000", "", "0", "01.000", "１.０００", "1.000,00"]
    bodies = [billing_body(c, 1, amount=a) for a in bad_amounts] + [
        billing_body(c, 1, ids=[]),
        billing_body(c, 1, ids=[inv.invoice_id, inv.invoice_id]),
        billing_body(c, 1, ids=["abc"]),
        billing_body(c, 1, ids=[-inv.invoice_id]),
        billing_body(c, 1, ids=[999]),  # not this customer's
        good.replace("<cashier>TN01</cashier>", ""),
        good.replace(c.code, c.code.lower()),
        good + good,
    ]
    for body in bodies:
        assert call(http, "BILLING", body, audit=new_audit()).code == "0400", body
    assert call(http, "BILLING", good).code == "0400", "no audit number"
    assert call(http, "BILLING", good, audit="has space").code == "0400"
    assert call(http, "BILLING", good, audit="X" * 65).code == "0400"
    assert call(http, "BILLING", good, audit=new_audit(), point=None).code == "0400"
    assert call(http, "BILLING", good, audit=new_audit(), point="").code == "0400"
    assert bill(http, c, 1, new_audit()).code == "000", "nothing above took effect"


# --- the non-idempotent repeat -----------------------------------------------------------


@pytest.mark.parametrize("mode", ["500", "close"])
def test_a_repeat_after_a_lost_answer_is_051(
    fhttp: httpx.Client, faulty_sim: Any, mode: str
) -> None:
    c = faulty_sim.take(invoices=2)
    audit = new_audit()
    faulty_sim.faults(lose_answer_rate=1.0, lose_answer_mode=mode)
    if mode == "500":
        assert (
            fhttp.post(
                "/cmis1/service", content=envelope("BILLING", billing_body(c, 1), audit=audit)
            ).status_code
            == 500
        )
    else:
        with pytest.raises(httpx.RemoteProtocolError):
            bill(fhttp, c, 1, audit)
    faulty_sim.faults()
    assert faulty_sim.ledger.payment(audit).state == "BILLING", "committed, answer lost"
    assert bill(fhttp, c, 1, audit).code == "051", "not deduplicated: our own first call paid"
    assert check(fhttp, audit) == "BILLING", "CHECK-TRANS tells the truth"
    paid = faulty_sim.ledger.payments_for_day(NOW.date(), POINT)
    assert [p.txn_id for p in paid if p.order.customer_code == c.code] == [audit]


def test_a_repeat_after_a_cancellation_pays_again(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    audit = new_audit()
    first = bill(http, c, 1, audit).text("receipt")
    assert cancel(http, audit).code == "000"
    assert check(http, audit) == "REVERT"
    again = bill(http, c, 1, audit)
    assert again.code == "000" and again.text("receipt") != first, "executed as a new call"
    a = call(http, "CHECK-TRANS", f"<audit-number>{audit}</audit-number>")
    assert (a.text("status"), a.text("receipt")) == ("BILLING", again.text("receipt"))
    day = call(http, "TRANS-BY-DATE", "<date>14/03/2026</date>").body.findall("trans")
    mine = [
        (t.findtext("status"), t.findtext("receipt"))
        for t in day
        if t.findtext("audit-number") == audit
    ]
    assert mine == [("REVERT", first), ("BILLING", again.text("receipt"))]
    listed = http.get("/v2/payments", params={"date": "2026-03-14", "collection_point": POINT})
    states = {p["MA_GD"]: p["TRANG_THAI"] for p in listed.json()["GIAO_DICH"]}
    assert (states[audit], states[f"{audit}~2"]) == ("REVERT", "BILLING"), "2.0 sees both"
    assert cancel(http, audit).code == "000" and check(http, audit) == "REVERT"
    assert cancel(http, audit).code == "000", "cancelling a cancelled one is 000 again"


# --- CHECK-TRANS -------------------------------------------------------------------------


def test_check_trans_timeout_then_billing(fhttp: httpx.Client, faulty_sim: Any) -> None:
    c = faulty_sim.take(invoices=2)
    audit = new_audit()
    faulty_sim.in_doubt(in_doubt_ms=60_000)
    faulty_sim.faults(lose_answer_rate=1.0)
    r = fhttp.post("/cmis1/service", content=envelope("BILLING", billing_body(c, 1), audit=audit))
    assert r.status_code == 500
    faulty_sim.faults()
    assert check(fhttp, audit) == "TIMEOUT"
    assert check(fhttp, audit) == "TIMEOUT", "still in doubt"
    faulty_sim.clock.now = NOW + dt.timedelta(seconds=59)
    assert check(fhttp, audit) == "TIMEOUT"
    faulty_sim.clock.now = NOW + dt.timedelta(seconds=60)
    assert check(fhttp, audit) == "BILLING", "then the real status"


def test_only_a_lost_answer_puts_a_billing_in_doubt(fhttp: httpx.Client, faulty_sim: Any) -> None:
    c, d = faulty_sim.take(invoices=1), faulty_sim.take(invoices=1)
    faulty_sim.in_doubt(in_doubt_ms=60_000)
    answered = new_audit()
    assert bill(fhttp, c, 1, answered).code == "000"
    assert check(fhttp, answered) == "BILLING"
    faulty_sim.in_doubt(in_doubt_ms=60_000, in_doubt_rate=0)
    faulty_sim.faults(lose_answer_rate=1.0)
    lost = new_audit()
    assert (
        fhttp.post(
            "/cmis1/service", content=envelope("BILLING", billing_body(d, 1), audit=lost)
        ).status_code
        == 500
    )
    faulty_sim.faults()
    assert check(fhttp, lost) == "BILLING", "rate 0: never in doubt"


def test_check_trans_not_found_and_malformed(http: httpx.Client) -> None:
    assert check(http, "NEVER-SEEN") == "NOT_FOUND"
    assert call(http, "CHECK-TRANS", "").code == "0400"
    assert call(http, "CHECK-TRANS", "<audit-number>a b</audit-number>").code == "0400"


# --- TRANSACTION-CANCELLATION ------------------------------------------------------------


def test_cancellation_codes(http: httpx.Client, sim_v2: Any, clock: Any) -> None:
    assert cancel(http, "NEVER-SEEN").code == "2006"
    c = sim_v2.take(invoices=1)
    audit = new_audit()
    clock.now = dt.datetime(2026, 3, 13, 16, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in UTC+7
    assert bill(http, c, 1, audit).code == "000"
    clock.now = dt.datetime(2026, 3, 13, 17, 0, 0, tzinfo=dt.UTC)  # next business day
    a = cancel(http, audit)
    assert (a.code, a.message) == ("2007", "Giao dịch không cùng ngày")
    assert check(http, audit) == "BILLING"
    body = f"<audit-number>{audit}</audit-number><reason>x</reason>"
    assert call(http, "TRANSACTION-CANCELLATION", body).code == "0400", "no own audit number"
    no_reason = f"<audit-number>{audit}</audit-number>"
    assert call(http, "TRANSACTION-CANCELLATION", no_reason, audit=new_audit()).code == "0400"


# --- TRANS-BY-DATE -----------------------------------------------------------------------


def test_trans_by_date(http: httpx.Client, sim_v2: Any, clock: Any) -> None:
    clock.now = dt.datetime(2026, 3, 20, 10, 0, tzinfo=VN)  # a day no other test pays on
    a, b, other = sim_v2.take(invoices=1), sim_v2.take(invoices=2), sim_v2.take(invoices=1)
    ta, tb, to = new_audit(), new_audit(), new_audit()
    receipt_a = bill(http, a, 1, ta).text("receipt")
    bill(http, b, 2, tb)
    call(http, "BILLING", billing_body(other, 1), audit=to, point="QT1W")
    cancel(http, tb)
    day = call(http, "TRANS-BY-DATE", "<date>20/03/2026</date>")
    assert day.code == "000"
    trans = {t.findtext("audit-number"): t for t in day.body.findall("trans")}
    assert set(trans) == {ta, tb, to}, "every collection point's, as CMIS 1.0 lists them"
    assert trans[to].findtext("collection-point") == "QT1W"
    assert [(e.tag, e.text) for e in trans[ta]] == [
        ("audit-number", ta),
        ("customer-code", a.code),
        ("bill-id", str(a.invoices[0].invoice_id)),
        ("amount", dotted(a.invoices[0].total)),
        ("status", "BILLING"),
        ("time", "20/03/2026 10:00:00"),
        ("receipt", receipt_a),
        ("collection-point", POINT),
    ]
    assert [e.text for e in trans[tb].findall("bill-id")] == [str(i.invoice_id) for i in b.invoices]
    assert trans[tb].findtext("status") == "REVERT"
    assert call(http, "TRANS-BY-DATE", "<date>21/03/2026</date>").body.findall("trans") == []
    for bad in ("2026-03-10", "31/02/2026", "1/3/2026", "10/03/26", ""):
        assert call(http, "TRANS-BY-DATE", f"<date>{bad}</date>").code == "0400", bad
    assert call(http, "TRANS-BY-DATE", "<date>20/03/2026</date>", point=None).code == "0400"


# --- the envelope ------------------------------------------------------------------------

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b"]><request><command>&lol9;</command><body/></request>"
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<request><command>CUSTOMER-BILL</command><body><customer-code>&x;</customer-code>"
    b"</body></request>"
)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not xml",
        b"<request><command>CUSTOMER-BILL</command>",
        b'{"command": "CUSTOMER-BILL"}',
        b"<answer><command>CUSTOMER-BILL</command><body/></answer>",
        b"<request><body/></request>",
        b"<request><command>DELETE-ALL</command><body/></request>",
        b"<request><command>CHECK-TRANS</command><command>BILLING</command><body/></request>",
        b"<request><command>TRANS-BY-DATE</command></request>",
        b"<request><command>TRANS-BY-DATE</command><body/><body/></request>",
        "<request><command>SEARCH-CUSTOMER</command><body><by>name</by><text>Lê</text>"
        "</body></request>".encode("latin-1"),
        BOMB,
        EXTERNAL,
        b"<request><command>SEARCH-CUSTOMER</command><body><by>name</by><text>"
        + b"a" * 70_000
        + b"</text></body></request>",
    ],
    ids=lambda raw: raw[:30].decode("latin-1"),
)
def test_malformed_requests_are_0400_with_http_200(http: httpx.Client, raw: bytes) -> None:
    assert answer_of(http.post("/cmis1/service", content=raw)).code == "0400"


def test_an_unknown_envelope_element_is_ignored(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=0)
    raw = envelope("CUSTOMER-BILL", f"<customer-code>{c.code}</customer-code><x>1</x>")
    assert answer_of(http.post("/cmis1/service", content=raw)).code == "0025"


# --- faults ------------------------------------------------------------------------------


def test_busy_and_down_are_096_but_5xx_stays_http(fhttp: httpx.Client, faulty_sim: Any) -> None:
    c = faulty_sim.take(invoices=1)
    faulty_sim.faults(refuse_rate=1.0)
    a = bill(fhttp, c, 1, new_audit())
    assert (a.code, a.message) == ("096", "Hệ thống đang bận, thử lại sau")
    assert faulty_sim.ledger.unpaid(c.code)[1], "nothing done"
    faulty_sim.faults(down=True)
    assert debts(fhttp, c.code).code == "096"
    assert fhttp.get("/healthz").status_code == 503, "2.0 side unchanged"
    assert fhttp.get(f"/v2/customers/{c.code}/debts").status_code == 503
    faulty_sim.faults(error_rate=1.0)
    assert fhttp.post("/cmis1/service", content=envelope("CHECK-TRANS")).status_code == 500


def test_in_doubt_admin(fhttp: httpx.Client) -> None:
    default = {"in_doubt_ms": 0, "in_doubt_rate": 1.0, "seed": 0}
    assert fhttp.get("/admin/cmis1/faults").json() == default
    r = fhttp.put("/admin/cmis1/faults", json={"in_doubt_ms": 5000, "in_doubt_rate": 0.5})
    assert r.status_code == 200 and r.json() == {
        **default,
        "in_doubt_ms": 5000,
        "in_doubt_rate": 0.5,
    }
    for bad in ({"in_doubt_ms": -1}, {"in_doubt_rate": 2}, {"nope": 1}, [], {"seed": True}):
        assert fhttp.put("/admin/cmis1/faults", json=bad).status_code == 400, bad
    assert fhttp.put("/admin/cmis1/faults", content=b"{").status_code == 400
    assert fhttp.put("/admin/cmis1/faults", json={}).json() == default


# --- restart -----------------------------------------------------------------------------


def test_a_restarted_simulator_finds_the_repeats_of_an_audit_number(
    loop_thread: Any, tmp_path: Any
) -> None:
    """The journal keeps ``A`` and ``A~2``; CHECK-TRANS and a third BILLING find them."""
    data = build_demo_data(customers=200, today=NOW.date())
    c = data.select(invoices=2)[0]
    path = tmp_path / "ledger.jsonl"

    def serve() -> tuple[Any, Any]:
        app = create_app(data, ledger_path=path)
        app.state.ledger.clock = lambda: NOW
        return loop_thread.run(start_simulator(app)), app.state.ledger

    running, _ = serve()
    with httpx.Client(base_url=running.url, timeout=5) as h:
        bill(h, c, 1, "R-1")
        cancel(h, "R-1")
        bill(h, c, 1, "R-1")
    loop_thread.run(running.stop())
    running, ledger = serve()
    try:
        with httpx.Client(base_url=running.url, timeout=5) as h:
            assert check(h, "R-1") == "BILLING"
            assert bill(h, c, 1, "R-1").code == "051"
            assert cancel(h, "R-1").code == "000" and check(h, "R-1") == "REVERT"
        assert [ledger.payment(k).state for k in ("R-1", "R-1~2")] == ["REVERT", "REVERT"]
    finally:
        loop_thread.run(running.stop())
