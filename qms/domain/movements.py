"""Money movements between cashiers: the sender declares "out to X", the receiver "in
from Y". A movement hangs until both sides exist and agree; a mismatch is shown, and the
side that was wrong withdraws its declaration and declares again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, or_, select

from qms.domain import drawers
from qms.domain.clock import iso
from qms.domain.errors import Conflict, Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage.models import MoneyMovement

if TYPE_CHECKING:
    from qms.domain.commands import Declare, Withdraw

SIDES = ("out", "in")
OPEN = ("hanging", "mismatch")


def public(m: MoneyMovement) -> dict[str, Any]:
    return {
        "id": m.id,
        "business_day": m.business_day.isoformat(),
        "from_cashier": m.from_cashier,
        "to_cashier": m.to_cashier,
        "out_amount": m.out_amount,
        "out_at": iso(m.out_at),
        "in_amount": m.in_amount,
        "in_at": iso(m.in_at),
        "status": m.status,
        "out_version": m.out_version,
        "in_version": m.in_version,
    }


def _evaluate(m: MoneyMovement) -> None:
    if m.out_amount is None and m.in_amount is None:
        m.status = "cancelled"
    elif m.out_amount is None or m.in_amount is None:
        m.status = "hanging"
    else:
        m.status = "matched" if m.out_amount == m.in_amount else "mismatch"


def of_day(session: Session, branch_id: str, day: Any, cashier: str | None = None) -> list[Any]:
    q = select(MoneyMovement).where(
        MoneyMovement.branch_id == branch_id, MoneyMovement.business_day == day
    )
    if cashier is not None:
        q = q.where(or_(MoneyMovement.from_cashier == cashier, MoneyMovement.to_cashier == cashier))
    return list(session.exec(q.order_by(col(MoneyMovement.id))).all())


def unsettled(session: Session, branch_id: str, day: Any, cashier: str) -> list[MoneyMovement]:
    """Movements involving the cashier that still hang or disagree."""
    return [m for m in of_day(session, branch_id, day, cashier) if m.status in OPEN]


def declare(tx: Tx, cmd: Declare) -> dict[str, Any]:
    """Declare one side of a movement; it joins the other side's declaration if that is
    already waiting, else it waits for it."""
    side, other, value = cmd.side, cmd.cashier, cmd.amount
    me = drawers.username(tx)
    if other == me:
        raise Conflict("a movement is between two cashiers", code="same_cashier")
    mine = drawers.open_for(tx, me)
    theirs = drawers.open_for(tx, other, own=False)
    if side == "out":
        held = drawers.balance(tx.session, mine)["expected"]
        if value > held:
            raise Conflict(
                f"{value} đ is more than your drawer should hold ({held} đ)",
                code="more_than_drawer",
                expected=held,
                amount=value,
            )
    sender, receiver = (me, other) if side == "out" else (other, me)
    waiting = [
        m
        for m in unsettled(tx.session, tx.branch_id, tx.business_day, me)
        if m.from_cashier == sender
        and m.to_cashier == receiver
        and m.status == "hanging"
        and (m.out_amount if side == "out" else m.in_amount) is None
    ]
    m = waiting[0] if waiting else None
    if m is None:
        m = MoneyMovement(
            branch_id=tx.branch_id,
            business_day=tx.business_day,
            from_cashier=sender,
            to_cashier=receiver,
        )
    if side == "out":
        m.out_amount, m.out_at, m.out_version = value, tx.now, (m.out_version or 0) + 1
    else:
        m.in_amount, m.in_at, m.in_version = value, tx.now, (m.in_version or 0) + 1
    _evaluate(m)
    tx.session.add(m)
    tx.session.flush()
    out = public(m)
    names = {d.cashier: d.cashier_name for d in (mine, theirs)}
    counters = sorted({mine.counter_code, theirs.counter_code})
    tx.emit(
        "movement.declared",
        {"movement": out, "side": side, "names": names, "counters": counters},
    )
    return out


def withdraw(tx: Tx, cmd: Withdraw) -> dict[str, Any]:
    """Take back one's own declaration of a movement that is not matched."""
    me = drawers.username(tx)
    movement_id = cmd.id
    m = tx.session.get(MoneyMovement, movement_id)
    if m is None or m.branch_id != tx.branch_id:
        raise NotFound(
            f"no money movement {movement_id}", code="unknown_movement", movement=movement_id
        )
    if me not in (m.from_cashier, m.to_cashier):
        raise Forbidden("only its own cashiers change a movement", code="not_your_movement")
    if m.status not in OPEN:
        raise Conflict(
            f"movement {movement_id} is {m.status}",
            code=f"movement_{m.status}",
            movement=movement_id,
        )
    mine = drawers.open_for(tx, me)
    side = "out" if me == m.from_cashier else "in"
    amount = m.out_amount if side == "out" else m.in_amount
    if amount is None:
        raise Conflict("you have not declared this movement", code="nothing_to_withdraw")
    declared_at = m.out_at if side == "out" else m.in_at
    if side == "out":
        m.out_amount, m.out_at = None, None
    else:
        m.in_amount, m.in_at = None, None
    _evaluate(m)
    tx.session.add(m)
    tx.session.flush()
    out = public(m)
    other = m.to_cashier if side == "out" else m.from_cashier
    theirs = drawers.find(tx.session, tx.branch_id, tx.business_day, other)
    counters = {d.counter_code for d in (mine, theirs) if d}
    names = {d.cashier: d.cashier_name for d in (mine, theirs) if d}
    # what the cancellation slip prints, and which printed slip it voids
    withdrawn = {
        "id": m.id,
        "side": side,
        "version": m.out_version if side == "out" else m.in_version,
        "amount": amount,
        "at": iso(declared_at),
        "withdrawn_at": iso(tx.now),
        "from_cashier": names.get(m.from_cashier, m.from_cashier),
        "to_cashier": names.get(m.to_cashier, m.to_cashier),
    }
    tx.emit(
        "movement.withdrawn",
        {"movement": out, "side": side, "counters": sorted(counters), "withdrawn": withdrawn},
    )
    return out


def declaration_live(session: Session, slip: dict[str, Any]) -> bool:
    """Whether the declaration a printed slip stands for still counts: not withdrawn
    (a reprint of a withdrawn one says HUỶ / VOID)."""
    m = session.get(MoneyMovement, slip.get("id"))
    if m is None:
        return False
    side = slip.get("side", "out")
    version = int(slip.get("version") or 1)
    amount, current = (
        (m.out_amount, m.out_version) if side == "out" else (m.in_amount, m.in_version)
    )
    return amount is not None and (current or 1) == version
