"""The day's takings that are not cash: what a drawer never holds, read for the day's close
(``closing.summary``), the cash overview and the reports, so each says the same.

A QR shown at a counter and paid is the non-cash of the cashier who showed it (their
``user:NAME``, that counter); a ticket's printed QR paid while it waited is nobody's
drawer: its payments carry ``WHILE_WAITING`` and no counter. Net as the drawers count cash:
a payment CMIS refused or one reversed since is money handed back (``GIVEN_BACK``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from qms import words
from qms.domain.drawers import GIVEN_BACK
from qms.storage.models import BankCredit, Payment, StatementLine, User

#: the cashier of a payment by a ticket's QR before it was called (``credits._apply``)
WHILE_WAITING = "bank:vietqr"


def while_waiting(label: str | None) -> bool:
    return label == WHILE_WAITING


def label_words(label: str) -> str:
    """How a payer that is not a person reads: "Chuyển khoản khi chờ / Paid by QR while
    waiting" (the words of ``qms.words.STATUSES["taken_by"]``)."""
    vi = words.status_text("taken_by", label)
    en = words.status_text("taken_by", label, "en")
    return f"{vi} / {en}" if vi != en else vi


def _username(label: str) -> str:
    kind, _, name = label.partition(":")
    return name if kind == "user" else label


def noncash(session: Session, branch_id: str, day: dt.date) -> dict[str, Any]:
    """The day's non-cash payments per cashier who showed the QR (the QRs paid while
    waiting last, as one row), each with its count, what was handed back and its net."""
    found = session.exec(
        select(Payment.cashier, Payment.counter_code, Payment.status, Payment.total)
        .where(
            Payment.branch_id == branch_id,
            Payment.business_day == day,
            Payment.method != "cash",
        )
        .order_by(col(Payment.id))
    ).all()
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"payments": 0, "collected": 0, "given_back": 0, "counters": set()}
    )
    for label, counter, status, total in found:
        row = per[label]
        row["payments"] += 1
        row["collected"] += total
        row["given_back"] += total if status in GIVEN_BACK else 0
        if counter:
            row["counters"].add(counter)
    people = [_username(k) for k in per if not while_waiting(k)]
    names = dict(
        session.exec(
            select(User.username, User.full_name).where(col(User.username).in_(people))
        ).all()
    )
    rows = []
    for label in sorted(per, key=lambda k: (while_waiting(k), k)):
        r = per[label]
        waiting = while_waiting(label)
        who = _username(label)
        rows.append(
            {
                "cashier": who,
                "name": label_words(label) if waiting else names.get(who) or who,
                "while_waiting": waiting,
                "counter": ", ".join(sorted(r["counters"])),
                "payments": r["payments"],
                "collected": r["collected"],
                "given_back": r["given_back"],
                "total": r["collected"] - r["given_back"],
            }
        )
    return {
        "cashiers": rows,
        "payments": sum(r["payments"] for r in rows),
        "given_back": sum(r["given_back"] for r in rows),
        "total": sum(r["total"] for r in rows),
    }


def _counted(pairs: list[tuple[str, int]], keys: tuple[str, ...]) -> dict[str, int]:
    out = {k: 0 for k in keys} | {f"{k}_total": 0 for k in keys}
    for status, amount in pairs:
        if status in keys:
            out[status] += 1
            out[f"{status}_total"] += amount
    return out


def statement_status(session: Session, branch_id: str, day: dt.date) -> dict[str, int]:
    """The imported bank statement of the day: its credit lines matched to a credit of
    the hall, cleared with a note (the cash deposit, a transfer between accounts), and
    still unmatched (which blocks the close); a count and a total of each."""
    lines = session.exec(
        select(StatementLine.status, StatementLine.amount).where(
            StatementLine.branch_id == branch_id, StatementLine.business_day == day
        )
    ).all()
    return {
        "lines": len(lines),
        **_counted([(s, int(a)) for s, a in lines], ("matched", "cleared", "unmatched")),
    }


def credits_status(session: Session, branch_id: str, day: dt.date) -> dict[str, int]:
    """The bank's credits of the day: applied to a QR, waiting for the head cashier
    (``exception``), decided by hand (``resolved``: refunded, applied or explained)."""
    found = session.exec(
        select(BankCredit.status, BankCredit.amount).where(
            BankCredit.branch_id == branch_id, BankCredit.business_day == day
        )
    ).all()
    return _counted([(s, int(a)) for s, a in found], ("applied", "exception", "resolved"))


def day(session: Session, branch_id: str, on: dt.date) -> dict[str, Any]:
    """The non-cash side of a day as its close prints and keeps it."""
    return {
        **noncash(session, branch_id, on),
        "statement": statement_status(session, branch_id, on),
        "credits": credits_status(session, branch_id, on),
    }
