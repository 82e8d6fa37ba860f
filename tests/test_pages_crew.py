"""The crew's phone (counters/crew.html) in Debian chromium on a 360×740 screen, against a
real server and its demo CMIS: the team leader pulls books and assigns eight orders to crew
T1 over the API; the phone lists them in route order, records a cut, and checks with
CMIS before cutting (a customer who paid at a bank: do not cut); results typed
without signal wait on the phone, survive a reload and arrive once when the signal is
back; an answer lost on the way makes the phone send the same key again, and the server
holds one result; a payment at the counter cancels an order on the phone as it shows it,
a cut queued for it is refused in words, a cut customer's payment brings their
reconnection to the top of the list, and a result sent after the round closed is refused.
Waits are on the page's data-* attributes and the server's events, each bounded; nothing
sleeps."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from integrations.cmis.simulator.data import DemoData
from qms.words import error_text
from tests.browser import Console
from tests.conftest import HallServer
from tests.hallclient import Device, Staff, ready_ticket

PHONE = {"width": 360, "height": 740}
CREW_ORDERS = 8  # the orders T1 gets: one for each step below
WAIT_MS = 20_000
ID_AND_ROUTE = "ls => ls.map(l => [+l.dataset.id, +l.dataset.route])"


class FieldFeed:
    """The team leader's board's socket (view ``field``): every ``field.*`` event whole,
    kept in order, so a test counts what the server did."""

    def __init__(self, hall: HallServer, token: str) -> None:
        self._conn = connect(hall.ws_url, open_timeout=10, max_queue=None)
        self.ws: ClientConnection = self._conn.__enter__()
        self.events: list[dict[str, Any]] = []
        self.ws.send(json.dumps({"type": "auth", "token": token}))
        self._until(lambda m: m["type"] == "ready")
        self.ws.send(json.dumps({"type": "subscribe", "view": "field"}))
        self._until(lambda m: m["type"] == "snapshot")

    def _until(self, done: Callable[[dict[str, Any]], bool], bound_s: float = 10) -> None:
        deadline = time.monotonic() + bound_s
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if msg["type"] == "event":
                self.events.append(msg)
            if done(msg):
                return

    def named(self, event: str, order: int) -> list[dict[str, Any]]:
        def about(data: dict[str, Any]) -> bool:
            o = data.get("order") or data.get("change") or {}
            return order in (o.get("id") if "order" in data else o.get("order_id"),)

        return [e for e in self.events if e["event"] == event and about(e["data"])]

    def wait(self, event: str, order: int, bound_s: float = 20) -> None:
        """Until the server has said ``event`` about ``order`` (at once if it has)."""
        if not self.named(event, order):
            self._until(lambda m: m["type"] == "event" and bool(self.named(event, order)), bound_s)

    def settle(self) -> None:
        """Every event the server has sent so far is in ``events`` (a ping's pong follows
        them on the socket)."""
        self.ws.send(json.dumps({"type": "ping"}))
        self._until(lambda m: m["type"] == "pong")

    def close(self) -> None:
        self._conn.__exit__(None, None, None)


@pytest.fixture(scope="module")
def scene(hall: HallServer, demo: DemoData) -> Iterator[dict[str, Any]]:
    """Today's round pulled by the team leader from the books with the most customers
    owing three months or more (on CMIS's list whatever the day), eight of its cut orders
    assigned to T1 (crew1, crew2); a cashier with an open drawer; the board's socket."""
    leader = Staff(hall.base, "doitruong", None)
    per_book: dict[str, int] = {}
    for c in demo.customers.values():
        if c.supply != "CUT" and len(c.invoices) >= 3:
            per_book[c.book_code] = per_book.get(c.book_code, 0) + 1
    books = sorted(per_book, key=lambda b: (-per_book[b], b))[:3]
    pulled = leader.post("/api/field/rounds/pull", {"books": books})
    assert pulled["added"] >= CREW_ORDERS, pulled
    listed = [o for b in sorted(books) for o in leader.get(f"/api/field/books/{b}")["orders"]]
    picked = [o["id"] for o in listed if o["kind"] == "cut" and o["status"] == "open"][:CREW_ORDERS]
    leader.post("/api/field/orders/assign", {"orders": picked, "crew": "T1"})
    people = {
        "leader": leader,
        "kiosk": Device(hall.base, "demo-kiosk-1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c2": Staff(hall.base, "cashier2", "C2"),
        "sup": Staff(hall.base, "supervisor", None),
        "crew1": Staff(hall.base, "crew1", None),
    }
    people["c2"].open_drawer()
    feed = FieldFeed(hall, leader.token)
    yield {"people": people, "feed": feed, "orders": people["crew1"].get("/api/field/my-orders")}
    feed.close()
    for p in people.values():
        p.close()


@pytest.fixture
def console() -> Iterator[Console]:
    watched = Console()
    yield watched
    # a phone without signal says so in its console: its socket cannot connect
    errors = [e for e in watched.errors if "WebSocket connection" not in e]
    assert errors == []


@contextlib.contextmanager
def phone(
    browser: Any, hall: HallServer, console: Console, user: str = "crew1", **opts: Any
) -> Iterator[tuple[Any, Any]]:
    """A phone signed in on the crew page (its own sign-in), showing the list online."""
    context = browser.new_context(viewport=PHONE, **opts)
    page = console.watch(context.new_page())
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(f"{hall.base}/counters/crew.html")
        page.fill("#login-username", user)
        page.fill("#login-password", "demo123")
        page.click("#login-submit")
        page.wait_for_selector("body[data-view=list][data-state=online] #todo li")
        yield context, page
    finally:
        context.close()


def order_at(page: Any, order: int, section: str, status: str) -> Any:
    return page.wait_for_selector(f"#{section} li[data-id='{order}'][data-status={status}]")


def cut(page: Any, order: int) -> None:
    page.click(f"#todo li[data-id='{order}'] button.open")
    page.wait_for_selector(f"#order-head[data-id='{order}']")
    page.click("#btn-done")
    page.wait_for_selector("body[data-view=list]")


def not_done(page: Any, order: int, reason: str) -> None:
    page.click(f"#todo li[data-id='{order}'] button.open")
    page.wait_for_selector(f"#order-head[data-id='{order}']")
    page.click("#btn-not-done")
    page.click(f"#reason-list [data-reason={reason}]")
    page.click("#btn-send-not-done")
    page.wait_for_selector("body[data-view=list]")


def board_order(scene: dict[str, Any], order: int) -> dict[str, Any]:
    leader = scene["people"]["leader"]
    books = [b["book_code"] for b in leader.get("/api/field")["books"]]
    return next(
        o for b in books for o in leader.get(f"/api/field/books/{b}")["orders"] if o["id"] == order
    )


def cmis_supply_changes(hall: HallServer, customer: str) -> list[str]:
    """The supply changes the demo CMIS made for a customer."""
    r = httpx.get(f"{hall.cmis_url}/admin/supply-changes", params={"customer": customer})
    r.raise_for_status()
    return [c["supply"] for c in r.json()["changes"]]


def pay_at_a_bank(hall: HallServer, code: str) -> None:
    """Everything the customer owes, paid straight to CMIS (as a bank would): the hall
    does not know until it asks."""
    owed = httpx.get(f"{hall.cmis_url}/v2/customers/{code}/debts").json()["HOA_DON"]
    paid = httpx.post(
        f"{hall.cmis_url}/v2/payments",
        headers={"Idempotency-Key": f"BANK-{code}"},
        json={
            "MA_KHANG": code,
            "ID_HDON": [i["ID_HDON"] for i in owed],
            "TONG_TIEN": sum(i["TONG_TIEN"] for i in owed),
            "MA_DIEM_THU": "BANK-VCB",
            "MA_THU_NGAN": "bank",
            "THOI_GIAN": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    assert paid.status_code == 201, paid.text


@pytest.mark.browser
def test_a_crew_signs_in_sees_its_orders_in_route_order_and_records_a_cut(
    browser: Any, hall: HallServer, scene: dict[str, Any], console: Console
) -> None:
    mine = scene["orders"]
    assert mine["crew"]["code"] == "T1" and len(mine["orders"]) == CREW_ORDERS
    # the counters' sign-in sends a crew to its own page
    context = browser.new_context(viewport=PHONE)
    page = console.watch(context.new_page())
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{hall.base}/counters/")
    page.fill("#login-username", "crew1")
    page.fill("#login-password", "demo123")
    page.click("#login-submit")
    page.wait_for_url("**/counters/crew.html")
    page.wait_for_selector("body[data-view=list][data-state=online] #todo li")

    assert page.inner_text("#crew-name") == "T1 — Tổ 1"
    assert "Lý Văn Cắt" in page.inner_text("#crew-members")
    shown = page.eval_on_selector_all("#todo li", ID_AND_ROUTE)
    routes = [r for _, r in shown]
    assert routes == sorted(routes) and len(shown) == CREW_ORDERS
    by_id = {o["id"]: o for o in mine["orders"]}
    assert [i for i, _ in shown] == sorted(by_id, key=lambda i: by_id[i]["route_no"])
    first = by_id[shown[0][0]]
    text = page.inner_text(f"#todo li[data-id='{first['id']}']")
    amount = f"{first['overdue']:,}".replace(",", ".") + " đ"
    for part in (first["address"], first["customer_name"], first["customer_code"], amount):
        assert part in text, (part, text)

    # every target a thumb can hit, on the list and on an order
    page.click(f"#todo li[data-id='{first['id']}'] button.open")
    page.wait_for_selector("#btn-check")
    page.click("#btn-not-done")
    small = page.eval_on_selector_all(
        "button, input",
        """bs => bs.filter(b => b.offsetParent !== null).map(b => {
             const r = b.getBoundingClientRect();
             return [b.id || b.dataset.reason || b.textContent.trim(), r.width, r.height];
           }).filter(([, w, h]) => w < 44 || h < 44)""",
    )
    assert small == [], small
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # check before cutting: CMIS still sees the debt, go ahead; then the cut
    page.click("#btn-check")
    answer = page.wait_for_selector("#check-answer[data-go=true]:has-text('được cắt')")
    assert amount in answer.inner_text()
    page.click("#btn-done")
    page.wait_for_selector("body[data-view=list]")
    order_at(page, first["id"], "done", "done")
    assert board_order(scene, first["id"])["status"] == "done"
    page.wait_for_selector("body[data-queue='0']")

    # paid at a bank on the way: the check says do not cut, and the order leaves the list
    paid = page.eval_on_selector_all("#todo li", "ls => ls.map(l => +l.dataset.id)")[0]
    pay_at_a_bank(hall, by_id[paid]["customer_code"])
    page.click(f"#todo li[data-id='{paid}'] button.open")
    page.click("#btn-check")
    stop = page.wait_for_selector("#order-banner:not([hidden])")
    assert stop.inner_text() == "KHÔNG CẮT — khách đã thanh toán"
    assert page.is_hidden("#btn-done")
    page.click("#back")
    order_at(page, paid, "done", "cancelled")
    assert page.query_selector(f"#todo li[data-id='{paid}']") is None
    assert board_order(scene, paid)["reason"] == "paid_meanwhile"

    page.click("#lang-toggle")  # English on the toggle, the orders' words too
    assert page.inner_text("[data-i18n='crew.to_do']") == "To do"
    assert "Overdue " in page.inner_text("#todo li:first-child")
    context.close()


@pytest.mark.browser
def test_results_typed_offline_wait_survive_a_reload_and_arrive_once(
    browser: Any, hall: HallServer, scene: dict[str, Any], console: Console
) -> None:
    feed: FieldFeed = scene["feed"]
    todo = scene["orders"]["orders"]
    with phone(browser, hall, console) as (context, page):
        page.wait_for_selector("body[data-sw=ready]")  # the page's files are on the phone
        live = page.eval_on_selector_all("#todo li", "ls => ls.map(l => +l.dataset.id)")
        a, b = live[0], live[1]
        context.set_offline(True)
        page.wait_for_selector("body[data-net=offline]")
        cut(page, a)
        not_done(page, b, "absent")
        order_at(page, a, "done", "waiting")
        absent = order_at(page, b, "done", "waiting").inner_text()
        assert "Chờ gửi" in absent and "Khách vắng nhà" in absent
        page.wait_for_selector("body[data-queue='2']")
        assert board_order(scene, a)["status"] == "assigned"  # nothing reached the server

        page.reload()  # still without signal: the page and its queue come back
        page.wait_for_selector("body[data-view=list][data-queue='2']")
        order_at(page, a, "done", "waiting")
        order_at(page, b, "done", "waiting")

        context.set_offline(False)
        order_at(page, a, "done", "done")
        order_at(page, b, "done", "not_done")
        page.wait_for_selector("body[data-queue='0']")

    server_a, server_b = board_order(scene, a), board_order(scene, b)
    assert server_a["status"] == "done"
    assert (server_b["status"], server_b["reason"]) == ("not_done", "absent")
    feed.wait("field.supply_posted", a)  # the cut reached CMIS
    feed.settle()
    assert len(feed.named("field.order_done", a)) == 1
    assert len(feed.named("field.order_done", b)) == 1
    assert len(feed.named("field.supply_posted", b)) == 0  # not done: nothing for CMIS
    customer = next(o["customer_code"] for o in todo if o["id"] == a)
    assert cmis_supply_changes(hall, customer) == ["CUT"]


@pytest.mark.browser
def test_a_lost_answer_is_sent_again_with_the_same_key_and_counts_once(
    browser: Any, hall: HallServer, scene: dict[str, Any], console: Console
) -> None:
    feed: FieldFeed = scene["feed"]
    sent: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Any) -> None:
        sent.append(json.loads(route.request.post_data))
        if len(sent) == 1:
            route.fetch()  # the server takes it...
            route.abort()  # ...and the phone never hears back
        else:
            response = route.fetch()
            answers.append(response.json())
            route.fulfill(response=response)

    # the other member's phone; no service worker, so every request passes the route
    with phone(browser, hall, console, "crew2", service_workers="block") as (_context, page):
        page.route("**/api/field/orders/*/result", lose_the_first_answer)
        order = page.eval_on_selector_all("#todo li", "ls => ls.map(l => +l.dataset.id)")[0]
        cut(page, order)
        order_at(page, order, "done", "done")
        page.wait_for_selector("body[data-queue='0']")

    assert len(sent) == 2 and sent[0] == sent[1], sent  # the same key, the same result
    assert answers[0]["repeat"] is True and answers[0]["order"]["status"] == "done"
    feed.settle()
    assert len(feed.named("field.order_done", order)) == 1


@pytest.mark.browser
def test_a_payment_at_the_counter_cancels_the_order_on_the_phone_and_a_queued_cut(
    browser: Any, hall: HallServer, scene: dict[str, Any], console: Console
) -> None:
    people = scene["people"]

    def pay_at_the_counter(code: str) -> None:
        t = ready_ticket(people, code)
        people["c2"].act("call", number=t["number"])
        invoices = t["customers"][0]["invoices"]
        people["c2"].act(
            "collect",
            invoices=[i["invoice_id"] for i in invoices],
            amount=sum(i["total"] for i in invoices),
        )

    with phone(browser, hall, console) as (context, page):
        live = page.eval_on_selector_all("#todo li", "ls => ls.map(l => +l.dataset.id)")
        assert len(live) == 3
        customer = {o["id"]: o["customer_code"] for o in scene["orders"]["orders"]}
        shown, queued, late = live

        # on the phone, online: the payment cancels it and the phone says so at once
        pay_at_the_counter(customer[shown])
        banner = page.wait_for_selector(f"#banners .stop[data-order='{shown}']")
        assert banner.inner_text().startswith(
            f"Lệnh số {shown} đã huỷ: Khách đã nộp tiền tại quầy — KHÔNG CẮT"
        )
        order_at(page, shown, "done", "cancelled")

        # a cut typed without signal while the customer pays: the payment wins
        context.set_offline(True)
        page.wait_for_selector("body[data-net=offline]")
        cut(page, queued)
        order_at(page, queued, "done", "waiting")
        pay_at_the_counter(customer[queued])
        context.set_offline(False)
        refusal = page.wait_for_selector(
            f"#done li[data-id='{queued}'] .refusal[data-code=order_cancelled]"
        )
        words = error_text("order_cancelled", {"order": queued, "reason": "paid_at_counter"}, "vi")
        assert refusal.inner_text() == words
        assert "KHÔNG cắt điện; nếu đã cắt, đóng điện lại ngay" in words
        order_at(page, queued, "done", "cancelled")
        page.wait_for_selector("body[data-queue='0']")
        assert board_order(scene, queued)["status"] == "cancelled"

        # a customer the crew cut pays: the reconnection comes back to the crew, on top
        mine = people["crew1"].get("/api/field/my-orders")["orders"]
        was_cut = next(o for o in mine if o["kind"] == "cut" and o["status"] == "done")
        pay_at_the_counter(was_cut["customer_code"])
        first = page.wait_for_selector("#todo li:first-child[data-kind=reconnect]")
        assert "Đóng điện trước " in first.inner_text()
        assert was_cut["address"] in first.inner_text()
        first.query_selector("button.open").click()
        assert page.inner_text("#btn-done") == "Đã đóng điện"
        assert page.is_hidden("#btn-check")  # nothing to check before reconnecting
        page.click("#back")

        # a cut typed without signal, sent after the team leader closed the round
        context.set_offline(True)
        page.wait_for_selector("body[data-net=offline]")
        cut(page, late)
        closed = people["leader"].post("/api/field/rounds/close")
        context.set_offline(False)
        refusal = page.wait_for_selector(
            f"#todo li[data-id='{late}'] .refusal[data-code=round_closed]"
        )
        day = closed["business_day"]
        assert refusal.inner_text() == error_text("round_closed", {"day": day}, "vi")
