"""Day-end reconciliation: our payments of a day against CMIS's list of that day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from integrations.cmis.base import CmisPayment, PaymentState

#: our statuses that mean "CMIS should have it as BILLING" / "as REVERT"
IN_EFFECT = ("pending", "confirmed", "reversal_pending")


@dataclass(frozen=True, slots=True)
class Ours:
    txn_id: str
    customer_code: str
    invoice_ids: tuple[int, ...]
    total: int
    status: str


def reconcile(ours: Iterable[Ours], theirs: Iterable[CmisPayment]) -> dict[str, Any]:
    """Match by transaction id: matched, only ours, only CMIS's, amount (or invoices) differ.

    A payment CMIS refused, or one both sides reverted, is no open item.
    """
    mine = {p.txn_id: p for p in ours if p.status != "refused"}
    cmis = {p.txn_id: p for p in theirs}
    matched, only_ours, only_cmis, differs = [], [], [], []
    for txn, p in sorted(mine.items()):
        c = cmis.get(txn)
        ours_live = p.status in IN_EFFECT
        if c is None:
            (only_ours if ours_live else matched).append(_row(p, None))
            continue
        cmis_live = c.state == PaymentState.BILLING
        if ours_live != cmis_live:
            differs.append({**_row(p, c), "why": "status"})
        elif p.total != c.total or sorted(p.invoice_ids) != sorted(c.invoice_ids):
            differs.append({**_row(p, c), "why": "amount" if p.total != c.total else "invoices"})
        else:
            matched.append(_row(p, c))
    for txn, c in sorted(cmis.items()):
        if txn not in mine and c.state == PaymentState.BILLING:
            only_cmis.append(_row(None, c))
    return {
        "matched": matched,
        "only_ours": only_ours,
        "only_cmis": only_cmis,
        "amount_differs": differs,
        "open_items": len(only_ours) + len(only_cmis) + len(differs),
        "our_total": sum(p.total for p in mine.values() if p.status in IN_EFFECT),
        "cmis_total": sum(c.total for c in cmis.values() if c.state == PaymentState.BILLING),
    }


def _row(p: Ours | None, c: CmisPayment | None) -> dict[str, Any]:
    return {
        "txn_id": (p or c).txn_id,  # type: ignore[union-attr]
        "customer_code": (p or c).customer_code,  # type: ignore[union-attr]
        "ours": None
        if p is None
        else {"total": p.total, "status": p.status, "invoice_ids": sorted(p.invoice_ids)},
        "cmis": None
        if c is None
        else {"total": c.total, "state": str(c.state), "invoice_ids": sorted(c.invoice_ids)},
    }


CSV_HEADER = [
    "category",
    "txn_id",
    "customer_code",
    "our_total",
    "our_status",
    "cmis_total",
    "cmis_state",
]


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = [CSV_HEADER]
    for category in ("amount_differs", "only_ours", "only_cmis", "matched"):
        for r in report[category]:
            o, c = r["ours"] or {}, r["cmis"] or {}
            rows.append(
                [
                    category,
                    r["txn_id"],
                    r["customer_code"],
                    str(o.get("total", "")),
                    o.get("status", ""),
                    str(c.get("total", "")),
                    c.get("state", ""),
                ]
            )
    return rows
