"""Cash drawers: one per cashier per business day, opened with a float.

The expected balance is derived each time from the day's rows, so it cannot drift: the
float, plus every collection, less every reversal and every refusal (money handed back),
plus money declared in from other cashiers, less money declared out to them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from qms.domain.clock import iso
from qms.domain.errors import Conflict, Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import DayClosure, Drawer, MoneyMovement, Payment, User

if TYPE_CHECKING:
    from qms.domain.commands import OpenDrawer

CASH_ROLES = ("cashier", "head_cashier")
#: payment statuses whose money left the drawer again
GIVEN_BACK = ("reversed", "refused")
_DC = rows.table(DayClosure)
_CLOSED = select(_DC.c.branch_id).where(
    _DC.c.branch_id == bindparam("branch"), _DC.c.business_day == bindparam("day")
)


def username(tx: Tx) -> str:
    kind, _, name = tx.actor.label.partition(":")
    if kind != "user":
        raise Forbidden("only a signed-in cashier has a drawer", code="wrong_role")
    return name


def day_closed(session: Session, branch_id: str, day: dt.date) -> DayClosure | None:
    return session.get(DayClosure, (branch_id, day))


def refuse_if_day_closed(tx: Tx) -> None:
    """Asked by ``Hall.change`` before every change: one prebuilt query, no object loaded."""
    found = tx.session.connection().execute(
        _CLOSED, {"branch": tx.branch_id, "day": tx.business_day}
    )
    if found.first() is not None:
        raise Conflict(
            f"the business day {tx.business_day.isoformat()} is closed",
            code="day_closed",
            day=tx.business_day.isoformat(),
        )


#: prebuilt: every F4 asks for the cashier's drawer
_FIND = select(Drawer).where(
    Drawer.branch_id == bindparam("branch"),
    Drawer.business_day == bindparam("day"),
    Drawer.cashier == bindparam("cashier"),
)


def find(session: Session, branch_id: str, day: dt.date, cashier: str) -> Drawer | None:
    where = {"branch": branch_id, "day": day, "cashier": cashier}
    return session.exec(_FIND, params=where).first()


def of_day(session: Session, branch_id: str, day: dt.date) -> list[Drawer]:
    return list(
        session.exec(
            select(Drawer)
            .where(Drawer.branch_id == branch_id, Drawer.business_day == day)
            .order_by(col(Drawer.id))
        ).all()
    )


def balance(session: Session, d: Drawer) -> dict[str, int]:
    """The drawer's figures as of now; ``expected`` is what should be in it."""
    by_status = session.exec(
        select(Payment.status, func.count(), func.coalesce(func.sum(Payment.total), 0))
        .where(
            Payment.branch_id == d.branch_id,
            Payment.business_day == d.business_day,
            Payment.cashier == f"user:{d.cashier}",
            Payment.method == "cash",  # a QR payment's money is at the bank, not here
        )
        .group_by(Payment.status)
    ).all()
    collected = sum(int(total) for _, _, total in by_status)
    count = sum(int(n) for _, n, _ in by_status)
    given_back = sum(int(total) for status, _, total in by_status if status in GIVEN_BACK)
    live = (
        MoneyMovement.branch_id == d.branch_id,
        MoneyMovement.business_day == d.business_day,
        MoneyMovement.status != "cancelled",
    )
    out = session.exec(
        select(func.coalesce(func.sum(MoneyMovement.out_amount), 0)).where(
            *live, MoneyMovement.from_cashier == d.cashier
        )
    ).one()
    in_ = session.exec(
        select(func.coalesce(func.sum(MoneyMovement.in_amount), 0)).where(
            *live, MoneyMovement.to_cashier == d.cashier
        )
    ).one()
    # PostgreSQL sums a bigint column as numeric: whole đồng all the same
    in_, out = int(in_ or 0), int(out or 0)
    expected = d.float_amount + collected - given_back + in_ - out
    return {
        "float": d.float_amount,
        "payments": count,
        "collected": collected,
        "given_back": given_back,
        "money_in": in_,
        "money_out": out,
        "expected": expected,
    }


def notes_of(kept: str | None) -> list[dict[str, int]] | None:
    """A stored count by note as the API and the count sheet show it."""
    if kept is None:
        return None
    return [{"note": n, "count": k, "amount": n * k} for n, k in json.loads(kept)]


def public(session: Session, d: Drawer) -> dict[str, Any]:
    return {
        "id": d.id,
        "business_day": d.business_day.isoformat(),
        "cashier": d.cashier,
        "cashier_name": d.cashier_name,
        "role": d.role,
        "counter": d.counter_code,
        "status": d.status,
        "opened_at": iso(d.opened_at),
        "balance": balance(session, d),
        "counted": d.counted,
        "counted_notes": notes_of(d.counted_notes),
        "expected_at_close": d.expected,
        "difference": d.difference,
        "closed_at": iso(d.closed_at),
        "approved_by": d.approved_by,
        "approved_at": iso(d.approved_at),
        "approval_note": d.approval_note,
        "deposit": None
        if d.deposit_amount is None
        else {
            "amount": d.deposit_amount,
            "bank": d.deposit_bank,
            "reference": d.deposit_ref,
            "notes": notes_of(d.deposit_notes),
        },
    }


def open_drawer(tx: Tx, cmd: OpenDrawer) -> dict[str, Any]:
    """Start the cashier's day at the counter they signed in at, with the float counted."""
    role = tx.actor.role
    if role not in CASH_ROLES:
        raise Forbidden(f"role {role} has no cash drawer", code="wrong_role")
    name = username(tx)
    amount = cmd.float
    counter = tx.branch.counter(tx.actor.counter or "")
    if counter is None or counter.kind != "cashier":
        raise Forbidden("sign in at a cashier counter to open a drawer", code="wrong_counter")
    if role != "head_cashier":
        head = [
            d
            for d in of_day(tx.session, tx.branch_id, tx.business_day)
            if d.role == "head_cashier" and d.status != "open"
        ]
        if head:  # its count and bank deposit are final: new cash would be in neither
            raise Conflict(
                f"the head cashier ({head[0].cashier_name}) has closed the day's cash: no "
                "drawer opens after that today",
                code="head_cashier_closed",
                head_cashier=head[0].cashier,
            )
    existing = find(tx.session, tx.branch_id, tx.business_day, name)
    if existing is not None:
        raise Conflict(
            f"your drawer of today is already {existing.status.replace('_', ' ')}",
            code="drawer_open" if existing.status == "open" else "drawer_closed",
        )
    user = tx.session.exec(select(User).where(User.username == name)).first()
    d = Drawer(
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        cashier=name,
        cashier_name=user.full_name if user else name,
        role=role,
        counter_code=counter.code,
        float_amount=amount,
        opened_at=tx.now,
    )
    tx.session.add(d)
    tx.session.flush()
    out = public(tx.session, d)
    tx.emit("drawer.opened", {"drawer": out})
    return out


def open_for(tx: Tx, cashier: str, *, own: bool = True) -> Drawer:
    """The cashier's open drawer of today: F4 and money movements need one. ``own`` says
    whether the actor asks for their own drawer or a colleague's (the message differs)."""
    d = find(tx.session, tx.branch_id, tx.business_day, cashier)
    if d is None:
        raise Conflict(
            "open your cash drawer first (count the float)"
            if own
            else f"{cashier} has no open cash drawer today",
            code="drawer_not_open",
            cashier=cashier,
        )
    if d.status != "open":
        raise Conflict(
            f"the drawer of {cashier} is {d.status.replace('_', ' ')}: no more cash moves "
            "through it today",
            code="drawer_closed",
            cashier=cashier,
        )
    return d


def open_at(tx: Tx, code: str) -> Drawer:
    """The actor's own open drawer, opened at counter ``code``: called before a number is
    called to the counter and before F4, so money goes only into the drawer of the person
    taking it, at the counter where they counted its float (``drawer_elsewhere``)."""
    d = open_for(tx, username(tx))
    if d.counter_code != code:
        raise Conflict(
            f"your drawer of today was opened at {d.counter_code}, not {code}: serve "
            f"customers at {d.counter_code}",
            code="drawer_elsewhere",
            counter=code,
            drawer_counter=d.counter_code,
        )
    return d


def mine(tx: Tx) -> Drawer:
    d = find(tx.session, tx.branch_id, tx.business_day, username(tx))
    if d is None:
        raise NotFound("you have no drawer today: open it first", code="drawer_not_open")
    return d
