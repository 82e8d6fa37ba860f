"""The crews' papers on A4, read back with pypdf: the list first, then a slip per order two
to a page (a slip too long for half a page takes a page), each saying who, where, how
much and by when, in Vietnamese; CMIS's awkward names neither break the file nor spill."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from integrations.cmis.simulator.data import _AWKWARD as AWKWARD
from printers.layout import plain
from printers.samples import BRANCH, CREW, FIELD_AT, FIELD_ORDERS, RECONNECT_ORDER
from qms.usecases.field_pdf import cut_slips_pdf, reconnection_pdf

DAY = "2026-12-07"


def pages(raw: bytes) -> list[str]:
    """Each page's text, its words one space apart (wrapped lines joined back)."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(raw)).pages]


def slips(orders: list[dict[str, Any]], crew: Any = CREW) -> list[str]:
    return pages(cut_slips_pdf(crew, orders, branch=BRANCH, day=DAY, at=FIELD_AT))


def test_the_list_then_two_slips_a_page_in_route_order() -> None:
    first, *rest = slips(FIELD_ORDERS)
    assert "DANH SÁCH CẮT ĐIỆN" in first and "Ngày / Day: 07/12/2026" in first
    assert "Tổ công tác / Crew: T1 - Tổ 1 - Quận 3" in first
    assert "Lý Văn Cắt (crew1)" in first and "Hồ Thị Đóng (crew2)" in first
    codes = [first.index(c) for c in ("PE01000012345", "PE01000012367", "PE01000012399")]
    assert codes == sorted(codes), "route order: 17, 18 (book A012), then 19 (A013)"
    assert first.index("Sổ / Book PE0100A012 (2)") < codes[0] < codes[1]
    assert codes[1] < first.index("Sổ / Book PE0100A013 (1)") < codes[2]
    assert "TỔNG CỘNG / TOTAL: 3 phiếu cắt 3.692.089 đ" in first
    assert "Ba triệu sáu trăm chín mươi hai nghìn không trăm tám mươi chín đồng" in first
    assert "NGƯỜI GIAO VIỆC" in first and "TỔ CÔNG TÁC" in first
    assert "T = khách không cho cắt, S = sai địa chỉ." in first  # the legend, as on the roll
    assert "T refused, S wrong address." in first
    assert len(rest) == 2, "three slips: two on a page, one on the next"
    assert [p.count("PHIẾU CẮT ĐIỆN") for p in rest] == [2, 1]
    top, bottom = rest[0].index("Order no. 17"), rest[0].index("Order no. 18")
    assert top < bottom and "Order no. 19" in rest[1]


def test_a_cut_slip_on_paper_says_what_the_crew_needs() -> None:
    (_, slip) = slips([FIELD_ORDERS[1]])
    for wanted in (
        "PHIẾU CẮT ĐIỆN",
        "Số phiếu / Order no. 17",
        "Mã khách hàng / Customer: PE01000012345",
        "Tên khách hàng / Name: Nguyễn Thị Ánh Tuyết",
        "Địa chỉ / Address: 123/4 Võ Văn Tần, Phường Võ Thị Sáu, Quận 3, TP. Hồ Chí Minh",
        "Mã sổ / Book: PE0100A012",
        "Số kỳ nợ / Periods owed: 2",
        "Hạn thanh toán cũ nhất / Oldest due: 25/10/2026",
        "TIỀN NỢ QUÁ HẠN / OVERDUE: 1.234.000 đ",
        "Bằng chữ / In words: Một triệu hai trăm ba mươi bốn nghìn đồng.",
        "Lý do / Reason: Nợ tiền điện quá hạn",
        "Số công tơ / Chỉ số khi cắt",
        "Giờ cắt / Time of cut: ....giờ....phút",
        "NGƯỜI LẬP PHIẾU",
        "KHÁCH HÀNG",
    ):
        assert wanted in slip, wanted


def test_a_reconnection_slip_on_paper_says_by_when() -> None:
    (page,) = pages(reconnection_pdf(RECONNECT_ORDER, None, branch=BRANCH, at=FIELD_AT))
    assert "PHIẾU ĐÓNG ĐIỆN" in page and "Số phiếu / Order no. 31" in page
    assert "Đóng điện trước: 08/12/2026 09:12" in page
    assert "Nộp lúc / Paid at: 07/12/2026 09:12" in page
    assert "Mã giao dịch / Txn: PE0100-20261207-000042" in page
    assert "Số tiền đã nộp / Paid: 1.234.000 đ" in page
    assert "Tổ công tác / Crew: ....." in page  # no crew yet: written in by hand
    with_crew = pages(reconnection_pdf(RECONNECT_ORDER, CREW, branch=BRANCH, at=FIELD_AT))[0]
    assert "Lý Văn Cắt (crew1)" in with_crew


def test_awkward_names_from_cmis_do_not_break_the_sheet() -> None:
    orders = [
        {**FIELD_ORDERS[0], "id": 100 + n, "customer_name": name, "address": address}
        for n, (name, address) in enumerate(AWKWARD)
    ]
    orders.append({**FIELD_ORDERS[0], "id": 199, "customer_name": "Nguyễn 漢字 \ud800 Z"})
    first, *rest = slips(orders)
    for name, address in AWKWARD:
        assert plain(name) in " ".join(rest), name  # on its slip, controls turned to spaces
        assert plain(address) in " ".join(rest), address
    assert "Lê Văn Ổn" in first and "Tầng 2 99 Pasteur" in first
    assert len(rest) == 3, "six slips, two to a page: nothing spilled over"


def test_a_slip_too_long_for_half_a_page_takes_a_page() -> None:
    long = {**FIELD_ORDERS[1], "id": 50, "address": "Hẻm 12, " * 300, "route_no": 2}
    first, *rest = slips([FIELD_ORDERS[1], long, {**FIELD_ORDERS[2], "route_no": 3}])
    assert [p.count("PHIẾU CẮT ĐIỆN") for p in rest] == [1, 1, 1]
    assert "Order no. 17" in rest[0] and "Order no. 18" in rest[2]
    assert "Order no. 50" in rest[1] and "KHÁCH HÀNG" in rest[1]  # whole, signatures too
    assert ("Hẻm 12, " * 300).strip() in rest[1]
    assert "Hẻm 12, " * 29 + "Hẻm 12,…" in first  # the list's cell is cut short
