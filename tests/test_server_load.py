"""GET /api/server: an operator sees whether this worker keeps up with the branch, its
writer lane's work and waits since start and the subscriptions it feeds."""

from __future__ import annotations

import datetime as dt

from tests.conftest import Customers, HallServer
from tests.hallclient import Staff
from tests.wsclient import ViewClient


def test_the_server_counts_the_branchs_writes_and_its_screens(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = staff["sup"]
    before = sup.get("/api/server")
    assert before["branch"] == "PE0100" and isinstance(before["worker"], int)
    since = dt.datetime.fromisoformat(before["since"])
    assert since <= dt.datetime.now(dt.UTC), "the worker started before it answered"
    writer = before["writer"]
    # print jobs of the desks' drawers may be writing their statuses: no "idle" here
    assert writer["waiting"] >= 0 and isinstance(writer["running"], bool)

    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
    clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    after = sup.get("/api/server")["writer"]
    assert after["writes"] >= writer["writes"] + 2, (writer, after)  # the ticket, the F9
    assert after["busy_ms"] >= writer["busy_ms"]
    assert 0 <= after["cpu_ms"] <= after["busy_ms"] + 1  # rounded to the ms each
    assert after["longest_wait_ms"] <= after["waited_ms"] + 1

    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    try:
        view.recv()  # the snapshot: subscribed by now
        assert sup.get("/api/server")["subscribers"] == before["subscribers"] + 1
    finally:
        view.close()
