"""The inventory record on A4 (biên bản kiểm kê, docs/inventory.md): the session and its
committee, the totals per book with the sums in words, each book's differences with what
they ask of the hall, the cash counted by note, and one signature per committee member.
Vietnamese first, English beside; DejaVu Sans embedded, as the reports."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from printers.formats import HALL_TZ, local_time, vnd
from printers.layout import nfc, plain
from qms import words
from qms.domain.inventory.record import DIFFERENCES
from qms.usecases.report_export import FONT, dejavu
from qms.words.in_words import amount_in_words

MARGIN = 14  # mm
LINE = 4.8  # mm, a line of 9 pt
SIGNERS_PER_ROW = 3
HEAD = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
STRONG = FontFace(emphasis="BOLD")
#: the totals' columns: heading, record key, money
TOTALS = (
    ("CMIS chưa thu / Unpaid at CMIS", "expected", False),
    ("Tiền / Amount", "expected_total", True),
    ("Đã quét / Scanned", "scanned", False),
    ("Khớp / Matched", "matched", False),
    ("Tại quầy / At a counter", "at_counter", False),
    ("Thiếu / Missing", "missing", False),
    ("Tiền thiếu / Missing amount", "missing_total", True),
    ("Thừa / Extra", "extra", False),
    ("Quét trùng / Double", "doubles", False),
)
#: a book's lists as the record gives them (the kinds of difference: ``DIFFERENCES``)
LISTS = ("missing_list", "at_counter_list", "extra_list", "double_list")


class _Pdf(FPDF):
    footer_line = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(0, 4, self.footer_line, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="R")


def _text(pdf: FPDF, text: str, size: float = 9, style: str = "", align: str = "L") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.55, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, vi: str, en: str) -> None:
    if pdf.will_page_break(25):
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, f"{vi} / {en}", 10.5, "B")
    pdf.ln(0.5)


def _when(value: str | None, tz: str) -> str:
    return local_time(value, tz) if value else "—"


def _session(pdf: FPDF, data: dict[str, Any], branch: str, tz: str) -> None:
    inv = data["inventory"]
    _text(pdf, plain(branch), 9, "B")
    pdf.ln(2)
    _text(pdf, "BIÊN BẢN KIỂM KÊ", 15, "B", "C")
    _text(pdf, "Inventory record: paper invoices and cash", 8, align="C")
    _text(pdf, plain(inv["title"]), 10.5, "B", "C")
    pdf.ln(2)
    status = words.STATUSES["inventory"].get(inv["status"], (inv["status"], inv["status"]))
    for label, value in (
        ("Số đợt / Session no.", str(inv["id"])),
        ("Mở lúc / Opened", f"{_when(inv['opened_at'], tz)} ({plain(inv['opened_by'])})"),
        ("Đối chiếu CMIS / Compared with CMIS", _when(inv["compared_at"], tz)),
        ("Kết thúc / Closed", _when(inv["closed_at"], tz)),
        ("Trạng thái / Status", f"{status[0]} / {status[1]}"),
    ):
        pdf.set_font(FONT, "", 9)
        pdf.cell(62, LINE, nfc(f"{label}:"))
        pdf.multi_cell(0, LINE, nfc(value), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Hội đồng kiểm kê", "Committee")
    pdf.set_font(FONT, "", 9)
    with pdf.table(col_widths=(8, 52, 40), headings_style=HEAD, padding=(0.8, 1.2)) as t:
        head = t.row()
        for h in ("#", "Họ và tên / Name", "Chức vụ trong hội đồng / Role"):
            head.cell(h)
        for n, m in enumerate(inv["committee"], 1):
            row = t.row()
            for text in (str(n), plain(m["name"]), plain(m["role"])):
                row.cell(nfc(text))


def _totals(pdf: FPDF, data: dict[str, Any]) -> None:
    _heading(pdf, "Tổng hợp theo sổ", "Totals per book")
    if not data["compared"]:
        _text(pdf, "Chưa đối chiếu với CMIS: chỉ có số đã quét. / Not compared with CMIS yet: "
              "only the count.", 9, "B")  # fmt: skip
    pdf.set_font(FONT, "", 7.5)
    with pdf.table(
        col_widths=(17, 10, 14, 9, 9, 9, 9, 14, 9, 9),
        text_align=("LEFT", *("RIGHT" for _ in TOTALS)),
        headings_style=HEAD,
        padding=(0.8, 1),
    ) as t:
        head = t.row()
        head.cell("Sổ / Book", align="CENTER")
        for h, _, _ in TOTALS:
            head.cell(h, align="CENTER")
        for b in [*data["books"], {"book_code": "TỔNG / TOTAL", **data["totals"]}]:
            total = b["book_code"] == "TỔNG / TOTAL"
            row = t.row(style=STRONG if total else None)
            row.cell(nfc(plain(b["book_code"])))
            for _, key, money in TOTALS:
                row.cell(vnd(b[key]) if money else str(b[key]))
    totals = data["totals"]
    pdf.ln(1)
    _text(pdf, "CMIS chưa thu, bằng chữ / Unpaid at CMIS, in words: "
          f"{amount_in_words(totals['expected_total'])}.")  # fmt: skip
    _text(pdf, "Tiền thiếu, bằng chữ / Missing, in words: "
          f"{amount_in_words(totals['missing_total'])}.")  # fmt: skip


def _differences(pdf: FPDF, data: dict[str, Any]) -> None:
    """Book by book, each kind of difference under a line saying what it asks of the
    hall, then its papers (a table of short cells: thousands of lines stay quick)."""
    _heading(pdf, "Danh sách chênh lệch theo sổ", "Differences per book")
    listed = False
    for b in data["books"]:
        kinds: dict[str, list[dict[str, Any]]] = {k: [] for k in DIFFERENCES}
        for key in LISTS:
            for i in b[key]:
                kinds[i.get("why", key.removesuffix("_list"))].append(i)
        count = sum(map(len, kinds.values()))
        if not count:
            continue
        listed = True
        if pdf.will_page_break(30):
            pdf.add_page()
        _text(pdf, f"Sổ / Book {plain(b['book_code'])} ({count})", 9.5, "B")
        for why, items in kinds.items():
            if items:
                _difference(pdf, why, items)
    if not listed:
        _text(pdf, "Không có chênh lệch. / No differences.")


def _difference(pdf: FPDF, why: str, items: list[dict[str, Any]]) -> None:
    kind = words.STATUSES["inventory_difference"][why]
    action = words.STATUSES["inventory_action"][why]
    if pdf.will_page_break(20):
        pdf.add_page()
    _text(pdf, f"{kind[0]} / {kind[1]} ({len(items)}): {action[0]} / {action[1]}", 8.5, "B")
    pdf.set_font(FONT, "", 7.5)
    with pdf.table(
        col_widths=(6, 12, 11, 20, 9, 14, 14),
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        headings_style=HEAD,
        padding=(0.4, 1),
        repeat_headings=1,
    ) as t:
        head = t.row()
        for h in ("#", "Ký hiệu / Series", "Số / Number", "Khách hàng / Customer", "Kỳ / Period",
                  "Tiền / Amount", "Ghi chú / Note"):  # fmt: skip
            head.cell(h, align="CENTER")
        for n, i in enumerate(items, 1):
            total = i.get("total")
            note = {"at_counter": plain(i.get("where", "")), "double": f"×{i.get('times', 2)}"}
            row = t.row()
            for text in (
                str(n),
                plain(i["series"]),
                plain(i["number"]),
                plain(i.get("customer_code", "")),
                plain(i.get("period", "")),
                vnd(total) if isinstance(total, int) else "",
                note.get(why, ""),
            ):
                row.cell(nfc(text))
    pdf.ln(1)


def _cash(pdf: FPDF, data: dict[str, Any]) -> None:
    _heading(pdf, "Bảng kê tiền mặt theo mệnh giá", "Cash counted by note")
    if not data["cash"]:
        _text(pdf, "Chưa kiểm tiền mặt. / No cash counted.")
        return
    for c in data["cash"]:
        _text(pdf, f"{plain(c['holder'])} — đếm bởi / counted by {plain(c['counted_by'])}",
              9, "B")  # fmt: skip
        pdf.set_font(FONT, "", 8)
        notes = sorted(((int(n), k) for n, k in c["notes"].items()), reverse=True)
        with pdf.table(
            width=110,
            align="LEFT",
            col_widths=(35, 25, 50),
            text_align=("RIGHT", "RIGHT", "RIGHT"),
            headings_style=HEAD,
            padding=(0.5, 1),
        ) as t:
            head = t.row()
            for h in ("Mệnh giá / Note", "Số tờ / Count", "Thành tiền / Amount"):
                head.cell(h, align="CENTER")
            for note, count in notes:
                row = t.row()
                for text in (vnd(note), str(count), vnd(note * count)):
                    row.cell(text)
            row = t.row(style=STRONG)
            row.cell("Cộng / Total", colspan=2)
            row.cell(vnd(c["total"]))
        _text(pdf, f"Bằng chữ / In words: {amount_in_words(c['total'])}.", 8.5)
        pdf.ln(1)
    _text(pdf, f"TỔNG TIỀN MẶT / CASH TOTAL: {vnd(data['cash_total'])}", 10, "B")
    _text(pdf, f"Bằng chữ / In words: {amount_in_words(data['cash_total'])}.")


def _signatures(pdf: FPDF, committee: list[dict[str, str]]) -> None:
    """One place to sign per committee member, three to a row."""
    rows = [committee[i : i + SIGNERS_PER_ROW] for i in range(0, len(committee), SIGNERS_PER_ROW)]
    if pdf.will_page_break(40):
        pdf.add_page()
    _heading(pdf, "Chữ ký của hội đồng kiểm kê", "Signatures of the committee")
    width = pdf.epw / SIGNERS_PER_ROW
    for members in rows:
        if pdf.will_page_break(34):
            pdf.add_page()
        top = pdf.get_y()
        for n, m in enumerate(members):
            x = pdf.l_margin + n * width
            pdf.set_xy(x, top)
            pdf.set_font(FONT, "B", 9)
            pdf.multi_cell(width, LINE, nfc(plain(m["role"]).upper()), align="C")
            pdf.set_xy(x, top + 2 * LINE)
            pdf.set_font(FONT, "", 7.5)
            pdf.cell(width, 4, "(Ký, ghi rõ họ tên / Sign, full name)", align="C")
            pdf.set_xy(x, top + 2 * LINE + 22)
            pdf.set_font(FONT, "", 9)
            pdf.multi_cell(width, LINE, nfc(plain(m["name"])), align="C")
        pdf.set_xy(pdf.l_margin, top + 2 * LINE + 22 + 2 * LINE + 2)


def record_pdf(data: dict[str, Any], *, branch: str, at: str, tz: str = HALL_TZ) -> bytes:
    """The record as ``record.build`` gives it (``GET …/record``), on A4 portrait."""
    inv = data["inventory"]
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    dejavu(pdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(nfc(f"Biên bản kiểm kê {inv['id']} {plain(inv['title'])}"))
    pdf.set_lang("vi")
    pdf.set_creator("qms")
    pdf.footer_line = nfc(
        f"Biên bản kiểm kê / Inventory record {inv['id']} · in lúc / printed {local_time(at, tz)}"
    )
    pdf.add_page()
    _session(pdf, data, branch, tz)
    _totals(pdf, data)
    _differences(pdf, data)
    _cash(pdf, data)
    _signatures(pdf, inv["committee"])
    return bytes(pdf.output())
