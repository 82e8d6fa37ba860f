"""The reads staff ask for, each checking the asker's role first: the day's events for a
view, payments, the audit log, the hourly figures, devices and their jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio.to_thread

from qms.devices import jobs, registry
from qms.domain.errors import BadRequest
from qms.domain.payments import listing as payment_listing
from qms.usecases import audit, projections, stats
from qms.usecases.auth import Principal, check_view, require
from qms.usecases.hall import Hall

JOB_STATUSES = ("queued", "sending", "done", "in_doubt")


async def events(
    hall: Hall, who: Principal, view: str, since: int, limit: int
) -> list[dict[str, Any]]:
    """Replay for clients that cannot hold a websocket; the same projection rules."""
    require(who, "events.read")
    checked = projections.check_view(view, hall.branch(who.branch_id))
    check_view(who, checked)
    rows = await hall.replay(who.branch_id, since, limit)
    return [{**r.wire(), "data": projections.project_event(checked, r.data, r.type)} for r in rows]


async def payments(
    hall: Hall, who: Principal, status: str | None, day: dt.date | None
) -> list[dict[str, Any]]:
    require(who, "payment.read")
    return await hall.read(payment_listing, who.branch_id, status, day)


async def audit_entries(
    hall: Hall, who: Principal, day: dt.date | None, actor: str | None, limit: int
) -> dict[str, Any]:
    """Who did what, when, from where, on a day (today when absent)."""
    require(who, "audit.read")
    day = day or hall.clock.business_day()
    rows = await hall.read(audit.listing, who.branch_id, day, hall.clock.tz, actor, limit)
    return {"date": day.isoformat(), "entries": rows}


async def hourly(hall: Hall, who: Principal, day: dt.date | None) -> dict[str, Any]:
    """Waits and service times by hour of a day, for the supervisor's charts."""
    require(who, "stats.read")
    day = day or hall.clock.business_day()
    return await hall.read(stats.hourly, who.branch_id, day, hall.clock.tz)


async def device_jobs(hall: Hall, who: Principal, status: str | None) -> list[dict[str, Any]]:
    require(who, "devices.read")
    if status is not None and status not in JOB_STATUSES:
        raise BadRequest(
            "status is one of " + ", ".join(JOB_STATUSES), code="invalid_request", field="status"
        )
    return await hall.read(jobs.listing, who.branch_id, status)


async def retry_job(hall: Hall, who: Principal, job: int) -> dict[str, Any]:
    """Send a failed or doubtful job again (audited: a second receipt is paper in hand)."""
    require(who, "devices.retry")
    out = await anyio.to_thread.run_sync(jobs.retry, hall.engine, who.branch_id, job)
    hall.devices_waiting.set()
    await hall.record(who, "device_jobs.retry", job)
    return out


async def enrolled_devices(
    hall: Hall, who: Principal, branch: str | None = None
) -> list[dict[str, Any]]:
    """``branch``: another branch's, for an admin (the caller checked the scope)."""
    require(who, "devices.enroll")
    return await hall.read(registry.listing, branch or who.branch_id)
