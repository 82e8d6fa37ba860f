"""The company's central view (docs/company.md): every hall's figures live, and the same
figures over a period, for the company's admin, its finance manager and a branch's admin.

``hall_now`` is the one place a hall's live figures come from (the page, its push, and
the alerts read it). Its money is the reports' (``reports.money_of_days``) and the period
is ``reports.build`` itself, cut by branch: the company's figures are the sum of its
halls' reports by construction, never a second way of counting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import Forbidden
from qms.storage.models import (
    AuthSession,
    DayClosure,
    DeviceJob,
    EnrolledDevice,
    Payment,
    Ticket,
    User,
)
from qms.usecases import reports
from qms.usecases.auth import PERMISSIONS, Principal, require
from qms.usecases.cmis_health import Health
from qms.usecases.hall import Hall

#: tickets still in the hall: waiting for a call, at a counter, or set aside there
IN_HALL = ("waiting", "serving", "parked")
#: a device job not done yet: its printer or board has not taken it
NOT_DONE = ("queued", "sending", "in_doubt")
#: the figures of a payment row the company view shows (the report's names)
MONEY_KEYS = (
    *("payments", "net", "net_count", "net_cash", "net_vietqr", "given_back"),
    *("unconfirmed", "unconfirmed_count"),
)


def sees_company(who: Principal) -> bool:
    """The company admin and the finance manager see every branch; a branch admin, theirs."""
    return who.role in PERMISSIONS["reports.company"]


def scope(hall: Hall, who: Principal, branch: str | None) -> list[Branch]:
    """The branches ``who`` may watch, narrowed to ``branch`` when given. A branch admin
    naming another branch is refused (``wrong_branch``), not shown an empty company."""
    require(who, "company.read")
    if not sees_company(who):
        if branch is not None and branch != who.branch_id:
            raise Forbidden(
                f"a branch admin sees their own branch ({who.branch_id}) only",
                code="wrong_branch",
                branch=branch,
            )
        return [hall.branch(who.branch_id)]
    if branch is not None:
        return [hall.branch(branch)]
    return list(hall.branches.values())  # the active ones: the organisation's cache


# --- live -----------------------------------------------------------------------------


def _queue(session: Session, branch: Branch, day: dt.date, now: dt.datetime) -> dict[str, Any]:
    found = session.exec(
        select(Ticket.status, func.count(), func.min(Ticket.issued_at))
        .where(
            Ticket.branch_id == branch.id,
            Ticket.business_day == day,
            col(Ticket.status).in_(IN_HALL),
        )
        .group_by(Ticket.status)
    ).all()
    counts = {status: int(n) for status, n, _ in found}
    oldest = next((first for status, _, first in found if status == "waiting"), None)
    if oldest is not None and oldest.tzinfo is None:  # SQLite's min() loses the zone
        oldest = oldest.replace(tzinfo=dt.UTC)
    return {
        "waiting": counts.get("waiting", 0),
        "serving": counts.get("serving", 0),
        "parked": counts.get("parked", 0),
        "oldest_issued_at": iso(oldest),
        "oldest_wait_s": None if oldest is None else max(0, int((now - oldest).total_seconds())),
    }


def _counters(session: Session, branch: Branch, day: dt.date, now: dt.datetime) -> dict[str, Any]:
    """Each counter: who is signed in at it (a live session), and whom it serves."""
    held = session.exec(
        select(AuthSession.counter_code, User.username, User.full_name)
        .join(User, col(User.id) == AuthSession.user_id)
        .where(
            User.branch_id == branch.id,
            col(AuthSession.counter_code).is_not(None),
            AuthSession.expires_at > now,
            col(User.active).is_(True),
        )
    ).all()
    at: dict[str, dict[str, str]] = {}
    for code, username, name in held:
        at.setdefault(code or "", {"username": username, "name": name})
    serving = dict(
        session.exec(
            select(Ticket.counter_code, Ticket.number).where(
                Ticket.branch_id == branch.id,
                Ticket.business_day == day,
                Ticket.status == "serving",
            )
        ).all()
    )
    rows = [
        {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "open": c.code in at,
            "staff": at.get(c.code),
            "serving": serving.get(c.code),
        }
        for c in branch.counters.values()
    ]
    cashiers = [r for r in rows if r["kind"] == "cashier"]
    return {
        "total": len(rows),
        "open": sum(r["open"] for r in rows),
        "serving": sum(r["serving"] is not None for r in rows),
        "cashiers": len(cashiers),
        "cashiers_open": sum(r["open"] for r in cashiers),
        "rows": rows,
    }


def _money(session: Session, branch: Branch, day: dt.date, tz: ZoneInfo) -> dict[str, Any]:
    got = reports.money_of_days(session, [branch], [day], tz)
    drawers = got["drawers"]
    return {
        **{k: got["totals"][k] for k in MONEY_KEYS},
        "by_cashier": [
            {
                "cashier": r["cashier"],
                "name": r["name"],
                "while_waiting": r["while_waiting"],
                **{k: r[k] for k in MONEY_KEYS},
            }
            for r in got["by_cashier"]
        ],
        "movements": {
            **got["movements"]["summary"],
            "rows": [
                {
                    k: r[k]
                    for k in (
                        *("id", "from_cashier", "from_name", "to_cashier", "to_name"),
                        *("out_amount", "in_amount", "status", "out_at", "in_at"),
                    )
                }
                for r in got["movements"]["rows"]
            ],
        },
        "drawers": {
            "open": drawers["summary"]["open"],
            "closed": drawers["summary"]["drawers"] - drawers["summary"]["open"],
            "rows": [
                {
                    k: r[k]
                    for k in (
                        *("cashier", "cashier_name", "counter", "status", "expected"),
                        *("counted", "difference"),
                    )
                }
                for r in drawers["rows"]
            ],
        },
    }


def _outbox(session: Session, branch: Branch, now: dt.datetime) -> dict[str, Any]:
    """Payments CMIS has not confirmed yet, whatever their day, and the oldest's age."""
    n, oldest = session.exec(
        select(func.count(), func.min(Payment.created_at)).where(
            Payment.branch_id == branch.id, col(Payment.status).in_(reports.UNCONFIRMED)
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return {
        "unconfirmed": int(n),
        "oldest_at": iso(oldest),
        "oldest_age_s": None if oldest is None else max(0, int((now - oldest).total_seconds())),
    }


def _devices(session: Session, branch: Branch, online: Collection[str]) -> dict[str, Any]:
    """Printers and LED boards by their jobs not done (a failing one has an error), and
    the hall agents: the branch's and the enrolled ones, online or not."""
    jobs = session.exec(
        select(DeviceJob.kind, DeviceJob.target, func.count(), func.max(DeviceJob.last_error))
        .where(DeviceJob.branch_id == branch.id, col(DeviceJob.status).in_(NOT_DONE))
        .group_by(DeviceJob.kind, DeviceJob.target)
    ).all()
    waiting = {(kind, target): (int(n), error) for kind, target, n, error in jobs}

    def targets(kind: str, known: Iterable[str]) -> list[dict[str, Any]]:
        names = sorted({*known, *(t for k, t in waiting if k == kind)})
        out = []
        for name in names:
            n, error = waiting.get((kind, name), (0, None))
            out.append({"id": name, "pending": n, "failing": error is not None, "error": error})
        return out

    printers = targets("print", branch.printers)
    leds = targets("led", (c.code for c in branch.counters.values() if c.has_led))
    enrolled = session.exec(
        select(EnrolledDevice.id).where(
            EnrolledDevice.branch_id == branch.id,
            EnrolledDevice.kind == "agent",
            col(EnrolledDevice.revoked_at).is_(None),
        )
    ).all()
    agent_ids = sorted({*enrolled, *([branch.device_agent] if branch.device_agent else [])})
    agents = [{"id": a, "online": a in online} for a in agent_ids]
    return {
        "printers": printers,
        "printers_failing": sum(p["failing"] for p in printers),
        "leds": leds,
        "leds_failing": sum(b["failing"] for b in leds),
        "pending": sum(n for n, _ in waiting.values()),
        "agents": agents,
        "agents_online": sum(a["online"] for a in agents),
    }


def hall_now(
    session: Session,
    branch: Branch,
    day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
    health: Health | None,
    online: Collection[str] = (),
) -> dict[str, Any]:
    """One hall's live figures: its queue, counters, today's money (the report's), drawers
    and movements, CMIS and its outbox, devices. Reads only; ``health`` is this process's
    view of the branch's CMIS, ``online`` the hall agents connected to it. The alerts
    compare these figures with their thresholds."""
    return {
        "branch": branch.id,
        "name": branch.name,
        "hall": branch.collection_point,
        "business_day": day.isoformat(),
        "at": iso(now),
        # business hours (docs/admin.md): None where the hall has none (open whenever
        # staff are in)
        "open": None if branch.hours is None else branch.is_open(now.astimezone(tz)),
        "hours": None if branch.hours is None else branch.hours.public(),
        "day_closed": session.get(DayClosure, (branch.id, day)) is not None,
        "queue": _queue(session, branch, day, now),
        "counters": _counters(session, branch, day, now),
        "money": _money(session, branch, day, tz),
        "cmis": {
            **(health.public() if health is not None else {"healthy": None}),
            "outbox": _outbox(session, branch, now),
        },
        "devices": _devices(session, branch, online),
    }


def halls_now(
    session: Session,
    branches: list[Branch],
    day: dt.date,
    now: dt.datetime,
    tz: ZoneInfo,
    health: Mapping[str, Health],
    online: Collection[str] = (),
) -> list[dict[str, Any]]:
    """``hall_now`` of each branch, in one read."""
    return [hall_now(session, b, day, now, tz, health.get(b.id), online) for b in branches]


def summed(halls: list[dict[str, Any]]) -> dict[str, Any]:
    """The company's line: the halls' figures added up."""
    return {
        "halls": len(halls),
        "waiting": sum(h["queue"]["waiting"] for h in halls),
        "oldest_wait_s": max(
            (h["queue"]["oldest_wait_s"] for h in halls if h["queue"]["oldest_wait_s"] is not None),
            default=None,
        ),
        "counters_open": sum(h["counters"]["open"] for h in halls),
        "serving": sum(h["counters"]["serving"] for h in halls),
        **{k: sum(h["money"][k] for h in halls) for k in MONEY_KEYS},
        "drawers_open": sum(h["money"]["drawers"]["open"] for h in halls),
        "movements_hanging": sum(h["money"]["movements"]["hanging"] for h in halls),
        "cmis_unhealthy": sum(h["cmis"]["healthy"] is False for h in halls),
        "unconfirmed": sum(h["cmis"]["outbox"]["unconfirmed"] for h in halls),
        "printers_failing": sum(h["devices"]["printers_failing"] for h in halls),
        "agents_offline": sum(
            len(h["devices"]["agents"]) - h["devices"]["agents_online"] for h in halls
        ),
    }


async def live(
    hall: Hall, who: Principal, branch: str | None, online: Collection[str] = ()
) -> dict[str, Any]:
    """``GET /api/company``: every hall in scope now, and the company's line."""
    branches = scope(hall, who, branch)
    clock = hall.clock
    halls = await hall.read(
        halls_now, branches, clock.business_day(), clock.now(), clock.tz, hall.health, online
    )
    return {"at": iso(clock.now()), "total": summed(halls), "halls": halls}


# --- over a period --------------------------------------------------------------------


def _of(rows: list[dict[str, Any]], branch_id: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["branch"] == branch_id]


def _period_hall(data: dict[str, Any], b: Branch) -> dict[str, Any]:
    """A branch's part of the company report: the same rows its own report has."""
    mine = _of(data["by_branch"], b.id)
    empty = {k: 0 for k in data["totals"]}
    moves = _of(data["movements"]["rows"], b.id)
    matched = [m for m in moves if m["status"] == "matched"]
    drawers = _of(data["drawers"]["rows"], b.id)
    return {
        "branch": b.id,
        "name": b.name,
        "hall": b.collection_point,
        "totals": {**empty, **{k: v for k, v in (mine[0] if mine else {}).items() if k in empty}},
        "by_day": _of(data["by_day"], b.id),
        "by_cashier": _of(data["by_cashier"], b.id),
        "movements": {
            "matched": len(matched),
            "matched_total": sum(m["out_amount"] for m in matched),
            "hanging": sum(m["status"] == "hanging" for m in moves),
            "mismatch": sum(m["status"] == "mismatch" for m in moves),
        },
        "drawers": {
            "drawers": len(drawers),
            "open": sum(d["status"] == "open" for d in drawers),
            "difference": sum(d["difference"] or 0 for d in drawers),
        },
        "times": _of(data["times"]["by_day"], b.id),
        "closed_days": len(_of(data["closures"], b.id)),
    }


def _by_date(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The halls' day rows summed per date: the company's chart."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        day = out.setdefault(r["date"], {"date": r["date"], **{k: 0 for k in MONEY_KEYS}})
        for k in MONEY_KEYS:
            day[k] += r[k]
    return [out[d] for d in sorted(out)]


async def period(
    hall: Hall,
    who: Principal,
    branch: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> dict[str, Any]:
    """``GET /api/company/period``: the report of the branches in scope over the days
    from ``start`` to ``end`` (today when absent), per hall and summed. CMIS is not
    asked: its reconciliation stays in each branch's report."""
    branches = scope(hall, who, branch)
    clock = hall.clock
    today = clock.business_day()
    end = end or today
    days = reports.check_range(start or end, end, today)
    data = await hall.read(reports.build, "company", branches, days, clock.tz, {}, clock.now())
    return {
        "from": data["from"],
        "to": data["to"],
        "days": data["days"],
        "generated_at": data["generated_at"],
        "totals": data["totals"],
        "by_date": _by_date(data["by_day"]),
        "by_hour": data["by_hour"],
        "times": data["times"]["overall"],
        "movements": data["movements"]["summary"],
        "drawers": data["drawers"]["summary"],
        "halls": [_period_hall(data, b) for b in branches],
    }
