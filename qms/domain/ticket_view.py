"""A ticket's full state as one plain dict: what events carry and projections trim."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from qms.domain.clock import iso
from qms.domain.einvoice import READY
from qms.storage import rows
from qms.storage.models import Ticket, TicketCustomer, TicketInvoice


def invoice_state(inv: Any) -> dict[str, Any]:
    """``inv``: a TicketInvoice, or a read-only view of its row (``rows.view``)."""
    return {
        "invoice_id": inv.invoice_id,
        "customer_code": inv.customer_code,
        "period": f"{inv.month:02d}/{inv.year}"
        + (f"-{inv.sub_period}" if inv.sub_period > 1 else ""),
        "year": inv.year,
        "month": inv.month,
        "sub_period": inv.sub_period,
        "amount": inv.amount,
        "vat": inv.vat,
        "total": inv.total,
        "series": inv.series,
        "number": inv.number,
        "book_code": inv.book_code,
        "lookup": inv.parity,
        "lookup_status": inv.lookup_status,
        "delivered_to": inv.delivered_to,
        "delivered_at": iso(inv.delivered_at),
        "pay_status": inv.pay_status,
        "moved_to": inv.moved_to,
        "payment_txn": inv.payment_txn,
        "returned_reason": inv.returned_reason,
        "due": inv.due.isoformat() if inv.due else None,
    }


def period_order(inv: Any) -> tuple[int, int, int]:
    return (inv.year, inv.month, inv.sub_period)


def invoice_order(inv: Any) -> tuple[str, tuple[int, int, int]]:
    """How a ticket lists its invoices: by customer, oldest period first."""
    return (inv.customer_code, period_order(inv))


_C, _I = rows.table(TicketCustomer), rows.table(TicketInvoice)
_CUSTOMERS = (
    select(_C).where(_C.c.ticket_id.in_(bindparam("ids", expanding=True))).order_by(_C.c.position)
)
_INVOICES = select(_I).where(_I.c.ticket_id.in_(bindparam("ids", expanding=True)))
#: one ticket's, as every change rebuilds it: no IN list to expand at each execution
_CUSTOMERS_OF = select(_C).where(_C.c.ticket_id == bindparam("id")).order_by(_C.c.position)
_INVOICES_OF = select(_I).where(_I.c.ticket_id == bindparam("id"))


def _read(session: Session, query: Any, params: dict[str, Any]) -> list[Any]:
    """Read-only views of rows: a ticket's state is only read, and ORM objects cost far
    more than the query (a lookup's F9 rebuilds the whole ticket)."""
    if session.dirty or session.new:
        session.flush()  # this transaction's own changes are part of the state
    return [rows.view(dict(r)) for r in session.connection().execute(query, params).mappings()]


def load_parts(session: Session, ticket: Ticket) -> tuple[list[Any], list[Any]]:
    one = {"id": ticket.id}
    customers = _read(session, _CUSTOMERS_OF, one)
    return customers, sorted(_read(session, _INVOICES_OF, one), key=invoice_order)


def ticket_state(
    session: Session,
    ticket: Any,
    counter_names: dict[str, str],
    parts: tuple[list[Any], list[Any]] | None = None,
) -> dict[str, Any]:
    customers, invoices = parts or load_parts(session, ticket)
    by_customer: dict[str, list[dict[str, Any]]] = {c.code: [] for c in customers}
    for inv in invoices:
        by_customer[inv.customer_code].append(invoice_state(inv))
    unpaid = [i for i in invoices if i.pay_status == "unpaid"]
    return {
        "id": ticket.id,
        "number": ticket.number,
        "business_day": ticket.business_day.isoformat(),
        "status": ticket.status,
        "counter": (
            {"code": ticket.counter_code, "name": counter_names.get(ticket.counter_code, "")}
            if ticket.counter_code
            else None
        ),
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "finished_at": iso(ticket.finished_at),
        "recalls": ticket.recalls,
        "finish_reason": ticket.finish_reason,
        "priority": ticket.priority,
        "follow_token": ticket.follow_token,
        "customers": [
            {
                "code": c.code,
                "name": c.name,
                "address": c.address,
                "book_code": c.book_code,
                "supply": c.supply,
                "debts": c.debts,
                "moved_to": c.moved_to,
                "invoices": by_customer[c.code],
            }
            for c in customers
        ],
        "total_due": sum(i.total for i in unpaid),
        "total_paid": sum(i.total for i in invoices if i.pay_status == "paid"),
        "ready": bool(unpaid) and all(i.lookup_status in READY for i in unpaid),
        "debts_pending": any(c.debts == "pending" for c in customers),
    }


def ticket_states(
    session: Session, tickets: list[Ticket], counter_names: dict[str, str]
) -> list[dict[str, Any]]:
    """Many tickets' states in three queries (snapshots), not 2 per ticket."""
    ids = [t.id for t in tickets]
    if not ids:
        return []
    customers: dict[int, list[Any]] = {i: [] for i in ids if i is not None}
    for c in _read(session, _CUSTOMERS, {"ids": ids}):
        customers[c.ticket_id].append(c)
    invoices: dict[int, list[Any]] = {i: [] for i in ids if i is not None}
    for inv in _read(session, _INVOICES, {"ids": ids}):
        invoices[inv.ticket_id].append(inv)
    out = []
    for t in tickets:
        assert t.id is not None
        invs = sorted(invoices[t.id], key=invoice_order)
        out.append(ticket_state(session, t, counter_names, (customers[t.id], invs)))
    return out
