"""Paper invoices at day end: what each counter was handed, what was paid, what must go
back to invoice management, and the return itself (who, when, why).

An invoice's paper is *pulled* once a lookup counter found it (F9); it is *delivered* to
the cashier counter holding its ticket. Pulled paper that is not paid is *to return*.
An e-invoice (``einvoice.NO_PAPER``, a branch without paper) is none of these.

A paper is counted once, by invoice id, across the day's tickets: a customer who came back
on a new ticket took their paper along (the old row is ``moved``), and a paper returned
then pulled again for a later ticket is in the state of its latest pull.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import tickets
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.einvoice import NO_PAPER, refuse_return
from qms.domain.errors import BadRequest, Conflict, Forbidden
from qms.domain.tx import Tx
from qms.storage.models import Ticket, TicketInvoice

if TYPE_CHECKING:
    from qms.domain.commands import ReturnPapers

RETURN_REASONS = {
    "not_enough_money": "the customer had not enough money",
    "fewer_periods": "the customer paid fewer periods",
    "customer_left": "the customer left",
    "paid_elsewhere": "already paid elsewhere",
    "other": "other",
}
UNPAID = ("unpaid", "paid_elsewhere")  # paper still out, no money for it here


def check_reason(reason: object) -> str:
    if not isinstance(reason, str) or reason not in RETURN_REASONS:
        raise BadRequest(
            "reason is one of " + ", ".join(RETURN_REASONS),
            code="invalid_reason",
            allowed=list(RETURN_REASONS),
        )
    return reason


def mark_returned(tx: Tx, rows: list[TicketInvoice], reason: str) -> None:
    for inv in rows:
        inv.pay_status = "returned"
        inv.returned_reason = reason
        inv.returned_at = tx.now
        inv.returned_by = tx.actor.label
        tx.session.add(inv)
    tx.session.flush()


def to_return(inv: TicketInvoice) -> bool:
    return inv.lookup_status == "found" and inv.pay_status in UNPAID


def _rows(session: Session, branch_id: str, day: dt.date) -> list[tuple[TicketInvoice, int, str]]:
    return [
        (inv, number, status)
        for inv, number, status in session.exec(
            select(TicketInvoice, Ticket.number, Ticket.status)
            .join(Ticket, col(Ticket.id) == TicketInvoice.ticket_id)
            .where(Ticket.branch_id == branch_id, Ticket.business_day == day)
            .order_by(col(Ticket.number), col(TicketInvoice.id))
        ).all()
    ]


def _papers(session: Session, branch_id: str, day: dt.date) -> list[tuple[TicketInvoice, int, str]]:
    """Each paper that left its rack today, once: the latest row of its invoice that
    pulled it (rows come in ticket order)."""
    latest: dict[int, tuple[TicketInvoice, int, str]] = {}
    for inv, number, status in _rows(session, branch_id, day):
        if inv.pay_status == "moved":
            continue  # counted on the ticket that took it over
        if inv.lookup_status == NO_PAPER:
            continue  # an e-invoice: no paper left a rack
        if inv.lookup_status != "found" and inv.pay_status != "paid":
            continue  # this claim never pulled it
        latest[inv.invoice_id] = (inv, number, status)
    return sorted(latest.values(), key=lambda r: (r[1], r[0].id or 0))


def paper(inv: TicketInvoice, number: int, ticket_status: str | None = None) -> dict[str, Any]:
    """One paper invoice; ``ticket_status`` tells a paper still with a customer (waiting,
    serving, parked) from one left behind (done, no-show)."""
    return {
        "ticket": number,
        "ticket_status": ticket_status,
        "invoice_id": inv.invoice_id,
        "customer_code": inv.customer_code,
        "period": f"{inv.month:02d}/{inv.year}"
        + (f"-{inv.sub_period}" if inv.sub_period > 1 else ""),
        "total": inv.total,
        "book_code": inv.book_code,
        "lookup": inv.parity,
        "delivered_to": inv.delivered_to,
        "pay_status": inv.pay_status,
        "returned_reason": inv.returned_reason,
        "returned_at": iso(inv.returned_at),
        "returned_by": inv.returned_by,
    }


def _tally() -> dict[str, Any]:
    return {
        "delivered": 0,
        "delivered_total": 0,
        "paid": 0,
        "paid_total": 0,
        "returned": 0,
        "to_return": 0,
        "to_return_total": 0,
        "returned_by_reason": defaultdict(int),
    }


def report(session: Session, branch: Branch, day: dt.date) -> dict[str, Any]:
    """Per cashier counter (what it was handed) and per lookup counter (what it pulled):
    delivered, paid, returned with reasons, and the papers still to return."""
    lookup_codes = {c.parity: c.code for c in branch.counters.values() if c.kind == "lookup"}
    counters: dict[str, dict[str, Any]] = {
        c.code: {"counter": c.code, "name": c.name, "kind": c.kind, **_tally()}
        for c in branch.counters.values()
        if c.kind in ("cashier", "lookup")
    }
    pending: list[dict[str, Any]] = []
    returned: list[dict[str, Any]] = []
    for inv, number, status in _papers(session, branch.id, day):
        places = [lookup_codes.get(inv.parity)]
        if inv.delivered_to:
            places.append(inv.delivered_to)
        for code in places:
            t = counters.get(code or "")
            if t is None:
                continue
            t["delivered"] += 1
            t["delivered_total"] += inv.total
            if inv.pay_status == "paid":
                t["paid"] += 1
                t["paid_total"] += inv.total
            elif inv.pay_status == "returned":
                t["returned"] += 1
                t["returned_by_reason"][inv.returned_reason or "other"] += 1
            elif to_return(inv):
                t["to_return"] += 1
                t["to_return_total"] += inv.total
        if to_return(inv):
            pending.append(paper(inv, number, status))
        elif inv.pay_status == "returned":
            returned.append(paper(inv, number, status))
    rows = []
    for t in counters.values():
        t["returned_by_reason"] = dict(t["returned_by_reason"])
        rows.append(t)
    return {
        "branch": branch.id,
        "date": day.isoformat(),
        "counters": rows,
        "to_return": pending,
        "returned": returned,
    }


def pending_at(session: Session, branch_id: str, day: dt.date, codes: set[str]) -> list[Any]:
    """Papers delivered to these cashier counters that are neither paid nor returned."""
    return [
        paper(inv, n, status)
        for inv, n, status in _papers(session, branch_id, day)
        if inv.delivered_to in codes and to_return(inv)
    ]


def return_papers(tx: Tx, cmd: ReturnPapers) -> Any:
    """Record papers coming back to invoice management at day end. A cashier returns what
    was delivered to their counter, a lookup clerk what their counter pulled; the head
    cashier and the supervisor any pulled paper."""
    role, invoice_ids, why = tx.actor.role, cmd.invoices, cmd.reason
    ticket = tickets.by_number(tx, cmd.ticket)
    rows = {
        r.invoice_id: r
        for r in tx.session.exec(
            select(TicketInvoice).where(
                TicketInvoice.ticket_id == ticket.id,
                col(TicketInvoice.invoice_id).in_(invoice_ids),
            )
        ).all()
    }
    counter = tx.branch.counter(tx.actor.counter or "")
    for i in invoice_ids:
        inv = tickets.invoice_on(ticket, rows, i)
        refuse_return(inv)
        if not to_return(inv):
            raise Conflict(
                f"invoice {i} has nothing to return ({inv.lookup_status}, {inv.pay_status})",
                code="nothing_to_return",
                invoice=i,
            )
        if role in ("cashier", "head_cashier") and counter and counter.kind == "cashier":
            if inv.delivered_to != counter.code and role == "cashier":
                raise Conflict(
                    f"invoice {i} was not delivered to {counter.code}",
                    code="not_delivered_here",
                    invoice=i,
                    delivered_to=inv.delivered_to,
                )
        elif role == "lookup":
            if counter is None or counter.parity != inv.parity:
                raise Forbidden(
                    f"invoice {i} belongs to the {inv.parity} lookup counter",
                    code="wrong_counter",
                    invoice=i,
                )
        elif role not in ("head_cashier", "supervisor"):
            raise Forbidden(f"role {role} does not take papers back", code="wrong_role")
    mark_returned(tx, list(rows.values()), why)
    state = tickets.state(tx, ticket)
    tx.emit("invoice.returned", {"ticket": state, "invoice_ids": list(invoice_ids), "reason": why})
    return state
