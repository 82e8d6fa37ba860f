"""The inventory's scanning page in Debian chromium on a real server: the supervisor reaches
it from the counters page (signed in already) and watches a book's count grow without a
reload, while a clerk, signed in on the page itself, scans by typing codes and Enter: each
answered at once, a double flagged amber, a refusal in Vietnamese, the box keeping focus.
Then a whole book: a paper left out, a paid one in the rack, a double scan and a scan whose
answer is lost on the way; the supervisor compares from the page, which shows the record
with exactly those, and downloads it as CSV and PDF."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.cmis.simulator.data import DemoData
from tests.browser import Console, sign_in
from tests.conftest import HallServer
from tests.hallclient import Staff
from tests.test_inventory_hall import COMMITTEE, pay_at_counter, small_books, unpaid


@pytest.fixture(scope="module")
def sup(hall: HallServer) -> Iterator[Staff]:
    s = Staff(hall.base, "supervisor", None)
    yield s
    s.close()


def scan(page: Any, code: str) -> None:
    """As a USB scanner does: the code's characters, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


@pytest.mark.browser
def test_a_clerk_scans_and_the_supervisor_sees_the_count_live(
    browser: Any, hall: HallServer, sup: Staff, demo: DemoData
) -> None:
    book = small_books(demo, 1)[0]
    rack = unpaid(hall, book)
    assert len(rack) >= 2
    inv = sup.post(
        "/api/inventories", {"title": "Kiểm kê trên trang", "books": [book], "committee": COMMITTEE}
    )["id"]
    console = Console()
    watch = console.watch(browser.new_page(viewport={"width": 1300, "height": 900}))
    sign_in(watch, hall, "supervisor", "")
    watch.click("#sv-inventory")  # the counters page's sign-in carries over
    watch.click(f"#inv-list tr[data-inventory='{inv}'] button")
    row = f"#inv-books tr[data-book='{book}']"
    watch.wait_for_selector(f"{row} td.scanned:text-is('0')")
    assert "Đang kiểm kê" in watch.inner_text("#inv-status")

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    clerk = console.watch(context.new_page())
    clerk.goto(f"{hall.base}/counters/inventory.html")
    clerk.fill("#login-username", "lookup1")
    clerk.fill("#login-password", "demo123")
    clerk.click("#login-submit")
    clerk.click(f"#inv-list tr[data-inventory='{inv}'] button")
    clerk.click(f"{row} button")
    clerk.wait_for_selector("#scan-view:not([hidden])")
    assert clerk.evaluate("document.activeElement.id") == "scan-code"

    answer = "#scan-answer[data-kind='{kind}']"
    scan(clerk, rack[0])
    clerk.wait_for_selector("#scan-count:text-is('1')")
    scan(clerk, f"{rack[1][:7]} {rack[1][7:]}")  # typed by hand, with a space
    clerk.wait_for_selector("#scan-count:text-is('2')")
    assert "đã quét" in clerk.inner_text(answer.format(kind="ok"))
    scan(clerk, rack[0])
    shown = clerk.inner_text(answer.format(kind="double"))
    assert "quét trùng — đã tính một lần" in shown and rack[0][7:] in shown
    assert clerk.inner_text("#scan-count") == "2"
    scan(clerk, "PE01000012345")
    refused = clerk.inner_text(answer.format(kind="refused"))
    assert "không phải mã vạch hoá đơn" in refused
    assert clerk.evaluate("document.activeElement.id") == "scan-code"

    # the supervisor's page followed without a reload: two papers, one double
    watch.wait_for_selector(f"{row} td.scanned:text-is('2')")
    watch.wait_for_selector(f"{row} td.doubles:text-is('1')")
    assert "lookup1" in watch.inner_text(row)
    clerk.click("#scan-done")
    watch.wait_for_selector(f"{row}[data-status='counted']")
    clerk.wait_for_selector(f"#session-view:not([hidden]) {row}[data-status='counted']")

    assert not console.errors, console.errors
    context.close()
    watch.close()


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Staff]]:
    p = {
        "clerk1": Staff(hall.base, "lookup1", "LE"),
        "clerk2": Staff(hall.base, "lookup2", "LO"),
        "reception": Staff(hall.base, "reception", "R1"),
        "c1": Staff(hall.base, "cashier1", "C1"),
    }
    p["c1"].open_drawer()
    yield p
    for s in p.values():
        s.close()


def paid_at_cmis(hall: HallServer, book: str, paper: str) -> list[str]:
    """The book's unpaid papers once CMIS has the counter's payment (posted behind F4)."""
    deadline = time.monotonic() + 20
    while paper in (rack := unpaid(hall, book)):
        assert time.monotonic() < deadline, f"{paper} still unpaid at CMIS"
    return rack


def lose_first_answer(page: Any, code: str) -> list[str]:
    """The first scan of ``code`` reaches the hall, its answer does not reach the page."""
    seen: list[str] = []

    def handle(route: Any) -> None:
        body = route.request.post_data or ""
        if code in body and not seen:
            seen.append(body)
            route.fetch()  # the hall counts it...
            route.abort()  # ...and the page hears nothing
            return
        if code in body:
            seen.append(body)
        route.continue_()

    page.route("**/api/inventories/*/books/*/scan", handle)
    return seen


def downloaded(page: Any, button: str) -> bytes:
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_bytes()


@pytest.mark.browser
def test_a_book_counted_on_the_page_and_its_record_compared_there(
    browser: Any, hall: HallServer, sup: Staff, people: dict[str, Staff], demo: DemoData
) -> None:
    book = small_books(demo, 3)[2]
    owing = [x for x in demo.customers.values() if x.book_code == book and x.invoices]
    payer = min(owing, key=lambda x: len(x.invoices))  # pays all they owe: the fewest
    paid = f"{payer.invoices[0].series}{payer.invoices[0].number}"
    pay_at_counter(people, payer.code)  # its paper stays in the rack
    rack = paid_at_cmis(hall, book, paid)
    assert len(rack) >= 3
    missing, twice, lost, *rest = rack
    inv = sup.post(
        "/api/inventories",
        {"title": "Kiểm kê sổ trên trang", "books": [book], "committee": COMMITTEE},
    )["id"]
    assert sup.get(f"/api/inventories/{inv}")["listed_at"]  # CMIS's lists kept at the opening

    console = Console()
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    clerk = console.watch(context.new_page())
    clerk.goto(f"{hall.base}/counters/inventory.html")
    clerk.fill("#login-username", "lookup1")
    clerk.fill("#login-password", "demo123")
    clerk.click("#login-submit")
    clerk.click(f"#inv-list tr[data-inventory='{inv}'] button")
    row = f"#inv-books tr[data-book='{book}']"
    clerk.click(f"{row} button")
    clerk.wait_for_selector("#scan-view:not([hidden])")
    sent = lose_first_answer(clerk, lost)

    answer = "#scan-answer[data-kind='{kind}']"
    for n, code in enumerate([twice, lost, *rest], start=1):
        scan(clerk, code)
        clerk.wait_for_selector(f"#scan-count:text-is('{n}')")
        clerk.wait_for_selector(answer.format(kind="ok"))
    # the lost answer's scan was sent again with its key: counted once, not a double
    assert len(sent) == 2 and sent[0] == sent[1] and '"key"' in sent[0]
    scan(clerk, paid)
    extra = clerk.inner_text(answer.format(kind="extra"))
    assert "CMIS không còn nợ hoá đơn này" in extra and paid[7:] in extra
    counted = len(rack)  # all but the missing one, and the paid one
    clerk.wait_for_selector(f"#scan-count:text-is('{counted}')")
    scan(clerk, twice)
    assert "quét trùng" in clerk.inner_text(answer.format(kind="double"))
    scan(clerk, lost)  # the clerk scans it once more, on purpose: now truly a double
    clerk.wait_for_selector(f"{answer.format(kind='double')}:has-text('{lost[7:]}')")
    clerk.click("#scan-done")
    clerk.wait_for_selector(f"#session-view:not([hidden]) {row}[data-status='counted']")

    watch = console.watch(browser.new_page(viewport={"width": 1300, "height": 900}))
    sign_in(watch, hall, "supervisor", "")
    watch.click("#sv-inventory")
    watch.click(f"#inv-list tr[data-inventory='{inv}'] button")
    watch.wait_for_selector(f"{row} td.doubles:text-is('2')")
    assert watch.is_hidden("#record")  # not compared yet
    watch.click("#inv-compare")
    watch.wait_for_selector("#record:not([hidden])")
    totals = f"#record-books tr[data-book='{book}'] td"
    assert [t.inner_text() for t in watch.query_selector_all(totals)][1:] == [
        str(len(rack)), str(len(rack) - 1), "0", "1", "1", "2",
    ]  # fmt: skip
    diffs = watch.query_selector_all("#record-diffs tbody tr")
    shown = sorted((d.get_attribute("data-kind"), d.get_attribute("data-paper")) for d in diffs)
    assert shown == sorted(
        [("missing", missing), ("paid_here", paid), ("double", twice), ("double", lost)]
    )
    extra_row = watch.inner_text(f"#record-diffs tr[data-kind='paid_here'][data-paper='{paid}']")
    assert "Thừa: đã thu tại phòng" in extra_row and "chuyển về bộ phận hoá đơn" in extra_row
    missing_row = watch.inner_text(f"#record-diffs tr[data-kind='missing'][data-paper='{missing}']")
    assert "Tìm lại; không thấy thì báo mất" in missing_row

    rows = list(csv.reader(io.StringIO(downloaded(watch, "#inv-csv").decode("utf-8-sig"))))
    listed = {(r[1], r[2] + r[3]) for r in rows if len(r) == 8 and r[0] == book}
    assert listed == {
        ("Thiếu", missing), ("Thừa: đã thu tại phòng", paid),
        ("Quét trùng", twice), ("Quét trùng", lost),
    }  # fmt: skip
    assert downloaded(watch, "#inv-pdf").startswith(b"%PDF")

    assert not console.errors, console.errors
    context.close()
    watch.close()
