"""A ticket's full state as one plain dict: what events carry and projections trim."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from qms.clock import iso
from qms.models import Ticket, TicketCustomer, TicketInvoice


def invoice_state(inv: TicketInvoice) -> dict[str, Any]:
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
        "pay_status": inv.pay_status,
        "payment_txn": inv.payment_txn,
        "returned_reason": inv.returned_reason,
    }


def period_order(inv: TicketInvoice) -> tuple[int, int, int]:
    return (inv.year, inv.month, inv.sub_period)


def load_parts(
    session: Session, ticket: Ticket
) -> tuple[list[TicketCustomer], list[TicketInvoice]]:
    customers = session.exec(
        select(TicketCustomer)
        .where(TicketCustomer.ticket_id == ticket.id)
        .order_by(col(TicketCustomer.position))
    ).all()
    invoices = session.exec(select(TicketInvoice).where(TicketInvoice.ticket_id == ticket.id)).all()
    return list(customers), sorted(invoices, key=lambda i: (i.customer_code, period_order(i)))


def ticket_state(
    session: Session,
    ticket: Ticket,
    counter_names: dict[str, str],
    parts: tuple[list[TicketCustomer], list[TicketInvoice]] | None = None,
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
        "follow_token": ticket.follow_token,
        "customers": [
            {
                "code": c.code,
                "name": c.name,
                "address": c.address,
                "book_code": c.book_code,
                "supply": c.supply,
                "debts": c.debts,
                "invoices": by_customer[c.code],
            }
            for c in customers
        ],
        "total_due": sum(i.total for i in unpaid),
        "total_paid": sum(i.total for i in invoices if i.pay_status == "paid"),
        "ready": bool(unpaid) and all(i.lookup_status == "found" for i in unpaid),
        "debts_pending": any(c.debts == "pending" for c in customers),
    }


def ticket_states(
    session: Session, tickets: list[Ticket], counter_names: dict[str, str]
) -> list[dict[str, Any]]:
    """Many tickets' states in three queries (snapshots), not 2 per ticket."""
    ids = [t.id for t in tickets]
    if not ids:
        return []
    customers: dict[int, list[TicketCustomer]] = {i: [] for i in ids if i is not None}
    for c in session.exec(
        select(TicketCustomer)
        .where(col(TicketCustomer.ticket_id).in_(ids))
        .order_by(col(TicketCustomer.position))
    ).all():
        customers[c.ticket_id].append(c)
    invoices: dict[int, list[TicketInvoice]] = {i: [] for i in ids if i is not None}
    for inv in session.exec(
        select(TicketInvoice).where(col(TicketInvoice.ticket_id).in_(ids))
    ).all():
        invoices[inv.ticket_id].append(inv)
    out = []
    for t in tickets:
        assert t.id is not None
        invs = sorted(invoices[t.id], key=lambda i: (i.customer_code, period_order(i)))
        out.append(ticket_state(session, t, counter_names, (customers[t.id], invs)))
    return out
