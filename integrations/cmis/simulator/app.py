"""The simulator's HTTP face: CMIS 2.0 JSON (exactly as CMIS.md), health and admin.

Wire parsing lives here and nowhere else; every rule lives in the ``Ledger``. The CMIS 1.0
XML endpoint (``POST /cmis1/service``, ``app_v1.py``) is one more route list built by
``create_app`` over the same ``Ledger`` and ``DemoData``.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.cmis.simulator.app_v1 import Cmis1Middleware, Cmis1Service
from integrations.cmis.simulator.data import DemoData, SimCustomer, SimInvoice, build_demo_data
from integrations.cmis.simulator.faults import FaultConfig, FaultMiddleware, Faults
from integrations.cmis.simulator.ledger import (
    DEFAULT_NOTICE_DAYS,
    MALFORMED,
    SUPPLIES,
    VN,
    Candidate,
    Ledger,
    LedgerError,
    PaymentOrder,
    SimPayment,
    SupplyOrder,
    journal_params,
)

CUSTOMER_CODE = re.compile(r"[A-Z]{2}[0-9]{11}")
UNIT = re.compile(r"[A-Z]{2}[0-9]{4}")
BOOK = re.compile(r"[A-Z]{2}[0-9]{4}[A-Z0-9]{1,10}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TXN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
SEARCH_BY = ("name", "address", "meter", "id_card", "bank_account")
MAX_LIMIT = 100
MAX_TEXT = 200

Handler = Callable[[Request], Awaitable[Response]]

V2_STATUS = {
    "0400": 400,
    "0017": 404,
    "2006": 404,
    "021": 409,
    "022": 409,
    "031": 409,
    "051": 409,
    "061": 409,
    "062": 409,
    "2007": 409,
    "0422": 422,
}


def default_demo_data(
    ledger_path: pathlib.Path | None = None,
    *,
    unit: str = "PE0100",
    customers: int = 10_000,
    seed: int = 2026,
    today: dt.date | None = None,
    books: int | None = None,
) -> DemoData:
    """Demo data for a (re)started simulator: a journal's own parameters win, so a
    simulator restarted on another day still matches the invoices it was paid for."""
    params = journal_params(ledger_path) if ledger_path is not None else None
    if params is not None:
        return build_demo_data(
            unit=params["unit"],
            customers=params["customers"],
            seed=params["seed"],
            today=dt.date.fromisoformat(params["today"]),
            books=params.get("books"),
        )
    return build_demo_data(
        unit=unit,
        customers=customers,
        seed=seed,
        today=today or dt.datetime.now(VN).date(),
        books=books,
    )


def create_app(
    data: DemoData | None = None,
    *,
    ledger_path: pathlib.Path | None = None,
    faults: FaultConfig | None = None,
    notice_days: int = DEFAULT_NOTICE_DAYS,
) -> Starlette:
    """A CMIS 2.0 and 1.0 simulator; ``app.state`` holds ``data``, ``ledger``, ``faults``
    and ``cmis1`` (the 1.0 service, with its ``in_doubt`` knob). ``notice_days`` (also
    ``ledger.notice_days``, ``PUT /admin/settings``) decides who is on the disconnection
    list."""
    if data is None:
        data = default_demo_data(ledger_path)
    ledger = Ledger(data, journal=ledger_path)
    ledger.notice_days = _notice_days(notice_days)
    live_faults = Faults(faults)
    v1 = Cmis1Service(ledger)
    routes = [
        Route("/healthz", _healthz, methods=["GET"]),
        *_V2(ledger).routes(),
        *v1.routes(),
        *_admin_routes(ledger, live_faults),
    ]
    middleware = [
        Middleware(Cmis1Middleware, service=v1),  # outside: sees what the faults did
        Middleware(FaultMiddleware, faults=live_faults),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.data = data
    app.state.ledger = ledger
    app.state.faults = live_faults
    app.state.cmis1 = v1
    return app


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


# --- CMIS 2.0 ----------------------------------------------------------------------------


class _Malformed(Exception):
    """The request does not follow the 2.0 contract: ``400 {"MA_LOI":"0400"}``."""


def _error(code: str) -> JSONResponse:
    return JSONResponse({"MA_LOI": code}, status_code=V2_STATUS.get(code, 400))


def _time(t: dt.datetime) -> str:
    return t.astimezone(VN).isoformat(timespec="seconds")


def _str_field(obj: dict[str, Any], key: str, *, max_len: int = 64) -> str:
    v = obj.get(key)
    if not isinstance(v, str) or not v.strip() or len(v) > max_len:
        raise _Malformed(key)
    return v


def _int(v: object) -> int:
    """A JSON integer: not a bool, not a float (``1.0`` and ``1e3`` are malformed)."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Malformed("integer expected")
    return v


def _notice_days(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 3650:
        raise ValueError("notice_days must be an integer of days, 0 to 3650")
    return v


def _date(raw: str) -> dt.date:
    if not DATE.fullmatch(raw):
        raise _Malformed("date")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as e:
        raise _Malformed("date") from e


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "MA_KHANG": c.code,
        "TEN_KHANG": c.name,
        "DCHI_KHANG": c.address,
        "MA_SOGCS": c.book_code,
        "TTRANG_CDIEN": c.supply,
        "SO_KY_NO": c.periods,
        "TIEN_NO_QUA_HAN": c.overdue,
        "HAN_TT_CU_NHAT": c.oldest_due.isoformat(),
    }


def _book_invoice_json(i: SimInvoice, book: str) -> dict[str, Any]:
    return {
        "ID_HDON": i.invoice_id,
        "MA_KHANG": i.customer_code,
        "MA_SOGCS": book,
        "KY": i.sub_period,
        "THANG": i.month,
        "NAM": i.year,
        "TONG_TIEN": i.total,
        "KIHIEU_SERY": i.series,
        "SO_SERY": i.number,
        "HAN_TT": i.due.isoformat(),
    }


def _supply_order(code: str, body: dict[str, Any]) -> SupplyOrder:
    supply = body.get("TTRANG_CDIEN")
    if supply not in SUPPLIES:
        raise _Malformed("TTRANG_CDIEN")
    try:
        at = dt.datetime.fromisoformat(_str_field(body, "THOI_GIAN"))
    except ValueError as e:
        raise _Malformed("THOI_GIAN") from e
    if at.utcoffset() is None:
        raise _Malformed("THOI_GIAN needs an offset")
    reason = body.get("LY_DO", "")
    if not isinstance(reason, str) or len(reason) > 500:
        raise _Malformed("LY_DO")
    return SupplyOrder(
        customer_code=code, supply=supply, at=at, staff=_str_field(body, "MA_NV"), reason=reason
    )


def _unit_and_book(q: Any, *, book_required: bool) -> tuple[str, str | None]:
    unit, book = q.get("unit", ""), q.get("book")
    if not UNIT.fullmatch(unit):
        raise _Malformed("unit")
    if book is None and book_required:
        raise _Malformed("book")
    if book is not None and not BOOK.fullmatch(book):
        raise _Malformed("book")
    return unit, book


def _invoice_json(i: SimInvoice) -> dict[str, Any]:
    return {
        "ID_HDON": i.invoice_id,
        "THANG": i.month,
        "NAM": i.year,
        "KY": i.sub_period,
        "SO_TIEN": i.amount,
        "TIEN_GTGT": i.vat,
        "TONG_TIEN": i.total,
        "KIHIEU_SERY": i.series,
        "SO_SERY": i.number,
        "HAN_TT": i.due.isoformat(),
    }


def _customer_json(c: SimCustomer) -> dict[str, Any]:
    return {
        "MA_KHANG": c.code,
        "TEN_KHANG": c.name,
        "DCHI_KHANG": c.address,
        "MA_SOGCS": c.book_code,
    }


def _payment_json(p: SimPayment) -> dict[str, Any]:
    return {
        "MA_GD": p.txn_id,
        "MA_KHANG": p.order.customer_code,
        "ID_HDON": list(p.order.invoice_ids),
        "TONG_TIEN": p.order.total,
        "TRANG_THAI": p.state,
        "THOI_GIAN": _time(p.recorded_at),
    }


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as e:
        raise _Malformed("body is not JSON") from e
    if not isinstance(body, dict):
        raise _Malformed("body is not a JSON object")
    return body


def _payment_order(body: dict[str, Any]) -> PaymentOrder:
    code = _str_field(body, "MA_KHANG")
    if not CUSTOMER_CODE.fullmatch(code):
        raise _Malformed("MA_KHANG")
    ids = body.get("ID_HDON")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise _Malformed("ID_HDON")
    invoice_ids = tuple(_int(i) for i in ids)
    if len(set(invoice_ids)) != len(invoice_ids):
        raise _Malformed("ID_HDON repeated")
    total = _int(body.get("TONG_TIEN"))
    if total <= 0:
        raise _Malformed("TONG_TIEN")
    try:
        at = dt.datetime.fromisoformat(_str_field(body, "THOI_GIAN"))
    except ValueError as e:
        raise _Malformed("THOI_GIAN") from e
    if at.utcoffset() is None:
        raise _Malformed("THOI_GIAN needs an offset")
    return PaymentOrder(
        customer_code=code,
        invoice_ids=invoice_ids,
        total=total,
        collection_point=_str_field(body, "MA_DIEM_THU"),
        cashier=_str_field(body, "MA_THU_NGAN"),
        at=at,
    )


def _txn(request: Request) -> str:
    txn: str = request.path_params["txn"]
    if not TXN_ID.fullmatch(txn):
        raise _Malformed("transaction id")
    return txn


class _V2:
    """Handlers of the 2.0 API over one ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def routes(self) -> list[Route]:
        h = self._handle
        return [
            Route("/v2/customers/{code}/debts", h(self.debts), methods=["GET"]),
            Route("/v2/customers", h(self.search), methods=["GET"]),
            Route("/v2/payments", h(self.pay), methods=["POST"]),
            Route("/v2/payments", h(self.day), methods=["GET"]),
            Route("/v2/payments/{txn}", h(self.status), methods=["GET"]),
            Route("/v2/payments/{txn}/reversal", h(self.reverse), methods=["POST"]),
            Route("/v2/disconnections", h(self.disconnections), methods=["GET"]),
            Route("/v2/customers/{code}/supply", h(self.supply), methods=["POST"]),
            Route("/v2/invoices", h(self.book_invoices), methods=["GET"]),
        ]

    @staticmethod
    def _handle(fn: Handler) -> Handler:
        """Turn ``_Malformed`` and ``LedgerError`` into CMIS error answers."""

        async def endpoint(request: Request) -> Response:
            try:
                return await fn(request)
            except _Malformed:
                return _error(MALFORMED)
            except LedgerError as e:
                return _error(e.code)

        return endpoint

    async def debts(self, request: Request) -> Response:
        code = request.path_params["code"]
        if not CUSTOMER_CODE.fullmatch(code):
            raise _Malformed("MA_KHANG")
        c, unpaid = self.ledger.unpaid(code)
        return JSONResponse(
            {
                "MA_KHANG": c.code,
                "TEN_KHANG": c.name,
                "DCHI_KHANG": c.address,
                "MA_DVIQLY": c.unit,
                "MA_SOGCS": c.book_code,
                "TTRANG_CDIEN": c.supply,
                "HOA_DON": [_invoice_json(i) for i in unpaid],
            }
        )

    async def search(self, request: Request) -> Response:
        q = request.query_params
        by, text, limit_s = q.get("by", ""), q.get("q", ""), q.get("limit", "20")
        if by not in SEARCH_BY or not text.strip() or len(text) > MAX_TEXT:
            raise _Malformed("by/q")
        if not limit_s.isascii() or not limit_s.isdigit() or not 1 <= int(limit_s) <= MAX_LIMIT:
            raise _Malformed("limit")
        hits = self.ledger.data.search(by, text, int(limit_s))
        return JSONResponse({"KHACH_HANG": [_customer_json(c) for c in hits]})

    async def pay(self, request: Request) -> Response:
        txn = request.headers.get("idempotency-key", "")
        if not TXN_ID.fullmatch(txn):
            raise _Malformed("Idempotency-Key")
        order = _payment_order(await _json_object(request))
        p = self.ledger.pay(txn, order)
        return JSONResponse({"MA_GD": p.txn_id, "SO_BIEN_NHAN": p.receipt_no}, status_code=201)

    async def status(self, request: Request) -> Response:
        p = self.ledger.payment(_txn(request))
        answer = _payment_json(p)
        answer["SO_BIEN_NHAN"] = p.receipt_no
        answer["MA_DIEM_THU"] = p.order.collection_point
        return JSONResponse(answer)

    async def reverse(self, request: Request) -> Response:
        txn = _txn(request)
        reason = (await _json_object(request)).get("LY_DO")
        if not isinstance(reason, str) or len(reason) > 500:
            raise _Malformed("LY_DO")
        p = self.ledger.reverse(txn, reason)
        return JSONResponse({"MA_GD": p.txn_id, "TRANG_THAI": p.state})

    async def day(self, request: Request) -> Response:
        q = request.query_params
        try:
            day = dt.date.fromisoformat(q.get("date", ""))
        except ValueError as e:
            raise _Malformed("date") from e
        point = q.get("collection_point", "")
        if not point.strip() or len(point) > 64:
            raise _Malformed("collection_point")
        found = self.ledger.payments_for_day(day, point)
        return JSONResponse({"GIAO_DICH": [_payment_json(p) for p in found]})

    async def disconnections(self, request: Request) -> Response:
        q = request.query_params
        unit, book = _unit_and_book(q, book_required=False)
        found = self.ledger.disconnection_list(unit, _date(q.get("as_of", "")), book)
        return JSONResponse({"DANH_SACH": [_candidate_json(c) for c in found]})

    async def supply(self, request: Request) -> Response:
        code = request.path_params["code"]
        if not CUSTOMER_CODE.fullmatch(code):
            raise _Malformed("MA_KHANG")
        key = request.headers.get("idempotency-key", "")
        if not TXN_ID.fullmatch(key):
            raise _Malformed("Idempotency-Key")
        order = _supply_order(code, await _json_object(request))
        supply = self.ledger.change_supply(key, order)
        return JSONResponse({"MA_KHANG": code, "TTRANG_CDIEN": supply})

    async def book_invoices(self, request: Request) -> Response:
        q = request.query_params
        unit, book = _unit_and_book(q, book_required=True)
        if q.get("status") != "unpaid":
            raise _Malformed("status")
        assert book is not None
        found = self.ledger.unpaid_of_book(unit, book)
        return JSONResponse({"HOA_DON": [_book_invoice_json(i, book) for i in found]})


# --- admin (not CMIS: for demos and tests) ------------------------------------------------


def _admin_routes(ledger: Ledger, faults: Faults) -> list[Route]:
    async def get_faults(request: Request) -> Response:
        return JSONResponse(faults.config.to_json())

    async def put_faults(request: Request) -> Response:
        try:
            config = FaultConfig.from_json(json.loads(await request.body()))
        except (ValueError, TypeError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        faults.set(config)
        return JSONResponse(config.to_json())

    base_clock = ledger.clock
    offset = [dt.timedelta(0)]

    def shifted() -> dt.datetime:
        return base_clock() + offset[0]

    ledger.clock = shifted

    async def put_clock(request: Request) -> Response:
        """Move CMIS's own clock (tests, demos): e.g. past midnight, where CMIS 1.0 books
        a ``BILLING`` on the next business day whatever day the hall took it."""
        try:
            obj = json.loads(await request.body())
            seconds = obj["offset_s"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ValueError("offset_s must be a number of seconds")
        except (ValueError, TypeError, KeyError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        offset[0] = dt.timedelta(seconds=seconds)
        return JSONResponse({"offset_s": seconds, "now": shifted().isoformat()})

    async def paid_elsewhere(request: Request) -> Response:
        raw = request.path_params["invoice_id"]
        if not raw.isascii() or not raw.isdigit():
            return JSONResponse({"error": "invoice id must be an integer"}, status_code=400)
        try:
            ledger.pay_elsewhere(int(raw))
        except KeyError:
            return JSONResponse({"error": "unknown invoice"}, status_code=404)
        return JSONResponse({"ID_HDON": int(raw), "paid_elsewhere": True})

    async def supply_changes(request: Request) -> Response:
        """The supply changes CMIS made (``?customer=CODE`` for one customer's): a test
        counts them to see a cut or a reconnection reached CMIS once."""
        code = request.query_params.get("customer")
        made = ledger.supply_changes(code)
        return JSONResponse(
            {
                "changes": [
                    {
                        "customer": c.order.customer_code,
                        "supply": c.order.supply,
                        "staff": c.order.staff,
                        "key": c.key,
                        "recorded_at": c.recorded_at.isoformat(),
                    }
                    for c in made
                ]
            }
        )

    async def get_settings(request: Request) -> Response:
        return JSONResponse({"notice_days": ledger.notice_days})

    async def put_settings(request: Request) -> Response:
        """``{"notice_days": N}``: days past a due date before the disconnection list."""
        try:
            obj = json.loads(await request.body())
            if not isinstance(obj, dict) or set(obj) - {"notice_days"}:
                raise ValueError("known settings: notice_days")
            if "notice_days" in obj:
                ledger.notice_days = _notice_days(obj["notice_days"])
        except (ValueError, TypeError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        return JSONResponse({"notice_days": ledger.notice_days})

    return [
        Route("/admin/settings", get_settings, methods=["GET"]),
        Route("/admin/settings", put_settings, methods=["PUT"]),
        Route("/admin/faults", get_faults, methods=["GET"]),
        Route("/admin/faults", put_faults, methods=["PUT"]),
        Route("/admin/clock", put_clock, methods=["PUT"]),
        Route("/admin/invoices/{invoice_id}/paid-elsewhere", paid_elsewhere, methods=["POST"]),
        Route("/admin/supply-changes", supply_changes, methods=["GET"]),
    ]
