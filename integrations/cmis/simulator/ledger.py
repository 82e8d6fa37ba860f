"""The simulator's money state: which invoices are paid, by which transaction, and how.

Protocol-agnostic on purpose: the 2.0 JSON API (and later the 1.0 XML one) parse their
wire format into a ``PaymentOrder`` and map a ``LedgerError.code`` back to their own
answer. Every CMIS payment rule is enforced here, once, for every version.

Persistence is an append-only journal of JSON lines, written before memory is changed and
replayed at start, so a restarted simulator keeps what it was paid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from integrations.cmis.simulator.data import DemoData, SimCustomer, SimInvoice

VN = dt.timezone(dt.timedelta(hours=7), "+07:00")

BILLING = "BILLING"
REVERT = "REVERT"

MALFORMED = "0400"
UNKNOWN_CUSTOMER = "0017"
NOT_OLDEST_FIRST = "021"
NOT_CONSECUTIVE = "022"
WRONG_AMOUNT = "031"
ALREADY_PAID = "051"
KEY_REUSED = "0422"
UNKNOWN_TXN = "2006"
NOT_SAME_DAY = "2007"

_ELSEWHERE = ""  # marker in ``_paid_by``: paid through a bank / payment network, not a txn
_JOURNAL_VERSION = 1


class LedgerError(Exception):
    """A CMIS refusal; ``code`` is CMIS's MA_LOI, the API decides the HTTP status."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


def now_vn() -> dt.datetime:
    """CMIS's clock: wall time in UTC+7 (tests replace ``Ledger.clock``)."""
    return dt.datetime.now(VN)


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """What a caller asks to pay; two orders are "the same body" when they are equal."""

    customer_code: str
    invoice_ids: tuple[int, ...]
    total: int
    collection_point: str
    cashier: str
    at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "customer_code": self.customer_code,
            "invoice_ids": list(self.invoice_ids),
            "total": self.total,
            "collection_point": self.collection_point,
            "cashier": self.cashier,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PaymentOrder:
        return cls(
            customer_code=obj["customer_code"],
            invoice_ids=tuple(obj["invoice_ids"]),
            total=obj["total"],
            collection_point=obj["collection_point"],
            cashier=obj["cashier"],
            at=dt.datetime.fromisoformat(obj["at"]),
        )


@dataclass(frozen=True, slots=True)
class SimPayment:
    """A payment CMIS accepted; ``recorded_at`` (CMIS's clock) decides its business day."""

    txn_id: str
    order: PaymentOrder
    receipt_no: str
    recorded_at: dt.datetime
    state: str = BILLING
    reversed_at: dt.datetime | None = None
    reason: str = ""

    @property
    def business_day(self) -> dt.date:
        return self.recorded_at.astimezone(VN).date()


def journal_params(path: pathlib.Path) -> dict[str, Any] | None:
    """The demo-data parameters a journal was written for (None: no journal yet)."""
    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except FileNotFoundError:
        return None
    if not first.strip():
        return None
    head = json.loads(first)
    if head.get("op") != "open":
        raise ValueError(f"{path}: not a CMIS simulator journal")
    return dict(head["data"])


class Ledger:
    """Unpaid invoices, payments by transaction id, reversals; thread-safe."""

    def __init__(
        self,
        data: DemoData,
        *,
        journal: pathlib.Path | None = None,
        clock: Callable[[], dt.datetime] = now_vn,
    ) -> None:
        self.data = data
        self.clock = clock
        self._lock = threading.Lock()
        self._journal = journal
        self._paid_by: dict[int, str] = {}  # invoice id -> txn id, or _ELSEWHERE
        self._payments: dict[str, SimPayment] = {}
        self._refusals: dict[str, tuple[PaymentOrder, str]] = {}  # first answer was a refusal
        self._receipts = 0
        if journal is not None:
            self._open_journal(journal)

    # --- reads ----------------------------------------------------------------------------

    def customer(self, code: str) -> SimCustomer:
        c = self.data.customers.get(code)
        if c is None:
            raise LedgerError(UNKNOWN_CUSTOMER, f"unknown customer {code}")
        return c

    def unpaid(self, code: str) -> tuple[SimCustomer, list[SimInvoice]]:
        """The customer and their unpaid invoices, oldest first."""
        c = self.customer(code)
        with self._lock:
            return c, [i for i in c.invoices if i.invoice_id not in self._paid_by]

    def payment(self, txn_id: str) -> SimPayment:
        with self._lock:
            p = self._payments.get(txn_id)
        if p is None:
            raise LedgerError(UNKNOWN_TXN, f"unknown transaction {txn_id}")
        return p

    def payments_for_day(self, day: dt.date, collection_point: str | None) -> list[SimPayment]:
        """Payments recorded on ``day`` (UTC+7) at a collection point (None: at every
        one), reversed ones too."""
        with self._lock:
            found = [
                p
                for p in self._payments.values()
                if p.business_day == day and collection_point in (None, p.order.collection_point)
            ]
        return sorted(found, key=lambda p: (p.recorded_at, p.txn_id))

    # --- changes --------------------------------------------------------------------------

    def pay(self, txn_id: str, order: PaymentOrder) -> SimPayment:
        """Pay, idempotently per ``txn_id``: a repeat of the same order gets the first answer.

        (CMIS 1.0 BILLING is not idempotent; its API will need a variant without the dedup.)
        """
        with self._lock:
            done = self._payments.get(txn_id)
            if done is not None:
                if done.order != order:
                    raise LedgerError(KEY_REUSED, f"{txn_id} was used for another payment")
                return done
            refused = self._refusals.get(txn_id)
            if refused is not None:
                if refused[0] != order:
                    raise LedgerError(KEY_REUSED, f"{txn_id} was used for another payment")
                raise LedgerError(refused[1], "same answer as the first call")
            try:
                self._check(order)
            except LedgerError as e:
                if e.code == MALFORMED:
                    raise  # like any malformed request: not an answer worth remembering
                self._append(
                    {"op": "refuse", "txn": txn_id, "order": order.to_json(), "code": e.code}
                )
                self._refusals[txn_id] = (order, e.code)
                raise
            now = self.clock()
            receipt = f"BN{now.astimezone(VN):%y%m%d}{self._receipts + 1:06d}"
            payment = SimPayment(txn_id=txn_id, order=order, receipt_no=receipt, recorded_at=now)
            self._append(
                {
                    "op": "pay",
                    "txn": txn_id,
                    "order": order.to_json(),
                    "receipt": receipt,
                    "recorded_at": now.isoformat(),
                }
            )
            self._apply_payment(payment)
            return payment

    def reverse(self, txn_id: str, reason: str) -> SimPayment:
        """Cancel a payment of today's business day; its invoices become unpaid again."""
        with self._lock:
            p = self._payments.get(txn_id)
            if p is None:
                raise LedgerError(UNKNOWN_TXN, f"unknown transaction {txn_id}")
            if p.state == REVERT:
                return p
            now = self.clock()
            if now.astimezone(VN).date() != p.business_day:
                raise LedgerError(NOT_SAME_DAY, f"{txn_id} is of {p.business_day}")
            self._append({"op": "reverse", "txn": txn_id, "reason": reason, "at": now.isoformat()})
            return self._apply_reversal(txn_id, reason, now)

    def pay_elsewhere(self, invoice_id: int) -> None:
        """Mark an invoice paid through a bank or payment network (for tests and demos)."""
        with self._lock:
            if invoice_id not in self.data.invoices:
                raise KeyError(invoice_id)
            if invoice_id in self._paid_by:
                return
            self._append({"op": "elsewhere", "invoice": invoice_id})
            self._paid_by[invoice_id] = _ELSEWHERE

    # --- rules ----------------------------------------------------------------------------

    def _check(self, order: PaymentOrder) -> None:
        """CMIS's payment rules, in the order CMIS reports them."""
        customer = self.customer(order.customer_code)
        ids = order.invoice_ids
        if not ids or len(set(ids)) != len(ids):
            raise LedgerError(MALFORMED, "empty or repeated invoice ids")
        own = {i.invoice_id for i in customer.invoices}
        if any(i not in own for i in ids):
            raise LedgerError(MALFORMED, "invoice not of this customer")
        if any(i in self._paid_by for i in ids):
            raise LedgerError(ALREADY_PAID, "an invoice is already paid")
        unpaid = [i.invoice_id for i in customer.invoices if i.invoice_id not in self._paid_by]
        if unpaid[0] not in ids:
            raise LedgerError(NOT_OLDEST_FIRST, "the oldest unpaid period must be paid first")
        if set(unpaid[: len(ids)]) != set(ids):
            raise LedgerError(NOT_CONSECUTIVE, "the paid periods must be consecutive")
        due = sum(self.data.invoices[i].total for i in ids)
        if order.total != due:
            raise LedgerError(WRONG_AMOUNT, f"amount {order.total} != {due}")

    # --- state changes, shared by live calls and journal replay ---------------------------

    def _apply_payment(self, p: SimPayment) -> None:
        self._payments[p.txn_id] = p
        for i in p.order.invoice_ids:
            self._paid_by[i] = p.txn_id
        self._receipts += 1

    def _apply_reversal(self, txn_id: str, reason: str, at: dt.datetime) -> SimPayment:
        p = dataclasses.replace(self._payments[txn_id], state=REVERT, reversed_at=at, reason=reason)
        self._payments[txn_id] = p
        for i in p.order.invoice_ids:
            if self._paid_by.get(i) == txn_id:
                del self._paid_by[i]
        return p

    # --- journal --------------------------------------------------------------------------

    def _append(self, entry: dict[str, Any]) -> None:
        if self._journal is None:
            return
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._journal.open("a", encoding="utf-8") as f:
            f.write(line)

    def _open_journal(self, path: pathlib.Path) -> None:
        params = journal_params(path)
        if params is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            head = {"op": "open", "v": _JOURNAL_VERSION, "data": self.data.params}
            path.write_text(json.dumps(head) + "\n", encoding="utf-8")
            return
        if params != self.data.params:
            raise ValueError(
                f"{path} was written for demo data {params}, not {self.data.params}; "
                "use the same data or another journal"
            )
        with path.open(encoding="utf-8") as f:
            next(f)
            for n, line in enumerate(f, start=2):
                if line.strip():
                    try:
                        self._replay(json.loads(line))
                    except (KeyError, ValueError, TypeError) as e:
                        raise ValueError(f"{path}:{n}: bad journal line: {e}") from e

    def _replay(self, e: dict[str, Any]) -> None:
        op = e["op"]
        if op == "pay":
            self._apply_payment(
                SimPayment(
                    txn_id=e["txn"],
                    order=PaymentOrder.from_json(e["order"]),
                    receipt_no=e["receipt"],
                    recorded_at=dt.datetime.fromisoformat(e["recorded_at"]),
                )
            )
        elif op == "refuse":
            self._refusals[e["txn"]] = (PaymentOrder.from_json(e["order"]), e["code"])
        elif op == "reverse":
            self._apply_reversal(e["txn"], e["reason"], dt.datetime.fromisoformat(e["at"]))
        elif op == "elsewhere":
            self._paid_by[int(e["invoice"])] = _ELSEWHERE
        else:
            raise ValueError(f"unknown op {op!r}")
