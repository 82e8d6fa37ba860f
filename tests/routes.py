"""Every HTTP route of the app with a concrete URL to call it by and the permission it
needs: the role matrix and the fuzzer walk this table."""

from __future__ import annotations

PUBLIC, SIGNED_IN = "public", "signed-in"
#: no role opens it: a signature over the body does (the bank's webhook)
BANK_SIGNED = "bank-signed"

#: (method, path as the app declares it) -> (a concrete URL, the permission it needs)
ROUTES: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", "/healthz"): ("/healthz", PUBLIC),
    ("GET", "/openapi.json"): ("/openapi.json", PUBLIC),
    # no role opens it: the metrics token does (none configured here: 403 metrics_off)
    ("GET", "/metrics"): ("/metrics", PUBLIC),
    ("POST", "/api/auth/login"): ("/api/auth/login", PUBLIC),
    ("GET", "/api/me"): ("/api/me", SIGNED_IN),
    # C3: a counter nobody of the matrix holds (without a reason it changes nothing anyway)
    ("POST", "/api/auth/counters/{counter}/sign-out"): (
        "/api/auth/counters/C3/sign-out",
        "session.end",
    ),
    ("GET", "/api/counters"): ("/api/counters", SIGNED_IN),
    ("POST", "/api/auth/password"): ("/api/auth/password", SIGNED_IN),
    ("POST", "/api/auth/sign-in-failures/unlock"): (
        "/api/auth/sign-in-failures/unlock",
        "sign_in.unlock",
    ),
    ("GET", "/api/customers/{code}"): ("/api/customers/PE01000000001", "customer.read"),
    ("POST", "/api/tickets"): ("/api/tickets", "ticket.issue"),
    ("GET", "/api/tickets/{number:int}"): ("/api/tickets/1", "ticket.read"),
    ("POST", "/api/tickets/{number:int}/reopen"): ("/api/tickets/9999/reopen", "ticket.reopen"),
    ("POST", "/api/tickets/{number:int}/priority"): (
        "/api/tickets/9999/priority",
        "ticket.priority.mark",
    ),
    ("POST", "/api/tickets/{number:int}/customers/{code}/found"): (
        "/api/tickets/9999/customers/PE01000000001/found",
        "lookup.mark",
    ),
    ("POST", "/api/tickets/{number:int}/invoices/unfound"): (
        "/api/tickets/9999/invoices/unfound",
        "lookup.mark",
    ),
    ("POST", "/api/tickets/{number:int}/invoices/{invoice_id:int}/{action}"): (
        "/api/tickets/9999/invoices/1/found",
        "lookup.mark",
    ),
    ("POST", "/api/counters/{counter}/{action}"): ("/api/counters/C1/recall", "cashier.act"),
    ("GET", "/api/counters/{counter}/payments"): ("/api/counters/C1/payments", "cash.own"),
    ("POST", "/api/counters/{counter}/payments/{txn}/reprint"): (
        "/api/counters/C1/payments/NOPE/reprint",
        "cashier.act",
    ),
    ("GET", "/api/snapshot"): ("/api/snapshot?view=supervisor", "view.supervisor"),
    ("GET", "/api/events"): ("/api/events?view=display", "events.read"),
    ("GET", "/api/payments"): ("/api/payments", "payment.read"),
    ("GET", "/api/inventories"): ("/api/inventories", "inventory.read"),
    ("POST", "/api/inventories"): ("/api/inventories", "inventory.manage"),
    ("GET", "/api/inventories/{id:int}"): ("/api/inventories/999999", "inventory.read"),
    ("POST", "/api/inventories/{id:int}/books/{book}/take"): (
        "/api/inventories/999999/books/PE0100A011/take",
        "inventory.scan",
    ),
    ("POST", "/api/inventories/{id:int}/books/{book}/scan"): (
        "/api/inventories/999999/books/PE0100A011/scan",
        "inventory.scan",
    ),
    ("POST", "/api/inventories/{id:int}/books/{book}/finish"): (
        "/api/inventories/999999/books/PE0100A011/finish",
        "inventory.scan",
    ),
    ("POST", "/api/inventories/{id:int}/cash"): ("/api/inventories/999999/cash", "inventory.cash"),
    ("POST", "/api/inventories/{id:int}/compare"): (
        "/api/inventories/999999/compare",
        "inventory.manage",
    ),
    ("GET", "/api/inventories/{id:int}/record"): (
        "/api/inventories/999999/record",
        "inventory.read",
    ),
    ("POST", "/api/inventories/{id:int}/close"): (
        "/api/inventories/999999/close",
        "inventory.manage",
    ),
    ("GET", "/api/field"): ("/api/field", "field.read"),
    ("GET", "/api/field/books/{code}"): ("/api/field/books/PE0100A999", "field.read"),
    ("GET", "/api/field/crews"): ("/api/field/crews", "field.read"),
    ("GET", "/api/field/crews/{code}/papers.pdf"): ("/api/field/crews/T9/papers.pdf", "field.read"),
    ("POST", "/api/field/crews/{code}/print"): ("/api/field/crews/T9/print", "field.manage"),
    ("GET", "/api/field/orders/{id:int}/slip.pdf"): (
        "/api/field/orders/999999/slip.pdf",
        "field.read",
    ),
    ("POST", "/api/field/crews"): ("/api/field/crews", "field.manage"),
    ("POST", "/api/field/rounds/pull"): ("/api/field/rounds/pull", "field.manage"),
    ("POST", "/api/field/rounds/close"): ("/api/field/rounds/close", "field.manage"),
    ("POST", "/api/field/orders/assign"): ("/api/field/orders/assign", "field.manage"),
    ("POST", "/api/field/orders/unassign"): ("/api/field/orders/unassign", "field.manage"),
    ("POST", "/api/field/orders/auto-assign"): ("/api/field/orders/auto-assign", "field.manage"),
    ("POST", "/api/field/supply/{id:int}/retry"): (
        "/api/field/supply/999999/retry",
        "field.manage",
    ),
    ("GET", "/api/field/my-orders"): ("/api/field/my-orders", "field.crew"),
    ("POST", "/api/field/orders/{id:int}/check"): ("/api/field/orders/999999/check", "field.crew"),
    ("POST", "/api/field/orders/{id:int}/result"): (
        "/api/field/orders/999999/result",
        "field.crew",
    ),
    ("POST", "/api/payments/{txn}/reverse"): ("/api/payments/NOPE/reverse", "payment.reverse"),
    ("GET", "/api/cmis"): ("/api/cmis", "cmis.read"),
    ("GET", "/api/server"): ("/api/server", "server.read"),
    ("GET", "/api/reconciliation"): ("/api/reconciliation", "cmis.read"),
    ("GET", "/api/cash"): ("/api/cash", "cash.read"),
    ("GET", "/api/cash/mine"): ("/api/cash/mine", "cash.own"),
    ("POST", "/api/cash/drawer/open"): ("/api/cash/drawer/open", "cash.own"),
    ("POST", "/api/cash/drawer/close"): ("/api/cash/drawer/close", "cash.own"),
    ("POST", "/api/cash/movements"): ("/api/cash/movements", "cash.own"),
    ("POST", "/api/cash/movements/{id:int}/withdraw"): (
        "/api/cash/movements/1/withdraw",
        "cash.own",
    ),
    ("POST", "/api/cash/drawers/{id:int}/approve"): ("/api/cash/drawers/1/approve", "cash.approve"),
    ("POST", "/api/cash/drawers/{id:int}/recount"): ("/api/cash/drawers/1/recount", "cash.approve"),
    ("GET", "/api/cash/day"): ("/api/cash/day", "day.close"),
    ("POST", "/api/cash/day/close"): ("/api/cash/day/close", "day.close"),
    # pay by VietQR: the webhook's credential is its signature, not a role
    ("POST", "/api/bank/notifications"): ("/api/bank/notifications", BANK_SIGNED),
    ("GET", "/api/tickets/{number:int}/qr"): ("/api/tickets/1/qr", "ticket.read"),
    ("GET", "/api/qr/{ref}"): ("/api/qr/QMSAAAAAAAA", "view.display"),
    ("GET", "/t/{token}/pay.svg"): ("/t/unknown-token/pay.svg", PUBLIC),
    ("GET", "/api/bank/day"): ("/api/bank/day", "bank.read"),
    ("GET", "/api/bank/credits"): ("/api/bank/credits", "bank.read"),
    ("POST", "/api/bank/credits/{id:int}/resolve"): (
        "/api/bank/credits/999999/resolve",
        "bank.resolve",
    ),
    ("POST", "/api/bank/credits/{id:int}/apply"): (
        "/api/bank/credits/999999/apply",
        "bank.resolve",
    ),
    ("POST", "/api/bank/statements"): ("/api/bank/statements", "bank.resolve"),
    ("POST", "/api/bank/statements/fetch"): ("/api/bank/statements/fetch", "bank.resolve"),
    ("POST", "/api/bank/statement-lines/{id:int}/receive"): (
        "/api/bank/statement-lines/999999/receive",
        "bank.resolve",
    ),
    ("POST", "/api/bank/statement-lines/{id:int}/clear"): (
        "/api/bank/statement-lines/999999/clear",
        "bank.resolve",
    ),
    ("GET", "/api/invoices/papers"): ("/api/invoices/papers", "delivery.read"),
    ("POST", "/api/invoices/returns"): ("/api/invoices/returns", "invoice.return"),
    ("GET", "/api/reports"): ("/api/reports", "reports.read"),
    ("GET", "/api/reports/productivity"): ("/api/reports/productivity", "reports.read"),
    ("GET", "/api/audit"): ("/api/audit", "audit.read"),
    # the company view (docs/company.md)
    ("GET", "/api/company"): ("/api/company", "company.read"),
    ("GET", "/api/company/period"): ("/api/company/period", "company.read"),
    ("GET", "/t/{token}"): ("/t/unknown-token", PUBLIC),
    ("GET", "/t/{token}/qr.svg"): ("/t/unknown-token/qr.svg", PUBLIC),
    ("GET", "/api/follow/{token}"): ("/api/follow/unknown-token", PUBLIC),
    ("POST", "/api/follow/{token}/stop"): ("/api/follow/unknown-token/stop", PUBLIC),
    ("GET", "/api/customers"): ("/api/customers?by=name&q=Nguy", "customer.search"),
    ("GET", "/api/stats/hourly"): ("/api/stats/hourly", "stats.read"),
    ("GET", "/api/forecast"): ("/api/forecast", "stats.read"),  # docs/forecast.md
    ("GET", "/api/notices"): ("/api/notices", "notify.read"),  # notify (docs/notify.md)
    # alerts (docs/alerts.md)
    ("GET", "/api/alerts"): ("/api/alerts", "alerts.read"),
    ("POST", "/api/alerts/{alert:int}/ack"): ("/api/alerts/999999/ack", "alerts.ack"),
    ("GET", "/api/alert-rules"): ("/api/alert-rules", "alerts.manage"),
    ("POST", "/api/alert-rules"): ("/api/alert-rules", "alerts.manage"),
    ("PATCH", "/api/alert-rules/{rule:int}"): ("/api/alert-rules/999999", "alerts.manage"),
    ("GET", "/api/device-jobs"): ("/api/device-jobs", "devices.read"),
    ("POST", "/api/device-jobs/{job:int}/retry"): ("/api/device-jobs/1/retry", "devices.retry"),
    ("POST", "/api/device-jobs/{job:int}/reprint"): (
        "/api/device-jobs/999999/reprint",
        "devices.retry",
    ),
    ("GET", "/api/devices"): ("/api/devices", "devices.enroll"),
    ("POST", "/api/devices"): ("/api/devices", "devices.enroll"),
    ("POST", "/api/devices/{id}/revoke"): ("/api/devices/nope/revoke", "devices.enroll"),
    # administration (docs/admin.md): the names are unknown, so nothing changes
    ("GET", "/api/admin/org"): ("/api/admin/org", "admin.read"),
    ("GET", "/api/admin/staff"): ("/api/admin/staff", "admin.read"),
    ("POST", "/api/admin/staff"): ("/api/admin/staff", "admin.manage"),
    ("PATCH", "/api/admin/staff/{username}"): ("/api/admin/staff/nope", "admin.manage"),
    ("POST", "/api/admin/staff/{username}/{verb}"): (
        "/api/admin/staff/nope/disable",
        "admin.manage",
    ),
    ("GET", "/api/admin/policy"): ("/api/admin/policy", "admin.read"),
    ("PUT", "/api/admin/policy"): ("/api/admin/policy", "admin.company"),
    ("POST", "/api/admin/branches"): ("/api/admin/branches", "admin.company"),
    ("PATCH", "/api/admin/branches/{id}"): ("/api/admin/branches/PE0100", "admin.manage"),
    ("POST", "/api/admin/branches/{id}/counters"): (
        "/api/admin/branches/PE0100/counters",
        "admin.manage",
    ),
    ("PATCH", "/api/admin/branches/{id}/counters/{code}"): (
        "/api/admin/branches/PE0100/counters/C9",
        "admin.manage",
    ),
    ("POST", "/api/admin/branches/{id}/counters/{code}/retire"): (
        "/api/admin/branches/PE0100/counters/C9/retire",
        "admin.manage",
    ),
    ("POST", "/api/admin/branches/{id}/counters/{code}/test"): (
        "/api/admin/branches/PE0100/counters/C9/test",
        "admin.manage",
    ),
    ("POST", "/api/admin/branches/{id}/printers"): (
        "/api/admin/branches/PE0100/printers",
        "admin.manage",
    ),
    ("GET", "/api/hall"): ("/api/hall", SIGNED_IN),
    ("GET", "/audio/manifest.json"): ("/audio/manifest.json", PUBLIC),
    ("GET", "/audio/{file}"): ("/audio/00000000000000000000.wav", PUBLIC),
    ("GET", "/"): ("/", PUBLIC),
    # last: it ends the session it is asked with
    ("POST", "/api/auth/logout"): ("/api/auth/logout", SIGNED_IN),
}
