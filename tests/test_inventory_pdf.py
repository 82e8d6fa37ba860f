"""The inventory record on A4, read back with pypdf: the session and its committee, the
totals per book with the sums in words, each difference with what the hall does about it,
the cash by note with its total in words, and a place to sign for every member."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from qms.usecases.inventory_pdf import record_pdf

AT = "2026-12-31T09:30:00+00:00"
COMMITTEE = [
    {"name": "Nguyễn Văn Trưởng", "role": "Trưởng ban"},
    {"name": "Trần Thị Kế Toán", "role": "Kế toán"},
    {"name": "Lê Văn Thủ Quỹ", "role": "Thủ quỹ"},
    {"name": "Phạm Thị Thu Ngân", "role": "Thành viên"},
]


def _book(code: str, **figures: Any) -> dict[str, Any]:
    zero = dict.fromkeys(
        ("expected", "expected_total", "scanned", "matched", "at_counter", "missing",
         "missing_total", "extra", "doubles"), 0
    )  # fmt: skip
    lists = dict.fromkeys(("missing_list", "at_counter_list", "extra_list", "double_list"))
    return {"book_code": code, "status": "counted", **zero, **{k: [] for k in lists}, **figures}


def record() -> dict[str, Any]:
    a = _book(
        "PE0100A012", expected=3, expected_total=1_500_000, scanned=3, matched=1, missing=1,
        missing_total=500_000, at_counter=1, extra=1, doubles=1,
        missing_list=[{"series": "1K26TPE", "number": "0000017", "customer_code":
                       "PE01000012345", "period": "11/2026", "total": 500_000}],
        at_counter_list=[{"series": "1K26TPE", "number": "0000018", "customer_code":
                          "PE01000012367", "period": "11/2026", "total": 400_000,
                          "where": "C2"}],
        extra_list=[{"series": "1K26TPE", "number": "0999999", "why": "not_owed"}],
        double_list=[{"series": "1K26TPE", "number": "0000019", "times": 3}],
    )  # fmt: skip
    b = _book("PE0100A013", expected=1, expected_total=200_000, scanned=1, matched=1)
    keys = [k for k in a if isinstance(a[k], int)]
    return {
        "inventory": {
            "id": 7, "title": "Kiểm kê cuối năm 2026", "committee": COMMITTEE,
            "status": "closed", "opened_at": "2026-12-31T01:00:00+00:00", "opened_by": "sup",
            "compared_at": "2026-12-31T08:00:00+00:00", "closed_at": AT, "books": [],
            "cash": [],
        },
        "compared": True,
        "books": [a, b],
        "totals": {k: a[k] + b[k] for k in keys},
        "cash": [
            {"holder": "Két sắt / Safe", "notes": {"500000": 3, "10000": 2}, "total": 1_520_000,
             "counted_by": "head", "at": AT},
        ],
        "cash_total": 1_520_000,
    }  # fmt: skip


def text(raw: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(raw)).pages)


def test_the_record_on_paper_says_what_the_committee_signs() -> None:
    page = text(record_pdf(record(), branch="Điện lực Quận 3", at=AT))
    for wanted in (
        "Điện lực Quận 3",
        "BIÊN BẢN KIỂM KÊ",
        "Kiểm kê cuối năm 2026",
        "Mở lúc / Opened: 31/12/2026 08:00 (sup)",
        "Kết thúc / Closed: 31/12/2026 16:30",
        "Nguyễn Văn Trưởng Trưởng ban",
        "PE0100A012 3 1.500.000 đ 3 1 1 1 500.000 đ 1 1",
        "TỔNG / TOTAL 4 1.700.000 đ 4 2 1 1 500.000 đ 1 1",
        "Unpaid at CMIS, in words: Một triệu bảy trăm nghìn đồng.",
        "Missing, in words: Năm trăm nghìn đồng.",
        "Sổ / Book PE0100A012 (4)",
        "Thiếu / Missing (1): Tìm lại; không thấy thì báo mất",
        "1 1K26TPE 0000017 PE01000012345 11/2026 500.000 đ",
        "Đang ở quầy / At a counter (1): Lấy lại từ quầy về giá",
        "1 1K26TPE 0000018 PE01000012367 11/2026 400.000 đ C2",
        "Thừa: CMIS không còn nợ / Extra: not owed at CMIS (1)",
        "Quét trùng / Scanned twice (1): Đã tính một lần / Counted once",
        "1 1K26TPE 0000019 ×3",
        "500.000 đ 3 1.500.000 đ",
        "Cộng / Total 1.520.000 đ",
        "Một triệu năm trăm hai mươi nghìn đồng.",
        "Signatures of the committee",
    ):
        assert wanted in page, wanted
    assert "PE0100A013 (" not in page, "a book without differences lists none"
    for m in COMMITTEE:  # one place to sign per member, their name under it
        assert page.count(m["name"]) == 2, m["name"]
    assert page.count("(Ký, ghi rõ họ tên / Sign, full name)") == len(COMMITTEE)
