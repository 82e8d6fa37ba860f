"""CMIS 1.0 adapter: the XML command envelope (``POST /cmis1/service``) to the project's types.

Same shape and strictness as the 2.0 adapter (``v2.py``): every answer is checked element by
element, anything off the contract is ``CmisBadAnswer``. The differences are 1.0's:

- one endpoint, always HTTP 200, the outcome in ``<code>``; ``096`` (busy) is retried like a
  ``5xx`` on reads;
- amounts are dotted strings (``1.234.567``), dates ``dd/MM/yyyy``, periods ``MM/YYYY``;
- ``BILLING`` is **not idempotent**, so ``post_payment`` sends it exactly once, whatever
  ``retries`` says (``idempotent_posting = False`` tells the caller). A reversal is sent
  once too: under one audit number it cancels the latest payment, so a repeat could cancel
  a later one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import xml.etree.ElementTree as ET

import httpx

from integrations.cmis.base import (
    BookInvoice,
    CmisBadAnswer,
    CmisError,
    CmisPayment,
    CmisUnavailable,
    CustomerDebts,
    CustomerNotFound,
    CustomerSummary,
    DisconnectionCandidate,
    Invoice,
    PaymentReceipt,
    PaymentRefused,
    PaymentRequest,
    PaymentState,
    PaymentUnknown,
    SearchBy,
    Supply,
    SupplyChange,
    SupplyRefused,
)
from integrations.cmis.http_client import CALL_ERRORS, MAX_ANSWER, HttpAdapter, TooLong, request_id
from integrations.cmis.v1_wire import (
    BUSY,
    MALFORMED,
    NO_DEBT,
    NOT_SAME_DAY,
    OK,
    RULE_CODES,
    STATUS_BILLING,
    STATUS_NOT_FOUND,
    STATUS_REVERT,
    STATUS_TIMEOUT,
    SUPPLY_CODES,
    UNKNOWN_CUSTOMER,
    UNKNOWN_TXN,
    add,
    format_amount,
    format_date,
    format_minute,
    parse_amount,
    parse_date,
    parse_period,
    parse_time,
    parse_xml,
    to_xml,
)
from integrations.cmis.v2 import CUSTOMER_CODE, clean_text

SERVICE_PATH = "/cmis1/service"
_CODE = re.compile(r"[0-9]{3,4}")
_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")
_STATES = {
    STATUS_BILLING: PaymentState.BILLING,
    STATUS_REVERT: PaymentState.REVERT,
    STATUS_TIMEOUT: PaymentState.IN_DOUBT,
    STATUS_NOT_FOUND: PaymentState.NOT_FOUND,
}


class _Xml:
    """Child-element access on one element; any contract breach raises ``CmisBadAnswer``.

    Values are leaf elements' text, stripped; a value element with children is a breach
    (a server that did not escape ``<`` would produce one)."""

    def __init__(self, el: ET.Element, what: str, request_id: str) -> None:
        self.el = el
        self.what = what
        self.request_id = request_id

    def bad(self, message: str, code: str = "") -> CmisBadAnswer:
        return CmisBadAnswer(f"{self.what}: {message}", code=code, request_id=self.request_id)

    def _leaf(self, tag: str) -> ET.Element | None:
        found = self.el.findall(tag)
        if len(found) > 1:
            raise self.bad(f"repeated <{tag}>")
        if found and len(found[0]):
            raise self.bad(f"<{tag}> holds elements, expected text")
        return found[0] if found else None

    def optional(self, tag: str) -> str | None:
        leaf = self._leaf(tag)
        return None if leaf is None else (leaf.text or "").strip()

    def text(self, tag: str, *, allow_empty: bool = False) -> str:
        v = self.optional(tag)
        if v is None:
            raise self.bad(f"missing <{tag}>")
        if not v and not allow_empty:
            raise self.bad(f"empty <{tag}>")
        return v

    def integer(self, tag: str, *, low: int = 0, high: int | None = None) -> int:
        return self._integer(tag, self.text(tag), low, high)

    def integers(self, tag: str, *, low: int = 0) -> tuple[int, ...]:
        """Every ``<tag>`` (a repeated element, like ``<bill-id>`` in ``<trans>``)."""
        out = []
        for e in self.el.findall(tag):
            if len(e):
                raise self.bad(f"<{tag}> holds elements, expected text")
            out.append(self._integer(tag, (e.text or "").strip(), low, None))
        return tuple(out)

    def _integer(self, tag: str, raw: str, low: int, high: int | None) -> int:
        if not _NUMBER.fullmatch(raw):
            raise self.bad(f"<{tag}> is not an integer: {raw!r}")
        v = int(raw)
        if v < low or (high is not None and v > high):
            raise self.bad(f"<{tag}> out of range: {v}")
        return v

    def amount(self, tag: str) -> int:
        return self._amount(tag, self.text(tag))

    def optional_amount(self, tag: str) -> int | None:
        raw = self.optional(tag)
        return None if raw is None else self._amount(tag, raw)

    def _amount(self, tag: str, raw: str) -> int:
        try:
            return parse_amount(raw)
        except ValueError:
            raise self.bad(f"<{tag}> is not a dotted amount: {raw!r}") from None

    def period(self, tag: str) -> tuple[int, int]:
        raw = self.text(tag)
        try:
            year, month = parse_period(raw)
        except ValueError:
            raise self.bad(f"<{tag}> is not MM/YYYY: {raw!r}") from None
        if not 2000 <= year <= 2100:
            raise self.bad(f"<{tag}> out of range: {raw!r}")
        return year, month

    def time(self, tag: str) -> dt.datetime:
        raw = self.text(tag)
        try:
            return parse_time(raw)
        except ValueError:
            raise self.bad(f"<{tag}> is not dd/MM/yyyy HH:mm:ss: {raw!r}") from None

    def optional_date(self, tag: str) -> dt.date | None:
        raw = self.optional(tag)
        if raw is None:
            return None
        try:
            return parse_date(raw)
        except ValueError:
            raise self.bad(f"<{tag}> is not dd/MM/yyyy: {raw!r}") from None

    def date(self, tag: str) -> dt.date:
        day = self.optional_date(tag)
        if day is None:
            raise self.bad(f"missing <{tag}>")
        return day

    def choice(self, tag: str, allowed: tuple[str, ...]) -> str:
        v = self.text(tag)
        if v not in allowed:
            raise self.bad(f"<{tag}> must be one of {sorted(allowed)}, got {v!r}")
        return v

    def customer_code(self, tag: str) -> str:
        v = self.text(tag)
        if not CUSTOMER_CODE.fullmatch(v):
            raise self.bad(f"<{tag}> is not a customer code: {v!r}")
        return v

    def all(self, tag: str) -> list[_Xml]:
        return [
            _Xml(e, f"{self.what}: <{tag}>[{n}]", self.request_id)
            for n, e in enumerate(self.el.findall(tag))
        ]

    def one(self, tag: str) -> _Xml:
        found = self.all(tag)
        if len(found) != 1:
            raise self.bad(f"expected one <{tag}>, got {len(found)}")
        return found[0]


class _Reply:
    """A well-formed 1.0 answer: its ``<code>`` and the envelope around ``<body>``."""

    def __init__(self, root: _Xml) -> None:
        self.root = root
        self.code = root.text("code")
        if not _CODE.fullmatch(self.code):
            raise root.bad(f"<code> is not a CMIS code: {self.code!r}")

    def body(self) -> _Xml:
        return self.root.one("body")

    def unexpected(self) -> CmisBadAnswer:
        return self.root.bad(f"unexpected code {self.code}", code=self.code)


class Cmis1Client(HttpAdapter):
    """``CmisClient`` over CMIS 1.0; one pooled ``httpx.AsyncClient`` for all calls."""

    version = "1.0"

    idempotent_posting: bool = False  # BILLING is executed anew on every call

    # --- CmisClient -----------------------------------------------------------------------

    async def find_customers(
        self, by: SearchBy, text: str, limit: int = 20
    ) -> list[CustomerSummary]:
        """CMIS 1.0 takes no limit: it is applied here."""
        rid = _request_id()
        fields = [("by", SearchBy(by).value), ("text", text)]
        reply = await self._call("SEARCH-CUSTOMER", fields, rid, what="search", retry=True)
        if reply.code != OK:
            raise self._error(reply, "search")
        return [
            CustomerSummary(
                code=c.customer_code("code"),
                name=clean_text(c.text("name", allow_empty=True)),
                address=clean_text(c.text("address", allow_empty=True)),
                book_code=c.text("book"),
            )
            for c in reply.body().all("customer")[:limit]
        ]

    async def get_debts(self, customer_code: str) -> CustomerDebts:
        """``unit`` is the code's first 6 characters (CMIS.md); ``Invoice.amount`` is
        ``<amount>`` (the total to pay) minus ``<vat>``, which the simulator adds and a
        CMIS without it leaves at 0."""
        rid = _request_id()
        if not CUSTOMER_CODE.fullmatch(customer_code):
            raise CustomerNotFound(
                f"malformed customer code {customer_code!r}", code=MALFORMED, request_id=rid
            )
        fields = [("customer-code", customer_code)]
        reply = await self._call("CUSTOMER-BILL", fields, rid, what="debts", retry=True)
        if reply.code == MALFORMED:
            raise CustomerNotFound(
                f"malformed customer code {customer_code!r}", code=MALFORMED, request_id=rid
            )
        if reply.code not in (OK, NO_DEBT):
            raise self._error(reply, "debts")
        c = reply.body().one("customer")
        code = c.customer_code("code")
        if code != customer_code:
            raise c.bad(f"asked for {customer_code}, CMIS answered for {code}")
        invoices = [self._invoice(b) for b in c.all("bill")]
        if reply.code == OK and not invoices:
            raise c.bad("code 000 (owes) without any <bill>")
        if reply.code == NO_DEBT and invoices:
            raise c.bad("code 0025 (no debt) with bills")
        if len({i.invoice_id for i in invoices}) != len(invoices):
            raise c.bad("repeated <bill-id>")
        return CustomerDebts(
            code=code,
            name=clean_text(c.text("name", allow_empty=True)),
            address=clean_text(c.text("address", allow_empty=True)),
            unit=code[:6],
            book_code=c.text("book"),
            supply=Supply(c.choice("supply", tuple(s.value for s in Supply))),
            invoices=tuple(sorted(invoices, key=lambda i: i.period_key)),
        )

    async def post_payment(self, request: PaymentRequest) -> PaymentReceipt:
        """``BILLING``, sent exactly once: CMIS 1.0 executes every call anew.

        - ``CmisUnavailable`` (timeout, ``5xx``, a lost or broken answer, busy ``096``):
          the outcome is unknown. Ask ``payment_status`` (``CHECK-TRANS``) first; post
          again only on ``NOT_FOUND``, wait and ask again on ``IN_DOUBT``.
        - ``PaymentRefused`` with code ``051`` says the bills are paid, *possibly by our own
          earlier call* of this ``txn_id`` whose answer was lost: a caller that posted this
          ``txn_id`` before must ask ``payment_status`` before believing "paid elsewhere".
        """
        if request.at.utcoffset() is None:
            raise ValueError("PaymentRequest.at must be timezone-aware")
        rid = _request_id()
        fields = [
            ("customer-code", request.customer_code),
            *(("bill-id", str(i)) for i in request.invoice_ids),
            ("amount", format_amount(request.total)),
            ("cashier", request.cashier),
        ]
        reply = await self._call(
            "BILLING",
            fields,
            rid,
            what="payment",
            audit=request.txn_id,
            point=request.collection_point,
            retry=False,
        )
        if reply.code in RULE_CODES:
            raise PaymentRefused("payment: refused by CMIS", code=reply.code, request_id=rid)
        if reply.code == MALFORMED:
            raise PaymentRefused("CMIS found the payment malformed", code=MALFORMED, request_id=rid)
        if reply.code != OK:
            raise self._error(reply, "payment")
        return PaymentReceipt(txn_id=request.txn_id, receipt_no=reply.body().text("receipt"))

    async def payment_status(self, txn_id: str) -> PaymentState:
        """``CHECK-TRANS``; ``TIMEOUT`` (CMIS itself in doubt) is ``IN_DOUBT``: ask later."""
        rid = _request_id()
        fields = [("audit-number", txn_id)]
        reply = await self._call("CHECK-TRANS", fields, rid, what="payment status", retry=True)
        if reply.code != OK:
            raise self._error(reply, "payment status")
        return _STATES[reply.body().choice("status", tuple(_STATES))]

    async def reverse_payment(self, txn_id: str, reason: str) -> None:
        """``TRANSACTION-CANCELLATION``, sent once (see the module docstring)."""
        rid = _request_id()
        fields = [("audit-number", txn_id), ("reason", reason)]
        reply = await self._call(
            "TRANSACTION-CANCELLATION", fields, rid, what="reversal", retry=False
        )
        if reply.code in (UNKNOWN_TXN, NOT_SAME_DAY):
            reason_text = "unknown transaction" if reply.code == UNKNOWN_TXN else "not same day"
            raise PaymentUnknown(f"reversal: {reason_text}", code=reply.code, request_id=rid)
        if reply.code != OK:
            raise self._error(reply, "reversal")

    async def payments_for_day(self, day: dt.date, collection_point: str) -> list[CmisPayment]:
        """``TRANS-BY-DATE``; 1.0 may list one audit number twice (paid, cancelled, paid),
        and lists every collection point's transactions: only ``collection_point``'s are
        kept (each ``<trans>`` names its ``<collection-point>``)."""
        rid = _request_id()
        reply = await self._call(
            "TRANS-BY-DATE",
            [("date", format_date(day))],
            rid,
            what="payments of the day",
            point=collection_point,
            retry=True,
        )
        if reply.code != OK:
            raise self._error(reply, "payments of the day")
        out = []
        for t in reply.body().all("trans"):
            if t.text("collection-point", allow_empty=True) != collection_point:
                continue
            ids = t.integers("bill-id", low=1)
            if not ids:
                raise t.bad("no <bill-id>")
            out.append(
                CmisPayment(
                    txn_id=t.text("audit-number"),
                    customer_code=t.customer_code("customer-code"),
                    invoice_ids=ids,
                    total=t.amount("amount"),
                    state=_STATES[t.choice("status", (STATUS_BILLING, STATUS_REVERT))],
                    at=t.time("time"),
                )
            )
        return out

    async def disconnection_list(
        self, unit: str, as_of: dt.date, book_code: str | None = None
    ) -> list[DisconnectionCandidate]:
        """``DISCONNECTION-LIST``."""
        rid = _request_id()
        fields = [("unit", unit), ("as-of", format_date(as_of))]
        if book_code is not None:
            fields.insert(1, ("book", book_code))
        what = "disconnection list"
        reply = await self._call("DISCONNECTION-LIST", fields, rid, what=what, retry=True)
        if reply.code != OK:
            raise self._error(reply, what)
        out = []
        for c in reply.body().all("customer"):
            code, book = c.customer_code("code"), c.text("book")
            if code[:6] != unit:
                raise c.bad(f"{code} is not of unit {unit}")
            if book_code is not None and book != book_code:
                raise c.bad(f"<book> {book!r} is not the book asked for, {book_code!r}")
            out.append(
                DisconnectionCandidate(
                    code=code,
                    name=clean_text(c.text("name", allow_empty=True)),
                    address=clean_text(c.text("address", allow_empty=True)),
                    unit=unit,
                    book_code=book,
                    supply=Supply(c.choice("supply", tuple(s.value for s in Supply))),
                    periods=c.integer("periods", low=1),
                    overdue=c.amount("overdue"),
                    oldest_due=c.date("oldest-due"),
                )
            )
        if len({c.code for c in out}) != len(out):
            raise reply.root.bad("repeated customer")
        return out

    async def change_supply(self, change: SupplyChange) -> Supply:
        """``SUPPLY-CHANGE``, retried like a read: CMIS 1.0 is idempotent by state (a
        repeat finds the state set and answers ``000``); ``change.key`` is not sent."""
        if change.at.utcoffset() is None:
            raise ValueError("SupplyChange.at must be timezone-aware")
        rid = _request_id()
        code = change.customer_code
        if not CUSTOMER_CODE.fullmatch(code):
            raise CustomerNotFound(
                f"malformed customer code {code!r}", code=MALFORMED, request_id=rid
            )
        fields = [
            ("customer-code", code),
            ("supply", Supply(change.supply).value),
            ("staff", change.staff),
            ("reason", change.reason),
            ("time", format_minute(change.at)),
        ]
        what = "supply change"
        reply = await self._call("SUPPLY-CHANGE", fields, rid, what=what, retry=True)
        if reply.code in SUPPLY_CODES:
            raise SupplyRefused(f"{what}: refused by CMIS", code=reply.code, request_id=rid)
        if reply.code == MALFORMED:
            raise SupplyRefused(
                "CMIS found the supply change malformed", code=MALFORMED, request_id=rid
            )
        if reply.code != OK:
            raise self._error(reply, what)
        body = reply.body()
        supply = Supply(body.choice("supply", tuple(s.value for s in Supply)))
        if supply != change.supply:
            raise body.bad(f"asked for {change.supply}, CMIS answered {supply} with 000")
        return supply

    async def unpaid_invoices_of_book(self, unit: str, book_code: str) -> list[BookInvoice]:
        """``BILLS-BY-BOOK``; 1.0 bills carry no book: each is of the book asked for."""
        rid = _request_id()
        fields = [("unit", unit), ("book", book_code)]
        what = "invoices of a book"
        reply = await self._call("BILLS-BY-BOOK", fields, rid, what=what, retry=True)
        if reply.code != OK:
            raise self._error(reply, what)
        out = []
        for b in reply.body().all("bill"):
            i = self._invoice(b)
            out.append(
                BookInvoice(
                    invoice_id=i.invoice_id,
                    customer_code=b.customer_code("customer-code"),
                    book_code=book_code,
                    year=i.year,
                    month=i.month,
                    sub_period=i.sub_period,
                    total=i.total,
                    series=clean_text(b.text("series", allow_empty=True)),
                    number=clean_text(b.text("number", allow_empty=True)),
                    due=i.due,
                )
            )
        if len({i.invoice_id for i in out}) != len(out):
            raise reply.root.bad("repeated <bill-id>")
        return out

    # --- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _invoice(b: _Xml) -> Invoice:
        total = b.amount("amount")
        vat = b.optional_amount("vat")
        vat = 0 if vat is None else vat
        if vat > total:
            raise b.bad(f"<vat> {vat} exceeds <amount> {total}")
        year, month = b.period("period")
        return Invoice(
            invoice_id=b.integer("bill-id", low=1),
            year=year,
            month=month,
            sub_period=b.integer("term", low=1, high=3),
            amount=total - vat,
            vat=vat,
            total=total,
            series=b.optional("series") or "",
            number=b.optional("number") or "",
            due=b.optional_date("due"),
        )

    @staticmethod
    def _error(reply: _Reply, what: str) -> CmisError:
        """A code that is not a success for this command."""
        rid = reply.root.request_id
        if reply.code == UNKNOWN_CUSTOMER:
            return CustomerNotFound(f"{what}: unknown customer", code=reply.code, request_id=rid)
        if reply.code == MALFORMED:
            return CmisError(
                f"{what}: CMIS found the request malformed", code=MALFORMED, request_id=rid
            )
        return reply.unexpected()

    async def _call(
        self,
        command: str,
        fields: list[tuple[str, str]],
        request_id: str,
        *,
        what: str,
        audit: str = "",
        point: str = "",
        retry: bool,
    ) -> _Reply:
        """One command, tried up to ``1 + retries`` times on transport errors, ``5xx`` and
        busy (``096``). ``audit`` defaults to the request id (reads change no money)."""
        payload = _envelope(command, audit or request_id, point, fields)
        headers = {
            "X-Request-Id": request_id,
            "Content-Type": "application/xml; charset=utf-8",
            "Accept": "application/xml",
        }
        attempts = 1 + (self.retries if retry else 0)
        problem, busy = "", False
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                r = await self._exchange(
                    "POST", self.base_url + SERVICE_PATH, content=payload, headers=headers
                )
            except httpx.TimeoutException as e:
                problem, busy = f"timeout after {self._timeout} s ({type(e).__name__})", False
                continue
            except httpx.TransportError as e:
                problem, busy = f"{type(e).__name__}: {e}", False
                continue
            except TooLong as e:
                raise CmisBadAnswer(f"{what}: {e}", request_id=request_id) from None
            status, raw = r.status, r.content
            if status >= 500:
                problem, busy = f"HTTP {status}", False
                continue
            if status != 200:
                raise CmisBadAnswer(
                    f"{what}: unexpected HTTP {status} ({raw[:120]!r})",
                    request_id=request_id,
                    details={"status": status},
                )
            reply = _parse_reply(raw, what, request_id)
            if reply.code != BUSY:
                return reply
            problem, busy = "CMIS busy (096)", True
            CALL_ERRORS.labels(self.version, "busy").inc()  # an HTTP 200 that says busy
        raise CmisUnavailable(
            f"{command}: {problem}",
            code=BUSY if busy else "",
            request_id=request_id,
            details={"attempts": attempts, "command": command},
        )


_request_id = request_id


def _envelope(command: str, audit: str, point: str, fields: list[tuple[str, str]]) -> bytes:
    root = ET.Element("request")
    add(root, "command", command)
    add(root, "audit-number", audit)
    add(root, "collection-point", point)
    body = add(root, "body")
    for tag, value in fields:
        add(body, tag, value)
    return to_xml(root)


def _parse_reply(raw: bytes, what: str, request_id: str) -> _Reply:
    try:
        root = parse_xml(raw, limit=MAX_ANSWER)
    except ValueError as e:
        raise CmisBadAnswer(
            f"{what}: answer {e}",
            request_id=request_id,
            details={"body": raw[:200].decode("utf-8", "replace")},
        ) from None
    x = _Xml(root, what, request_id)
    if root.tag != "response":
        raise x.bad(f"root element is <{root.tag}>, not <response>")
    return _Reply(x)
