"""Cash and VietQR apart in every report and in the day's close: a day with cash at two
counters, a QR shown at a counter and a ticket's QR paid while it waited. Each figure is
split by method and adds up; the QRs paid while waiting are a group of their own, named
in words; drawers hold cash only; the close prints each cashier's cash and non-cash and
the bank statement's state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from printers import documents
from printers.formats import vnd
from printers.layout import Row, Text
from qms.domain import closing
from qms.domain import commands as c
from qms.usecases import productivity, report_export, reports
from tests.fast.conftest import BRANCH, FLOAT, Rig, invoices
from tests.fast.test_bank import body, csv_of, notify
from tests.test_reports import csv_file, pdf_text

WAITING = "Chuyển khoản khi chờ / Paid by QR while waiting"
A, B, C, D = 110_000, 231_000, 352_000, 473_000  # cash C1, QR at C2, QR waiting, cash C2


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0", bank=True)
    try:
        yield r
    finally:
        r.close()


@pytest.fixture
def day(rig: Rig) -> dict[str, Any]:
    """The day: cashier1 takes A in cash at C1; cashier2 shows a QR for B at C2 (paid by
    the bank) and takes D in cash; a ticket pays C by its printed QR, never called."""
    a, b, cw, d = (rig.cmis.customer(totals=[x]) for x in (A, B, C, D))
    rig.open_drawers("c1", "c2")
    rig.collect("c1", a)
    t = rig.serve("c2", b)
    shown = rig.do("c2", c.ShowQr("C2", tuple(i["invoice_id"] for i in invoices(t)), B))
    at_counter = pay(rig, shown["ref"], B)
    waiting = rig.issue(cw)
    paid_waiting = pay(rig, waiting["qr"]["ref"], C)
    rig.collect("c2", d)
    rig.post_payments()  # CMIS has all four, whatever their method
    return {"counter": at_counter, "waiting": paid_waiting}


def pay(rig: Rig, ref: str, amount: int) -> str:
    """The bank's signed notification of a transfer naming ``ref``; its bank id."""
    sent = body(ref, amount)
    got = notify(rig, sent)
    assert got["status"] == "applied", got
    return str(sent["transaction_id"])


def report(rig: Rig) -> dict[str, Any]:
    got = rig.run(rig.cmis.payments_for_day(rig.day, rig.branch.collection_point))
    cmis = {(BRANCH, rig.day): reports.CmisDay(payments=tuple(got))}
    tz, now = rig.clock.tz, rig.clock.now()
    return rig.read(reports.build, "branch", [rig.branch], [rig.day], tz, cmis, now)


def money(row: dict[str, Any]) -> tuple[int, int, int]:
    return row["net_cash"], row["net_vietqr"], row["net"]


def test_every_figure_is_split_by_method_and_adds_up(rig: Rig, day: dict[str, Any]) -> None:
    r = report(rig)
    assert money(r["totals"]) == (A + D, B + C, A + B + C + D)
    assert (r["totals"]["payments_cash"], r["totals"]["payments_vietqr"]) == (2, 2)
    assert r["totals"]["collected_vietqr"] == B + C and r["totals"]["given_back_vietqr"] == 0
    cashiers = {x["cashier"]: x for x in r["by_cashier"]}
    assert money(cashiers["cashier1"]) == (A, 0, A)
    assert money(cashiers["cashier2"]) == (D, B, B + D)  # the QR they showed is theirs
    waiting = r["by_cashier"][-1]  # after the people
    assert (waiting["cashier"], waiting["name"], waiting["while_waiting"]) == (
        "bank:vietqr",
        WAITING,
        True,
    )
    assert money(waiting) == (0, C, C)
    counters = {(x["counter"], x["name"]): money(x) for x in r["by_counter"]}
    assert counters == {("C1", "Quầy 1"): (A, 0, A), ("C2", "Quầy 2"): (D, B, B + D),
                        ("", WAITING): (0, C, C)}  # fmt: skip
    for section in ("by_cashier", "by_counter", "by_day", "by_hour"):
        for key in ("net_cash", "net_vietqr", "net", "collected_cash", "payments_vietqr"):
            assert sum(x[key] for x in r[section]) == r["totals"][key], (section, key)
    txns = {t["bank_txn"]: t for t in r["transactions"]}
    assert txns[None]["method"] == "cash"
    at_counter = txns[day["counter"]]
    assert (at_counter["method"], at_counter["counter"]) == ("vietqr", "C2")
    paid_waiting = txns[day["waiting"]]
    assert (paid_waiting["cashier_name"], paid_waiting["counter"]) == (WAITING, "")
    # CMIS has both methods: the reconciliation matches all of it, and says which is which
    (recon,) = r["reconciliation"]["days"]
    assert recon["open_items"] == 0 and recon["our_total"] == recon["cmis_total"]
    assert (recon["our_cash"], recon["our_vietqr"]) == (A + D, B + C)
    # a drawer holds cash only
    drawers = {x["cashier"]: x for x in r["drawers"]["rows"]}
    assert drawers["cashier2"]["collected"] == D and drawers["cashier2"]["expected"] == FLOAT + D


def test_the_csv_names_the_methods_and_the_while_waiting_group(
    rig: Rig, day: dict[str, Any]
) -> None:
    sheet = csv_file(report_export.csv_bytes(report(rig)))
    cashiers = sheet["by_cashier"]
    waiting = cashiers["rows"][-1]
    assert (waiting["cashier"], waiting["name"], waiting["while_waiting"]) == (
        "Chuyển khoản khi chờ",
        WAITING,
        "Có",
    )
    assert (waiting["net_cash"], waiting["net_vietqr"]) == ("0", str(C))
    assert (cashiers["total"]["net_cash"], cashiers["total"]["net_vietqr"]) == (
        str(A + D),
        str(B + C),
    )
    assert any(
        n.startswith("Chuyển khoản khi chờ: vé trả bằng mã VietQR") for n in cashiers["notes"]
    )
    methods = {t["bank_txn"]: t["method"] for t in sheet["transactions"]["rows"]}
    qr = "Chuyển khoản VietQR"
    assert methods == {"": "Tiền mặt", day["counter"]: qr, day["waiting"]: qr}
    cells = {v for s in sheet.values() for row in s["rows"] for v in row.values()}
    assert not cells & {"bank:vietqr", "vietqr", "cash"}  # codes never reach a person
    (recon,) = sheet["reconciliation"]["rows"]
    assert (recon["our_cash"], recon["our_vietqr"]) == (str(A + D), str(B + C))


def test_the_pdf_gives_the_net_of_each_method(rig: Rig, day: dict[str, Any]) -> None:
    text = " ".join(pdf_text(report_export.pdf_bytes(report(rig))).split())
    net = f"Tổng cộng thực thu / Net total: {vnd(A + B + C + D)}"
    split = f"Trong đó tiền mặt / Of which cash: {vnd(A + D)}; VietQR: {vnd(B + C)}"
    assert f"{net} " in text and split in text
    # its row: payments, collected, refused, reversed, net payments, net cash, VietQR, net
    assert f"{WAITING} 1 {vnd(C)} 0 đ 0 đ 1 0 đ {vnd(C)} {vnd(C)}" in text
    assert "bank:vietqr" not in text


def test_productivity_says_which_net_is_cash(rig: Rig, day: dict[str, Any]) -> None:
    now = rig.clock.now()
    got = rig.read(
        productivity.build, "branch", [rig.branch], [rig.day], rig.clock.tz, now, rig.day
    )
    rows = {x["cashier"]: x for x in got["cashiers"]["rows"]}
    assert money(rows["cashier2"]) == (D, B, B + D)
    assert rows["bank:vietqr"]["name"] == WAITING and money(rows["bank:vietqr"]) == (0, C, C)
    assert money(got["cashiers"]["totals"]) == (A + D, B + C, A + B + C + D)


def test_a_vietqr_payment_cmis_refused_is_given_back_by_the_bank(rig: Rig) -> None:
    """Its money went back to the customer from the bank: given back as VietQR, while the
    drawer of the cashier who showed the QR is untouched."""
    code = rig.cmis.customer(totals=[B])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    (inv,) = invoices(t)
    rig.cmis.refuse[inv["invoice_id"]] = "051"  # paid at another bank meanwhile
    pay(rig, rig.do("c1", c.ShowQr("C1", (inv["invoice_id"],), B))["ref"], B)
    assert [p.status for p in rig.post_payments()] == ["refused"]
    r = report(rig)["totals"]
    assert (r["refused_vietqr"], r["given_back_vietqr"], r["net_vietqr"]) == (B, B, 0)
    assert (r["collected_cash"], r["given_back_cash"]) == (0, 0)
    cash = rig.read(closing.overview, rig.branch, rig.day)
    assert cash["drawers"][0]["balance"]["expected"] == FLOAT
    (row,) = cash["noncash"]["cashiers"]
    assert (row["payments"], row["given_back"], row["total"]) == (1, B, 0)


def lines(doc: documents.Document) -> list[str]:
    return [
        b.text if isinstance(b, Text) else f"{b.left} | {b.right}"
        for b in doc.blocks
        if isinstance(b, Text | Row)
    ]


def test_the_day_close_keeps_cash_and_noncash_apart(rig: Rig, day: dict[str, Any]) -> None:
    cash = rig.read(closing.overview, rig.branch, rig.day)["totals"]
    assert (cash["collected"], cash["noncash"], cash["takings"]) == (A + D, B + C, A + B + C + D)
    deposit = 5_000_000  # yesterday's cash, banked: no customer's payment, cleared by hand
    imported = rig.do("head", c.ImportStatement(csv_of(
        (day["counter"], B, "TT tien dien"), (day["waiting"], C, "TT tien dien"),
        ("NOP0001", deposit, "Nop tien mat"),
    )))  # fmt: skip
    (line,) = imported["unmatched"]
    rig.do("head", c.ClearLine(line["id"], "Tiền mặt nộp ngân hàng ngày 06/12"))
    rig.do("c1", c.CloseDrawer(FLOAT + A))  # the drawers count cash as before: no QR money
    rig.do("c2", c.CloseDrawer(FLOAT + D))
    closed = rig.do("sup", c.CloseDay())
    by_name = {x["cashier"]: x for x in closed["cashiers"]}
    two = by_name["cashier2"]
    assert (two["total"], two["expected"], two["difference"]) == (D, FLOAT + D, 0)
    assert (two["noncash_payments"], two["noncash"]) == (1, B)
    assert (by_name["cashier1"]["noncash_payments"], by_name["cashier1"]["noncash"]) == (0, 0)
    bank = closed["noncash"]
    assert [(x["name"], x["counter"], x["total"]) for x in bank["cashiers"]] == [
        ("cashier2", "C2", B),
        (WAITING, "", C),
    ]
    assert (bank["payments"], bank["total"]) == (2, B + C)
    assert bank["statement"] == {
        "lines": 3,
        **{"matched": 2, "matched_total": B + C, "cleared": 1, "cleared_total": deposit},
        **{"unmatched": 0, "unmatched_total": 0},
    }
    assert bank["credits"]["applied"] == 2 and bank["credits"]["exception"] == 0
    kept = rig.read(closing.overview, rig.branch, rig.day)["closed"]
    assert kept["noncash"] == bank and kept["cashiers"] == closed["cashiers"]
    paper = lines(documents.day_end_summary(closed, branch="Điện lực thử"))
    for want in (
        f"  VietQR, ngoài két / not in drawer (1) | {vnd(B)}",
        f"Thu tiền mặt / Cash takings | {vnd(A + D)}",
        "VIETQR (KHÔNG TIỀN MẶT) / NON-CASH",
        WAITING,
        f"Tổng VietQR / Non-cash (2) | {vnd(B + C)}",
        f"  Khớp / Matched (2) | {vnd(B + C)}",
        f"  Đã giải trình / Cleared (1) | {vnd(deposit)}",
        f"TỔNG THU / ALL TAKINGS | {vnd(A + B + C + D)}",
    ):
        assert want in paper, (want, paper)


def test_a_day_closed_before_vietqr_prints_as_before() -> None:
    """A summary stored before the split (no ``noncash``) prints with no non-cash part."""
    an = {"cashier": "An", "counter": "C1", "payments": 1, "total": 9_000}
    old = {"day": "2026-11-30", "at": "2026-11-30T10:00:00+00:00", "cashiers": [an]}
    paper = lines(documents.day_end_summary(old, branch="X"))
    assert "  1 giao dịch | 9.000 đ" in paper
    assert not [x for x in paper if "VietQR" in x or "NON-CASH" in x]
