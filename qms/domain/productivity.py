"""Productivity (năng suất): the rules that turn the day's records into figures per field
crew, per cashier and per lookup clerk. Plain values in, plain rows out; the use case
(``qms.usecases.productivity``) reads the rows and picks the level.

The definitions, in short (docs/reports.md has them in full):

- A crew's orders are those it holds (``crew_id``): assigned = done + not done +
  in progress (still assigned) + cancelled. Orders nobody holds are the ``unassigned``
  line, so the crews and that line add up to every order of the range. A reconnection's
  time is from the payment (``paid_at``) to when the crew says it was done (``done_at``).
- A cashier's service of a ticket is from its last call to its end (as ``stats``); idle
  time is the time their cash drawer was open less the time they were serving.
- A lookup clerk is who made a paper's last mark (F9 found, F10 deferred, missing); time
  to find is from the ticket's issue to the F9.

Seconds are integers; a median of an even count is the lower middle (a time that really
happened); ``None`` where there is nothing to measure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qms.domain.field.orders import NOT_DONE_REASONS

#: any other reason a crew gave (an older phone, a reason added later)
OTHER = "other"
#: an order's statuses while a crew holds it
HELD = ("assigned", "done", "not_done", "cancelled")


def median(xs: list[int]) -> int | None:
    """The lower middle: with an even count, the smaller of the two middle values."""
    if not xs:
        return None
    return sorted(xs)[(len(xs) - 1) // 2]


def seconds(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end``, never negative; None if either is unknown."""
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))


# --- crews ----------------------------------------------------------------------------------


@dataclass
class CrewTally:
    """The orders one crew held (or nobody held: the unassigned line)."""

    orders: int = 0
    open: int = 0  # nobody's yet (the unassigned line only)
    assigned: int = 0
    done: int = 0
    not_done: int = 0
    in_progress: int = 0
    cancelled: int = 0
    cuts: int = 0
    reconnections: int = 0
    reconnections_late: int = 0
    not_done_by: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*NOT_DONE_REASONS, OTHER), 0)
    )
    reconnect_times: list[int] = field(default_factory=list)

    def add(
        self,
        kind: str,
        status: str,
        reason: str | None,
        held: bool,
        paid_at: dt.datetime | None = None,
        done_at: dt.datetime | None = None,
        deadline: dt.datetime | None = None,
    ) -> None:
        self.orders += 1
        if held:
            self.assigned += 1
        elif status == "open":
            self.open += 1
        if status == "done":
            self.done += 1
            if kind == "cut":
                self.cuts += 1
            elif kind == "reconnect":
                self.reconnections += 1
                took = seconds(paid_at, done_at)
                if took is not None:
                    self.reconnect_times.append(took)
                if deadline is not None and done_at is not None and done_at > deadline:
                    self.reconnections_late += 1
        elif status == "not_done":
            self.not_done += 1
            key = reason if reason in NOT_DONE_REASONS else OTHER
            self.not_done_by[key] += 1
        elif status == "assigned":
            self.in_progress += 1
        elif status == "cancelled":
            self.cancelled += 1

    def row(self) -> dict[str, Any]:
        return {
            "orders": self.orders,
            "open": self.open,
            "assigned": self.assigned,
            "done": self.done,
            "not_done": self.not_done,
            "in_progress": self.in_progress,
            "cancelled": self.cancelled,
            "cuts": self.cuts,
            "reconnections": self.reconnections,
            **{f"not_done_{k}": n for k, n in self.not_done_by.items()},
            "reconnect_median_s": median(self.reconnect_times),
            "reconnect_worst_s": max(self.reconnect_times, default=None),
            "reconnections_late": self.reconnections_late,
        }


# --- cashiers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shift:
    """A cashier's drawer of one day at one counter: the span they were at work."""

    cashier: str
    counter: str
    day: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Service:
    """One ticket served: at which counter, from its last call to its end; the cashiers
    who took its payments (last one last)."""

    counter: str
    day: dt.date
    called_at: dt.datetime
    finished_at: dt.datetime
    payers: tuple[str, ...] = ()


def server_of(s: Service, shifts: Iterable[Shift]) -> str:
    """Who served ``s``: a cashier calls and collects only at the counter where their
    drawer is open, so it is the drawer open at that counter when the ticket ended (if
    two were, the one who took the ticket's payment, else the one opened last); with
    none open then, the last opened there before; with none, the last payer; else ""."""
    here = [x for x in shifts if x.counter == s.counter and x.day == s.day]
    here = [x for x in here if x.opened_at <= s.finished_at]
    covering = [x for x in here if x.closed_at is None or x.closed_at >= s.finished_at]
    for pool in (covering, here):
        if pool:
            paid = [x for x in pool if x.cashier in s.payers]
            return max(paid or pool, key=lambda x: x.opened_at).cashier
    return s.payers[-1] if s.payers else ""


def overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> int:
    """Whole seconds two spans share."""
    return max(0, int((min(a1, b1) - max(a0, b0)).total_seconds()))


def shift_end(
    x: Shift, now: dt.datetime, today: dt.date, last_act: dt.datetime | None
) -> dt.datetime:
    """When a shift ends for its idle time: its drawer's closing; a drawer still open
    today counts to now; one left open on a past day, to the cashier's last service or
    payment of that day (not to midnight), or not at all if they did nothing."""
    if x.closed_at is not None:
        return max(x.closed_at, x.opened_at)
    if x.day >= today:
        return max(now, x.opened_at)
    return max(last_act or x.opened_at, x.opened_at)


@dataclass
class CashierTally:
    """One cashier's tickets, payments and time over the range."""

    tickets_served: int = 0
    services: list[int] = field(default_factory=list)
    open_s: int = 0
    busy_s: int = 0
    payments: int = 0
    collected: int = 0
    given_back: int = 0
    net_vietqr: int = 0  # of the net, paid by VietQR: at the bank, not in the drawer

    def row(self) -> dict[str, Any]:
        net = self.collected - self.given_back
        return {
            "tickets_served": self.tickets_served,
            "payments": self.payments,
            "collected": self.collected,
            "given_back": self.given_back,
            "net": net,
            "net_cash": net - self.net_vietqr,
            "net_vietqr": self.net_vietqr,
            "service_median_s": median(self.services),
            "service_s": sum(self.services),
            "open_s": self.open_s,
            "idle_s": max(0, self.open_s - self.busy_s),
        }


# --- lookup clerks --------------------------------------------------------------------------


@dataclass
class ClerkTally:
    """The papers whose last mark a clerk made."""

    found: int = 0
    deferred: int = 0
    missing: int = 0
    pending: int = 0  # nobody's yet (the totals only)
    times: list[int] = field(default_factory=list)

    def add(self, status: str, issued_at: dt.datetime, looked_up_at: dt.datetime | None) -> None:
        if status == "found":
            self.found += 1
            # a paper found for an earlier ticket of the customer came over with them: found,
            # but not timed against this ticket's issue
            if looked_up_at is not None and looked_up_at >= issued_at:
                took = seconds(issued_at, looked_up_at)
                if took is not None:
                    self.times.append(took)
        elif status == "deferred":
            self.deferred += 1
        elif status == "missing":
            self.missing += 1
        else:
            self.pending += 1

    def row(self) -> dict[str, Any]:
        return {
            "papers": self.found + self.deferred + self.missing + self.pending,
            "found": self.found,
            "deferred": self.deferred,
            "missing": self.missing,
            "pending": self.pending,
            "find_median_s": median(self.times),
            "find_worst_s": max(self.times, default=None),
        }
