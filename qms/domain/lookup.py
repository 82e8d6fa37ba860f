"""Lookup counters: F9 found, F10 deferred (search later), found later, missing, and an
F9 pressed by mistake undone (``unfound``) while the paper has not left the lookup counter.

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
    from qms.domain.commands import LookupMark

_I = rows.table(TicketInvoice)
#: the one invoice an F9 or F10 is about, read without loading it as an ORM object
_ONE = select(
    _I.c.id,
    _I.c.parity,
    _I.c.pay_status,
    _I.c.lookup_status,
    _I.c.delivered_to,
    _I.c.delivered_at,
    _I.c.moved_to,
).where(_I.c.ticket_id == bindparam("t"), _I.c.invoice_id == bindparam("i"))

# action -> (statuses it may start from, status it leaves, event)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "found": (("pending", "deferred", "missing"), "found", "invoice.found"),
    "deferred": (("pending",), "deferred", "invoice.deferred"),
    "missing": (("pending", "deferred"), "missing", "invoice.missing"),
    "unfound": (("found",), "pending", "invoice.unfound"),
}


def mark(tx: Tx, cmd: LookupMark) -> dict[str, Any]:
    number, invoice_id, action = cmd.number, cmd.invoice_id, cmd.mark
    counter = tx.branch.counter(tx.actor.counter or "")
    if counter is None or counter.kind != "lookup":
        raise Forbidden("sign in at a lookup counter first", code="wrong_counter")
    ticket = tickets.row_by_number(tx, number)
    inv = tx.session.connection().execute(_ONE, {"t": ticket.id, "i": invoice_id}).first()
    if inv is None:
        raise NotFound(
            f"invoice {invoice_id} is not on ticket {ticket.number}",
            code="unknown_invoice",
            ticket=ticket.number,
            invoice=invoice_id,
        )
    if inv.parity != counter.parity:
        raise Forbidden(
            f"invoice {invoice_id} belongs to the {inv.parity} lookup counter",
            code="wrong_counter",
            invoice=invoice_id,
            parity=inv.parity,
        )
    allowed, new_status, event = TRANSITIONS[action]
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
    state = tickets.state(tx, ticket)
    tx.emit(event, {"ticket": state, "invoice_id": invoice_id, "later": later})
    return state
