"""The supervisor's forecast of a day (tomorrow unless asked): arrivals by hour, the
cashier counters to open, what actually came, and how good the forecast has been.

The history is the ``HourFigures`` table: a past day's tickets are rolled up into it
once (here, before a forecast reads it), counted as the hourly charts count them
(``stats.by_hour``); the demo hall starts with months of simulated days
(``integrations.history_simulator``). The model itself is ``qms.domain.forecast``;
docs/forecast.md says what it assumes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from integrations import history_simulator
from qms.config import ForecastSettings, Settings
from qms.domain import forecast as model
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest
from qms.storage import rows
from qms.storage.db import write_session
from qms.storage.models import HourFigures, Ticket
from qms.usecases import stats
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

#: open days the backtest forecasts, each from the days before it
BACKTEST_DAYS = 14
#: calendar days read beyond the window, so the backtest's first day has its own window
BACKTEST_MARGIN = 28
#: a cashier's mean service when the history has too few services to say
DEFAULT_SERVICE_S = 240
MIN_SERVICES = 30
#: how far from today a forecast may be asked for
MAX_AHEAD_DAYS = 62
MAX_BACK_DAYS = 730


# --- the history ---------------------------------------------------------------------------


@dataclass
class Past:
    """The history of a window: arrivals by hour of each day with rows, and services."""

    arrivals: dict[dt.date, list[int]] = field(default_factory=dict)
    services: dict[dt.date, list[int]] = field(default_factory=dict)  # [served, seconds]
    simulated: set[dt.date] = field(default_factory=set)

    def mean_service_s(self, since: dt.date) -> tuple[float, str]:
        """The mean service of the days from ``since``, and where it came from: the
        history, or ``DEFAULT_SERVICE_S`` when it holds too few services to say."""
        kept = [v for d, v in self.services.items() if d >= since]
        served = sum(n for n, _ in kept)
        if served < MIN_SERVICES:
            return float(DEFAULT_SERVICE_S), "default"
        return sum(s for _, s in kept) / served, "history"


def read_past(session: Session, branch_id: str, first: dt.date, until: dt.date) -> Past:
    """The ``HourFigures`` of the days from ``first`` up to, not including, ``until``."""
    past = Past()
    found = session.exec(
        select(HourFigures).where(
            HourFigures.branch_id == branch_id, HourFigures.day >= first, HourFigures.day < until
        )
    ).all()
    for r in found:
        past.arrivals.setdefault(r.day, [0] * model.HOURS)[r.hour] = r.arrivals
        day = past.services.setdefault(r.day, [0, 0])
        day[0] += r.served
        day[1] += r.service_s
        if r.simulated:
            past.simulated.add(r.day)
    return past


def days_to_roll_up(
    session: Session, branch_id: str, first: dt.date, today: dt.date
) -> list[dt.date]:
    """Past days from ``first`` that have tickets and no ``HourFigures`` yet."""
    ticket_days = session.exec(
        select(col(Ticket.business_day))
        .where(
            Ticket.branch_id == branch_id,
            Ticket.business_day >= first,
            Ticket.business_day < today,
        )
        .distinct()
    ).all()
    rolled = set(
        session.exec(
            select(col(HourFigures.day))
            .where(HourFigures.branch_id == branch_id, HourFigures.day >= first)
            .distinct()
        ).all()
    )
    return sorted(set(ticket_days) - rolled)


def roll_up_day(session: Session, branch_id: str, day: dt.date, tz: ZoneInfo) -> bool:
    """Write the day's 24 rows from its tickets, unless it has rows already (then False).
    Called in one write transaction: a day is written whole or not at all."""
    there = session.exec(
        select(func.count())
        .select_from(HourFigures)
        .where(HourFigures.branch_id == branch_id, HourFigures.day == day)
    ).one()
    if there:
        return False
    hours = stats.by_hour(session, branch_id, day, tz).hours
    rows.insert_many(
        session,
        HourFigures,
        [
            rows.new(
                HourFigures,
                branch_id=branch_id,
                day=day,
                hour=n,
                arrivals=h.issued,
                served=len(h.services),
                service_s=round(sum(h.services)),
                wait_s=round(sum(h.waits)),
                called=len(h.waits),
            )
            for n, h in enumerate(hours)
        ],
    )
    return True


async def roll_up(hall: Hall, branch_id: str, first: dt.date) -> list[dt.date]:
    """Roll up every past day from ``first`` that still needs it, a transaction each, in
    the branch's writer lane after the people's changes; the days written."""
    today = hall.clock.business_day()
    written = []
    for day in await hall.read(days_to_roll_up, branch_id, first, today):

        def work(day: dt.date = day) -> tuple[bool, list[Any]]:
            try:
                with write_session(hall.engine) as session:
                    return roll_up_day(session, branch_id, day, hall.clock.tz), []
            except IntegrityError:  # another worker process wrote it first
                return False, []

        if await hall.commit(branch_id, work, later=True):
            written.append(day)
    return written


# --- the demo hall's months -----------------------------------------------------------------


def seed_demo_history(engine: Engine, branch_id: str, today: dt.date, days: int, seed: int) -> int:
    """The demo hall's simulated history, the ``days`` days before today, on a branch
    without any ``HourFigures``; days the hall has tickets of are left to the roll-up.
    One bulk insert; the rows written (0 when the branch had a history)."""
    first = today - dt.timedelta(days=days)
    try:
        with write_session(engine) as session:
            had = session.exec(
                select(col(HourFigures.day)).where(HourFigures.branch_id == branch_id).limit(1)
            ).first()
            if had is not None:
                return 0
            real = set(
                session.exec(
                    select(col(Ticket.business_day))
                    .where(Ticket.branch_id == branch_id, Ticket.business_day >= first)
                    .distinct()
                ).all()
            )
            made = [
                rows.new(HourFigures, branch_id=branch_id, simulated=True, **asdict(h))
                for h in history_simulator.history(branch_id, today, days, seed)
                if h.day not in real
            ]
            rows.insert_many(session, HourFigures, made)
            return len(made)
    except IntegrityError:  # another worker process of the same start wrote it
        return 0


def seed_demo(engine: Engine, settings: Settings, today: dt.date) -> int:
    """At a start with the CMIS simulator (the demo hall) and ``forecast.demo_history_days``:
    each branch's simulated months, when it has no history yet; the rows written."""
    days = settings.forecast.demo_history_days
    if settings.cmis.mode != "simulator" or days <= 0:
        return 0
    seed = settings.cmis.simulator.seed
    return sum(seed_demo_history(engine, b.id, today, days, seed) for b in settings.branches)


# --- the day's view -----------------------------------------------------------------------


def check_day(day: dt.date, today: dt.date) -> None:
    first = today - dt.timedelta(days=MAX_BACK_DAYS)
    last = today + dt.timedelta(days=MAX_AHEAD_DAYS)
    if not first <= day <= last:
        raise BadRequest(
            f"date is from {first.isoformat()} to {last.isoformat()}",
            code="invalid_request",
            field="date",
            first=first.isoformat(),
            last=last.isoformat(),
        )


def actual(
    session: Session, branch_id: str, day: dt.date, today: dt.date, tz: ZoneInfo
) -> list[int] | None:
    """What came on ``day`` by hour: today so far, a past day whole; None for the future
    or a past day with nothing recorded."""
    if day > today:
        return None
    if day < today:
        past = read_past(session, branch_id, day, day + dt.timedelta(days=1))
        if day in past.arrivals:
            return past.arrivals[day]
    figures = stats.by_hour(session, branch_id, day, tz)
    hours, whole = figures.hours, figures.total
    if day < today and whole.issued == 0:
        return None
    return [h.issued for h in hours]


def view(
    session: Session,
    branch: Branch,
    day: dt.date,
    today: dt.date,
    tz: ZoneInfo,
    settings: ForecastSettings,
) -> dict[str, Any]:
    """The forecast of ``day`` learnt from the complete days before it (and before today),
    with the suggested counters, what came, and the backtest."""
    until = min(day, today)
    window_start = until - dt.timedelta(days=settings.history_days)
    past = read_past(session, branch.id, window_start - dt.timedelta(days=BACKTEST_MARGIN), until)
    window = {d: h for d, h in past.arrivals.items() if d >= window_start}
    fitted = model.fit(window, until)
    tested = model.backtest(past.arrivals, until, BACKTEST_DAYS, settings.history_days)
    came = actual(session, branch.id, day, today, tz)
    naive = model.baseline(past.arrivals, day)
    cashiers = sum(1 for c in branch.counters.values() if c.kind == "cashier")
    service_s, service_from = past.mean_service_s(window_start)
    forecast = fitted.hours(day) if fitted is not None else None
    hours = []
    for n in range(model.HOURS):
        row: dict[str, Any] = {
            "hour": n,
            "forecast": round(forecast[n], 1) if forecast is not None else None,
            "actual": came[n] if came is not None else None,
            "baseline": naive[n] if naive is not None else None,
            "counters": None,
            "median_wait_min": None,
            "mean_wait_min": None,
            "enough": None,
        }
        if forecast is not None:
            s = model.counters_for(forecast[n], service_s, cashiers, settings.target_wait_min)
            row.update(
                counters=s.counters,
                median_wait_min=_minutes(s.waits.median_min),
                mean_wait_min=_minutes(s.waits.mean_min),
                enough=s.enough,
            )
        hours.append(row)
    used = [d for d in window if sum(window[d]) > 0]
    return {
        "branch": branch.id,
        "date": day.isoformat(),
        "today": today.isoformat(),
        "timezone": str(tz),
        "hours": hours,
        "day": {
            "forecast": round(sum(forecast), 1) if forecast is not None else None,
            "actual": sum(came) if came is not None else None,
            "baseline": sum(naive) if naive is not None else None,
            "counters_most": max((h["counters"] or 0 for h in hours), default=0),
            "short_hours": [h["hour"] for h in hours if h["enough"] is False],
        },
        "model": fitted.factors() if fitted is not None else None,
        "backtest": _backtest(tested),
        "inputs": {
            "service_s": round(service_s),
            "service_from": service_from,
            "target_wait_min": settings.target_wait_min,
            "history_days": settings.history_days,
            "days_used": len(used),
            "simulated_days": len(past.simulated & set(used)),
            "simulated": bool(past.simulated & set(used)),
            "first_day": min(used).isoformat() if used else None,
            "last_day": max(used).isoformat() if used else None,
            "cashier_counters": cashiers,
            "min_days": model.MIN_DAYS,
        },
    }


def _minutes(m: float | None) -> float | None:
    return None if m is None else round(m, 1)


def _backtest(tested: model.Backtest | None) -> dict[str, Any] | None:
    if tested is None:
        return None
    return {
        "days": len(tested.days),
        "model": tested.model.row(),
        "baseline": tested.baseline.row(),
        "rows": tested.days,
    }


async def forecast(
    hall: Hall, who: Principal, day: dt.date | None, settings: ForecastSettings
) -> dict[str, Any]:
    """A day's forecast for the asker's branch (tomorrow when ``day`` is None); past days
    not rolled up yet are rolled up first."""
    require(who, "stats.read")
    today = hall.clock.business_day()
    day = day or today + dt.timedelta(days=1)
    check_day(day, today)
    first = min(day, today) - dt.timedelta(days=settings.history_days + BACKTEST_MARGIN)
    await roll_up(hall, who.branch_id, first)
    branch = hall.branch(who.branch_id)
    return await hall.read(view, branch, day, today, hall.clock.tz, settings)
