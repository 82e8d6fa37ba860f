"""Day-end reconciliation: our payments of a day against CMIS's list of that day.

CMIS 1.0 books a ``BILLING`` on the business day it executes it (the call carries no
time), so a payment taken before midnight and posted after it is in the next day's list.
For a 1.0 branch the caller also hands in CMIS's list of the next day (``next_day``) and
our payments of the day before (``day_before``): one of ours missing from the day's list
but in the next day's is matched there ("booked_next_day"), and one of the day before
found in the day's list is no stranger ("from_day_before"). Neither is an open item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from integrations.cmis.base import CmisPayment, PaymentState
from qms import words

#: our statuses that mean "CMIS should have it as BILLING" / "as REVERT"
IN_EFFECT = ("pending", "confirmed", "reversal_pending")


@dataclass(frozen=True, slots=True)
class Ours:
    txn_id: str
    customer_code: str
    invoice_ids: tuple[int, ...]
    total: int
    status: str


def reconcile(
    ours: Iterable[Ours],
    theirs: Iterable[CmisPayment],
    *,
    next_day: Iterable[CmisPayment] = (),
    day_before: Iterable[Ours] = (),
) -> dict[str, Any]:
    """Match by transaction id: matched, only ours, only CMIS's, amount (or invoices) differ.

    A payment CMIS refused, or one both sides reverted, is no open item. ``cmis_total`` is
    what CMIS booked of this day's payments wherever it booked them, so that it equals
    ``our_total`` when everything matches.
    """
    mine = {p.txn_id: p for p in ours if p.status != "refused"}
    cmis = {p.txn_id: p for p in theirs}
    later = {p.txn_id: p for p in next_day}
    before = {p.txn_id for p in day_before if p.status != "refused"}
    matched: list[dict[str, Any]] = []
    only_ours: list[dict[str, Any]] = []
    only_cmis: list[dict[str, Any]] = []
    differs: list[dict[str, Any]] = []
    from_day_before: list[dict[str, Any]] = []
    booked_next_day: set[str] = set()
    counted: list[CmisPayment] = []  # CMIS's rows for this day's payments
    for txn, p in sorted(mine.items()):
        c = cmis.get(txn)
        ours_live = p.status in IN_EFFECT
        if c is None and txn in later:
            c = later[txn]
            booked_next_day.add(txn)
        if c is None:
            (only_ours if ours_live else matched).append(_row(p, None))
            continue
        counted.append(c)
        cmis_live = c.state == PaymentState.BILLING
        if ours_live != cmis_live:
            differs.append({**_row(p, c), "why": "status"})
        elif p.total != c.total or sorted(p.invoice_ids) != sorted(c.invoice_ids):
            differs.append({**_row(p, c), "why": "amount" if p.total != c.total else "invoices"})
        else:
            matched.append(_row(p, c))
    for txn, c in sorted(cmis.items()):
        if txn in mine:
            continue
        if txn in before:
            from_day_before.append(_row(None, c))
        elif c.state == PaymentState.BILLING:
            only_cmis.append(_row(None, c))
            counted.append(c)
    for rows in (matched, differs):
        for r in rows:
            r["booked_next_day"] = r["txn_id"] in booked_next_day
    return {
        "matched": matched,
        "only_ours": only_ours,
        "only_cmis": only_cmis,
        "amount_differs": differs,
        "booked_next_day": sorted(booked_next_day),
        "from_day_before": from_day_before,
        "open_items": len(only_ours) + len(only_cmis) + len(differs),
        "our_total": sum(p.total for p in mine.values() if p.status in IN_EFFECT),
        "cmis_total": sum(c.total for c in counted if c.state == PaymentState.BILLING),
    }


def missing(ours: Iterable[Ours], theirs: Iterable[CmisPayment]) -> bool:
    """Is one of our payments in effect absent from CMIS's list (worth the next day's)?"""
    listed = {c.txn_id for c in theirs}
    return any(p.status in IN_EFFECT and p.txn_id not in listed for p in ours)


def _row(p: Ours | None, c: CmisPayment | None) -> dict[str, Any]:
    either = p or c
    assert either is not None  # a row stands for a payment on one side at least
    return {
        "txn_id": either.txn_id,
        "customer_code": either.customer_code,
        "ours": None
        if p is None
        else {"total": p.total, "status": p.status, "invoice_ids": sorted(p.invoice_ids)},
        "cmis": None
        if c is None
        else {"total": c.total, "state": str(c.state), "invoice_ids": sorted(c.invoice_ids)},
    }


#: the CSV's columns: (key, Vietnamese, English); cells a person reads are words, amounts
#: plain integers a spreadsheet can add (as the day's reports write them)
CSV_COLUMNS = [
    ("category", "Kết quả", "Result"),
    ("txn_id", "Mã giao dịch", "Transaction"),
    ("customer_code", "Mã khách hàng", "Customer"),
    ("our_total", "Số tiền tại quầy", "Our amount"),
    ("our_status", "Trạng thái tại quầy", "Our status"),
    ("cmis_total", "Số tiền CMIS", "CMIS amount"),
    ("cmis_state", "Trạng thái CMIS", "CMIS state"),
]
CSV_HEADER = [f"{vi} / {en} ({key})" for key, vi, en in CSV_COLUMNS]


def _words(group: str, code: str | None) -> str:
    return words.status_text(group, code) if code else ""


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """The reconciliation as a CSV a supervisor reads: results and states in words."""
    rows = [CSV_HEADER]
    for category in ("amount_differs", "only_ours", "only_cmis", "matched"):
        for r in report[category]:
            o, c = r["ours"] or {}, r["cmis"] or {}
            rows.append(
                [
                    words.status_text("reconcile", category),
                    r["txn_id"],
                    r["customer_code"],
                    str(o.get("total", "")),
                    _words("payment", o.get("status")),
                    str(c.get("total", "")),
                    _words("cmis_state", c.get("state")),
                ]
            )
    return rows
