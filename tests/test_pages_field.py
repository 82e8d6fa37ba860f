"""The team leader's field board (counters/field.html) in headless Debian chromium, against
a real `qms serve` and its CMIS simulator: the pull by book, crews made on the page,
balanced and hand assignment with its refusal in Vietnamese, a crew's result and a
counter's payment arriving live, and CMIS down keeping the list, marked stale. Setup that
is not the point goes through the API; waits are on the page's data-* attributes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from integrations.cmis.simulator.data import DemoData
from tests.browser import Console, sign_in
from tests.conftest import HallServer
from tests.hallclient import Staff, ready_ticket
from tests.wsclient import ViewClient

pytestmark = pytest.mark.browser

#: books pulled
BOOKS = 3


@pytest.fixture(scope="module")
def books(hall: HallServer) -> list[str]:
    """Books of the demo unit with a few customers each on CMIS's list today, as the
    simulator lists them."""
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    r = httpx.get(f"{hall.cmis_url}/v2/disconnections?unit=PE0100&as_of={today}", timeout=10)
    r.raise_for_status()
    per_book = Counter(c["MA_SOGCS"] for c in r.json()["DANH_SACH"])
    chosen = sorted(b for b, n in per_book.items() if 4 <= n <= 10)[:BOOKS]
    assert len(chosen) == BOOKS, per_book
    return chosen


@pytest.fixture(scope="module")
def console() -> Iterator[Console]:
    watched = Console()
    yield watched
    assert not watched.errors, watched.errors


@pytest.fixture(scope="module")
def board(browser: Any, hall: HallServer, console: Console) -> Iterator[Any]:
    """The board signed in as the team leader, open for the whole module."""
    page = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    page.goto(f"{hall.base}/counters/field.html")
    page.fill("#login-username", "doitruong")
    page.fill("#login-password", "demo123")
    page.click("#login-submit")
    page.wait_for_selector(
        "body[data-state=online][data-manage=true] #board-view[data-loaded=true]"
    )
    yield page
    page.close()


@pytest.fixture(scope="module")
def leader(hall: HallServer) -> Iterator[Staff]:
    s = Staff(hall.base, "doitruong", None)
    yield s
    s.close()


def rows(page: Any, selector: str) -> list[dict[str, str]]:
    return page.eval_on_selector_all(selector, "els => els.map(e => ({...e.dataset}))")  # type: ignore[no-any-return]


def heads(page: Any) -> list[dict[str, Any]]:
    """Each book's header as the page shows it: the book, its orders, its counts by status
    and by crew (the numbers read off the header's marked parts)."""
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "#books section.book",
        """els => els.map(e => ({
            book_code: e.dataset.book,
            count: Number(e.querySelector('.count.total').dataset.n),
            by_status: Object.fromEntries([...e.querySelectorAll('.count[data-status]')]
                .map(c => [c.dataset.status, Number(c.dataset.n)])),
            by_crew: Object.fromEntries([...e.querySelectorAll('.crew-count')]
                .map(c => [c.dataset.crew, Number(c.dataset.n)])),
        }))""",
    )


def summary(api: dict[str, Any]) -> list[dict[str, Any]]:
    """The books of GET /api/field as the headers should count them."""
    keep = ("book_code", "count", "by_status", "by_crew")
    return [{k: b[k] for k in keep} for b in api["books"]]


def open_book(page: Any, book: str) -> None:
    """A click on the book's code; its orders shown."""
    page.click(f"section[data-book={book}][data-expanded=false] button.book-toggle")
    page.wait_for_selector(f"section[data-book={book}][data-state=shown] tbody tr")
    toggle = f"section[data-book={book}] button.book-toggle"
    assert page.get_attribute(toggle, "aria-expanded") == "true"


def open_all(page: Any) -> None:
    page.click("#open-all")
    page.wait_for_selector("#books section.book:not([data-state=shown])", state="detached")


def save_crew(
    page: Any, code: str, name: str, ticks: list[str], typed: str = "", active: bool = True
) -> None:
    page.click("#crew-new")
    page.fill("#crew-code", code)
    page.fill("#crew-name", name)
    for user in ticks:
        page.check(f"#crew-people input[data-user={user}]")
    page.fill("#crew-more", typed)
    page.set_checked("#crew-active", active)
    page.click("#crew-save")
    page.wait_for_selector(f"#crews tr[data-crew={code}][data-active={str(active).lower()}]")


def test_pull_crews_auto_and_hand_assignment_with_the_refusal_in_vietnamese(
    board: Any, leader: Staff, books: list[str]
) -> None:
    page = board
    # the books typed as a person would: mixed separators, lower case
    page.fill("#pull-books", f"{books[0].lower()}\n{books[1]}, {books[2]}")
    page.click("#pull-submit")
    page.wait_for_selector("#fb-notice:not([hidden])")
    page.wait_for_selector("#round-box[data-status=open][data-stale=false] [data-item=books]")
    assert page.text_content("#round-info [data-item=books] dd") == ", ".join(books)
    api = leader.get("/api/field")
    listed = [b["book_code"] for b in api["books"]]
    assert listed == books, "every book pulled has customers on the list"
    # one header a book, closed, counted as the server counts it
    page.wait_for_selector(f"#books section.book[data-book={books[-1]}]")
    assert heads(page) == summary(api)
    assert not page.query_selector_all("#books tbody tr"), "no orders until a book is opened"
    # opened, each book in route order, as the server orders them
    for b in books:
        open_book(page, b)
        ids = [r["order"] for r in rows(page, f"section[data-book={b}] tbody tr")]
        assert ids == [str(o["id"]) for o in leader.get(f"/api/field/books/{b}")["orders"]]
    assert "Chưa giao" in page.text_content("#books tbody tr[data-status=open] td.status")
    # closed from the keyboard, opened again with the others by "Mở tất cả / Open all"
    page.focus(f"section[data-book={books[0]}] button.book-toggle")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"section[data-book={books[0]}][data-expanded=false]")
    toggle = f"section[data-book={books[0]}] button.book-toggle"
    assert page.get_attribute(toggle, "aria-expanded") == "false"
    assert not page.query_selector_all(f"section[data-book={books[0]}] tbody tr")
    open_all(page)

    # the demo crews stood down, two crews made on the page: ticked and typed members
    save_crew(page, "T1", "Tổ 1", ["crew1", "crew2"], active=False)
    save_crew(page, "T2", "Tổ 2", ["crew3", "crew4"], active=False)
    save_crew(page, "CA", "Tổ Bến Thành", ["crew1", "crew2"])
    save_crew(page, "CB", "Tổ Chợ Lớn", ["crew3"], typed="crew4")
    assert "Lý Văn Cắt" in page.text_content("#crews tr[data-crew=CA]")

    # balanced over the two crews ticked
    page.check("#crews tr[data-crew=CA] input.auto-pick")
    page.check("#crews tr[data-crew=CB] input.auto-pick")
    page.click("#auto-assign")
    page.wait_for_selector("#fb-notice:has-text('Đã chia')")
    page.wait_for_selector("#books tbody tr[data-status=open]", state="detached")
    crews = Counter(r["crew"] for r in rows(page, "#books tbody tr"))
    assert set(crews) == {"CA", "CB"}
    # books of a few orders each stay whole: a crew works a compact area
    for book in books:
        assert len({r["crew"] for r in rows(page, f"section[data-book={book}] tbody tr")}) == 1
    load = page.get_attribute("#crews tr[data-crew=CA]", "data-orders")
    assert load == str(crews["CA"])

    # by hand: one taken back from CA, then given again
    first = rows(page, "#books tbody tr[data-crew=CA]")[0]["order"]
    page.check(f"input.pick[data-order='{first}']")
    assert page.text_content("#selected-count") == "1"
    page.click("#unassign")
    page.wait_for_selector(f"#books tr[data-order='{first}'][data-status=open][data-crew='']")
    page.check(f"input.pick[data-order='{first}']")
    page.select_option("#assign-crew", "CA")
    page.click("#assign")
    page.wait_for_selector(f"#books tr[data-order='{first}'][data-status=assigned][data-crew=CA]")

    # an order of CB given to CA: refused, in Vietnamese, nothing moved
    other = rows(page, "#books tbody tr[data-crew=CB]")[0]["order"]
    page.check(f"input.pick[data-order='{other}']")
    page.select_option("#assign-crew", "CA")
    page.click("#assign")
    page.wait_for_selector("#fb-error[data-code=already_assigned]:not([hidden])")
    said = page.text_content("#fb-error")
    assert f"Lệnh số {other} đã giao cho tổ CB" in said
    assert f"Order {other} is assigned to crew CB" in said
    assert page.get_attribute(f"#books tr[data-order='{other}']", "data-crew") == "CB"

    # the crew's papers: on the slip printer, and as A4 PDF; one order's slip too
    page.click("#crews tr[data-crew=CB] button.print")
    page.wait_for_selector(f"#fb-notice:has-text('danh sách và {crews['CB']} phiếu của tổ CB')")
    with page.expect_download() as got:
        page.click("#crews tr[data-crew=CB] button.pdf")
    assert got.value.suggested_filename == "cat-dien-CB.pdf"
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as got:
        page.click(f"#books tr[data-order='{other}'] button.slip-pdf")
    assert got.value.suggested_filename == f"phieu-{other}.pdf"
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")


def test_book_headers_count_as_the_server_and_an_open_book_follows_others_live(
    board: Any, leader: Staff, books: list[str]
) -> None:
    """Another person's assignment reaches the open book and every header without a
    reload; the books left closed are not fetched for it."""
    page = board
    assert heads(page) == summary(leader.get("/api/field"))
    page.click("#close-all")
    page.wait_for_selector("#books section.book[data-expanded=true]", state="detached")
    assert not page.query_selector_all("#books tbody tr")
    book = books[1]
    open_book(page, book)
    fetched: list[str] = []

    def book_fetch(request: Any) -> None:
        if "/api/field/books/" in request.url:
            fetched.append(request.url.rsplit("/", 1)[1])

    page.on("request", book_fetch)
    try:
        order = leader.get(f"/api/field/books/{book}")["orders"][0]
        crew, row = order["crew"], f"section[data-book={book}] tr[data-order='{order['id']}']"
        head = f"section[data-book={book}] .book-head"
        # taken back by another leader: the row and the header say so
        leader.post("/api/field/orders/unassign", {"orders": [order["id"]]})
        page.wait_for_selector(f"{row}[data-status=open][data-crew='']")
        page.wait_for_selector(f"{head} .count[data-status=open][data-n='1']")
        # and given back to its crew
        leader.post("/api/field/orders/assign", {"orders": [order["id"]], "crew": crew})
        page.wait_for_selector(f"{row}[data-status=assigned][data-crew={crew}]")
        page.wait_for_selector(f"{head} .count[data-status=open]", state="detached")
        assert heads(page) == summary(leader.get("/api/field"))
    finally:
        page.remove_listener("request", book_fetch)
    assert fetched and set(fetched) == {book}, fetched
    open_all(page)  # the tests below watch every book


def test_a_crew_result_and_a_counter_payment_appear_live(
    board: Any, hall: HallServer, staff: dict[str, Staff]
) -> None:
    page = board
    crew1 = Staff(hall.base, "crew1", None)
    try:
        mine = crew1.get("/api/field/my-orders")["orders"]
        order = next(o for o in mine if o["kind"] == "cut" and o["status"] == "assigned")
        now = dt.datetime.now(dt.UTC).isoformat()
        crew1.post(
            f"/api/field/orders/{order['id']}/result",
            {"key": uuid.uuid4().hex, "outcome": "done", "at": now},
        )
    finally:
        crew1.close()
    # no reload: the field view's event brings it
    page.wait_for_selector(f"#books tr[data-order='{order['id']}'][data-status=done]")
    page.wait_for_selector("#crews tr[data-crew=CA][data-done='1']")
    assert "Đã làm" in page.text_content(f"#books tr[data-order='{order['id']}'] td.status")

    # the cut customer pays everything at a counter: a reconnection, with its deadline
    code = order["customer_code"]
    t = ready_ticket(staff, code)
    invs = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
    staff["c2"].act("call", number=t["number"])
    staff["c2"].act(
        "collect",
        invoices=[i["invoice_id"] for i in invs],
        amount=sum(i["total"] for i in invs),
    )
    row = f"#reconnections tr[data-customer={code}]"
    page.wait_for_selector(f"{row}[data-overdue=false]")
    assert page.get_attribute(row, "data-crew") == "CA"  # the crew that cut them
    deadline = page.get_attribute(f"{row} td.deadline", "data-deadline")
    assert deadline
    left = int(page.get_attribute(f"{row} td.left", "data-seconds") or "0")
    assert 23 * 3600 < left <= 24 * 3600  # reconnect_hours: 24 from the payment
    assert "còn 23:" in page.text_content(f"{row} td.left")  # hh:mm, counting down


def vnd(amount: int) -> str:
    """An amount as the hall writes it: 1.234.567 đ."""
    return f"{amount:,} đ".replace(",", ".")


def test_a_reconnection_cmis_refuses_062_shows_the_invoices_it_still_wants(
    board: Any, hall: HallServer, staff: dict[str, Staff], leader: Staff
) -> None:
    """A cut customer pays at a counter, the payment is reversed (CMIS owed again), the
    crew reconnects all the same: CMIS refuses with 062 and the board names the invoices
    CMIS still wants, as CMIS has them."""
    page = board
    feed = ViewClient(hall.ws_url, staff["c4"].token, "supervisor").connect()
    crew1 = Staff(hall.base, "crew1", None)
    try:
        mine = crew1.get("/api/field/my-orders")["orders"]
        order = next(o for o in mine if o["kind"] == "cut" and o["status"] == "assigned")
        code = order["customer_code"]

        def said(event: str, key: str, **what: Any) -> dict[str, Any]:
            return feed.until_match(
                lambda e, d: e == event and all(d[key].get(k) == v for k, v in what.items())
            )[key]

        crew1.post(
            f"/api/field/orders/{order['id']}/result",
            {"key": uuid.uuid4().hex, "outcome": "done", "at": dt.datetime.now(dt.UTC).isoformat()},
        )
        said("field.supply_posted", "change", customer_code=code)  # CMIS: cut
        t = ready_ticket(staff, code)
        invs = [i for c in t["customers"] for i in c["invoices"] if i["pay_status"] == "unpaid"]
        staff["c2"].act("call", number=t["number"])
        staff["c2"].act(
            "collect",
            invoices=[i["invoice_id"] for i in invs],
            amount=sum(i["total"] for i in invs),
        )
        txn = said("payment.confirmed", "payment", customer_code=code)["txn_id"]
        # the money given back (a bad note found at the count): CMIS owes it all again
        staff["c2"].post(f"/api/payments/{txn}/reverse", {"reason": "Tiền giả, trả lại khách"})
        said("payment.reversed", "payment", txn_id=txn)
        (r,) = [o for o in leader.get("/api/field")["reconnections"] if o["customer_code"] == code]
        crew1.post(
            f"/api/field/orders/{r['id']}/result",
            {"key": uuid.uuid4().hex, "outcome": "done", "at": dt.datetime.now(dt.UTC).isoformat()},
        )
    finally:
        crew1.close()
        feed.close()
    row = f"#refusals tr[data-customer={code}][data-code='062']"
    page.wait_for_selector(f"{row} li[data-invoice]")
    assert page.get_attribute(row, "data-order") == str(r["id"])
    assert "khách vẫn còn nợ quá hạn" in page.text_content(f"{row} td.why")
    assert r["customer_name"] in page.text_content(f"{row} td.customer")
    owed = httpx.get(f"{hall.cmis_url}/v2/customers/{code}/debts").json()["HOA_DON"]
    assert owed, "CMIS owes the reversed invoices again"
    due = [dt.date.fromisoformat(i["HAN_TT"]) for i in owed]
    wanted = [
        f"Kỳ {i['THANG']:02d}/{i['NAM']}: {vnd(i['TONG_TIEN'])}, hạn {d:%d/%m/%Y}"
        for i, d in zip(owed, due, strict=True)
    ]
    shown = page.eval_on_selector_all(f"{row} li", "els => els.map(e => e.textContent)")
    assert [line.split(" / ")[0] for line in shown] == wanted


def test_a_cut_cmis_refuses_shows_with_its_code_and_is_sent_again(
    board: Any, hall: HallServer, demo: DemoData
) -> None:
    page = board
    crew2 = Staff(hall.base, "crew2", None)
    try:
        mine = crew2.get("/api/field/my-orders")["orders"]
        order = next(o for o in mine if o["kind"] == "cut" and o["status"] == "assigned")
        code = order["customer_code"]
        # the customer paid at a bank before the crew got there; the crew cut all the same
        for inv in demo.customers[code].invoices:
            url = f"{hall.cmis_url}/admin/invoices/{inv.invoice_id}/paid-elsewhere"
            httpx.post(url).raise_for_status()
        now = dt.datetime.now(dt.UTC).isoformat()
        crew2.post(
            f"/api/field/orders/{order['id']}/result",
            {"key": uuid.uuid4().hex, "outcome": "done", "at": now},
        )
    finally:
        crew2.close()
    # CMIS answers 061 (nothing overdue): shown in words, and the supply is owed back
    row = f"#refusals tr[data-customer={code}][data-code='061']"
    page.wait_for_selector(row)
    assert "khách không còn nợ quá hạn" in page.text_content(f"{row} td.why")
    # the customer named, whether the cut order's book is open on the board or not
    assert demo.customers[code].name in page.text_content(f"{row} td.customer")
    page.wait_for_selector(f"#reconnections tr[data-customer={code}][data-status=assigned]")
    reason = page.text_content(f"#reconnections tr[data-customer={code}] td.status")
    assert "Khách đã thanh toán (CMIS không còn nợ quá hạn)" in reason
    change = page.get_attribute(row, "data-change")
    page.click(f"{row} button.retry")
    page.wait_for_selector(f"#fb-notice:has-text('Đã gửi lại báo cáo số {change}')")


def test_cmis_down_keeps_the_list_marked_stale_and_the_reader_cannot_act(
    board: Any, browser: Any, hall: HallServer, console: Console, books: list[str]
) -> None:
    page = board
    before = rows(page, "#books tbody tr")
    faults = f"{hall.cmis_url}/admin/faults"
    httpx.put(faults, json={"down": True}).raise_for_status()
    try:
        page.fill("#pull-books", books[0])
        page.click("#pull-submit")
        page.wait_for_selector("#fb-error[data-code=field_list_stale]:not([hidden])")
        assert "CMIS không trả danh sách cắt điện" in page.text_content("#fb-error")
        page.wait_for_selector("#round-box[data-stale=true] #stale-banner:not([hidden])")
        banner = page.text_content("#stale-banner")
        assert banner.startswith("Danh sách cũ: từ ") and "CMIS không trả lời" in banner
        assert "Stale since" in banner
        assert rows(page, "#books tbody tr") == before  # the list pulled before, as it was
    finally:
        httpx.put(faults, json={}).raise_for_status()

    # the head cashier reads the same board and has no button to act with
    reader = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    try:
        reader.goto(f"{hall.base}/counters/field.html")
        reader.fill("#login-username", "head")
        reader.fill("#login-password", "demo123")
        reader.click("#login-submit")
        reader.wait_for_selector("body[data-manage=false] #board-view[data-loaded=true]")
        assert reader.is_visible("#stale-banner") and reader.is_visible("#read-only")
        open_all(reader)  # reading is not acting: the reader opens the books too
        assert len(rows(reader, "#books tbody tr")) == len(before)
        for button in ("#pull-submit", "#assign", "#auto-assign", "#close-round", "#crew-save"):
            assert not reader.is_visible(button), button
    finally:
        reader.close()


def test_the_supervisor_goes_from_the_hall_to_the_board_signed_in(
    browser: Any, hall: HallServer, console: Console
) -> None:
    page = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    try:
        sign_in(page, hall, "supervisor", "")
        page.wait_for_selector("body[data-view=supervisor]")
        page.click("#sv-field")
        page.wait_for_selector("body[data-manage=true] #board-view[data-loaded=true]")
        assert page.url.endswith("/counters/field.html")
        assert page.is_hidden("#login-view") and page.is_visible("#to-hall")
        assert page.query_selector_all("#books section.book"), "today's round, as pulled"
        # signing out on the board ends the session on the server, not only on the page
        token = page.evaluate("JSON.parse(sessionStorage.getItem('qms.session')).token")
        page.click("#logout")
        page.wait_for_selector("#login-view:not([hidden])")
        me = httpx.get(f"{hall.base}/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
    finally:
        page.close()


def test_a_reconnection_past_its_deadline_turns_red(
    browser: Any, hall: HallServer, console: Console, leader: Staff
) -> None:
    """The page's clock jumps a day and an hour. The board counts down on the hall's clock
    (``now`` of GET /api/field), not the device's, so any fetch after the jump (a field.*
    event from a crew, CMIS or another page) would rightly take the red back from a hall
    still at today: here the hall's ``now``, as the page reads it, moves on with the page's
    clock, and a fetch is made to happen after the jump: the row is red after it."""
    page = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    ahead = {"by": dt.timedelta(0)}

    def hall_clock_moved_on(route: Any) -> None:
        answer = route.fetch()
        body = answer.json()
        body["now"] = (dt.datetime.fromisoformat(body["now"]) + ahead["by"]).isoformat()
        route.fulfill(response=answer, json=body)

    try:
        page.clock.install()  # this page's clock, moved on below; the server's stays
        page.route("**/api/field", hall_clock_moved_on)
        page.goto(f"{hall.base}/counters/field.html")
        page.fill("#login-username", "supervisor")
        page.fill("#login-password", "demo123")
        page.click("#login-submit")
        page.wait_for_selector("#reconnections tr[data-overdue=false] td.left")
        page.clock.fast_forward("25:00:00")  # a day and an hour later, nobody reconnected
        ahead["by"] = dt.timedelta(hours=25)  # from here on (a fetch made across the jump
        # may still bring today's time: the fetch below comes after it)
        # a crew saved as it was: its field.* event makes the board fetch again
        page.eval_on_selector("#board-view", "e => { e.dataset.loaded = '' }")
        crew = leader.get("/api/field/crews")["crews"][0]
        members = [m["username"] for m in crew["members"]]
        keep = {k: crew[k] for k in ("code", "name", "active")}
        leader.post("/api/field/crews", {**keep, "members": members})
        # one wait that reads the mark and the text at once: a render replaces the rows
        late = "#reconnections tr.overdue[data-overdue=true] td.left.late:has-text('quá hạn 01:0')"
        page.wait_for_selector(f"#board-view[data-loaded=true] {late}")
    finally:
        page.close()


def test_the_round_closes_after_a_confirmation(board: Any) -> None:
    page = board
    page.click("#close-round")
    page.wait_for_selector("#close-confirm:not([hidden])")
    page.click("#close-no")  # thought better of it: nothing changes
    page.wait_for_selector("#close-confirm", state="hidden")
    assert page.get_attribute("#round-box", "data-status") == "open"
    page.click("#close-round")
    page.click("#close-yes")
    page.wait_for_selector("#round-box[data-status=closed]")
    assert "Đã khoá sổ" in page.text_content("#round-info [data-item=status]")
    assert page.is_disabled("#pull-submit") and page.is_disabled("#close-round")


def test_the_team_leader_signed_in_at_the_counters_page_lands_on_the_board(
    browser: Any, hall: HallServer, console: Console
) -> None:
    page = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    try:
        sign_in(page, hall, "doitruong", "")
        page.wait_for_selector("body[data-manage=true] #board-view[data-loaded=true]")
        assert page.url.endswith("/counters/field.html")
        assert page.is_hidden("#login-view") and page.is_hidden("#to-hall")
    finally:
        page.close()
