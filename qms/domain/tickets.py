"""Issuing tickets and finding them: numbered per branch per business day, atomically."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from integrations.cmis.base import CustomerDebts
from qms.domain import notices, org
from qms.domain import priority as priority_lane
from qms.domain.einvoice import first_lookup
from qms.domain.errors import BadRequest, Conflict, NotFound, Unprocessable
from qms.domain.ticket_view import invoice_order, ticket_state
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import Payment, Ticket, TicketCustomer, TicketInvoice
from qms.storage.sequences import next_ticket_number

CUSTOMER_CODE = re.compile(r"^[A-Z]{2}[0-9]{11}$")
#: a customer on one of these is still in the hall's hands: a second ticket is refused
ACTIVE = ("waiting", "serving", "parked")
#: a customer on one of these who comes back is taken over by the new ticket, with the
#: invoices still unpaid there and their paper (wherever it is)
LEFT = ("no_show", "done")
#: what an invoice takes from the row it is taken over from: the paper's lookup and place
PAPER = ("lookup_status", "looked_up_at", "looked_up_by", "delivered_to", "delivered_at")
MAX_CUSTOMERS = 10
R = TypeVar("R")


def check_codes(codes: Sequence[object]) -> list[str]:
    """Validate and de-duplicate customer codes, keeping their order."""
    if not isinstance(codes, list) or not codes:
        raise BadRequest(
            "give one or more customer codes", code="invalid_request", field="customers"
        )
    if len(codes) > MAX_CUSTOMERS:
        raise BadRequest(
            f"one ticket holds at most {MAX_CUSTOMERS} customers",
            code="too_many_customers",
            max=MAX_CUSTOMERS,
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


_T, _C, _I = rows.table(Ticket), rows.table(TicketCustomer), rows.table(TicketInvoice)
# the two reads of every issue, built once (building a query cost more than running it)
_BUSY = (
    select(_C.c.code, _T.c.number)
    .join(_T, _T.c.id == _C.c.ticket_id)
    .where(
        _C.c.code.in_(bindparam("codes", expanding=True)),
        _T.c.branch_id == bindparam("branch"),
        _T.c.business_day == bindparam("day"),
        _T.c.status.in_(ACTIVE),
    )
    .limit(1)
)
_PAID = select(_I.c.invoice_id).where(
    _I.c.invoice_id.in_(bindparam("ids", expanding=True)), _I.c.pay_status == "paid"
)
#: the same customers on today's no-show or finished tickets, not yet taken over
_LEFT_BEHIND = (
    select(_C.c.id, _C.c.code, _T.c.id.label("ticket_id"), _T.c.status)
    .join(_T, _T.c.id == _C.c.ticket_id)
    .where(
        _C.c.code.in_(bindparam("codes", expanding=True)),
        _T.c.branch_id == bindparam("branch"),
        _T.c.business_day == bindparam("day"),
        _T.c.status.in_(LEFT),
        _T.c.number != bindparam("number"),
        _C.c.moved_to.is_(None),
    )
)
#: their invoices still unpaid there, with the paper's state
_HELD = select(
    _I.c.id, _I.c.ticket_id, _I.c.customer_code, _I.c.invoice_id, *(_I.c[k] for k in PAPER)
).where(
    _I.c.ticket_id.in_(bindparam("tickets", expanding=True)),
    _I.c.invoice_id.in_(bindparam("ids", expanding=True)),
    _I.c.pay_status == "unpaid",
)


def _locally_paid(session: Session, invoice_ids: list[int]) -> set[int]:
    """Invoices already in one of our payments today: CMIS may not know yet."""
    if not invoice_ids:
        return set()
    return set(session.connection().execute(_PAID, {"ids": invoice_ids}).scalars())


def refuse_if_busy(tx: Tx, codes: list[str]) -> None:
    """One live ticket per customer: refused when one of ``codes`` is on a waiting,
    serving or parked ticket today (the refusal names it)."""
    params = {"codes": codes, "branch": tx.branch_id, "day": tx.business_day}
    on = tx.session.connection().execute(_BUSY, params).first()
    if on:
        raise Conflict(
            f"customer {on[0]} is already on ticket {on[1]} today",
            code="customer_on_active_ticket",
            customer=on[0],
            ticket=on[1],
        )


def issue(
    tx: Tx,
    customers: Sequence[CustomerDebts | str],
    priority: str | None = None,
    contact: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Create a ticket. A bare code is a customer whose debts CMIS could not give now
    (down): the ticket still gets its number, marked debts pending, filled in later.
    ``priority``: a priority customer's kind; ``contact``: (phone, channel) for "your turn
    is near", given with consent (docs/notify.md)."""
    s = tx.session
    if tx.actor.label.startswith("device:"):
        org.refuse_if_closed(tx.branch.hours, tx.now)
    if priority is not None:
        priority_lane.refuse_if_off(tx)
    if contact is not None and tx.branch.near_ahead <= 0:
        raise Conflict("this hall sends no messages", code="notify_off")
    codes = [c if isinstance(c, str) else c.code for c in customers]
    refuse_if_busy(tx, codes)
    known = [c for c in customers if not isinstance(c, str)]
    paid = _locally_paid(s, [i.invoice_id for d in known for i in d.invoices])
    no_debt = [d.code for d in known if all(i.invoice_id in paid for i in d.invoices)]
    if no_debt:
        raise Unprocessable(
            "no unpaid invoices for " + ", ".join(no_debt), code="no_debt", customers=no_debt
        )

    number = next_ticket_number(s, tx.branch_id, tx.business_day)
    ticket = rows.new(
        Ticket,
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        number=number,
        issued_at=tx.now,
        issued_by=tx.actor.label,
        priority=priority,
    )
    ticket_id = rows.insert(s, Ticket, ticket)
    if contact is not None:
        notices.leave(tx, ticket_id, *contact)
    written: list[rows.Row] = []
    invoices: list[rows.Row] = []
    for pos, c in enumerate(customers):
        d = None if isinstance(c, str) else c
        cust = rows.new(
            TicketCustomer,
            ticket_id=ticket_id,
            position=pos,
            code=c if d is None else d.code,
            **_described(d),
        )
        customer_id = rows.insert(s, TicketCustomer, cust)
        if d is not None:
            invoices += _invoices(tx, ticket_id, customer_id, d, paid)
        written.append(cust)
    taken = _take_over(tx, number, codes, invoices)
    rows.insert_many(s, TicketInvoice, invoices)
    parts = ([rows.view(c) for c in written], sorted(map(rows.view, invoices), key=invoice_order))
    state = ticket_state(s, rows.view(ticket), tx.branch.counter_names, parts)
    more: dict[str, Any] = {"taken_over": taken} if taken else {}
    if len(known) == len(customers):  # every debt known: one QR pays the whole ticket
        from qms.domain.bank import qr  # here: it builds on F4, which imports this module

        if (shown := qr.for_ticket(tx, ticket_id, invoices)) is not None:
            more["qr"] = shown
    tx.emit("ticket.issued", {"ticket": state, **more})
    _announce_taken(tx, number, taken)
    out = {**state, "qr": more.get("qr")}
    if contact is not None:
        out["notify"] = {"phone": notices.masked(contact[0]), "channel": contact[1]}
    return {**out, "notices": [_notice(t) for t in taken]} if taken else out


def _take_over(
    tx: Tx, number: int, codes: list[str], invoices: list[rows.Row]
) -> list[dict[str, Any]]:
    """One invoice, one live claim: customers of today's no-show or finished tickets come
    over to ticket ``number``. Their invoices on the new ticket take the paper's state from
    the old rows (found, at counter X since T: the lookup is not asked for it again), and
    the old rows become ``moved``, so the old ticket can neither collect them nor count
    their paper. What moved, per old ticket: ``[{ticket, customers, invoice_ids}]``.

    Runs under the branch lock (``Hall.change``), so no other change sees half of it."""
    conn = tx.session.connection()
    left = conn.execute(_LEFT_BEHIND, tx.today(codes=codes, number=number)).all()
    if not left:
        return []
    new_by_id = {r["invoice_id"]: r for r in invoices}
    held = conn.execute(
        _HELD, {"tickets": list({r.ticket_id for r in left}), "ids": list(new_by_id)}
    ).all()
    moved: dict[int, dict[str, Any]] = {}
    for old in held:
        new_by_id[old.invoice_id].update({k: getattr(old, k) for k in PAPER})
        rows.update(tx.session, TicketInvoice, old.id, pay_status="moved", moved_to=number)
        m = moved.setdefault(old.ticket_id, {"customers": set(), "invoice_ids": []})
        m["customers"].add(old.customer_code)
        m["invoice_ids"].append(old.invoice_id)
    for c in left:
        # a no-show ticket loses the customer outright; a finished one only if it still
        # held something of theirs (a paid-up visit stays as it was)
        if c.status == "no_show" or c.code in moved.get(c.ticket_id, {}).get("customers", ()):
            rows.update(tx.session, TicketCustomer, c.id, moved_to=number)
            moved.setdefault(c.ticket_id, {"customers": set(), "invoice_ids": []})
            moved[c.ticket_id]["customers"].add(c.code)
    out = []
    for ticket_id, m in moved.items():
        old_ticket = tx.session.get(Ticket, ticket_id)
        assert old_ticket is not None
        out.append(
            {
                "id": ticket_id,
                "ticket": old_ticket.number,
                "status": old_ticket.status,
                "customers": sorted(m["customers"]),
                "invoice_ids": sorted(m["invoice_ids"]),
            }
        )
    return sorted(out, key=lambda t: t["ticket"])


def _announce_taken(tx: Tx, number: int, taken: list[dict[str, Any]]) -> None:
    """Each old ticket's screens learn what it lost, and to which ticket."""
    for t in taken:
        old = tx.session.get(Ticket, t["id"])
        assert old is not None
        tx.emit(
            "ticket.taken_over",
            {
                "ticket": state(tx, old),
                "to": number,
                "customers": t["customers"],
                "invoice_ids": t["invoice_ids"],
            },
        )


def _notice(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": "taken_over",
        "message": f"customer(s) {', '.join(t['customers'])} taken over from ticket "
        f"{t['ticket']} ({t['status'].replace('_', '-')}), with their invoices and paper",
        "ticket": t["ticket"],
        "customers": t["customers"],
        "invoice_ids": t["invoice_ids"],
    }


def _described(d: CustomerDebts | None) -> dict[str, str]:
    """A ticket customer's columns from CMIS's description, or blanks with their debts
    pending (CMIS did not answer)."""
    if d is None:
        return {"name": "", "address": "", "book_code": "", "supply": "", "debts": "pending"}
    return {
        "name": d.name,
        "address": d.address,
        "book_code": d.book_code,
        "supply": str(d.supply),
        "debts": "fetched",
    }


def _invoices(
    tx: Tx, ticket_id: int, customer_id: int, d: CustomerDebts, paid: set[int]
) -> list[rows.Row]:
    """Rows of a customer's unpaid invoices as CMIS gave them, less those we were paid;
    in a branch without paper, born ready (``einvoice.NO_PAPER``)."""
    lookup = first_lookup(tx.branch)
    return [
        rows.new(
            TicketInvoice,
            ticket_id=ticket_id,
            customer_id=customer_id,
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
            lookup_status=lookup,
            due=inv.due,
        )
        for inv in d.invoices
        if inv.invoice_id not in paid
    ]


def pending_debts(session: Session, branch_id: str, day: Any) -> list[str]:
    """Codes of today's customers still waiting for CMIS, on tickets not yet finished."""
    codes = session.exec(
        select(TicketCustomer.code)
        .join(Ticket, col(Ticket.id) == TicketCustomer.ticket_id)
        .where(
            Ticket.branch_id == branch_id,
            Ticket.business_day == day,
            col(Ticket.status).in_(ACTIVE),
            TicketCustomer.debts == "pending",
        )
    ).all()
    return list(dict.fromkeys(codes))


def fill_debts(tx: Tx, code: str, debts: CustomerDebts | None) -> list[dict[str, Any]]:
    """CMIS answered for a customer whose debts were pending; ``None``: it does not know them."""
    found = tx.session.exec(
        select(TicketCustomer, Ticket)
        .join(Ticket, col(Ticket.id) == TicketCustomer.ticket_id)
        .where(
            Ticket.branch_id == tx.branch_id,
            Ticket.business_day == tx.business_day,
            TicketCustomer.code == code,
            TicketCustomer.debts == "pending",
            col(TicketCustomer.moved_to).is_(None),
        )
    ).all()
    states = []
    for cust, ticket in found:
        taken: list[dict[str, Any]] = []
        if debts is None:
            cust.debts = "unknown"
            tx.session.add(cust)
        else:
            for column, value in _described(debts).items():
                setattr(cust, column, value)
            tx.session.add(cust)
            paid = _locally_paid(tx.session, [i.invoice_id for i in debts.invoices])
            assert cust.id is not None
            new = _invoices(tx, cust.ticket_id, cust.id, debts, paid)
            taken = _take_over(tx, ticket.number, [code], new)
            rows.insert_many(tx.session, TicketInvoice, new)
        tx.session.flush()
        now = ticket_state(tx.session, ticket, tx.branch.counter_names)
        tx.emit("ticket.debts_fetched", {"ticket": now, "customer": code})
        _announce_taken(tx, ticket.number, taken)
        states.append(now)
    return states


#: prebuilt: the F9s, calls and F4s that find a ticket by number skip building the query
_BY_NUMBER = select(Ticket).where(
    Ticket.branch_id == bindparam("branch"),
    Ticket.business_day == bindparam("day"),
    Ticket.number == bindparam("number"),
)
_BY_NUMBER_LOCKED = _BY_NUMBER.with_for_update()
_T = rows.table(Ticket)
_ROW_BY_NUMBER_LOCKED = (
    core_select(_T)
    .where(
        _T.c.branch_id == bindparam("branch"),
        _T.c.business_day == bindparam("day"),
        _T.c.number == bindparam("number"),
    )
    .with_for_update()
)


def _today_number(tx: Tx, number: object) -> dict[str, Any]:
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise BadRequest("a ticket number is a positive integer", code="invalid_ticket_number")
    return tx.today(number=number)


def _found(ticket: Any, number: object) -> Any:
    if ticket is None:
        raise NotFound(f"no ticket {number} today", code="unknown_ticket", ticket=number)
    return ticket


def invoice_on(ticket: Any, found: Mapping[int, R], invoice_id: int) -> R:
    """The invoice ``invoice_id`` among ``found`` (the ticket's, by invoice id), or the
    refusal that names it as not on this ticket."""
    inv = found.get(invoice_id)
    if inv is None:
        raise NotFound(
            f"invoice {invoice_id} is not on ticket {ticket.number}",
            code="unknown_invoice",
            invoice=invoice_id,
            ticket=ticket.number,
        )
    return inv


def by_number(tx: Tx, number: object, *, lock: bool = True) -> Ticket:
    """Today's ticket with this number, locked for the change (FOR UPDATE on PostgreSQL)."""
    where = _today_number(tx, number)
    q = _BY_NUMBER_LOCKED if lock else _BY_NUMBER
    ticket: Ticket = _found(tx.session.exec(q, params=where).first(), number)
    return ticket


def row_by_number(tx: Tx, number: object) -> Any:
    """``by_number`` for a change that only reads the ticket (an F9 writes its invoice):
    locked the same, read as a row, not loaded as an ORM object."""
    where = _today_number(tx, number)
    found = tx.session.connection().execute(_ROW_BY_NUMBER_LOCKED, where).first()
    return _found(found, number)


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
