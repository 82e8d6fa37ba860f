"""The bank's HTTP face: pay (by QR or by hand), refund, the day's statement, health, and
``/admin`` for testers. Wire parsing here; the account's rules in ``Ledger``; delivery in
``Sender``. Errors in the hall's one shape ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.bank.simulator.faults import FaultConfig, Faults
from integrations.bank.simulator.ledger import Ledger, LedgerError
from integrations.bank.simulator.sender import Retry, Sender
from qms.domain import vietqr

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_TEXT = 210  # a transfer's description, as Vietnamese banks bound it
CURRENCY = re.compile(r"[A-Z]{3}")

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class BankConfig:
    """Who the bank is and whom it notifies."""

    hall: str  # the hall's base URL: notifications go to {hall}/api/bank/notifications
    secret: str  # shared with the hall (bank.webhook_secret)
    account: str  # the hall's account, the only one this bank credits
    bank_bin: str = "970436"  # the acquirer BIN the hall's QR names
    opening_balance: int = 0


class _Refused(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _error(code: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _json(request: Request) -> dict[str, Any]:
    try:
        obj = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise _Refused("bad_json", "the body is not JSON") from None
    if not isinstance(obj, dict):
        raise _Refused("bad_json", "the body is a JSON object")
    return obj


def _amount(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise _Refused("bad_amount", "amount is a whole number of đồng above zero")
    return v


def _text(obj: dict[str, Any], key: str) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, str) or len(v) > MAX_TEXT:
        raise _Refused("bad_text", f"{key} is text of at most {MAX_TEXT} characters")
    return v.strip()


def create_app(
    config: BankConfig,
    *,
    faults: FaultConfig | None = None,
    retry: Retry | None = None,
    ledger: Ledger | None = None,
) -> Starlette:
    """The simulator; ``app.state`` holds ``ledger``, ``faults`` and ``sender`` (made in
    the lifespan, in the serving loop)."""
    ledger = ledger or Ledger(config.account, opening_balance=config.opening_balance)
    live = Faults(faults)

    def sender(request: Request) -> Sender:
        return request.app.state.sender  # type: ignore[no-any-return]

    def api(handler: Handler) -> Handler:
        """The bank's public API: 503 while down, refusals in the error shape."""

        async def wrapped(request: Request) -> Response:
            if live.config.down:
                return _error("bank_down", "the bank is not answering", 503)
            try:
                return await handler(request)
            except _Refused as r:
                return _error(r.code, r.message, r.status)
            except LedgerError as e:
                return _error(e.code, str(e))

        return wrapped

    async def pay(request: Request) -> Response:
        obj = await _json(request)
        extra = _text(obj, "description")
        currency = obj.get("currency", "VND")
        if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
            raise _Refused("bad_currency", "currency is three capital letters, e.g. VND")
        if "payload" in obj:
            text = obj["payload"]
            if not isinstance(text, str):
                raise _Refused("bad_qr", "payload is the QR's text")
            try:
                qr = vietqr.read(text)
            except vietqr.PayloadError as e:
                raise _Refused("bad_qr", f"not a VietQR: {e}") from None
            if qr.account != config.account or qr.bank_bin != config.bank_bin:
                raise _Refused("wrong_account", "the QR names another account or bank")
            if qr.currency != vietqr.VND:
                raise _Refused("bad_currency", "the QR is not in đồng")
            amount = qr.amount if qr.amount is not None else _amount(obj.get("amount"))
            reference = qr.reference
        else:
            amount = _amount(obj.get("amount"))
            reference = _text(obj, "reference")
            if not reference and not extra:
                raise _Refused("bad_reference", "a transfer by hand has a reference or text")
        description = " ".join(p for p in (reference, extra) if p)
        entry = ledger.credit(amount, description, currency)
        sender(request).notify(entry)
        return JSONResponse({"transaction_id": entry.transaction_id}, status_code=201)

    async def refund(request: Request) -> Response:
        obj = await _json(request)
        txn = obj.get("transaction_id")
        if not isinstance(txn, str):
            raise _Refused("bad_transaction", "transaction_id is the credit's id")
        entry = ledger.refund(txn, _amount(obj.get("amount")))
        return JSONResponse({"transaction_id": entry.transaction_id}, status_code=201)

    async def statement(request: Request) -> Response:
        raw = request.query_params.get("date", "")
        try:
            if not DATE.fullmatch(raw):
                raise ValueError
            date = dt.date.fromisoformat(raw)
        except ValueError:
            raise _Refused("bad_date", "date is YYYY-MM-DD") from None
        return Response(
            ledger.statement_csv(date).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="saoke-{raw}.csv"'},
        )

    async def healthz(request: Request) -> Response:
        if live.config.down:
            return _error("bank_down", "the bank is not answering", 503)
        return JSONResponse({"status": "ok"})

    async def get_faults(request: Request) -> Response:
        return JSONResponse(live.config.to_json())

    async def set_faults(request: Request) -> Response:
        try:
            cfg = FaultConfig.from_json(json.loads(await request.body()))
        except ValueError as e:
            return _error("bad_faults", str(e))
        live.set(cfg)
        sender(request).sync_up()
        return JSONResponse(cfg.to_json())

    async def reset(request: Request) -> Response:
        sender(request).reset()
        ledger.reset()
        live.set(FaultConfig())
        sender(request).sync_up()
        return JSONResponse({"status": "reset"})

    async def transactions(request: Request) -> Response:
        """Every line; ``?wait_s=N``: first wait (at most N s) until every notification
        has its outcome, so a tester waits on the bank, not on a clock."""
        raw = request.query_params.get("wait_s")
        if raw is not None:
            try:
                bound = float(raw)
                if not 0 <= bound <= 120:
                    raise ValueError
            except ValueError:
                return _error("bad_wait", "wait_s is seconds, 0 to 120")
            try:
                await sender(request).wait_idle(bound)
            except TimeoutError:
                return _error("still_sending", f"notifications still out after {bound} s", 409)
        notices = sender(request).by_id
        rows = []
        for e in list(ledger.entries):
            row: dict[str, Any] = {
                "transaction_id": e.transaction_id,
                "kind": e.kind,
                "amount": e.amount,
                "currency": e.currency,
                "description": e.description,
                "booked_at": e.booked_at,
                "balance": e.balance,
                "refund_of": e.refund_of,
            }
            n = notices.get(e.transaction_id)
            if n is not None:
                row["notification"] = n.to_json()
            rows.append(row)
        return JSONResponse({"transactions": rows, "balance": ledger.balance})

    async def resend(request: Request) -> Response:
        txn = request.path_params["transaction_id"]
        entry = ledger.get(txn)
        if entry is None or entry.kind != "credit":
            return _error("unknown_transaction", f"no credit {txn}", 404)
        n = sender(request).resend(entry)
        return JSONResponse({"transaction_id": txn, "state": n.state}, status_code=202)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.sender = Sender(config.hall, config.secret, config.account, live, retry)
        try:
            yield
        finally:
            await app.state.sender.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/pay", api(pay), methods=["POST"]),
        Route("/refund", api(refund), methods=["POST"]),
        Route("/statement", api(statement), methods=["GET"]),
        Route("/admin/faults", get_faults, methods=["GET"]),
        Route("/admin/faults", set_faults, methods=["POST", "PUT"]),
        Route("/admin/reset", reset, methods=["POST"]),
        Route("/admin/transactions", transactions, methods=["GET"]),
        Route("/admin/resend/{transaction_id}", resend, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.ledger = ledger
    app.state.faults = live
    app.state.config = config
    return app
