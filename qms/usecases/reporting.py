"""A report as a use case: who may see which level, and CMIS's lists of each day (asked
here, so the domain report stays transport-free); the HTTP layer picks the format."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from integrations.cmis import base as cmis_types
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest, NotFound
from qms.usecases import reports
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
CMIS_AT_ONCE = 4  # CMIS calls in flight per branch while a report is built


async def report(
    hall: Hall,
    who: Principal,
    level: str,
    branch: str | None,
    point: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[dict[str, Any], list[Branch]]:
    """The report of ``level`` over the days from ``start`` to ``end`` (today when
    absent), and the branches it covers."""
    require(who, "reports.read")
    today = hall.clock.business_day()
    end = end or today
    days = reports.check_range(start or end, end, today)
    branches = scope(hall, who, level, branch, point)
    cmis = await cmis_days(hall, branches, days)
    data = await hall.read(
        reports.build, level, branches, days, hall.clock.tz, cmis, hall.clock.now()
    )
    # the signature block's "prepared by" (lập biểu): whoever asked for the report
    data["prepared_by"] = {"username": who.name, "name": who.full_name or who.name}
    return data, branches


def scope(
    hall: Hall, who: Principal, level: str, branch: str | None, point: str | None
) -> list[Branch]:
    """The branches a level covers. Company: all of them; branch: one (one's own, unless
    one may see the company); hall: the branch whose collection point it is."""
    if level == "company":
        require(who, "reports.company")
        if branch is not None or point is not None:
            raise BadRequest(
                "the company level covers every branch: no branch or hall",
                code="invalid_request",
                field="branch" if branch is not None else "hall",
            )
        return list(hall.branches.values())
    if point is not None:
        if level != "hall":
            raise BadRequest("hall goes with level=hall", code="invalid_request", field="hall")
        own = hall.branch(who.branch_id).collection_point
        if point != own:
            require(who, "reports.company")
        found = [b for b in hall.branches.values() if b.collection_point == point]
        if not found or (branch is not None and found[0].id != branch):
            where = f" in branch {branch}" if branch is not None else ""
            raise NotFound(f"no hall {point}{where}", code="unknown_hall")
        return found
    if branch is not None and branch != who.branch_id:
        require(who, "reports.company")
    return [hall.branch(branch or who.branch_id)]


async def cmis_days(
    hall: Hall, branches: list[Branch], days: list[dt.date]
) -> dict[tuple[str, dt.date], reports.CmisDay]:
    """CMIS's payments of each branch and day. A day CMIS does not give is marked
    unavailable; after a branch's CMIS fails to answer, its later days are not asked."""
    out: dict[tuple[str, dt.date], reports.CmisDay] = {}

    async def branch_days(b: Branch) -> None:
        gate = asyncio.Semaphore(CMIS_AT_ONCE)
        down: list[str] = []

        async def one(day: dt.date) -> None:
            async with gate:
                if down:
                    out[(b.id, day)] = reports.CmisDay(error=f"Không hỏi / not asked: {down[0]}")
                    return
                call = hall.cmis(b.id).payments_for_day(day, b.collection_point)
                try:
                    got = await hall.cmis_call(b.id, call)
                except cmis_types.CmisError as exc:
                    log.warning("CMIS list of %s %s for a report: %s", b.id, day, exc)
                    if isinstance(exc, cmis_types.CmisUnavailable):
                        down.append(f"CMIS của {b.id} không trả lời / {b.id}'s CMIS is down")
                    out[(b.id, day)] = reports.CmisDay(error=str(exc))
                    return
                out[(b.id, day)] = reports.CmisDay(payments=tuple(got))

        await asyncio.gather(*(one(d) for d in days))

    await asyncio.gather(*(branch_days(b) for b in branches))
    return out
