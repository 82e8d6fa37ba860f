"""The productivity report (``qms.usecases.productivity.build``) as a file: CSV for Excel,
an A4 PDF for paper, in the payment report's form (``report_export``): the same words for
every cell, "Vietnamese / English (json_key)" headers, a ``#key`` row per section, plain
integers in the CSV (counts, đồng, seconds), and in the PDF money as ``1.234.000 đ`` and
times as m:ss (h:mm:ss past an hour). The PDF adds a bar chart per table.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from printers.layout import nfc
from printers.raster import FONT_DIR, FONTS
from qms import words
from qms.domain.field.orders import NOT_DONE_REASONS
from qms.domain.productivity import OTHER
from qms.usecases.report_export import (
    BRANCH,
    DATE,
    FONT,
    HALL,
    LEVEL_NAMES,
    Column,
    Section,
    _heading,
    _line,
    _Pdf,
    cell_text,
    pdf_table,
    sections_csv,
)
from qms.words import STATUSES

TITLE = ("BÁO CÁO NĂNG SUẤT", "Productivity report")
#: why an order was not done, as a column's words (Vietnamese, English): the crews' own
REASON_WORDS = {
    **{k: STATUSES["field_reason"][k] for k in NOT_DONE_REASONS},
    OTHER: ("Lý do khác", "Other reason"),
}
BAR = (11, 83, 148)  # the pages' brand blue
BAR_2 = (30, 132, 73)


def _n(key: str, label: str, en: str, width: float = 0.7, pdf: bool = True) -> Column:
    return Column(key, label, en, "count", width, pdf=pdf)


def _s(key: str, label: str, en: str, width: float = 0.8, pdf: bool = True) -> Column:
    return Column(key, label, en, "seconds", width, pdf=pdf)


def sections(data: dict[str, Any]) -> list[Section]:
    """The report as tables: crews, crews by day, cashiers, lookup clerks."""
    where = [BRANCH, HALL] if data["level"] == "company" else []
    crews, cashiers, lookup = data["crews"], data["cashiers"], data["lookup"]
    return [
        Section(
            "crews",
            "Tổ công tác / Field crews",
            [
                *where,
                Column("crew", "Mã tổ", "Crew", width=0.5),
                Column("name", "Tên tổ", "Name", width=1.4),
                Column("members", "Thành viên", "Members", pdf=False),
                _n("orders", "Số lệnh", "Orders", 0.55),
                _n("assigned", "Đã giao", "Assigned", 0.55),
                _n("done", "Đã làm", "Done", 0.55),
                _n("cuts", "Cắt điện", "Cuts", 0.55),
                _n("reconnections", "Đóng điện", "Reconnections", 0.7),
                _n("not_done", "Không làm được", "Not done", 0.65),
                *(
                    _n(f"not_done_{k}", f"KLĐ: {vi}", f"Not done: {en}", 0.65)
                    for k, (vi, en) in REASON_WORDS.items()
                ),
                _n("in_progress", "Đang làm", "In progress", 0.55),
                _n("cancelled", "Đã hủy", "Cancelled", 0.55),
                _n("open", "Chưa giao", "Unassigned", 0.55),
                _s("reconnect_median_s", "Đóng điện: trung vị", "Reconnection median"),
                _s("reconnect_worst_s", "Đóng điện: lâu nhất", "Reconnection worst"),
                _n("reconnections_late", "Đóng điện trễ hạn", "Reconnections late", 0.6),
            ],
            [*crews["rows"], *crews["unassigned"]],
            crews["totals"],
            small=True,
            notes=[
                "Số lệnh = đã làm + không làm được + đang làm + đã hủy + chưa giao; đã làm = "
                "cắt điện + đóng điện; lệnh của một tổ đều là đã giao. Thời gian đóng điện: từ "
                "lúc khách trả tiền đến lúc tổ báo đã đóng; trễ hạn: sau hạn đóng điện. "
                "Orders = done + not done + in progress + cancelled + unassigned; done = cuts + "
                "reconnections; a crew's orders are all assigned. Reconnection time: from the "
                "payment to when the crew says it was done; late: after its deadline.",
            ],
        ),
        Section(
            "crews_by_day",
            "Tổ công tác theo ngày / Field crews by day",
            [
                *where,
                DATE,
                _n("orders", "Số lệnh", "Orders"),
                _n("done", "Đã làm", "Done"),
                _n("cuts", "Cắt điện", "Cuts"),
                _n("reconnections", "Đóng điện", "Reconnections"),
                _n("not_done", "Không làm được", "Not done"),
                _n("in_progress", "Đang làm", "In progress"),
                _n("cancelled", "Đã hủy", "Cancelled"),
                _n("open", "Chưa giao", "Unassigned"),
                _s("reconnect_median_s", "Đóng điện: trung vị", "Reconnection median", 1.0),
                _s("reconnect_worst_s", "Đóng điện: lâu nhất", "Reconnection worst", 1.0),
            ],
            crews["by_day"],
            crews["totals"],
            pdf_only_if_rows=True,
        ),
        Section(
            "cashiers",
            "Thu ngân / Cashiers",
            [
                *where,
                Column("cashier", "Tài khoản", "Account", width=0.9, pdf=False),
                Column("name", "Thu ngân", "Cashier", width=1.5),
                Column("counters", "Quầy", "Counters", width=0.6),
                _n("tickets_served", "Vé đã phục vụ", "Tickets served"),
                _n("payments", "Số giao dịch", "Payments"),
                Column("collected", "Đã thu", "Collected", "money", 1.1, pdf=False),
                Column("given_back", "Hoàn lại khách", "Given back", "money", pdf=False),
                Column("net_cash", "Thực thu tiền mặt", "Net cash", "money", 1.1),
                Column("net_vietqr", "Thực thu VietQR", "Net VietQR", "money", 1.1),
                Column("net", "Thực thu", "Net", "money", 1.1),
                _s("service_median_s", "Phục vụ: trung vị", "Service median"),
                _s("service_s", "Thời gian phục vụ", "Time serving", 0.9),
                _s("open_s", "Thời gian mở két", "Drawer open", 0.9),
                _s("idle_s", "Thời gian rảnh", "Idle time", 0.9),
            ],
            cashiers["rows"],
            cashiers["totals"],
            notes=[
                "Phục vụ: từ lần gọi số cuối đến khi vé kết thúc. Thời gian rảnh = thời gian "
                "mở két tại quầy − thời gian phục vụ trong lúc đó; két chưa đóng tính đến bây "
                "giờ (hôm nay) hoặc đến việc cuối của thu ngân (ngày trước). Service: from the "
                "ticket's last call to its end. Idle = drawer open at the counter − time "
                "serving meanwhile; a drawer still open counts to now (today) or to the "
                "cashier's last act (a past day).",
            ],
        ),
        Section(
            "lookup",
            "Tra cứu hóa đơn / Lookup clerks",
            [
                *where,
                Column("clerk", "Tài khoản", "Account", width=0.9, pdf=False),
                Column("name", "Nhân viên tra cứu", "Lookup clerk", width=1.6),
                _n("papers", "Số hóa đơn", "Papers"),
                _n("found", "Đã tìm thấy (F9)", "Found (F9)"),
                _n("deferred", "Tìm sau (F10)", "Deferred (F10)"),
                _n("missing", "Không tìm thấy", "Missing"),
                _n("pending", "Chưa tra", "Not yet looked up"),
                _s("find_median_s", "Tìm: trung vị", "Time to find: median", 0.9),
                _s("find_worst_s", "Tìm: lâu nhất", "Time to find: worst", 0.9),
            ],
            lookup["rows"],
            lookup["totals"],
            notes=[
                "Mỗi hóa đơn tính cho người bấm phím cuối cùng; thời gian tìm: từ lúc phát vé "
                "đến F9. Each paper counts for who made its last mark; time to find: from the "
                "ticket's issue to the F9.",
            ],
        ),
    ]


def duration(s: int) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour up."""
    h, rest = divmod(int(s), 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _in_pdf(value: Any, col: Column, tz: ZoneInfo) -> str:
    if value is not None and col.kind == "money":
        return words.money(value)
    if value is not None and col.kind == "seconds":
        return duration(value)
    return cell_text(value, col, tz)


def csv_bytes(data: dict[str, Any]) -> bytes:
    """One CSV file, section after section, UTF-8 with a BOM (as the payment report's)."""
    tz = ZoneInfo(data["timezone"])
    title = f"{TITLE[0].capitalize()} / {TITLE[1]}"
    return sections_csv(title, _heading(data, tz), sections(data), tz)


# --- PDF ------------------------------------------------------------------------------------


def _bars(pdf: _Pdf, title: str, rows: list[tuple[str, list[int]]], legend: list[str]) -> None:
    """A horizontal bar chart: one line per row, one bar per figure (at most two)."""
    if not rows or not any(v for _, vs in rows for v in vs):
        return
    colours = (BAR, BAR_2)
    height = 4.0 * len(legend)
    if pdf.will_page_break(12 + len(rows) * (height + 1.5)):
        pdf.add_page()
    pdf.ln(2)
    _line(pdf, title, 8.5, "B")
    pdf.set_font(FONT, "", 7)
    x0 = pdf.l_margin
    for n, name in enumerate(legend):
        pdf.set_fill_color(*colours[n])
        pdf.rect(x0, pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(x0 + 4)
        pdf.cell(pdf.get_string_width(name) + 2, 5, nfc(name))
        x0 = pdf.get_x() + 4
    pdf.ln(6)
    label_w, room = 60.0, pdf.epw - 80.0
    top = max(max(vs) for _, vs in rows) or 1
    for label, values in rows:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, height, nfc(label)[:48])
        for n, v in enumerate(values):
            w = room * v / top
            pdf.set_fill_color(*colours[n])
            if w > 0:
                pdf.rect(pdf.l_margin + label_w, y + n * 4 + 0.4, w, 3.2, style="F")
            pdf.set_xy(pdf.l_margin + label_w + w + 1, y + n * 4)
            pdf.cell(15, 4, str(v))
        pdf.set_y(y + height + 1.5)
    pdf.set_fill_color(255, 255, 255)  # the tables after it fill their own cells


def _charts(pdf: _Pdf, key: str, data: dict[str, Any]) -> None:
    if key == "crews":
        _bars(
            pdf,
            "Lệnh đã làm theo tổ / Orders done per crew",
            [
                (f"{r['crew']} {r['name']}", [r["cuts"], r["reconnections"]])
                for r in data["crews"]["rows"]
            ],
            ["Cắt điện / Cuts", "Đóng điện / Reconnections"],
        )
    elif key == "cashiers":
        _bars(
            pdf,
            "Vé đã phục vụ theo thu ngân / Tickets served per cashier",
            [(r["name"], [r["tickets_served"], r["payments"]]) for r in data["cashiers"]["rows"]],
            ["Vé đã phục vụ / Tickets served", "Số giao dịch / Payments"],
        )
    elif key == "lookup":
        _bars(
            pdf,
            "Hóa đơn theo nhân viên tra cứu / Papers per lookup clerk",
            [
                (r["name"], [r["found"], r["deferred"] + r["missing"]])
                for r in data["lookup"]["rows"]
            ],
            ["Đã tìm thấy / Found", "Tìm sau + không thấy / Deferred + missing"],
        )


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The report on A4 landscape pages, Vietnamese in DejaVu Sans."""
    tz = ZoneInfo(data["timezone"])
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    for style, bold in (("", False), ("B", True)):
        path = FONT_DIR / FONTS[bold]
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: install Debian's fonts-dejavu-core")
        pdf.add_font(FONT, style, str(path))
    period = f"{words.date(data['from'])} – {words.date(data['to'])}"
    pdf.title_line = nfc(f"Báo cáo năng suất · {LEVEL_NAMES[data['level']]} · {period}")
    pdf.set_title(nfc(f"Báo cáo năng suất {period}"))
    pdf.set_lang("vi")
    pdf.set_creator("qms")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, TITLE[0], new_x="LMARGIN", new_y="NEXT")
    _line(pdf, TITLE[1])
    pdf.ln(2)
    for label, value in _heading(data, tz):
        _line(pdf, f"{label}: {value}")
    prepared = (data.get("prepared_by") or {}).get("name")
    if prepared:
        _line(pdf, f"Người lập biểu / Prepared by: {prepared}")
    for s in sections(data):
        if s.pdf_only_if_rows and not s.rows:
            continue
        if pdf.will_page_break(35):  # a title stays with its table's first rows
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, nfc(s.title), new_x="LMARGIN", new_y="NEXT")
        if not s.rows:
            _line(pdf, "Không có dữ liệu / No data.", 8)
            continue
        pdf_table(pdf, s, tz, _in_pdf)
        for note in s.notes:
            _line(pdf, note, 7, h=4)
        _charts(pdf, s.key, data)
    return bytes(pdf.output())
