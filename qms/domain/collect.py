"""F4: collect money for found invoices, oldest period first; return unpaid paper.

Each customer in a collection becomes one Payment row, written in the same transaction as
the invoices it pays: that row is the local record and the outbox CMIS is posted from.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, case, func
from sqlalchemy import select as core_select
from sqlmodel import col, select

from qms.domain import delivery, drawers, einvoice, tickets
from qms.domain.cashier import current, my_counter
from qms.domain.einvoice import NO_PAPER, READY
from qms.domain.errors import Conflict, Unprocessable
from qms.domain.field import reconnect
from qms.domain.ticket_view import period_order
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import Payment, Ticket, TicketInvoice

if TYPE_CHECKING:
    from qms.domain.commands import Collect, ReturnInvoices

SETTLED = ("paid", "paid_elsewhere")  # nothing left to collect
GONE = (*SETTLED, "moved")  # nothing left to collect on this ticket
_I = rows.table(TicketInvoice)
#: a ticket's invoices as F4 needs them: read as rows, written back by key (no ORM objects)
_INVOICES_OF = core_select(
    _I.c.id, _I.c.invoice_id, _I.c.customer_code, _I.c.year, _I.c.month, _I.c.sub_period,
    _I.c.total, _I.c.lookup_status, _I.c.pay_status, _I.c.delivered_to, _I.c.moved_to,
).where(_I.c.ticket_id == bindparam("t"))  # fmt: skip
_T = rows.table(Ticket)
#: these invoices paid on any ticket of the branch's day: the F4 of another ticket wins
_PAID_TODAY = (
    core_select(_I.c.invoice_id, _T.c.number, _I.c.payment_txn)
    .join(_T, _T.c.id == _I.c.ticket_id)
    .where(
        _I.c.invoice_id.in_(bindparam("ids", expanding=True)),
        _I.c.pay_status == "paid",
        _T.c.branch_id == bindparam("branch"),
        _T.c.business_day == bindparam("day"),
    )
    .limit(1)
)
#: one customer's collected invoices, in one statement; paper already at a counter stays
#: named there; an e-invoice has no paper to hold
_PAID = (
    _I.update()
    .where(_I.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        pay_status="paid",
        payment_txn=bindparam("txn"),
        delivered_to=case(
            (_I.c.lookup_status == NO_PAPER, None),
            else_=func.coalesce(_I.c.delivered_to, bindparam("code")),
        ),
    )
)


def _invoices_of(tx: Tx, ticket_id: int | None) -> list[Any]:
    return list(tx.session.connection().execute(_INVOICES_OF, {"t": ticket_id}))


def txn_id(tx: Tx) -> str:
    """Our own transaction id: the CMIS idempotency key and audit number."""
    return f"{tx.branch_id}-{tx.business_day:%Y%m%d}-{uuid.uuid4().hex[:12].upper()}"


def collect(tx: Tx, cmd: Collect) -> dict[str, Any]:
    code, total = cmd.counter, cmd.amount
    my_counter(tx, code)
    drawers.open_at(tx, code)  # only into the collector's own open drawer, of this counter
    given = total if cmd.tendered is None else cmd.tendered
    ticket = current(tx, code)
    on_ticket = _invoices_of(tx, ticket.id)
    per_customer = choose(tx, ticket, on_ticket, cmd.invoices, total)
    if given < total:
        raise Unprocessable(
            f"tendered {given} đ is less than the amount {total} đ",
            code="tendered_short",
            tendered=given,
            amount=total,
        )
    payments = record(tx, ticket, on_ticket, per_customer, counter=code, cashier=tx.actor.label)
    state = tickets.state(tx, ticket)  # its read flushes the ticket first
    # tendered: the receipt prints what the customer gave and the change
    tx.emit("payment.collected", {"ticket": state, "payments": payments, "tendered": given})
    reconnect.after_payment(tx, state, payments)  # a cut customer's reconnection is owed now
    return {"ticket": state, "payments": payments, "change": given - total}


def choose(
    tx: Tx, ticket: Ticket, on_ticket: list[Any], ids: Sequence[int], total: int, *,
    paper: bool = True,
) -> dict[str, list[Any]]:  # fmt: skip
    """The invoices ``ids`` of the ticket, checked for a payment of ``total``: each still
    owed here, its paper found (unless ``paper`` is False: paid by QR, the paper is filed
    later), paid on no other ticket of the day, oldest periods first per customer, and the
    amount their exact sum. Grouped by customer: one payment each."""
    by_id = {r.invoice_id: r for r in on_ticket}
    chosen: list[Any] = []
    for i in ids:
        inv = tickets.invoice_on(ticket, by_id, i)
        if inv.pay_status == "paid":
            raise Conflict(
                f"invoice {i} is already paid",
                code="already_paid",
                invoice=i,
                ticket=ticket.number,
            )
        if inv.pay_status == "moved":
            raise Conflict(
                f"invoice {i} is on ticket {inv.moved_to} now (the customer came back): "
                "collect it there",
                code="invoice_moved",
                invoice=i,
                ticket=inv.moved_to,
            )
        if inv.pay_status == "returned":
            raise Conflict(f"invoice {i} was returned", code="invoice_returned", invoice=i)
        if inv.pay_status == "paid_elsewhere":
            raise Conflict(
                f"invoice {i} ({inv.month:02d}/{inv.year}) was paid elsewhere (bank, payment "
                "network) since the ticket: do not collect it; return its paper",
                code="paid_elsewhere",
                invoice=i,
            )
        if paper and inv.lookup_status not in READY:
            raise Conflict(
                f"the paper of invoice {i} is not found yet ({inv.lookup_status}): park the "
                "ticket and serve someone else",
                code="not_found_yet",
                invoice=i,
                lookup_status=inv.lookup_status,
            )
        chosen.append(inv)
    # The same invoice paid on another ticket of the day (CMIS may not know yet). Safe
    # from a race: every change of a branch runs under its lock (Hall.change takes
    # counters_seq.lock_branch: a row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so
    # two F4s (or an F4 and a bank credit) on one invoice never both get past this read.
    other = tx.session.connection().execute(_PAID_TODAY, tx.today(ids=list(ids))).first()
    if other is not None:
        raise Conflict(
            f"invoice {other.invoice_id} is already paid on ticket {other.number}",
            code="already_paid",
            invoice=other.invoice_id,
            ticket=other.number,
            txn_id=other.payment_txn,
        )

    per_customer: dict[str, list[Any]] = defaultdict(list)
    for inv in chosen:
        per_customer[inv.customer_code].append(inv)
    for cust, picked in per_customer.items():
        open_ = sorted(
            (r for r in on_ticket if r.customer_code == cust and r.pay_status not in GONE),
            key=period_order,
        )
        need = open_[: len(picked)]
        if {r.invoice_id for r in need} != {r.invoice_id for r in picked}:
            raise Unprocessable(
                f"customer {cust} pays oldest periods first and without gaps: pay "
                + ", ".join(f"{r.month:02d}/{r.year}" for r in need),
                code="period_order",
                customer=cust,
                expected=[r.invoice_id for r in need],
                periods=[f"{r.month:02d}/{r.year}" for r in need],
            )

    expected = sum(inv.total for inv in chosen)
    if total != expected:
        raise Unprocessable(
            f"amount {total} đ does not match the invoices' total {expected} đ",
            code="amount_mismatch",
            expected=expected,
            amount=total,
        )
    return dict(per_customer)


def record(
    tx: Tx,
    ticket: Ticket,
    on_ticket: list[Any],
    per_customer: dict[str, list[Any]],
    *,
    counter: str,
    cashier: str,
    method: str = "cash",
    bank_txn: str | None = None,
) -> list[dict[str, Any]]:
    """One payment per customer and its invoices marked paid, in the caller's transaction
    (the outbox row CMIS is posted from); the ticket is done once nothing is left on it."""
    payments = []
    conn = tx.session.connection()
    for cust, picked in per_customer.items():
        paid_ids = sorted(r.invoice_id for r in picked)
        payment = rows.new(
            Payment,
            txn_id=txn_id(tx),
            branch_id=tx.branch_id,
            business_day=tx.business_day,
            ticket_id=ticket.id or 0,
            counter_code=counter,
            cashier=cashier,
            customer_code=cust,
            invoice_ids=json.dumps(paid_ids),
            total=sum(r.total for r in picked),
            created_at=tx.now,
            method=method,
            bank_txn=bank_txn,
        )
        rows.insert(tx.session, Payment, payment)
        keys = [r.id for r in picked]
        conn.execute(_PAID, {"ids": keys, "txn": payment["txn_id"], "code": counter or None})
        payments.append(
            {
                "txn_id": payment["txn_id"],
                "customer_code": cust,
                "invoice_ids": paid_ids,
                "total": payment["total"],
                "status": payment["status"],
                "method": method,
            }
        )
    paid = {inv.id for picked in per_customer.values() for inv in picked}
    if all(r.pay_status in GONE or r.id in paid for r in on_ticket):
        ticket.status = "done"
        ticket.finished_at = tx.now
        if method != "cash" and ticket.counter_code is None:
            ticket.finish_reason = "paid_qr"  # paid while waiting: never called
        tx.session.add(ticket)
    return payments


def invoices_of(tx: Tx, ticket_id: int | None) -> list[Any]:
    """A ticket's invoices as F4 reads them (rows, not ORM objects)."""
    return _invoices_of(tx, ticket_id)


def return_invoices(tx: Tx, cmd: ReturnInvoices) -> dict[str, Any]:
    """Hand delivered, unpaid paper back to invoice management, with a reason."""
    code, ids, why = cmd.counter, cmd.invoices, cmd.reason
    my_counter(tx, code)
    ticket = tickets.by_number(tx, cmd.ticket)
    found = {
        r.invoice_id: r
        for r in tx.session.exec(
            select(TicketInvoice).where(
                TicketInvoice.ticket_id == ticket.id, col(TicketInvoice.invoice_id).in_(ids)
            )
        ).all()
    }
    for i in ids:
        inv = tickets.invoice_on(ticket, found, i)
        if inv.pay_status == "moved":
            raise Conflict(
                f"invoice {i} is on ticket {inv.moved_to} now: return it from there",
                code="invoice_moved",
                invoice=i,
                ticket=inv.moved_to,
            )
        einvoice.refuse_return(inv)
        if inv.pay_status not in ("unpaid", "paid_elsewhere"):
            raise Conflict(
                f"invoice {i} is already {inv.pay_status}",
                code=f"already_{inv.pay_status}",
                invoice=i,
            )
        if inv.delivered_to != code:
            raise Conflict(
                f"invoice {i} was not delivered to {code}",
                code="not_delivered_here",
                invoice=i,
                delivered_to=inv.delivered_to,
            )
    delivery.mark_returned(tx, list(found.values()), why)
    state = tickets.state(tx, ticket)
    tx.emit("invoice.returned", {"ticket": state, "invoice_ids": list(ids), "reason": why})
    return state


def paid_elsewhere(invoices: list[Any], fresh: dict[str, set[int]]) -> list[Any]:
    """Of a ticket's invoices, those still unpaid here that CMIS no longer lists as unpaid
    for their customer: paid elsewhere (bank, payment network) since the ticket.

    ``fresh`` maps each customer code CMIS answered for to its unpaid invoice ids.
    """
    return [
        inv
        for inv in invoices
        if inv.pay_status == "unpaid"
        and inv.customer_code in fresh
        and inv.invoice_id not in fresh[inv.customer_code]
    ]


def mark_paid_elsewhere(tx: Tx, code: str, fresh: dict[str, set[int]]) -> list[int]:
    """F4's fresh look at CMIS: mark the current ticket's invoices paid elsewhere."""
    ticket = current(tx, code)
    changed = []
    for inv in paid_elsewhere(_invoices_of(tx, ticket.id), fresh):
        rows.update(tx.session, TicketInvoice, inv.id, pay_status="paid_elsewhere")
        changed.append(inv.invoice_id)
    if changed:
        tx.emit(
            "invoice.paid_elsewhere",
            {"ticket": tickets.state(tx, ticket), "invoice_ids": changed},
        )
    return changed
