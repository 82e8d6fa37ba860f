"""How values read on paper: money as integer VND "1.234.567 đ", times in the hall's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HALL_TZ = "Asia/Ho_Chi_Minh"


def vnd(amount: int) -> str:
    """1234567 -> "1.234.567 đ"; money is an integer number of dong, never a float."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money is an integer VND, not {amount!r}")
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " đ"


def moment(value: str | dt.datetime) -> dt.datetime:
    """An aware datetime from an ISO string (what events carry) or a datetime."""
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if t.tzinfo is None:
        raise ValueError(f"a time without its zone is ambiguous: {value!r}")
    return t


def local_time(value: str | dt.datetime, tz: str = HALL_TZ) -> str:
    """ "27/03/2026 14:05" in the hall's zone, as Vietnamese write dates."""
    return moment(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def local_date(value: str | dt.date) -> str:
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return d.strftime("%d/%m/%Y")
