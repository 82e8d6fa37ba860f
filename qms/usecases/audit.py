"""The audit log: who changed what, when, and from which counter or device.

A change that succeeds is recorded in its own transaction, so there is no change without
its entry; a refused one is recorded on its own afterwards (who tried what, and why it was
refused). Sign-ins, failed ones included, are recorded too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from qms.domain.clock import iso
from qms.storage import rows
from qms.storage.db import write_session
from qms.storage.models import AuditEntry

MAX_TARGET = 200


def target_of(args: tuple[Any, ...]) -> str | None:
    """The plain arguments of an action (a ticket number, a counter, an id), shortened;
    a command's plain fields, in their order."""
    flat: list[Any] = []
    for a in args:
        if dataclasses.is_dataclass(a) and not isinstance(a, type):
            flat.extend(getattr(a, f.name) for f in dataclasses.fields(a))
        else:
            flat.append(a)
    plain = [str(a) for a in flat if isinstance(a, str | int) and not isinstance(a, bool)]
    return " ".join(plain)[:MAX_TARGET] or None


def entry(
    at: dt.datetime,
    branch_id: str,
    actor: str,
    role: str,
    via: str | None,
    action: str,
    target: str | None = None,
    outcome: str = "ok",
) -> rows.Row:
    return rows.new(
        AuditEntry,
        at=at,
        branch_id=branch_id,
        actor=actor,
        role=role,
        via=via,
        action=action,
        target=target,
        outcome=outcome,
    )


def add(session: Session, row: rows.Row) -> None:
    """Record an entry in the transaction of the change it describes."""
    rows.insert(session, AuditEntry, row)


def write(engine: Any, row: rows.Row) -> None:
    """Record one entry on its own (a refusal, a sign-in, a device's ack)."""
    with write_session(engine) as s:
        add(s, row)


def public(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": iso(e.at),
        "branch": e.branch_id,
        "actor": e.actor,
        "role": e.role,
        "via": e.via,
        "action": e.action,
        "target": e.target,
        "outcome": e.outcome,
    }


def listing(
    session: Session, branch_id: str, day: dt.date, tz: Any, actor: str | None, limit: int
) -> list[dict[str, Any]]:
    """The branch's entries of a day of the hall's clock, newest first."""
    start = dt.datetime.combine(day, dt.time(), tz)
    q = select(AuditEntry).where(
        AuditEntry.branch_id == branch_id,
        AuditEntry.at >= start,
        AuditEntry.at < start + dt.timedelta(days=1),
    )
    if actor:
        q = q.where(AuditEntry.actor == actor)
    found = session.exec(q.order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    return [public(e) for e in found]
