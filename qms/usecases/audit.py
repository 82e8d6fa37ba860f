"""The audit log: who changed what, when, and from which counter or device.

A change that succeeds is recorded in its own transaction, so there is no change without
its entry; a refused one is recorded on its own afterwards (who tried what, and why it was
refused). Sign-ins, failed ones included, are recorded too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session, col, delete, select

from qms.domain.clock import iso
from qms.storage import rows
from qms.storage.db import write_session
from qms.storage.models import AuditEntry

MAX_TARGET = 200
#: the longest text stored in each field of an entry: a refused request's path or name
#: is the client's to choose, and would otherwise be stored whole
MAX_FIELD = {"actor": 80, "role": 20, "via": 80, "action": 200, "target": MAX_TARGET,
             "outcome": 60}  # fmt: skip
#: who a refused request was when nobody was signed in
ANONYMOUS = "anonymous"
SAMPLE = "mẫu: lần đầu từ địa chỉ này / sample: the first from this address"


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
    cut = MAX_FIELD
    return rows.new(
        AuditEntry,
        at=at,
        branch_id=branch_id[:40],
        actor=actor[: cut["actor"]],
        role=role[: cut["role"]],
        via=via[: cut["via"]] if via is not None else None,
        action=action[: cut["action"]],
        target=target[: cut["target"]] if target is not None else None,
        outcome=outcome[: cut["outcome"]],
    )


def add(session: Session, row: rows.Row) -> None:
    """Record an entry in the transaction of the change it describes."""
    rows.insert(session, AuditEntry, row)


def write(engine: Any, row: rows.Row) -> None:
    """Record one entry on its own (a refusal, a sign-in, a device's ack)."""
    with write_session(engine) as s:
        add(s, row)


def write_all(engine: Any, entries: list[rows.Row]) -> None:
    """Record several entries in one transaction (a window's counted refusals)."""
    with write_session(engine) as s:
        for row in entries:
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
        AuditEntry.at >= start,
        AuditEntry.at < start + dt.timedelta(days=1),
    )
    # the refusals of nobody signed in belong to no branch: every supervisor sees them
    q = q.where(
        (AuditEntry.branch_id == branch_id)
        | ((AuditEntry.branch_id == "") & (AuditEntry.actor == ANONYMOUS))
    )
    if actor:
        q = q.where(AuditEntry.actor == actor)
    found = session.exec(q.order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    return [public(e) for e in found]


def prune(engine: Any, before: dt.datetime, batch: int = 5000) -> int:
    """Delete the entries older than ``before``, a batch a transaction (the writer is
    not held for long); how many went."""
    gone = 0
    while True:
        with write_session(engine) as s:
            ids = s.exec(select(AuditEntry.id).where(AuditEntry.at < before).limit(batch)).all()
            if ids:
                s.exec(delete(AuditEntry).where(col(AuditEntry.id).in_(ids)))
        gone += len(ids)
        if len(ids) < batch:
            return gone


@dataclasses.dataclass
class _Count:
    first: dt.datetime
    last: dt.datetime
    n: int = 0
    addresses: set[str] = dataclasses.field(default_factory=set)


class Refusals:
    """Refused requests of nobody signed in, counted instead of stored one by one.

    Each is counted per action (the route, not the path the client typed) and code over a
    window; when the window ends, one entry per count says how many, from how many
    addresses, between when. The first refusal of each address in a window is stored as
    it comes (at most ``samples`` a window), so the supervisor sees a real one. Per
    process: every worker counts its own. ``totals`` only grow (for metrics).
    """

    #: counts kept apart in a window; past it, the rest share one ("other")
    MAX_KEYS = 100

    def __init__(self, window_s: float, samples: int = 20) -> None:
        self.window = dt.timedelta(seconds=window_s)
        self.samples = samples
        self.start: dt.datetime | None = None
        self.counts: dict[tuple[str, str], _Count] = {}
        self.seen: set[str] = set()
        self.totals: dict[tuple[str, str], int] = {}

    def note(self, at: dt.datetime, address: str, action: str, code: str) -> rows.Row | None:
        """Count one refusal; the entry to store now when it is a sample. Call ``due``
        first: it ends the window that is over."""
        if self.start is None:
            self.start = at
        code = code[: MAX_FIELD["outcome"]]
        key = (action[: MAX_FIELD["action"]], code)
        if key not in self.counts and len(self.counts) >= self.MAX_KEYS:
            key = ("other", code)
        count = self.counts.setdefault(key, _Count(at, at))
        count.n += 1
        count.last = at
        if len(count.addresses) < 1000:
            count.addresses.add(address)
        self.totals[key] = self.totals.get(key, 0) + 1
        if address in self.seen or len(self.seen) >= self.samples:
            return None
        self.seen.add(address)
        return entry(at, "", ANONYMOUS, "", address, action, SAMPLE, code)

    def due(self, now: dt.datetime, *, all_: bool = False) -> list[rows.Row]:
        """The counts of the window that has ended (of the one still open, with
        ``all_``: at shutdown), as entries; the next refusal opens a new window."""
        if self.start is None or (not all_ and now < self.start + self.window):
            return []
        counts, self.counts, self.seen, self.start = self.counts, {}, set(), None
        out = []
        for (action, code), c in counts.items():
            n = len(c.addresses)
            via = next(iter(c.addresses)) if n == 1 else f"{n} địa chỉ / addresses"
            what = f"bị từ chối {c.n} lần / refused {c.n} times, {iso(c.first)} .. {iso(c.last)}"
            out.append(entry(c.last, "", ANONYMOUS, "", via, action, what, code))
        return out
