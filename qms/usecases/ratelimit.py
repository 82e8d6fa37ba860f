"""Failed sign-ins counted per key (a username, a client address) over a sliding window:
past the limit, sign-in is refused for that key until old failures age out.

The failures are rows of the database (``SignInFailure``), written in the sign-in's own
transaction: every worker and every host behind a balancer counts the same ones, and a
restart forgets none. Counted in each process's memory, a guesser got each process's
allowance, and a restart gave it afresh.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, select
from sqlmodel import Session, col

from qms.storage.models import SignInFailure


class FailureLimiter:
    """``limits``: the failures allowed in ``window_s`` for each kind of key."""

    def __init__(self, limits: dict[str, int], window_s: float) -> None:
        self.limits = limits
        self.window = dt.timedelta(seconds=window_s)

    @staticmethod
    def key(kind: str, value: str) -> str:
        return f"{kind}:{value}"

    def retry_after(self, s: Session, now: dt.datetime, **keys: str) -> int:
        """Seconds until every key (``name="ana", address="10.0.0.9"``) may try again."""
        wait = dt.timedelta(0)
        for kind, value in keys.items():
            limit = self.limits[kind]
            recent = s.execute(
                select(col(SignInFailure.at))
                .where(col(SignInFailure.key) == self.key(kind, value))
                .where(col(SignInFailure.at) > now - self.window)
                .order_by(col(SignInFailure.at).desc())
                .limit(limit)
            ).scalars()
            ats = list(recent)
            if len(ats) >= limit:  # free again when the limit-th newest ages out
                wait = max(wait, ats[-1] + self.window - now)
        return math.ceil(wait.total_seconds())

    def failed(self, s: Session, now: dt.datetime, **keys: str) -> None:
        """Count a failure against each key (committed with the sign-in's audit entry)."""
        s.execute(delete(SignInFailure).where(col(SignInFailure.at) <= now - self.window))
        for kind, value in keys.items():
            s.add(SignInFailure(key=self.key(kind, value), at=now))

    def succeeded(self, s: Session, **keys: str) -> None:
        for kind, value in keys.items():
            s.execute(delete(SignInFailure).where(col(SignInFailure.key) == self.key(kind, value)))
