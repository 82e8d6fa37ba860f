"""Events: appended in the change's own transaction, published on the bus after commit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from qms.domain.clock import iso
from qms.storage import rows
from qms.storage.models import Event
from qms.storage.sequences import next_seq

#: Every event type, with what it means; docs/protocol.md is checked against this table.
EVENT_TYPES: dict[str, str] = {
    "ticket.issued": "a ticket was issued with its customers and invoices",
    "ticket.called": "a cashier counter called the ticket",
    "ticket.recalled": "the counter called the same ticket again",
    "ticket.parked": "the ticket went back to the waiting list, held by its counter",
    "ticket.transferred": "the ticket moved to another cashier counter",
    "ticket.no_show": "the customer did not come when called",
    "ticket.finished": "service of the ticket ended (invoices left unpaid: confirmed, with why)",
    "ticket.reopened": "the head cashier or supervisor reopened a ticket finished by mistake",
    "ticket.taken_over": "a new ticket took customers of a no-show or finished ticket over, "
    "with their unpaid invoices and paper",
    "invoice.found": "a lookup counter found the paper invoice (F9)",
    "invoice.deferred": "a lookup counter put the invoice aside to search later (F10)",
    "invoice.missing": "a lookup counter gave up on the paper invoice",
    "invoice.unfound": "a lookup counter undid an F9 pressed by mistake (paper not yet delivered)",
    "invoice.returned": "a delivered, unpaid invoice went back to invoice management",
    "invoice.paid_elsewhere": "CMIS says the invoice was paid elsewhere since the ticket",
    "ticket.debts_fetched": "debts of a customer pending at issue (CMIS down) arrived",
    "payment.reversal_requested": "a cashier asked to reverse a payment (same day)",
    "payment.reversed": "CMIS confirmed the reversal",
    "payment.reversal_refused": "CMIS refused the reversal",
    "payment.collected": "a cashier collected money (F4)",
    "receipt.reprinted": "a cashier printed a payment's receipt again, marked as a copy",
    "payment.confirmed": "CMIS confirmed a payment",
    "payment.refused": "CMIS refused a payment",
    "payment.in_doubt": "a send to CMIS got no usable answer; it will be retried",
    "device.job": "a print or LED job printed, failed (kept, retried) or is in doubt",
    "drawer.opened": "a cashier opened their cash drawer with a float",
    "drawer.closed": "a cashier closed their drawer with a counted amount (a difference waits "
    "for approval)",
    "drawer.difference_approved": "a supervisor approved a drawer's counted difference",
    "drawer.reopened": "a supervisor sent a drawer with a difference back to be counted again",
    "movement.declared": "a cashier declared money out to, or in from, another cashier",
    "movement.withdrawn": "a cashier took back their declaration of a money movement",
    "device.enrolled": "a supervisor enrolled a kiosk, display or hall agent",
    "device.revoked": "a supervisor revoked a device: its token is refused, its connections close",
    "day.closed": "the head cashier or the supervisor closed the business day",
    "field.crew_saved": "the team leader created or changed a field crew",
    "field.round_pulled": "the day's disconnection list was pulled from CMIS into the round",
    "field.round_stale": "a pull of the disconnection list failed: the last list is kept, stale",
    "field.round_closed": "the team leader closed the day's round: no more results",
    "field.orders_assigned": "field orders were assigned to crews (by hand or balanced)",
    "field.orders_unassigned": "field orders were taken back from their crew",
    "field.order_done": "a crew reported an order's result: done, or not done with why",
    "field.order_cancelled": "a field order was cancelled before its result (paid, off the list)",
    "field.reconnect_created": "a reconnection order was created: a cut customer's debt is paid",
    "field.supply_posted": "CMIS took a cut or a reconnection",
    "field.supply_in_doubt": "a supply change got no usable answer from CMIS; it is sent again",
    "field.supply_refused": "CMIS refused a cut (061) or a reconnection (062)",
    "field.supply_retried": "the team leader sent a refused supply change again",
    "inventory.opened": "the supervisor opened an inventory session with its committee and books",
    "inventory.book": "a clerk took, resumed or finished counting a book of an inventory",
    "inventory.scanned": "a paper invoice was found in a rack (scanned again: counted once)",
    "inventory.cash_counted": "cash was counted by note for the inventory",
    "inventory.compared": "CMIS's unpaid invoices of the inventory's books were fetched",
    "inventory.closed": "the inventory was closed: its record is final",
    "notice.queued": "messages to customers' phones were queued (turn near, called): no numbers",
    "notice.sent": "the gateway took a message to a customer's phone",
    "notice.failed": "a message to a customer's phone failed after its retries",
    "notice.withdrawn": "a customer withdrew consent: their number is erased, nothing more sent",
    "ticket.priority": "reception marked (or unmarked) a waiting ticket as a priority customer",
    "qr.shown": "a cashier showed a VietQR for the invoices about to be paid",
    "bank.credit_applied": "a bank credit paid its QR's invoices (the payment.collected before it)",
    "bank.credit_exception": "a bank credit was not applied: it waits for the head cashier",
    "bank.credit_resolved": "the head cashier decided a bank credit (refunded, applied, other)",
    "bank.statement_imported": "lines of the bank statement were imported and matched",
    "bank.line_matched": "an unmatched statement line was taken as its notification",
    "bank.line_cleared": "a statement line was cleared with a note: no customer's payment",
    "org.changed": "the organisation changed (a branch, counter, printer, device, account or "
    "policy): every worker reloads it; in the stream ORG",
    "hall.changed": "a hall's parameters, hours or counters changed: its pages reload them",
    "session.ended": "staff sessions ended (sign-out, password changed, account disabled, a "
    "supervisor signed a counter out): their sockets close in every worker",
}


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event as the bus and clients see it."""

    branch_id: str
    seq: int
    type: str
    at: dt.datetime
    data: dict[str, Any]

    def wire(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.type, "at": iso(self.at), "data": self.data}


def append(
    session: Session, branch_id: str, type_: str, data: dict[str, Any], at: dt.datetime
) -> EventRecord:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"undocumented event type {type_}")
    seq = next_seq(session, branch_id)
    row = rows.new(Event, branch_id=branch_id, seq=seq, type=type_, at=at, payload=json.dumps(data))
    rows.insert(session, Event, row)
    return EventRecord(branch_id, seq, type_, at, data)


def since(session: Session, branch_id: str, after: int, limit: int) -> list[EventRecord]:
    found = session.exec(
        select(Event)
        .where(Event.branch_id == branch_id, Event.seq > after)
        .order_by(col(Event.seq))
        .limit(limit)
    ).all()
    return [EventRecord(r.branch_id, r.seq, r.type, r.at, json.loads(r.payload)) for r in found]


def current_seq(session: Session, branch_id: str) -> int:
    from qms.storage.models import SeqCounter

    row = session.get(SeqCounter, branch_id)
    return row.last_seq if row else 0
