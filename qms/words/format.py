"""How the hall writes money and time: ``2.002.089 đ``, ``07/12/2026 01:00``.

Templates are Python format strings with named fields and a few kinds after the colon:
``{amount:money}``, ``{day:date}``, ``{at:datetime}``, ``{customers:list}``. The pages'
renderer (qms/static/i18n.js) reads the same syntax.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any


def money(amount: object) -> str:
    """Integer VND with dots between thousands: 2002089 -> "2.002.089 đ"."""
    try:
        n = int(str(amount))
    except ValueError:
        return str(amount)
    return f"{n:,} đ".replace(",", ".")


def _when(value: object) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    try:
        text = str(value)
        return dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
    except ValueError:
        return None


def date(value: object) -> str:
    """A day as dd/mm/yyyy; the value unchanged when it is not a date."""
    when = _when(value)
    return when.strftime("%d/%m/%Y") if when is not None else str(value)


def datetime_(value: object) -> str:
    """A moment as dd/mm/yyyy HH:MM (the hall's local time as stored)."""
    when = _when(value)
    if when is None:
        return str(value)
    return when.strftime("%d/%m/%Y %H:%M" if isinstance(when, dt.datetime) else "%d/%m/%Y")


def _list(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


KINDS = {"money": money, "date": date, "datetime": datetime_, "list": _list}


class _Words(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, "?") if isinstance(key, str) else "?"

    def format_field(self, value: Any, format_spec: str) -> str:
        kind = KINDS.get(format_spec)
        return kind(value) if kind else str(value)


_WORDS = _Words()


def render(template: str, details: dict[str, Any]) -> str:
    """Fill a template; a missing field shows as "?" rather than failing a refusal."""
    return _WORDS.format(template, **details)
