"""Payments after F4: how they read, and a same-day reversal of a cashier's mistake."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import drawers
from qms.domain.errors import BadRequest, Conflict, Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage.models import Payment, TicketInvoice

if TYPE_CHECKING:
    from qms.domain.commands import Reverse

STATUSES = ("pending", "confirmed", "refused", "reversal_pending", "reversed")
#: how the customer paid (Payment.method): only cash goes into a drawer (docs/noncash.md)
METHODS = ("cash", "vietqr")


#: the situations the poster names at the head of a payment's error ("in_doubt: ...")
ERROR_CODES = (
    "051",
    "021",
    "022",
    "031",
    "in_doubt",
    "reverted",
    "wait_earlier",
    "reversal_refused",
)


def error_code(error: str | None) -> str | None:
    """Which words explain a payment's stored error: its leading code when the hall has
    words for it, else "refused" (a CMIS code the hall has no advice for)."""
    if not error:
        return None
    head = error.split(":", 1)[0].strip()
    return head if head in ERROR_CODES else "refused"


def public(p: Payment) -> dict[str, Any]:
    """A payment as the API and events show it; ``age_s`` tells how long it has waited."""
    now = dt.datetime.now(dt.UTC)
    return {
        "txn_id": p.txn_id,
        "business_day": p.business_day.isoformat(),
        "ticket_id": p.ticket_id,
        "customer_code": p.customer_code,
        "invoice_ids": json.loads(p.invoice_ids),
        "total": p.total,
        "counter": p.counter_code,
        "cashier": p.cashier,
        "status": p.status,
        "receipt_no": p.receipt_no,
        "attempts": p.attempts,
        "error": p.last_error,  # as CMIS said it, for the log and programs
        "error_code": error_code(p.last_error),  # what the pages put in words
        "created_at": p.created_at.astimezone(dt.UTC).isoformat(),
        "age_s": int((now - p.created_at).total_seconds()),
        "reversal_reason": p.reversal_reason,
        "method": p.method,  # cash | vietqr
        "bank_txn": p.bank_txn,
    }


def listing(
    session: Session, branch_id: str, status: str | None, day: dt.date | None
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise BadRequest(
            "status is one of " + ", ".join(STATUSES), code="invalid_request", field="status"
        )
    q = select(Payment).where(Payment.branch_id == branch_id)
    if status:
        q = q.where(Payment.status == status)
    if day:
        q = q.where(Payment.business_day == day)
    return [public(p) for p in session.exec(q.order_by(col(Payment.id))).all()]


def request_reversal(tx: Tx, cmd: Reverse) -> dict[str, Any]:
    """Ask CMIS to undo a confirmed payment of today; the outbox worker sends it."""
    txn, reason, role = cmd.txn, cmd.reason, tx.actor.role
    p = tx.session.exec(
        select(Payment).where(Payment.txn_id == txn, Payment.branch_id == tx.branch_id)
    ).first()
    if p is None:
        raise NotFound(f"no payment {txn}", code="unknown_payment", txn=txn)
    if p.business_day != tx.business_day:
        raise Conflict("only a payment of today can be reversed", code="not_same_day")
    check_reversal_rights(tx, p, role)
    if p.status != "confirmed":
        raise Conflict(
            f"payment {txn} is {p.status}: only a payment CMIS confirmed can be reversed",
            code="not_reversible",
            status=p.status,
            txn=txn,
        )
    p.status = "reversal_pending"
    p.reversal_reason = reason
    p.attempts = 0
    p.next_attempt_at = None
    p.last_error = None
    tx.session.add(p)
    tx.session.flush()
    out = public(p)
    tx.emit("payment.reversal_requested", {"payment": out})
    return out


def check_reversal_rights(tx: Tx, p: Payment, role: str) -> None:
    """Who may reverse: the cashier who took the money, or the head cashier or the
    supervisor (the reason is asked of everyone). The money goes back out of the drawer
    that took it (``drawers.balance`` counts it by ``Payment.cashier``), so that drawer
    must still be open: a closed count is final, nobody changes it afterwards."""
    if role == "cashier" and p.cashier != tx.actor.label:
        raise Forbidden(
            f"payment {p.txn_id} was taken by {p.cashier.partition(':')[2]}: only they, the "
            "head cashier or the supervisor may reverse it",
            code="not_your_payment",
            cashier=p.cashier.partition(":")[2],
        )
    owner = p.cashier.partition(":")[2]
    d = drawers.find(tx.session, tx.branch_id, p.business_day, owner)
    if d is None or d.status != "open":
        raise Conflict(
            f"the drawer of {owner} that took payment {p.txn_id} is "
            f"{d.status.replace('_', ' ') if d else 'not open'}: its count is final, the "
            "payment can no longer be reversed here",
            code="drawer_closed",
            cashier=owner,
            drawer_status=d.status if d else None,
        )


def reopen_invoices(session: Session, txn: str) -> None:
    """After CMIS confirms a reversal, or refuses the payment, the invoices are owed again
    (the customer has their money back); their paper goes back."""
    for inv in session.exec(select(TicketInvoice).where(TicketInvoice.payment_txn == txn)).all():
        inv.pay_status = "unpaid"
        inv.payment_txn = None
        session.add(inv)
