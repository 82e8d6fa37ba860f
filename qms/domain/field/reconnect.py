"""Reconnection that cannot be forgotten: the order is created in the transaction of the
payment that settles a cut customer (or when CMIS shows them paid elsewhere), with a
deadline, and goes to the crew that cut them where there is one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import col, select

from qms.domain.field.assign import renumber
from qms.domain.field.orders import LIVE, crew_public, many, past_due
from qms.domain.field.rounds import cancel, live_cut_orders
from qms.domain.tx import Tx
from qms.storage.models import Crew, FieldOrder


def _last_cut(tx: Tx, code: str) -> FieldOrder | None:
    """The customer's latest cut done in the field, unless a reconnection came after it."""
    done = tx.session.exec(
        select(FieldOrder)
        .where(
            FieldOrder.branch_id == tx.branch_id,
            FieldOrder.customer_code == code,
            FieldOrder.status == "done",
        )
        .order_by(col(FieldOrder.done_at).desc(), col(FieldOrder.id).desc())
    ).first()
    return done if done is not None and done.kind == "cut" else None


def live_reconnection(tx: Tx, code: str) -> FieldOrder | None:
    return tx.session.exec(
        select(FieldOrder).where(
            FieldOrder.branch_id == tx.branch_id,
            FieldOrder.customer_code == code,
            FieldOrder.kind == "reconnect",
            col(FieldOrder.status).in_(LIVE),
        )
    ).first()


def create(
    tx: Tx,
    like: FieldOrder | dict[str, Any],
    *,
    paid_at: dt.datetime,
    payments: list[str],
    cause: str,
    amount: int = 0,
) -> FieldOrder | None:
    """A reconnection order for the customer of ``like`` (an order, or a ticket's
    customer), unless one is open already (its payments grow)."""
    code = like.customer_code if isinstance(like, FieldOrder) else like["code"]
    open_ = live_reconnection(tx, code)
    if open_ is not None:
        known = json.loads(open_.payments or "[]")
        open_.payments = json.dumps(known + [p for p in payments if p not in known])
        tx.session.add(open_)
        return None
    cut = like if isinstance(like, FieldOrder) else _last_cut(tx, code)
    crew = tx.session.get(Crew, cut.crew_id) if cut is not None and cut.crew_id else None
    if crew is not None and not crew.active:
        crew = None
    if isinstance(like, FieldOrder):
        name, address, unit, book = like.customer_name, like.address, like.unit, like.book_code
    else:
        name, address, book = like["name"], like["address"], like["book_code"]
        unit = code[:6]
    o = FieldOrder(
        branch_id=tx.branch_id,
        kind="reconnect",
        business_day=tx.business_day,
        customer_code=code,
        customer_name=name,
        address=address,
        unit=unit,
        book_code=book,
        overdue=amount,
        status="assigned" if crew else "open",
        crew_id=crew.id if crew else None,
        assigned_at=tx.now if crew else None,
        created_at=tx.now,
        paid_at=paid_at,
        deadline=paid_at + dt.timedelta(hours=tx.branch.reconnect_hours),
        payments=json.dumps(payments),
        reason=cause,
    )
    tx.session.add(o)
    tx.session.flush()
    if crew is not None and crew.id is not None:
        renumber(tx, crew.id)
        tx.session.flush()
    (shown,) = many(tx, [o])
    tx.emit(
        "field.reconnect_created",
        {"order": shown, "crew": crew_public(crew) if crew else None, "crew_id": o.crew_id},
    )
    return o


#: a ticket's invoice still owed: not paid here nor elsewhere (a returned paper is owed too)
OWED = ("unpaid", "returned", "moved")


def still_overdue(invoices: list[dict[str, Any]], day: dt.date) -> bool:
    """Whether a ticket's customer still owes an invoice ``past_due`` on ``day``."""
    return any(
        i["pay_status"] in OWED
        and past_due(dt.date.fromisoformat(i["due"]) if i.get("due") else None, day)
        for i in invoices
    )


def after_payment(tx: Tx, ticket: dict[str, Any], payments: list[dict[str, Any]]) -> None:
    """In the payment's transaction: a customer who owes nothing overdue any more (what is
    not yet due may stay) is no longer to be cut (the payment wins: the order is
    cancelled, the crew told), and a customer whose supply is cut gets their
    reconnection order."""
    for c in ticket["customers"]:
        mine = [p for p in payments if p["customer_code"] == c["code"]]
        if not mine or still_overdue(c["invoices"], tx.business_day):
            continue
        for o in live_cut_orders(tx, c["code"]):
            cancel(tx, o, "paid_at_counter", payments=[p["txn_id"] for p in mine])
        if c.get("supply") == "CUT" or _last_cut(tx, c["code"]) is not None:
            create(
                tx,
                c,
                paid_at=tx.now,
                payments=[p["txn_id"] for p in mine],
                cause="paid_at_counter",
                amount=sum(p["total"] for p in mine),
            )


def overdue(tx: Tx) -> list[FieldOrder]:
    """Open reconnections past their deadline."""
    return [
        o
        for o in tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.branch_id == tx.branch_id,
                FieldOrder.kind == "reconnect",
                col(FieldOrder.status).in_(LIVE),
            )
        ).all()
        if o.deadline is not None and o.deadline < tx.now
    ]


def board(tx: Tx) -> list[dict[str, Any]]:
    """Every reconnection not done yet, and those CMIS refused, soonest deadline first,
    with the time left in seconds (negative: overdue)."""
    found = list(
        tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.branch_id == tx.branch_id,
                FieldOrder.kind == "reconnect",
                (col(FieldOrder.status).in_(LIVE)) | (col(FieldOrder.cmis_error).is_not(None)),
            )
        ).all()
    )
    found.sort(key=lambda o: (o.deadline or tx.now, o.id or 0))
    out = many(tx, found)
    for o, shown in zip(found, out, strict=True):
        left = (o.deadline - tx.now).total_seconds() if o.deadline else 0
        shown["seconds_left"] = int(left)
        shown["overdue_deadline"] = o.status in LIVE and left < 0
    return out


#: a cut this old without a reconnection is no longer watched (it is CMIS's business)
WATCH_DAYS = 90


def cut_customers(tx: Tx) -> list[str]:
    """Customers whose supply our crews cut and who have no reconnection yet: the ones
    to watch for a payment made elsewhere (bank, payment network)."""
    since = tx.business_day - dt.timedelta(days=WATCH_DAYS)
    done = tx.session.exec(
        select(FieldOrder)
        .where(
            FieldOrder.branch_id == tx.branch_id,
            FieldOrder.business_day >= since,
            col(FieldOrder.status).in_(("done", *LIVE)),
        )
        .order_by(col(FieldOrder.id))
    ).all()
    latest: dict[str, FieldOrder] = {}
    live_reconnect: set[str] = set()
    for o in done:
        if o.kind == "reconnect" and o.status in LIVE:
            live_reconnect.add(o.customer_code)
        if o.status == "done":
            latest[o.customer_code] = o
    return sorted(
        code for code, o in latest.items() if o.kind == "cut" and code not in live_reconnect
    )


def paid_elsewhere(tx: Tx, code: str) -> FieldOrder | None:
    """CMIS shows no overdue invoice of a customer we cut: they paid elsewhere, and the
    supply is owed back (looked at again under the lock: a payment at a counter may
    have made the order meanwhile)."""
    cut = _last_cut(tx, code)
    if cut is None or live_reconnection(tx, code) is not None:
        return None
    return create(tx, cut, paid_at=tx.now, payments=[], cause="paid_elsewhere")
