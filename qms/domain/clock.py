"""Wall time and the business day (the date in the hall's time zone, UTC+7 by default)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    """Injectable clock so tests can move the business day without patching."""

    def __init__(self, tz: str = "Asia/Ho_Chi_Minh") -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def business_day(self) -> dt.date:
        return self.now().date()


def iso(t: dt.datetime | None) -> str | None:
    """One form for every timestamp on the wire: UTC with its offset."""
    return t.astimezone(dt.UTC).isoformat() if t else None
