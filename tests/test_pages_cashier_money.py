"""The cashier's screen does not let money go wrong (issue 23, item 2), in headless Debian
chromium against a real `qms serve` and its CMIS simulator: the tendered amount, the
periods chosen from the keyboard and never ticked again by themselves, a cut supply and
its reconnection slip, the counter's payments kept across a reload with a receipt copy,
the head cashier's reversal screen, and the drawer's banner, notices and confirmation
of a difference. One server for the module; waits are on the pages' data-* attributes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff, ready_ticket

VIEW = {"width": 1440, "height": 1000}


def cashier_page(browser: Any, console: Console, hall: HallServer, user: str, counter: str) -> Any:
    """A cashier's console with the drawer opened on the page (float 0)."""
    page = console.watch(browser.new_page(viewport=VIEW))
    sign_in(page, hall, user, counter)
    page.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    page.wait_for_selector("#drawer[data-status=open]")
    return page


def call(page: Any, number: int) -> None:
    page.fill("#call-number", str(number))
    page.press("#call-number", "Enter")
    page.wait_for_selector(f"#current[data-ticket='{number}']")


def picked(page: Any) -> int:
    return int(page.get_attribute("#collect-amount", "data-picked") or "0")


@pytest.mark.browser
def test_tendered_echo_change_keyboard_periods_and_no_reticking(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    page = cashier_page(browser, console, hall, "cashier1", "C1")
    assert "Đã mở két" in page.inner_text("#drawer-notice")
    t = ready_ticket(people, customers.take(min_invoices=3, cut=False))
    invs = sorted(
        (i for c in t["customers"] for i in c["invoices"]),
        key=lambda i: (i["year"], i["month"], i["sub_period"]),
    )
    call(page, t["number"])
    page.wait_for_selector("#ready[data-ready=true]")
    n = len(invs)
    assert picked(page) == n, "a ticket called starts with every period ready ticked"

    # − drops the newest period, + takes it back: the customer pays the oldest two only
    page.keyboard.press("-")
    page.wait_for_selector(f"#collect-amount[data-picked='{n - 1}']")
    page.keyboard.press("+")
    page.wait_for_selector(f"#collect-amount[data-picked='{n}']")
    for _ in range(n - 2):
        page.keyboard.press("-")
    page.wait_for_selector("#collect-amount[data-picked='2']")
    newest = f"tr[data-invoice-id='{invs[-1]['invoice_id']}'] input.pick"
    assert not page.is_checked(newest)
    amount = invs[0]["total"] + invs[1]["total"]
    assert page.get_attribute("#collect-amount", "data-amount") == str(amount)

    # the tendered amount echoes with separators and the change shows as it is typed
    tendered = (amount // 100_000 + 1) * 100_000
    page.click("#tendered")
    page.keyboard.type(str(tendered)[:-3])
    short = amount - int(str(tendered)[:-3])
    page.wait_for_selector(f"#change-due.bad[data-change='{-short}']")
    assert "còn thiếu" in page.inner_text("#change-due")
    page.keyboard.type("000")
    page.wait_for_selector(f"#change-due.ok[data-change='{tendered - amount}']")
    echo = page.inner_text("#tendered-echo")
    assert echo == f"= {tendered:,} đ".replace(",", "."), echo
    change = f"{tendered - amount:,}".replace(",", ".")
    assert f"Tiền thừa trả khách: {change} đ" in page.inner_text("#change-due")

    # F4 takes the two; the rest stays unticked, and a second F4 takes nothing
    page.keyboard.press("F4")
    page.wait_for_selector(f"#collect-result[data-ticket='{t['number']}']")
    assert f"tiền thừa {change} đ" in page.inner_text("#collect-result")
    page.wait_for_selector(f"tr[data-invoice-id='{invs[1]['invoice_id']}'][data-pay-status=paid]")
    assert page.input_value("#tendered") == "", "the tendered box is cleared after F4"
    page.wait_for_selector("#collect-amount[data-picked='0']")
    assert page.is_hidden("#change-due")
    page.wait_for_selector("#payments-log[data-count='1']")
    page.wait_for_selector("#drawer-notice", state="hidden")  # "drawer opened" is old news
    page.keyboard.press("F4")
    page.wait_for_selector("#cashier-error:not([hidden])")
    assert "Chưa chọn kỳ nào" in page.inner_text("#cashier-error")
    assert page.get_attribute("#payments-log", "data-count") == "1"
    assert [
        i["pay_status"]
        for i in people["sup"].get(f"/api/tickets/{t['number']}")["customers"][0]["invoices"]
    ].count("paid") == 2, "the declined periods are still owed"

    # + picks the next period from the keyboard again, as the customer asks
    page.keyboard.press("+")
    page.wait_for_selector("#collect-amount[data-picked='1']")
    assert page.is_checked(f"tr[data-invoice-id='{invs[2]['invoice_id']}'] input.pick")

    # money typed for this customer is not the next one's: a new ticket starts empty
    page.fill("#tendered", "777")
    page.wait_for_selector("#tendered-echo:has-text('777 đ')")
    page.keyboard.press("F6")  # parked: the customer looks for more money
    page.wait_for_selector("#current[data-ticket='']")
    t2 = ready_ticket(people, customers.take(invoices=1, cut=False))
    call(page, t2["number"])
    assert page.input_value("#tendered") == ""
    assert page.inner_text("#tendered-echo") == ""
    page.click("#tendered")
    page.keyboard.type("5")
    assert page.input_value("#tendered") == "5", "typed anew, not appended to an old amount"
    assert console.errors == []
    page.close()


@pytest.mark.browser
def test_cut_supply_slip_payments_after_reload_and_a_receipt_copy(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    page = cashier_page(browser, console, hall, "cashier3", "C3")
    code = customers.take(cut=True, min_invoices=1)
    t = ready_ticket(people, code)
    call(page, t["number"])
    flag = f".customer[data-code='{code}'] .supply-cut"
    page.wait_for_selector(f"{flag}[data-settled=false]")
    assert "Đang bị cắt điện" in page.inner_text(flag)

    # F4 settles the customer: the screen says the reconnection slip went to the slip
    # printer, and follows that job until it has printed
    page.wait_for_selector("#ready[data-ready=true]")
    page.keyboard.press("F4")
    page.wait_for_selector(f"#collect-result[data-ticket='{t['number']}']")
    slip = f"#slip-result [data-customer='{code}'][data-status=done]"
    page.wait_for_selector(slip)
    assert "Phiếu đóng điện" in page.inner_text("#slip-result")
    row = "#payments-log li[data-txn]"
    page.wait_for_selector(f"{row} .paper[data-document=receipt][data-status=done]")
    txn = page.get_attribute(row, "data-txn")
    assert txn

    # the day's payments come from the server: a reload keeps them
    page.reload()
    page.wait_for_selector("body[data-state=online]")
    mine = f"#payments-log[data-loaded=true] li[data-txn='{txn}']"
    page.wait_for_selector(mine)
    assert str(t["number"]) in page.inner_text(mine)
    page.wait_for_selector(f"{mine} .paper[data-document=reconnection]")

    # a copy of the receipt prints at this counter, once, and no second slip
    def slips() -> int:
        jobs = people["sup"].get("/api/device-jobs")["jobs"]
        return sum(1 for j in jobs if j["document"] == "reconnection")

    before = slips()
    page.click(f"{mine} button.reprint")
    page.wait_for_selector("#payments-notice:not([hidden])")
    assert "BẢN SAO" in page.inner_text("#payments-notice")
    page.wait_for_selector(f"{mine} .paper[data-copy=true][data-status=done]")
    jobs = people["sup"].get("/api/device-jobs")["jobs"]
    copies = [j for j in jobs if j["document"] == "receipt" and j["target"] == "receipt-c3"]
    assert [j["status"] for j in copies] == ["done", "done"], "the receipt and its copy"
    assert slips() == before
    audit = people["sup"].get("/api/audit")["entries"]
    assert any(e["action"] == "receipts.reprint" and txn in (e["target"] or "") for e in audit)

    # the drawer closes on the exact count: no difference, said in words, no "null"
    page.wait_for_selector("#dr-expected[data-amount]")
    expected = page.get_attribute("#dr-expected", "data-amount")
    page.fill("#close-counted", expected or "")
    page.press("#close-counted", "Enter")
    page.wait_for_selector("#drawer[data-status=closed] #drawer-stop[data-status=closed]")
    banner = page.inner_text("#drawer-stop")
    assert "Khớp / No difference" in banner and "null" not in banner, banner
    assert page.is_hidden("#close-confirm")
    assert console.errors == []
    page.close()


@pytest.mark.browser
def test_head_cashier_reverses_a_payment_from_the_cash_screen(
    browser: Any, hall: HallServer, customers: Customers, people: dict[str, Staff]
) -> None:
    console = Console()
    c2 = people["c2"]
    c2.open_drawer(500_000)
    t = ready_ticket(people, customers.take(invoices=1, cut=False))
    c2.act("call", number=t["number"])
    inv = t["customers"][0]["invoices"][0]
    paid = c2.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    txn = paid["payments"][0]["txn_id"]

    head = console.watch(browser.new_page(viewport=VIEW))
    sign_in(head, hall, "head", "C4")
    head.click("#tab-cash")
    head.wait_for_selector("#cash-view[data-loaded=true] #reversals[data-loaded=true]")
    row = f"#reversal-list tr[data-txn='{txn}']"
    head.wait_for_selector(f"{row}[data-status=confirmed]")  # CMIS confirmed it, live

    # a reason, a first click that asks, a second that sends
    head.fill("#reversal-filter", paid["payments"][0]["customer_code"])
    head.click(f"{row} button.reverse")
    head.wait_for_selector("#reversal-error:not([hidden])")
    assert "Ghi lý do" in head.inner_text("#reversal-error")
    head.fill(f"{row} input.reason", "thu nhầm khách hàng")
    head.click(f"{row} button.reverse")
    head.wait_for_selector(f"{row}[data-confirming=true]")
    assert "Xác nhận huỷ" in head.inner_text(f"{row} button.reverse")
    head.click(f"{row} button.reverse")
    head.wait_for_selector("#reversal-notice:not([hidden])")
    assert "Đã gửi yêu cầu huỷ" in head.inner_text("#reversal-notice")
    head.wait_for_selector(f"{row}[data-status=reversed]")
    assert "thu nhầm khách hàng" in head.inner_text(row)

    # audited, and the money left the drawer that took it
    audit = people["sup"].get("/api/audit")["entries"]
    assert any(
        e["action"] == "payments.request_reversal"
        and txn in (e["target"] or "")
        and e["actor"] == "user:head"
        for e in audit
    )
    drawer = c2.get("/api/cash/mine")["drawer"]
    assert drawer["balance"]["given_back"] == inv["total"]
    assert console.errors == []
    head.close()


@pytest.mark.browser
def test_drawer_notices_follow_the_movement_and_a_shortage_is_confirmed(
    browser: Any, hall: HallServer, people: dict[str, Staff]
) -> None:
    console = Console()
    head = people["head"]
    head.sign_in_again()  # a page of an earlier test held the head's counter
    try:
        head.open_drawer(0)
    except ApiError as e:
        if e.code != "drawer_open":
            raise
    page = console.watch(browser.new_page(viewport=VIEW))
    sign_in(page, hall, "cashier2", "C2")  # the drawer of the test before, still open
    page.wait_for_selector("#drawer[data-status=open]")
    expected = int(page.get_attribute("#dr-expected", "data-amount") or "0")

    # declared first: the slip prints, both sign once the head declares too
    page.fill("#move-amount", "50000")
    page.press("#move-amount", "Enter")
    page.wait_for_selector("#move-list tr[data-side=out][data-status=hanging]")
    page.wait_for_selector("#drawer-notice:has-text('Đã khai chuyển')")
    # the head counts 40.000: that news is gone, the mismatch shows in the list
    head.post("/api/cash/movements", {"side": "in", "cashier": "cashier2", "amount": 40_000})
    page.wait_for_selector("#move-list tr[data-status=mismatch]")
    page.wait_for_selector("#drawer-notice", state="hidden")

    # withdrawn: the notice says so
    page.click("#move-list tr[data-status=mismatch] button.withdraw")
    page.wait_for_selector("#move-list tr[data-status=hanging]")
    page.wait_for_selector("#drawer-notice:has-text('Đã rút lại')")
    assert page.get_attribute("#drawer-notice", "data-tone") == ""

    # declared again, still not what the head counted: not green, nothing to sign
    page.fill("#move-amount", "45000")
    page.press("#move-amount", "Enter")
    page.wait_for_selector("#move-list tr[data-status=mismatch]")
    page.wait_for_selector("#drawer-notice[data-tone=warn]:not([hidden])")
    notice = page.inner_text("#drawer-notice")
    assert "chưa khớp" in notice and "45.000 đ" in notice and "40.000 đ" in notice, notice
    assert "hai bên ký" not in notice

    # withdrawn and declared as counted: matched, both sign
    page.click("#move-list tr[data-status=mismatch] button.withdraw")
    page.wait_for_selector("#move-list tr[data-status=hanging]")
    page.fill("#move-amount", "40000")
    page.press("#move-amount", "Enter")
    page.wait_for_selector("#move-list tr[data-status=matched]")
    page.wait_for_selector("#drawer-notice:has-text('hai bên khớp')")
    expected -= 40_000
    page.wait_for_selector(f"#dr-expected[data-amount='{expected}']")

    # what stops the close comes first: the reversed payment's paper goes back
    page.fill("#close-counted", str(expected - 10_000))
    page.press("#close-counted", "Enter")
    paper = "#close-blockers li[data-code=invoices_not_returned]"
    page.wait_for_selector(paper)
    assert page.is_hidden("#close-confirm")
    page.click(f"{paper} button.return")
    page.wait_for_selector(paper, state="detached")

    # 10.000 short: asked first; count again, then close with it
    page.wait_for_selector("#close-blockers", state="hidden")
    page.press("#close-counted", "Enter")
    page.wait_for_selector("#close-confirm[data-difference='-10000']:not([hidden])")
    assert "THIẾU 10.000 đ" in page.inner_text("#close-confirm")
    assert page.get_attribute("#drawer", "data-status") == "open"
    page.click("#close-confirm-no")
    page.wait_for_selector("#close-confirm", state="hidden")
    page.wait_for_selector("#close-counted:focus")
    page.press("#close-counted", "Enter")
    page.wait_for_selector("#close-confirm:not([hidden])")
    page.click("#close-confirm-yes")
    page.wait_for_selector("#drawer[data-status=pending_approval]")
    banner = page.inner_text("#drawer-stop")
    assert "Thiếu / Short −10.000 đ" in banner and "null" not in banner, banner

    # approved: the closed banner names who and why, and no "null"
    drawer_id = people["sup"].get("/api/cash")["drawers"]
    mine = next(d for d in drawer_id if d["cashier"] == "cashier2")
    people["sup"].post(f"/api/cash/drawers/{mine['id']}/approve", {"note": "thiếu tiền lẻ"})
    page.wait_for_selector("#drawer[data-status=closed]")
    banner = page.inner_text("#drawer-stop")
    assert "thiếu tiền lẻ" in banner and "null" not in banner, banner
    assert console.errors == []
    page.close()
