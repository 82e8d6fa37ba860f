"""Pay by VietQR on the hall's pages and paper (issue 27), in headless Debian chromium
against a real `qms serve`: the cashier's QR (F9) paid by the bank's signed notification,
the customer display at the counter showing the same QR then "paid"; the head cashier's
non-cash panel (an exception resolved, a statement line cleared, the day closed); a
printed ticket's QR, read back off its ESC/POS, paying the ticket while it waits, its
follow page turning paid by push. The bank is whoever POSTs a signed notification over
loopback HTTP; waits are on the pages' data-* attributes, bounded."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

import httpx
import pytest

from integrations.bank import signing
from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff, ready_ticket

VIEW = {"width": 1440, "height": 1000}
#: the demo config's bank (config.yaml: bank.webhook_secret's default, bank.account)
SECRET = "demo-bank-secret-0123456789"
ACCOUNT = "0071000123456"


def notify(hall: HallServer, ref: str, amount: int, txn: str | None = None) -> dict[str, Any]:
    """The bank's notification of a transfer naming ``ref``, signed as the bank signs it."""
    body = json.dumps(
        {
            "transaction_id": txn or f"FT{uuid.uuid4().hex[:12].upper()}",
            "account": ACCOUNT,
            "amount": amount,
            "currency": "VND",
            "description": f"{ref} thanh toan tien dien",
            "credited_at": dt.datetime.now(dt.UTC).isoformat(),
        }
    ).encode()
    r = httpx.post(
        f"{hall.base}/api/bank/notifications",
        content=body,
        headers=signing.headers(SECRET, int(time.time()), body),
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def cashier_page(browser: Any, console: Console, hall: HallServer, user: str, counter: str) -> Any:
    page = console.watch(browser.new_page(viewport=VIEW))
    sign_in(page, hall, user, counter)
    page.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    page.wait_for_selector("#drawer[data-status=open]")
    return page


@pytest.mark.browser
def test_the_cashier_shows_a_qr_the_bank_pays_and_the_counter_display_follows(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    shown = console.watch(browser.new_page(viewport={"width": 1280, "height": 800}))
    shown.goto(f"{hall.base}/displays/counter.html?counter=C1&token=demo-display-2")
    shown.wait_for_selector("body[data-state=online][data-mode=idle]")
    page = cashier_page(browser, console, hall, "cashier1", "C1")
    t = ready_ticket(people, customers.take(min_invoices=2, cut=False))
    invoices = sorted(
        (i for c in t["customers"] for i in c["invoices"]),
        key=lambda i: (i["year"], i["month"], i["sub_period"]),
    )
    page.fill("#call-number", str(t["number"]))
    page.press("#call-number", "Enter")
    page.wait_for_selector("#ready[data-ready=true]")
    shown.wait_for_selector(f"#idle[data-ticket='{t['number']}']")

    # a QR for the oldest period only: the amount and the reference are on the screen
    for _ in range(len(invoices) - 1):
        page.keyboard.press("-")
    page.wait_for_selector("#collect-amount[data-picked='1']")
    page.keyboard.press("F9")
    page.wait_for_selector("#qr-box[data-state=waiting]")
    ref = page.get_attribute("#qr-box", "data-ref") or ""
    assert ref.startswith("QMS")
    amount = invoices[0]["total"]
    assert page.inner_text("#qr-amount") == f"{amount:,} đ".replace(",", ".")
    assert page.inner_text("#qr-ref") == ref
    assert "TONG CONG TY DIEN LUC" in page.inner_text("#qr-account")
    assert (page.get_attribute("#qr-image", "src") or "").startswith("data:image/svg+xml")
    assert page.evaluate("document.querySelector('#qr-image').naturalWidth") > 100
    # the customer display shows the same QR, fetched by its reference
    shown.wait_for_selector(f"body[data-mode=qr] #qr[data-ref='{ref}']")
    assert shown.inner_text("#qr-amount") == page.inner_text("#qr-amount")

    # a refused QR shows its words as F4's do: nothing chosen
    page.keyboard.press("-")
    page.wait_for_selector("#collect-amount[data-picked='0']")
    page.keyboard.press("F9")
    page.wait_for_selector("#cashier-error:not([hidden])")
    assert "Chưa chọn kỳ nào" in page.inner_text("#cashier-error")

    # the bank's credit: the cashier's screen says so, the display says paid, the log too
    got = notify(hall, ref, amount)
    assert got["status"] == "applied", got
    page.wait_for_selector("#qr-box[data-state=paid]")
    assert "Đã nhận chuyển khoản" in page.inner_text("#qr-status")
    page.wait_for_selector(f"#collect-result[data-method=vietqr][data-ticket='{t['number']}']")
    page.wait_for_selector(f"tr[data-invoice-id='{invoices[0]['invoice_id']}'][data-pay-status=paid]")
    shown.wait_for_selector(f"body[data-mode=paid] #paid[data-ticket='{t['number']}']")
    assert "Đã thanh toán" in shown.inner_text("#paid")
    page.wait_for_selector("#payments-log .method[data-method=vietqr]")
    # a repeat of the notification changes nothing
    assert notify(hall, ref, amount, got["credit"]["bank_txn"])["status"] == "repeat"
    paid = people["sup"].get(f"/api/tickets/{t['number']}")["customers"][0]["invoices"]
    assert [i["pay_status"] for i in paid].count("paid") == 1

    # the receipt printed at C1: the bank's transaction instead of cash given
    jobs = people["sup"].get("/api/device-jobs")["jobs"]
    receipt = [j for j in jobs if j["document"] == "receipt" and j["target"] == "receipt-c1"]
    assert receipt, "the QR payment's receipt is queued at the counter's printer"
    assert console.errors == []
    page.close()
    shown.close()
