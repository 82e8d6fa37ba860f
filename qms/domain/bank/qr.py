"""A VietQR for an amount the hall is about to take: on a cashier's screen for the invoices
chosen, or printed on the ticket for its whole debt so the customer can pay while waiting.

Its reference (``QMS`` + 8 letters and digits) goes into the transfer's description; the
credit that brings it back is matched to the request by it, and paid only if the amount
and the invoices still agree (``qms.domain.bank.credits``).
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import collect
from qms.domain.cashier import current, my_counter
from qms.domain.clock import iso
from qms.domain.errors import Conflict, NotFound
from qms.domain.tx import Tx
from qms.domain.vietqr import payload
from qms.storage import rows
from qms.storage.models import QrRequest, Ticket

if TYPE_CHECKING:
    from qms.config import BankSettings
    from qms.domain.commands import ShowQr

PREFIX = "QMS"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a reference read aloud


def new_ref() -> str:
    return PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def public(r: QrRequest | Any, bank: BankSettings) -> dict[str, Any]:
    """A request as the pages show it: the payload to draw, and what it pays."""
    return {
        "ref": r.ref,
        "ticket_id": r.ticket_id,
        "invoice_ids": json.loads(r.invoice_ids),
        "amount": r.amount,
        "source": r.source,
        "counter": r.counter_code,
        "status": r.status,
        "paid_by": r.paid_by,
        "created_at": iso(r.created_at),
        "payload": payload(bank.bank_bin, bank.account, r.amount, r.ref),
        "account": bank.account,
        "account_name": bank.account_name,
        "bank_bin": bank.bank_bin,
    }


def _create(
    tx: Tx, ticket_id: int, ids: list[int], amount: int, source: str, counter: str | None
) -> Any:
    row = rows.new(
        QrRequest,
        ref=new_ref(),
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        ticket_id=ticket_id,
        invoice_ids=json.dumps(sorted(ids)),
        amount=amount,
        source=source,
        counter_code=counter,
        cashier=tx.actor.label if counter else None,
        created_at=tx.now,
    )
    rows.insert(tx.session, QrRequest, row)
    return rows.view(row)


def show(tx: Tx, cmd: ShowQr) -> dict[str, Any]:
    """The cashier is about to take ``amount`` for these invoices: the same checks as F4
    (found, oldest first, the exact sum), then a QR the customer's app pays exactly."""
    bank = tx.branch.bank
    if not bank.enabled:
        raise Conflict("this hall takes no VietQR payments", code="qr_disabled")
    my_counter(tx, cmd.counter)
    ticket = current(tx, cmd.counter)
    on_ticket = collect.invoices_of(tx, ticket.id)
    collect.choose(tx, ticket, on_ticket, cmd.invoices, cmd.amount)
    r = _create(tx, ticket.id or 0, list(cmd.invoices), cmd.amount, "counter", cmd.counter)
    shown = public(r, bank)
    # "number", not "ticket": every view trims an event's "ticket" as a ticket's state
    tx.emit("qr.shown", {"counter": cmd.counter, "number": ticket.number, "qr": shown})
    return shown


def for_ticket(tx: Tx, ticket_id: int, invoices: list[Any]) -> dict[str, Any] | None:
    """At issue: one QR for everything the ticket owes (None when nothing is known yet:
    the debts of a customer CMIS could not answer for come later)."""
    bank = tx.branch.bank
    if not (bank.enabled and bank.on_ticket):
        return None
    owed = [i for i in invoices if i["pay_status"] == "unpaid"]
    amount = sum(i["total"] for i in owed)
    if not owed or amount <= 0:
        return None
    r = _create(tx, ticket_id, [i["invoice_id"] for i in owed], amount, "ticket", None)
    return public(r, bank)


def of_ticket(session: Session, ticket: Ticket, bank: BankSettings) -> list[dict[str, Any]]:
    """Every QR made for a ticket, newest first (its follow page shows the open one)."""
    found = session.exec(
        select(QrRequest).where(QrRequest.ticket_id == ticket.id).order_by(col(QrRequest.id).desc())
    ).all()
    return [public(r, bank) for r in found]


def by_ref(session: Session, ref: str) -> QrRequest | None:
    return session.exec(select(QrRequest).where(QrRequest.ref == ref)).first()


def get(session: Session, branch_id: str, ref: str) -> QrRequest:
    r = by_ref(session, ref)
    if r is None or r.branch_id != branch_id:
        raise NotFound(f"no QR with reference {ref}", code="unknown_reference", ref=ref)
    return r
