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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from integrations.bank import signing
from tests.browser import Console, page_session, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff, ready_ticket
from tests.printers.test_qr_scan import printed_images, scan
from tests.wsclient import ViewClient

VIEW = {"width": 1440, "height": 1000}
CUT = b"\x1dV"  # GS V: one per printed document
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


def emv(payload: str) -> dict[str, str]:
    """An EMVCo QR payload's top-level fields (id -> value)."""
    out, at = {}, 0
    while at < len(payload):
        key, size = payload[at : at + 2], int(payload[at + 2 : at + 4])
        out[key] = payload[at + 4 : at + 4 + size]
        at += 4 + size
    return out


@pytest.fixture(scope="module")
def watch(hall: HallServer) -> Iterator[ViewClient]:
    """The supervisor's live view: it hears each device job (a ticket printed)."""
    sup = Staff(hall.base, "supervisor", None)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    yield view
    view.close()
    sup.close()


def printed(view: ViewClient, document: str) -> dict[str, Any]:
    """The next job of ``document`` the printer took (bounded by the client's timeout)."""
    while True:
        msg = view.recv(30)
        view.apply(msg)
        job = msg.get("data", {}).get("job") if msg.get("event") == "device.job" else None
        if job and job["status"] == "done" and job["document"] == document:
            return job  # type: ignore[no-any-return]


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
    assert image_width(page, "#qr-image") > 100
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
    page.wait_for_selector(
        f"tr[data-invoice-id='{invoices[0]['invoice_id']}'][data-pay-status=paid]"
    )
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

    # the counter ends its day (the last test closes it): the rest unpaid, the drawer closed
    own = page_session(page, hall)
    own.post("/api/counters/C1/finish", {"confirm": True, "reason": "not_enough_money"})
    rest = [i["invoice_id"] for i in invoices[1:]]
    back = {"ticket": t["number"], "invoices": rest, "reason": "not_enough_money"}
    own.post("/api/counters/C1/return", back)
    own.post("/api/cash/drawer/close", {"counted": 0})
    own.close()
    page.close()
    shown.close()


@pytest.mark.browser
def test_a_printed_ticket_qr_pays_it_while_waiting_and_its_follow_page_turns_paid(
    browser: Any, hall: HallServer, customers: Customers, watch: ViewClient
) -> None:
    console = Console()
    kiosk = console.watch(browser.new_page(viewport={"width": 1080, "height": 1600}))
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.wait_for_selector("body[data-state=online]")
    kiosk.fill("#code", customers.take(min_invoices=1, cut=False))
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector("#customers li")
    kiosk.click("#take-ticket")
    # the kiosk's screen shows the ticket's QR beside the follow link's
    kiosk.wait_for_selector("#ticket-pay:not([hidden])")
    ref = kiosk.get_attribute("#ticket-pay", "data-ref") or ""
    number = int(kiosk.inner_text("#ticket-number"))
    assert image_width(kiosk, "#ticket-pay-qr") > 100
    assert kiosk.inner_text("#ticket-pay-amount") == kiosk.inner_text("#ticket-total")

    # the paper: its last job read back as the printer draws it, both QRs scanned
    printed(watch, "ticket")
    paper = (hall.tmp / "data" / "prints" / "kiosk-1.bin").read_bytes()
    job = paper[: paper.rindex(CUT)]
    job = job[job.rindex(CUT) + len(CUT) :] if CUT in job else job
    codes = scan(printed_images(job), Path(hall.tmp))
    pay = next(c for c in codes if c.startswith("000201"))
    fields = emv(pay)
    assert ref in fields["62"], "the transfer's description carries the ticket's reference"
    amount = int(fields["54"])
    assert kiosk.inner_text("#ticket-pay-amount") == f"{amount:,} đ".replace(",", ".")
    token = next(urlparse(c).path for c in codes if "/t/" in c).rsplit("/", 1)[-1]

    # the follow page offers the same QR while the ticket waits ...
    phone = console.watch(browser.new_page(viewport={"width": 390, "height": 844}))
    phone.goto(f"{hall.base}/t/{token}")
    phone.wait_for_selector("body[data-status=waiting] #follow-pay:not([hidden])")
    assert image_width(phone, "#follow-pay-qr") > 100
    assert phone.is_hidden("#follow-paid")
    # ... the payload read off the paper pays the ticket, never called: paid, by push
    assert notify(hall, ref, amount)["status"] == "applied"
    phone.wait_for_selector("body[data-status=done][data-paid=qr] #follow-paid:not([hidden])")
    assert "Đã thanh toán qua chuyển khoản" in phone.inner_text("#follow-paid")
    assert phone.is_hidden("#follow-pay")
    view = httpx.get(f"{hall.base}/api/follow/{token}", timeout=30).json()
    assert view["status"] == "done" and view["paid_qr"] is True and view["pay_qr"] is False
    assert str(amount) not in json.dumps(view), "the follow view carries no amount"
    gone = httpx.get(f"{hall.base}/t/{token}/pay.svg", timeout=30)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "qr_not_open"
    assert number > 0

    # reception's screen shows a ticket's QR after issuing too
    desk = console.watch(browser.new_page(viewport=VIEW))
    sign_in(desk, hall, "reception", "R1")
    code = customers.take(min_invoices=1, cut=False)
    desk.fill("#rc-code", code)
    desk.press("#rc-code", "Enter")
    desk.wait_for_selector(f"#rc-basket li[data-code={code}]")
    desk.click("#rc-issue")
    desk.wait_for_selector("#rc-ticket-pay:not([hidden])")
    assert (desk.get_attribute("#rc-ticket-pay", "data-ref") or "").startswith("QMS")
    assert image_width(desk, "#rc-ticket-pay-qr") > 100
    assert console.errors == []
    for page in (kiosk, phone, desk):
        page.close()


def statement(lines: list[tuple[str, int, str]]) -> str:
    """A bank's statement export (sao kê), its usual Vietnamese columns."""
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y %H:%M:%S")
    rows = ["Ngày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Nội dung"]
    rows += [f"{now},{txn},,{amount},{text}" for txn, amount, text in lines]
    return "\n".join(rows) + "\n"


@pytest.mark.browser
def test_the_head_cashier_decides_an_over_payment_and_clears_a_statement_line_then_closes(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff], tmp_path: Path
) -> None:
    console = Console()
    sup = people["sup"]
    head = console.watch(browser.new_page(viewport={"width": 1440, "height": 1400}))
    sign_in(head, hall, "head", "C4")
    head.click("#tab-cash")
    head.wait_for_selector("#noncash[data-loaded=true]")

    # a customer pays their printed ticket's QR 10.000 đ too much: an exception, live
    t = people["kiosk"].post("/api/tickets", {"customers": [customers.take(cut=False)]})
    over = notify(hall, t["qr"]["ref"], t["qr"]["amount"] + 10_000)
    assert over["status"] == "exception" and over["credit"]["reason"] == "over"
    row = f"#noncash-exceptions li[data-credit='{over['credit']['id']}']"
    head.wait_for_selector(f"{row}[data-reason=over]")
    assert "Chuyển thừa" in head.inner_text(row)
    head.wait_for_selector("#day-blockers li[data-code=bank_exceptions_open]")

    # refunded, with the refund's reference as the note (too short a note is refused first)
    head.fill(f"{row} input.note", "ok")
    head.click(f"{row} button.refunded")
    head.wait_for_selector("#noncash-error:not([hidden])")
    head.fill(f"{row} input.note", "Hoàn tiền FT26341000123")
    head.click(f"{row} button.refunded")
    head.wait_for_selector(row, state="detached")
    decided = sup.get("/api/bank/credits?status=resolved")["credits"]
    assert any(c["id"] == over["credit"]["id"] and c["resolution"] == "refunded" for c in decided)

    # the day's statement: every credit of the day, and one line nobody knows of
    day = sup.get("/api/bank/credits")["credits"]
    unknown = f"FT{uuid.uuid4().hex[:10].upper()}"
    csv = statement(
        [(c["bank_txn"], c["amount"], c["description"]) for c in day]
        + [(unknown, 5_000_000, "NOP TIEN MAT VAO TAI KHOAN")]
    )
    file = tmp_path / "sao-ke.csv"
    file.write_text(csv, encoding="utf-8")
    head.set_input_files("#statement-file", str(file))
    line = f"#noncash-lines li[data-txn='{unknown}']"
    head.wait_for_selector(f"{line}[data-status=unmatched]")
    head.wait_for_selector("#day-blockers li[data-code=statement_unmatched]")
    assert "dòng sao kê ngân hàng chưa khớp" in head.inner_text("#day-blockers")
    assert head.get_attribute("#day-box", "data-can-close") == "false"

    # not a customer's payment: cleared with what it is; nothing stands in the way
    head.fill(f"{line} input.note", "Nộp tiền mặt ngày vào tài khoản")
    head.click(f"{line} button.clear")
    head.wait_for_selector(f"{line}[data-status=cleared]")
    head.wait_for_selector("#day-box[data-can-close=true]")
    head.click("#day-close")
    head.click("#day-confirm-yes")
    head.wait_for_selector("#cash-closed[data-closed=true]")
    assert console.errors == []
    head.close()
