"""The field papers on A4 (issue 25), for a branch that prints the crews' day on an office
printer: the crew's list, then one cut slip per order, two slips to a page with a line to
cut along (a slip too long for half a page takes a page); and a reconnection slip. The
words and fields are ``printers.field_documents``'s, so the sheet says what the roll says.
DejaVu Sans embedded, as the reports: a name from CMIS prints whatever it holds (control
characters become spaces, a letter DejaVu lacks an empty box), and wraps in its cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from printers import field_documents as fd
from printers.documents import Data, Time
from printers.formats import HALL_TZ, local_date, local_time, vnd
from printers.layout import nfc, plain
from qms.usecases.report_export import FONT, dejavu
from qms.words.in_words import amount_in_words

MARGIN = 12  # mm
LINE = 4.5  # mm, a line of 9 pt
HALF = 297 / 2  # where an A4 page is cut in two
LABEL = 66  # mm, the label column of a slip's fields
LIST_CELL = 240  # characters of a name or an address in the list's table
#: the list's columns: heading, relative width, right-aligned
COLUMNS = (
    ("#", 5, False),
    ("Phiếu / Order", 9, False),
    ("Mã khách hàng / Customer", 19, False),
    ("Tên khách hàng / Name", 24, False),
    ("Địa chỉ / Address", 32, False),
    ("Số kỳ / Periods", 11, True),
    ("Số tiền / Amount", 17, True),
    (fd.RESULT_LABEL, 14, False),
)


class _Pdf(FPDF):
    footer_line = ""

    def footer(self) -> None:
        self.set_y(-9)
        self.set_font(FONT, "", 7)
        self.cell(0, 4, self.footer_line, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Trang {self.page_no()}/{{nb}}", align="R")


def _new(title: str, footer: str) -> _Pdf:
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    dejavu(pdf)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(nfc(title))
    pdf.set_lang("vi")
    pdf.set_creator("qms")
    pdf.footer_line = nfc(footer)
    return pdf


def _text(pdf: FPDF, text: str, size: float = 9, style: str = "", align: str = "L") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.55, nfc(text), align=align, new_x="LMARGIN", new_y="NEXT")


def _field(pdf: FPDF, label: str, value: str, style: str = "", size: float = 9) -> None:
    """A label, then its value wrapping in the rest of the line."""
    pdf.set_font(FONT, "", 9)
    pdf.cell(LABEL, LINE, nfc(f"{label}:" if label else ""))
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, LINE, nfc(value), new_x="LMARGIN", new_y="NEXT")


def _title(pdf: FPDF, branch: str, title: tuple[str, str], number: str = "") -> None:
    pdf.set_font(FONT, "B", 9)
    top = pdf.get_y()
    pdf.multi_cell(pdf.epw * 0.7, LINE, nfc(plain(branch)), new_x="LMARGIN", new_y="NEXT")
    after = pdf.get_y()
    if number:
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(0, LINE, nfc(number), align="R")
    pdf.set_y(after)
    _text(pdf, title[0], 14, "B", "C")
    _text(pdf, title[1], 8, align="C")
    pdf.ln(1)


def _signers(pdf: FPDF, signers: Sequence[tuple[str, str]]) -> None:
    """Who signs, side by side, with room to sign."""
    pdf.ln(2)
    width = pdf.epw / len(signers)
    top = pdf.get_y()
    for n, (vi, en) in enumerate(signers):
        pdf.set_xy(pdf.l_margin + n * width, top)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(width, LINE, vi, align="C")
        pdf.set_xy(pdf.l_margin + n * width, top + LINE)
        pdf.set_font(FONT, "", 7.5)
        pdf.cell(width, 4, f"{en} {fd.SIGN_HERE}", align="C")
    pdf.set_y(top + LINE + 4 + 15)  # room to sign


def _crew(pdf: FPDF, crew: Data | None) -> None:
    for label, value in fd.crew_fields(crew):
        _field(pdf, label, fd.DOTS * 3 if value == fd.DOTS else value)  # room for a hand


# --- the crew's list ----------------------------------------------------------------------


def _list(
    pdf: _Pdf, crew: Data | None, orders: Sequence[Data], branch: str, day: str, at: Time, tz: str
) -> None:
    pdf.add_page()
    _title(pdf, branch, fd.LIST_TITLE)
    _field(pdf, "Ngày / Day", local_date(day))
    _field(pdf, "In lúc / Printed", local_time(at, tz))
    _crew(pdf, crew)
    pdf.ln(1)
    for line in fd.RESULT_CODES:
        _text(pdf, line, 7.5)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    strong = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=tuple(w for _, w, _ in COLUMNS),
        text_align=tuple("RIGHT" if right else "LEFT" for *_, right in COLUMNS),
        headings_style=bold,
        line_height=pdf.font_size * 1.5,
        padding=(0.8, 1),
        repeat_headings=1,
    ) as table:
        head = table.row()
        for heading, _, _ in COLUMNS:
            head.cell(nfc(heading), align="CENTER")
        n = 0
        for book, mine in fd.route(orders):
            table.row().cell(nfc(f"Sổ / Book {book} ({len(mine)})"), style=bold, colspan=8)
            for o in mine:
                n += 1
                _list_row(table.row(), n, o, tz)
            subtotal = table.row()
            subtotal.cell("Cộng sổ / Book total", colspan=6, align="RIGHT")
            subtotal.cell(vnd(fd.cut_total(mine)))
            subtotal.cell("")
        cuts = sum(1 for o in orders if o["kind"] == "cut")
        total = table.row()
        total.cell(nfc(f"TỔNG CỘNG / TOTAL: {cuts} phiếu cắt"), style=strong, colspan=6)
        total.cell(vnd(fd.cut_total(orders)), style=strong)
        total.cell("")
    pdf.ln(2)
    if len(orders) > cuts:
        _text(pdf, f"Phiếu đóng điện / Reconnections: {len(orders) - cuts}")
    _text(pdf, f"Bằng chữ / In words: {amount_in_words(fd.cut_total(orders))}.")
    if pdf.will_page_break(40):
        pdf.add_page()
    _signers(pdf, fd.LIST_SIGNERS)


def _short(text: str, limit: int = LIST_CELL) -> str:
    """A cell of the list holds a page at most (fpdf2 cannot split a row): a name or an
    address longer than ``limit`` is cut, with "…"; its slip prints it whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _list_row(row: Any, n: int, o: Data, tz: str) -> None:
    address = _short(plain(o["address"]))
    if o["kind"] == "reconnect":
        address = f"{address}\n{fd.deadline_line(o, tz)}"
        periods, amount = "", f"đã nộp {vnd(o['overdue'])}"
    else:
        periods, amount = str(o["periods"]), vnd(o["overdue"])
    cells = (str(n), str(o["id"]), plain(o["customer_code"]), _short(plain(o["customer_name"])),
             address, periods, amount, "")  # fmt: skip
    for text in cells:
        row.cell(nfc(text))


# --- the slips ----------------------------------------------------------------------------


def _order_fields(pdf: FPDF, order: Data) -> None:
    _field(pdf, "Ngày / Day", local_date(order["business_day"]))  # printed at: the foot
    for label, value in fd.customer_fields(order):
        _field(pdf, label, value, "B" if label.startswith("Mã khách") else "")


def _blanks(pdf: FPDF, label: tuple[str, str], time: tuple[str, str]) -> None:
    """What the crew writes at the door, with room for a hand."""
    pdf.ln(1)
    _text(pdf, f"{label[0]}: ({label[1]})")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 9, f"{fd.DOTS * 3}  /  {fd.DOTS * 3}", new_x="LMARGIN", new_y="NEXT")
    _field(pdf, *time)


def _cut_slip(pdf: FPDF, order: Data, crew: Data | None, branch: str, at: Time, tz: str) -> None:
    overdue = order["overdue"]
    _title(pdf, branch, fd.CUT_TITLE, f"Số phiếu / Order no. {order['id']}")
    _order_fields(pdf, order)
    _field(pdf, "Số kỳ nợ / Periods owed", str(order["periods"]))
    _field(pdf, "Hạn thanh toán cũ nhất / Oldest due", fd.oldest_due(order))
    _field(pdf, "TIỀN NỢ QUÁ HẠN / OVERDUE", vnd(overdue), "B", 10.5)
    _field(pdf, "Bằng chữ / In words", amount_in_words(overdue) + ".")
    _field(pdf, fd.REASON[0], f"{fd.REASON[1]} ({fd.REASON_EN})", "B")
    _crew(pdf, crew)
    _blanks(pdf, fd.METER_BLANK, fd.CUT_TIME)
    _signers(pdf, fd.SLIP_SIGNERS)


def _reconnect_slip(
    pdf: FPDF, order: Data, crew: Data | None, branch: str, at: Time, tz: str
) -> None:
    paid = order["overdue"]
    _title(pdf, branch, fd.RECONNECT_TITLE, f"Số phiếu / Order no. {order['id']}")
    _order_fields(pdf, order)
    _text(pdf, fd.PAID_NOTE[0], 9.5, "B")
    _text(pdf, fd.PAID_NOTE[1], 8)
    _field(pdf, "Số tiền đã nộp / Paid", vnd(paid), "B")
    _field(pdf, "Bằng chữ / In words", amount_in_words(paid) + ".")
    paid_at = order.get("paid_at")
    _field(pdf, "Nộp lúc / Paid at", local_time(paid_at, tz) if paid_at else fd.DOTS)
    for txn in order.get("payments") or []:
        _field(pdf, "Mã giao dịch / Txn", plain(txn))
    pdf.ln(1)
    _text(pdf, fd.deadline_line(order, tz), 13, "B", "C")
    _text(pdf, "Reconnect by", 8, align="C")
    pdf.ln(1)
    _crew(pdf, crew)
    _blanks(pdf, fd.RECONNECT_METER_BLANK, fd.RECONNECT_TIME)
    _signers(pdf, fd.SLIP_SIGNERS)


def _height(pdf: _Pdf, draw: Any, *args: Any) -> float:
    """How tall a slip comes out, drawn on a page of its own and undone."""
    with pdf.offset_rendering() as trial:
        trial.set_y(MARGIN)
        draw(trial, *args)
        height = trial.y - MARGIN
    return float(height)


def _slips(
    pdf: _Pdf, orders: Sequence[Data], crew: Data | None, branch: str, at: Time, tz: str
) -> None:
    """One slip per order: the top half of a new page, the bottom half of the page
    before when the slip before stood alone on its top half, or a page when too long."""
    room = HALF - MARGIN - 6.5  # from the top margin to 4 mm above the cut, and the same
    # from 6 mm under the cut to the bottom margin
    bottom_free = False
    for order in orders:
        draw = _cut_slip if order["kind"] == "cut" else _reconnect_slip
        fits = _height(pdf, draw, order, crew, branch, at, tz) <= room
        if fits and bottom_free:
            pdf.set_draw_color(140)
            pdf.set_dash_pattern(dash=2, gap=1.5)
            pdf.line(4, HALF, pdf.w - 4, HALF)  # cut here
            pdf.set_dash_pattern()
            pdf.set_y(HALF + 6)
            bottom_free = False
        else:
            pdf.add_page()
            bottom_free = fits
        draw(pdf, order, crew, branch, at, tz)


def cut_slips_pdf(
    crew: Data | None,
    orders: Sequence[Data],
    *,
    branch: str,
    day: str,
    at: Time,
    tz: str = HALL_TZ,
) -> bytes:
    """A crew's day on A4: its list, then one slip per order in route order (a
    reconnection order on the list gets its reconnection slip)."""
    who = f"{crew['code']} {crew['name']}" if crew else ""
    pdf = _new(
        f"Danh sách cắt điện {local_date(day)} {plain(who)}",
        f"Cắt điện / Disconnection · {local_date(day)} · {plain(who)} · "
        f"in lúc / printed {local_time(at, tz)}",
    )
    _list(pdf, crew, orders, branch, day, at, tz)
    _slips(pdf, [o for _, mine in fd.route(orders) for o in mine], crew, branch, at, tz)
    return bytes(pdf.output())


def reconnection_pdf(
    order: Data, crew: Data | None, *, branch: str, at: Time, tz: str = HALL_TZ
) -> bytes:
    """One reconnection slip on an A4 page (the crew left blank when none is assigned)."""
    pdf = _new(
        f"Phiếu đóng điện {order['id']} {plain(order['customer_code'])}",
        f"{fd.RECONNECT_TITLE[0]} · {order['id']} · {plain(order['customer_code'])} · "
        f"in lúc / printed {local_time(at, tz)}",
    )
    pdf.add_page()
    _reconnect_slip(pdf, order, crew, branch, at, tz)
    return bytes(pdf.output())
