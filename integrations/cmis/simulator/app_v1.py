"""The simulator's CMIS 1.0 face: ``POST /cmis1/service``, an XML command envelope (CMIS.md).

It sits on the same ``Ledger`` and ``DemoData`` as the 2.0 API, so a payment made through
one version shows in the other; every payment rule stays in the ledger. Always HTTP 200
with a ``<code>``; only the fault middleware's ``5xx``, hangs and lost answers stay at the
HTTP level, and its "busy" ``503`` becomes code ``096`` (``Cmis1Middleware``).

1.0 ``BILLING`` is not idempotent, while ``Ledger.pay`` deduplicates by key. So each
``BILLING`` gets a ledger key of its own: the first call of audit number ``A`` is paid
under ``A`` (what 2.0 lists as ``MA_GD``), the next ones under ``A~2``, ``A~3``… (``~``
cannot occur in a 2.0 key). A repeat is thus checked afresh: ``051`` after our own lost
answer, a new payment after a cancellation.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from integrations.cmis.simulator.data import SimCustomer, SimInvoice
from integrations.cmis.simulator.faults_v1 import InDoubt, InDoubtConfig
from integrations.cmis.simulator.ledger import (
    BILLING,
    KEY_REUSED,
    SUPPLIES,
    UNKNOWN_TXN,
    Candidate,
    Ledger,
    LedgerError,
    PaymentOrder,
    SimPayment,
    SupplyOrder,
)
from integrations.cmis.v1_wire import (
    BUSY,
    MALFORMED,
    NO_DEBT,
    OK,
    STATUS_NOT_FOUND,
    STATUS_TIMEOUT,
    add,
    format_amount,
    format_date,
    format_period,
    format_time,
    parse_amount,
    parse_date,
    parse_minute,
    parse_xml,
    to_xml,
    xml_text,
)

V1_PREFIX = "/cmis1/"
V1_PATH = "/cmis1/service"
MAX_REQUEST = 64 * 1024
MAX_HITS = 100
MAX_BILLS = 100
CUSTOMER_CODE = re.compile(r"[A-Z]{2}[0-9]{11}")
UNIT = re.compile(r"[A-Z]{2}[0-9]{4}")
BOOK = re.compile(r"[A-Z]{2}[0-9]{4}[A-Z0-9]{1,10}")
AUDIT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
BILL_ID = re.compile(r"[1-9][0-9]{0,17}")
SEARCH_BY = ("name", "address", "meter", "id_card", "bank_account")
REPEAT = "~"
BILLED_SCOPE_KEY = "qms.cmis1.billed"  # set on a request whose BILLING reached the ledger
_PROBE_GAP = 16  # keys probed past the last known one, after a restart

MESSAGES = {
    OK: "Thành công",
    NO_DEBT: "Khách hàng không còn nợ",
    "0017": "Không tìm thấy khách hàng",
    MALFORMED: "Yêu cầu không hợp lệ",
    BUSY: "Hệ thống đang bận, thử lại sau",
    "021": "Phải thanh toán kỳ cũ nhất trước",
    "022": "Các kỳ thanh toán phải liên tiếp",
    "031": "Số tiền không khớp tổng hóa đơn",
    "051": "Hóa đơn đã được thanh toán",
    UNKNOWN_TXN: "Không tìm thấy giao dịch",
    "2007": "Giao dịch không cùng ngày",
    "061": "Khách hàng không có nợ quá hạn để cắt điện",
    "062": "Khách hàng còn nợ quá hạn, chưa thể đóng điện",
}


class _Malformed(Exception):
    """The request does not follow the 1.0 contract: code ``0400``."""


@dataclass
class _Call:
    """One parsed envelope; ``billed`` is set once a ``BILLING`` reaches the ledger."""

    command: str
    audit: str
    point: str
    body: ET.Element
    billed: bool = False


def answer_xml(code: str, body: ET.Element | bytes | None = None) -> bytes:
    """``<response><code/><message/><body/></response>``; a ``bytes`` body is the inside of
    ``<body>``, already serialized (``_candidates_xml``: ElementTree is too slow for a
    list of thousands)."""
    root = ET.Element("response")
    add(root, "code", code)
    add(root, "message", MESSAGES.get(code, ""))
    if isinstance(body, bytes):
        root.append(ET.Element("body"))
        head, empty, tail = to_xml(root).rpartition(b"<body />")
        assert empty, "ElementTree writes an empty element as <body />"
        return head + b"<body>" + body + b"</body>" + tail
    root.append(body if body is not None else ET.Element("body"))
    return to_xml(root)


def _xml_response(code: str, body: ET.Element | bytes | None = None) -> Response:
    return Response(answer_xml(code, body), media_type="application/xml; charset=utf-8")


# --- envelope parsing --------------------------------------------------------------------


def _texts(parent: ET.Element, tag: str) -> list[str]:
    return [(e.text or "").strip() for e in parent.findall(tag)]


def _one(parent: ET.Element, tag: str) -> str:
    found = _texts(parent, tag)
    if len(found) != 1:
        raise _Malformed(f"expected one <{tag}>")
    return found[0]


def _optional(parent: ET.Element, tag: str) -> str:
    found = _texts(parent, tag)
    if len(found) > 1:
        raise _Malformed(f"repeated <{tag}>")
    return found[0] if found else ""


def _audit(text: str) -> str:
    if not AUDIT_NUMBER.fullmatch(text):
        raise _Malformed("audit number")
    return text


def _label(text: str, what: str, max_len: int = 64) -> str:
    if not text or len(text) > max_len:
        raise _Malformed(what)
    return text


def _customer_code(body: ET.Element) -> str:
    code = _one(body, "customer-code")
    if not CUSTOMER_CODE.fullmatch(code):
        raise _Malformed("customer code")
    return code


def _amount(text: str) -> int:
    try:
        return parse_amount(text)
    except ValueError:
        raise _Malformed("amount") from None


async def _read_body(request: Request) -> bytes:
    """The body, refused past ``MAX_REQUEST`` bytes before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST:
        raise _Malformed("too big")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST:
            raise _Malformed("too big")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_call(raw: bytes, commands: frozenset[str]) -> _Call:
    try:
        root = parse_xml(raw, limit=MAX_REQUEST)
    except ValueError:
        raise _Malformed("not XML") from None
    if root.tag != "request":
        raise _Malformed("root is not <request>")
    command = _one(root, "command")
    if command not in commands:
        raise _Malformed("unknown command")
    bodies = root.findall("body")
    if len(bodies) != 1:
        raise _Malformed("expected one <body>")
    return _Call(
        command=command,
        audit=_optional(root, "audit-number"),
        point=_optional(root, "collection-point"),
        body=bodies[0],
    )


# --- answer building ---------------------------------------------------------------------


def _customer(parent: ET.Element, c: SimCustomer) -> ET.Element:
    el = add(parent, "customer")
    add(el, "code", c.code)
    add(el, "name", c.name)
    add(el, "address", c.address)
    add(el, "book", c.book_code)
    return el


def _bill(parent: ET.Element, i: SimInvoice) -> None:
    """Contract elements, then our additions ``<vat>``, ``<series>``, ``<number>``."""
    el = add(parent, "bill")
    add(el, "bill-id", str(i.invoice_id))
    add(el, "term", str(i.sub_period))
    add(el, "period", format_period(i.year, i.month))
    add(el, "amount", format_amount(i.total))
    add(el, "vat", format_amount(i.vat))
    add(el, "series", i.series)
    add(el, "number", i.number)
    add(el, "due", format_date(i.due))


def _text(value: str) -> str:
    """Text as ``add`` would write it: what XML cannot carry as spaces, then escaped."""
    return escape(xml_text(value))


def _candidates_xml(found: list[Candidate]) -> bytes:
    """``<customer>`` elements, written as text: ~4 times faster than ElementTree for the
    thousands of a whole unit's list."""
    return "".join(
        f"<customer><code>{_text(c.code)}</code><name>{_text(c.name)}</name>"
        f"<address>{_text(c.address)}</address><book>{_text(c.book_code)}</book>"
        f"<supply>{c.supply}</supply><periods>{c.periods}</periods>"
        f"<overdue>{format_amount(c.overdue)}</overdue>"
        f"<oldest-due>{format_date(c.oldest_due)}</oldest-due></customer>"
        for c in found
    ).encode()


def _unit_and_book(body: ET.Element, *, book_required: bool) -> tuple[str, str | None]:
    unit = _one(body, "unit")
    if not UNIT.fullmatch(unit):
        raise _Malformed("unit")
    book = _optional(body, "book") or None
    if (book is None and book_required) or (book is not None and not BOOK.fullmatch(book)):
        raise _Malformed("book")
    return unit, book


def _trans(parent: ET.Element, p: SimPayment) -> None:
    el = add(parent, "trans")
    add(el, "audit-number", audit_of(p.txn_id))
    add(el, "customer-code", p.order.customer_code)
    for invoice_id in p.order.invoice_ids:
        add(el, "bill-id", str(invoice_id))
    add(el, "amount", format_amount(p.order.total))
    add(el, "status", p.state)
    add(el, "time", format_time(p.recorded_at))
    add(el, "receipt", p.receipt_no)
    add(el, "collection-point", p.order.collection_point)


# --- audit numbers -> ledger keys --------------------------------------------------------


def ledger_key(audit_number: str, n: int) -> str:
    """The ledger key of the ``n``-th ``BILLING`` (from 1) under an audit number."""
    return audit_number if n == 1 else f"{audit_number}{REPEAT}{n}"


def audit_of(ledger_key: str) -> str:
    """The audit number a ledger key belongs to (a 2.0 key is its own audit number)."""
    return ledger_key.split(REPEAT, 1)[0]


class AuditBook:
    """Which ledger keys the ``BILLING`` calls of each audit number used, in call order.

    Counts are kept in memory, and every look-up also probes the ledger up to
    ``_PROBE_GAP`` keys past the known count: that finds a 2.0 payment made under the same
    key after 1.0 asked about it, and the keys of a restarted (journal-replayed) ledger.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._calls: dict[str, int] = {}

    def _has_payment(self, key: str) -> bool:
        try:
            self.ledger.payment(key)
        except LedgerError:
            return False
        return True

    def _count(self, audit_number: str) -> int:
        n = self._calls.get(audit_number, 0)
        probe = n + 1
        while probe - n <= _PROBE_GAP:
            if self._has_payment(ledger_key(audit_number, probe)):
                n = probe
            probe += 1
        self._calls[audit_number] = n
        return n

    def next_key(self, audit_number: str) -> str:
        n = self._count(audit_number) + 1
        self._calls[audit_number] = n
        return ledger_key(audit_number, n)

    def payments(self, audit_number: str) -> list[SimPayment]:
        """Payments (reversed ones too) made under an audit number, oldest first."""
        out = []
        for n in range(1, self._count(audit_number) + 1):
            try:
                out.append(self.ledger.payment(ledger_key(audit_number, n)))
            except LedgerError:
                continue  # that call was refused
        return out


# --- the service -------------------------------------------------------------------------


class Cmis1Service:
    """The 1.0 commands over one ledger; ``in_doubt`` is the 1.0 fault knob."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.audits = AuditBook(ledger)
        self.in_doubt = InDoubt(lambda: self.ledger.clock())
        self._commands: dict[str, Callable[[_Call], tuple[str, ET.Element | bytes]]] = {
            "CUSTOMER-BILL": self.customer_bill,
            "SEARCH-CUSTOMER": self.search_customer,
            "BILLING": self.billing,
            "CHECK-TRANS": self.check_trans,
            "TRANSACTION-CANCELLATION": self.cancel,
            "TRANS-BY-DATE": self.trans_by_date,
            "DISCONNECTION-LIST": self.disconnection_list,
            "SUPPLY-CHANGE": self.supply_change,
            "BILLS-BY-BOOK": self.bills_by_book,
        }

    def routes(self) -> list[Route]:
        return [
            Route(V1_PATH, self.endpoint, methods=["POST"]),
            Route("/admin/cmis1/faults", self.get_faults, methods=["GET"]),
            Route("/admin/cmis1/faults", self.put_faults, methods=["PUT"]),
        ]

    async def endpoint(self, request: Request) -> Response:
        call: _Call | None = None
        body: ET.Element | bytes | None
        try:
            call = _parse_call(await _read_body(request), frozenset(self._commands))
            code, body = self._commands[call.command](call)
        except _Malformed:
            code, body = MALFORMED, None
        except LedgerError as e:
            code, body = e.code, None
        if call is not None and call.billed:
            request.scope[BILLED_SCOPE_KEY] = call.audit
        return _xml_response(code, body)

    # --- commands: each returns (code, <body>) or raises ---------------------------------

    def customer_bill(self, call: _Call) -> tuple[str, ET.Element]:
        c, unpaid = self.ledger.unpaid(_customer_code(call.body))
        body = ET.Element("body")
        el = _customer(body, c)
        add(el, "supply", c.supply)
        for i in unpaid:
            _bill(el, i)
        return (OK if unpaid else NO_DEBT), body

    def search_customer(self, call: _Call) -> tuple[str, ET.Element]:
        by, text = _one(call.body, "by"), _one(call.body, "text")
        if by not in SEARCH_BY:
            raise _Malformed("by")
        body = ET.Element("body")
        for c in self.ledger.data.search(by, _label(text, "text", 200), MAX_HITS):
            _customer(body, c)
        return OK, body

    def billing(self, call: _Call) -> tuple[str, ET.Element]:
        audit = _audit(call.audit)
        ids = _texts(call.body, "bill-id")
        if not 1 <= len(ids) <= MAX_BILLS or not all(BILL_ID.fullmatch(i) for i in ids):
            raise _Malformed("bill ids")
        invoice_ids = tuple(int(i) for i in ids)
        if len(set(invoice_ids)) != len(invoice_ids):
            raise _Malformed("repeated bill id")
        order = PaymentOrder(
            customer_code=_customer_code(call.body),
            invoice_ids=invoice_ids,
            total=_amount(_one(call.body, "amount")),
            collection_point=_label(call.point, "collection point"),
            cashier=_label(_one(call.body, "cashier"), "cashier"),
            at=self.ledger.clock(),
        )
        if order.total <= 0:
            raise _Malformed("amount")
        call.billed = True
        for _ in range(_PROBE_GAP + 1):
            try:
                payment = self.ledger.pay(self.audits.next_key(audit), order)
            except LedgerError as e:
                if e.code == KEY_REUSED:
                    continue  # a key refused before a restart: take the next one
                raise
            body = ET.Element("body")
            add(body, "receipt", payment.receipt_no)
            return OK, body
        raise _Malformed("no free ledger key")

    def check_trans(self, call: _Call) -> tuple[str, ET.Element]:
        asked = _audit(_one(call.body, "audit-number"))
        body = ET.Element("body")
        if self.in_doubt.in_doubt(asked):
            add(body, "status", STATUS_TIMEOUT)
            return OK, body
        payments = self.audits.payments(asked)
        if not payments:
            add(body, "status", STATUS_NOT_FOUND)
            return OK, body
        active = [p for p in payments if p.state == BILLING]
        shown = active[-1] if active else payments[-1]
        add(body, "status", shown.state)
        add(body, "receipt", shown.receipt_no)
        return OK, body

    def cancel(self, call: _Call) -> tuple[str, ET.Element]:
        """Cancels the latest payment still in force under the audit number; cancelling
        an already cancelled one is ``000`` again (as a 2.0 reversal is)."""
        _audit(call.audit)
        asked = _audit(_one(call.body, "audit-number"))
        reason = _label(_one(call.body, "reason"), "reason", 500)
        payments = self.audits.payments(asked)
        if not payments:
            raise LedgerError(UNKNOWN_TXN, f"unknown audit number {asked}")
        active = [p for p in payments if p.state == BILLING]
        if active:
            self.ledger.reverse(active[-1].txn_id, reason)
        return OK, ET.Element("body")

    def trans_by_date(self, call: _Call) -> tuple[str, ET.Element]:
        """Every collection point's transactions of the day, each naming its point, as
        CMIS 1.0 does: the caller keeps its own."""
        _label(call.point, "collection point")
        try:
            day = parse_date(_one(call.body, "date"))
        except ValueError:
            raise _Malformed("date") from None
        body = ET.Element("body")
        for p in self.ledger.payments_for_day(day, None):
            _trans(body, p)
        return OK, body

    def disconnection_list(self, call: _Call) -> tuple[str, bytes]:
        unit, book = _unit_and_book(call.body, book_required=False)
        try:
            as_of = parse_date(_one(call.body, "as-of"))
        except ValueError:
            raise _Malformed("as-of") from None
        return OK, _candidates_xml(self.ledger.disconnection_list(unit, as_of, book))

    def supply_change(self, call: _Call) -> tuple[str, ET.Element]:
        """Idempotent by state: no key, a repeat finds the state set and answers ``000``."""
        supply = _one(call.body, "supply")
        if supply not in SUPPLIES:
            raise _Malformed("supply")
        try:
            at = parse_minute(_one(call.body, "time"))
        except ValueError:
            raise _Malformed("time") from None
        order = SupplyOrder(
            customer_code=_customer_code(call.body),
            supply=supply,
            at=at,
            staff=_label(_one(call.body, "staff"), "staff"),
            reason=_optional(call.body, "reason")[:500],
        )
        body = ET.Element("body")
        add(body, "supply", self.ledger.change_supply(None, order))
        return OK, body

    def bills_by_book(self, call: _Call) -> tuple[str, ET.Element]:
        unit, book = _unit_and_book(call.body, book_required=True)
        assert book is not None
        body = ET.Element("body")
        for i in self.ledger.unpaid_of_book(unit, book):
            _bill(body, i)
            add(body[-1], "customer-code", i.customer_code)
        return OK, body

    # --- admin (not CMIS) ----------------------------------------------------------------

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.in_doubt.config.to_json())

    async def put_faults(self, request: Request) -> Response:
        try:
            config = InDoubtConfig.from_json(json.loads(await request.body()))
        except (ValueError, TypeError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        self.in_doubt.set(config)
        return JSONResponse(config.to_json())


class Cmis1Middleware:
    """Outside ``FaultMiddleware``, on ``/cmis1/`` only: its "busy" ``503`` (``refuse_rate``,
    ``down``) becomes a 1.0 answer with code ``096``; and a ``BILLING`` whose answer did
    not go out whole (``lose_answer_rate``) opens an in-doubt window for its audit number."""

    def __init__(self, app: ASGIApp, service: Cmis1Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(V1_PREFIX):
            await self.app(scope, receive, send)
            return
        status, busy, delivered = 0, False, False

        async def watch(message: Message) -> None:
            nonlocal status, busy, delivered
            if message["type"] == "http.response.start":
                status = message["status"]
                busy = status == 503
            if busy:
                return  # replaced by a 096 answer below
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                delivered = status == 200

        try:
            await self.app(scope, receive, watch)
        finally:
            audit = scope.get(BILLED_SCOPE_KEY)
            if audit is not None and not delivered:
                self.service.in_doubt.answer_lost(audit)
        if busy:
            body = answer_xml(BUSY)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/xml; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": False})
