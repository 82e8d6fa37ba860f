"""The simulator's money state: which invoices are paid, by which transaction, and how.

Protocol-agnostic on purpose: the 2.0 JSON API (and later the 1.0 XML one) parse their
wire format into a ``PaymentOrder`` and map a ``LedgerError.code`` back to their own
answer. Every CMIS payment rule is enforced here, once, for every version.

It also holds each customer's supply state (from the demo data's CUT/CONNECTED, then
every cut and reconnection reported) and answers what is computed from both: the
disconnection list of a day (``notice_days`` decides who is on it) and the unpaid invoices
of a book.

Persistence is an append-only journal of JSON lines, written before memory is changed and
replayed at start, so a restarted simulator keeps what it was paid and who is cut.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from integrations.cmis.simulator.data import CONNECTED, CUT, DemoData, SimCustomer, SimInvoice
from integrations.cmis.simulator.packed import FIRST_INVOICE, VAT_PERCENT, due_date

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
NOTHING_OVERDUE = "061"
STILL_OVERDUE = "062"
SUPPLIES = (CONNECTED, CUT)

#: days past an invoice's due date before CMIS puts its customer up for disconnection
DEFAULT_NOTICE_DAYS = 7

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
class SupplyOrder:
    """A cut or reconnection reported; two are "the same body" when they are equal."""

    customer_code: str
    supply: str
    at: dt.datetime
    staff: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "customer_code": self.customer_code,
            "supply": self.supply,
            "at": self.at.isoformat(),
            "staff": self.staff,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> SupplyOrder:
        return cls(
            customer_code=obj["customer_code"],
            supply=obj["supply"],
            at=dt.datetime.fromisoformat(obj["at"]),
            staff=obj["staff"],
            reason=obj["reason"],
        )


@dataclass(frozen=True, slots=True)
class SupplyChange:
    """A change of supply state CMIS made (a repeat that found the state set is none)."""

    key: str | None
    order: SupplyOrder
    recorded_at: dt.datetime


class Candidate(NamedTuple):
    """One line of the disconnection list (a tuple: thousands are made per call)."""

    code: str
    name: str
    address: str
    book_code: str
    supply: str
    periods: int
    overdue: int
    oldest_due: dt.date


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
        self.notice_days = DEFAULT_NOTICE_DAYS
        self._cut: dict[int, bool] = {}  # customer index -> cut, where it changed
        self._supply_keys: dict[str, tuple[SupplyOrder, str]] = {}  # key -> order, answer
        self._changes: list[SupplyChange] = []
        if journal is not None:
            self._open_journal(journal)

    # --- reads ----------------------------------------------------------------------------

    def customer(self, code: str) -> SimCustomer:
        c = self.data.customers.get(code)
        if c is None:
            raise LedgerError(UNKNOWN_CUSTOMER, f"unknown customer {code}")
        return c

    def unpaid(self, code: str) -> tuple[SimCustomer, list[SimInvoice]]:
        """The customer (with their supply state now) and their unpaid invoices, oldest first."""
        c = self.customer(code)
        with self._lock:
            supply = self._supply_of(self.data.store.index(code) or 0, c.supply)
            c = c if supply == c.supply else dataclasses.replace(c, supply=supply)
            return c, [i for i in c.invoices if i.invoice_id not in self._paid_by]

    def supply_changes(self, code: str | None = None) -> list[SupplyChange]:
        """Supply changes made (of one customer, or all), oldest first."""
        with self._lock:
            return [c for c in self._changes if code in (None, c.order.customer_code)]

    def disconnection_list(
        self, unit: str, as_of: dt.date, book: str | None = None
    ) -> list[Candidate]:
        """Connected customers with an unpaid invoice due more than ``notice_days`` before
        ``as_of``, by book then address: ``periods`` every unpaid invoice, ``overdue`` the
        total of those past their due date on ``as_of``, ``oldest_due`` the oldest due date."""
        st, data = self.data.store, self.data
        if unit != data.unit:
            return []
        by_book = data.by_book()
        books = [book] if book is not None else sorted(by_book)
        limit = as_of - dt.timedelta(days=self.notice_days)
        found: list[tuple[int, int, int, dt.date]] = []
        year, month, amount, paid = st.year, st.month, st.amount, self._paid_by
        with self._lock:
            for b in books:
                for i in by_book.get(b, ()):
                    first, n = st.first[i], st.count[i]
                    if not n or self._cut.get(i, bool(st.cut[i])):
                        continue
                    periods, overdue, oldest = 0, 0, None
                    for k in range(first, first + n):
                        if FIRST_INVOICE + k in paid:
                            continue
                        due = due_date(year[k], month[k])
                        periods += 1
                        if oldest is None:
                            oldest = due
                        if due < as_of:
                            total = amount[k] + amount[k] * VAT_PERCENT // 100
                            overdue += total
                    if oldest is not None and oldest < limit:
                        found.append((i, periods, overdue, oldest))
        col = st.columns
        name, address, book_code = col["name"], col["address"], col["book_code"]
        out = [
            Candidate(st.code(i), name[i], address[i], book_code[i], CONNECTED, p, owed, oldest)
            for i, p, owed, oldest in found
        ]
        out.sort(key=lambda c: (c.book_code, c.address, c.code))
        return out

    def unpaid_of_book(self, unit: str, book: str) -> list[SimInvoice]:
        """Every unpaid invoice of the customers of a book, by customer then period."""
        st = self.data.store
        if unit != self.data.unit:
            return []
        with self._lock:
            return [
                st.invoice(k)
                for i in self.data.by_book().get(book, ())
                for k in st.invoice_range(i)
                if FIRST_INVOICE + k not in self._paid_by
            ]

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

    def change_supply(self, key: str | None, order: SupplyOrder) -> str:
        """Cut or reconnect; the state after. Already in that state: no change, no error.
        ``key`` (2.0's Idempotency-Key): a repeat with the same order gets the first answer,
        with another ``0422``; None (1.0): idempotent by state only."""
        with self._lock:
            if key is not None and key in self._supply_keys:
                first, answer = self._supply_keys[key]
                if first != order:
                    raise LedgerError(KEY_REUSED, f"{key} was used for another supply change")
                if answer not in SUPPLIES:
                    raise LedgerError(answer, "same answer as the first call")
                return answer
            try:
                changed = self._check_supply(order)
            except LedgerError as e:
                if key is not None and e.code != MALFORMED:
                    entry: dict[str, Any] = {
                        "op": "supply-refuse",
                        "key": key,
                        "order": order.to_json(),
                    }
                    self._append({**entry, "code": e.code})
                    self._supply_keys[key] = (order, e.code)
                raise
            if changed or key is not None:
                now = self.clock()
                entry = {"op": "supply", "key": key, "order": order.to_json()}
                self._append({**entry, "changed": changed, "recorded_at": now.isoformat()})
                self._apply_supply(key, order, changed, now)
            return order.supply

    # --- rules ----------------------------------------------------------------------------

    def _supply_of(self, i: int, static: str) -> str:
        cut = self._cut.get(i)
        return static if cut is None else (CUT if cut else CONNECTED)

    def _check_supply(self, order: SupplyOrder) -> bool:
        """CMIS's supply rules; True when the state changes."""
        if order.supply not in SUPPLIES:
            raise LedgerError(MALFORMED, f"supply {order.supply!r}")
        c = self.customer(order.customer_code)
        i = self.data.store.index(c.code)
        assert i is not None
        if self._supply_of(i, c.supply) == order.supply:
            return False
        today = self.clock().astimezone(VN).date()
        overdue = any(inv.due < today for inv in c.invoices if inv.invoice_id not in self._paid_by)
        if order.supply == CUT and not overdue:
            raise LedgerError(NOTHING_OVERDUE, "nothing overdue to cut for")
        if order.supply == CONNECTED and overdue:
            raise LedgerError(STILL_OVERDUE, "an overdue invoice is still unpaid")
        return True

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

    def _apply_supply(
        self, key: str | None, order: SupplyOrder, changed: bool, at: dt.datetime
    ) -> None:
        if key is not None:
            self._supply_keys[key] = (order, order.supply)
        if changed:
            i = self.data.store.index(order.customer_code)
            assert i is not None
            self._cut[i] = order.supply == CUT
            self._changes.append(SupplyChange(key, order, at))

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
        elif op == "supply":
            order = SupplyOrder.from_json(e["order"])
            if self.data.store.index(order.customer_code) is None:
                raise ValueError(f"unknown customer {order.customer_code}")
            at = dt.datetime.fromisoformat(e["recorded_at"])
            self._apply_supply(e["key"], order, bool(e["changed"]), at)
        elif op == "supply-refuse":
            self._supply_keys[e["key"]] = (SupplyOrder.from_json(e["order"]), e["code"])
        else:
            raise ValueError(f"unknown op {op!r}")
