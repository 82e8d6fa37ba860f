"""HTTP JSON API: thin handlers that authenticate, parse, and call the Hall."""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from qms.domain import commands as c
from qms.domain import reconcile
from qms.domain.errors import BadRequest, NotFound, UnsupportedMediaType
from qms.domain.masking import mask_name
from qms.http import openapi
from qms.http.errors import read_json
from qms.usecases import bank, csv_safe, queries
from qms.usecases.auth import Authenticator, Principal
from qms.usecases.hall import Hall


def _hall(request: Request) -> Hall:
    return request.app.state.hall  # type: ignore[no-any-return]


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


async def principal(request: Request, *, changing_password: bool = False) -> Principal:
    """Who asks; ``changing_password``: the two calls a person signed in with a one-time
    password may make (choose their own, sign out)."""
    auth: Authenticator = request.app.state.auth
    token = _token(request)
    who: Principal
    now = _hall(request).clock.now()
    if auth.inline(token):
        who = auth.resolve(token, now, changing_password=changing_password)
    else:
        who = await _run(
            functools.partial(auth.resolve, changing_password=changing_password), token, now
        )
    request.state.principal = who  # the audit log names who was refused
    return who


async def body(request: Request) -> dict[str, Any]:
    return await read_json(request, request.app.state.settings.server.max_body_bytes)


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def healthz(request: Request) -> Response:
    # which worker process answered: with --workers N, so operators (and tests) can tell
    return ok({"status": "ok", "worker": os.getpid()})


def _json_only(request: Request) -> None:
    """Sign-in takes JSON only: a cross-site form (``text/plain``, urlencoded) cannot send
    it, so another site's page cannot drive sign-in from a browser in the hall."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/json":
        raise UnsupportedMediaType(
            "send the sign-in as JSON (Content-Type: application/json)",
            code="unsupported_media_type",
            content_type=kind[:100] or "-",
        )


async def login(request: Request) -> Response:
    _json_only(request)
    data = await body(request)
    username, password, counter = data.get("username"), data.get("password"), data.get("counter")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BadRequest("give username and password", code="invalid_request", field="username")
    if counter is not None and not isinstance(counter, str):
        raise BadRequest(
            "counter is a counter code like C1", code="invalid_request", field="counter"
        )
    auth: Authenticator = request.app.state.auth
    address = request.client.host if request.client else ""
    now = _hall(request).clock.now()
    token, who, replaced = await _run(auth.login, username, password, counter, now, address)
    if replaced:  # the person's old session at this counter: its sockets close
        await _hall(request).bus.publish(who.branch_id, replaced)
    return ok({"token": token, "principal": who.public()})


async def _run(fn: Any, *args: Any) -> Any:
    return await anyio.to_thread.run_sync(fn, *args)


async def logout(request: Request) -> Response:
    """The session ends here and its sockets in every worker (``session.ended``)."""
    who = await principal(request, changing_password=True)
    token = _token(request)
    assert token is not None
    hall = _hall(request)
    auth: Authenticator = request.app.state.auth
    await hall.commit(who.branch_id, functools.partial(auth.logout, token, hall.clock.now()))
    await hall.record(who, "auth.logout")
    return ok({"status": "signed out"})


async def change_password(request: Request) -> Response:
    """A signed-in person's own password: ``{"password", "new_password"}``; their other
    sessions end, this one goes on."""
    who = await principal(request, changing_password=True)
    _json_only(request)
    data = await body(request)
    hall = _hall(request)
    auth: Authenticator = request.app.state.auth
    work = functools.partial(
        auth.change_password, who, data.get("password"), data.get("new_password"),
        hall.clock.now(),
    )  # fmt: skip
    return ok(await hall.commit(who.branch_id, work))


async def end_counter_session(request: Request) -> Response:
    """A supervisor signs out whoever holds a counter, so a colleague may take it over."""
    who = await principal(request)
    data = await body(request)
    auth: Authenticator = request.app.state.auth
    hall = _hall(request)
    counter = request.path_params["counter"]
    work = functools.partial(
        auth.end_counter_session, who, counter, data.get("reason"), hall.clock.now()
    )
    return ok(await hall.commit(who.branch_id, work))


async def unlock_sign_in(request: Request) -> Response:
    """A supervisor lets a name sign in again at once: ``{"username", "address"?}``
    forgets its failed tries (all addresses, or the one given); audited."""
    who = await principal(request)
    data = await body(request)
    auth: Authenticator = request.app.state.auth
    now = _hall(request).clock.now()
    return ok(await _run(auth.unlock, who, data.get("username"), data.get("address"), now))


async def me(request: Request) -> Response:
    who = await principal(request)
    await _hall(request).fresh_org()  # pages ask again on hall.changed: its counters now
    branch = _hall(request).branch(who.branch_id)
    return ok(
        {
            "principal": who.public(),
            "branch": {"id": branch.id, "name": branch.name},
            "counters": [
                {"code": c.code, "name": c.name, "kind": c.kind, "parity": c.parity}
                for c in branch.counters.values()
            ],
        }
    )


async def counters(request: Request) -> Response:
    """The counters of the asker's own branch: a signed-in person or a device (the
    sign-in page keeps the list it got last time; other branches' desks are no one's
    business here)."""
    who = await principal(request)
    b = _hall(request).branch(who.branch_id)
    return ok(
        {
            "branches": [
                {
                    "id": b.id,
                    "name": b.name,
                    "counters": [
                        {"code": c.code, "name": c.name, "kind": c.kind, "parity": c.parity}
                        for c in b.counters.values()
                    ],
                }
            ]
        }
    )


async def customer(request: Request) -> Response:
    who = await principal(request)
    for_ticket = request.query_params.get("for") == "ticket"
    code = request.path_params["code"]
    debts = await _hall(request).preview_customer(who, code, for_ticket=for_ticket)
    public = who.role == "kiosk"
    invoices = [
        {
            "invoice_id": i.invoice_id,
            "period": f"{i.month:02d}/{i.year}",
            "sub_period": i.sub_period,
            "total": i.total,
        }
        for i in sorted(debts.invoices, key=lambda i: i.period_key)
    ]
    out: dict[str, Any] = {
        "code": debts.code,
        "name": mask_name(debts.name) if public else debts.name,
        "invoices": invoices,
        "total": sum(i.total for i in debts.invoices),
    }
    if not public:
        out.update(address=debts.address, book_code=debts.book_code, supply=str(debts.supply))
    return ok(out)


async def issue_ticket(request: Request) -> Response:
    who = await principal(request)
    data = await body(request)
    ticket = await _hall(request).run(who, c.IssueTicket, data)
    if who.role == "kiosk":
        return ok(_kiosk_ticket(ticket), 201)
    return ok(ticket, 201)


def _kiosk_ticket(t: dict[str, Any]) -> dict[str, Any]:
    """What a kiosk may show: masked names, the periods and totals, the number."""
    return {
        "number": t["number"],
        "business_day": t["business_day"],
        "status": t["status"],
        "total_due": t["total_due"],
        "debts_pending": t["debts_pending"],
        "follow_token": t["follow_token"],
        "priority": t.get("priority"),
        "notify": t.get("notify"),  # the number left for messages, masked
        "customers": [
            {
                "code": c["code"],
                "name": mask_name(c["name"]),
                "periods": [i["period"] for i in c["invoices"]],
                "total": sum(i["total"] for i in c["invoices"]),
            }
            for c in t["customers"]
        ],
        # the VietQR printed on the ticket, to show on the kiosk's screen too
        "qr": None if not t.get("qr") else {k: t["qr"][k] for k in KIOSK_QR},
    }


#: what a kiosk's screen needs of the ticket's QR: no ids of the hall's records
KIOSK_QR = ("ref", "amount", "payload", "account", "account_name", "bank_bin")


async def get_ticket(request: Request) -> Response:
    who = await principal(request)
    number = c.ticket_number(request.path_params["number"], "number")
    return ok(await _hall(request).ticket(who, number))


async def mark_priority(request: Request) -> Response:
    """Reception marks a waiting ticket as a priority customer's (null: unmarks it)."""
    who = await principal(request)
    data = await body(request)
    number = request.path_params["number"]
    return ok(await _hall(request).run(who, c.MarkPriority, data, number=number))


async def reopen_ticket(request: Request) -> Response:
    who = await principal(request)
    return ok(await _hall(request).run(who, c.Reopen, {}, number=request.path_params["number"]))


async def lookup_action(request: Request) -> Response:
    who = await principal(request)
    p = request.path_params
    where = {"number": p["number"], "invoice_id": p["invoice_id"], "mark": p["action"]}
    return ok(await _hall(request).run(who, c.LookupMark, {}, **where))


async def lookup_customer_found(request: Request) -> Response:
    """One key: all the customer's papers on the ticket found (this counter's parity)."""
    who = await principal(request)
    p = request.path_params
    where = {"number": p["number"], "customer": p["code"]}
    return ok(await _hall(request).run(who, c.LookupCustomerFound, {}, **where))


async def lookup_undo(request: Request) -> Response:
    """The last F9 undone: ``{"invoices": [...]}``, all of them or none."""
    who = await principal(request)
    data = await body(request)
    number = request.path_params["number"]
    return ok(await _hall(request).run(who, c.LookupUndo, data, number=number))


#: a counter's key -> its command (the body's fields are the command's)
CASHIER_COMMANDS: dict[str, type[c.Command]] = {
    "call-next": c.CallNext,
    "call": c.CallNumber,
    "recall": c.Recall,
    "park": c.Park,
    "transfer": c.Transfer,
    "no-show": c.NoShow,
    "finish": c.Finish,
    "collect": c.Collect,
    "return": c.ReturnInvoices,
    "qr": c.ShowQr,  # a VietQR for the chosen invoices (docs/noncash.md)
}


async def cashier_action(request: Request) -> Response:
    who = await principal(request)
    kind = CASHIER_COMMANDS.get(request.path_params["action"])
    if kind is None:
        action = request.path_params["action"]
        raise NotFound(f"unknown cashier action {action}", code="unknown_action")
    data = await body(request)
    result = await _hall(request).run(who, kind, data, counter=request.path_params["counter"])
    if kind is c.ShowQr:
        result = bank.with_svg(result)  # the screen shows the QR the server drew
    return ok(result)


async def snapshot(request: Request) -> Response:
    who = await principal(request)
    return ok(await _hall(request).snapshot(who, request.query_params.get("view")))


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not c.ASCII_DIGITS.fullmatch(raw) or int(raw) > c.MAX_ID:
        raise BadRequest(f"{name} is a non-negative integer", code="invalid_request", field=name)
    return int(raw)


async def list_events(request: Request) -> Response:
    """Replay for clients that cannot hold a websocket; same projection rules."""
    who = await principal(request)
    view = request.query_params.get("view", "display")
    since = _int_param(request, "since", 0)
    limit = min(_int_param(request, "limit", 200), 500)
    return ok({"events": await queries.events(_hall(request), who, view, since, limit)})


def day_param(request: Request) -> dt.date | None:
    """The ``date`` query parameter (YYYY-MM-DD), or None when absent."""
    raw = request.query_params.get("date")
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("date is YYYY-MM-DD", code="invalid_request", field="date") from None


async def list_payments(request: Request) -> Response:
    who = await principal(request)
    status, day = request.query_params.get("status"), day_param(request)
    return ok({"payments": await queries.payments(_hall(request), who, status, day)})


async def reverse_payment(request: Request) -> Response:
    who = await principal(request)
    data = await body(request)
    return ok(await _hall(request).run(who, c.Reverse, data, txn=request.path_params["txn"]), 202)


async def cmis_status(request: Request) -> Response:
    who = await principal(request)
    return ok(await _hall(request).cmis_status(who))


async def server_load(request: Request) -> Response:
    who = await principal(request)
    # which worker answered: with --workers N each one counts its own
    return ok({"worker": os.getpid(), **_hall(request).server_load(who)})


async def reconciliation(request: Request) -> Response:
    who = await principal(request)
    hall = _hall(request)
    day = day_param(request) or hall.clock.business_day()
    report = await hall.reconciliation(who, day)
    if request.query_params.get("format") == "csv":
        buf = io.StringIO()
        csv_safe.Writer(buf).writerows(reconcile.csv_rows(report))
        name = f"reconciliation-{report['branch']}-{report['date']}.csv"
        return Response(
            buf.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
    return ok(report)


routes = [
    Route("/healthz", healthz),
    Route("/openapi.json", openapi.openapi_json),
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/password", change_password, methods=["POST"]),
    Route("/api/auth/counters/{counter}/sign-out", end_counter_session, methods=["POST"]),
    Route("/api/auth/sign-in-failures/unlock", unlock_sign_in, methods=["POST"]),
    Route("/api/me", me),
    Route("/api/counters", counters),
    Route("/api/customers/{code}", customer),
    Route("/api/tickets", issue_ticket, methods=["POST"]),
    Route("/api/tickets/{number:int}", get_ticket),
    Route("/api/tickets/{number:int}/reopen", reopen_ticket, methods=["POST"]),
    Route("/api/tickets/{number:int}/priority", mark_priority, methods=["POST"]),
    Route(
        "/api/tickets/{number:int}/customers/{code}/found",
        lookup_customer_found,
        methods=["POST"],
    ),
    Route("/api/tickets/{number:int}/invoices/unfound", lookup_undo, methods=["POST"]),
    Route(
        "/api/tickets/{number:int}/invoices/{invoice_id:int}/{action}",
        lookup_action,
        methods=["POST"],
    ),
    Route("/api/counters/{counter}/{action}", cashier_action, methods=["POST"]),
    Route("/api/snapshot", snapshot),
    Route("/api/events", list_events),
    Route("/api/payments", list_payments),
    Route("/api/payments/{txn}/reverse", reverse_payment, methods=["POST"]),
    Route("/api/cmis", cmis_status),
    Route("/api/server", server_load),
    Route("/api/reconciliation", reconciliation),
]
