"""The cash pages in headless Debian chromium: the cashier's drawer on the cashier console
and the cash section of the head cashier and the supervisor, live over the websocket (no
reload anywhere). Setup that is not the point goes through the API; waits are on the
pages' data-* attributes, never on time."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff, ready_ticket

FLOAT = 500_000
OUT = 300_000


def head_drawer_open(people: dict[str, Staff]) -> None:
    # a page of an earlier test signed in as the head cashier at C4, which replaced this
    # client's session there (one session per cashier counter)
    people["head"].sign_in_again()
    try:
        people["head"].open_drawer(0)
    except ApiError as e:
        if e.code != "drawer_open":
            raise


def cash_page(browser: Any, console: Console, hall: HallServer, user: str, counter: str) -> Any:
    page = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(page, hall, user, counter)
    page.click("#tab-cash")
    page.wait_for_selector("body[data-view=cash] #cash-view[data-loaded=true]")
    return page


@pytest.mark.browser
def test_drawer_movement_mismatch_refusal_and_approval_live(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    head_drawer_open(people)

    # the cashier's day starts with the float: the prompt has the cursor, Enter opens
    cashier = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(cashier, hall, "cashier1", "C1")
    cashier.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    cashier.keyboard.type("500.000")
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector(f"#drawer[data-status=open] #dr-expected[data-amount='{FLOAT}']")

    head = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(head, hall, "head", "C4")
    head.wait_for_selector("#drawer[data-status=open]")
    sup = cash_page(browser, console, hall, "supervisor", "")
    sup.wait_for_selector("#cash-drawers tr[data-cashier=cashier1][data-status=open]")

    # F4 at the counter: the expected balance grows, here and on the supervisor's page
    t = ready_ticket(people, customers.take(invoices=1))
    total = t["total_due"]
    cashier.keyboard.type(str(t["number"]))
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#ready[data-ready=true]")
    cashier.keyboard.press("F4")
    cashier.wait_for_selector(f"#collect-result[data-ticket='{t['number']}']")
    cashier.wait_for_selector(f"#dr-expected[data-amount='{FLOAT + total}']")
    sup.wait_for_selector(
        f"#cash-drawers tr[data-cashier=cashier1] td.expected[data-amount='{FLOAT + total}']"
    )

    # money out to the head cashier (chosen by default); it hangs on the head's page, live
    assert cashier.input_value("#move-cashier") == "head"
    cashier.fill("#move-amount", str(OUT))
    cashier.press("#move-amount", "Enter")
    cashier.wait_for_selector("#move-list tr[data-side=out][data-status=hanging]")
    row = "#move-list tr[data-side=in]"
    head.wait_for_selector(f"{row}[data-status=hanging]")
    sup.wait_for_selector("#cash-moves tr[data-status=hanging]")

    # the head counts less than declared: both pages and the supervisor show the mismatch
    head.click(f"{row} button.answer")
    head.wait_for_selector("#move-amount:focus")
    assert head.input_value("#move-side") == "in"
    assert head.input_value("#move-cashier") == "cashier1"
    head.keyboard.type("250000")
    head.keyboard.press("Enter")
    head.wait_for_selector(f"{row}[data-status=mismatch]")
    cashier.wait_for_selector("#move-list tr[data-side=out][data-status=mismatch]")
    sup.wait_for_selector("#cash-moves tr.mismatch[data-status=mismatch]")
    sup.wait_for_selector("#cash-hanging.off")

    # the next customer is at the counter: closing now is refused with every reason at once
    nxt = people["kiosk"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    cashier.fill("#call-number", str(nxt["number"]))
    cashier.press("#call-number", "Enter")
    cashier.wait_for_selector(f"#current[data-ticket='{nxt['number']}']")
    cashier.fill("#close-counted", "1")
    cashier.click("#close-submit")
    cashier.wait_for_selector("#close-blockers li[data-code=movement_mismatch]")
    cashier.wait_for_selector("#close-blockers li[data-code=ticket_held]")
    assert "khai số tiền khác nhau" in cashier.inner_text("#close-blockers")
    assert cashier.get_attribute("#drawer", "data-status") == "open"

    # the head withdraws the wrong count and declares again: matched, the blocker goes
    head.click(f"{row}[data-status=mismatch] button.withdraw")
    head.wait_for_selector(f"{row}[data-status=hanging] button.answer")
    head.click(f"{row} button.answer")
    head.keyboard.type(str(OUT))
    head.keyboard.press("Enter")
    head.wait_for_selector(f"{row}[data-status=matched]")
    cashier.wait_for_selector("#move-list tr[data-status=matched]")
    cashier.wait_for_selector("#close-blockers li[data-code=movement_mismatch]", state="detached")

    # the customer has no paper yet and goes (F8, confirmed with a reason: money is owed);
    # closed 10,000 đ short (asked first, then confirmed), the drawer waits for the
    # supervisor's approval and takes no more money
    cashier.keyboard.press("F8")
    cashier.wait_for_selector("#finish-dialog[open]")
    cashier.select_option("#finish-reason", "customer_left")
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#current[data-ticket='']")
    expected = FLOAT + total - OUT
    cashier.wait_for_selector(f"#dr-expected[data-amount='{expected}']")
    cashier.fill("#close-counted", str(expected - 10_000))
    cashier.press("#close-counted", "Enter")
    cashier.wait_for_selector("#close-confirm[data-difference='-10000']:not([hidden])")
    cashier.click("#close-confirm-yes")
    cashier.wait_for_selector("#drawer[data-status=pending_approval]")
    cashier.wait_for_selector("#drawer-stop .difference[data-difference='-10000']")
    assert "chờ giám sát duyệt" in cashier.inner_text("#drawer-stop")
    assert cashier.is_disabled("#btn-collect")

    # the supervisor sees it live and approves with a note; the cashier's page follows
    pending = "#cash-drawers tr[data-cashier=cashier1][data-status=pending_approval]"
    sup.wait_for_selector(f"{pending} td.difference[data-difference='-10000']")
    sup.fill(f"{pending} input.note", "thiếu tiền lẻ, đã ký biên bản")
    sup.click(f"{pending} button.approve")
    sup.wait_for_selector("#cash-drawers tr[data-cashier=cashier1][data-status=closed]")
    cashier.wait_for_selector("#drawer[data-status=closed] #drawer-stop[data-status=closed]")
    assert "không thu thêm" in cashier.inner_text("#drawer-stop")

    # the day cannot close while the head's drawer is open: the supervisor sees why
    sup.wait_for_selector("#day-box[data-can-close=false] #day-blockers li[data-code=drawer_open]")
    assert "Đặng Văn Trưởng" in sup.inner_text("#day-blockers")
    assert sup.is_disabled("#day-close")
    assert console.errors == []
    for page in (cashier, head, sup):
        page.close()


@pytest.mark.browser
def test_papers_to_return_head_deposit_and_day_close(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    head_drawer_open(people)
    c2 = people["c2"]
    c2.open_drawer(0)
    sup = cash_page(browser, console, hall, "supervisor", "")

    # a customer leaves without paying: the paper delivered to C2 must go back
    t = ready_ticket(people, customers.take(invoices=1))
    invoice = t["customers"][0]["invoices"][0]["invoice_id"]
    c2.act("call", number=t["number"])
    c2.act("finish", confirm=True, reason="customer_left")
    paper = f"#papers-to-return tr[data-invoice-id='{invoice}']"
    sup.wait_for_selector(paper)
    sup.wait_for_selector("#papers-counters tr[data-counter=C2][data-to-return='1']")
    sup.wait_for_selector("#day-blockers li[data-code=invoices_not_returned]")
    sup.select_option(f"{paper} select.reason", "customer_left")
    sup.click(f"{paper} button.return")
    sup.wait_for_selector(paper, state="detached")
    sup.wait_for_selector(f"#papers-returned tr[data-invoice-id='{invoice}']", state="attached")
    sup.wait_for_selector("#day-blockers li[data-code=invoices_not_returned]", state="detached")
    c2.post("/api/cash/drawer/close", {"counted": 0})

    # the head cashier closes last, with the bank deposit, from the cashier console
    head = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(head, hall, "head", "C4")
    head.wait_for_selector("#drawer[data-status=open] #close-deposit:not([hidden])")
    held = int(head.get_attribute("#dr-expected", "data-amount") or "")
    head.fill("#close-counted", str(held))
    head.fill("#deposit-amount", str(held))
    head.fill("#deposit-bank", "Vietcombank Sài Gòn")
    head.fill("#deposit-ref", "NT-0001")
    head.click("#close-submit")
    head.wait_for_selector("#drawer[data-status=closed]")
    assert "Vietcombank" in head.inner_text("#drawer-stop")

    # the report's days read dd/mm/yyyy whatever the browser's language; a day that is not
    # one is refused on the page, in words
    typed = sup.input_value("#report-from")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", typed), typed
    sup.fill("#report-from", "31/02/2026")
    sup.click("#report-csv")
    sup.wait_for_selector("#report-error:not([hidden])")
    assert "ngày/tháng/năm" in sup.inner_text("#report-error")
    sup.fill("#report-from", typed)

    # the day's report as a file (the API wants the bearer token: the page fetches it)
    with sup.expect_download() as got:
        sup.click("#report-csv")
    assert got.value.failure() is None
    name = got.value.suggested_filename
    assert name.startswith("report-branch-PE0100-") and name.endswith(".csv")
    d, m, y = typed.split("/")
    assert f"{y}-{m}-{d}" in name, "the day typed dd/mm/yyyy is the report's day"
    assert Path(got.value.path()).read_bytes().startswith("\ufeff#report,".encode())

    # nothing stands in the way any more: close the day, after a confirmation
    sup.wait_for_selector("#day-box[data-can-close=true]")
    sup.click("#day-close")
    sup.wait_for_selector("#day-confirm-yes:focus")
    sup.click("#day-confirm-yes")
    sup.wait_for_selector("#cash-closed[data-closed=true]")
    assert "Vietcombank" in sup.inner_text("#cash-closed")
    assert sup.is_hidden("#day-close")
    assert console.errors == []
    for page in (sup, head):
        page.close()
