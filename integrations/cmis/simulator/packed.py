"""The demo data held in flat columns, customers and invoices made when asked for.

Ten thousand customers as ``SimCustomer`` and ``SimInvoice`` objects took ~15 MiB, and in
the embedded default that is the hall server's own memory. Here the same values take ~2
MiB: each text field end to end in one string, numbers in arrays, and what follows from
others (invoice ids, VAT, totals, series, numbers) computed again. ``Customers`` and
``Invoices`` are read-only mappings with the interface of the dicts they replace.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import io
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from integrations.cmis.simulator.model import CONNECTED, CUT, SimCustomer, SimInvoice

FIRST_INVOICE = 310_000_001
VAT_PERCENT = 8
#: an invoice is due this many days after the end of the month that follows its period
DUE_DAYS = 5


def invoice_number(invoice_id: int) -> str:
    return f"{(invoice_id * 7_919) % 9_000_000 + 1_000_000:07d}"


@functools.cache
def due_date(year: int, month: int) -> dt.date:
    """HAN_TT of an invoice of ``month``/``year`` (any sub-period): the end of the next
    month, plus ``DUE_DAYS``. Period January 2026 is due on 5 March 2026."""
    months = year * 12 + month - 1 + 2  # the first day of the second month after the period
    return dt.date(months // 12, months % 12 + 1, 1) + dt.timedelta(days=DUE_DAYS - 1)


class Column:
    """One text field of every customer, end to end. ``containing`` needs a ``sep`` that
    neither the values nor the needle hold, so that no match runs across two values."""

    def __init__(self, values: Iterable[str] = (), sep: str = "") -> None:
        self.sep = sep
        self.starts = array("I", [0])
        self._out: io.StringIO | None = io.StringIO()
        for v in values:
            self.append(v)
        self.text = ""

    def append(self, value: str) -> None:
        """While building: no list of every value is kept, only the text so far."""
        assert self._out is not None, "a sealed column"
        self._out.write(value + self.sep)
        self.starts.append(self.starts[-1] + len(value) + len(self.sep))

    def seal(self) -> Column:
        if self._out is not None:
            self.text = self._out.getvalue()[: len(self._out.getvalue()) - len(self.sep)]
            self._out = None
        return self

    def __getitem__(self, i: int) -> str:
        return self.text[self.starts[i] : self.starts[i + 1] - len(self.sep)]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Column):
            return NotImplemented
        return (self.text, self.starts, self.sep) == (other.text, other.starts, other.sep)

    def owner(self, pos: int) -> int:
        """The index of the value at text position ``pos``."""
        return bisect.bisect_right(self.starts, pos) - 1

    def equal(self, value: str) -> int | None:
        """The index of the value equal to ``value`` (the first, in order), or None."""
        if not value:
            return None
        pos = self.text.find(value)
        while pos >= 0:
            i = self.owner(pos)
            if self.starts[i] == pos and self[i] == value:
                return i
            pos = self.text.find(value, pos + 1)
        return None

    def containing(self, needle: str, limit: int) -> list[int]:
        """The indexes of the values holding ``needle``, in order, at most ``limit``."""
        out: list[int] = []
        pos = self.text.find(needle) if needle else -1
        while pos >= 0 and len(out) < limit:
            i = self.owner(pos)
            out.append(i)
            pos = self.text.find(needle, self.starts[i + 1])
        return out


class Store:
    """Every customer's fields, by index (customer ``i`` has code ``unit + i+1``), and every
    invoice's, by index (invoice ``k`` has id ``FIRST_INVOICE + k``)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.columns = {
            k: Column()
            for k in ("name", "address", "book_code", "meter", "id_card", "bank_account")
        }
        self.cut = bytearray()
        self.first = array("I")  # each customer's first invoice index
        self.count = bytearray()
        self.owner = array("I")  # each invoice's customer index
        self.year = array("H")
        self.month = bytearray()
        self.sub = bytearray()
        self.amount = array("I")

    # --- building -------------------------------------------------------------------------

    def add_invoice(self, year: int, month: int, sub_period: int, amount: int) -> int:
        """An invoice of the customer being added (``add_customer`` comes after its
        invoices); returns its id."""
        self.owner.append(len(self.cut))
        self.year.append(year)
        self.month.append(month)
        self.sub.append(sub_period)
        self.amount.append(amount)
        return FIRST_INVOICE + len(self.amount) - 1

    def add_customer(self, fields: dict[str, str], cut: bool) -> None:
        for key, column in self.columns.items():
            column.append(fields[key])
        first = self.first[-1] + self.count[-1] if self.first else 0
        self.first.append(first)
        self.count.append(len(self.amount) - first)
        self.cut.append(cut)

    def seal(self) -> None:
        """Building is over."""
        for column in self.columns.values():
            column.seal()

    # --- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.cut)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Store):
            return NotImplemented
        mine = (self.unit, self.columns, self.cut, self.first, self.count)
        theirs = (other.unit, other.columns, other.cut, other.first, other.count)
        return mine == theirs and self.invoice_arrays() == other.invoice_arrays()

    def invoice_arrays(self) -> tuple[Any, ...]:
        return (self.owner, self.year, self.month, self.sub, self.amount)

    def code(self, i: int) -> str:
        return f"{self.unit}{i + 1:07d}"

    def index(self, code: object) -> int | None:
        """The customer index of a code, or None when no customer has it."""
        if not isinstance(code, str) or len(code) != len(self.unit) + 7:
            return None
        tail = code[len(self.unit) :]
        if not tail.isdigit():
            return None
        i = int(tail) - 1
        return i if 0 <= i < len(self) and self.code(i) == code else None

    def invoice(self, k: int) -> SimInvoice:
        invoice_id = FIRST_INVOICE + k
        amount, year = self.amount[k], self.year[k]
        vat = amount * VAT_PERCENT // 100
        return SimInvoice(
            invoice_id=invoice_id,
            customer_code=self.code(self.owner[k]),
            year=year,
            month=self.month[k],
            sub_period=self.sub[k],
            amount=amount,
            vat=vat,
            total=amount + vat,
            series=f"1K{year % 100:02d}T{self.unit[:2]}",
            number=invoice_number(invoice_id),
            due=due_date(year, self.month[k]),
        )

    def invoice_range(self, i: int) -> range:
        return range(self.first[i], self.first[i] + self.count[i])

    def customer(self, i: int) -> SimCustomer:
        col = self.columns
        return SimCustomer(
            code=self.code(i),
            name=col["name"][i],
            address=col["address"][i],
            unit=self.unit,
            book_code=col["book_code"][i],
            supply=CUT if self.cut[i] else CONNECTED,
            meter=col["meter"][i],
            id_card=col["id_card"][i],
            bank_account=col["bank_account"][i],
            invoices=tuple(self.invoice(k) for k in self.invoice_range(i)),
        )


class Customers(Mapping[str, SimCustomer]):
    """Code -> customer, in code order, like the dict it replaces."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __getitem__(self, code: str) -> SimCustomer:
        i = self.store.index(code)
        if i is None:
            raise KeyError(code)
        return self.store.customer(i)

    def __contains__(self, code: object) -> bool:
        return self.store.index(code) is not None

    def __iter__(self) -> Iterator[str]:
        return (self.store.code(i) for i in range(len(self.store)))

    def __len__(self) -> int:
        return len(self.store)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Customers):
            return self.store == other.store
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # a mapping, like a dict: unhashable


class Invoices(Mapping[int, SimInvoice]):
    """Invoice id -> invoice, in id order, like the dict it replaces."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _k(self, invoice_id: object) -> int | None:
        if not isinstance(invoice_id, int):
            return None
        k = invoice_id - FIRST_INVOICE
        return k if 0 <= k < len(self.store.amount) else None

    def __getitem__(self, invoice_id: int) -> SimInvoice:
        k = self._k(invoice_id)
        if k is None:
            raise KeyError(invoice_id)
        return self.store.invoice(k)

    def __contains__(self, invoice_id: object) -> bool:
        return self._k(invoice_id) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(range(FIRST_INVOICE, FIRST_INVOICE + len(self.store.amount)))

    def __len__(self) -> int:
        return len(self.store.amount)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Invoices):
            mine, theirs = self.store, other.store
            return mine.unit == theirs.unit and mine.invoice_arrays() == theirs.invoice_arrays()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # equal by contents: unhashable
