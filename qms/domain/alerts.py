"""Alert rules (docs/alerts.md): the kinds of threshold a hall is watched against, their
units and bounds, and the rule that turns a hall's observed figures into breaches.

Pure: figures in, breaches out. No SQL, no clock of its own: the use case gathers the
figures (``qms.usecases.alerts.gather``) and writes what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qms.domain.errors import BadRequest, Conflict, Forbidden


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of rule: what its threshold counts and the values it may take."""

    unit: str  # minutes | tickets | dong | hour
    high: int


#: every kind of rule, its threshold's unit and upper bound (0 is the lowest: "any")
KINDS: dict[str, Kind] = {
    # the oldest waiting ticket has waited more than N minutes
    "wait_over": Kind("minutes", 24 * 60),
    # a cashier counter no one holds while more than N tickets wait
    "closed_while_queue": Kind("tickets", 10_000),
    # a payment not confirmed by CMIS N minutes after F4
    "payment_unposted": Kind("minutes", 24 * 60),
    # a print or LED job not done N minutes after it was made: the printer failing, or
    # the hall agent that drives it not connected
    "device_offline": Kind("minutes", 24 * 60),
    # a drawer closed with a counted difference of more than N đồng, not yet approved
    "drawer_difference": Kind("dong", 1_000_000_000_000),
    # the business day, worked, still open at this hour of the hall's clock
    "day_not_closed": Kind("hour", 23),
}


#: an alert's state: raised and not acknowledged, acknowledged, its condition gone
STATES = ("open", "acked", "cleared")


def check_kind(value: object) -> str:
    if not isinstance(value, str) or value not in KINDS:
        raise BadRequest(
            f"kind is one of {', '.join(KINDS)}", code="invalid_alert_kind", kinds=list(KINDS)
        )
    return value


def check_threshold(kind: str, value: object) -> int:
    """A whole number in the kind's unit, 0 up to the kind's bound."""
    high = KINDS[kind].high
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise BadRequest(
            f"threshold of {kind} is a whole number from 0 to {high}",
            code="invalid_threshold",
            field="threshold",
            unit=KINDS[kind].unit,
            high=high,
        )
    return value


# --- what is observed -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StuckJob:
    """A device job not done: its target (printer id, or the counter of an LED board)."""

    target: str
    kind: str  # print | led
    age_s: int
    error: str | None


@dataclass(frozen=True, slots=True)
class ClosedDrawer:
    """A drawer closed with a difference that no one has approved yet."""

    counter: str
    cashier: str
    cashier_name: str
    difference: int  # counted - expected, đồng


@dataclass(frozen=True, slots=True)
class Figures:
    """One hall at one moment, as the rules need it. ``now`` is the hall's clock."""

    branch_id: str
    now: dt.datetime
    day: dt.date
    waiting: int = 0
    oldest_wait_s: int | None = None
    oldest_number: int | None = None
    cashier_counters: tuple[str, ...] = ()
    held_counters: frozenset[str] = frozenset()
    unposted: int = 0  # payments not confirmed by CMIS
    oldest_unposted_s: int | None = None
    oldest_txn: str | None = None
    stuck_jobs: tuple[StuckJob, ...] = ()
    drawers: tuple[ClosedDrawer, ...] = ()
    day_worked: bool = False  # a ticket or a drawer today: a day to close
    day_closed: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    kind: str
    threshold: int


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule found broken for ``subject`` (a counter, a printer; "" for the hall);
    ``value``: what was measured, in the kind's unit; ``detail``: what its words need."""

    rule_id: int
    kind: str
    subject: str
    value: int
    detail: dict[str, Any] = field(default_factory=dict)


def _minutes(seconds: int) -> int:
    return seconds // 60


def breaches(rule: Rule, f: Figures) -> list[Breach]:
    """What ``rule`` finds in ``f``. Thresholds are strict ("over N"): N = 0 is "any"."""
    n = rule.threshold

    def breach(subject: str, value: int, **detail: Any) -> Breach:
        return Breach(rule.id, rule.kind, subject, value, {"threshold": n, **detail})

    if rule.kind == "wait_over":
        if f.oldest_wait_s is not None and f.oldest_wait_s > n * 60:
            return [breach("", _minutes(f.oldest_wait_s), number=f.oldest_number)]
    elif rule.kind == "closed_while_queue":
        closed = [c for c in f.cashier_counters if c not in f.held_counters]
        if f.waiting > n and closed:
            return [breach("", f.waiting, counters=closed)]
    elif rule.kind == "payment_unposted":
        if f.oldest_unposted_s is not None and f.oldest_unposted_s > n * 60:
            minutes = _minutes(f.oldest_unposted_s)
            return [breach("", minutes, count=f.unposted, txn_id=f.oldest_txn)]
    elif rule.kind == "device_offline":
        oldest: dict[str, StuckJob] = {}
        for job in f.stuck_jobs:
            known = oldest.get(job.target)
            if job.age_s > n * 60 and (known is None or job.age_s > known.age_s):
                oldest[job.target] = job
        return [
            breach(t, _minutes(j.age_s), device=j.kind, error=j.error)
            for t, j in sorted(oldest.items())
        ]
    elif rule.kind == "drawer_difference":
        return [
            breach(d.counter, d.difference, cashier=d.cashier, cashier_name=d.cashier_name)
            for d in f.drawers
            if abs(d.difference) > n
        ]
    elif rule.kind == "day_not_closed":
        if f.day_worked and not f.day_closed and f.now.hour >= n:
            return [breach("", n, day=f.day.isoformat())]
    return []


def evaluate(rules: Iterable[Rule], f: Figures) -> list[Breach]:
    """Every breach of every rule in one hall."""
    return [b for r in rules for b in breaches(r, f)]


def key(rule_id: int, branch_id: str, subject: str, day: dt.date) -> str:
    """An alert is raised once per rule, hall, subject and business day."""
    return f"{rule_id}:{branch_id}:{subject}:{day.isoformat()}"


# --- who may see and change what --------------------------------------------------------------

#: roles that see every branch's alerts and rules: the company's admin and finance manager
COMPANY_ROLES = frozenset({"admin", "finance"})


def check_scope(role: str, own_branch: str, branch: str | None) -> None:
    """A person outside the company roles works with their own branch only; a rule for
    every branch (``branch`` None) is the company's."""
    if role not in COMPANY_ROLES and branch != own_branch:
        raise Forbidden(
            f"a {role} works with branch {own_branch} only",
            code="wrong_branch",
            branch=branch or "*",
        )


def check_ackable(acked_by: str | None, acked_at: dt.datetime | None) -> None:
    """An alert is acknowledged once: the second person is told who did it."""
    if acked_by is not None:
        raise Conflict(
            f"already acknowledged by {acked_by}",
            code="alert_acked",
            acked_by=acked_by,
            acked_at=acked_at.isoformat() if acked_at else None,
        )
