"""A cashier counter's receipts of the day: the payments taken there, with the paper each
one printed (its receipt, a reconnection slip), and a receipt printed again as a copy.

The list is read from the database, so the cashier's screen keeps it across a reload. A
copy is built by the same function as F4's receipt (``jobs.receipt_printed``), marked
BẢN SAO / COPY, and never repeats the reconnection slip."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from qms.devices import jobs
from qms.domain import cashier, payments, tickets
from qms.domain.errors import Conflict, NotFound
from qms.domain.tx import Tx
from qms.storage.models import DeviceJob, Payment, Ticket

if TYPE_CHECKING:
    from qms.domain.commands import ReprintReceipt

#: the payments whose receipt still stands: money taken and not handed back
REPRINTABLE = ("pending", "confirmed")


def _of_counter(tx: Tx, counter: str) -> list[Payment]:
    q = select(Payment).where(
        Payment.branch_id == tx.branch_id,
        Payment.business_day == tx.business_day,
        Payment.counter_code == counter,
    )
    return list(tx.session.exec(q.order_by(col(Payment.id))).all())


def _paper(
    tx: Tx, printer: str | None, since: dt.datetime, txns: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Per transaction id, the print jobs that carry it, oldest first: the receipts of the
    counter's printer, and the reconnection slips (one for its own customer's payment)."""
    mine = (DeviceJob.document == "receipt") & (DeviceJob.target == (printer or ""))
    slips = (DeviceJob.document == "reconnection") & (
        DeviceJob.target == (tx.branch.slip_printer or "")
    )
    q = select(DeviceJob).where(
        DeviceJob.branch_id == tx.branch_id, mine | slips, DeviceJob.created_at >= since
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for job in tx.session.exec(q.order_by(col(DeviceJob.id))).all():
        payload = json.loads(job.payload)
        customer = (payload.get("customer") or {}).get("code")
        for p in payload.get("payments", ()):
            if p.get("txn_id") in txns and customer in (None, p.get("customer_code")):
                shown = jobs.public(job)
                out.setdefault(p["txn_id"], []).append({**shown, "copy": bool(payload.get("copy"))})
    return out


def of_day(tx: Tx, counter: str) -> dict[str, Any]:
    """The payments taken at ``counter`` today, newest first, with their ticket number
    and their paper."""
    info = cashier.my_counter(tx, counter)
    rows = _of_counter(tx, counter)
    numbers: dict[int, int] = {}
    if rows:
        ids = {p.ticket_id for p in rows}
        found = tx.session.exec(select(Ticket.id, Ticket.number).where(col(Ticket.id).in_(ids)))
        numbers = {i: n for i, n in found.all() if i is not None}
    since = min((p.created_at for p in rows), default=None)
    paper = _paper(tx, info.printer, since, {p.txn_id for p in rows}) if since else {}
    listed = [
        {
            **payments.public(p),
            "ticket": numbers.get(p.ticket_id),
            "paper": paper.get(p.txn_id, []),
            "reprintable": p.status in REPRINTABLE,
        }
        for p in reversed(rows)
    ]
    return {"counter": counter, "business_day": tx.business_day.isoformat(), "payments": listed}


def reprint(tx: Tx, cmd: ReprintReceipt) -> dict[str, Any]:
    """Print a payment's receipt again at the counter that took it, marked as a copy:
    every payment of the same F4 (one receipt covers the customers paid at once), as they
    stand now (with CMIS's receipt number once it has given it). The event's follow-up
    (``followups.PAPER_AND_LIGHT``) queues the job, as F4's does."""
    counter = cashier.my_counter(tx, cmd.counter)
    p = tx.session.exec(
        select(Payment).where(Payment.txn_id == cmd.txn, Payment.branch_id == tx.branch_id)
    ).first()
    # a payment by QR while waiting was taken at no counter: any counter prints its copy
    if p is None or p.business_day != tx.business_day or p.counter_code not in (cmd.counter, ""):
        raise NotFound(
            f"no payment {cmd.txn} taken at {cmd.counter} today",
            code="unknown_payment",
            txn=cmd.txn,
        )
    if p.status not in REPRINTABLE:
        raise Conflict(
            f"payment {p.txn_id} is {p.status.replace('_', ' ')}: its receipt no longer stands",
            code="receipt_not_reprintable",
            txn=p.txn_id,
            status=p.status,
        )
    if not counter.printer:
        raise Conflict(
            f"counter {cmd.counter} has no receipt printer", code="no_printer", counter=cmd.counter
        )
    same_f4 = [
        q
        for q in _of_counter(tx, p.counter_code)
        if q.ticket_id == p.ticket_id and q.created_at == p.created_at
    ]
    ticket = tx.session.get(Ticket, p.ticket_id)
    assert ticket is not None  # a payment's ticket is a foreign key
    shown = [payments.public(q) for q in same_f4]
    data = {"ticket": tickets.state(tx, ticket), "payments": shown, "copy": True}
    tx.emit("receipt.reprinted", data)
    return {"txn_id": p.txn_id, "ticket": ticket.number, "payments": [q.txn_id for q in same_f4]}
