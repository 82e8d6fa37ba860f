"""The way back from a mistake, on the pages, keys first (Debian chromium): the lookup
clerk undoes an F9 with Ctrl+Z, marks a paper missing with F8 (a button too), sees where
found paper is; the cashier's F8 with money owed asks to confirm, with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff


@pytest.fixture(scope="module")
def desk(hall: HallServer) -> Iterator[dict[str, Staff]]:
    """Reception and the supervisor over the API; the counters are on the pages."""
    people = {
        "reception": Staff(hall.base, "reception", "R1"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    yield people
    for p in people.values():
        p.close()


@pytest.mark.browser
def test_lookup_undo_and_missing_keys_and_the_f8_confirmation(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    lookup = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(lookup, hall, "lookup1", "LE")
    assert "Thất lạc" in lookup.inner_text("#btn-missing")
    assert "Missing" in lookup.inner_text("#btn-missing")
    assert "F8" in lookup.inner_text("#btn-missing kbd")
    assert "Ctrl+Z" in lookup.inner_text("#btn-unfound kbd")

    t = desk["reception"].post(
        "/api/tickets", {"customers": [customers.take(invoices=2, parity="even")]}
    )
    number = t["number"]
    first, second = sorted(
        t["customers"][0]["invoices"], key=lambda i: (i["year"], i["month"], i["sub_period"])
    )

    # F9 by mistake, then Ctrl+Z: the paper is back on the list to find
    row = f"#lookup-pending tr[data-invoice-id='{first['invoice_id']}']"
    lookup.click(row)
    lookup.keyboard.press("F9")
    found = f"#lookup-found tr[data-invoice-id='{first['invoice_id']}']"
    lookup.wait_for_selector(f"{found}[data-lookup-status=found]")
    assert "Chưa giao" in lookup.inner_text(f"{found} td.place")
    lookup.click(found)
    lookup.keyboard.press("Control+z")
    lookup.wait_for_selector(row)
    now = desk["sup"].get(f"/api/tickets/{number}")["customers"][0]["invoices"]
    assert {i["invoice_id"]: i["lookup_status"] for i in now}[first["invoice_id"]] == "pending"

    # the other paper is nowhere: F8 marks it missing (thất lạc), on screen
    other = f"#lookup-pending tr[data-invoice-id='{second['invoice_id']}']"
    lookup.click(other)
    lookup.keyboard.press("F8")
    lookup.wait_for_selector(
        f"#lookup-deferred tr[data-invoice-id='{second['invoice_id']}'][data-lookup-status=missing]"
    )
    # found after all, by the button this time; the first one by F9
    lookup.click(f"#lookup-deferred tr[data-invoice-id='{second['invoice_id']}']")
    lookup.click("#btn-found")
    lookup.click(row)
    lookup.keyboard.press("F9")
    lookup.wait_for_selector(f"{found}[data-lookup-status=found]")

    # the cashier calls it: the lookup screen says where the paper is now
    cashier = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(cashier, hall, "cashier2", "C2")
    cashier.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    cashier.keyboard.type("0")  # a call needs the cashier's drawer open here
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#drawer[data-status=open]")
    cashier.fill("#call-number", str(number))
    cashier.press("#call-number", "Enter")
    cashier.wait_for_selector(f"#current-number:text-is('{number}')")
    lookup.wait_for_selector(f"{found} td.place:has-text('Quầy 2')")
    lookup.click(found)
    assert lookup.is_disabled("#btn-unfound"), "delivered paper is not undone by the clerk"

    # the same customer at reception while served: refused in Vietnamese, naming the ticket
    reception = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(reception, hall, "reception", "R1")
    code = t["customers"][0]["code"]
    reception.fill("#rc-code", code)
    reception.press("#rc-code", "Enter")
    reception.wait_for_selector(f"#rc-basket li[data-code={code}]")
    reception.click("#rc-issue")
    reception.wait_for_selector("#rc-error[data-code=customer_on_active_ticket]")
    said = reception.inner_text("#rc-error")
    assert f"đang có vé số {number}" in said and f"is on ticket {number}" in said
    reception.close()

    # F8 with money owed: a dialog, a reason, Enter; Esc first goes back
    cashier.keyboard.press("F8")
    cashier.wait_for_selector("#finish-dialog[open]")
    assert "chưa thu" in cashier.inner_text("#finish-text")
    cashier.keyboard.press("Escape")
    cashier.wait_for_selector("#finish-dialog", state="hidden")
    assert desk["sup"].get(f"/api/tickets/{number}")["status"] == "serving"
    cashier.keyboard.press("F8")
    cashier.wait_for_selector("#finish-dialog[open]")
    cashier.select_option("#finish-reason", "not_enough_money")
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector(f"#collect-result[data-ticket='{number}']")
    done = desk["sup"].get(f"/api/tickets/{number}")
    assert (done["status"], done["finish_reason"]) == ("done", "not_enough_money")
    assert console.errors == []
    for page in (lookup, cashier):
        page.close()
