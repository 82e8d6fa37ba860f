"""The productivity report (năng suất) of a level (company, branch, hall) over a range of
business days: per field crew, per cashier and per lookup clerk, with totals that are the
sums of their rows. The levels, the range and who may see what are the payment report's
(``reports.check_range``, ``reporting.scope``); the figures' rules are
``qms.domain.productivity``. Only the database is read: no CMIS call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from qms.domain import drawers
from qms.domain import productivity as rules
from qms.domain.bank import takings
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.einvoice import NO_PAPER
from qms.storage import rows as tables
from qms.storage.models import Crew, Drawer, FieldOrder, Payment, Ticket, TicketInvoice, User
from qms.usecases import reporting, reports
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

UNKNOWN = "Không rõ / Unknown"
NOBODY = "Chưa giao tổ / Not assigned"


def _username(label: str | None) -> str:
    """``user:cashier1`` -> ``cashier1`` (a device label stays as it is)."""
    kind, _, name = (label or "").partition(":")
    return name if kind == "user" else label or ""


def _name(who: str, full: str | None) -> str:
    """A cashier's row's name: the person's, the QRs paid while waiting in words, or
    *Không rõ* for payments nobody can be credited with."""
    if takings.while_waiting(who):
        return takings.label_words(who)
    return (full or who) if who else UNKNOWN


def _in_range(model: Any, ids: list[str], days: list[dt.date]) -> list[Any]:
    return [
        col(model.branch_id).in_(ids),
        model.business_day >= days[0],
        model.business_day <= days[-1],
    ]


def _where(b: Branch) -> dict[str, str]:
    return {"branch": b.id, "hall": b.collection_point}


# --- crews ----------------------------------------------------------------------------------


def _crews(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> dict[str, Any]:
    ids = list(branches)
    crews = {
        c.id or 0: c
        for c in session.exec(
            select(Crew)
            .where(col(Crew.branch_id).in_(ids))
            .order_by(col(Crew.branch_id), col(Crew.code))
        ).all()
    }
    o = tables.table(FieldOrder)
    orders = session.connection().execute(
        sa.select(
            o.c.branch_id,
            o.c.business_day,
            o.c.kind,
            o.c.status,
            o.c.reason,
            o.c.crew_id,
            o.c.paid_at,
            o.c.done_at,
            o.c.deadline,
        ).where(o.c.branch_id.in_(ids), o.c.business_day >= days[0], o.c.business_day <= days[-1])
    )
    per_crew: dict[int, rules.CrewTally] = {
        c: rules.CrewTally() for c, x in crews.items() if x.active
    }
    nobody: dict[str, rules.CrewTally] = {}
    per_day: dict[tuple[str, dt.date], rules.CrewTally] = {}
    total = rules.CrewTally()
    for bid, day, kind, status, reason, crew_id, paid_at, done_at, deadline in orders:
        held = crew_id is not None and crew_id in crews and status in rules.HELD
        mine = (
            per_crew.setdefault(crew_id, rules.CrewTally())
            if held
            else nobody.setdefault(bid, rules.CrewTally())
        )
        for tally in (mine, per_day.setdefault((bid, day), rules.CrewTally()), total):
            tally.add(kind, status, reason, held, paid_at, done_at, deadline)
    rows = []
    for cid, tally in per_crew.items():
        c = crews[cid]
        members = [str(m) for m in json.loads(c.members or "[]")]
        rows.append(
            {
                **_where(branches[c.branch_id]),
                "crew": c.code,
                "name": c.name,
                "members": ", ".join(names.get(m, m) for m in members),
                **tally.row(),
            }
        )
    rows.sort(key=lambda r: (r["branch"], r["crew"]))
    unassigned = [
        {**_where(branches[bid]), "crew": "", "name": NOBODY, "members": "", **t.row()}
        for bid, t in sorted(nobody.items())
    ]
    return {
        "rows": rows,
        "unassigned": unassigned,
        "by_day": [
            {**_where(branches[bid]), "date": day.isoformat(), **per_day[(bid, day)].row()}
            for bid, day in sorted(per_day)
        ],
        "totals": total.row(),
    }


# --- cashiers -------------------------------------------------------------------------------


def _cashiers(
    session: Session,
    branches: dict[str, Branch],
    days: list[dt.date],
    names: dict[str, str],
    now: dt.datetime,
    today: dt.date,
) -> dict[str, Any]:
    ids = list(branches)
    shifts: dict[str, list[rules.Shift]] = defaultdict(list)
    #: the drawers of each branch, counter and day: who may have served a ticket there
    at_counter: dict[tuple[str, str, dt.date], list[rules.Shift]] = defaultdict(list)
    drawer_names: dict[tuple[str, str], str] = {}
    counters: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in session.exec(select(Drawer).where(*_in_range(Drawer, ids, days))).all():
        x = rules.Shift(d.cashier, d.counter_code, d.business_day, d.opened_at, d.closed_at)
        shifts[d.branch_id].append(x)
        at_counter[(d.branch_id, x.counter, x.day)].append(x)
        drawer_names[(d.branch_id, d.cashier)] = d.cashier_name
        counters[(d.branch_id, d.cashier)].add(d.counter_code)
    tallies: dict[tuple[str, str], rules.CashierTally] = {
        key: rules.CashierTally() for key in drawer_names
    }
    payers: dict[int, list[str]] = defaultdict(list)
    last_act: dict[tuple[str, str, dt.date], dt.datetime] = {}

    def acted(key: tuple[str, str], day: dt.date, at: dt.datetime) -> None:
        k = (*key, day)
        last_act[k] = max(last_act.get(k, at), at)

    p = tables.table(Payment)
    payments = session.connection().execute(
        sa.select(
            p.c.branch_id,
            p.c.business_day,
            p.c.ticket_id,
            p.c.counter_code,
            p.c.cashier,
            p.c.total,
            p.c.status,
            p.c.created_at,
            p.c.method,
        )
        .where(p.c.branch_id.in_(ids), p.c.business_day >= days[0], p.c.business_day <= days[-1])
        .order_by(p.c.created_at)
    )
    for bid, day, ticket_id, counter, label, amount, status, created_at, method in payments:
        who = _username(label)
        payers[ticket_id].append(who)
        key = (bid, who)
        t = tallies.setdefault(key, rules.CashierTally())
        t.payments += 1
        t.collected += amount
        if status in drawers.GIVEN_BACK:
            t.given_back += amount
        elif method != "cash":
            t.net_vietqr += amount
        counters[key].add(counter)
        acted(key, day, created_at)
    tk = tables.table(Ticket)
    tickets = session.connection().execute(
        sa.select(
            tk.c.id,
            tk.c.branch_id,
            tk.c.business_day,
            tk.c.counter_code,
            tk.c.called_at,
            tk.c.finished_at,
        ).where(
            tk.c.branch_id.in_(ids),
            tk.c.business_day >= days[0],
            tk.c.business_day <= days[-1],
            tk.c.status == "done",
            tk.c.called_at.is_not(None),
            tk.c.finished_at.is_not(None),
        )
    )
    spans: dict[tuple[str, str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for tid, bid, day, counter, called_at, finished_at in tickets:
        s = rules.Service(counter or "", day, called_at, finished_at, tuple(payers.get(tid, ())))
        key = (bid, rules.server_of(s, at_counter.get((bid, s.counter, s.day), [])))
        tally = tallies.setdefault(key, rules.CashierTally())
        tally.tickets_served += 1
        tally.services.append(rules.seconds(s.called_at, s.finished_at) or 0)
        spans[(*key, s.day)].append((s.called_at, max(s.called_at, s.finished_at)))
        acted(key, s.day, s.finished_at)
    for bid, mine in shifts.items():
        for x in mine:
            key = (bid, x.cashier)
            end = rules.shift_end(x, now, today, last_act.get((*key, x.day)))
            tallies[key].open_s += rules.seconds(x.opened_at, end) or 0
            tallies[key].busy_s += sum(
                rules.overlap(a, b, x.opened_at, end) for a, b in spans[(*key, x.day)]
            )
    rows = []
    total = rules.CashierTally()
    for (bid, who), tally in sorted(tallies.items()):
        rows.append(
            {
                **_where(branches[bid]),
                "cashier": who,
                "name": _name(who, names.get(who) or drawer_names.get((bid, who))),
                "counters": ", ".join(sorted(counters[(bid, who)])),
                **tally.row(),
            }
        )
        for name in (
            "tickets_served",
            "open_s",
            "payments",
            "collected",
            "given_back",
            "net_vietqr",
        ):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        total.services.extend(tally.services)
        total.busy_s += min(tally.busy_s, tally.open_s)
    return {"rows": rows, "totals": total.row()}


# --- lookup clerks --------------------------------------------------------------------------


def _clerks(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> dict[str, Any]:
    i, t = tables.table(TicketInvoice), tables.table(Ticket)
    found = session.connection().execute(
        sa.select(
            i.c.lookup_status, i.c.looked_up_by, i.c.looked_up_at, t.c.issued_at, t.c.branch_id
        )
        .join(t, t.c.id == i.c.ticket_id)
        .where(
            t.c.branch_id.in_(list(branches)),
            t.c.business_day >= days[0],
            t.c.business_day <= days[-1],
            i.c.pay_status != "moved",
            i.c.lookup_status != NO_PAPER,  # an e-invoice: no paper to look up
        )
    )
    tallies: dict[tuple[str, str], rules.ClerkTally] = {}
    total = rules.ClerkTally()
    for status, by, at, issued_at, bid in found:
        total.add(status, issued_at, at)
        if status in ("found", "deferred", "missing"):
            tallies.setdefault((bid, _username(by)), rules.ClerkTally()).add(status, issued_at, at)
    rows = [
        {
            **_where(branches[bid]),
            "clerk": who,
            "name": names.get(who, who) if who else UNKNOWN,
            **t.row(),
        }
        for (bid, who), t in sorted(tallies.items())
    ]
    return {"rows": rows, "totals": total.row()}


# --- the report -----------------------------------------------------------------------------


def build(
    session: Session,
    level: str,
    scope: Iterable[Branch],
    days: list[dt.date],
    tz: ZoneInfo,
    generated_at: dt.datetime,
    today: dt.date,
) -> dict[str, Any]:
    """The productivity of ``scope`` (the branches of the level) over ``days``."""
    branches = {b.id: b for b in scope}
    names = {u: n for u, n in session.exec(select(User.username, User.full_name)).all()}
    return {
        "level": level,
        "from": days[0].isoformat(),
        "to": days[-1].isoformat(),
        "days": len(days),
        "timezone": str(tz),
        "generated_at": iso(generated_at),
        "branches": [
            {"id": b.id, "name": b.name, "hall": b.collection_point} for b in branches.values()
        ],
        "halls": sorted({b.collection_point for b in branches.values()}),
        "crews": _crews(session, branches, days, names),
        "cashiers": _cashiers(session, branches, days, names, generated_at, today),
        "lookup": _clerks(session, branches, days, names),
    }


async def report(
    hall: Hall,
    who: Principal,
    level: str,
    branch: str | None,
    point: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[dict[str, Any], list[Branch]]:
    """The productivity of ``level`` from ``start`` to ``end`` (today when absent), as
    the payment report allows it (``reports.read``; another branch or the company:
    ``reports.company``), and the branches it covers."""
    require(who, "reports.read")
    today = hall.clock.business_day()
    end = end or today
    days = reports.check_range(start or end, end, today)
    branches = reporting.scope(hall, who, level, branch, point)
    data = await hall.read(build, level, branches, days, hall.clock.tz, hall.clock.now(), today)
    data["prepared_by"] = {"username": who.name, "name": who.full_name or who.name}
    return data, branches
