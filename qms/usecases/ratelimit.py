"""Failed sign-ins counted per key (a name from one address, an address, a name from
anywhere) over a sliding window: past a key's limit, each further try under that key
waits a delay that doubles with every failure, up to the window (docs/security.md).

A wait slows whoever fails, never locks a key for good: the failures age out, and a try
refused while waiting is not counted, so a guesser only lengthens their own wait. The
person at their counter is another key (their own address) than the guesser's.

The failures are rows of the database (``SignInFailure``), written in the sign-in's own
transaction: every worker and every host behind a balancer counts the same ones, and a
restart forgets none.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from qms.storage.models import SignInFailure


class FailureLimiter:
    """``limits``: the failures allowed in ``window_s`` for each kind of key before the
    waits start; ``delay_s``: the first wait, doubled at each failure after it."""

    def __init__(self, limits: dict[str, int], window_s: float, delay_s: float = 15) -> None:
        self.limits = limits
        self.window = dt.timedelta(seconds=window_s)
        self.delay = dt.timedelta(seconds=delay_s)

    @staticmethod
    def key(kind: str, value: str) -> str:
        return f"{kind}:{value}"

    def wait_after(self, failures: int, limit: int) -> dt.timedelta:
        """The wait after the latest of ``failures`` (none below ``limit``)."""
        if failures < limit:
            return dt.timedelta(0)
        wait: dt.timedelta = self.delay * 2 ** min(failures - limit, 20)
        return min(self.window, wait)

    def retry_after(self, s: Session, now: dt.datetime, **keys: str) -> int:
        """Seconds until every key (``pair="ana|10.0.0.9", address="10.0.0.9"``) may try."""
        wait = dt.timedelta(0)
        for kind, value in keys.items():
            count, latest = s.execute(
                select(func.count(), func.max(col(SignInFailure.at)))
                .where(col(SignInFailure.key) == self.key(kind, value))
                .where(col(SignInFailure.at) > now - self.window)
            ).one()
            if latest is not None:
                if latest.tzinfo is None:  # SQLite gives naive UTC back
                    latest = latest.replace(tzinfo=dt.UTC)
                wait = max(wait, latest + self.wait_after(count, self.limits[kind]) - now)
        return math.ceil(wait.total_seconds())

    def failed(self, s: Session, now: dt.datetime, **keys: str) -> None:
        """Count a failure against each key (committed with the sign-in's audit entry)."""
        s.execute(delete(SignInFailure).where(col(SignInFailure.at) <= now - self.window))
        for kind, value in keys.items():
            s.add(SignInFailure(key=self.key(kind, value), at=now))

    def forget(self, s: Session, *, prefix: bool = False, **keys: str) -> int:
        """Forget the keys' failures (a right password, a supervisor's unlock); with
        ``prefix``, every key starting so. Returns how many were forgotten."""
        n = 0
        for kind, value in keys.items():
            k = self.key(kind, value)
            key = col(SignInFailure.key)
            where = key.startswith(k, autoescape=True) if prefix else key == k
            n += s.execute(delete(SignInFailure).where(where)).rowcount  # type: ignore[attr-defined]
        return n
