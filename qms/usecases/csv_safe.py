"""CSV cells a spreadsheet reads as text, never as a formula.

Exported fields carry text typed by staff or sent by CMIS (a reversal reason, a customer's
name). A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel and LibreOffice (``=HYPERLINK(...)`` phones home when clicked), so
such a cell gets a leading apostrophe, the spreadsheets' own "this is text" mark. A plain
number (``-5000``, a drawer's shortfall) is left as it is: it is no formula, and summing
it must keep working.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_ACTIVE = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_ACTIVE) and not _NUMBER.match(text):
        return "'" + text
    return text


class Writer:
    """``csv.writer`` whose every cell goes through ``cell``."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._w = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._w.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
