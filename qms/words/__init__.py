"""The hall's words: what a person reads for each error code and each status, in
Vietnamese first and English, with amounts and times written as the hall writes them.

One source for the server's messages, the pages (``qms/static/words.js`` is generated
from here: ``python -m qms.words``) and the printed paper and reports. A leaf: it
imports nothing of qms, so every layer may use it.
"""

from __future__ import annotations

from qms.words.errors import ERRORS
from qms.words.format import date, datetime_, money, render, use_zone
from qms.words.statuses import STATUSES

__all__ = [
    "ERRORS",
    "STATUSES",
    "date",
    "datetime_",
    "error_text",
    "money",
    "render",
    "status_text",
    "use_zone",
]


def error_text(code: str, details: dict[str, object], lang: str = "vi") -> str | None:
    """The words of a refusal in ``lang`` ("vi" or "en"), or None for a code with none."""
    entry = ERRORS.get(code)
    if entry is None:
        return None
    return render(entry[0] if lang == "vi" else entry[1], details, lang)


def status_text(group: str, status: str, lang: str = "vi") -> str:
    """The words of a status (``group`` "ticket", "payment", ...); the code itself when
    the catalogue has none, so a report never loses a row."""
    entry = STATUSES.get(group, {}).get(status)
    if entry is None:
        return status
    return entry[0] if lang == "vi" else entry[1]
