"""Byte-exact golden files: every document, on both papers, in every mode, as python-escpos's
Dummy printer receives it. ``QMS_REGOLD=1 pytest tests/printers`` rewrites them (then look
at the diff and the previews); a missing golden fails, it is never written silently."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from escpos.printer import Dummy

from printers.layout import PAPER_58, PAPER_80, Paper
from printers.render import render
from printers.samples import all_documents

GOLDEN = Path(__file__).parent / "golden"
PROFILE = "TM-T20II"  # 203 dpi, 576 dots, CP1258 (52) and TCVN-3 (30, 31)
MODES = ("text:cp1258", "text:tcvn3", "image")
DOCS = all_documents()


def golden_path(name: str, paper: Paper, mode: str) -> Path:
    # image jobs are mostly zeros: stored gzipped, compared uncompressed
    suffix = ".bin.gz" if mode == "image" else ".bin"
    return GOLDEN / f"{name}-{paper.mm}mm-{mode.replace(':', '-')}{suffix}"


def read_golden(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def write_golden(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("paper", [PAPER_58, PAPER_80], ids=["58mm", "80mm"])
@pytest.mark.parametrize("name", sorted(DOCS))
def test_golden(name: str, paper: Paper, mode: str) -> None:
    printer = Dummy(profile=PROFILE)
    fallbacks = render(printer, DOCS[name], paper, mode)
    assert fallbacks == []  # the samples are all Vietnamese: no line needs an image
    path = golden_path(name, paper, mode)
    if os.environ.get("QMS_REGOLD") == "1":
        write_golden(path, printer.output)
    assert path.exists(), f"{path.name} missing: QMS_REGOLD=1 pytest tests/printers writes it"
    hint = " (image mode: Pillow's FreeType or the DejaVu font changed?)" if mode == "image" else ""
    assert printer.output == read_golden(path), f"{path.name} differs{hint}"


def test_no_stray_goldens() -> None:
    """A renamed document leaves no orphan golden behind."""
    wanted = {golden_path(n, p, m).name for n in DOCS for p in (PAPER_58, PAPER_80) for m in MODES}
    assert {p.name for p in GOLDEN.iterdir()} == wanted


#: what a person reads on each golden paper (text mode, decoded back from the bytes)
READS = {
    "ticket-priority": (
        "1042",
        "ƯU TIÊN",
        "PRIORITY: Người cao tuổi / Elderly",
    ),
    "receipt": (
        "Thu ngân / Cashier           Phạm Thị Hồng Nhung",
        "Khách đưa / Tendered                 2.700.000 đ",
        "Tiền thối lại / Change                  21.783 đ",
        "  Chưa được CMIS xác nhận / Not yet confirmed by",
    ),
    "receipt-copy": (
        "BẢN SAO / COPY",
        "  Số biên lai CMIS / Receipt         BL-88213377",
        "  Số biên lai CMIS / Receipt         BL-88213378",
    ),
    "count-close": (
        "BẢNG KÊ CÁC LOẠI TIỀN",
        "  500.000 đ x 243                  121.500.000 đ",
        "TỔNG CỘNG / TOTAL                  121.824.000 đ",
        "Một trăm hai mươi mốt triệu tám trăm hai mươi",
    ),
    "cut-slip": (
        "Mã khách hàng / Customer           PE01000012345",
        "TIỀN NỢ QUÁ HẠN / OVERDUE            1.234.000 đ",
        "Một triệu hai trăm ba mươi bốn nghìn đồng.",
        "Số công tơ / Chỉ số khi cắt:",
    ),
    "reconnect-slip": (
        "Đóng điện trước: 08/12/2026 09:12",
        "Mã giao dịch / Txn        PE0100-20261207-000042",
    ),
    "crew-list": (
        "1. PE01000012345 (phiếu 17)          1.234.000 đ",
        "TỔNG CỘNG / TOTAL: 3 phiếu cắt       3.692.089 đ",
        "tơ, T = khách không cho cắt, S = sai địa chỉ.",  # the legend's every reason
        "absent, K meter inaccessible, T refused, S wrong",
    ),
    "money-out-void": (
        "HUỶ / VOID",
        "Phiếu này đã bị huỷ, không còn giá trị / This",
        "SỐ TIỀN                             48.750.000 đ",
    ),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_golden_bytes_read_as_the_paper_should(name: str) -> None:
    """The golden bytes themselves, decoded as the printer would print them, hold what
    the paper must say: a golden rewritten by mistake cannot lose it."""
    from printers.dissect import readable

    data = read_golden(golden_path(name, PAPER_80, "text:cp1258"))
    lines = [line.strip() for line in readable(data, Dummy(profile=PROFILE).profile).split("\n")]
    for wanted in READS[name]:
        assert wanted.strip() in lines, f"{name}: {wanted!r} not on the paper"
