"""The simulator's records: a customer and an invoice as CMIS holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CONNECTED = "CONNECTED"
CUT = "CUT"


@dataclass(frozen=True, slots=True)
class SimInvoice:
    """One invoice as CMIS holds it (amounts integer đồng)."""

    invoice_id: int
    customer_code: str
    year: int
    month: int
    sub_period: int
    amount: int
    vat: int
    total: int
    series: str
    number: str
    due: dt.date  # HAN_TT: the date by which it must be paid

    @property
    def period_key(self) -> tuple[int, int, int]:
        """CMIS orders (and requires payment of) invoices by this key."""
        return (self.year, self.month, self.sub_period)


@dataclass(frozen=True, slots=True)
class SimCustomer:
    """A customer with every invoice that was unpaid when the data was built."""

    code: str
    name: str
    address: str
    unit: str
    book_code: str
    supply: str
    meter: str
    id_card: str
    bank_account: str
    invoices: tuple[SimInvoice, ...]

    @property
    def book_is_even(self) -> bool:
        """The even/odd lookup counter is chosen by the book code's last digit."""
        return int(self.book_code[-1]) % 2 == 0
