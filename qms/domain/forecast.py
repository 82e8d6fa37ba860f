"""Tomorrow's arrivals by hour, and the cashier counters they need (docs/forecast.md).

A seasonal model, small on purpose so a supervisor can follow it: a day's arrivals are
``level × weekday factor × day-of-month factor``, spread over the hours by the weekday's
hour profile. The factors are the Poisson fit of that product (ratios of sums, iterated),
recent days weighing more. It is measured the only honest way: forecast each of the last
days from the days before it, against the naive "same weekday last week".

The counters come from M/M/c (Erlang C) per hour: the fewest cashier counters whose
median wait stays under the target. Pure: plain values in and out, no store, no clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

HOURS = 24
#: fewer open days than this in the window: no forecast (a factor per weekday needs weeks)
MIN_DAYS = 14
#: a day's weight halves every this many days back: the level follows a slow drift
HALF_LIFE_DAYS = 56
#: a weekday with fewer days than this takes the hour profile of all days
MIN_PROFILE_DAYS = 3
#: the day-of-month classes: each of the first five days alone (the month-start peak),
#: then the rest of the first ten, the middle, the end
DOM_CLASSES = ("1", "2", "3", "4", "5", "6-10", "11-20", "21-31")
FIT_ROUNDS = 20
#: how far back the naive baseline looks for the same weekday (a closed day is skipped)
BASELINE_WEEKS = 4

Day = Sequence[int]  # arrivals by hour, 24 of them


def dom_class(day: dt.date) -> str:
    d = day.day
    if d <= 5:
        return str(d)
    return "6-10" if d <= 10 else "11-20" if d <= 20 else "21-31"


def open_days(days: Mapping[dt.date, Day]) -> dict[dt.date, Day]:
    """The days the hall saw anyone: a day of zeros (closed, a holiday) teaches nothing."""
    return {d: hours for d, hours in days.items() if sum(hours) > 0}


@dataclass(frozen=True)
class Model:
    """The fitted factors: ``level × weekday[wd] × dom[class]`` customers a day, shared
    over the hours by ``profile[wd]`` (24 shares summing to 1)."""

    level: float
    weekday: tuple[float, ...]  # Monday first; 0: never open in the window
    dom: dict[str, float]
    profile: tuple[tuple[float, ...], ...]  # per weekday
    days: int  # open days it learnt from

    def day_total(self, day: dt.date) -> float:
        return self.level * self.weekday[day.weekday()] * self.dom[dom_class(day)]

    def hours(self, day: dt.date) -> list[float]:
        total = self.day_total(day)
        return [total * share for share in self.profile[day.weekday()]]

    def factors(self) -> dict[str, object]:
        """For the page and the docs: what the model learnt, rounded."""
        return {
            "level": round(self.level, 1),
            "weekday": [round(w, 3) for w in self.weekday],
            "day_of_month": {k: round(v, 3) for k, v in self.dom.items()},
            "days": self.days,
        }


def fit(days: Mapping[dt.date, Day], until: dt.date) -> Model | None:
    """The model from the open days before ``until``; None with fewer than ``MIN_DAYS``."""
    seen = {d: hours for d, hours in open_days(days).items() if d < until}
    if len(seen) < MIN_DAYS:
        return None
    totals = {d: float(sum(h)) for d, h in seen.items()}
    weight = {d: 0.5 ** ((until - d).days / HALF_LIFE_DAYS) for d in seen}

    def ratio(expected: dict[dt.date, float], empty: float) -> float:
        """What these days brought over what the other factors predict for them; ``empty``
        for no days (a weekday never open stays shut; an unseen day class, neutral)."""
        below = sum(weight[d] * e for d, e in expected.items())
        return sum(weight[d] * totals[d] for d in expected) / below if below > 0 else empty

    by_wd = [[d for d in seen if d.weekday() == n] for n in range(7)]
    by_dom = {k: [d for d in seen if dom_class(d) == k] for k in DOM_CLASSES}
    level, wd, dom = 1.0, [1.0] * 7, dict.fromkeys(DOM_CLASSES, 1.0)
    for _ in range(FIT_ROUNDS):
        level = ratio({d: wd[d.weekday()] * dom[dom_class(d)] for d in seen}, 0.0)
        wd = [ratio({d: level * dom[dom_class(d)] for d in by_wd[n]}, 0.0) for n in range(7)]
        dom = {k: ratio({d: level * wd[d.weekday()] for d in by_dom[k]}, 1.0) for k in by_dom}
    # the factors are relative: an average day of the window is 1 for each
    whole = sum(weight.values())
    mean_wd = sum(weight[d] * wd[d.weekday()] for d in seen) / whole
    mean_dom = sum(weight[d] * dom[dom_class(d)] for d in seen) / whole
    return Model(
        level * mean_wd * mean_dom,
        tuple(w / mean_wd for w in wd),
        {k: v / mean_dom for k, v in dom.items()},
        _profiles(seen),
        len(seen),
    )


def _profiles(seen: Mapping[dt.date, Day]) -> tuple[tuple[float, ...], ...]:
    """Each weekday's share of the day by hour; all days' when a weekday has few."""

    def shares(pick: list[Day]) -> tuple[float, ...]:
        sums = [sum(h[n] for h in pick) for n in range(HOURS)]
        whole = sum(sums)
        return tuple(s / whole if whole else 0.0 for s in sums)

    overall = shares(list(seen.values()))
    out = []
    for n in range(7):
        mine = [h for d, h in seen.items() if d.weekday() == n]
        out.append(shares(mine) if len(mine) >= MIN_PROFILE_DAYS else overall)
    return tuple(out)


def baseline(days: Mapping[dt.date, Day], day: dt.date) -> Day | None:
    """The naive forecast: the same weekday last week (or the week before, if closed)."""
    for weeks in range(1, BASELINE_WEEKS + 1):
        earlier = days.get(day - dt.timedelta(weeks=weeks))
        if earlier is not None and sum(earlier) > 0:
            return earlier
    return None


# --- the backtest ----------------------------------------------------------------------


@dataclass(frozen=True)
class Errors:
    """How far a forecast was from what came, over the days tested."""

    mae_day: float  # customers a day, mean absolute error
    mape_day: float  # percent of the day's arrivals, mean over days
    mae_hour: float  # customers an hour, mean over the open hours of those days
    wape_hour: float  # percent: Σ|error| / Σ arrivals over those hours

    def row(self) -> dict[str, float]:
        return {k: round(v, 1) for k, v in vars(self).items()}


@dataclass(frozen=True)
class Backtest:
    days: list[dict[str, object]]  # per day tested: date, actual, forecast, baseline
    model: Errors
    baseline: Errors


def errors(pairs: Sequence[tuple[Sequence[float], Day]]) -> Errors:
    """The errors of (forecast by hour, actual by hour) pairs. An hour counts when either
    side has anyone in it: an hour the hall is shut is not an hour well forecast."""
    day_abs, day_pct, cells, cell_abs, cell_actual = [], [], 0, 0.0, 0
    for forecast, actual in pairs:
        day_abs.append(abs(sum(forecast) - sum(actual)))
        day_pct.append(day_abs[-1] / sum(actual))
        for f, a in zip(forecast, actual, strict=True):
            if f >= 0.5 or a > 0:
                cells += 1
                cell_abs += abs(f - a)
                cell_actual += a
    return Errors(
        mae_day=sum(day_abs) / len(day_abs),
        mape_day=100 * sum(day_pct) / len(day_pct),
        mae_hour=cell_abs / cells,
        wape_hour=100 * cell_abs / cell_actual,
    )


def backtest(
    days: Mapping[dt.date, Day], until: dt.date, last: int = 14, window: int = 91
) -> Backtest | None:
    """Each of the ``last`` open days before ``until``, forecast from the ``window`` days
    before it (as the page would have forecast it the evening before), and the baseline's
    forecast of the same days. None when not one day could be tested."""
    seen = open_days(days)
    tested = sorted(d for d in seen if d < until)[-last:]
    rows: list[dict[str, object]] = []
    mine: list[tuple[Sequence[float], Day]] = []
    naive: list[tuple[Sequence[float], Day]] = []
    for day in tested:
        past = {d: h for d, h in seen.items() if day - dt.timedelta(days=window) <= d < day}
        model = fit(past, day)
        base = baseline(seen, day)
        if model is None or base is None:
            continue
        forecast = model.hours(day)
        mine.append((forecast, seen[day]))
        naive.append(([float(b) for b in base], seen[day]))
        rows.append(
            {
                "date": day.isoformat(),
                "actual": sum(seen[day]),
                "forecast": round(sum(forecast), 1),
                "baseline": sum(base),
            }
        )
    if not rows:
        return None
    return Backtest(rows, errors(mine), errors(naive))


# --- the counters: M/M/c ------------------------------------------------------------------


def erlang_c(c: int, a: float) -> float:
    """The probability an arrival waits, with ``c`` servers and ``a`` = λ/μ erlangs of
    offered load (1 when ``c ≤ a``: the queue only grows). Through Erlang B's recursion,
    which stays finite where a^c/c! would not."""
    if a <= 0:
        return 0.0
    if c <= a:
        return 1.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


@dataclass(frozen=True)
class Waits:
    median_min: float | None  # None: the queue grows without end at this rate
    mean_min: float | None


def waits(c: int, arrivals_per_hour: float, service_s: float) -> Waits:
    """The steady-state wait of M/M/c: P(W > t) = C·e^{-(cμ-λ)t}, so the median is 0 when
    C ≤ ½ and ln(2C)/(cμ-λ) otherwise; the mean C/(cμ-λ)."""
    lam, mu = arrivals_per_hour, 3600 / service_s  # per hour
    if lam <= 0:
        return Waits(0.0, 0.0)
    if c * mu <= lam:
        return Waits(None, None)
    prob = erlang_c(c, lam / mu)
    spare = c * mu - lam
    median = 0.0 if prob <= 0.5 else math.log(2 * prob) / spare
    return Waits(median * 60, prob / spare * 60)


@dataclass(frozen=True)
class Suggestion:
    counters: int
    waits: Waits
    enough: bool  # False: even every cashier counter leaves the median over the target


def counters_for(
    arrivals_per_hour: float, service_s: float, max_counters: int, target_min: float
) -> Suggestion:
    """The fewest counters (up to the branch's cashier counters) whose median wait is at
    most ``target_min``; when none is, every counter and ``enough`` False."""
    if arrivals_per_hour <= 0:
        return Suggestion(0, Waits(0.0, 0.0), True)
    for c in range(1, max_counters + 1):
        w = waits(c, arrivals_per_hour, service_s)
        if w.median_min is not None and w.median_min <= target_min:
            return Suggestion(c, w, True)
    return Suggestion(max_counters, waits(max_counters, arrivals_per_hour, service_s), False)
