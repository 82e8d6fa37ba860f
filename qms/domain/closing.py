"""Day end: each cashier closes with a counted amount, the head cashier closes last with
the bank deposit, then the business day closes. Nothing closes while money hangs between
cashiers or paper handed to a counter is neither paid nor returned.

Every refusal lists all its reasons at once (``details.blockers``), so the head cashier
sees the whole picture, not one problem per try.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from qms.domain import delivery, drawers, movements, notices
from qms.domain.bank import statement, takings
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, Conflict, NotFound
from qms.domain.tx import Tx
from qms.storage.models import DayClosure, Drawer, Payment, Ticket

if TYPE_CHECKING:
    from qms.domain.commands import Approve, CloseDrawer, Deposit, NoteCount, Recount

UNCONFIRMED = ("pending", "reversal_pending")


def _blocker(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **details}


def _refuse(what: str, blockers: list[dict[str, Any]]) -> None:
    if blockers:
        raise Conflict(
            f"{what} refused: " + "; ".join(b["message"] for b in blockers),
            code="close_refused",
            blockers=blockers,
        )


def _my_counters(session: Session, d: Drawer, signed_at: str | None) -> set[str]:
    codes = {d.counter_code} | ({signed_at} if signed_at else set())
    codes |= set(
        session.exec(
            select(Payment.counter_code).where(
                Payment.branch_id == d.branch_id,
                Payment.business_day == d.business_day,
                Payment.cashier == f"user:{d.cashier}",
            )
        ).all()
    )
    return codes


def drawer_blockers(tx: Tx, d: Drawer) -> list[dict[str, Any]]:
    """Why this cashier cannot close now (empty: they can)."""
    out = []
    for m in movements.unsettled(tx.session, tx.branch_id, tx.business_day, d.cashier):
        other = m.to_cashier if m.from_cashier == d.cashier else m.from_cashier
        what = "disagrees" if m.status == "mismatch" else "hangs"
        out.append(
            _blocker(
                f"movement_{m.status}",
                f"money movement {m.id} with {other} {what}",
                movement=movements.public(m),
            )
        )
    reversing = tx.session.exec(
        select(Payment.txn_id).where(
            Payment.branch_id == d.branch_id,
            Payment.business_day == d.business_day,
            Payment.cashier == f"user:{d.cashier}",
            Payment.status == "reversal_pending",
        )
    ).all()
    if reversing:  # its money goes back out of this drawer: count after CMIS answers
        out.append(
            _blocker(
                "reversal_pending",
                f"{len(reversing)} reversal(s) of your payments wait for CMIS",
                txn_ids=list(reversing),
            )
        )
    counters = _my_counters(tx.session, d, tx.actor.counter)
    papers = delivery.pending_at(tx.session, tx.branch_id, tx.business_day, counters)
    if papers:
        out.append(
            _blocker(
                "invoices_not_returned",
                f"{len(papers)} invoice(s) delivered to {', '.join(sorted(counters))} are "
                "neither paid nor returned",
                invoices=papers,
            )
        )
    held = tx.session.exec(
        select(Ticket).where(
            Ticket.branch_id == tx.branch_id,
            Ticket.business_day == tx.business_day,
            col(Ticket.counter_code).in_(counters),
            col(Ticket.status).in_(("serving", "parked")),
        )
    ).all()
    for t in held:
        out.append(
            _blocker(
                "ticket_held",
                f"ticket {t.number} is {t.status} at {t.counter_code}: finish or transfer it",
                ticket=t.number,
            )
        )
    if d.role == "head_cashier":
        for colleague in drawers.of_day(tx.session, tx.branch_id, tx.business_day):
            if colleague.cashier != d.cashier and colleague.status != "closed":
                out.append(
                    _blocker(
                        f"drawer_{colleague.status}",
                        f"the drawer of {colleague.cashier} is "
                        f"{colleague.status.replace('_', ' ')}: "
                        "the head cashier closes last",
                        cashier=colleague.cashier,
                    )
                )
    return out


def _deposit(value: Deposit | None, counted: int) -> Deposit:
    if value is None:
        raise BadRequest(
            "the head cashier closes with the bank deposit: {amount, bank, reference}",
            code="deposit_required",
        )
    if value.amount > counted:
        raise BadRequest(
            f"the deposit ({value.amount} đ) is more than the cash counted ({counted} đ)",
            code="invalid_amount",
            field="deposit.amount",
        )
    return value


def counted_by_note(tx: Tx, notes: NoteCount | None, amount: int, field: str) -> NoteCount | None:
    """A count by note as kept and printed: every note in use, largest first, 0 for the
    notes not given; refused when it names a note not in use or does not add up to the
    ``amount`` declared beside it (the person counts again: nothing is stored)."""
    if notes is None:
        return None
    in_use = tx.branch.denominations
    for note_, _ in notes:
        if note_ not in in_use:
            raise BadRequest(
                f"{note_} đ is not a note in use here ({', '.join(map(str, in_use))})",
                code="unknown_note",
                field=f"{field}.{note_}",
                note=note_,
                notes=list(in_use),
            )
    given = dict(notes)
    count = tuple((n, given.get(n, 0)) for n in in_use)
    total = count_total(count)
    if total != amount:
        raise BadRequest(
            f"the notes counted add up to {total} đ, not the {amount} đ declared: count again",
            code="count_mismatch",
            field=field,
            total=total,
            declared=amount,
        )
    return count


def count_total(count: NoteCount) -> int:
    return sum(n * k for n, k in count)


def _deposit_within(deposit: NoteCount | None, drawer: NoteCount | None) -> None:
    """The notes taken to the bank come out of the drawer's: never more of a note."""
    if deposit is None or drawer is None:
        return
    held = dict(drawer)
    for n, k in deposit:
        if k > held.get(n, 0):
            raise BadRequest(
                f"the deposit has {k} notes of {n} đ, the drawer was counted with "
                f"{held.get(n, 0)}: count again",
                code="deposit_exceeds_count",
                field=f"deposit.notes.{n}",
                note=n,
                deposit=k,
                counted=held.get(n, 0),
            )


def _kept(count: NoteCount | None) -> str | None:
    return None if count is None else json.dumps([list(p) for p in count])


def close_drawer(tx: Tx, cmd: CloseDrawer) -> dict[str, Any]:
    """Close the signed-in cashier's drawer with the cash they counted, by note when the
    page counts so. A difference from the expected balance is recorded and waits for a
    supervisor's approval."""
    d = drawers.mine(tx)
    if d.status != "open":
        raise Conflict(f"your drawer is already {d.status.replace('_', ' ')}", code="drawer_closed")
    amount = cmd.counted
    notes = counted_by_note(tx, cmd.notes, amount, "notes")
    _refuse("closing", drawer_blockers(tx, d))
    if d.role == "head_cashier":
        deposit = _deposit(cmd.deposit, amount)
        banked = counted_by_note(tx, deposit.notes, deposit.amount, "deposit.notes")
        _deposit_within(banked, notes)
        d.deposit_amount, d.deposit_bank, d.deposit_ref = (
            deposit.amount,
            deposit.bank,
            deposit.reference,
        )
        d.deposit_notes = _kept(banked)
    expected = drawers.balance(tx.session, d)["expected"]
    d.counted, d.expected, d.difference = amount, expected, amount - expected
    d.counted_notes = _kept(notes)
    d.status = "closed" if d.difference == 0 else "pending_approval"
    d.closed_at = tx.now
    tx.session.add(d)
    tx.session.flush()
    out = drawers.public(tx.session, d)
    tx.emit("drawer.closed", {"drawer": out})
    return out


def _pending(tx: Tx, drawer_id: int) -> Drawer:
    d = tx.session.get(Drawer, drawer_id)
    if d is None or d.branch_id != tx.branch_id:
        raise NotFound(f"no drawer {drawer_id}", code="unknown_drawer", drawer=drawer_id)
    if d.status != "pending_approval":
        raise Conflict(
            f"drawer {drawer_id} is {d.status.replace('_', ' ')}",
            code="not_pending",
            drawer=drawer_id,
        )
    return d


def approve(tx: Tx, cmd: Approve) -> dict[str, Any]:
    """A supervisor accepts a counted difference (recorded with who, when and why)."""
    d = _pending(tx, cmd.id)
    d.approval_note = cmd.note
    d.approved_by, d.approved_at = tx.actor.label, tx.now
    d.status = "closed"
    tx.session.add(d)
    tx.session.flush()
    out = drawers.public(tx.session, d)
    tx.emit("drawer.difference_approved", {"drawer": out})
    return out


def recount(tx: Tx, cmd: Recount) -> dict[str, Any]:
    """A supervisor sends a drawer back to be counted again instead of approving."""
    d = _pending(tx, cmd.id)
    d.status, d.counted, d.expected, d.difference, d.closed_at = "open", None, None, None, None
    d.deposit_amount = d.deposit_bank = d.deposit_ref = None
    d.counted_notes = d.deposit_notes = None
    tx.session.add(d)
    tx.session.flush()
    out = drawers.public(tx.session, d)
    tx.emit("drawer.reopened", {"drawer": out})
    return out


def day_blockers(tx: Tx, open_items: int) -> list[dict[str, Any]]:
    s, branch, day = tx.session, tx.branch_id, tx.business_day
    out = [
        _blocker(
            f"drawer_{d.status}",
            f"the drawer of {d.cashier} is {d.status.replace('_', ' ')}",
            cashier=d.cashier,
        )
        for d in drawers.of_day(s, branch, day)
        if d.status != "closed"
    ]
    unconfirmed = s.exec(
        select(Payment.txn_id).where(
            Payment.branch_id == branch,
            Payment.business_day == day,
            col(Payment.status).in_(UNCONFIRMED),
        )
    ).all()
    if unconfirmed:
        out.append(
            _blocker(
                "payments_unconfirmed",
                f"{len(unconfirmed)} payment(s) not yet confirmed by CMIS",
                txn_ids=list(unconfirmed),
            )
        )
    if open_items:
        out.append(
            _blocker(
                "reconciliation_open",
                f"reconciliation with CMIS has {open_items} open item(s)",
                open_items=open_items,
            )
        )
    papers = delivery.report(s, tx.branch, day)["to_return"]
    if papers:
        out.append(
            _blocker(
                "invoices_not_returned",
                f"{len(papers)} pulled invoice(s) are neither paid nor returned",
                invoices=papers,
            )
        )
    # non-cash: every bank credit decided and on the imported statement (docs/noncash.md)
    out += [_blocker(code, text, **more) for code, text, more in statement.blockers(s, branch, day)]
    return out


def summary(session: Session, branch: Branch, day: dt.date, at: dt.datetime) -> dict[str, Any]:
    """The day-end summary as printed: each drawer adding up in cash (float, collections,
    money moved, expected, approved difference, counted) with its cashier's non-cash
    beside it, every movement, and the day's non-cash with the bank statement's state."""
    rows = []
    bank = takings.day(session, branch.id, day)
    by_cashier = {r["cashier"]: r for r in bank["cashiers"] if not r["while_waiting"]}
    for d in drawers.of_day(session, branch.id, day):
        b = drawers.balance(session, d)
        other = by_cashier.get(d.cashier, {})
        rows.append(
            {
                "cashier": d.cashier_name,
                "counter": d.counter_code,
                "payments": b["payments"],
                "total": b["collected"] - b["given_back"],
                # the cashier's QRs paid at the counter: at the bank, not in the drawer
                "noncash_payments": other.get("payments", 0),
                "noncash": other.get("total", 0),
                **{k: b[k] for k in ("float", "collected", "given_back", "money_in", "money_out")},
                "expected": b["expected"] if d.expected is None else d.expected,
                "counted": d.counted,
                "difference": d.difference,
                "approved_by": d.approved_by,
                "approval_note": d.approval_note,
            }
        )
    moves = [
        {
            "from_cashier": m.from_cashier,
            "to_cashier": m.to_cashier,
            "amount": m.out_amount,
            "at": iso(m.in_at or m.out_at),
        }
        for m in movements.of_day(session, branch.id, day)
        if m.status == "matched"
    ]
    return {
        "day": day.isoformat(),
        "at": iso(at),
        "cashiers": rows,
        "movements": moves,
        "noncash": bank,
    }


def close_day(tx: Tx, open_items: int) -> dict[str, Any]:
    """Close the business day; ``open_items`` is the CMIS reconciliation's count, taken
    just before (no drawer is open by then, so nothing can change it meanwhile)."""
    if drawers.day_closed(tx.session, tx.branch_id, tx.business_day) is not None:
        raise Conflict(
            "the business day is already closed", code="day_closed", day=tx.business_day.isoformat()
        )
    _refuse("closing the day", day_blockers(tx, open_items))
    data = summary(tx.session, tx.branch, tx.business_day, tx.now)
    head = next(
        (d for d in drawers.of_day(tx.session, tx.branch_id, tx.business_day)
         if d.role == "head_cashier"),
        None,
    )  # fmt: skip
    if head is not None and head.deposit_amount is not None:
        data["deposit"] = {
            "amount": head.deposit_amount,
            "bank": head.deposit_bank,
            "reference": head.deposit_ref,
        }
    closure = DayClosure(
        branch_id=tx.branch_id,
        business_day=tx.business_day,
        closed_at=tx.now,
        closed_by=tx.actor.label,
        summary=json.dumps(data, ensure_ascii=False),
    )
    tx.session.add(closure)
    # the day's phone numbers go with it (docs/notify.md): kept no longer than needed
    notices.erase_until(tx.session, tx.branch_id, tx.business_day)
    tx.session.flush()
    out = {"business_day": tx.business_day.isoformat(), "closed_by": tx.actor.label, **data}
    tx.emit("day.closed", {"day": out, "head_counter": head.counter_code if head else None})
    return out


def overview(session: Session, branch: Branch, day: dt.date) -> dict[str, Any]:
    """The cash of a day at a glance: drawers with live balances, movements, closure."""
    closure = drawers.day_closed(session, branch.id, day)
    ds = [drawers.public(session, d) for d in drawers.of_day(session, branch.id, day)]
    ms = [movements.public(m) for m in movements.of_day(session, branch.id, day)]
    bank = takings.day(session, branch.id, day)
    cash = sum(d["balance"]["collected"] - d["balance"]["given_back"] for d in ds)
    return {
        "branch": branch.id,
        "business_day": day.isoformat(),
        "closed": None
        if closure is None
        else {"at": iso(closure.closed_at), "by": closure.closed_by, **json.loads(closure.summary)},
        "drawers": ds,
        "movements": ms,
        "noncash": bank,
        "totals": {
            "expected": sum(d["balance"]["expected"] for d in ds),
            "collected": cash,  # net cash, in the drawers: what the head cashier counts
            "differences": sum(d["difference"] or 0 for d in ds),
            "hanging": sum(1 for m in ms if m["status"] in movements.OPEN),
            "noncash": bank["total"],  # net VietQR: at the bank, never in a drawer
            "noncash_payments": bank["payments"],
            "takings": cash + bank["total"],  # both: what the hall took today
        },
    }
