"""What waits to leave the hall: payments CMIS has not confirmed, print and LED jobs not
done. Read from the database at each scrape of /metrics, so every worker answers the
same; two grouped queries over the open rows only (both tables index ``status``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.storage.models import DeviceJob, Payment

#: a payment's states on the way to CMIS (the poster's ``OPEN``)
OPEN_PAYMENTS = ("pending", "reversal_pending")
#: a job's states before it is done (``in_doubt`` waits for a person)
OPEN_JOBS = ("queued", "sending", "in_doubt")


@dataclass(frozen=True)
class Waiting:
    """One group of open rows: how many, and since when the oldest of them waits."""

    branch: str
    status: str
    count: int
    oldest: dt.datetime
    kind: str = ""  # a job's: print | led


def payments(session: Session) -> list[Waiting]:
    q = (
        select(
            col(Payment.branch_id),
            col(Payment.status),
            func.count(),
            func.min(col(Payment.created_at)),
        )
        .where(col(Payment.status).in_(OPEN_PAYMENTS))
        .group_by(Payment.branch_id, Payment.status)
    )
    return [Waiting(b, s, n, oldest) for b, s, n, oldest in session.execute(q)]


def jobs(session: Session) -> list[Waiting]:
    q = (
        select(
            col(DeviceJob.branch_id),
            col(DeviceJob.status),
            col(DeviceJob.kind),
            func.count(),
            func.min(col(DeviceJob.created_at)),
        )
        .where(col(DeviceJob.status).in_(OPEN_JOBS))
        .group_by(DeviceJob.branch_id, DeviceJob.status, DeviceJob.kind)
    )
    return [Waiting(b, s, n, oldest, kind) for b, s, kind, n, oldest in session.execute(q)]


def both(session: Session) -> tuple[list[Waiting], list[Waiting]]:
    return payments(session), jobs(session)
