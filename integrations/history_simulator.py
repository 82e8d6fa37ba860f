"""Months of a hall's past, made up: the demo hall's forecast history (docs/forecast.md).

A day's customers are ``LEVEL × weekday × day of month × noise``, spread over the hours
by a morning and an early-afternoon peak, each hour a Poisson draw. The first five days
of a month are the peak (up to 2.3 times an ordinary day), Monday is the busiest weekday,
Saturday is a morning, Sunday closed. Seeded per day: the same seed gives the same day
whatever else is asked, so a demo restarted tomorrow keeps yesterday's history.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

LEVEL = 200  # customers on an ordinary weekday (factors 1)
WEEKDAY = (1.15, 1.0, 0.95, 0.95, 1.0, 0.5, 0.0)  # Monday first; Sunday closed
FIRST_DAYS = {1: 2.3, 2: 2.1, 3: 1.85, 4: 1.6, 5: 1.35}  # the month-start peak
DAY_NOISE = 0.07  # a day's own ups and downs (log-normal sigma), beyond Poisson's
#: hour -> relative weight: opening, the morning peak, lunch, the early-afternoon peak
WEEKDAY_HOURS = {
    7: 0.7, 8: 1.3, 9: 1.5, 10: 1.3, 11: 0.8, 12: 0.5, 13: 1.0, 14: 1.2, 15: 0.9, 16: 0.6
}  # fmt: skip
SATURDAY_HOURS = {7: 0.8, 8: 1.4, 9: 1.5, 10: 1.2, 11: 0.6}
SERVICE_S = 230  # mean seconds at a cashier counter (exponential)


@dataclass(frozen=True, slots=True)
class SimHour:
    day: dt.date
    hour: int
    arrivals: int
    served: int
    service_s: int
    wait_s: int
    called: int


def month_factor(day: dt.date) -> float:
    if day.day in FIRST_DAYS:
        return FIRST_DAYS[day.day]
    return 1.1 if day.day <= 10 else 0.9 if day.day <= 20 else 0.8


def expected(day: dt.date) -> float:
    """The customers the simulation means for ``day``, before any noise."""
    return LEVEL * WEEKDAY[day.weekday()] * month_factor(day)


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's draw: fine for the tens an hour brings."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def day_hours(branch: str, day: dt.date, seed: int) -> list[SimHour]:
    """One day's 24 hours; none for a closed day."""
    rng = random.Random(f"{seed}:{branch}:{day.isoformat()}")
    weights = SATURDAY_HOURS if day.weekday() == 5 else WEEKDAY_HOURS
    if WEEKDAY[day.weekday()] == 0:
        return []
    total = expected(day) * rng.lognormvariate(0, DAY_NOISE)
    whole = sum(weights.values())
    out = []
    for hour in range(24):
        n = poisson(rng, total * weights.get(hour, 0) / whole)
        service = round(rng.gammavariate(n, SERVICE_S)) if n else 0
        # waits grow with the hour's crowd; plausible, not modelled (nothing learns from them)
        wait = round(n * 60 * (2 + n / 8) * rng.uniform(0.7, 1.3))
        out.append(SimHour(day, hour, n, n, service, wait, n))
    return out


def history(branch: str, until: dt.date, days: int, seed: int) -> Iterator[SimHour]:
    """The ``days`` days before ``until``, oldest first."""
    for back in range(days, 0, -1):
        yield from day_hours(branch, until - dt.timedelta(days=back), seed)
