"""Reports over HTTP: the query's level, range and format; the JSON, CSV or PDF answer.
Who may see what is ``qms.usecases.reporting``; the productivity report (năng suất) takes
the same query (``qms.usecases.productivity``)."""

from __future__ import annotations

import datetime as dt
import logging
import re

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.domain.branch import Branch
from qms.domain.errors import BadRequest
from qms.http.api import ok, principal
from qms.usecases import productivity, reporting, reports
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
FORMATS = ("json", "csv", "pdf")


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


def _filename(data: dict[str, object], scope_name: str, ext: str, kind: str = "report") -> str:
    """``report-branch-PE0100-2026-11-01-2026-11-30.pdf``: ASCII only, safe in a header."""
    name = f"{kind}-{data['level']}-{scope_name}-{data['from']}-{data['to']}.{ext}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _scope_name(level: str, branches: list[Branch]) -> str:
    return {
        "company": "company",
        "branch": branches[0].id,
        "hall": branches[0].collection_point,
    }[level]


async def report(request: Request) -> Response:
    """The report of a level over a range of days, as JSON, CSV or PDF."""
    who = await principal(request)
    level = _choice(request, "level", reports.LEVELS, "branch")
    fmt = _choice(request, "format", FORMATS, "json")
    q = request.query_params
    start, end = _date(request, "from"), _date(request, "to")
    data, branches = await reporting.report(
        _hall(request), who, level, q.get("branch"), q.get("hall"), start, end
    )
    if fmt == "json":
        return ok(data)
    name = _scope_name(level, branches)
    from qms.usecases import report_export  # fpdf2 loads on the first export, not at start-up

    if fmt == "csv":
        body = await anyio.to_thread.run_sync(report_export.csv_bytes, data)
        media = "text/csv; charset=utf-8"
    else:
        body = await anyio.to_thread.run_sync(report_export.pdf_bytes, data)
        media = "application/pdf"
    disposition = f'attachment; filename="{_filename(data, name, fmt)}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})


async def productivity_report(request: Request) -> Response:
    """Productivity per crew, cashier and lookup clerk over a range of days: JSON, CSV, PDF."""
    who = await principal(request)
    level = _choice(request, "level", reports.LEVELS, "branch")
    fmt = _choice(request, "format", FORMATS, "json")
    q = request.query_params
    start, end = _date(request, "from"), _date(request, "to")
    data, branches = await productivity.report(
        _hall(request), who, level, q.get("branch"), q.get("hall"), start, end
    )
    if fmt == "json":
        return ok(data)
    from qms.usecases import productivity_export  # fpdf2 loads on the first export

    export = productivity_export.csv_bytes if fmt == "csv" else productivity_export.pdf_bytes
    body = await anyio.to_thread.run_sync(export, data)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/pdf"
    name = _filename(data, _scope_name(level, branches), fmt, "productivity")
    disposition = f'attachment; filename="{name}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})


routes = [
    Route("/api/reports", report),
    Route("/api/reports/productivity", productivity_report),
]
