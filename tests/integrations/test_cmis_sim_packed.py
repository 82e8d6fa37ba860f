"""The simulator's demo data held in columns (integrations/cmis/simulator/packed.py): the
same customers and invoices as the records it replaced, read like dicts, in ~2 MiB."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tracemalloc

from integrations.cmis.simulator.data import build_demo_data

TODAY = dt.date(2026, 3, 14)
#: sha256 of repr(list(customers.values())) for 800 customers on TODAY, as built when the
#: data was still ten thousand dataclass records: the columns changed nothing (the due
#: dates, added since and computed from the period, are left out of the digest)
RECORDS_800 = "6deb5f1e8e63975144fa9a5ce56acee327333de7a9b88aeb92f6f24409bebf01"


def test_the_same_records_as_before_the_columns() -> None:
    data = build_demo_data(customers=800, today=TODAY)
    shown = repr(list(data.customers.values()))
    without_due = re.sub(r", due=datetime\.date\([0-9, ]+\)", "", shown)
    assert "due=" not in without_due
    assert hashlib.sha256(without_due.encode()).hexdigest() == RECORDS_800


def test_read_like_dicts() -> None:
    data = build_demo_data(customers=300, today=TODAY)
    customers, invoices = data.customers, data.invoices
    assert list(customers)[:2] == ["PE01000000001", "PE01000000002"] and len(customers) == 300
    for missing in ("PE01000000000", "PE01000000301", "pe01000000001", "PE0100000001", 1, None):
        assert missing not in customers and customers.get(missing) is None  # type: ignore[arg-type]
    assert "PE0100000000\u0661" not in customers  # a digit, but not an ASCII one
    every = [i for c in customers.values() for i in c.invoices]
    assert list(invoices) == [i.invoice_id for i in every] == sorted(invoices)
    assert all(invoices[i.invoice_id] == i for i in every)
    assert min(invoices) - 1 not in invoices and max(invoices) + 1 not in invoices
    assert "x" not in invoices and invoices.get(0) is None  # type: ignore[comparison-overlap]
    assert dict(customers) == {c.code: c for c in customers.values()} == customers
    assert dict(invoices) == invoices


def test_ten_thousand_customers_take_little_memory() -> None:
    """~15 MiB as records; what stays of the columns after the build is well under 4 MiB."""
    tracemalloc.start()
    try:
        data = build_demo_data(today=TODAY)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data.customers) == 10_000
    assert held < 4 * 2**20
