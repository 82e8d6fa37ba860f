"""The crews' papers read back, from the very bytes a printer gets, as what a crew must
read at the door: who, where, how much (in figures and in words), by when; and a name
from CMIS holding anything prints without breaking the paper or the printer."""

from __future__ import annotations

from typing import Any

import pytest
from escpos.printer import Dummy

from integrations.cmis.simulator.data import _AWKWARD as AWKWARD
from printers import field_documents as fd
from printers.dissect import readable
from printers.layout import PAPER_58, PAPER_80, Document, Paper, plain
from printers.render import render
from printers.samples import BRANCH, CREW, FIELD_AT, FIELD_ORDERS, RECONNECT_ORDER
from qms.domain.field.orders import NOT_DONE_REASONS

PROFILE = "TM-T20II"
TEXT_MODES = ("text:cp1258", "text:tcvn3")


def printed(doc: Document, paper: Paper = PAPER_80, mode: str = "text:cp1258") -> list[str]:
    """The paper's lines as the printer prints them (decoded from the bytes, stripped)."""
    printer = Dummy(profile=PROFILE)
    render(printer, doc, paper, mode)
    return [line.strip() for line in readable(printer.output, printer.profile).split("\n")]


def words_of(lines: list[str]) -> str:
    """The paper as one run of words (wrapped lines joined back)."""
    return " ".join(" ".join(lines).split())


def cut(order: dict[str, Any] = FIELD_ORDERS[1], crew: Any = CREW) -> Document:
    return fd.cut_slip(order, crew, branch=BRANCH, at=FIELD_AT)


@pytest.mark.parametrize("mode", TEXT_MODES)
def test_a_cut_slip_reads_as_the_order_to_cut(mode: str) -> None:
    lines = printed(cut(), mode=mode)
    assert "PHIẾU CẮT ĐIỆN" in lines
    assert "Số phiếu / Order no.                          17" in lines
    assert "Mã khách hàng / Customer           PE01000012345" in lines
    assert "Tên khách hàng / Name: Nguyễn Thị Ánh Tuyết" in lines
    assert "Mã sổ / Book                          PE0100A012" in lines
    assert "Số kỳ nợ / Periods owed                        2" in lines
    assert "Hạn thanh toán cũ nhất / Oldest due   25/10/2026" in lines
    assert "TIỀN NỢ QUÁ HẠN / OVERDUE            1.234.000 đ" in lines
    assert "Một triệu hai trăm ba mươi bốn nghìn đồng." in lines
    assert "Lý do / Reason              Nợ tiền điện quá hạn" in lines
    assert "Số công tơ / Chỉ số khi cắt:" in lines  # the blank the crew fills in
    assert "Giờ cắt / Time of cut            ....giờ....phút" in lines
    assert "Thành viên / Member           Lý Văn Cắt (crew1)" in lines
    assert "Hồ Thị Đóng (crew2)" in lines
    assert "NGƯỜI LẬP PHIẾU                      TỔ CÔNG TÁC" in lines and "KHÁCH HÀNG" in lines
    text = words_of(lines)
    assert "Địa chỉ / Address: 123/4 Võ Văn Tần, Phường Võ Thị Sáu, Quận 3, TP. Hồ Chí Minh" in text


def test_a_cut_slip_on_the_narrow_roll_keeps_every_figure_whole() -> None:
    lines = printed(cut(), PAPER_58)
    assert "PE01000012345" in words_of(lines)
    assert "1.234.000 đ" in [line.split("  ")[-1].strip() for line in lines]
    assert max(len(line) for line in lines) <= PAPER_58.columns


def test_without_a_due_date_the_slip_leaves_a_blank() -> None:
    lines = printed(cut({**FIELD_ORDERS[1], "oldest_due": None}))
    at = lines.index("Hạn thanh toán cũ nhất / Oldest due")
    assert lines[at + 1] == fd.DOTS


@pytest.mark.parametrize("mode", TEXT_MODES)
def test_a_reconnection_slip_says_by_when_and_what_paid_it(mode: str) -> None:
    doc = fd.reconnection_slip(RECONNECT_ORDER, CREW, branch=BRANCH, at=FIELD_AT)
    lines = printed(doc, mode=mode)
    assert "PHIẾU ĐÓNG ĐIỆN" in lines
    assert "Đóng điện trước: 08/12/2026 09:12" in lines  # 09:12 +07:00 the next day
    assert "Nộp lúc / Paid at               07/12/2026 09:12" in lines
    assert "Mã giao dịch / Txn        PE0100-20261207-000042" in lines
    assert "Số tiền đã nộp / Paid                1.234.000 đ" in lines
    assert "Mã khách hàng / Customer           PE01000012345" in lines
    assert "Thành viên / Member           Lý Văn Cắt (crew1)" in lines


def test_a_reconnection_not_yet_assigned_leaves_the_crew_to_write_in() -> None:
    lines = printed(fd.reconnection_slip(RECONNECT_ORDER, None, branch=BRANCH, at=FIELD_AT))
    assert f"Tổ công tác / Crew              {fd.DOTS}" in lines
    assert f"Thành viên / Member             {fd.DOTS}" in lines
    assert not any("crew1" in line for line in lines)


def test_a_member_without_a_full_name_prints_once() -> None:
    crew = {**CREW, "members": [{"username": "crew3", "full_name": "crew3"}]}
    lines = printed(cut(crew=crew))
    assert "Thành viên / Member                        crew3" in lines


def test_the_deadline_is_in_the_halls_time() -> None:
    order = {**RECONNECT_ORDER, "deadline": "2026-12-08T02:12:00+00:00"}
    assert fd.deadline_line(order) == "Đóng điện trước: 08/12/2026 09:12"


def test_the_crews_list_follows_the_route_book_by_book() -> None:
    unnumbered = {**FIELD_ORDERS[0], "id": 20, "customer_code": "PE01000012400", "route_no": None}
    orders = [unnumbered, *FIELD_ORDERS]
    doc = fd.crew_list(CREW, orders, branch=BRANCH, day="2026-12-07", at=FIELD_AT)
    lines = printed(doc)
    entries = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.")]
    assert [e.split()[1] for e in entries] == [
        "PE01000012345",  # route 1, book A012
        "PE01000012367",  # route 2, book A012
        "PE01000012399",  # route 3, book A013
        "PE01000012400",  # no place in the route yet: last
    ]
    assert entries[0] == "1. PE01000012345 (phiếu 17)          1.234.000 đ"
    books = [line for line in lines if line.startswith("Sổ / Book")]
    assert books == ["Sổ / Book PE0100A012 (2)", "Sổ / Book PE0100A013 (2)"]
    assert lines.count(f"Kết quả / Result             {fd.DOTS}") == 4  # a blank per order
    assert "2 kỳ nợ, hạn cũ nhất 25/10/2026" in lines
    assert "Cộng sổ / Book total               3.236.089 đ" in lines
    assert "TỔNG CỘNG / TOTAL: 4 phiếu cắt       4.148.089 đ" in lines
    assert "Bốn triệu một trăm bốn mươi tám nghìn không trăm tám mươi chín đồng." in words_of(lines)
    assert "NGƯỜI GIAO VIỆC                      TỔ CÔNG TÁC" in lines


def test_the_lists_legend_has_a_letter_for_every_way_an_order_ends() -> None:
    """A crew back from a refusal or a wrong address finds its letter on the paper: the
    legend names a cut and each reason the phone offers, in the hall's words."""
    assert [o for _, o in fd.RESULT_LETTERS] == ["cut", *NOT_DONE_REASONS]
    letters = [letter for letter, _ in fd.RESULT_LETTERS]
    assert len(set(letters)) == len(letters)
    doc = fd.crew_list(CREW, FIELD_ORDERS, branch=BRANCH, day="2026-12-07", at=FIELD_AT)
    for paper in (PAPER_58, PAPER_80):
        text = words_of(printed(doc, paper))
        assert (
            "Kết quả: C = đã cắt, N = khách trả tiền tại chỗ, V = khách vắng nhà, "
            "K = không tiếp cận được công tơ, T = khách không cho cắt, S = sai địa chỉ."
        ) in text
        assert (
            "Result: C cut, N paid on the spot, V customer absent, K meter inaccessible, "
            "T refused, S wrong address."
        ) in text


def test_a_reconnection_on_the_list_shows_its_deadline_and_is_not_debt() -> None:
    orders = [*FIELD_ORDERS, {**RECONNECT_ORDER, "route_no": 4}]
    lines = printed(fd.crew_list(CREW, orders, branch=BRANCH, day="2026-12-07", at=FIELD_AT))
    assert "Đóng điện trước: 08/12/2026 09:12" in lines
    assert "TỔNG CỘNG / TOTAL: 3 phiếu cắt       3.692.089 đ" in lines
    assert "Phiếu đóng điện / Reconnections                1" in lines


def awkward_order(n: int, name: str, address: str) -> dict[str, Any]:
    return {**FIELD_ORDERS[0], "id": 100 + n, "customer_name": name, "address": address}


@pytest.mark.parametrize("mode", [*TEXT_MODES, "image"])
@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
def test_awkward_names_from_cmis_print_safely(mode: str, paper: Paper) -> None:
    """Tabs, bells, line breaks, markup and quotes in CMIS's names: no control byte
    reaches the printer (the reader refuses any it does not know), and the name reads as
    CMIS wrote it, controls turned to spaces."""
    orders = [awkward_order(n, name, address) for n, (name, address) in enumerate(AWKWARD)]
    crew = {**CREW, "members": [{"username": "x\x1b@", "full_name": "Tổ\r\ntrưởng"}]}
    docs = [
        *(fd.cut_slip(o, crew, branch=BRANCH, at=FIELD_AT) for o in orders),
        fd.crew_list(crew, orders, branch=BRANCH, day="2026-12-07", at=FIELD_AT),
    ]
    for doc in docs:
        printer = Dummy(profile=PROFILE)
        assert render(printer, doc, paper, mode) == []  # all printable in the code page
        text = readable(printer.output, printer.profile)  # raises on a stray control byte
        if mode != "image":
            assert "Tổ trưởng (x @)" in " ".join(text.split())
    if mode != "image":
        text = words_of(printed(docs[-1], paper, mode))
        for name, address in AWKWARD:
            assert plain(name) in text and plain(address) in text
        assert "Lê Văn Ổn" in text and "Tầng 2 99 Pasteur" in text


def test_a_letter_no_code_page_has_prints_as_an_image_of_its_line() -> None:
    order = awkward_order(9, "Nguyễn 漢字 \ud800", FIELD_ORDERS[0]["address"])
    printer = Dummy(profile=PROFILE)
    fallbacks = render(printer, cut(order), PAPER_80, "text:cp1258")
    assert fallbacks == ["Tên khách hàng / Name: Nguyễn 漢字"]  # the lone surrogate: a space
    lines = [line.strip() for line in readable(printer.output, printer.profile).split("\n")]
    assert any(line.startswith("[image 576x") for line in lines)
    assert "TIỀN NỢ QUÁ HẠN / OVERDUE              456.000 đ" in lines


def test_money_is_integer_vnd() -> None:
    with pytest.raises(TypeError):
        cut({**FIELD_ORDERS[1], "overdue": 1234.5})
