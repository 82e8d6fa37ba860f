"""Reports over HTTP: who may see which level, the date range, CMIS's lists of each day
(asked here, so the domain report stays transport-free) and the JSON, CSV or PDF answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from integrations.cmis import base as cmis_types
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest, NotFound
from qms.http.api import ok, principal
from qms.usecases import reports
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
FORMATS = ("json", "csv", "pdf")
CMIS_AT_ONCE = 4  # CMIS calls in flight per branch while a report is built


def _hall(request: Request) -> Hall:
    hall: Hall = request.app.state.hall  # Starlette's State holds Any
    return hall


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} is YYYY-MM-DD", code="invalid_request", field=name) from None


def _choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in allowed:
        raise BadRequest(
            f"{name} is one of " + ", ".join(allowed), code="invalid_request", field=name
        )
    return value


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
                    out[(b.id, day)] = reports.CmisDay(error=f"not asked: {down[0]}")
                    return
                call = hall.cmis(b.id).payments_for_day(day, b.collection_point)
                try:
                    got = await hall.cmis_call(b.id, call)
                except cmis_types.CmisError as exc:
                    log.warning("CMIS list of %s %s for a report: %s", b.id, day, exc)
                    if isinstance(exc, cmis_types.CmisUnavailable):
                        down.append(f"CMIS of {b.id} did not answer")
                    out[(b.id, day)] = reports.CmisDay(error=str(exc))
                    return
                out[(b.id, day)] = reports.CmisDay(payments=tuple(got))

        await asyncio.gather(*(one(d) for d in days))

    await asyncio.gather(*(branch_days(b) for b in branches))
    return out


def _filename(data: dict[str, object], scope_name: str, ext: str) -> str:
    """``report-branch-PE0100-2026-11-01-2026-11-30.pdf``: ASCII only, safe in a header."""
    name = f"report-{data['level']}-{scope_name}-{data['from']}-{data['to']}.{ext}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


async def report(request: Request) -> Response:
    """The report of a level over a range of days, as JSON, CSV or PDF."""
    who = await principal(request)
    require(who, "reports.read")
    hall = _hall(request)
    today = hall.clock.business_day()
    level = _choice(request, "level", reports.LEVELS, "branch")
    fmt = _choice(request, "format", FORMATS, "json")
    start, end = _date(request, "from"), _date(request, "to") or today
    days = reports.check_range(start or end, end, today)
    q = request.query_params
    branches = scope(hall, who, level, q.get("branch"), q.get("hall"))
    cmis = await cmis_days(hall, branches, days)
    data = await hall.read(
        reports.build, level, branches, days, hall.clock.tz, cmis, hall.clock.now()
    )
    if fmt == "json":
        return ok(data)
    name = {
        "company": "company",
        "branch": branches[0].id,
        "hall": branches[0].collection_point,
    }[level]
    from qms.usecases import report_export  # fpdf2 loads on the first export, not at start-up

    if fmt == "csv":
        body = await anyio.to_thread.run_sync(report_export.csv_bytes, data)
        media = "text/csv; charset=utf-8"
    else:
        body = await anyio.to_thread.run_sync(report_export.pdf_bytes, data)
        media = "application/pdf"
    disposition = f'attachment; filename="{_filename(data, name, fmt)}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})


routes = [Route("/api/reports", report)]
