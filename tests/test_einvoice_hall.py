"""An e-invoice branch's day beside a paper branch's, in one real `qms serve`: PE0100 keeps
paper (F9 before F4, a paper not paid goes back before the close), PE0200 has none (a
ticket is ready at once, F4 with no lookup, the receipt prints each e-invoice's series,
number and a lookup QR that scans as its URL). The papers report, the payment and
productivity reports and the day close work for both (docs/einvoice.md)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from tests.browser import Console, page_session, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.printers.test_qr_scan import printed_images, scan
from tests.wsclient import ViewClient

PAPERLESS = "PE0200"
PASSWORD = "demo123"  # the pages' sign-in helper types the demo password
LOOKUP_URL = "https://hoadon.evnhcmc.vn/tra-cuu?series={series}&number={number}&code={customer}"
CUT = b"\x1dV"


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """The default (paper) branch, and PE0200 without paper: reception and two cashier
    counters, no lookup counters; its staff added with `qms user add`."""
    server = HallServer(tmp_path_factory.mktemp("einvoice"))
    raw = yaml.safe_load(server.config.read_text(encoding="utf-8"))
    raw["branches"].append(
        {
            "id": PAPERLESS,
            "name": "Điện lực Chợ Lớn — Phòng thu tiền",
            "collection_point": f"{PAPERLESS}-HALL1",
            "paper_invoices": False,
            "einvoice_lookup_url": LOOKUP_URL,
            "printers": [
                {"id": "receipt-e1", "backend": {"kind": "file", "path": "data/prints/e1.bin"}}
            ],
            "counters": [
                {"code": "R1", "name": "Tiếp nhận", "kind": "reception"},
                {"code": "C1", "name": "Quầy 1", "kind": "cashier", "printer": "receipt-e1"},
                {"code": "C2", "name": "Quầy 2", "kind": "cashier"},
            ],
        }
    )
    server.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    server.start()  # first: demo accounts are made on an empty user table only
    try:
        for user, role, name in (
            ("reception-e", "reception", "Lý Thị Đón"),
            ("head-e", "head_cashier", "Trương Thị Quỹ"),
            ("cashier-e", "cashier", "Đỗ Văn Thu"),
        ):
            cmd = ["user", "add", user, "--role", role, "--name", name, "--branch", PAPERLESS]
            done = subprocess.run(
                [sys.executable, "-m", "qms", *cmd, "--config", str(server.config)],
                input=PASSWORD + "\n",
                text=True,
                capture_output=True,
                cwd=server.tmp,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
        yield server
    finally:
        server.stop()


def confirmed(view: ViewClient, txn: str) -> None:
    view.until_match(lambda e, d: e == "payment.confirmed" and d["payment"]["txn_id"] == txn)


def pay_one_of_two(cashier: Staff, number: int, invoices: list[dict[str, Any]]) -> str:
    """The customer pays the older period and leaves; the newer stays unpaid."""
    cashier.act("call", number=number)
    paid = cashier.act("collect", invoices=[invoices[0]["invoice_id"]], amount=invoices[0]["total"])
    return str(paid["payments"][0]["txn_id"])


@pytest.mark.browser
def test_the_cashier_page_takes_an_einvoice_ticket_at_once(
    browser: Any, hall: HallServer, customers: Customers
) -> None:
    """At PE0200's counter C2 the page shows the ticket ready, each period an e-invoice
    (no paper to wait for), and F4 takes it. Runs before the day below closes."""
    reception = Staff(hall.base, "reception-e", "R1", PASSWORD)
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    try:
        sign_in(page, hall, "cashier-e", "C2")
        page.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
        page.keyboard.type("0")
        page.keyboard.press("Enter")
        page.wait_for_selector("#drawer[data-status=open]")
        t = reception.post("/api/tickets", {"customers": [customers.take(invoices=2)]})
        invs = t["customers"][0]["invoices"]
        page.fill("#call-number", str(t["number"]))
        page.press("#call-number", "Enter")
        page.wait_for_selector(f"#current[data-ticket='{t['number']}']")
        page.wait_for_selector("#ready[data-ready=true]")
        page.wait_for_selector("#collect-amount[data-picked='2']")
        for inv in invs:
            row = f"tr[data-invoice-id='{inv['invoice_id']}'][data-lookup-status=none]"
            assert "Hoá đơn điện tử" in page.inner_text(row)
        page.keyboard.press("F4")
        page.wait_for_selector(f"#collect-result[data-ticket='{t['number']}']")
        page.wait_for_selector("#payments-log [data-status=confirmed]")
        paid = sum(i["total"] for i in invs)
        assert page.get_attribute("#collect-result", "data-ticket") == str(t["number"])
        assert console.errors == []
        # the drawer closes with what it took: the day's close (the next test) needs it
        session = page_session(page, hall)
        session.post("/api/cash/drawer/close", {"counted": paid})
        session.close()
    finally:
        page.close()
        reception.close()


def test_an_einvoice_branch_day_beside_a_paper_branch_day(
    hall: HallServer, customers: Customers
) -> None:
    paper = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "head": Staff(hall.base, "head", "C4"),
    }
    e = {
        "reception": Staff(hall.base, "reception-e", "R1", PASSWORD),
        "head": Staff(hall.base, "head-e", "C1", PASSWORD),
    }
    admin = Staff(hall.base, "admin", None)
    views = {
        "paper": ViewClient(hall.ws_url, paper["head"].token, "supervisor").connect(),
        "e": ViewClient(hall.ws_url, e["head"].token, "supervisor").connect(),
    }
    for v in views.values():
        v.apply(v.recv())
    try:
        # --- the paper branch: F9 before F4; a paper not paid goes back before the close
        paper["head"].open_drawer()
        code = customers.take(invoices=2)
        t = paper["reception"].post("/api/tickets", {"customers": [code]})
        invs = t["customers"][0]["invoices"]
        assert {i["lookup_status"] for i in invs} == {"pending"} and t["ready"] is False
        paper["head"].act("call", number=t["number"])
        with pytest.raises(ApiError) as err:
            paper["head"].act("collect", invoices=[invs[0]["invoice_id"]], amount=invs[0]["total"])
        assert err.value.code == "not_found_yet"
        paper["head"].act("park")
        for inv in invs:
            paper[inv["lookup"]].post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found"
            )
        paper_txn = pay_one_of_two(paper["head"], t["number"], invs)
        paper["head"].act("finish", confirm=True, reason="fewer_periods")
        papers = paper["head"].get("/api/invoices/papers")
        assert [p["invoice_id"] for p in papers["to_return"]] == [invs[1]["invoice_id"]]

        # --- the e-invoice branch: ready at once, F4 with no lookup
        e["head"].open_drawer()
        code_e = customers.take(invoices=2)
        t_e = e["reception"].post("/api/tickets", {"customers": [code_e]})
        invs_e = t_e["customers"][0]["invoices"]
        assert {i["lookup_status"] for i in invs_e} == {"none"} and t_e["ready"] is True
        e_txn = pay_one_of_two(e["head"], t_e["number"], invs_e)
        e["head"].act("finish", confirm=True, reason="fewer_periods")
        receipt = views["e"].until_match(
            lambda ev, d: (
                ev == "device.job"
                and d["job"]["document"] == "receipt"
                and d["job"]["status"] == "done"
            ),
        )
        assert receipt["job"]["target"] == "receipt-e1"
        printed = (hall.tmp / "data" / "prints" / "e1.bin").read_bytes()
        assert printed.count(CUT) == 1
        older = invs_e[0]
        url = LOOKUP_URL.format(
            series=quote(older["series"], safe=""),
            number=quote(older["number"], safe=""),
            customer=code_e,
        )
        assert scan(printed_images(printed), hall.tmp) == [url], "the e-invoice's lookup QR"

        # no paper to deliver, return or count; nothing for a lookup screen
        papers_e = e["head"].get("/api/invoices/papers")
        assert papers_e["to_return"] == [] and papers_e["returned"] == []
        assert {r["counter"]: r["delivered"] for r in papers_e["counters"]} == {"C1": 0, "C2": 0}
        with pytest.raises(ApiError) as err:
            e["head"].get("/api/snapshot?view=lookup-even")
        assert (err.value.status, err.value.code) == (400, "invalid_view")

        # --- both days close: the paper branch once its paper is back
        confirmed(views["paper"], paper_txn)
        confirmed(views["e"], e_txn)
        paid, paid_e = invs[0]["total"], invs_e[0]["total"]
        with pytest.raises(ApiError) as err:
            paper["head"].post("/api/cash/drawer/close", {"counted": paid})
        assert err.value.code == "close_refused"
        blockers = [b["code"] for b in err.value.body["error"]["details"]["blockers"]]
        assert "invoices_not_returned" in blockers
        paper["head"].post(
            "/api/invoices/returns",
            {"ticket": t["number"], "invoices": [invs[1]["invoice_id"]], "reason": "fewer_periods"},
        )
        for who, amount in ((paper["head"], paid), (e["head"], paid_e)):
            deposit = {"amount": amount, "bank": "Vietcombank", "reference": "NT-0001"}
            who.post("/api/cash/drawer/close", {"counted": amount, "deposit": deposit})
            assert who.post("/api/cash/day/close")["deposit"]["amount"] == amount

        # --- the reports, for both branches
        today = next(f for f in views["paper"].frames if f["type"] == "snapshot")["data"][
            "business_day"
        ]
        company = admin.get(f"/api/reports?level=company&from={today}&to={today}")
        net = {r["branch"]: r["net"] for r in company["by_branch"]}
        taken = {
            branch: sum(p["total"] for p in who.get(f"/api/payments?date={today}")["payments"])
            for branch, who in (("PE0100", paper["head"]), (PAPERLESS, e["head"]))
        }
        assert net == taken and taken[PAPERLESS] >= paid_e  # with the page test's F4
        returned = {r["branch"] for r in company["returns"]["returned"]}
        assert returned == {"PE0100"}, "only the paper branch had paper to give back"
        assert company["returns"]["to_return"] == []
        assert {c["branch"] for c in company["closures"]} == {"PE0100", PAPERLESS}
        work = admin.get(f"/api/reports/productivity?level=company&from={today}&to={today}")
        assert work["lookup"]["totals"]["papers"] == 2, "the paper branch's two; no e-invoice"
    finally:
        for v in views.values():
            v.close()
        for s in (*paper.values(), *e.values(), admin):
            s.close()
