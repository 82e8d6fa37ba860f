"""The kiosk's language switch and QR code, the public follow page on a phone, reception's
customer search and reprint, and the supervisor's live hall with its charts: in headless
Debian chromium, with no console errors. Waits are on selectors (the CSP forbids eval)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from qms.devices import qr
from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff

FOLLOW_POLL_WAIT_MS = 15_000  # the page polls every 5 s


def image_width(page: Any, selector: str) -> int:
    """naturalWidth once the image has loaded (0 if it failed)."""
    img = page.wait_for_selector(f"{selector}[src]")
    return int(
        img.evaluate(
            """i => i.complete ? i.naturalWidth : new Promise(done => {
                 i.addEventListener("load", () => done(i.naturalWidth));
                 i.addEventListener("error", () => done(0));
               })"""
        )
    )


@pytest.mark.browser
def test_kiosk_language_qr_and_follow_page(
    browser: Any, hall: HallServer, customers: Customers, staff: dict[str, Staff]
) -> None:
    console = Console()
    code = customers.take(invoices=1)
    kiosk = console.watch(browser.new_page(viewport={"width": 1280, "height": 900}))
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.wait_for_selector("body[data-state=online]")

    # Vietnamese by default, one language at a time; the toggle switches every text
    kiosk.wait_for_selector("html[lang=vi]")
    assert kiosk.inner_text("#take-ticket") == "Lấy số"
    assert "Take ticket" not in kiosk.inner_text("body")
    kiosk.click("#lang-toggle")
    kiosk.wait_for_selector("html[lang=en]")
    assert kiosk.inner_text("#take-ticket") == "Take ticket"
    assert kiosk.inner_text("#add-customer") == "Add"
    assert kiosk.inner_text("#lang-toggle") == "Tiếng Việt"
    assert "Lấy số" not in kiosk.inner_text("body")
    kiosk.reload()  # the choice is remembered
    kiosk.wait_for_selector("html[lang=en]")
    kiosk.fill("#code", "PE09999999999")
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector("#error[data-code=unknown_customer]")
    assert "not found" in kiosk.inner_text("#error")
    kiosk.click("#lang-toggle")  # an error on screen follows the language too
    kiosk.wait_for_selector("html[lang=vi]")
    assert "Không tìm thấy" in kiosk.inner_text("#error")

    kiosk.fill("#code", code)
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector(f"#customers li[data-code={code}]")
    kiosk.click("#take-ticket")
    kiosk.wait_for_selector("body[data-screen=result]")
    number = kiosk.inner_text("#ticket-number").strip()
    assert kiosk.is_visible(f"#ticket-customers li[data-code={code}]")
    assert image_width(kiosk, "#ticket-qr") > 0
    url = kiosk.get_attribute("#ticket-qr", "data-url")
    assert url and url.startswith(f"{hall.base}/t/")
    svg = httpx.get(f"{hall.base}{kiosk.get_attribute('#ticket-qr', 'src')}", timeout=30)
    assert svg.content == qr.svg(url), "the QR code on screen encodes the follow page"

    # the customer's phone: number and place first, then the counter once called
    phone = console.watch(browser.new_page(viewport={"width": 390, "height": 800}))
    phone.goto(url)
    phone.wait_for_selector(f"#follow-number:text-is('{number}')")
    phone.wait_for_selector("body[data-status=waiting] #follow-ahead[data-ahead]")
    assert phone.inner_text("#follow-status") == "Đang chờ"
    staff["c1"].act("call", number=int(number))
    phone.wait_for_selector(
        "body[data-status=serving] #follow-counter:text('Mời đến Quầy 1')",
        timeout=FOLLOW_POLL_WAIT_MS,
    )
    phone.click("#lang-toggle")
    phone.wait_for_selector("#follow-counter:text('Please go to Quầy 1')")
    staff["c1"].act("finish", confirm=True, reason="customer_left")
    phone.wait_for_selector("body[data-status=done]", timeout=FOLLOW_POLL_WAIT_MS)

    phone.goto(f"{hall.base}/t/NoSuchTicket1234")
    phone.wait_for_selector("#follow-error[data-code=unknown_ticket]")
    assert console.errors == []
    kiosk.close()
    phone.close()


@pytest.mark.browser
def test_reception_search_add_and_reprint(
    browser: Any, hall: HallServer, customers: Customers, demo: Any, staff: dict[str, Staff]
) -> None:
    console = Console()
    code = customers.take()
    c = demo.customers[code]
    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(page, hall, "reception", "R1")

    page.select_option("#rc-search-by", "name")
    page.fill("#rc-search-q", c.name)
    page.click("#rc-search-submit")
    row = f"#rc-search-results tr[data-code={code}]"
    page.wait_for_selector(row)
    assert page.inner_text(f"{row} .name") == c.name
    page.click(f"{row} button.add")
    page.wait_for_selector(f"#rc-basket li[data-code={code}]")
    page.wait_for_selector(f"{row} button.add:disabled")

    # by meter: exactly that customer
    page.select_option("#rc-search-by", "meter")
    page.fill("#rc-search-q", c.meter)
    page.click("#rc-search-submit")
    page.wait_for_selector("#rc-search-status[data-count='1']")

    page.click("#rc-issue")
    page.wait_for_selector("#rc-ticket[data-ticket]")
    number = page.get_attribute("#rc-ticket", "data-ticket")
    assert image_width(page, "#rc-ticket-qr") > 0

    # show again, then reprint: the printable ticket with its QR code, and print()
    page.fill("#rc-find-number", str(number))
    page.click("#rc-reprint")
    page.wait_for_selector(f"body[data-printed='{number}']")
    assert page.is_visible(f"#rc-ticket-customers [data-code={code}]")
    assert console.errors == []
    page.close()


@pytest.mark.browser
def test_supervisor_live_hall_and_charts(
    browser: Any, hall: HallServer, customers: Customers, staff: dict[str, Staff]
) -> None:
    console = Console()
    waiting = staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    served = staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    staff["c2"].act("call", number=served["number"])

    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1200}))
    sign_in(page, hall, "supervisor", "")
    page.wait_for_selector("#sv-chart-wait[data-ready=true]")
    page.wait_for_selector("#sv-chart-service[data-ready=true]")
    c2 = "#sv-counters tr[data-counter=C2]"
    page.wait_for_selector(f"{c2}[data-state=serving] td.serving:text-is('{served['number']}')")
    page.wait_for_selector("#sv-counters tr[data-counter=C3][data-state=idle]")
    page.wait_for_selector(f"#sv-lookup tr[data-ticket='{waiting['number']}']")
    assert int(page.inner_text("#sv-waiting")) >= 1
    assert page.get_attribute("#sv-oldest", "data-minutes") != ""

    # live: the counter goes idle when its ticket finishes, without a reload
    staff["c2"].act("finish", confirm=True, reason="customer_left")
    page.wait_for_selector(f"{c2}[data-state=idle]")
    assert console.errors == []
    page.close()
