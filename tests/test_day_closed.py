"""Closed is closed: once the business day is closed, every change a person makes on it is
refused ``409 day_closed`` and changes nothing (reversal, call, F9/F10, issue, F4,
returns, drawers, movements), and the kiosk and reception say the hall is closed before
anyone types a code. This module closes its own hall's day: keep it in its own module."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

_DONE: dict[str, Any] = {}


def close_the_day(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> dict[str, Any]:
    """Once per module: one payment confirmed, one ticket left waiting (its paper not
    pulled), every drawer closed, then the day; what the tests look at afterwards."""
    if _DONE:
        return _DONE
    sup = staff["sup"]
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    staff[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff["c1"].act("call", number=t["number"])
    paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    txn = paid["payments"][0]["txn_id"]
    while True:  # bounded by recv's timeout
        msg = view.recv(timeout=30)
        view.apply(msg)
        if msg.get("event") == "payment.confirmed" and msg["data"]["payment"]["txn_id"] == txn:
            break
    view.close()
    waiting = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    staff["c1"].post("/api/cash/drawer/close", {"counted": inv["total"]})
    for who in ("c2", "c3"):
        staff[who].post("/api/cash/drawer/close", {"counted": 0})
    deposit = {"amount": 0, "bank": "BIDV Sài Gòn", "reference": "NT-1"}
    staff["c4"].post("/api/cash/drawer/close", {"counted": 0, "deposit": deposit})
    closed = sup.post("/api/cash/day/close")
    _DONE.update(txn=txn, waiting=waiting, closed=closed)
    return _DONE


@pytest.mark.browser
def test_kiosk_and_reception_say_the_hall_is_closed(
    browser: Any, hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    console = Console()
    kiosk = console.watch(browser.new_page())
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.wait_for_selector("body[data-state=online][data-day=open] #code")
    reception = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(reception, hall, "reception", "R1")
    reception.wait_for_selector("#rc-code")

    close_the_day(hall, staff, customers)
    # the open pages learn it from the day.closed event, before anyone types a code
    kiosk.wait_for_selector("body[data-day=closed] #day-closed")
    assert kiosk.is_hidden("#start-view") and kiosk.is_hidden("#code")
    notice = kiosk.inner_text("#day-closed")
    assert notice.index("đóng cửa") < notice.index("closed"), "Vietnamese first, English beside"
    reception.wait_for_selector("#rc-closed:not([hidden])")
    assert reception.is_hidden("#rc-code") and reception.is_disabled("#rc-issue")
    assert "không cấp số" in reception.inner_text("#rc-closed")
    assert "closed" in reception.inner_text("#rc-closed")

    # a kiosk started after the close knows it from its snapshot
    fresh = console.watch(browser.new_page())
    fresh.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    fresh.wait_for_selector("body[data-state=online][data-day=closed] #day-closed")
    assert fresh.is_hidden("#start-view")
    assert console.errors == []
    for page in (kiosk, reception, fresh):
        page.close()


def test_every_change_on_a_closed_day_is_refused_and_changes_nothing(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    done = close_the_day(hall, staff, customers)
    sup, c1 = staff["sup"], staff["c1"]
    w = done["waiting"]
    inv = w["customers"][0]["invoices"][0]
    clerk = staff[inv["lookup"]]
    number, iid = w["number"], inv["invoice_id"]

    def state() -> Any:
        """What a change would alter; a payment's ``age_s`` grows by itself, so it is left out."""
        snap = sup.get("/api/snapshot?view=supervisor")
        payments = sup.get("/api/payments")
        for p in payments["payments"]:
            del p["age_s"]
        return snap["seq"], snap["data"]["tickets"], sup.get("/api/cash"), payments

    assert staff["kiosk"].get("/api/snapshot?view=display")["data"]["day_closed"] is True
    before = state()
    changes = {
        "reversal": lambda: sup.post(f"/api/payments/{done['txn']}/reverse", {"reason": "nhầm"}),
        "call-next": lambda: c1.act("call-next"),
        "call": lambda: c1.act("call", number=number),
        "recall": lambda: c1.act("recall"),
        "F9": lambda: clerk.post(f"/api/tickets/{number}/invoices/{iid}/found"),
        "F10": lambda: clerk.post(f"/api/tickets/{number}/invoices/{iid}/deferred"),
        "issue (reception)": lambda: staff["reception"].post(
            "/api/tickets", {"customers": [customers.take()]}
        ),
        "issue (kiosk)": lambda: staff["kiosk"].post(
            "/api/tickets", {"customers": [customers.take()]}
        ),
        "collect": lambda: c1.act("collect", invoices=[iid], amount=inv["total"]),
        "return": lambda: c1.post(
            "/api/invoices/returns",
            {"ticket": number, "invoices": [iid], "reason": "customer_left"},
        ),
        "open drawer": lambda: c1.open_drawer(0),
        "close drawer": lambda: c1.post("/api/cash/drawer/close", {"counted": 0}),
        "movement": lambda: c1.post(
            "/api/cash/movements", {"side": "out", "cashier": "head", "amount": 1}
        ),
        "withdraw": lambda: c1.post("/api/cash/movements/1/withdraw"),
        "close day": lambda: sup.post("/api/cash/day/close"),
    }
    wrong = {}
    for name, change in changes.items():
        try:
            change()
            wrong[name] = "200"
        except ApiError as e:
            if (e.status, e.code) != (409, "day_closed"):
                wrong[name] = f"{e.status} {e.code}"
    assert wrong == {}
    assert state() == before, "nothing changed"

    # not of the day's queue or cash: a document is reprinted after the close
    jobs = sup.get("/api/device-jobs")["jobs"]
    day_end = next(j for j in jobs if j["document"] == "day-end")
    again = sup.post(f"/api/device-jobs/{day_end['id']}/reprint")
    assert (again["document"], again["void"]) == ("day-end", False)
