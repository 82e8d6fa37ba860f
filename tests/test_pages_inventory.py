"""The inventory's scanning page in Debian chromium on a real server: the supervisor reaches
it from the counters page (signed in already) and watches a book's count grow without a
reload, while a clerk, signed in on the page itself, scans by typing codes and Enter: each
answered at once, a double flagged amber, a refusal in Vietnamese, the box keeping focus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations.cmis.simulator.data import DemoData
from tests.browser import Console, sign_in
from tests.conftest import HallServer
from tests.hallclient import Staff
from tests.test_inventory_hall import COMMITTEE, small_books, unpaid


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
