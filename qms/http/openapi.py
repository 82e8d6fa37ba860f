"""The API as an OpenAPI 3.1 document, for whoever builds on the hall (``/openapi.json``).

Made from what the server itself runs on: the app's route table (a route without an entry
in ``OPERATIONS`` is a test failure), each change's command dataclass (its fields' checks
become JSON Schema, its permission comes from ``USE_CASES``), the role table
(``PERMISSIONS``) and the one error shape. docs/api.md stays the reader's guide.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from qms.domain import alerts as alert_rules
from qms.domain import commands as c
from qms.domain import delivery, money, notices, priority, tickets
from qms.domain.field import commands as fc
from qms.domain.inventory import commands as ic
from qms.domain.json_input import MAX_DEPTH
from qms.usecases.auth import PERMISSIONS
from qms.usecases.hall import USE_CASES

PUBLIC, SIGNED_IN = "public", "signed-in"
#: no staff token: the request's signature is its credential (the bank's webhook)
BANK_SIGNED = "bank-signed"
_INT: dict[str, Any] = {"type": "integer", "minimum": 0}
_STR: dict[str, Any] = {"type": "string"}


@dataclass(frozen=True)
class Op:
    """One route as a reader of the API needs it. ``command``: a change, whose body and
    permission the command says; otherwise ``permission`` (a PERMISSIONS key, PUBLIC or
    SIGNED_IN). ``body``: the handler reads a JSON body; ``actions``: one path per
    ``{action}`` with its own command (the counter's keys)."""

    summary: str
    permission: str = SIGNED_IN
    command: type[c.Command] | None = None
    body: bool = False
    query: tuple[str, ...] = ()
    actions: bool = False
    #: a body that is not a command's (login): field -> (schema, required)
    fields: dict[str, tuple[dict[str, Any], bool]] | None = None
    cmis: bool = False  # asks CMIS first: may answer 424
    page: bool = False  # a page for a person: its "not found" is a page too (HTML)
    refusals: tuple[tuple[str, tuple[str, ...]], ...] = ()  # more: (status, codes)


def _actions() -> dict[str, type[c.Command]]:
    from qms.http.api import CASHIER_COMMANDS  # the counter's keys, as the handler maps them

    return CASHIER_COMMANDS


_LOGIN: dict[str, tuple[dict[str, Any], bool]] = {
    "username": (_STR, True),
    "password": (_STR, True),
    "counter": ({"type": ["string", "null"], "description": "the counter to sign in at"}, False),
}
_DAY = "date"  # YYYY-MM-DD, today when absent

#: (method, path as the app declares it) -> what it is
OPERATIONS: dict[tuple[str, str], Op] = {
    ("GET", "/healthz"): Op("The server is up (and which worker answered)", PUBLIC),
    ("GET", "/openapi.json"): Op("This document", PUBLIC),
    ("GET", "/metrics"): Op(
        "Prometheus metrics (text): no role opens it, the bearer server.metrics_token does",
        PUBLIC,
        refusals=(("401", ("metrics_token_wrong",)), ("403", ("metrics_off",))),
    ),
    ("POST", "/api/auth/login"): Op(
        "Sign in: a bearer token",
        PUBLIC,
        body=True,
        fields=_LOGIN,
        refusals=(("401", ("bad_credentials",)), ("429", ("too_many_requests",))),
    ),
    ("POST", "/api/auth/logout"): Op("Sign out: the token ends"),
    ("POST", "/api/auth/password"): Op(
        "Change one's own password: the person's other sessions end, this one goes on",
        body=True,
        fields={"password": (_STR, True), "new_password": (_STR, True)},
        refusals=(
            ("403", ("wrong_password",)),
            ("415", ("unsupported_media_type",)),
            ("429", ("too_many_requests",)),
        ),
    ),
    ("POST", "/api/auth/sign-in-failures/unlock"): Op(
        "Forget a name's failed sign-ins (all addresses, or one): it signs in again at once",
        "sign_in.unlock",
        body=True,
        fields={"username": (_STR, True), "address": ({"type": ["string", "null"]}, False)},
        refusals=(("404", ("unknown_user",)),),
    ),
    ("POST", "/api/auth/counters/{counter}/sign-out"): Op(
        "End whoever holds a counter",
        "session.end",
        body=True,
        fields={"reason": ({"type": ["string", "null"]}, False)},
    ),
    ("GET", "/api/me"): Op("Who is signed in, their branch and its counters"),
    ("GET", "/api/counters"): Op("The counters of the caller's own branch"),
    ("GET", "/api/customers/{code}"): Op(
        "A customer's debts, from CMIS", "customer.read", query=("for",), cmis=True
    ),
    ("GET", "/api/customers"): Op(
        "Find customers by name, address or code",
        "customer.search",
        query=("by", "q", "limit"),
        cmis=True,
    ),
    ("POST", "/api/tickets"): Op("Issue a ticket", command=c.IssueTicket, body=True, cmis=True),
    ("GET", "/api/tickets/{number:int}"): Op("A ticket of today", "ticket.read"),
    ("POST", "/api/tickets/{number:int}/reopen"): Op("Reopen a ticket", command=c.Reopen),
    ("POST", "/api/tickets/{number:int}/priority"): Op(
        "Mark a waiting ticket as a priority customer's", command=c.MarkPriority, body=True
    ),
    ("POST", "/api/tickets/{number:int}/customers/{code}/found"): Op(
        "F9 on a customer: all their papers found", command=c.LookupCustomerFound
    ),
    ("POST", "/api/tickets/{number:int}/invoices/unfound"): Op(
        "Undo the last F9", command=c.LookupUndo, body=True
    ),
    ("POST", "/api/tickets/{number:int}/invoices/{invoice_id:int}/{action}"): Op(
        "Mark one paper: found, deferred, missing, unfound", command=c.LookupMark
    ),
    ("POST", "/api/counters/{counter}/{action}"): Op(
        "A cashier's key", body=True, actions=True, cmis=True
    ),
    ("GET", "/api/counters/{counter}/payments"): Op("The counter's payments today", "cash.own"),
    ("POST", "/api/counters/{counter}/payments/{txn}/reprint"): Op(
        "A copy of a receipt", command=c.ReprintReceipt, body=True
    ),
    ("GET", "/api/snapshot"): Op(
        "A view's state and its seq; the view's own permission (view.display, ...)",
        query=("view",),
    ),
    ("GET", "/api/events"): Op(
        "Events after a seq (for clients without a websocket)",
        "events.read",
        query=("view", "since", "limit"),
    ),
    ("GET", "/api/payments"): Op(
        "Payments and their CMIS state", "payment.read", query=("status", _DAY)
    ),
    ("POST", "/api/payments/{txn}/reverse"): Op(
        "Ask for a payment's reversal", command=c.Reverse, body=True
    ),
    ("GET", "/api/cmis"): Op("CMIS's health as the hall sees it", "cmis.read"),
    # the year-end inventory (docs/inventory.md)
    ("GET", "/api/inventories"): Op("The branch's inventory sessions", "inventory.read"),
    ("POST", "/api/inventories"): Op(
        "Open an inventory with its committee and books (CMIS's unpaid lists of the books "
        "kept at once when CMIS answers)",
        command=ic.OpenInventory,
        body=True,
    ),
    ("GET", "/api/inventories/{id:int}"): Op(
        "An inventory: books and their progress, the cash counted",
        "inventory.read",
        refusals=(("404", ("unknown_inventory",)),),
    ),
    ("POST", "/api/inventories/{id:int}/books/{book}/take"): Op(
        "Start or resume counting a book (one clerk per book)", command=ic.TakeBook
    ),
    ("POST", "/api/inventories/{id:int}/books/{book}/scan"): Op(
        "A paper invoice found in the book's rack (a barcode or typed series and number; "
        "an optional key makes sending it again safe)",
        command=ic.Scan,
        body=True,
        refusals=(
            ("404", ("unknown_inventory",)),
            (
                "409",
                (
                    "inventory_closed",
                    "book_not_in_session",
                    "book_taken",
                    "invoice_of_other_book",
                    "key_reused",
                ),
            ),
        ),
    ),
    ("POST", "/api/inventories/{id:int}/books/{book}/finish"): Op(
        "A book counted", command=ic.FinishBook
    ),
    ("POST", "/api/inventories/{id:int}/cash"): Op(
        "Cash counted by note for the inventory", command=ic.CountCash, body=True
    ),
    ("POST", "/api/inventories/{id:int}/compare"): Op(
        "Fetch CMIS's unpaid invoices of the books for the record",
        "inventory.manage",
        cmis=True,
        refusals=(
            ("404", ("unknown_inventory",)),
            ("409", ("inventory_closed",)),
            ("424", ("inventory_compare_unavailable",)),
        ),
    ),
    ("GET", "/api/inventories/{id:int}/record"): Op(
        "The inventory record (JSON; the CSV with format=csv, the A4 PDF with format=pdf)",
        "inventory.read",
        query=("format",),
        refusals=(("404", ("unknown_inventory",)),),
    ),
    ("POST", "/api/inventories/{id:int}/close"): Op(
        "Close the inventory: its record is final", command=ic.CloseInventory
    ),
    # field work (docs/field.md)
    ("GET", "/api/field"): Op(
        "Today's disconnection round counted by book, crews, open reconnections, supply changes",
        "field.read",
    ),
    ("GET", "/api/field/books/{code}"): Op(
        "One book of today's round: its orders in route order",
        "field.read",
        refusals=(("400", ("invalid_book_code",)), ("404", ("book_not_in_round",))),
    ),
    ("GET", "/api/field/crews"): Op("The branch's field crews", "field.read"),
    ("POST", "/api/field/crews"): Op("Create or change a crew", command=fc.SaveCrew, body=True),
    ("POST", "/api/field/rounds/pull"): Op(
        "Pull today's disconnection list from CMIS for some books",
        "field.manage",
        body=True,
        fields={
            "books": (
                {"type": "array", "items": {"type": "string", "pattern": fc.BOOK_CODE.pattern}},
                True,
            )
        },
        cmis=True,
        refusals=(
            ("400", ("invalid_book_code",)),
            ("409", ("round_closed",)),
            ("422", ("book_of_other_unit", "too_many_books")),
            ("424", ("field_list_stale",)),
        ),
    ),
    ("GET", "/api/field/crews/{code}/papers.pdf"): Op(
        "A crew's list and its cut slips on A4 (PDF)",
        "field.read",
        refusals=(("400", ("invalid_crew_code",)), ("404", ("unknown_crew",))),
    ),
    ("POST", "/api/field/crews/{code}/print"): Op(
        "Print a crew's list and slips on the slip printer (ESC/POS)",
        "field.manage",
        refusals=(
            ("400", ("invalid_crew_code",)),
            ("404", ("unknown_crew",)),
            ("409", ("no_slip_printer",)),
        ),
    ),
    ("GET", "/api/field/orders/{id:int}/slip.pdf"): Op(
        "One order's slip on A4 (PDF)", "field.read", refusals=(("404", ("unknown_order",)),)
    ),
    ("POST", "/api/field/rounds/close"): Op(
        "Close today's round: no more results", command=fc.CloseRound
    ),
    ("POST", "/api/field/orders/assign"): Op(
        "Assign orders to a crew", command=fc.Assign, body=True
    ),
    ("POST", "/api/field/orders/unassign"): Op(
        "Take orders back from their crew", command=fc.Unassign, body=True
    ),
    ("POST", "/api/field/orders/auto-assign"): Op(
        "Assign the round's open orders over crews, balanced by count and book",
        command=fc.AutoAssign,
        body=True,
    ),
    ("POST", "/api/field/supply/{id:int}/retry"): Op(
        "Send a supply change CMIS refused again", command=fc.RetrySupply
    ),
    ("GET", "/api/field/my-orders"): Op("The signed-in crew's orders in route order", "field.crew"),
    ("POST", "/api/field/orders/{id:int}/check"): Op(
        "At the door: does the customer still owe? (asks CMIS; cancels the order if not)",
        "field.crew",
        cmis=True,
        refusals=(("403", ("not_your_order", "not_in_crew")), ("404", ("unknown_order",))),
    ),
    ("POST", "/api/field/orders/{id:int}/result"): Op(
        "A crew's result for its order (idempotent by key)", command=fc.Report, body=True
    ),
    ("GET", "/api/server"): Op("This worker's load", "server.read"),
    ("GET", "/api/reconciliation"): Op(
        "Our payments against CMIS's for a day", "cmis.read", query=(_DAY, "format"), cmis=True
    ),
    ("GET", "/api/cash"): Op("Every drawer of the day", "cash.read", query=(_DAY,)),
    ("GET", "/api/cash/mine"): Op("My drawer", "cash.own"),
    ("POST", "/api/cash/drawer/open"): Op("Open my drawer", command=c.OpenDrawer, body=True),
    ("POST", "/api/cash/drawer/close"): Op("Close my drawer", command=c.CloseDrawer, body=True),
    ("POST", "/api/cash/movements"): Op("Declare cash handed over", command=c.Declare, body=True),
    ("POST", "/api/cash/movements/{id:int}/withdraw"): Op(
        "Withdraw a declaration", command=c.Withdraw, body=True
    ),
    ("POST", "/api/cash/drawers/{id:int}/approve"): Op(
        "Approve a closed drawer", command=c.Approve, body=True
    ),
    ("POST", "/api/cash/drawers/{id:int}/recount"): Op(
        "Send a drawer back to count", command=c.Recount, body=True
    ),
    ("GET", "/api/cash/day"): Op("What stands before the day closes", "day.close"),
    ("POST", "/api/cash/day/close"): Op(
        "Close the business day", command=c.CloseDay, body=True, cmis=True
    ),
    ("GET", "/api/invoices/papers"): Op("Where each paper is", "delivery.read", query=(_DAY,)),
    ("POST", "/api/invoices/returns"): Op(
        "Return papers to the lookup desk", command=c.ReturnPapers, body=True
    ),
    ("GET", "/api/reports"): Op(
        "A report over days (JSON, CSV or PDF)",
        "reports.read",
        query=("level", "format", "from", "to", "branch", "hall"),
    ),
    ("GET", "/api/reports/productivity"): Op(
        "Productivity per crew, cashier and lookup clerk over days (JSON, CSV or PDF)",
        "reports.read",
        query=("level", "format", "from", "to", "branch", "hall"),
    ),
    # the company view (docs/company.md)
    ("GET", "/api/company"): Op(
        "Every hall's live figures (queue, counters, money, drawers, CMIS, devices)",
        "company.read",
        query=("branch",),
        refusals=(("403", ("wrong_branch",)), ("404", ("unknown_branch",))),
    ),
    ("GET", "/api/company/period"): Op(
        "The halls' figures over days, per hall and summed (the reports' figures)",
        "company.read",
        query=("from", "to", "branch"),
        refusals=(("403", ("wrong_branch",)), ("404", ("unknown_branch",))),
    ),
    # --- end company view ---
    ("GET", "/api/audit"): Op("The audit log", "audit.read", query=(_DAY, "actor", "limit")),
    ("GET", "/api/stats/hourly"): Op(
        "Waits and service times by hour", "stats.read", query=(_DAY,)
    ),
    # month-start peak planning (docs/forecast.md)
    ("GET", "/api/forecast"): Op(
        "A day's arrivals forecast by hour and the cashier counters to open (tomorrow when "
        "no date)",
        "stats.read",
        query=(_DAY,),
    ),
    # --- notify (docs/notify.md) ---
    ("GET", "/api/notices"): Op(
        "The day's messages to customers' phones, by status", "notify.read", query=(_DAY,)
    ),
    # --- end notify ---
    # --- alerts (docs/alerts.md) ---
    ("GET", "/api/alerts"): Op(
        "Alerts, newest first: the open ones (not cleared) or all; a company role may name "
        "a branch",
        "alerts.read",
        query=("status", "branch"),
        refusals=(("403", ("wrong_branch",)), ("404", ("unknown_branch",))),
    ),
    ("POST", "/api/alerts/{alert:int}/ack"): Op(
        "Acknowledge an alert (audited)",
        "alerts.ack",
        refusals=(
            ("403", ("wrong_branch",)),
            ("404", ("unknown_alert",)),
            ("409", ("alert_acked",)),
        ),
    ),
    ("GET", "/api/alert-rules"): Op("The alert rules and the kinds' units", "alerts.manage"),
    ("POST", "/api/alert-rules"): Op(
        "A new alert rule (branch null: every branch, the company admin's)",
        "alerts.manage",
        body=True,
        fields={
            "branch": ({"type": ["string", "null"]}, False),
            "kind": ({"type": "string", "enum": list(alert_rules.KINDS)}, True),
            "threshold": ({"type": "integer", "minimum": 0}, True),
            "notify_phone": ({"type": ["string", "null"]}, False),
            "enabled": ({"type": "boolean"}, False),
        },
        refusals=(
            ("400", ("invalid_alert_kind", "invalid_threshold", "invalid_phone")),
            ("403", ("wrong_branch",)),
            ("404", ("unknown_branch",)),
        ),
    ),
    ("PATCH", "/api/alert-rules/{rule:int}"): Op(
        "Change an alert rule's threshold, phone or on/off, on the version read",
        "alerts.manage",
        body=True,
        fields={
            "version": ({"type": "integer", "minimum": 1}, True),
            "threshold": ({"type": "integer", "minimum": 0}, False),
            "notify_phone": ({"type": ["string", "null"]}, False),
            "enabled": ({"type": "boolean"}, False),
        },
        refusals=(
            ("400", ("invalid_threshold", "invalid_phone")),
            ("403", ("wrong_branch",)),
            ("404", ("unknown_alert_rule",)),
            ("409", ("stale_edit",)),
        ),
    ),
    # --- end alerts ---
    ("GET", "/api/device-jobs"): Op("Print and LED jobs", "devices.read", query=("status",)),
    ("POST", "/api/device-jobs/{job:int}/retry"): Op("Try a failed job again", "devices.retry"),
    ("POST", "/api/device-jobs/{job:int}/reprint"): Op("Print a document again", command=c.Reprint),
    ("GET", "/api/devices"): Op("Enrolled devices", "devices.enroll"),
    ("POST", "/api/devices"): Op("Enroll a device: its token", command=c.Enroll, body=True),
    ("POST", "/api/devices/{id}/revoke"): Op("Revoke a device", command=c.Revoke),
    ("GET", "/t/{token}"): Op("The customer's follow page (HTML)", PUBLIC, page=True),
    ("GET", "/t/{token}/qr.svg"): Op("The follow page's QR code (SVG)", PUBLIC),
    ("GET", "/api/follow/{token}"): Op("A followed ticket's state", PUBLIC),
    ("POST", "/api/follow/{token}/stop"): Op(
        "Withdraw consent: no more messages, the number erased",
        PUBLIC,
        refusals=(("404", ("unknown_ticket", "no_contact")),),
    ),
    # administration (docs/admin.md)
    ("GET", "/api/admin/org"): Op(
        "The organisation: branches, halls, counters, printers", "admin.read"
    ),
    ("GET", "/api/admin/staff"): Op("Staff accounts", "admin.read", query=("branch",)),
    ("POST", "/api/admin/staff"): Op(
        "Add a staff account: its one-time password",
        "admin.manage",
        body=True,
        refusals=(("403", ("wrong_branch",)), ("409", ("user_exists",))),
    ),
    ("PATCH", "/api/admin/staff/{username}"): Op(
        "Change an account (name, role, counters), with its version",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit", "last_admin")), ("404", ("unknown_user",))),
    ),
    ("POST", "/api/admin/staff/{username}/{verb}"): Op(
        "Disable, enable or reset an account (its sessions end)",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit", "last_admin")), ("404", ("unknown_user",))),
    ),
    ("GET", "/api/admin/policy"): Op("The password policy", "admin.read"),
    ("PUT", "/api/admin/policy"): Op(
        "Set the password policy (company admin)", "admin.company", body=True
    ),
    ("POST", "/api/admin/branches"): Op(
        "Add a branch and its hall (company admin)",
        "admin.company",
        body=True,
        refusals=(("409", ("branch_exists",)),),
    ),
    ("PATCH", "/api/admin/branches/{id}"): Op(
        "A hall's name, slip printer and operating parameters (business hours...)",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit",)),),
    ),
    ("POST", "/api/admin/branches/{id}/counters"): Op(
        "Add a counter", "admin.manage", body=True, refusals=(("409", ("counter_exists",)),)
    ),
    ("PATCH", "/api/admin/branches/{id}/counters/{code}"): Op(
        "Rename a counter, its printer or LED board",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit", "counter_retired")),),
    ),
    ("POST", "/api/admin/branches/{id}/counters/{code}/retire"): Op(
        "Retire a counter, its history kept",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit", "counter_serving", "last_counter")),),
    ),
    ("POST", "/api/admin/branches/{id}/counters/{code}/test"): Op(
        "Print a test page or light a test number",
        "admin.manage",
        body=True,
        refusals=(("409", ("no_printer", "no_led")),),
    ),
    ("POST", "/api/admin/branches/{id}/printers"): Op(
        "Add or change a printer",
        "admin.manage",
        body=True,
        refusals=(("409", ("stale_edit",)),),
    ),
    ("GET", "/api/hall"): Op("Whether the hall is open now, and its hours"),
    ("GET", "/audio/manifest.json"): Op("The announcement clips there are", PUBLIC),
    ("GET", "/audio/{file}"): Op("One announcement clip (WAV)", PUBLIC),
    ("GET", "/"): Op("To the counters' pages", PUBLIC),
    # pay by VietQR (docs/noncash.md)
    ("POST", "/api/bank/notifications"): Op(
        "The bank's notification of a credit (signed: X-Bank-Timestamp, X-Bank-Signature)",
        BANK_SIGNED,
        body=True,
        fields={
            "transaction_id": ({"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}, True),
            "account": (_STR, True),
            "amount": ({"type": "integer", "minimum": 1, "description": "đồng"}, True),
            "currency": ({"type": "string", "pattern": "^[A-Z]{3}$"}, True),
            "description": (_STR, True),
            "credited_at": ({"type": "string", "format": "date-time"}, True),
        },
        refusals=(
            ("400", ("invalid_notification", "invalid_amount", "malformed_json")),
            ("401", ("bad_signature", "stale_notification")),
            ("404", ("qr_disabled",)),
        ),
    ),
    ("GET", "/api/tickets/{number:int}/qr"): Op("A ticket's VietQRs", "ticket.read"),
    ("GET", "/api/qr/{ref}"): Op(
        "One VietQR by its reference, with its SVG (a counter's customer display)",
        "view.display",
        refusals=(("404", ("unknown_reference",)),),
    ),
    ("GET", "/t/{token}/pay.svg"): Op(
        "The ticket's own VietQR while it can pay it (SVG; the follow token is the key)",
        PUBLIC,
        refusals=(("404", ("unknown_ticket", "qr_not_open")),),
    ),
    ("GET", "/api/bank/day"): Op(
        "The day's non-cash side: per cashier, statement, exceptions, blockers",
        "bank.read",
        query=(_DAY,),
    ),
    ("GET", "/api/bank/credits"): Op(
        "The bank's credits (status=exception: every open one)",
        "bank.read",
        query=(_DAY, "status"),
    ),
    ("POST", "/api/bank/credits/{id:int}/resolve"): Op(
        "Decide a credit that was not applied", command=c.ResolveCredit, body=True
    ),
    ("POST", "/api/bank/credits/{id:int}/apply"): Op(
        "Apply a credit to its QR's invoices after all", command=c.ApplyCredit, body=True
    ),
    ("POST", "/api/bank/statements"): Op(
        "Import a bank statement (the CSV as text/csv, or JSON {csv})",
        command=c.ImportStatement,
        body=True,
    ),
    ("POST", "/api/bank/statements/fetch"): Op(
        "Fetch the day's statement from the bank and import it",
        "bank.resolve",
        query=(_DAY,),
        refusals=(("404", ("statement_url_missing",)), ("424", ("bank_unavailable",))),
    ),
    ("POST", "/api/bank/statement-lines/{id:int}/receive"): Op(
        "Take an unnotified statement line as its notification", command=c.ReceiveLine
    ),
    ("POST", "/api/bank/statement-lines/{id:int}/clear"): Op(
        "Clear a statement line that is no customer's payment, with a note",
        command=c.ClearLine,
        body=True,
    ),
}

_QUERY: dict[str, dict[str, Any]] = {
    _DAY: {"type": "string", "format": "date"},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
    "since": {"type": "string", "pattern": "^[0-9]{1,19}$"},
    "limit": {"type": "string", "pattern": "^[0-9]{1,19}$"},
    "view": {"type": "string", "examples": ["display", "supervisor", "cashier:C1"]},
    "for": {"type": "string", "enum": ["ticket"]},
    "format": {"type": "string", "enum": ["json", "csv", "pdf"]},
}

_TEXT = {"type": "string", "minLength": 1}
_ID = {"type": "integer", "minimum": -c.MAX_ID, "maximum": c.MAX_ID}
_NOTES = {
    "type": "object",
    "minProperties": 1,
    "patternProperties": {"^[0-9]+$": {"type": "integer", "minimum": 0, "maximum": c.MAX_NOTES}},
    "additionalProperties": False,
    "description": 'notes counted, by value in đồng: {"500000": 3, "10000": 2}',
}
_WORDS = {"type": "string", "minLength": 3, "maxLength": 200}
_CODE = {"type": "string", "pattern": tickets.CUSTOMER_CODE.pattern}
_CREW = {"type": "string", "pattern": fc.CREW_CODE.pattern}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _vnd(low: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": money.MAX_VND, "description": "đồng"}


#: each field check of qms/domain/commands.py as JSON Schema, and the codes it refuses with
CHECKS: dict[Any, tuple[dict[str, Any], tuple[str, ...]]] = {
    c.text: (_TEXT, ("invalid_request",)),
    c.optional_text: (_nullable(_TEXT), ("invalid_request",)),
    c.whole: (_ID, ("invalid_request",)),
    c.ticket_number: (
        {"type": "integer", "minimum": 1, "maximum": c.MAX_ID},
        ("invalid_ticket_number",),
    ),
    c.amount: (_vnd(1), ("invalid_amount",)),
    c.amount_or_zero: (_vnd(0), ("invalid_amount",)),
    c.optional_amount: (_nullable(_vnd(1)), ("invalid_amount",)),
    c.invoice_ids: (
        {"type": "array", "items": _ID, "minItems": 1, "uniqueItems": True},
        ("invalid_request",),
    ),
    c.customer_codes: (
        {"type": "array", "items": _CODE, "minItems": 1, "maxItems": tickets.MAX_CUSTOMERS},
        ("invalid_request", "invalid_customer_code", "too_many_customers"),
    ),
    c.customer_code: (_CODE, ("invalid_customer_code",)),
    c.optional_bool: ({"type": ["boolean", "null"]}, ("invalid_request",)),
    c.priority_kind: (
        {"type": ["string", "null"], "enum": [*priority.KINDS, None]},
        ("unknown_priority",),
    ),
    c.optional_phone: (
        {"type": ["string", "null"], "minLength": 8, "maxLength": 20, "examples": ["0912345678"]},
        ("invalid_phone",),
    ),
    c.notice_channel: (
        {"type": ["string", "null"], "enum": [*notices.CHANNELS, None]},
        ("invalid_request",),
    ),
    c.return_reason: (
        {"type": "string", "enum": list(delivery.RETURN_REASONS)},
        ("invalid_reason",),
    ),
    c.note: (_WORDS, ("invalid_request",)),
    c.reversal_reason: (_WORDS, ("invalid_reason",)),
    c.statement_text: (
        {"type": "string", "minLength": 1, "maxLength": c.MAX_STATEMENT_CHARS},
        ("invalid_statement",),
    ),
    c.note_count: (_nullable(_NOTES), ("invalid_note_count",)),
    c.deposit_of: (
        _nullable(
            {
                "type": "object",
                "required": ["amount", "bank", "reference"],
                "properties": {
                    "amount": _vnd(0),
                    "bank": _WORDS,
                    "reference": _WORDS,
                    "notes": _nullable(_NOTES),
                },
            }
        ),
        ("deposit_required", "invalid_amount", "invalid_request", "invalid_note_count"),
    ),
    c.device_id: ({"type": "string", "pattern": c.DEVICE_ID.pattern}, ("invalid_request",)),
    # field work (qms/domain/field/commands.py)
    fc.crew_code: (_CREW, ("invalid_crew_code",)),
    fc.crew_name: ({"type": "string", "minLength": 1, "maxLength": 60}, ("invalid_request",)),
    fc.default_true: ({"type": ["boolean", "null"]}, ("invalid_request",)),
    fc.members: (
        {
            "type": "array",
            "items": {"type": "string", "pattern": fc.USERNAME.pattern},
            "minItems": 1,
            "maxItems": 4,
            "uniqueItems": True,
        },
        ("invalid_request",),
    ),
    fc.order_ids: (
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": c.MAX_ID},
            "minItems": 1,
            "maxItems": fc.MAX_IDS,
        },
        ("invalid_request",),
    ),
    fc.optional_crew_codes: (
        _nullable({"type": "array", "items": _CREW, "minItems": 1}),
        ("invalid_request", "invalid_crew_code"),
    ),
    fc.result_key: ({"type": "string", "pattern": fc.RESULT_KEY.pattern}, ("invalid_request",)),
    ic.scan_key: (
        _nullable({"type": "string", "pattern": fc.RESULT_KEY.pattern}),
        ("invalid_request",),
    ),
    fc.moment: (
        {"type": "string", "format": "date-time", "maxLength": 40},
        ("invalid_time",),
    ),
    fc.short_text: (_nullable({"type": "string", "maxLength": 200}), ("invalid_request",)),
    fc.books: (
        {
            "type": "array",
            "items": {"type": "string", "pattern": fc.BOOK_CODE.pattern},
            "minItems": 1,
        },
        ("invalid_book_code",),
    ),
    # the year-end inventory (qms/domain/inventory/commands.py)
    ic.title: ({"type": "string", "minLength": 3, "maxLength": 120}, ("invalid_request",)),
    ic.committee: (
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["name", "role"],
                "properties": {"name": _STR, "role": _STR},
            },
        },
        ("invalid_committee",),
    ),
    ic.book: ({"type": "string", "pattern": fc.BOOK_CODE.pattern}, ("invalid_book_code",)),
    ic.barcode: (
        {"type": "string", "maxLength": 63, "description": "the invoice's series and number"},
        ("not_an_invoice",),
    ),
    ic.holder: ({"type": "string", "minLength": 1, "maxLength": 60}, ("invalid_request",)),
    ic.notes: (_NOTES, ("invalid_note_count",)),
}


def _field_schema(check: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    if isinstance(check, c.OneOf):
        return {"type": "string", "enum": list(check.allowed)}, (check.code,)
    return CHECKS[check]


def command_fields(
    kind: type[c.Command],
) -> dict[str, tuple[dict[str, Any], bool, tuple[str, ...]]]:
    """Each field of ``kind``: its schema, whether it is required, the codes it refuses."""
    out = {}
    defaults = {f.name: f.default for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    for name, checks in c.field_checks(kind):
        schema, codes = _field_schema(checks[-1])
        out[name] = (schema, defaults[name] is dataclasses.MISSING, codes)
    return out


_RULE_CODE = re.compile(r"""code=["']([a-z_]+)["']""")


def rule_codes(kind: type[c.Command]) -> list[str]:
    """The codes the command's rule raises itself (what its callees raise is not read)."""
    rule = USE_CASES[kind][1]
    try:
        return sorted(set(_RULE_CODE.findall(inspect.getsource(rule))))
    except (OSError, TypeError):
        return []


ERROR = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_en", "details"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "stable: what went wrong"},
                "message": {"type": "string", "description": "what to do, in Vietnamese"},
                "message_en": {"type": "string", "description": "the same, in English"},
                "details": {"type": "object", "description": "the fields the message names"},
            },
        }
    },
}


def _response(description: str, codes: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        "x-error-codes": sorted(set(codes)),
    }


#: a path parameter and the command field it fills, where their names differ
_PATH_FIELDS = dict((("action", "mark"), ("code", "customer")))


def _path(path: str, kind: type[c.Command] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """``/api/tickets/{number:int}`` -> ``/api/tickets/{number}`` and its parameters, each
    with its command field's schema when it fills one."""
    fields = command_fields(kind) if kind is not None else {}
    params = []
    for name, conv in re.findall(r"{(\w+)(?::(\w+))?}", path):
        found = fields.get(_PATH_FIELDS.get(name, name))
        schema = found[0] if found else _INT if conv == "int" else _STR
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"{(\w+):\w+}", r"{\1}", path), params


def operation(method: str, path: str, op: Op, kind: type[c.Command] | None) -> dict[str, Any]:
    url, params = _path(path, kind)
    permission = USE_CASES[kind][0] if kind is not None else op.permission
    roles = sorted(PERMISSIONS[permission]) if permission in PERMISSIONS else []
    refusals: dict[str, list[str]] = {
        "400": ["malformed_json", "invalid_request"] if op.body else ["invalid_request"]
    }
    out: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', url.lower()).strip('_')}",
        "x-route": path,
        "x-permission": permission,
        "x-roles": roles,
        "parameters": params
        + [
            {"name": q, "in": "query", "required": False, "schema": _QUERY.get(q, _STR)}
            for q in op.query
        ],
    }
    if permission in (PUBLIC, BANK_SIGNED):
        out["security"] = []
    else:
        refusals["401"] = ["unauthenticated"]
        refusals["403"] = ["forbidden", "wrong_role", "wrong_counter"]
    if kind is not None or op.fields is not None:
        fields = (
            command_fields(kind)
            if kind is not None
            else {
                name: (schema, required, ("invalid_request",))
                for name, (schema, required) in (op.fields or {}).items()
            }
        )
        in_path = {p["name"] for p in params}
        body = {n: f for n, f in fields.items() if n not in in_path}
        for _, _, codes in fields.values():
            refusals["400"].extend(codes)
        if op.body:
            out["requestBody"] = {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {n: s for n, (s, _, _) in body.items()},
                            "required": [n for n, (_, req, _) in body.items() if req],
                        }
                    }
                },
            }
    if kind is not None:
        refusals["404"] = ["not_found"]
        refusals["409"] = ["conflict", "day_closed", *rule_codes(kind)]
        refusals["422"] = ["refused"]
    if op.body:
        refusals["413"] = ["body_too_large"]
    if op.cmis:
        refusals["424"] = ["cmis_unavailable", "cmis_bad_answer"]
    for status, codes in op.refusals:
        refusals.setdefault(status, []).extend(codes)
    if op.page:
        out["x-page"] = True
        refusals.pop("400", None)
    out["responses"] = {
        "2XX": {"description": "done: the JSON the guide (docs/api.md) describes"},
        **{
            status: _response(f"refused ({status}): the error shape, nothing changed", codes)
            for status, codes in sorted(refusals.items())
        },
        "503": _response("the database is away: try again", ["store_unavailable"]),
    }
    if op.page:
        out["responses"]["404"] = {
            "description": "no such ticket today: a page that says so",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    return out


def document(routes: list[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (the app's)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route):
            continue  # websockets (docs/protocol.md) and static pages
        for method in sorted((route.methods or set()) - {"HEAD"}):
            op = OPERATIONS[(method, route.path)]
            if op.actions:
                for action, kind in _actions().items():
                    path = route.path.replace("{action}", action)
                    entry = operation(method, path, op, kind)
                    entry["x-route"] = route.path
                    paths.setdefault(_path(path)[0], {})[method.lower()] = entry
                continue
            entry = operation(method, route.path, op, op.command)
            paths.setdefault(_path(route.path)[0], {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qms: the bill-payment hall's API",
            "version": "1",
            "description": (
                "Generated from the server's routes and commands. The guide: docs/api.md; "
                f"the websocket: docs/protocol.md. A JSON body nests at most {MAX_DEPTH} "
                "levels; integers fit in signed 64 bits, ids in 32. Every refusal has the "
                "one error shape; x-error-codes lists the codes a status may carry."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi_json(request: Request) -> Response:
    """Public, like docs/api.md: it names routes and roles, never data."""
    cached = getattr(request.app.state, "openapi", None)
    if cached is None:
        cached = request.app.state.openapi = document(request.app.routes)
    return JSONResponse(cached)
