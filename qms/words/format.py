"""How the hall writes money and time: ``2.002.089 đ``, ``07/12/2026 01:00``.
Templates are Python format strings with named fields and a kind after the colon:
``{amount:money}``, ``{day:date}``, ``{at:datetime}``, ``{customers:list}``,
``{unpaid:count}`` (how many), ``{field:field}`` (a field in the person's words) or a
status group (``{status:ticket}``, see statuses.py). The pages' renderer
(qms/static/i18n.js) reads the same syntax, from the same tables (qms/static/words.js).
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from qms.words.fields import FIELDS
from qms.words.statuses import STATUSES


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


#: the hall's time zone: a moment on the wire is UTC, a person reads the hall's clock
_zone: dt.tzinfo | None = None


def use_zone(zone: dt.tzinfo | None) -> None:
    """Set once at start-up from the hall's clock (None: the machine's own zone)."""
    global _zone
    _zone = zone


def datetime_(value: object) -> str:
    """A moment as dd/mm/yyyy HH:MM in the hall's time (a naive one as it is)."""
    when = _when(value)
    if when is None:
        return str(value)
    if not isinstance(when, dt.datetime):
        return when.strftime("%d/%m/%Y")
    if when.tzinfo is not None:
        when = when.astimezone(_zone)
    return when.strftime("%d/%m/%Y %H:%M")


def _list(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def _count(value: object) -> str:
    return str(len(value)) if isinstance(value, list | tuple | set | dict) else str(value)


KINDS = {"money": money, "date": date, "datetime": datetime_, "list": _list, "count": _count}


def _words(table: dict[str, tuple[str, str]], value: object, lang: str) -> str:
    entry = table.get(str(value).lower() if isinstance(value, bool) else str(value))
    return str(value) if entry is None else entry[0 if lang == "vi" else 1]


def _field(value: object, lang: str) -> str:
    """A field in words; ``notes.500000`` (an item of a field) as its field's words and the
    item: "bảng kê các loại tiền (500000)"."""
    name = str(value)
    head, _, item = name.rpartition(".")
    if name not in FIELDS and head in FIELDS:
        return f"{_words(FIELDS, head, lang)} ({item})"
    return _words(FIELDS, name, lang)


class _Words(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        return kwargs.get(key, "?") if isinstance(key, str) else "?"

    def format_field(self, value: Any, format_spec: str) -> str:
        if value == "?":
            return "?"
        if format_spec == "field":
            return _field(value, self.lang)
        if format_spec in STATUSES:
            return _words(STATUSES[format_spec], value, self.lang)
        kind = KINDS.get(format_spec)
        return kind(value) if kind else str(value)


_FORMATTERS = {"vi": _Words("vi"), "en": _Words("en")}


def render(template: str, details: dict[str, Any], lang: str = "vi") -> str:
    """Fill a template; a missing field shows as "?" rather than failing a refusal."""
    return _FORMATTERS["en" if lang == "en" else "vi"].format(template, **details)
