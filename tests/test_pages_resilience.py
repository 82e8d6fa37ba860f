"""Pages in Chromium: keyboard-only lookup and cashier work, and every page recovering by
itself from a server restart, resyncing from its last seq without a reload."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import Console, page_session, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff


def issue(staff: dict[str, Staff], code: str) -> dict[str, Any]:
    return staff["reception"].post("/api/tickets", {"customers": [code]})


@pytest.mark.browser
def test_keyboard_only_lookup_and_cashier(
    browser: Any, hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    console = Console()
    lookup = console.watch(browser.new_page())
    sign_in(lookup, hall, "lookup2", "LO")
    cashier = console.watch(browser.new_page())
    sign_in(cashier, hall, "cashier2", "C2")
    t = issue(staff, customers.take(invoices=3, parity="odd"))
    n = t["number"]
    ids = [i["invoice_id"] for i in t["customers"][0]["invoices"]]

    rows = f"#lookup-pending tr[data-ticket='{n}']"
    lookup.wait_for_selector(f"{rows} >> nth=2")
    lookup.keyboard.press("Home")
    for _ in range(len(ids)):  # select each row of this ticket with the arrows only
        if lookup.get_attribute("#lookup-pending tr.selected", "data-ticket") == str(n):
            break
        lookup.keyboard.press("ArrowDown")
    first = lookup.get_attribute("#lookup-pending tr.selected", "data-invoice-id")
    assert first is not None and int(first) in ids
    lookup.keyboard.press("F10")  # not found yet: put aside
    lookup.wait_for_selector(f"#lookup-deferred tr[data-invoice-id='{first}']")
    for _ in range(len(ids) - 1):
        selected = lookup.get_attribute("#lookup-pending tr.selected", "data-invoice-id")
        assert selected is not None and int(selected) in ids
        lookup.keyboard.press("F9")
        lookup.wait_for_selector(
            f"#lookup-pending tr[data-invoice-id='{selected}']", state="detached"
        )

    # the cashier calls it by typing, sees it is waiting for paper, parks it with F6
    cashier.keyboard.type(str(n))
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector(f"#current-number:text-is('{n}')")
    cashier.wait_for_selector("#ready[data-ready=false]")
    cashier.keyboard.press("F6")
    cashier.wait_for_selector(f"#parked-list li[data-ticket='{n}']")

    # the deferred paper turns up: F9 on the deferred list turns the cashier's list ready
    lookup.click(f"#lookup-deferred tr[data-invoice-id='{first}']")
    lookup.keyboard.press("F9")
    lookup.wait_for_selector(f"#lookup-deferred tr[data-invoice-id='{first}']", state="detached")
    cashier.keyboard.type(str(n))
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#ready[data-ready=true]")
    cashier.keyboard.press("F4")
    cashier.wait_for_selector(f"#collect-result[data-ticket='{n}']")
    paid = staff["sup"].get(f"/api/tickets/{n}")
    assert paid["status"] == "done"
    assert {i["pay_status"] for i in paid["customers"][0]["invoices"]} == {"paid"}
    assert console.errors == []
    lookup.close()
    cashier.close()


@pytest.mark.browser
def test_every_page_recovers_from_a_server_restart(
    browser: Any, hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    console = Console()
    display = console.watch(browser.new_page())
    display.goto(f"{hall.base}/displays/?token=demo-display-2")
    kiosk = console.watch(browser.new_page())
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    lookup = console.watch(browser.new_page())
    sign_in(lookup, hall, "lookup1", "LE")
    cashier = console.watch(browser.new_page())
    sign_in(cashier, hall, "cashier3", "C3")
    pages = (display, kiosk, lookup, cashier)
    for page in pages:
        page.wait_for_selector("body[data-state=online]")

    hall.stop()
    for page in pages:
        page.wait_for_selector("body[data-state=offline]")
        assert page.is_visible("#offline")
    hall.start()
    for page in pages:
        page.wait_for_selector("body[data-state=online]", timeout=30_000)

    # what happens after the restart reaches every page, without a reload
    t = issue(staff, customers.take(invoices=1, parity="even"))
    n = t["number"]
    inv = t["customers"][0]["invoices"][0]["invoice_id"]
    lookup.wait_for_selector(f"#lookup-pending tr[data-invoice-id='{inv}']")
    desk = page_session(cashier, hall)  # the page's session: C3 holds one
    desk.act("call", number=n)
    display.wait_for_selector(f"#counter-C3:text-is('{n}')")
    cashier.wait_for_selector(f"#current-number:text-is('{n}')")
    desk.act("finish", confirm=True, reason="customer_left")
    desk.close()
    errors = [e for e in console.errors if "ERR_CONNECTION_REFUSED" not in e]
    assert errors == []
    for page in pages:
        page.close()
