"""The documents say what they must: plain values in, blocks out, money in integer VND."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from printers import documents
from printers.formats import local_time, vnd
from printers.layout import QR, Cut, Document, Row, Text, row_lines, wrap
from printers.samples import (
    AT,
    BRANCH,
    CONFIRMED,
    FOLLOW_URL,
    HEAD_COUNT,
    MOVEMENT,
    PAYMENTS,
    SUMMARY,
    TICKET,
    all_documents,
)
from printers.vietnamese import ALPHABET


def texts(doc: Document) -> list[str]:
    out = []
    for b in doc.blocks:
        if isinstance(b, Text):
            out.append(b.text)
        elif isinstance(b, Row):
            out.append(f"{b.left} | {b.right}")
    return out


def test_vnd() -> None:
    assert vnd(1_234_567) == "1.234.567 đ"
    assert vnd(0) == "0 đ" and vnd(999) == "999 đ" and vnd(-5_000) == "-5.000 đ"
    for bad in (1.5, True, "12"):
        with pytest.raises(TypeError):
            vnd(bad)  # type: ignore[arg-type]


def test_times_print_in_the_hall_zone() -> None:
    assert local_time("2026-03-27T17:30:00+00:00") == "28/03/2026 00:30"
    assert local_time(dt.datetime(2026, 3, 27, 8, 0, tzinfo=dt.UTC)) == "27/03/2026 15:00"
    with pytest.raises(ValueError):
        local_time("2026-03-27T08:00:00")


def test_ticket() -> None:
    doc = documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL)
    number = next(b for b in doc.blocks if isinstance(b, Text) and b.text == "1042")
    assert number.width == number.height == 6 and number.bold
    lines = texts(doc)
    assert "  Kỳ 01/2026 | 1.234.567 đ" in lines and "Trần V*** Đ" in lines
    assert "  Đang tra cứu nợ" in lines  # CMIS was down for that customer
    assert "TỔNG CỘNG | 2.678.217 đ" in lines
    assert QR(FOLLOW_URL) in doc.blocks and doc.blocks[-1] == Cut()


def test_ticket_lists_only_unpaid_invoices() -> None:
    state = {**TICKET, "customers": [TICKET["customers"][0]]}
    first, second = state["customers"][0]["invoices"]
    state["customers"] = [
        {**state["customers"][0], "invoices": [first, {**second, "pay_status": "paid"}]}
    ]
    lines = texts(documents.ticket(state, branch=BRANCH, follow_url=FOLLOW_URL))
    assert "  Kỳ 02/2026 | 987.650 đ" not in lines
    assert "TỔNG CỘNG | 1.234.567 đ" in lines


def test_receipt() -> None:
    """At F4 CMIS has not answered yet: the receipt says so, names the cashier in full,
    and shows what the customer gave and the change."""
    lines = texts(all_documents()["receipt"])
    assert "Thu ngân / Cashier | Phạm Thị Hồng Nhung" in lines
    assert lines.count(f"  {documents.UNCONFIRMED}") == 2  # no receipt number yet
    assert not any("Số biên lai CMIS" in t for t in lines)
    assert lines.count("  Mã giao dịch / Txn | PE0100-20260327-000119") == 1
    assert "TỔNG ĐÃ THU / TOTAL PAID | 2.678.217 đ" in lines
    assert "Khách đưa / Tendered | 2.700.000 đ" in lines
    assert "Tiền thối lại / Change | 21.783 đ" in lines  # 2.700.000 − 2.678.217
    assert "Thời gian / Time | 27/03/2026 14:05" in lines
    assert documents.COPY_BANNER not in lines


def test_a_receipt_reprinted_after_cmis_confirmed_carries_its_numbers_and_says_copy() -> None:
    lines = texts(all_documents()["receipt-copy"])
    assert "  Số biên lai CMIS / Receipt | BL-88213377" in lines
    assert "  Số biên lai CMIS / Receipt | BL-88213378" in lines
    assert not any("CMIS xác nhận" in t for t in lines)
    assert lines.count(documents.COPY_BANNER) == 2  # at the top and at the foot
    assert "Tiền thối lại / Change | 21.783 đ" in lines


def test_a_reprint_of_a_reversed_or_refused_payment_says_so() -> None:
    gone = [
        {**CONFIRMED[0], "status": "reversed"},
        {**PAYMENTS[1], "status": "refused"},
    ]
    doc = documents.receipt(
        TICKET, gone, branch=BRANCH, counter="Quầy 2", cashier="X", at=AT, reprint=True
    )
    lines = texts(doc)
    assert f"  {documents.UNDONE['reversed']}" in lines
    assert f"  {documents.UNDONE['refused']}" in lines
    assert not any("CMIS xác nhận" in t for t in lines)


def test_a_receipt_without_tendered_prints_no_change() -> None:
    doc = documents.receipt(
        TICKET, PAYMENTS[:1], branch=BRANCH, counter="Quầy 2", cashier="X", at=AT
    )
    assert not any("Tendered" in t or "Change" in t for t in texts(doc))


def test_count_sheet_lists_every_note_and_the_total_in_words() -> None:
    lines = texts(all_documents()["count-close"])
    assert "BẢNG KÊ CÁC LOẠI TIỀN" in lines and "Kết ca thu ngân / Drawer close" in lines
    assert "  500.000 đ x 243 | 121.500.000 đ" in lines
    assert "   50.000 đ x 0 | 0 đ" in lines  # every note in use, even when none
    assert "    2.000 đ x 2 | 4.000 đ" in lines
    assert "TỔNG CỘNG / TOTAL | 121.824.000 đ" in lines
    assert "Một trăm hai mươi mốt triệu tám trăm hai mươi bốn nghìn đồng." in lines
    assert sum(n["amount"] for n in HEAD_COUNT) == 121_824_000  # it adds up
    assert "NGƯỜI NỘP | NGƯỜI KIỂM" in lines
    deposit = texts(all_documents()["count-deposit"])
    assert "Nộp ngân hàng / Bank deposit" in deposit
    assert "Số phiếu nộp / Slip no. | NT-0042" in deposit
    assert "Một trăm mười chín triệu tám trăm hai mươi bốn nghìn đồng." in deposit


def _amounts(lines: list[str]) -> dict[str, int]:
    """Each "label | 1.234 đ" row's amount, by its label (stripped)."""
    out = {}
    for line in lines:
        left, _, right = line.partition(" | ")
        if right.endswith(" đ"):
            out[left.strip()] = int(right.removesuffix(" đ").replace(".", ""))
    return out


def test_day_end_summary_adds_up_on_paper() -> None:
    """Each drawer: float + collected − given back ± moved = expected; expected ± the
    approved difference = counted. The hall the same, and counted = deposit + kept."""
    lines = texts(all_documents()["day-end"])
    people = [c["cashier"] for c in SUMMARY["cashiers"]]
    starts = [next(i for i, t in enumerate(lines) if t.startswith(p)) for p in people]
    total_at = lines.index("TỔNG CỘNG / HALL TOTAL")
    for a, b in zip(starts, [*starts[1:], total_at], strict=True):
        got = _amounts(lines[a:b])
        moved = got.get("Nhận của thu ngân / Money in", 0) + got.get(
            "Giao cho thu ngân / Money out", 0
        )
        collected = next(v for k, v in got.items() if k.startswith("Đã thu"))
        given_back = got.get("Trả lại khách / Given back", 0)
        assert (
            got["Quỹ đầu ngày / Float"] + collected + given_back + moved
            == got["= Phải có / Expected"]
        )
        difference = got.get("Chênh lệch / Difference", 0)
        assert got["= Phải có / Expected"] + difference == got["= Thực đếm / Counted"]
    hall = _amounts(lines[total_at:])
    assert hall["Quỹ đầu ngày / Floats"] == 4_500_000
    assert (
        hall["Quỹ đầu ngày / Floats"]
        + hall["Đã thu / Collected (114)"]
        + hall["Trả lại khách / Given back"]
        + hall["Giao nhận giữa thu ngân / Moved"]
        == hall["= Phải có / Expected"]
    )
    assert hall["Giao nhận giữa thu ngân / Moved"] == 0  # between cashiers: nets to nothing
    assert (
        hall["= Phải có / Expected"] + hall["Chênh lệch đã duyệt / Approved"]
        == hall["= Thực đếm / Counted"]
    )
    deposit = hall["Số phiếu NT-0042"]
    assert deposit + hall["Tiền mặt giữ lại / Cash kept"] == hall["= Thực đếm / Counted"]
    assert "    Đã duyệt / Approved: supervisor: Thiếu 5.000 đ, thu ngân đã bù" in lines
    assert "  Bằng chữ: Một trăm mười chín triệu tám trăm hai mươi bốn nghìn đồng." in lines


def test_day_end_summary() -> None:
    lines = texts(all_documents()["day-end"])
    assert "Thu trong ngày / Takings | 119.824.000 đ" in lines
    assert "Phạm Thị Hồng Nhung (Quầy 2) giao Võ Minh Đức (Quầy 1)" in lines
    empty = documents.day_end_summary(empty_summary(), branch="X")
    assert "  (không có / none)" in texts(empty)
    assert not any("NỘP NGÂN HÀNG" in line for line in texts(empty))
    deposit = {"amount": 119_824_800, "bank": "Vietcombank Sài Gòn", "reference": "NT-0042"}
    banked = texts(documents.day_end_summary({**empty_summary(), "deposit": deposit}, branch="X"))
    assert "  Số phiếu NT-0042 | 119.824.800 đ" in banked and "  Vietcombank Sài Gòn" in banked
    # a day closed before drawers were itemised still prints
    old = {**empty_summary(), "cashiers": [{"cashier": "A", "payments": 3, "total": 9_000}]}
    assert "  3 giao dịch | 9.000 đ" in texts(documents.day_end_summary(old, branch="X"))


def test_cash_slips_have_both_sides_and_signatures() -> None:
    for name, title in (("money-out", "PHIẾU XUẤT TIỀN"), ("money-in", "PHIẾU NHẬN TIỀN")):
        lines = texts(all_documents()[name])
        assert title in lines
        assert "SỐ TIỀN | 48.750.000 đ" in lines
        assert "BÊN GIAO | BÊN NHẬN" in lines
        assert f"{MOVEMENT['from_cashier']} | {MOVEMENT['to_cashier']}" in lines


def test_reconnection_slip_shows_only_this_customers_payment() -> None:
    lines = texts(all_documents()["reconnection"])
    assert "PHIẾU ĐÓNG CẮT ĐIỆN" in lines and "Mã sổ (lộ trình) | PE01A017" in lines
    assert "Khách hàng đã thanh toán hết nợ: đề nghị đóng điện lại." in lines
    assert "TỔNG ĐÃ THU | 2.222.217 đ" in lines
    assert f"Mã giao dịch | {PAYMENTS[0]['txn_id']}" in lines
    assert f"Mã giao dịch | {PAYMENTS[1]['txn_id']}" not in lines


def empty_summary() -> dict[str, Any]:
    return {"day": "2026-03-27", "at": "2026-03-27T10:00:00+00:00", "cashiers": []}


def test_wrap_and_rows_count_characters_not_bytes() -> None:
    assert wrap("Nguyễn Thị Ánh Tuyết", 10) == ["Nguyễn Thị", "Ánh Tuyết"]
    assert row_lines("Kỳ 01/2026", "1.234.567 đ", 32) == ["Kỳ 01/2026" + " " * 11 + "1.234.567 đ"]
    assert row_lines("Tổng cộng tiền điện của khách hàng", "1.234.567 đ", 32) == [
        "Tổng cộng tiền điện của khách",
        "hàng" + " " * 17 + "1.234.567 đ",
    ]
    assert max(len(x) for x in row_lines("x" * 40, "y" * 40, 32)) == 40  # right side kept whole


def test_the_test_page_has_every_letter() -> None:
    doc = documents.test_page("quay-1", "text:cp1258")
    printed = "".join(texts(doc))
    assert set(ALPHABET) <= set(printed)


def test_cancellation_slip_names_the_slip_it_voids_in_both_languages() -> None:
    lines = texts(all_documents()["money-cancel"])
    assert "PHIẾU HUỶ / CANCELLATION" in lines and "HUỶ / VOID" in lines
    assert "Phiếu bị huỷ / Slip | 7" in lines
    assert "Loại / Kind | Xuất tiền / Money out" in lines
    assert "SỐ TIỀN / AMOUNT | 48.750.000 đ" in lines
    assert "Phiếu số 7 không còn giá trị" in lines and "Slip no. 7 is void" in lines
    assert "BÊN GIAO | BÊN NHẬN" in lines


def test_a_void_slip_says_so_and_a_redeclared_one_has_its_own_number() -> None:
    lines = texts(all_documents()["money-out-void"])
    assert lines.count("HUỶ / VOID") == 2, "at the top and at the foot"
    assert "PHIẾU XUẤT TIỀN" in lines and "SỐ TIỀN | 48.750.000 đ" in lines
    valid = texts(documents.money_out_slip({**MOVEMENT, "version": 2}, branch="B"))
    assert "HUỶ / VOID" not in valid and "Số phiếu | 7.2" in valid


PAY = {"payload": "00020101021238570010A000000727", "amount": 2_678_217}


def test_a_ticket_with_its_vietqr_asks_to_pay_now_above_the_follow_link() -> None:
    """The ticket's own VietQR (bank.on_ticket): the words, the amount and the payload's
    QR, before the follow link's; without one the ticket is as it was."""
    doc = documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL, pay=PAY)
    lines = texts(doc)
    assert documents.PAY_NOW[0] in lines and documents.PAY_NOW[1] in lines
    assert "Chuyển khoản VietQR / Amount | 2.678.217 đ" in lines
    codes = [b.data for b in doc.blocks if isinstance(b, QR)]
    assert codes == [PAY["payload"], FOLLOW_URL]
    plain = documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL)
    assert documents.PAY_NOW[0] not in texts(plain)


def test_a_receipt_paid_by_vietqr_names_the_transfer_not_cash_given() -> None:
    paid = [{**p, "method": "vietqr", "bank_txn": "FT26341000777"} for p in PAYMENTS]
    doc = documents.receipt(
        TICKET, paid, branch=BRANCH, counter="Quầy 2", cashier="Phạm Thị Hồng Nhung", at=AT
    )
    lines = texts(doc)
    assert f"Hình thức / Paid by | {documents.BY_QR}" in lines
    assert lines.count("  Mã GD ngân hàng / Bank txn | FT26341000777") == len(paid)
    assert not any(line.startswith(("Khách đưa", "Tiền thối")) for line in lines)


@pytest.mark.parametrize("mode", ["text:cp1258", "text:tcvn3"])
def test_a_priority_customers_ticket_is_marked_under_its_number(mode: str) -> None:
    """The mark a customer shows and staff read (docs/priority.md): "ƯU TIÊN" large under
    the number, then the kind in both languages; printable in text mode on both papers
    (no line falls back to an image). A normal ticket carries no mark."""
    from escpos.printer import Dummy

    from printers.layout import PAPER_58, PAPER_80
    from printers.render import render

    doc = documents.ticket({**TICKET, "priority": "elderly"}, branch=BRANCH, follow_url=FOLLOW_URL)
    lines = texts(doc)
    at = lines.index("1042")
    assert lines[at + 1 : at + 3] == ["ƯU TIÊN", "PRIORITY: Người cao tuổi / Elderly"]
    mark = next(b for b in doc.blocks if isinstance(b, Text) and b.text == "ƯU TIÊN")
    assert mark.bold and mark.width == mark.height == 2
    for paper in (PAPER_58, PAPER_80):
        printer = Dummy(profile="TM-T20II")
        assert render(printer, doc, paper, mode) == []
    plain = texts(documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL))
    assert "ƯU TIÊN" not in plain and not any(t.startswith("PRIORITY") for t in plain)
