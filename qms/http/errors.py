"""Translate every failure into the one error shape; read JSON bodies with a size bound."""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from qms.domain import json_input
from qms.domain.errors import BadRequest, QmsError, TooLarge

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def error_response(exc: QmsError) -> JSONResponse:
    return JSONResponse(exc.as_dict(), status_code=exc.status)


CHANGES = ("POST", "PUT", "PATCH", "DELETE")


async def on_qms_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QmsError)
    if request.method in CHANGES and not exc.audited:
        await _audit_refusal(request, exc)
    return error_response(exc)


async def _audit_refusal(request: Request, exc: QmsError) -> None:
    """A change refused before it reached the hall (role, sign-in, body): who tried it.
    Nobody signed in: counted and sampled (``audit.Refusals``), not stored one by one."""
    from qms.http.metrics import ANONYMOUS_REFUSALS, template
    from qms.usecases import audit

    hall = request.app.state.hall
    now = hall.clock.now()
    who = getattr(request.state, "principal", None)
    address = request.client.host if request.client else ""
    if who is None:
        refusals: audit.Refusals = request.app.state.refusals
        route = template(request.scope.get("route"))
        ANONYMOUS_REFUSALS.labels(route, exc.code).inc()
        entries = refusals.due(now)
        sample = refusals.note(now, address, f"{request.method} {route}", exc.code)
        if sample is not None:
            entries.append(sample)
        if entries:
            await anyio.to_thread.run_sync(audit.write_all, hall.engine, entries)
        return
    row = audit.entry(
        now,
        who.branch_id,
        who.label,
        who.role,
        who.via,
        f"{request.method} {request.url.path}",
        None,
        exc.code,
    )
    await anyio.to_thread.run_sync(audit.write, hall.engine, row)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    err = QmsError(str(exc.detail), code=_HTTP_CODES.get(exc.status_code, "http_error"))
    err.status = exc.status_code
    return error_response(err)


async def on_store_error(request: Request, exc: Exception) -> JSONResponse:
    """The database went away under a request that did not go through the hall's
    retry (a token lookup, say): 503 in the one shape, or a crash for a real bug."""
    from qms.storage.db import unavailable

    refusal = unavailable(exc)
    if refusal is None:
        return await on_crash(request, exc)
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return error_response(refusal)


async def on_crash(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    err = QmsError("internal error; the change was not applied", code="internal_error")
    err.status = 500
    return error_response(err)


async def read_json(request: Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object, refused past ``max_bytes`` even without Content-Length,
    and refused when ``json_input`` finds it too deep or holding what no column keeps."""
    raw = await read_raw(request, max_bytes)
    if not raw:
        return {}
    data = json_input.loads(raw, code="malformed_json")
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object", code="malformed_json")
    return data


async def read_raw(request: Request, max_bytes: int) -> bytes:
    """The body's bytes, refused past ``max_bytes`` even without Content-Length."""
    declared = request.headers.get("content-length")
    if declared is not None and (
        not declared.isascii() or not declared.isdigit() or int(declared) > max_bytes
    ):
        raise TooLarge(f"request body is larger than {max_bytes} bytes", limit=max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"request body is larger than {max_bytes} bytes", limit=max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)
