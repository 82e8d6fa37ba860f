"""The company view through a real `qms serve` with two branches and real payments: the
company's figures are the sum of its halls' reports (live today and over a period), money
at several cashiers in cash and by VietQR, movements between cashiers; a branch admin sees
their branch only; a payment in a hall reaches the company socket within a bound."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from websockets.sync.client import ClientConnection, connect

from integrations.bank import signing
from tests.browser import Console
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OTHER = "PE0200"
PASSWORD = "company-pass-29"
BANK_SECRET = "company-bank-secret-0123456789"
MOVED = 150_000
#: the figures a report's row and the company's hall must agree on
FIGURES = ("payments", "collected", "given_back", "net", "net_count", "net_cash", "net_vietqr")


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """The default hall plus a second branch; its people, the finance manager and the
    second branch's admin added with `qms user add`."""
    server = HallServer(tmp_path_factory.mktemp("company"))
    raw = yaml.safe_load(server.config.read_text(encoding="utf-8"))
    first = raw["branches"][0]
    own = {p["id"]: f"{p['id']}-2" for p in first["printers"]}  # printers: the company's ids
    raw["branches"].append(
        {
            **first,
            "id": OTHER,
            "name": "Điện lực Chợ Lớn — Phòng thu tiền",
            "collection_point": f"{OTHER}-HALL1",
            "printers": [{**p, "id": own[p["id"]]} for p in first["printers"]],
            "counters": [
                {**c, "printer": own.get(c.get("printer") or "")} for c in first["counters"]
            ],
            "slip_printer": own.get(first.get("slip_printer") or ""),
        }
    )
    raw["bank"]["webhook_secret"] = BANK_SECRET
    server.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    server.start()  # first: demo accounts are made on an empty user table only
    try:
        for user, role, name, branch in (
            ("reception-2", "reception", "Lý Thị Đón", OTHER),
            ("lookup1-2", "lookup", "Mai Văn Tìm", OTHER),
            ("head-2", "head_cashier", "Trương Thị Quỹ", OTHER),
            ("badmin-2", "branch_admin", "Đỗ Văn Chi Nhánh", OTHER),
            ("finance", "finance", "Phan Thị Tài Chính", "PE0100"),
        ):
            add_user(server, user, role, name, branch)
        yield server
    finally:
        server.stop()


def add_user(server: HallServer, user: str, role: str, name: str, branch: str) -> None:
    cmd = ["user", "add", user, "--role", role, "--name", name, "--branch", branch]
    done = subprocess.run(
        [sys.executable, "-m", "qms", *cmd, "--config", str(server.config)],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=server.tmp,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def serve(desk: dict[str, Staff], cashier: Staff, code: str) -> list[dict[str, Any]]:
    """Issue a ticket, find its papers, call it at the cashier: its invoices."""
    t = desk["reception"].post("/api/tickets", {"customers": [code]})
    invoices = t["customers"][0]["invoices"]
    for inv in invoices:
        desk[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    cashier.act("call", number=t["number"])
    return list(invoices)


def collect(cashier: Staff, invoices: list[dict[str, Any]]) -> int:
    cashier.act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )  # every invoice paid: the ticket is done
    return sum(i["total"] for i in invoices)


def pay_by_qr(hall: HallServer, qr: dict[str, Any], bank_txn: str) -> None:
    """The bank's signed notification that the QR was paid in full."""
    raw = json.dumps(
        {
            "transaction_id": bank_txn,
            "account": qr["account"],
            "amount": qr["amount"],
            "currency": "VND",
            "description": f"{qr['ref']} thanh toan tien dien",
            "credited_at": dt.datetime.now(TZ).isoformat(),
        }
    ).encode()
    headers = signing.headers(BANK_SECRET, int(time.time()), raw)
    r = httpx.post(f"{hall.base}/api/bank/notifications", content=raw, headers=headers)
    r.raise_for_status()
    assert r.json()["credit"]["status"] == "applied"


class CompanySocket:
    """The company page's socket as a test drives it: auth, subscribe, frames."""

    def __init__(self, hall: HallServer, token: str, view: str = "company") -> None:
        self._conn = connect(f"ws://127.0.0.1:{hall.port}/ws/company", open_timeout=10)
        self.ws: ClientConnection = self._conn.__enter__()
        self.send({"type": "auth", "token": token})
        assert self.recv()["type"] == "ready"
        self.send({"type": "subscribe", "view": view})

    def send(self, msg: dict[str, Any]) -> None:
        self.ws.send(json.dumps(msg))

    def recv(self, timeout: float = 10) -> dict[str, Any]:
        return dict(json.loads(self.ws.recv(timeout=timeout)))

    def until_hall(
        self, branch: str, match: Callable[[dict[str, Any]], bool], bound_s: float
    ) -> dict[str, Any]:
        """The first ``company.hall`` frame of ``branch`` that ``match`` takes, each wait
        bounded by what is left of ``bound_s``."""
        deadline = time.monotonic() + bound_s
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no matching figures of {branch} within {bound_s} s"
            msg = self.recv(timeout=left)
            if msg["type"] == "company.hall" and msg["hall"]["branch"] == branch:
                if match(msg["hall"]):
                    return msg

    def close(self) -> None:
        self._conn.__exit__(None, None, None)


@pytest.fixture(scope="module")
def day(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> Iterator[dict[str, Any]]:
    """PE0100: cash at C1 (twice) and C2, a VietQR paid at C2, money handed from C1 to
    the head cashier. PE0200: one payment at its head cashier, a ticket left waiting."""
    desk = {"reception": staff["reception"], "even": staff["even"], "odd": staff["odd"]}
    other = {
        "reception": Staff(hall.base, "reception-2", "R1", PASSWORD),
        "even": Staff(hall.base, "lookup1-2", "LE", PASSWORD),
        "head": Staff(hall.base, "head-2", "C4", PASSWORD),
    }
    people = {
        "admin": Staff(hall.base, "admin", None),
        "finance": Staff(hall.base, "finance", None, PASSWORD),
        "badmin": Staff(hall.base, "badmin-2", None, PASSWORD),
    }
    c1, c2, c4 = staff["c1"], staff["c2"], staff["c4"]
    try:
        cash = {"cashier1": 0, "cashier2": 0}
        for who, cashier in (("cashier1", c1), ("cashier1", c1), ("cashier2", c2)):
            cash[who] += collect(cashier, serve(desk, cashier, customers.take(invoices=1)))
        invoices = serve(desk, c2, customers.take(invoices=1))
        ids = [i["invoice_id"] for i in invoices]
        shown = c2.post("/api/counters/C2/qr", {"invoices": ids, "amount": invoices[0]["total"]})
        pay_by_qr(hall, shown, "FT26341009001")
        qr_paid = invoices[0]["total"]
        c1.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": MOVED})
        c4.post("/api/cash/movements", {"side": "in", "cashier": "cashier1", "amount": MOVED})
        head = other["head"]
        head.open_drawer()
        other_cash = collect(head, serve(other, head, customers.take(invoices=1, parity="even")))
        waiting = other["reception"].post("/api/tickets", {"customers": [customers.take()]})
        yield {
            "cash": cash,
            "qr": qr_paid,
            "other_cash": other_cash,
            "waiting": waiting["number"],
            "other": other,
            **people,
        }
    finally:
        for s in (*other.values(), *people.values()):
            s.close()


def by_branch(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["branch"]: h for h in data["halls"]}


def cashier_net(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    return {r["cashier"]: (r["net"], r["net_cash"], r["net_vietqr"]) for r in rows}


def test_the_live_figures_are_the_halls_reports_of_today(day: dict[str, Any]) -> None:
    admin = day["admin"]
    live = admin.get("/api/company")
    halls = by_branch(live)
    assert set(halls) == {"PE0100", OTHER}
    for branch, h in halls.items():
        report = admin.get(f"/api/reports?level=branch&branch={branch}")
        assert {k: h["money"][k] for k in FIGURES if k in h["money"]} == {
            k: report["totals"][k] for k in FIGURES if k in h["money"]
        }
        assert cashier_net(h["money"]["by_cashier"]) == cashier_net(report["by_cashier"])
    ours = halls["PE0100"]["money"]
    assert ours["net_vietqr"] == day["qr"]
    assert ours["net_cash"] == sum(day["cash"].values())
    per_cashier = cashier_net(ours["by_cashier"])
    assert per_cashier["cashier1"] == (day["cash"]["cashier1"],) * 2 + (0,)
    assert per_cashier["cashier2"] == (
        day["cash"]["cashier2"] + day["qr"],
        day["cash"]["cashier2"],
        day["qr"],
    )
    assert halls[OTHER]["money"]["net"] == day["other_cash"]
    assert live["total"]["net"] == sum(h["money"]["net"] for h in halls.values())
    assert live["total"]["net_vietqr"] == day["qr"]
    (moved,) = ours["movements"]["rows"]
    assert (moved["from_cashier"], moved["to_cashier"], moved["status"]) == (
        "cashier1",
        "head",
        "matched",
    )
    assert moved["out_amount"] == MOVED
    assert ours["drawers"]["open"] == 4  # C1..C4 opened theirs this morning, none closed


def test_a_halls_queue_counters_and_cmis_are_shown(day: dict[str, Any]) -> None:
    other = by_branch(day["finance"].get("/api/company"))[OTHER]
    assert other["queue"]["waiting"] >= 1
    assert other["queue"]["oldest_wait_s"] is not None
    counters = {c["code"]: c for c in other["counters"]["rows"]}
    assert counters["C4"]["open"] and counters["C4"]["staff"]["username"] == "head-2"
    assert not counters["C1"]["open"]
    assert other["cmis"]["healthy"] is True  # CMIS answered its debts and payments
    assert other["cmis"]["outbox"]["unconfirmed"] >= 0
    assert other["devices"]["printers"], "the branch's printers are listed"


def test_the_period_is_the_sum_of_the_halls_reports(day: dict[str, Any]) -> None:
    finance = day["finance"]
    today = dt.datetime.now(TZ).date()
    start = today.replace(day=1).isoformat()
    period = finance.get(f"/api/company/period?from={start}&to={today.isoformat()}")
    company = finance.get(f"/api/reports?level=company&from={start}&to={today.isoformat()}")
    assert period["totals"] == company["totals"]
    summed = dict.fromkeys(FIGURES, 0)
    for h in period["halls"]:
        report = finance.get(
            f"/api/reports?level=branch&branch={h['branch']}&from={start}&to={today.isoformat()}"
        )
        assert {k: h["totals"][k] for k in FIGURES} == {k: report["totals"][k] for k in FIGURES}
        assert h["by_cashier"] == report["by_cashier"]
        for k in FIGURES:
            summed[k] += h["totals"][k]
    assert summed == {k: period["totals"][k] for k in FIGURES}
    assert sum(d["net"] for d in period["by_date"]) == period["totals"]["net"]
    assert period["movements"]["matched_total"] == MOVED


def test_a_branch_admin_sees_their_branch_only(hall: HallServer, day: dict[str, Any]) -> None:
    badmin = day["badmin"]
    assert [h["branch"] for h in badmin.get("/api/company")["halls"]] == [OTHER]
    assert [h["branch"] for h in badmin.get("/api/company/period")["halls"]] == [OTHER]
    for path in ("/api/company?branch=PE0100", "/api/company/period?branch=PE0100"):
        with pytest.raises(ApiError) as err:
            badmin.get(path)
        assert (err.value.status, err.value.code) == (403, "wrong_branch")
    s = CompanySocket(hall, badmin.token, "company:PE0100")
    try:
        assert s.recv()["code"] == "wrong_branch"
    finally:
        s.close()


@pytest.mark.parametrize(
    ("who", "path", "status", "code"),
    [
        ("c1", "/api/company", 403, "wrong_role"),
        ("admin", "/api/company?branch=PE0999", 404, "unknown_branch"),
        ("admin", "/api/company/period?from=2026-13-01", 400, "invalid_request"),
        ("admin", "/api/company/period?from=2099-01-02&to=2099-01-01", 400, "invalid_request"),
    ],
)
def test_bad_asks_are_refused_in_the_error_shape(
    day: dict[str, Any], staff: dict[str, Staff], who: str, path: str, status: int, code: str
) -> None:
    person = staff[who] if who in staff else day[who]
    with pytest.raises(ApiError) as err:
        person.get(path)
    assert (err.value.status, err.value.code) == (status, code)


def test_a_payment_reaches_the_company_socket(
    hall: HallServer, day: dict[str, Any], customers: Customers
) -> None:
    """Within 5 s of F4 at PE0200's counter, the company page has the hall's new money."""
    s = CompanySocket(hall, day["admin"].token)
    try:
        snap = s.recv()
        assert snap["type"] == "snapshot"
        before = by_branch(snap["data"])[OTHER]["money"]["net"]
        other = day["other"]
        paid = collect(
            other["head"], serve(other, other["head"], customers.take(invoices=1, parity="even"))
        )
        got = s.until_hall(OTHER, lambda h: h["money"]["net"] == before + paid, bound_s=5)
        assert got["hall"]["money"]["by_cashier"][0]["cashier"] == "head-2"
    finally:
        s.close()


def vnd(n: int) -> str:
    """As the pages write money: 2.002.089 đ."""
    return f"{n:,} đ".replace(",", ".")


@pytest.mark.browser
def test_the_company_page_in_chromium(
    browser: Any, hall: HallServer, day: dict[str, Any], customers: Customers
) -> None:
    """The finance manager signs in at the counters' page and lands on the company view:
    every hall, in Vietnamese; a payment in a hall shows without a reload; a hall's
    cashiers on expanding it; the drill-down to another hall's live board and back; the
    month per hall and summed with its charts; English by the toggle. A branch admin's
    page shows their hall only."""
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1500, "height": 1000}))
    page.goto(f"{hall.base}/counters/")  # the counters' sign-in leads finance on
    page.fill("#login-username", "finance")
    page.fill("#login-password", PASSWORD)
    page.select_option("#login-counter", "")
    page.click("#login-submit")
    page.wait_for_url("**/counters/company.html")
    page.wait_for_selector("body.company[data-state=online]")
    ours, theirs = "#halls tr.hall[data-branch='PE0100']", f"#halls tr.hall[data-branch='{OTHER}']"
    page.wait_for_selector(theirs)
    assert page.locator("#alerts-panel").count() == 1  # the alerts' module fills it
    assert "Phòng thu" in page.inner_text("#halls thead")
    live = by_branch(day["finance"].get("/api/company"))
    assert page.inner_text(f"{theirs} td.net") == vnd(live[OTHER]["money"]["net"])
    assert page.inner_text(f"{ours} td.noncash") == vnd(day["qr"])

    other = day["other"]
    paid = collect(
        other["head"], serve(other, other["head"], customers.take(invoices=1, parity="even"))
    )
    now = live[OTHER]["money"]["net"] + paid
    page.wait_for_selector(f"{theirs} td.net:text-is('{vnd(now)}')", timeout=10_000)
    assert page.inner_text("#company-total [data-figure=net] strong") == vnd(
        now + live["PE0100"]["money"]["net"]
    )

    page.click(f"{ours} button.details")
    cashiers = page.inner_text("tr.detail[data-branch='PE0100'] table.by-cashier")
    assert "cashier1" in cashiers and "cashier2" in cashiers
    assert vnd(day["cash"]["cashier1"]) in cashiers
    moves = page.inner_text("tr.detail[data-branch='PE0100'] table.movements")
    assert vnd(MOVED) in moves

    page.select_option("#period-mode", "month")
    page.click("#period-show")
    page.wait_for_selector("#chart-halls[data-ready=true]")
    assert page.locator("#period-halls tbody tr").count() == 2
    today = dt.datetime.now(TZ).date()
    period = day["finance"].get(f"/api/company/period?from={today.replace(day=1)}&to={today}")
    page.wait_for_selector(f"#period-halls tfoot td:text-is('{vnd(period['totals']['net'])}')")
    assert page.get_attribute("#chart-halls", "data-bars") == "2"

    page.click("#lang-toggle")
    assert "Hall" in page.inner_text("#halls thead")
    assert "Phòng thu" not in page.inner_text("#halls thead")

    # drill-down: the other branch's hall, its live board read-only
    page.click(f"{theirs} a.supervisor-link")
    page.wait_for_selector(f"body[data-watch='{OTHER}'][data-state=online]")
    page.wait_for_selector(f"#sv-tickets tr[data-ticket='{day['waiting']}']")
    assert page.is_hidden("#fc-box") and page.is_hidden("#sv-lanes")
    assert "Chợ Lớn" in page.inner_text("#branch-name")
    page.click("#counter-label a")  # back to the company view
    page.wait_for_selector(f"{theirs}")

    mine = console.watch(browser.new_context().new_page())
    mine.goto(f"{hall.base}/counters/company.html")
    mine.fill("#login-username", "badmin-2")
    mine.fill("#login-password", PASSWORD)
    mine.click("#login-submit")
    mine.wait_for_selector(theirs)
    assert mine.locator("#halls tr.hall").count() == 1
    assert mine.is_hidden("#scope")
    assert not console.errors, console.errors
    mine.context.close()
    page.close()


def hall_socket(hall: HallServer, token: str, frame: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The hall socket (/ws) signed in, ``frame`` sent: its answers, each wait bounded."""
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        ws.send(json.dumps(frame))
        while True:
            yield json.loads(ws.recv(timeout=10))


def test_a_watched_halls_board_comes_live_to_the_company_roles(
    hall: HallServer, day: dict[str, Any], customers: Customers
) -> None:
    """The drill-down: the company's admin (of PE0100) follows PE0200's supervisor view,
    read-only, its snapshot and then its events."""
    frames = hall_socket(
        hall, day["admin"].token, {"type": "subscribe", "view": "supervisor", "branch": OTHER}
    )
    snap = next(frames)
    assert snap["type"] == "snapshot" and snap["data"]["branch"]["id"] == OTHER
    assert day["waiting"] in {t["number"] for t in snap["data"]["tickets"]}
    issued = day["other"]["reception"].post("/api/tickets", {"customers": [customers.take()]})
    for msg in frames:  # each wait bounded (10 s)
        if msg.get("event") == "ticket.issued":
            assert msg["data"]["ticket"]["number"] == issued["number"]
            assert msg["seq"] > snap["seq"]
            break
    frames.close()


@pytest.mark.parametrize(
    ("who", "frame", "code"),
    [
        ("badmin", {"view": "supervisor", "branch": "PE0100"}, "wrong_branch"),
        ("finance", {"view": "display", "branch": OTHER}, "invalid_view"),
        ("finance", {"view": "supervisor", "branch": "PE0999"}, "unknown_branch"),
        ("finance", {"view": "supervisor", "branch": 7}, "invalid_request"),
        ("finance", {"view": "supervisor"}, "wrong_role"),  # one's own hall: the view's roles
    ],
)
def test_watching_a_hall_outside_ones_scope_is_refused(
    hall: HallServer, day: dict[str, Any], who: str, frame: dict[str, Any], code: str
) -> None:
    frames = hall_socket(hall, day[who].token, {"type": "subscribe", **frame})
    answer = next(frames)
    frames.close()
    assert (answer["type"], answer["code"]) == ("error", code)


def test_a_cashier_may_not_watch_another_hall(hall: HallServer, staff: dict[str, Staff]) -> None:
    frames = hall_socket(
        hall, staff["c1"].token, {"type": "subscribe", "view": "supervisor", "branch": OTHER}
    )
    answer = next(frames)
    frames.close()
    assert (answer["type"], answer["code"]) == ("error", "wrong_role")


def test_a_burst_in_one_hall_is_a_few_frames_not_one_per_event(
    hall: HallServer, day: dict[str, Any], customers: Customers
) -> None:
    """Eight tickets issued back to back at PE0200 (eight events): the company socket
    sends that hall's figures at most once a second, so fewer frames than events, the
    last one with every ticket counted."""
    s = CompanySocket(hall, day["finance"].token, f"company:{OTHER}")
    try:
        before = by_branch(s.recv()["data"])[OTHER]["queue"]["waiting"]
        reception = day["other"]["reception"]
        for _ in range(8):
            reception.post("/api/tickets", {"customers": [customers.take(parity="even")]})
        frames = 0

        def counted(h: dict[str, Any]) -> bool:
            nonlocal frames
            frames += 1
            return bool(h["queue"]["waiting"] == before + 8)

        s.until_hall(OTHER, counted, bound_s=15)
        assert frames < 8
    finally:
        s.close()


def test_a_closed_company_socket_gives_its_channels_back(
    hall: HallServer, day: dict[str, Any]
) -> None:
    """The socket listens to each hall's channel while open and leaves them all when the
    page goes (GET /api/server counts this worker's subscriptions of one's branch)."""
    admin = day["admin"]
    before = admin.get("/api/server")["subscribers"]
    s = CompanySocket(hall, admin.token)
    assert s.recv()["type"] == "snapshot"
    assert admin.get("/api/server")["subscribers"] == before + 1
    s.close()
    deadline = time.monotonic() + 10
    while admin.get("/api/server")["subscribers"] != before:  # each ask a round trip
        assert time.monotonic() < deadline, "the company socket kept its channel"
