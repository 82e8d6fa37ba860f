"""Priority customers and "your turn is near" on the pages (docs/priority.md,
docs/notify.md), in Debian chromium on a real server: the kiosk issues a priority ticket
with a phone number (refused, in words, without consent or with a number that is not a
Vietnamese mobile), the hall display marks its call without shrinking the number,
reception marks a waiting ticket and the cashier sees the mark, and the follow page is
pushed "your turn is near" as the queue moves and stops the messages."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser import Console, page_session, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Device, Staff

PUSH_BOUND_MS = 4_000  # a push takes milliseconds; the bound only ends a broken test
HEIGHT = "() => document.documentElement.scrollHeight"  # a kiosk page that needs no scrolling


@pytest.fixture(scope="module")
def desk(hall: HallServer) -> Iterator[dict[str, Staff]]:
    people = {  # reception's own desk is left to the page under test
        "sup": Staff(hall.base, "supervisor", None),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "kiosk": Device(hall.base, "demo-kiosk-1"),
    }
    people["c1"].open_drawer()
    yield people
    for p in people.values():
        p.close()


def follow(hall: HallServer, token: str) -> dict[str, Any]:
    view: dict[str, Any] = httpx.get(f"{hall.base}/api/follow/{token}", timeout=30).json()
    return view


def finish(c1: Staff) -> None:
    c1.act("finish", confirm=True, reason="customer_left")


@pytest.mark.browser
def test_kiosk_issues_a_priority_ticket_with_a_phone_and_the_display_marks_its_call(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    board = console.watch(browser.new_page(viewport={"width": 1920, "height": 1080}))
    board.goto(f"{hall.base}/displays/?token=demo-display-1")
    board.wait_for_selector("body[data-state=online]")
    kiosk = console.watch(browser.new_page(viewport={"width": 1080, "height": 1920}))
    kiosk.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
    kiosk.wait_for_selector("body[data-state=online][data-offers='priority notify'] #code")
    assert kiosk.locator("#priority-box").is_hidden(), "the first screen is the code"

    kiosk.fill("#code", customers.take())
    kiosk.press("#code", "Enter")
    kiosk.wait_for_selector("#customers li")
    kiosk.wait_for_selector("#priority-box:visible")
    kinds = kiosk.locator("#priority-kinds button")
    assert kinds.all_inner_texts() == [
        "Người cao tuổi",
        "Người khuyết tật",
        "Phụ nữ mang thai",
        "Người bế con nhỏ",
    ]
    for box in (kinds.nth(i).bounding_box() for i in range(4)):
        assert box and box["height"] >= 60 and box["width"] >= 200, box  # elderly hands
    kiosk.click("#priority-kinds [data-kind=elderly]")
    assert kiosk.evaluate(HEIGHT) <= 1920, "with the options, 'Lấy số' is still on screen"
    assert kiosk.get_attribute("#priority-kinds [data-kind=elderly]", "aria-pressed") == "true"
    assert kiosk.is_hidden("#consent-text")  # the phone's fields open on a touch
    kiosk.click("#notify-open")
    assert "xoá vào cuối ngày" in kiosk.inner_text("#consent-text")

    # a number that is not a Vietnamese mobile: refused in words, nothing issued
    kiosk.click("#phone")
    for key in "12345":
        kiosk.click(f"#keypad [data-key='{key}']")  # the keypad types into the phone now
    assert kiosk.input_value("#phone") == "12345" and kiosk.input_value("#code") == ""
    kiosk.check("#consent")
    kiosk.click("#take-ticket")
    kiosk.wait_for_selector("#error[data-code=invalid_phone]")
    assert "Số điện thoại không hợp lệ" in kiosk.inner_text("#error")
    # a good number without consent: refused, and said why
    kiosk.fill("#phone", "0912 345 678")
    kiosk.uncheck("#consent")
    kiosk.click("#take-ticket")
    kiosk.wait_for_selector("#error[data-code=consent_required]")
    assert "đồng ý" in kiosk.inner_text("#error")
    kiosk.click("#lang-toggle")
    kiosk.wait_for_selector("html[lang=en]")
    assert "tick the consent box" in kiosk.inner_text("#error")
    kiosk.click("#lang-toggle")
    kiosk.wait_for_selector("html[lang=vi]")
    assert kiosk.is_visible("#start-view")

    kiosk.check("#consent")
    kiosk.click("#channels [data-channel=zalo]")
    kiosk.click("#take-ticket")
    kiosk.wait_for_selector("body[data-screen=result] #ticket-priority:visible")
    number = int(kiosk.inner_text("#ticket-number"))
    assert kiosk.evaluate(HEIGHT) <= 1920, "the ticket screen fits: the number stays in view"
    assert kiosk.inner_text("#ticket-priority") == "Ưu tiên: Người cao tuổi"
    assert kiosk.inner_text("#ticket-notify") == "Tin nhắn sẽ gửi đến 0912***678 (Zalo)"
    token = kiosk.get_attribute("#ticket-qr", "src").split("/")[2]  # type: ignore[union-attr]
    view = follow(hall, token)
    assert view["priority"] == "elderly"
    assert view["notify"] == {"phone": "0912***678", "active": True, "withdrawn": False}
    kiosk.click("#done")
    kiosk.wait_for_selector("body[data-screen=start][data-priority='']")
    assert kiosk.input_value("#phone") == "" and not kiosk.is_checked("#consent")

    # the follow page shows the mark and where the messages go
    phone = console.watch(browser.new_page(viewport={"width": 390, "height": 800}))
    phone.goto(f"{hall.base}/t/{token}")
    phone.wait_for_selector("#follow-priority[data-kind=elderly]")
    assert phone.inner_text("#follow-priority") == "Ưu tiên: Người cao tuổi"
    assert "0912***678" in phone.inner_text("#follow-phone")
    phone.close()

    # called: the display marks the call, and the number keeps its size and colour
    c1 = desk["c1"]
    c1.act("call", number=number)
    board.wait_for_selector(
        f".tile[data-counter=C1][data-ticket='{number}'][data-priority=elderly] .prio",
        timeout=PUSH_BOUND_MS,
    )
    board.wait_for_selector(f"#last-call[data-ticket='{number}'][data-priority=elderly]")
    assert board.is_visible("#last-call-priority")
    assert board.inner_text(".tile[data-counter=C1] .prio") == "Ưu tiên / Priority"
    assert board.get_attribute(f"#recent li[data-ticket='{number}']", "data-priority") == "elderly"
    style = """n => { const s = getComputedStyle(n); return [s.fontSize, s.color]; }"""
    marked = board.eval_on_selector(".tile[data-counter=C1] .number", style)
    banner = board.eval_on_selector("#last-call", "n => n.getBoundingClientRect().height")
    finish(c1)
    normal = desk["sup"].post("/api/tickets", {"customers": [customers.take()]})
    c1.act("call", number=normal["number"])
    board.wait_for_selector(
        f".tile[data-counter=C1][data-ticket='{normal['number']}'][data-priority='']",
        timeout=PUSH_BOUND_MS,
    )
    assert board.locator(".tile[data-counter=C1] .prio").count() == 0
    assert board.is_hidden("#last-call-priority")
    assert board.eval_on_selector(".tile[data-counter=C1] .number", style) == marked
    assert board.eval_on_selector("#last-call", "n => n.getBoundingClientRect().height") == banner
    finish(c1)
    assert console.errors == []
    board.close()
    kiosk.close()


@pytest.mark.browser
def test_reception_marks_a_waiting_ticket_and_the_cashier_sees_the_mark(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1600, "height": 1000}))
    sign_in(page, hall, "reception", "R1")
    page.wait_for_selector("#reception-view:visible #rc-priority-box:visible")
    waiting = desk["kiosk"].post("/api/tickets", {"customers": [customers.take()]})
    n = waiting["number"]
    row = f"#rc-waiting tr[data-ticket='{n}']"
    page.wait_for_selector(f"{row}[data-priority='']", timeout=PUSH_BOUND_MS)

    page.select_option(f"{row} select.mark", "pregnant")
    page.wait_for_selector(f"{row}[data-priority=pregnant] .prio-badge", timeout=PUSH_BOUND_MS)
    assert page.inner_text(f"{row} .prio-badge") == "Ưu tiên: Phụ nữ mang thai / Priority: Pregnant"
    assert desk["sup"].get(f"/api/tickets/{n}")["priority"] == "pregnant"
    page.click(f"{row} button.unmark")
    page.wait_for_selector(f"{row}[data-priority=''] select.mark", timeout=PUSH_BOUND_MS)
    assert desk["sup"].get(f"/api/tickets/{n}")["priority"] is None

    # reception issues a priority ticket: the shown (and printed) ticket carries the mark
    page.fill("#rc-code", customers.take())
    page.press("#rc-code", "Enter")
    page.wait_for_selector("#rc-basket li")
    page.select_option("#rc-priority", "child")
    page.click("#rc-issue")
    page.wait_for_selector("#rc-ticket:visible #rc-ticket-priority[data-kind=child]")
    issued = int(page.inner_text("#rc-ticket-number"))
    page.wait_for_selector(f"#rc-waiting tr[data-ticket='{issued}'][data-priority=child]")
    assert page.input_value("#rc-priority") == "", "the next ticket starts without a mark"

    # called: it leaves the waiting list
    c1 = desk["c1"]
    c1.act("call", number=issued)
    page.wait_for_selector(f"#rc-waiting tr[data-ticket='{issued}']", state="detached")
    finish(c1)
    page.close()

    cashier = console.watch(browser.new_page(viewport={"width": 1600, "height": 1000}))
    sign_in(cashier, hall, "cashier3", "C3")
    cashier.wait_for_selector("#cashier-view:visible")
    marked = desk["sup"].post("/api/tickets", {"customers": [customers.take()]})
    desk["sup"].post(f"/api/tickets/{marked['number']}/priority", {"priority": "disabled"})
    at_c3 = page_session(cashier, hall)
    at_c3.open_drawer()
    at_c3.act("call", number=marked["number"])
    cashier.wait_for_selector(
        f"#current[data-ticket='{marked['number']}'] #current-priority[data-kind=disabled]",
        timeout=PUSH_BOUND_MS,
    )
    assert "Người khuyết tật" in cashier.inner_text("#current-priority")
    at_c3.act("finish", confirm=True, reason="customer_left")
    at_c3.close()
    cashier.wait_for_selector("#current-priority", state="hidden", timeout=PUSH_BOUND_MS)
    assert console.errors == []
    cashier.close()


@pytest.mark.browser
def test_follow_page_is_pushed_your_turn_is_near_and_stops_the_messages(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    c1 = desk["c1"]
    for _ in range(5):
        desk["sup"].post("/api/tickets", {"customers": [customers.take()]})
    mine = desk["kiosk"].post(
        "/api/tickets",
        {"customers": [customers.take()], "phone": "0987654321", "consent": True},
    )
    token = mine["follow_token"]
    assert mine["notify"] == {"phone": "0987***321", "channel": "sms"}
    view = follow(hall, token)
    assert view["ahead"] > 3 and view["near"] is False

    phone = console.watch(browser.new_page(viewport={"width": 390, "height": 800}))
    phone.goto(f"{hall.base}/t/{token}")
    phone.wait_for_selector(f"#follow-ahead[data-ahead='{view['ahead']}']")
    assert phone.is_hidden("#follow-near")
    assert phone.inner_text("#follow-phone") == "Tin nhắn báo lượt gửi đến 0987***321"
    requests: list[str] = []
    phone.on("request", lambda r: requests.append(r.url))
    ahead = view["ahead"]
    while ahead > 3:  # the queue moves: the next in the call order, served
        c1.act("call-next")
        finish(c1)
        ahead -= 1
        phone.wait_for_selector(f"#follow-ahead[data-ahead='{ahead}']", timeout=PUSH_BOUND_MS)
    phone.wait_for_selector("body.near #follow-near:visible", timeout=PUSH_BOUND_MS)
    assert phone.inner_text("#follow-near").startswith("Sắp đến lượt quý khách")
    assert requests == [], f"pushed, not asked: {requests}"
    assert follow(hall, token)["near"] is True

    phone.click("#follow-stop")
    phone.wait_for_selector("#follow-confirm:visible")
    assert "xoá ngay" in phone.inner_text("#follow-confirm")
    phone.click("#follow-stop-no")  # changed their mind: nothing sent, still active
    assert phone.is_visible("#follow-stop") and follow(hall, token)["notify"]["active"] is True
    phone.click("#follow-stop")
    phone.click("#follow-stop-yes")
    phone.wait_for_selector("#follow-stop-result[data-result=stopped]", timeout=PUSH_BOUND_MS)
    assert "Đã dừng" in phone.inner_text("#follow-stop-result")
    phone.wait_for_selector("#follow-notify[data-withdrawn=true] #follow-stop", state="hidden")
    assert follow(hall, token)["notify"] == {"phone": None, "active": False, "withdrawn": True}
    phone.click("#lang-toggle")
    phone.wait_for_selector("#follow-stop-result:text('Stopped')")
    assert "erased" in phone.inner_text("#follow-phone")
    assert console.errors == []
    phone.close()


@pytest.mark.browser
def test_supervisor_sees_the_two_lanes_waits_side_by_side(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    """With priority and normal tickets called today, the supervisor's table shows each
    lane's figures as GET /api/stats/hourly has them."""
    c1 = desk["c1"]
    for kind in ("elderly", None):
        body = {"customers": [customers.take()], **({"priority": kind} if kind else {})}
        c1.act("call", number=desk["sup"].post("/api/tickets", body)["number"])
        finish(c1)
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1600, "height": 1000}))
    sign_in(page, hall, "supervisor", "")
    page.wait_for_selector("#sv-lanes[data-ready=true]")
    lanes = desk["sup"].get("/api/stats/hourly")["lanes"]
    assert lanes["priority"]["called"] >= 1 and lanes["normal"]["called"] >= 1
    for lane in ("priority", "normal"):
        row = page.locator(f"#sv-lanes tr[data-lane={lane}]")
        cells = row.locator("td").all_inner_texts()
        figures = lanes[lane]
        assert cells[:3] == [str(figures[k]) for k in ("issued", "called", "served")], cells
        wait = figures["wait_avg_s"]
        # minutes to one decimal, rounded half up as the page's Math.round does
        assert cells[3] == str(math.floor(wait / 6 + 0.5) / 10).removesuffix(".0"), (cells, wait)
    assert page.inner_text("#sv-lanes tr[data-lane=priority] th") == "Ưu tiên Priority"
    page.wait_for_selector("#sv-chart-wait[data-ready=true]")
    assert console.errors == []
    page.close()
