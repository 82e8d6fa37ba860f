"""The one CMIS interface the hall speaks, in the project's own words.

Adapters (2.0 JSON, later 1.0 XML) translate CMIS field names to these types; nothing
outside ``integrations/`` ever sees ``MA_KHANG`` or ``TONG_TIEN``. Amounts are integer VND.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Protocol


class Supply(enum.StrEnum):
    """Supply status of a customer: a cut supply needs a reconnection slip once paid."""

    CONNECTED = "CONNECTED"
    CUT = "CUT"


@dataclass(frozen=True, slots=True)
class Invoice:
    """One unpaid invoice (a period, or a sub-period of a month)."""

    invoice_id: int
    year: int
    month: int
    sub_period: int
    amount: int
    vat: int
    total: int
    series: str
    number: str
    #: HAN_TT, the date by which it must be paid (None: this CMIS did not say)
    due: dt.date | None = None

    @property
    def period_key(self) -> tuple[int, int, int]:
        """Sort key: oldest first."""
        return (self.year, self.month, self.sub_period)


@dataclass(frozen=True, slots=True)
class CustomerDebts:
    """A customer and every unpaid invoice CMIS knows of (empty tuple: no debt)."""

    code: str
    name: str
    address: str
    unit: str
    book_code: str
    supply: Supply
    invoices: tuple[Invoice, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    """A search hit: enough to pick the right customer at reception."""

    code: str
    name: str
    address: str
    book_code: str


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """One payment of one customer's invoices; ``txn_id`` is ours and is the idempotency key."""

    txn_id: str
    customer_code: str
    invoice_ids: tuple[int, ...]
    total: int
    collection_point: str
    cashier: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    """CMIS's confirmation of a payment."""

    txn_id: str
    receipt_no: str


class PaymentState(enum.StrEnum):
    """What CMIS says about one of our transaction ids."""

    BILLING = "BILLING"
    REVERT = "REVERT"
    NOT_FOUND = "NOT_FOUND"
    IN_DOUBT = "IN_DOUBT"


@dataclass(frozen=True, slots=True)
class CmisPayment:
    """A payment as CMIS lists it for a day (for reconciliation)."""

    txn_id: str
    customer_code: str
    invoice_ids: tuple[int, ...]
    total: int
    state: PaymentState
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class DisconnectionCandidate:
    """One line of CMIS's disconnection list for a day: a connected customer with an
    invoice past its due date by more than CMIS's notice period."""

    code: str
    name: str
    address: str
    unit: str
    book_code: str
    supply: Supply
    periods: int  # SO_KY_NO: periods owed
    overdue: int  # TIEN_NO_QUA_HAN: the overdue total, VND
    oldest_due: dt.date  # HAN_TT_CU_NHAT


@dataclass(frozen=True, slots=True)
class SupplyChange:
    """A cut or a reconnection done in the field, to report to CMIS; ``key`` is ours and is
    the idempotency key (2.0; 1.0 is idempotent by state)."""

    key: str
    customer_code: str
    supply: Supply
    at: dt.datetime
    staff: str  # MA_NV of the crew member who did it
    reason: str


@dataclass(frozen=True, slots=True)
class BookInvoice:
    """One unpaid invoice of a book, as CMIS lists them for counting the paper held."""

    invoice_id: int
    customer_code: str
    book_code: str
    year: int
    month: int
    sub_period: int
    total: int
    series: str
    number: str
    due: dt.date | None


class SearchBy(enum.StrEnum):
    NAME = "name"
    ADDRESS = "address"
    METER = "meter"
    ID_CARD = "id_card"
    BANK_ACCOUNT = "bank_account"


# --- errors -------------------------------------------------------------------------------


@dataclass
class CmisError(Exception):
    """Base of every CMIS failure; ``code`` is CMIS's MA_LOI where it gave one."""

    message: str
    code: str = ""
    request_id: str = ""
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f" [request {self.request_id}]" if self.request_id else ""
        return f"{self.code or 'cmis'}: {self.message}{where}"


class CustomerNotFound(CmisError):
    """CMIS does not know this customer code (0017)."""


class PaymentRefused(CmisError):
    """A payment rule said no (021, 022, 031, 051, 0422): the payment did not take effect."""


class SupplyRefused(CmisError):
    """CMIS refused a supply change: ``061`` nothing overdue to cut for (paid meanwhile),
    ``062`` a reconnection while an overdue invoice is unpaid, ``0422`` key reused. The
    change did not take effect."""


class PaymentUnknown(CmisError):
    """Reversal or status of a transaction CMIS does not know (2006), or not same day (2007)."""


class CmisUnavailable(CmisError):
    """Timeout, connection error, 5xx or busy: for a payment the outcome is unknown."""


class CmisBadAnswer(CmisError):
    """CMIS answered something that does not follow the contract (garbage, missing fields)."""


class CmisClient(Protocol):
    """What the hall needs from CMIS, whatever version a branch talks to."""

    #: True when CMIS deduplicates payments by our txn id (2.0), so a resend is safe;
    #: False (1.0): ask ``payment_status`` before any resend.
    idempotent_posting: bool

    async def find_customers(
        self, by: SearchBy, text: str, limit: int = 20
    ) -> list[CustomerSummary]: ...

    async def get_debts(self, customer_code: str) -> CustomerDebts: ...

    async def post_payment(self, request: PaymentRequest) -> PaymentReceipt: ...

    async def payment_status(self, txn_id: str) -> PaymentState: ...

    async def reverse_payment(self, txn_id: str, reason: str) -> None: ...

    async def payments_for_day(self, day: dt.date, collection_point: str) -> list[CmisPayment]: ...

    async def disconnection_list(
        self, unit: str, as_of: dt.date, book_code: str | None = None
    ) -> list[DisconnectionCandidate]: ...

    async def change_supply(self, change: SupplyChange) -> Supply:
        """Report a cut or a reconnection; the supply CMIS holds after it. Raises
        ``SupplyRefused`` (061/062), ``CustomerNotFound``, ``CmisUnavailable`` (outcome
        unknown: send again, it is idempotent)."""
        ...

    async def unpaid_invoices_of_book(self, unit: str, book_code: str) -> list[BookInvoice]: ...

    async def aclose(self) -> None: ...
