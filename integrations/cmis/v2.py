"""CMIS 2.0 adapter: JSON over HTTP to the project's own CMIS types (``base.py``).

Everything CMIS sends is untrusted: each answer is checked field by field against the
contract, and anything off it becomes ``CmisBadAnswer`` rather than a half-parsed value.
Only GETs and the idempotent ``POST /v2/payments`` (same Idempotency-Key on every try) are
retried; a reversal is sent once, because the contract does not promise it is idempotent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

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
from integrations.cmis.http_client import HttpAdapter, Reply, TooLong, request_id

VN = dt.timezone(dt.timedelta(hours=7), "+07:00")
RULE_CODES = frozenset({"021", "022", "031", "051"})
SUPPLY_CODES = frozenset({"061", "062"})
CUSTOMER_CODE = re.compile(r"[A-Z]{2}[0-9]{11}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
_SPACES = re.compile(r" {2,}")


def clean_text(text: str) -> str:
    """Names and addresses for screens and printers: controls (C0/C1, bidi overrides) become
    spaces, space runs collapse, NFC composition; quotes, ``<`` and ``&`` stay (escaping is
    the UI's job, not ours)."""
    spaced = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", spaced).strip()


class _Answer:
    """Field access on a JSON object that raises ``CmisBadAnswer`` on any contract breach."""

    def __init__(self, obj: object, what: str, request_id: str) -> None:
        self.what = what
        self.request_id = request_id
        if not isinstance(obj, dict):
            raise self.bad(f"expected a JSON object, got {type(obj).__name__}")
        self.obj: dict[str, Any] = obj

    def bad(self, message: str) -> CmisBadAnswer:
        return CmisBadAnswer(f"{self.what}: {message}", request_id=self.request_id)

    def _get(self, key: str) -> object:
        if key not in self.obj:
            raise self.bad(f"missing field {key}")
        return self.obj[key]

    def text(self, key: str, *, allow_empty: bool = False) -> str:
        v = self._get(key)
        if not isinstance(v, str) or (not allow_empty and not v.strip()):
            raise self.bad(f"{key} must be a non-empty string, got {v!r}")
        return v

    def integer(self, key: str, *, low: int = 0, high: int | None = None) -> int:
        v = self._get(key)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.bad(f"{key} must be an integer, got {v!r}")
        if v < low or (high is not None and v > high):
            raise self.bad(f"{key} out of range: {v}")
        return v

    def items(self, key: str) -> list[object]:
        v = self._get(key)
        if not isinstance(v, list):
            raise self.bad(f"{key} must be a list, got {type(v).__name__}")
        return v

    def ids(self, key: str) -> tuple[int, ...]:
        out = []
        for v in self.items(key):
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise self.bad(f"{key} must hold positive integers, got {v!r}")
            out.append(v)
        return tuple(out)

    def choice(self, key: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
        v = self.text(key)
        if v not in allowed:
            raise self.bad(f"{key} must be one of {sorted(allowed)}, got {v!r}")
        return v

    def time(self, key: str) -> dt.datetime:
        raw = self.text(key)
        try:
            t = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise self.bad(f"{key} is not an ISO 8601 time: {raw!r}") from None
        if t.utcoffset() is None:
            raise self.bad(f"{key} has no UTC offset: {raw!r}")
        return t

    def date(self, key: str) -> dt.date:
        raw = self.text(key)
        if not _DATE.fullmatch(raw):
            raise self.bad(f"{key} is not a YYYY-MM-DD date: {raw!r}")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise self.bad(f"{key} is not a calendar date: {raw!r}") from None

    def optional_date(self, key: str) -> dt.date | None:
        """None when CMIS does not send the field (or sends null)."""
        return None if self.obj.get(key) is None else self.date(key)

    def customer_code(self, key: str) -> str:
        v = self.text(key)
        if not CUSTOMER_CODE.fullmatch(v):
            raise self.bad(f"{key} is not a customer code: {v!r}")
        return v

    def sub(self, v: object, what: str) -> _Answer:
        return _Answer(v, f"{self.what}: {what}", self.request_id)


class Cmis2Client(HttpAdapter):
    """``CmisClient`` over CMIS 2.0; one pooled ``httpx.AsyncClient`` for all calls."""

    version = "2.0"

    idempotent_posting: bool = True  # CMIS 2.0 deduplicates payments by Idempotency-Key

    # --- CmisClient -----------------------------------------------------------------------

    async def find_customers(
        self, by: SearchBy, text: str, limit: int = 20
    ) -> list[CustomerSummary]:
        rid = _request_id()
        params = {"by": SearchBy(by).value, "q": text, "limit": str(limit)}
        r = await self._send("GET", "/v2/customers", rid, params=params, retry=True)
        a = self._ok(r, rid, "search", {200})
        out = []
        for n, item in enumerate(a.items("KHACH_HANG")[:limit]):
            c = a.sub(item, f"KHACH_HANG[{n}]")
            out.append(
                CustomerSummary(
                    code=c.text("MA_KHANG"),
                    name=clean_text(c.text("TEN_KHANG", allow_empty=True)),
                    address=clean_text(c.text("DCHI_KHANG", allow_empty=True)),
                    book_code=c.text("MA_SOGCS"),
                )
            )
        return out

    async def get_debts(self, customer_code: str) -> CustomerDebts:
        rid = _request_id()
        if not CUSTOMER_CODE.fullmatch(customer_code):
            # Not worth a call: CMIS would answer 0400, or a path it does not route.
            raise CustomerNotFound(
                f"malformed customer code {customer_code!r}", code="0400", request_id=rid
            )
        path = f"/v2/customers/{customer_code}/debts"
        r = await self._send("GET", path, rid, retry=True)
        if r.status == 400:
            raise CustomerNotFound(
                f"malformed customer code {customer_code!r}", code="0400", request_id=rid
            )
        a = self._ok(r, rid, "debts", {200})
        code = a.text("MA_KHANG")
        if code != customer_code:
            raise a.bad(f"asked for {customer_code}, CMIS answered for {code}")
        invoices = [
            self._invoice(a.sub(v, f"HOA_DON[{n}]")) for n, v in enumerate(a.items("HOA_DON"))
        ]
        if len({i.invoice_id for i in invoices}) != len(invoices):
            raise a.bad("repeated ID_HDON")
        return CustomerDebts(
            code=code,
            name=clean_text(a.text("TEN_KHANG", allow_empty=True)),
            address=clean_text(a.text("DCHI_KHANG", allow_empty=True)),
            unit=a.text("MA_DVIQLY"),
            book_code=a.text("MA_SOGCS"),
            supply=Supply(a.choice("TTRANG_CDIEN", tuple(Supply))),
            invoices=tuple(sorted(invoices, key=lambda i: i.period_key)),
        )

    async def post_payment(self, request: PaymentRequest) -> PaymentReceipt:
        """Safe to call again with the same request: CMIS 2.0 deduplicates by ``txn_id``."""
        if request.at.utcoffset() is None:
            raise ValueError("PaymentRequest.at must be timezone-aware")
        rid = _request_id()
        body = {
            "MA_KHANG": request.customer_code,
            "ID_HDON": list(request.invoice_ids),
            "TONG_TIEN": request.total,
            "MA_DIEM_THU": request.collection_point,
            "MA_THU_NGAN": request.cashier,
            "THOI_GIAN": request.at.astimezone(VN).isoformat(),
        }
        headers = {"Idempotency-Key": request.txn_id}
        r = await self._send(
            "POST", "/v2/payments", rid, json_body=body, headers=headers, retry=True
        )
        if r.status == 400:
            raise PaymentRefused("CMIS found the payment malformed", code="0400", request_id=rid)
        a = self._ok(r, rid, "payment", {200, 201})
        txn = a.text("MA_GD")
        if txn != request.txn_id:
            raise a.bad(f"MA_GD {txn!r} is not our {request.txn_id!r}")
        return PaymentReceipt(txn_id=txn, receipt_no=a.text("SO_BIEN_NHAN"))

    async def payment_status(self, txn_id: str) -> PaymentState:
        """``NOT_FOUND`` when CMIS does not know the id (2006): the payment did not happen."""
        rid = _request_id()
        r = await self._send("GET", f"/v2/payments/{quote(txn_id, safe='')}", rid, retry=True)
        if r.status == 404 and _error_code(r) == "2006":
            return PaymentState.NOT_FOUND
        a = self._ok(r, rid, "payment status", {200})
        if a.text("MA_GD") != txn_id:
            raise a.bad(f"MA_GD is not {txn_id!r}")
        return PaymentState(a.choice("TRANG_THAI", ("BILLING", "REVERT")))

    async def reverse_payment(self, txn_id: str, reason: str) -> None:
        rid = _request_id()
        path = f"/v2/payments/{quote(txn_id, safe='')}/reversal"
        r = await self._send("POST", path, rid, json_body={"LY_DO": reason}, retry=False)
        self._ok(r, rid, "reversal", {200})

    async def payments_for_day(self, day: dt.date, collection_point: str) -> list[CmisPayment]:
        rid = _request_id()
        params = {"date": day.isoformat(), "collection_point": collection_point}
        r = await self._send("GET", "/v2/payments", rid, params=params, retry=True)
        a = self._ok(r, rid, "payments of the day", {200})
        out = []
        for n, item in enumerate(a.items("GIAO_DICH")):
            p = a.sub(item, f"GIAO_DICH[{n}]")
            out.append(
                CmisPayment(
                    txn_id=p.text("MA_GD"),
                    customer_code=p.text("MA_KHANG"),
                    invoice_ids=p.ids("ID_HDON"),
                    total=p.integer("TONG_TIEN"),
                    state=PaymentState(p.choice("TRANG_THAI", ("BILLING", "REVERT"))),
                    at=p.time("THOI_GIAN"),
                )
            )
        return out

    async def disconnection_list(
        self, unit: str, as_of: dt.date, book_code: str | None = None
    ) -> list[DisconnectionCandidate]:
        rid = _request_id()
        params = {"unit": unit, "as_of": as_of.isoformat()}
        if book_code is not None:
            params["book"] = book_code
        r = await self._send("GET", "/v2/disconnections", rid, params=params, retry=True)
        a = self._ok(r, rid, "disconnection list", {200})
        out = []
        for n, item in enumerate(a.items("DANH_SACH")):
            c = a.sub(item, f"DANH_SACH[{n}]")
            code, book = c.customer_code("MA_KHANG"), c.text("MA_SOGCS")
            if code[:6] != unit:
                raise c.bad(f"{code} is not of unit {unit}")
            if book_code is not None and book != book_code:
                raise c.bad(f"book {book!r} is not the book asked for, {book_code!r}")
            out.append(
                DisconnectionCandidate(
                    code=code,
                    name=clean_text(c.text("TEN_KHANG", allow_empty=True)),
                    address=clean_text(c.text("DCHI_KHANG", allow_empty=True)),
                    unit=unit,
                    book_code=book,
                    supply=Supply(c.choice("TTRANG_CDIEN", tuple(Supply))),
                    periods=c.integer("SO_KY_NO", low=1),
                    overdue=c.integer("TIEN_NO_QUA_HAN"),
                    oldest_due=c.date("HAN_TT_CU_NHAT"),
                )
            )
        if len({c.code for c in out}) != len(out):
            raise a.bad("repeated MA_KHANG")
        return out

    async def change_supply(self, change: SupplyChange) -> Supply:
        """Safe to call again with the same change: CMIS 2.0 deduplicates by ``key``."""
        if change.at.utcoffset() is None:
            raise ValueError("SupplyChange.at must be timezone-aware")
        rid = _request_id()
        code = change.customer_code
        if not CUSTOMER_CODE.fullmatch(code):
            raise CustomerNotFound(f"malformed customer code {code!r}", code="0400", request_id=rid)
        body = {
            "TTRANG_CDIEN": Supply(change.supply).value,
            "THOI_GIAN": change.at.astimezone(VN).isoformat(),
            "MA_NV": change.staff,
            "LY_DO": change.reason,
        }
        headers = {"Idempotency-Key": change.key}
        path = f"/v2/customers/{code}/supply"
        r = await self._send("POST", path, rid, json_body=body, headers=headers, retry=True)
        if r.status == 400:
            raise SupplyRefused(
                "CMIS found the supply change malformed", code="0400", request_id=rid
            )
        if r.status not in (200, 201):
            raise _error_for(r, rid, "supply change", SUPPLY_CODES, SupplyRefused)
        a = self._ok(r, rid, "supply change", {200, 201})
        if a.text("MA_KHANG") != code:
            raise a.bad(f"MA_KHANG is not {code}")
        supply = Supply(a.choice("TTRANG_CDIEN", tuple(Supply)))
        if supply != change.supply:
            raise a.bad(f"asked for {change.supply}, CMIS answered {supply} with a success")
        return supply

    async def unpaid_invoices_of_book(self, unit: str, book_code: str) -> list[BookInvoice]:
        rid = _request_id()
        params = {"unit": unit, "book": book_code, "status": "unpaid"}
        r = await self._send("GET", "/v2/invoices", rid, params=params, retry=True)
        a = self._ok(r, rid, "invoices of a book", {200})
        out = []
        for n, item in enumerate(a.items("HOA_DON")):
            b = a.sub(item, f"HOA_DON[{n}]")
            if b.text("MA_SOGCS") != book_code:
                raise b.bad(f"MA_SOGCS is not {book_code!r}")
            out.append(
                BookInvoice(
                    invoice_id=b.integer("ID_HDON", low=1),
                    customer_code=b.customer_code("MA_KHANG"),
                    book_code=book_code,
                    year=b.integer("NAM", low=2000, high=2100),
                    month=b.integer("THANG", low=1, high=12),
                    sub_period=b.integer("KY", low=1, high=3),
                    total=b.integer("TONG_TIEN"),
                    series=clean_text(b.text("KIHIEU_SERY", allow_empty=True)),
                    number=clean_text(b.text("SO_SERY", allow_empty=True)),
                    due=b.optional_date("HAN_TT"),
                )
            )
        if len({i.invoice_id for i in out}) != len(out):
            raise a.bad("repeated ID_HDON")
        return out

    # --- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _invoice(a: _Answer) -> Invoice:
        amount, vat, total = a.integer("SO_TIEN"), a.integer("TIEN_GTGT"), a.integer("TONG_TIEN")
        invoice_id = a.integer("ID_HDON", low=1)
        return Invoice(
            invoice_id=invoice_id,
            year=a.integer("NAM", low=2000, high=2100),
            month=a.integer("THANG", low=1, high=12),
            sub_period=a.integer("KY", low=1, high=3),
            amount=amount,
            vat=vat,
            total=total,
            series=a.text("KIHIEU_SERY", allow_empty=True),
            number=a.text("SO_SERY", allow_empty=True),
            due=a.optional_date("HAN_TT"),
        )

    async def _send(
        self,
        method: str,
        path: str,
        request_id: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        retry: bool,
    ) -> Reply:
        """One call, tried up to ``1 + retries`` times on transport errors and 5xx."""
        url = self.base_url + path
        all_headers = {"X-Request-Id": request_id, "Accept": "application/json", **(headers or {})}
        attempts = 1 + (self.retries if retry else 0)
        problem = ""
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                r = await self._exchange(
                    method, url, params=params, json=json_body, headers=all_headers
                )
            except TooLong as e:
                raise CmisBadAnswer(f"{method} {path}: {e}", request_id=request_id) from None
            except httpx.TimeoutException as e:
                problem = f"timeout after {self._timeout} s ({type(e).__name__})"
            except httpx.TransportError as e:
                problem = f"{type(e).__name__}: {e}"
            else:
                if r.status < 500:
                    return r
                problem = f"HTTP {r.status}"
        raise CmisUnavailable(
            f"{method} {path}: {problem}",
            request_id=request_id,
            details={"attempts": attempts, "path": path},
        )

    def _ok(self, r: Reply, rid: str, what: str, ok: set[int]) -> _Answer:
        """The JSON object of a success, or the project error for CMIS's error answer."""
        if r.status in ok:
            try:
                obj = _loads(r.content)
            except ValueError:
                raise CmisBadAnswer(
                    f"{what}: HTTP {r.status} answer is not JSON "
                    f"({r.content_type or 'no content-type'})",
                    request_id=rid,
                    details={"status": r.status, "body": r.text[:200]},
                ) from None
            return _Answer(obj, what, rid)
        raise _error_for(r, rid, what)


_request_id = request_id


def _loads(content: bytes) -> Any:
    """CMIS's JSON, or ValueError for garbage: not JSON, nested past the stack, or text
    with a lone surrogate (no page, paper or database could carry it)."""
    try:
        obj = json.loads(content)
        json.dumps(obj, ensure_ascii=False).encode()
    except (RecursionError, UnicodeError) as e:  # UnicodeDecodeError is a ValueError too
        raise ValueError(f"not usable JSON: {type(e).__name__}") from None
    return obj


def _error_code(r: Reply) -> str | None:
    """CMIS's MA_LOI, or None when the error answer is not CMIS-shaped."""
    try:
        obj = _loads(r.content)
    except ValueError:
        return None
    code = obj.get("MA_LOI") if isinstance(obj, dict) else None
    return code if isinstance(code, str) else None


def _error_for(
    r: Reply,
    rid: str,
    what: str,
    rules: frozenset[str] = RULE_CODES,
    refused: type[CmisError] = PaymentRefused,
) -> CmisError:
    """``rules``: the 409 codes of this call, raised as ``refused`` (with 422 ``0422``)."""
    code = _error_code(r)
    status = r.status
    details: dict[str, object] = {"status": status}
    if status == 404 and code == "0017":
        return CustomerNotFound(f"{what}: unknown customer", code=code, request_id=rid)
    if (status == 409 and code in rules) or (status == 422 and code == "0422"):
        return refused(f"{what}: refused by CMIS", code=code, request_id=rid)
    if (status == 404 and code == "2006") or (status == 409 and code == "2007"):
        reason = "unknown transaction" if code == "2006" else "not the same business day"
        return PaymentUnknown(f"{what}: {reason}", code=code, request_id=rid)
    if status == 400 and code == "0400":
        return CmisError(f"{what}: CMIS found the request malformed", code=code, request_id=rid)
    return CmisBadAnswer(
        f"{what}: unexpected HTTP {status} answer {r.text[:120]!r}",
        code=code or "",
        request_id=rid,
        details=details,
    )
