"""A business day's tickets by hour of the hall's clock, for the supervisor's charts.

Each figure is counted in the hour it became known: ``issued`` in the hour of issue; a
wait (issued to called) in the hour of the call; a service (called to finished) and
``served`` in the hour it finished. So a past hour's figures do not move any more, and a
ticket still waiting adds nothing yet. A ticket called again (parked, transferred) counts
from its last call. Seconds are integers; ``None`` where an hour has nothing to measure.
``lanes``: the same figures for priority and normal tickets apart (docs/priority.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from qms.storage.models import Ticket


@dataclass
class Figures:
    """Issued, waits and services of some tickets (an hour, a day, a branch...)."""

    issued: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "issued": self.issued,
            "called": len(self.waits),
            "served": len(self.services),
            "wait_avg_s": mean(self.waits),
            "wait_p90_s": p90(self.waits),
            "service_avg_s": mean(self.services),
        }


def mean(xs: list[float]) -> int | None:
    return round(sum(xs) / len(xs)) if xs else None


def p90(xs: list[float]) -> int | None:
    """Nearest rank: the smallest value with at least 90 % of the samples at or below it."""
    if not xs:
        return None
    ordered = sorted(xs)
    return round(ordered[math.ceil(0.9 * len(ordered)) - 1])


def observe(t: Ticket, buckets: Callable[[dt.datetime], Iterable[Figures]]) -> None:
    """Count one ticket by the rules above: each figure goes to the buckets of the moment
    it became known (``buckets(moment)``)."""
    for bucket in buckets(t.issued_at):
        bucket.issued += 1
    if t.called_at is not None:
        wait = max(0.0, (t.called_at - t.issued_at).total_seconds())
        for bucket in buckets(t.called_at):
            bucket.waits.append(wait)
    if t.status == "done" and t.called_at is not None and t.finished_at is not None:
        service = max(0.0, (t.finished_at - t.called_at).total_seconds())
        for bucket in buckets(t.finished_at):
            bucket.services.append(service)


#: the two lanes of the call order, counted apart (docs/priority.md)
LANES = ("priority", "normal")


def lane_of(t: Ticket) -> str:
    return "priority" if t.priority else "normal"


@dataclass
class Day:
    """A day's figures: by hour, the whole day, and both again per lane."""

    hours: list[Figures]
    total: Figures
    lanes: dict[str, Figures]
    lane_hours: dict[str, list[Figures]]


def by_hour(session: Session, branch_id: str, day: dt.date, tz: ZoneInfo) -> Day:
    """A day's figures for hours 0 to 23 of ``tz``, and the day's, from the ticket table
    (the hourly charts and the forecast's roll-up: one count for both). The two lanes
    apart (docs/priority.md): does the priority lane wait less, and how much longer do
    the others wait for it."""
    tickets = session.exec(
        select(Ticket).where(Ticket.branch_id == branch_id, Ticket.business_day == day)
    ).all()
    out = Day(
        [Figures() for _ in range(24)],
        Figures(),
        {k: Figures() for k in LANES},
        {k: [Figures() for _ in range(24)] for k in LANES},
    )
    for t in tickets:
        lane = lane_of(t)

        def buckets(at: dt.datetime, lane: str = lane) -> tuple[Figures, ...]:
            h = at.astimezone(tz).hour
            return out.hours[h], out.total, out.lanes[lane], out.lane_hours[lane][h]

        observe(t, buckets)
    return out


def hourly(session: Session, branch_id: str, day: dt.date, tz: ZoneInfo) -> dict[str, Any]:
    """24 rows (hours 0 to 23 of ``tz``) and the day's totals, from the ticket table."""
    d = by_hour(session, branch_id, day, tz)
    hours, day_total, lanes, lane_hours = d.hours, d.total, d.lanes, d.lane_hours
    return {
        "branch": branch_id,
        "date": day.isoformat(),
        "timezone": str(tz),
        "hours": [
            {"hour": n, **h.row(), "lanes": {k: v[n].row() for k, v in lane_hours.items()}}
            for n, h in enumerate(hours)
        ],
        "day": day_total.row(),
        "lanes": {k: v.row() for k, v in lanes.items()},
    }
