"""Lookup counters: F9 found, F10 deferred (search later), found later, missing, and an
F9 pressed by mistake undone (``unfound``) while the paper has not left the lookup counter.
One key finds a customer's whole bundle (``found_customer``); its undo takes the bundle
back whole (``undo_found``), by the same rule as one paper's.

An invoice found while its ticket is held by a cashier counter is delivered there at once:
the lookup clerk walks the paper to the counter the screen names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from qms.domain import tickets
from qms.domain.clock import iso
from qms.domain.errors import Conflict, Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import TicketInvoice

if TYPE_CHECKING:
    from qms.domain.commands import LookupCustomerFound, LookupMark, LookupUndo

_I = rows.table(TicketInvoice)
#: the one invoice an F9 or F10 is about, read without loading it as an ORM object
_COLS = (
    _I.c.id,
    _I.c.invoice_id,
    _I.c.parity,
    _I.c.pay_status,
    _I.c.lookup_status,
    _I.c.delivered_to,
    _I.c.delivered_at,
    _I.c.moved_to,
)
_ONE = select(*_COLS).where(_I.c.ticket_id == bindparam("t"), _I.c.invoice_id == bindparam("i"))
#: a customer's papers on a ticket (one key finds them all), oldest period first
_OF_CUSTOMER = (
    select(*_COLS)
    .where(_I.c.ticket_id == bindparam("t"), _I.c.customer_code == bindparam("c"))
    .order_by(_I.c.year, _I.c.month, _I.c.sub_period, _I.c.invoice_id)
)
#: the papers an undo names
_SOME = select(*_COLS).where(
    _I.c.ticket_id == bindparam("t"), _I.c.invoice_id.in_(bindparam("ids", expanding=True))
)

# action -> (statuses it may start from, status it leaves, event)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "found": (("pending", "deferred", "missing"), "found", "invoice.found"),
    "deferred": (("pending",), "deferred", "invoice.deferred"),
    "missing": (("pending", "deferred"), "missing", "invoice.missing"),
    "unfound": (("found",), "pending", "invoice.unfound"),
}


def mark(tx: Tx, cmd: LookupMark) -> dict[str, Any]:
    """One paper: F9, F10, F8, or an F9 undone."""
    counter = _my_counter(tx)
    ticket = tickets.row_by_number(tx, cmd.number)
    inv = tx.session.connection().execute(_ONE, {"t": ticket.id, "i": cmd.invoice_id}).first()
    if inv is None:
        raise NotFound(
            f"invoice {cmd.invoice_id} is not on ticket {ticket.number}",
            code="unknown_invoice",
            ticket=ticket.number,
            invoice=cmd.invoice_id,
        )
    later = _change(tx, ticket, counter, inv, cmd.invoice_id, cmd.mark)
    state = tickets.state(tx, ticket)
    event = TRANSITIONS[cmd.mark][2]
    tx.emit(event, {"ticket": state, "invoice_id": cmd.invoice_id, "later": later})
    return state


def found_customer(tx: Tx, cmd: LookupCustomerFound) -> dict[str, Any]:
    """One key for a customer's bundle: every paper of ``cmd.customer`` on the ticket that
    this counter pulls and has not found yet (pending, deferred or missing) is found, in
    one transaction; what it marked comes back as ``invoice_ids`` (what an undo names)."""
    counter = _my_counter(tx)
    ticket = tickets.row_by_number(tx, cmd.number)
    rows_ = tx.session.connection().execute(_OF_CUSTOMER, {"t": ticket.id, "c": cmd.customer})
    todo = [
        r
        for r in rows_
        if r.parity == counter.parity
        and r.pay_status == "unpaid"
        and r.lookup_status in TRANSITIONS["found"][0]
    ]
    if not todo:
        raise Conflict(
            f"customer {cmd.customer} has no paper left to find on ticket {ticket.number} "
            "at this counter",
            code="nothing_to_find",
            ticket=ticket.number,
            customer=cmd.customer,
        )
    ids = [r.invoice_id for r in todo]
    later = [r.invoice_id for r in todo if _change(tx, ticket, counter, r, r.invoice_id, "found")]
    state = tickets.state(tx, ticket)
    tx.emit("invoice.found", _many(state, ids, later))
    return {**state, "invoice_ids": ids}


def undo_found(tx: Tx, cmd: LookupUndo) -> dict[str, Any]:
    """The last F9 undone, all its papers or none: each must still be found and still at
    the lookup counter (``already_delivered`` names the counter that has it)."""
    counter = _my_counter(tx)
    ticket = tickets.row_by_number(tx, cmd.number)
    found = {
        r.invoice_id: r
        for r in tx.session.connection().execute(_SOME, {"t": ticket.id, "ids": list(cmd.invoices)})
    }
    for invoice_id in cmd.invoices:
        inv = found.get(invoice_id)
        if inv is None:
            raise NotFound(
                f"invoice {invoice_id} is not on ticket {ticket.number}",
                code="unknown_invoice",
                ticket=ticket.number,
                invoice=invoice_id,
            )
        _change(tx, ticket, counter, inv, invoice_id, "unfound")
    ids = list(cmd.invoices)
    state = tickets.state(tx, ticket)
    tx.emit("invoice.unfound", _many(state, ids, []))
    return {**state, "invoice_ids": ids}


def _many(state: dict[str, Any], ids: list[int], later: list[int]) -> dict[str, Any]:
    """An event about several papers of one ticket: ``invoice_id`` the first, as for one."""
    return {"ticket": state, "invoice_id": ids[0], "invoice_ids": ids, "later": bool(later)}


def _my_counter(tx: Tx) -> Any:
    counter = tx.branch.counter(tx.actor.counter or "")
    if counter is None or counter.kind != "lookup":
        raise Forbidden("sign in at a lookup counter first", code="wrong_counter")
    return counter


def _change(tx: Tx, ticket: Any, counter: Any, inv: Any, invoice_id: int, action: str) -> bool:
    """Check one paper's move and write it; True when it was found after an F10 or F8.
    Every refusal leaves the transaction to roll back: nothing of a batch is kept."""
    if inv.parity != counter.parity:
        raise Forbidden(
            f"invoice {invoice_id} belongs to the {inv.parity} lookup counter",
            code="wrong_counter",
            invoice=invoice_id,
            parity=inv.parity,
        )
    allowed, new_status, _event = TRANSITIONS[action]
    if inv.pay_status == "moved":
        raise Conflict(
            f"invoice {invoice_id} is on ticket {inv.moved_to} now",
            code="invoice_moved",
            invoice=invoice_id,
            ticket=inv.moved_to,
        )
    if inv.pay_status != "unpaid":
        raise Conflict(
            f"invoice {invoice_id} is already {inv.pay_status}",
            code=f"already_{inv.pay_status}",
            invoice=invoice_id,
        )
    if inv.lookup_status not in allowed:
        raise Conflict(
            f"invoice {invoice_id} is {inv.lookup_status}; cannot mark it {action}",
            code="invalid_lookup_transition",
            invoice=invoice_id,
            status=inv.lookup_status,
        )
    if action == "unfound" and inv.delivered_to:
        # the paper is at a cashier counter: it comes back by a return, not by an undo
        raise Conflict(
            f"the paper of invoice {invoice_id} was delivered to {inv.delivered_to}: "
            "it can no longer be undone here",
            code="already_delivered",
            invoice=invoice_id,
            delivered_to=inv.delivered_to,
            delivered_at=iso(inv.delivered_at),
        )
    later = inv.lookup_status in ("deferred", "missing")
    change: dict[str, Any] = {
        "lookup_status": new_status,
        "looked_up_at": tx.now,
        "looked_up_by": tx.actor.label,
    }
    if new_status == "found" and ticket.counter_code and ticket.status in ("serving", "parked"):
        change.update(delivered_to=ticket.counter_code, delivered_at=tx.now)
    rows.update(tx.session, TicketInvoice, inv.id, **change)
    return later
