"""Issuing tickets and finding them: numbered per branch per business day, atomically."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from integrations.cmis.base import CustomerDebts
from qms import drawers
from qms.counters_seq import next_ticket_number
from qms.errors import BadRequest, Conflict, NotFound, Unprocessable
from qms.models import Payment, Ticket, TicketCustomer, TicketInvoice
from qms.ticket_view import ticket_state
from qms.tx import Tx

CUSTOMER_CODE = re.compile(r"^[A-Z]{2}[0-9]{11}$")
ACTIVE = ("waiting", "serving", "parked")
MAX_CUSTOMERS = 10


def check_codes(codes: Sequence[object]) -> list[str]:
    """Validate and de-duplicate customer codes, keeping their order."""
    if not isinstance(codes, list) or not codes:
        raise BadRequest(
            "give one or more customer codes", code="invalid_request", field="customers"
        )
    if len(codes) > MAX_CUSTOMERS:
        raise BadRequest(
            f"one ticket holds at most {MAX_CUSTOMERS} customers", code="too_many_customers"
        )
    seen: list[str] = []
    for code in codes:
        if not isinstance(code, str) or not CUSTOMER_CODE.match(code):
            raise BadRequest(
                "a customer code is 2 capital letters and 11 digits, e.g. PE01000012345",
                code="invalid_customer_code",
                customer=code if isinstance(code, str) else repr(code),
            )
        if code not in seen:
            seen.append(code)
    return seen


def _locally_paid(session: Session, invoice_ids: list[int]) -> set[int]:
    """Invoices already in one of our payments today: CMIS may not know yet."""
    if not invoice_ids:
        return set()
    rows = session.exec(
        select(TicketInvoice.invoice_id).where(
            col(TicketInvoice.invoice_id).in_(invoice_ids), TicketInvoice.pay_status == "paid"
        )
    ).all()
    return set(rows)


def issue(tx: Tx, customers: Sequence[CustomerDebts | str]) -> dict[str, Any]:
    """Create a ticket. A bare code is a customer whose debts CMIS could not give now
    (down): the ticket still gets its number, marked debts pending, filled in later."""
    s = tx.session
    drawers.refuse_if_day_closed(tx)
    codes = [c if isinstance(c, str) else c.code for c in customers]
    busy = s.exec(
        select(TicketCustomer.code, Ticket.number)
        .join(Ticket, col(Ticket.id) == TicketCustomer.ticket_id)
        .where(
            col(TicketCustomer.code).in_(codes),
            Ticket.branch_id == tx.branch_id,
            Ticket.business_day == tx.business_day,
            col(Ticket.status).in_(ACTIVE),
        )
    ).first()
    if busy:
        raise Conflict(
            f"customer {busy[0]} is already on ticket {busy[1]} today",
            code="customer_on_active_ticket",
            customer=busy[0],
            ticket=busy[1],
        )
    known = [c for c in customers if not isinstance(c, str)]
    paid = _locally_paid(s, [i.invoice_id for d in known for i in d.invoices])
    no_debt = [d.code for d in known if all(i.invoice_id in paid for i in d.invoices)]
    if no_debt:
        raise Unprocessable(
            "no unpaid invoices for " + ", ".join(no_debt), code="no_debt", customers=no_debt
        )

    number = next_ticket_number(s, tx.branch_id, tx.business_day)
    ticket = Ticket(
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        number=number,
        issued_at=tx.now,
        issued_by=tx.actor.label,
    )
    s.add(ticket)
    s.flush()
    assert ticket.id is not None
    for pos, c in enumerate(customers):
        if isinstance(c, str):
            s.add(
                TicketCustomer(
                    ticket_id=ticket.id,
                    position=pos,
                    code=c,
                    name="",
                    address="",
                    book_code="",
                    supply="",
                    debts="pending",
                )
            )
        else:
            cust = TicketCustomer(
                ticket_id=ticket.id,
                position=pos,
                code=c.code,
                name="",
                address="",
                book_code="",
                supply="",
            )
            _fill(tx, cust, c, paid)
    s.flush()
    state = ticket_state(s, ticket, tx.branch.counter_names)
    tx.emit("ticket.issued", {"ticket": state})
    return state


def _fill(tx: Tx, cust: TicketCustomer, d: CustomerDebts, paid: set[int]) -> None:
    """Write CMIS's description of a customer and their unpaid invoices onto the ticket."""
    cust.name, cust.address, cust.book_code = d.name, d.address, d.book_code
    cust.supply, cust.debts = str(d.supply), "fetched"
    tx.session.add(cust)
    tx.session.flush()
    assert cust.id is not None
    for inv in d.invoices:
        if inv.invoice_id in paid:
            continue
        tx.session.add(
            TicketInvoice(
                ticket_id=cust.ticket_id,
                customer_id=cust.id,
                customer_code=d.code,
                invoice_id=inv.invoice_id,
                year=inv.year,
                month=inv.month,
                sub_period=inv.sub_period,
                amount=inv.amount,
                vat=inv.vat,
                total=inv.total,
                series=inv.series,
                number=inv.number,
                book_code=d.book_code,
                parity=tx.branch.route(d.book_code, inv.number),
            )
        )


def pending_debts(session: Session, branch_id: str, day: Any) -> list[str]:
    """Codes of today's customers still waiting for CMIS, on tickets not yet finished."""
    rows = session.exec(
        select(TicketCustomer.code)
        .join(Ticket, col(Ticket.id) == TicketCustomer.ticket_id)
        .where(
            Ticket.branch_id == branch_id,
            Ticket.business_day == day,
            col(Ticket.status).in_(ACTIVE),
            TicketCustomer.debts == "pending",
        )
    ).all()
    return list(dict.fromkeys(rows))


def fill_debts(tx: Tx, code: str, debts: CustomerDebts | None) -> list[dict[str, Any]]:
    """CMIS answered for a customer whose debts were pending; ``None``: it does not know them."""
    rows = tx.session.exec(
        select(TicketCustomer, Ticket)
        .join(Ticket, col(Ticket.id) == TicketCustomer.ticket_id)
        .where(
            Ticket.branch_id == tx.branch_id,
            Ticket.business_day == tx.business_day,
            TicketCustomer.code == code,
            TicketCustomer.debts == "pending",
        )
    ).all()
    states = []
    for cust, ticket in rows:
        if debts is None:
            cust.debts = "unknown"
            tx.session.add(cust)
        else:
            _fill(
                tx, cust, debts, _locally_paid(tx.session, [i.invoice_id for i in debts.invoices])
            )
        tx.session.flush()
        state = ticket_state(tx.session, ticket, tx.branch.counter_names)
        tx.emit("ticket.debts_fetched", {"ticket": state, "customer": code})
        states.append(state)
    return states


def by_number(tx: Tx, number: object, *, lock: bool = True) -> Ticket:
    """Today's ticket with this number, locked for the change (FOR UPDATE on PostgreSQL)."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise BadRequest("a ticket number is a positive integer", code="invalid_ticket_number")
    q = select(Ticket).where(
        Ticket.branch_id == tx.branch_id,
        Ticket.business_day == tx.business_day,
        Ticket.number == number,
    )
    if lock:
        q = q.with_for_update()
    ticket = tx.session.exec(q).first()
    if ticket is None:
        raise NotFound(f"no ticket {number} today", code="unknown_ticket", ticket=number)
    return ticket


def state(tx: Tx, ticket: Ticket) -> dict[str, Any]:
    return ticket_state(tx.session, ticket, tx.branch.counter_names)


def today(
    session: Session, branch_id: str, day: Any, statuses: Sequence[str] | None = None
) -> list[Ticket]:
    q = select(Ticket).where(Ticket.branch_id == branch_id, Ticket.business_day == day)
    if statuses:
        q = q.where(col(Ticket.status).in_(list(statuses)))
    return list(session.exec(q.order_by(col(Ticket.number))).all())


def payments_of(session: Session, ticket_id: int) -> list[Payment]:
    return list(session.exec(select(Payment).where(Payment.ticket_id == ticket_id)).all())
