"""The pages in a real browser (Debian chromium driven by Playwright): one ticket from the
kiosk to F4 (the cashier opens the drawer first), with kiosk, lookup, cashier and display
pages open at once, keys only where staff use keys, and no console errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer


@pytest.mark.browser
def test_one_ticket_from_kiosk_to_f4(
    browser: Any, hall: HallServer, customers: Customers, demo: Any
) -> None:
    console = Console()
    code = customers.take(invoices=2, parity="even")
    c = demo.customers[code]
    total = sum(i.total for i in c.invoices)

    display = console.watch(browser.new_page(viewport={"width": 1920, "height": 1080}))
    display.goto(f"{hall.base}/displays/?token=demo-display-1")
    display.wait_for_selector("body[data-state=online]")

    lookup = console.watch(browser.new_page())
    sign_in(lookup, hall, "lookup1", "LE")
    cashier = console.watch(browser.new_page())
    sign_in(cashier, hall, "cashier1", "C1")
    # the day starts with the float counted: F4 takes money only into an open drawer
    cashier.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    cashier.keyboard.type("200000")
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#drawer[data-status=open] #dr-expected[data-amount='200000']")

    kiosk = console.watch(browser.new_page())
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.fill("#code", "PE09999999999")
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector("#error[data-code=unknown_customer]")
    kiosk.fill("#code", code)
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector(f"#customers li[data-code={code}]")
    kiosk.click("#take-ticket")
    number = kiosk.wait_for_selector("#ticket-number").inner_text().strip()
    assert number.isdigit()
    shown = kiosk.inner_text("#ticket-customers")
    assert c.name not in shown and c.name.split()[0] in shown, "the kiosk masks the name"

    # the lookup clerk sees the ticket live and presses F9 on each of its invoices
    for inv in sorted(c.invoices, key=lambda i: i.period_key):
        row = f"#lookup-pending tr[data-invoice-id='{inv.invoice_id}']"
        lookup.wait_for_selector(row)
        lookup.click(row)
        lookup.keyboard.press("F9")
        lookup.wait_for_selector(row, state="detached")

    # the cashier types the number, sees name and total, F4
    cashier.keyboard.type(number)
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector(f"#current-number:text-is('{number}')")
    cashier.wait_for_selector("#ready[data-ready=true]")
    assert c.name in cashier.inner_text("#current-customers")
    digits = "".join(ch for ch in cashier.inner_text("#current-total") if ch.isdigit())
    assert digits == str(total)
    display.wait_for_selector(f"#counter-C1:text-is('{number}')")
    assert c.name not in display.inner_text("body")
    cashier.keyboard.press("F4")
    cashier.wait_for_selector(f"#collect-result[data-ticket='{number}']")
    cashier.wait_for_selector("#payments-log li[data-status=confirmed]")
    cashier.wait_for_selector(f"#dr-expected[data-amount='{200000 + total}']")
    assert console.errors == []
    for page in (display, lookup, cashier, kiosk):
        page.close()
