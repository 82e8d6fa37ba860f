"""A credit to the hall's account, as the bank notified it (or as a statement line brought
it): applied to the invoices of the QR it names, or kept as an exception.

Taken once per bank transaction id (a duplicate or a replay is a ``repeat``, nothing
more). Applied only when everything still agrees: a known reference of today, in VND, for
exactly the amount asked, and every invoice it pays still owed here. Anything else (short,
over, an unknown reference, invoices paid in cash meanwhile, a day already closed) is an
exception the head cashier resolves by hand, never applied silently. Its payments are the
same outbox rows as F4's (``collect.record``), marked ``vietqr``: CMIS gets them once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import collect, drawers, tickets
from qms.domain.bank import qr
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, Conflict, NotFound, QmsError
from qms.domain.field import reconnect
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import BankCredit, QrRequest, Ticket

if TYPE_CHECKING:
    from qms.domain.commands import ApplyCredit, ResolveCredit

#: a reference anywhere in a transfer's description (banks may add words around it)
REF_IN_TEXT = re.compile(r"QMS[A-Z0-9]{8}")
_TXN = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: why a credit waits for the head cashier
REASONS = (
    "currency",  # not in đồng
    "wrong_account",  # not the hall's account
    "unknown_reference",  # no QR of the hall has it
    "other_day",  # a QR of another business day
    "day_closed",  # today's day is closed already
    "already_paid",  # its invoices were paid meanwhile (cash, another QR)
    "invoices_changed",  # paid elsewhere, returned, or on another ticket now
    "short",  # less than the QR asked
    "over",  # more than the QR asked
)
RESOLUTIONS = ("refunded", "applied", "other")
STATUSES = ("applied", "exception", "resolved")


@dataclass(frozen=True, slots=True)
class Notification:
    """A credit as the bank describes it; ``via``: notification or statement."""

    bank_txn: str
    account: str
    amount: int
    currency: str
    description: str
    credited_at: dt.datetime
    via: str = "notification"

    @property
    def ref(self) -> str | None:
        found = REF_IN_TEXT.search(self.description.upper())
        return found.group(0) if found else None


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) or "\x00" in str(value):
        raise BadRequest(
            f"the notification's {name} is missing or not a {kind.__name__}",
            code="invalid_notification",
            field=name,
        )
    return value


def parse(data: object) -> Notification:
    """A notification's JSON body, checked field by field: an amount is a whole number of
    đồng (``"1.234"`` or ``1234.5`` is refused: the hall never guesses at money)."""
    if not isinstance(data, dict):
        raise BadRequest(
            "a notification is a JSON object", code="invalid_notification", field="body"
        )
    txn = _field(data, "transaction_id", str)
    if not _TXN.fullmatch(txn):
        raise BadRequest(
            "transaction_id is 1-64 letters, digits, dots, dashes or underscores",
            code="invalid_notification",
            field="transaction_id",
        )
    amount = data.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < 10**13:
        raise BadRequest(
            "amount is a whole number of đồng above zero",
            code="invalid_amount",
            field="amount",
        )
    currency = _field(data, "currency", str)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise BadRequest(
            "currency is an ISO 4217 code", code="invalid_notification", field="currency"
        )
    description = _field(data, "description", str)[:500]
    try:
        at = dt.datetime.fromisoformat(_field(data, "credited_at", str))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise BadRequest(
            "credited_at is an ISO 8601 time with its offset",
            code="invalid_notification",
            field="credited_at",
        )
    account = _field(data, "account", str)[:40]
    return Notification(txn, account, amount, currency, description, at)


def public(c: BankCredit) -> dict[str, Any]:
    return {
        "id": c.id,
        "bank_txn": c.bank_txn,
        "business_day": c.business_day.isoformat(),
        "account": c.account,
        "amount": c.amount,
        "currency": c.currency,
        "description": c.description,
        "ref": c.ref,
        "credited_at": iso(c.credited_at),
        "received_at": iso(c.received_at),
        "via": c.via,
        "status": c.status,
        "reason": c.reason,
        "payments": json.loads(c.payments),
        "resolution": c.resolution,
        "note": c.note,
        "resolved_by": c.resolved_by,
        "resolved_at": iso(c.resolved_at),
    }


def find(session: Session, bank_txn: str) -> BankCredit | None:
    return session.exec(select(BankCredit).where(BankCredit.bank_txn == bank_txn)).first()


def branch_of(session: Session, n: Notification, default: str) -> str:
    """Which branch a credit belongs to: its QR's; one with no known QR goes to
    ``default`` (the first branch: the account is the company's)."""
    request = qr.by_ref(session, n.ref) if n.ref else None
    return request.branch_id if request is not None else default


def _why_not(tx: Tx, n: Notification, request: QrRequest | None) -> tuple[str | None, Any]:
    """The reason the credit cannot be applied (None: it can), and what it would pay."""
    if n.currency != "VND":
        return "currency", None
    if n.account != tx.branch.bank.account:
        return "wrong_account", None
    if request is None:
        return "unknown_reference", None
    if drawers.day_closed(tx.session, tx.branch_id, tx.business_day) is not None:
        return "day_closed", None
    if request.business_day != tx.business_day:
        return "other_day", None
    if request.status == "paid":
        return "already_paid", None
    if n.amount < request.amount:
        return "short", None
    if n.amount > request.amount:
        return "over", None
    ticket = tx.session.get(Ticket, request.ticket_id)
    assert ticket is not None  # a request names a ticket of its branch
    on_ticket = collect.invoices_of(tx, ticket.id)
    try:
        chosen = collect.choose(
            tx, ticket, on_ticket, json.loads(request.invoice_ids), request.amount, paper=False
        )
    except QmsError as e:
        return ("already_paid" if e.code == "already_paid" else "invoices_changed"), None
    return None, (ticket, on_ticket, chosen)


def _apply(tx: Tx, c: Any, request: QrRequest, found: Any) -> list[dict[str, Any]]:
    ticket, on_ticket, chosen = found
    was = ticket.status
    payments = collect.record(
        tx,
        ticket,
        on_ticket,
        chosen,
        counter=request.counter_code or "",
        cashier=request.cashier or "bank:vietqr",
        method="vietqr",
        bank_txn=c["bank_txn"],
    )
    request.status = "paid"
    request.paid_by = c["bank_txn"]
    tx.session.add(request)
    state = tickets.state(tx, ticket)
    tx.emit(
        "payment.collected",
        {
            "ticket": state,
            "payments": payments,
            "method": "vietqr",
            "bank_txn": c["bank_txn"],
            "counter": request.counter_code,
            "cashier": request.cashier,
            "was": was,
        },
    )
    reconnect.after_payment(tx, state, payments)
    return payments


def receive(tx: Tx, n: Notification) -> dict[str, Any]:
    """Take a credit once: applied, or an exception; a second time: ``repeat``."""
    seen = find(tx.session, n.bank_txn)
    if seen is not None:
        return {"status": "repeat", "credit": public(seen)}
    request = qr.by_ref(tx.session, n.ref) if n.ref else None
    if request is not None and request.branch_id != tx.branch_id:
        request = None  # never another branch's
    reason, found = _why_not(tx, n, request)
    c = rows.new(
        BankCredit,
        bank_txn=n.bank_txn,
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        account=n.account,
        amount=n.amount,
        currency=n.currency,
        description=n.description,
        ref=n.ref,
        credited_at=n.credited_at,
        received_at=tx.now,
        via=n.via,
        status="exception" if reason else "applied",
        reason=reason,
    )
    c["id"] = rows.insert(tx.session, BankCredit, c)
    if reason is None:
        assert request is not None
        paid = _apply(tx, c, request, found)
        c["payments"] = json.dumps([p["txn_id"] for p in paid])
        rows.update(tx.session, BankCredit, c["id"], payments=c["payments"])
    credit = public(rows.view(c))
    tx.emit("bank.credit_" + ("applied" if reason is None else "exception"), {"credit": credit})
    return {"status": credit["status"], "credit": credit}


def _open_exception(tx: Tx, credit_id: int) -> BankCredit:
    c = tx.session.get(BankCredit, credit_id)
    if c is None or c.branch_id != tx.branch_id:
        raise NotFound(f"no bank credit {credit_id}", code="unknown_credit", credit=credit_id)
    if c.status != "exception":
        raise Conflict(
            f"bank credit {credit_id} is {c.status}, not waiting for a decision",
            code="credit_not_open",
            credit=credit_id,
            status=c.status,
        )
    return c


def resolve(tx: Tx, cmd: ResolveCredit) -> dict[str, Any]:
    """The head cashier's decision on an exception: the money was sent back (refunded,
    with the refund's reference in the note) or handled otherwise (the note says how)."""
    c = _open_exception(tx, cmd.id)
    c.status = "resolved"
    c.resolution = cmd.resolution
    c.note = cmd.note
    c.resolved_by = tx.actor.label
    c.resolved_at = tx.now
    tx.session.add(c)
    tx.session.flush()
    credit = public(c)
    tx.emit("bank.credit_resolved", {"credit": credit})
    return credit


def apply_by_hand(tx: Tx, cmd: ApplyCredit) -> dict[str, Any]:
    """An exception the head cashier applies after all, to the QR it names: only when
    the QR's invoices are still owed today and the credit covers them (an over-payment's
    rest is refunded: the note says how). Checked in this transaction like any payment."""
    c = _open_exception(tx, cmd.id)
    request = qr.by_ref(tx.session, c.ref) if c.ref else None
    if request is None or request.branch_id != tx.branch_id:
        raise Conflict(
            "this credit names no QR of the hall: refund it or resolve it with a note",
            code="credit_not_applicable",
            credit=c.id,
            reason=c.reason,
        )
    if c.currency != "VND" or c.amount < request.amount or request.status == "paid":
        raise Conflict(
            "this credit cannot pay its QR (another currency, too little, or paid already)",
            code="credit_not_applicable",
            credit=c.id,
            reason=c.reason,
        )
    drawers.refuse_if_day_closed(tx)
    ticket = tx.session.get(Ticket, request.ticket_id)
    assert ticket is not None
    on_ticket = collect.invoices_of(tx, ticket.id)
    chosen = collect.choose(
        tx, ticket, on_ticket, json.loads(request.invoice_ids), request.amount, paper=False
    )
    view = {"bank_txn": c.bank_txn}
    paid = _apply(tx, view, request, (ticket, on_ticket, chosen))
    c.status = "resolved"
    c.resolution = "applied"
    c.note = cmd.note
    c.payments = json.dumps([p["txn_id"] for p in paid])
    c.resolved_by = tx.actor.label
    c.resolved_at = tx.now
    tx.session.add(c)
    tx.session.flush()
    credit = public(c)
    tx.emit("bank.credit_resolved", {"credit": credit})
    return credit


def listing(
    session: Session, branch_id: str, day: dt.date | None, status: str | None
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise BadRequest(
            "status is one of " + ", ".join(STATUSES), code="invalid_request", field="status"
        )
    q = select(BankCredit).where(BankCredit.branch_id == branch_id)
    if day is not None:
        q = q.where(BankCredit.business_day == day)
    if status is not None:
        q = q.where(BankCredit.status == status)
    return [public(c) for c in session.exec(q.order_by(col(BankCredit.id))).all()]
