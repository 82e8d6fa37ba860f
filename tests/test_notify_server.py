""" "Your turn is near" in one real `qms serve` with its gateway simulator as a child
process: numbers left at reception, a call, the messages delivered once (or refused for
a blocked number), seen by the supervisor as events, through GET /api/notices and on the
supervisor page (docs/notify.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer, free_port
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

SENT_TO, BLOCKED = "0912345601", "0912345602"


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    sim_port = free_port()
    server = HallServer(
        tmp_path_factory.mktemp("notify"),
        notify__simulator={"enabled": True, "port": sim_port, "faults": {"reject": [BLOCKED]}},
    )
    server.notify_url = f"http://127.0.0.1:{sim_port}"  # type: ignore[attr-defined]
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def day(hall: HallServer, customers: Customers) -> Iterator[dict[str, Any]]:
    """Two customers leave numbers (one the gateway blocks); the first is called."""
    reception = Staff(hall.base, "reception", "R1")
    c1 = Staff(hall.base, "cashier1", "C1")
    sup = Staff(hall.base, "supervisor", None)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    try:
        tickets = [
            reception.post(
                "/api/tickets",
                {"customers": [customers.take()], "phone": p, "consent": True, "channel": "sms"},
            )
            for p in (SENT_TO, BLOCKED)
        ]
        c1.open_drawer()
        c1.act("call", number=tickets[0]["number"])
        n0, n1 = tickets[0]["number"], tickets[1]["number"]
        sent = view.until_match(lambda e, d: e == "notice.sent" and d["number"] == n0)
        failed = view.until_match(lambda e, d: e == "notice.failed" and d["number"] == n1)
        yield {"tickets": tickets, "sent": sent, "failed": failed, "sup": sup, "c1": c1}
    finally:
        view.close()
        for who in (reception, c1, sup):
            who.close()


def test_the_called_customer_gets_one_message_and_a_blocked_number_fails(
    hall: HallServer, day: dict[str, Any]
) -> None:
    number = day["tickets"][0]["number"]
    assert day["sent"] == {"number": number, "kind": "called", "channel": "sms"}
    assert day["failed"]["kind"] == "near" and "99" in day["failed"]["error"]
    inbox = httpx.get(hall.notify_url + "/messages", params={"phone": SENT_TO}).json()  # type: ignore[attr-defined]
    assert [m["key"].rsplit("-", 1)[1] for m in inbox["messages"]] == ["called"]
    assert "Moi so" in inbox["messages"][0]["text"]  # the SMS goes without diacritics


def test_the_supervisor_lists_the_days_messages_masked(day: dict[str, Any]) -> None:
    got = day["sup"].get("/api/notices")
    assert got["counts"] == {"queued": 0, "sent": 1, "failed": 1, "dropped": 0}
    by_status = {m["status"]: m for m in got["messages"]}
    assert by_status["sent"]["phone"] == "0912***601"
    assert by_status["failed"]["attempts"] == 1 and by_status["failed"]["last_error"]
    with pytest.raises(ApiError) as err:
        day["c1"].get("/api/notices")
    assert err.value.status == 403
    with pytest.raises(ApiError) as err:
        day["sup"].get("/api/notices?date=7-12-2026")
    assert err.value.status == 400


@pytest.mark.browser
def test_the_supervisor_page_shows_the_counts_and_the_failed_one(
    browser: Any, hall: HallServer, day: dict[str, Any]
) -> None:
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1200}))
    sign_in(page, hall, "supervisor", "")
    page.wait_for_selector("#nt-counts .stat[data-status=failed] strong:text('1')")
    assert "Gửi không được / Failed" in page.inner_text("#nt-counts")
    row = page.locator(f"#nt-failed tbody tr[data-number='{day['tickets'][1]['number']}'] td")
    cells = [c.strip() for c in row.all_inner_texts()]
    assert cells[1] == "Sắp đến lượt / Turn is near" and cells[3] == "0912***602"
    page.close()
    assert console.errors == []
