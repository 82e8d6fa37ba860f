"""No English or raw codes on a Vietnamese screen: a refusal of the server shows on each
page in the hall's words for its code (Vietnamese first; staff pages "vi / en"), with
amounts and dates as the hall writes them. One real server for the module, Debian's
chromium; waits are on the pages' data-* attributes, never on time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from qms.words import error_text
from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer

UNKNOWN = "PE09999999999"  # a well-formed code CMIS does not know


def both(code: str, **details: Any) -> str:
    """A staff page's words for a refusal: Vietnamese, then the English."""
    return f"{error_text(code, details, 'vi')} / {error_text(code, details, 'en')}"


@pytest.fixture
def console() -> Iterator[Console]:
    watched = Console()
    yield watched
    assert watched.errors == []


def page_at(browser: Any, console: Console) -> Any:
    return console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))


@pytest.mark.browser
def test_head_cashier_is_asked_for_the_bank_deposit_in_words(
    browser: Any, hall: HallServer, console: Console
) -> None:
    """The issue's "deposit.amount is a non-negative whole number": it means fill in the
    bank deposit. (First in the module: the head cashier closes last, so no colleague's
    drawer may be open yet.)"""
    head = page_at(browser, console)
    sign_in(head, hall, "head", "C4")
    head.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    head.keyboard.type("0")
    head.keyboard.press("Enter")
    head.wait_for_selector("#drawer[data-status=open] #close-deposit:not([hidden])")
    head.fill("#close-counted", "0")
    head.click("#close-submit")
    box = head.wait_for_selector("#drawer-error[data-code=invalid_amount]")
    text = box.inner_text()
    assert text.startswith("Nhập số tiền nộp ngân hàng")
    assert text == both("invalid_amount", field="deposit.amount")
    assert "deposit.amount" not in text
    head.close()


@pytest.mark.browser
def test_kiosk_says_an_unknown_customer_in_the_visitors_language(
    browser: Any, hall: HallServer, console: Console
) -> None:
    kiosk = console.watch(browser.new_page())
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.wait_for_selector("body[data-state=online] #code")
    kiosk.fill("#code", UNKNOWN)
    kiosk.press("#code", "Enter")
    box = kiosk.wait_for_selector("#error[data-code=unknown_customer]")
    assert box.inner_text() == f"Không tìm thấy khách hàng {UNKNOWN}."
    kiosk.click("#lang-toggle")
    kiosk.wait_for_selector(f"#error:text-is('Customer {UNKNOWN} not found.')")
    kiosk.close()


@pytest.mark.browser
def test_reception_says_an_unknown_customer_and_writes_the_time_as_the_hall_does(
    browser: Any, hall: HallServer, customers: Customers, console: Console
) -> None:
    reception = page_at(browser, console)
    sign_in(reception, hall, "reception", "R1")
    reception.fill("#rc-code", UNKNOWN)
    reception.press("#rc-code", "Enter")
    box = reception.wait_for_selector("#rc-error[data-code=unknown_customer]")
    assert box.inner_text() == both("unknown_customer", customer=UNKNOWN)
    assert box.inner_text().startswith(f"CMIS không có mã khách hàng {UNKNOWN}.")

    code = customers.take(invoices=1)
    reception.fill("#rc-code", code)
    reception.press("#rc-code", "Enter")
    reception.wait_for_selector(f"#rc-basket li[data-code={code}]")
    reception.click("#rc-issue")
    issued = reception.wait_for_selector("#rc-ticket-issued:not(:empty)").inner_text()
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", issued), issued
    reception.close()


@pytest.mark.browser
def test_lookup_clerk_signing_in_wrongly_is_told_in_words(
    browser: Any, hall: HallServer, console: Console
) -> None:
    lookup = page_at(browser, console)
    lookup.goto(f"{hall.base}/counters/")
    lookup.fill("#login-username", "lookup2")
    lookup.fill("#login-password", "not-the-password")
    lookup.select_option("#login-counter", "LO")
    lookup.click("#login-submit")
    box = lookup.wait_for_selector("#login-error[data-code=bad_credentials]")
    assert box.inner_text() == both("bad_credentials")
    assert box.inner_text().startswith("Sai tên đăng nhập hoặc mật khẩu.")

    lookup.fill("#login-password", "demo123")
    lookup.select_option("#login-counter", "C3")
    lookup.click("#login-submit")
    box = lookup.wait_for_selector("#login-error[data-code=wrong_counter]")
    assert box.inner_text() == both("wrong_counter")
    assert box.inner_text().startswith("Việc này không làm ở quầy này.")
    lookup.close()


@pytest.mark.browser
def test_cashier_calling_a_number_that_is_not_there(
    browser: Any, hall: HallServer, console: Console
) -> None:
    cashier = page_at(browser, console)
    sign_in(cashier, hall, "cashier1", "C1")
    cashier.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    cashier.keyboard.type("500000")
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector("#drawer[data-status=open]")
    cashier.keyboard.type("9999")
    cashier.keyboard.press("Enter")
    box = cashier.wait_for_selector("#cashier-error[data-code=unknown_ticket]")
    assert box.inner_text() == both("unknown_ticket")
    assert box.inner_text().startswith("Không có vé này hôm nay.")
    cashier.close()


@pytest.mark.browser
def test_supervisor_sees_counter_kinds_and_a_cmis_outage_in_words(
    browser: Any, hall: HallServer, console: Console
) -> None:
    sup = page_at(browser, console)
    sign_in(sup, hall, "supervisor", "")
    kind = sup.wait_for_selector("#sv-counters tr[data-counter=LE] td[data-kind]").inner_text()
    assert kind == "Tra cứu (chẵn) / Lookup (even)"
    assert sup.inner_text("#sv-counters tr[data-counter=C1] td[data-kind]") == "Thu ngân / Cashier"

    httpx.put(f"{hall.cmis_url}/admin/faults", json={"down": True}).raise_for_status()
    try:
        sup.click("#tab-cash")
        sup.wait_for_selector("body[data-view=cash] #cash-view[data-loaded=true]")
        sup.click("#day-check")
        box = sup.wait_for_selector("#day-error[data-code=cmis_unavailable]")
        assert box.inner_text() == both("cmis_unavailable")
        assert box.inner_text().startswith("CMIS (hệ thống hoá đơn) đang không trả lời.")
    finally:
        httpx.put(f"{hall.cmis_url}/admin/faults", json={}).raise_for_status()
    sup.close()


@pytest.mark.browser
def test_follow_page_says_an_unknown_ticket_in_vietnamese(
    browser: Any, hall: HallServer, console: Console
) -> None:
    phone = console.watch(browser.new_page(viewport={"width": 390, "height": 800}))
    phone.goto(f"{hall.base}/t/NoSuchTicket1234")
    box = phone.wait_for_selector("#follow-error[data-code=unknown_ticket]")
    assert box.inner_text().startswith("Không tìm thấy vé.")
    phone.close()
