"""A report (``qms.usecases.reports.build``) as a file: CSV for Excel, PDF for paper and e-mail.

Both come from one list of sections, so they hold the same figures. The CSV is UTF-8 with
a BOM (Excel then reads Vietnamese right); each section starts with a ``#key`` row, then
a header whose cells name their JSON key in parentheses; money is whole đồng, unformatted.
The PDF embeds DejaVu Sans (every Vietnamese letter and tone mark), writes money as
``1.234.567 đ`` and ends each table of totals with its ``Tổng cộng`` row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from printers.formats import local_date, vnd
from printers.layout import nfc
from printers.raster import FONT_DIR, FONTS
from qms.usecases import csv_safe

FONT = "dejavu"
MM_PER_WIDTH = 26  # a table column of width 1.0, unless the page is narrower
LEVEL_NAMES = {
    "company": "Toàn công ty (company)",
    "branch": "Chi nhánh (branch)",
    "hall": "Điểm thu (hall)",
}
STATUS_NAMES = {
    "confirmed": "Đã xác nhận",
    "pending": "Chờ CMIS",
    "reversal_pending": "Chờ hủy",
    "refused": "CMIS từ chối",
    "reversed": "Đã hủy",
}
MOVEMENT_NAMES = {"matched": "Khớp", "hanging": "Chờ bên kia", "mismatch": "Lệch"}
REASON_NAMES = {
    "not_enough_money": "Khách không đủ tiền",
    "fewer_periods": "Khách trả ít kỳ hơn",
    "customer_left": "Khách bỏ về",
    "paid_elsewhere": "Đã thanh toán nơi khác",
    "other": "Lý do khác",
}
ITEM_NAMES = {
    "only_ours": "Chỉ có ở quầy",
    "only_cmis": "Chỉ có ở CMIS",
    "amount_differs": "Lệch số tiền/trạng thái",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its JSON key, its Vietnamese label, how its values read."""

    key: str
    label: str
    kind: str = "text"  # text | money | count | seconds | date | time | yesno | list
    width: float = 1.0  # relative, in the PDF
    names: Mapping[str, str] | None = None  # codes as the PDF writes them
    pdf: bool = True


@dataclass
class Section:
    """One table of the report: a CSV section (``#key``) and a PDF table alike."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None  # the PDF's last row, under its first column's label
    total_label: str = "Tổng cộng"
    small: bool = False  # many columns: a smaller font in the PDF
    pdf_only_if_rows: bool = False
    notes: list[str] = field(default_factory=list)


def _tally_columns(first: list[Column]) -> list[Column]:
    return [
        *first,
        Column("payments", "Số giao dịch", "count", 0.8),
        Column("collected", "Đã thu", "money", 1.2),
        Column("refused_count", "Số GD CMIS từ chối", "count", pdf=False),
        Column("refused", "CMIS từ chối", "money", 1.1),
        Column("reversed_count", "Số GD đã hủy", "count", pdf=False),
        Column("reversed", "Đã hủy", "money", 1.1),
        Column("given_back", "Hoàn lại khách", "money", 1.1, pdf=False),
        Column("net_count", "Số GD thực thu", "count", 0.8),
        Column("net", "Thực thu", "money", 1.2),
        Column("unconfirmed_count", "Số GD chờ CMIS", "count", pdf=False),
        Column("unconfirmed", "Chờ CMIS xác nhận", "money", 1.1),
    ]


BRANCH = Column("branch", "Chi nhánh", width=0.8)
HALL = Column("hall", "Điểm thu", width=1.1)
DATE = Column("date", "Ngày", "date", 0.8)
#: one paper invoice: which ticket, whose, which period, how much, at which counter
PAPER = [
    Column("ticket", "Số vé", "count", 0.5),
    Column("customer_code", "Mã khách hàng", width=1.2),
    Column("period", "Kỳ", width=0.7),
    Column("total", "Số tiền", "money"),
    Column("delivered_to", "Quầy", width=0.5),
]


def sections(data: dict[str, Any]) -> list[Section]:
    """The report as tables, in reading order; the transactions come last (the longest)."""
    company = data["level"] == "company"
    where = [BRANCH, HALL] if company else []
    totals = data["totals"]
    scope = " + ".join(b["id"] for b in data["branches"])
    recon = data["reconciliation"]
    items = [
        {"branch": d["branch"], "date": d["date"], "category": cat, **_item(i)}
        for d in recon["days"]
        if d["available"]
        for cat in ("only_ours", "only_cmis", "amount_differs")
        for i in d[cat]
    ]
    returns, moves, times = data["returns"], data["movements"], data["times"]
    rsum = returns["summary"]
    out = [
        Section(
            "summary",
            "Tổng cộng / Totals",
            _tally_columns([Column("scope", "Phạm vi", width=1.4)]),
            [{"scope": scope, **totals}],
        ),
        Section(
            "by_status",
            "Theo trạng thái / By status",
            [
                Column("status", "Trạng thái", names=STATUS_NAMES, width=1.4),
                Column("count", "Số giao dịch", "count"),
                Column("total", "Số tiền", "money"),
            ],
            [{"status": s, **v} for s, v in data["by_status"].items()],
        ),
        Section(
            "by_branch",
            "Theo chi nhánh / By branch",
            _tally_columns([BRANCH, Column("name", "Tên", width=2.2), HALL]),
            data["by_branch"],
            totals,
        ),
        Section(
            "by_hall",
            "Theo điểm thu / By hall",
            _tally_columns([HALL, BRANCH]),
            data["by_hall"],
            totals,
        ),
        Section(
            "by_day",
            "Theo ngày / By day",
            _tally_columns([*where, DATE, Column("closed", "Đã chốt", "yesno", 0.6)]),
            data["by_day"],
            totals,
        ),
        Section(
            "by_cashier",
            "Theo thu ngân / By cashier",
            _tally_columns(
                [
                    *where,
                    Column("cashier", "Tài khoản", width=0.9),
                    Column("name", "Thu ngân", width=1.5),
                ]
            ),
            data["by_cashier"],
            totals,
        ),
        Section(
            "by_counter",
            "Theo quầy / By counter",
            _tally_columns(
                [*where, Column("counter", "Mã quầy", width=0.6), Column("name", "Quầy")]
            ),
            data["by_counter"],
            totals,
        ),
        Section(
            "by_hour",
            "Theo giờ / By hour",
            _tally_columns([Column("hour", "Giờ", "count", 0.8)]),
            data["by_hour"],
            totals,
        ),
        Section(
            "reconciliation",
            "Đối soát CMIS / CMIS reconciliation",
            [
                BRANCH,
                DATE,
                Column("available", "CMIS trả lời", "yesno", 0.7),
                Column("our_total", "Quầy thu (thực thu)", "money"),
                Column("cmis_total", "CMIS ghi nhận", "money"),
                Column("open_items", "Chênh lệch", "count", 0.7),
                Column("matched", "Khớp", "count", 0.6),
                Column("error", "Ghi chú", width=2.4),
            ],
            recon["days"],
            {
                "our_total": recon["summary"]["our_total"],
                "cmis_total": recon["summary"]["cmis_total"],
                "open_items": recon["summary"]["open_items"],
            },
            notes=["Tổng cộng chỉ tính các ngày CMIS trả lời (days CMIS answered only)."],
        ),
        Section(
            "reconciliation_items",
            "Chênh lệch với CMIS / Open items",
            [
                BRANCH,
                DATE,
                Column("category", "Loại", names=ITEM_NAMES, width=1.3),
                Column("txn_id", "Mã giao dịch", width=2.0),
                Column("customer_code", "Mã khách hàng", width=1.2),
                Column("our_total", "Quầy", "money"),
                Column("our_status", "Trạng thái quầy", names=STATUS_NAMES),
                Column("cmis_total", "CMIS", "money"),
                Column("cmis_state", "Trạng thái CMIS"),
            ],
            items,
        ),
        Section(
            "movements",
            "Chuyển tiền giữa thu ngân / Money movements",
            [
                *where,
                DATE,
                Column("from_name", "Người giao", width=1.5),
                Column("to_name", "Người nhận", width=1.5),
                Column("out_amount", "Số tiền giao", "money"),
                Column("out_at", "Lúc giao", "time"),
                Column("in_amount", "Số tiền nhận", "money"),
                Column("in_at", "Lúc nhận", "time"),
                Column("status", "Trạng thái", names=MOVEMENT_NAMES, width=0.8),
            ],
            moves["rows"],
            {"out_amount": moves["summary"]["matched_total"]},
            "Tổng cộng (khớp)",
        ),
        Section(
            "returns",
            "Hóa đơn trả lại / Returned invoices",
            [
                *where,
                DATE,
                *PAPER,
                Column("returned_reason", "Lý do", names=REASON_NAMES, width=1.6),
                Column("returned_by_name", "Người trả", width=1.5),
                Column("returned_at", "Lúc trả", "time"),
            ],
            returns["returned"],
            {"total": rsum["returned_total"]},
        ),
        Section(
            "to_return",
            "Hóa đơn chưa trả lại / Papers still out",
            [
                *where,
                DATE,
                *PAPER,
                Column("lookup", "Tra cứu"),
            ],
            returns["to_return"],
            {"total": rsum["to_return_total"]},
            pdf_only_if_rows=True,
        ),
        Section(
            "times_by_hour",
            "Thời gian chờ và phục vụ theo giờ / Waiting and service times by hour",
            [Column("hour", "Giờ", "count", 0.8), *_time_columns()],
            times["by_hour"],
            times["overall"],
        ),
        Section(
            "times_by_day",
            "Thời gian chờ và phục vụ theo ngày / Waiting and service times by day",
            [*where, DATE, *_time_columns()],
            times["by_day"],
        ),
        Section(
            "closures",
            "Chốt ngày / Day closures",
            [
                *where,
                DATE,
                Column("closed_at", "Lúc chốt", "time"),
                Column("closed_by", "Người chốt", width=1.2),
                Column("cashiers", "Số thu ngân", "count", 0.7),
                Column("collected", "Thực thu (khi chốt)", "money"),
                Column("deposit", "Nộp ngân hàng", "money"),
            ],
            [_closure(c) for c in data["closures"]],
        ),
        Section(
            "transactions",
            "Chi tiết giao dịch / Transactions",
            [
                *where,
                DATE,
                Column("time", "Giờ", width=0.6),
                Column("txn_id", "Mã giao dịch", width=2.3),
                Column("counter", "Quầy", width=0.5),
                Column("cashier", "Tài khoản", pdf=False),
                Column("cashier_name", "Thu ngân", width=1.5),
                Column("customer_code", "Mã khách hàng", width=1.2),
                Column("invoice_ids", "Hóa đơn", "list", 1.2, pdf=False),
                Column("invoices", "Số HĐ", "count", 0.5),
                Column("total", "Số tiền", "money"),
                Column("status", "Trạng thái", names=STATUS_NAMES, width=1.0),
                Column("counts", "Tính vào thực thu", "yesno", 0.7),
                Column("receipt_no", "Số biên nhận CMIS", pdf=False),
                Column("reversal_reason", "Lý do hủy", pdf=False),
                Column("error", "CMIS từ chối vì", pdf=False),
            ],
            [{**t, "invoices": len(t["invoice_ids"])} for t in data["transactions"]],
            {"total": data["totals"]["net"]},
            "Tổng cộng thực thu (net)",
            small=True,
        ),
    ]
    if not company:
        out = [s for s in out if s.key not in ("by_branch", "by_hall")]
    return out


def _time_columns() -> list[Column]:
    return [
        Column("issued", "Vé phát", "count", 0.7),
        Column("called", "Đã gọi", "count", 0.7),
        Column("served", "Đã phục vụ", "count", 0.7),
        Column("wait_avg_s", "Chờ trung bình", "seconds"),
        Column("wait_p90_s", "Chờ P90", "seconds"),
        Column("service_avg_s", "Phục vụ trung bình", "seconds"),
    ]


def _item(i: dict[str, Any]) -> dict[str, Any]:
    o, c = i["ours"] or {}, i["cmis"] or {}
    return {
        "txn_id": i["txn_id"],
        "customer_code": i["customer_code"],
        "our_total": o.get("total"),
        "our_status": o.get("status"),
        "cmis_total": c.get("total"),
        "cmis_state": c.get("state"),
    }


def _closure(c: dict[str, Any]) -> dict[str, Any]:
    s = c["summary"]
    return {
        "branch": c["branch"],
        "hall": c["hall"],
        "date": c["date"],
        "closed_at": c["closed_at"],
        "closed_by": c["closed_by"].partition(":")[2] or c["closed_by"],
        "cashiers": len(s.get("cashiers", [])),
        "collected": sum(int(r["total"]) for r in s.get("cashiers", [])),
        "deposit": (s.get("deposit") or {}).get("amount"),
    }


# --- CSV ------------------------------------------------------------------------------------


def _raw(value: Any, col: Column, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if col.kind == "yesno":
        return "true" if value else "false"
    if col.kind == "list":
        return " ".join(str(v) for v in value)
    if col.kind == "time":
        return dt.datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _heading(data: dict[str, Any], tz: ZoneInfo) -> list[tuple[str, str]]:
    scope = "; ".join(f"{b['id']} {b['name']} ({b['hall']})" for b in data["branches"])
    return [
        ("Cấp báo cáo / Level", LEVEL_NAMES[data["level"]]),
        ("Phạm vi / Scope", scope),
        ("Từ ngày / From", data["from"]),
        ("Đến ngày / To", data["to"]),
        ("Múi giờ / Time zone", data["timezone"]),
        ("Lập lúc / Generated at", _raw(data["generated_at"], Column("at", "", "time"), tz)),
    ]


def csv_bytes(data: dict[str, Any]) -> bytes:
    """One CSV file, section after section, UTF-8 with a BOM."""
    tz = ZoneInfo(data["timezone"])
    buf = io.StringIO()
    w = csv_safe.Writer(buf, lineterminator="\r\n")
    w.writerow(["#report", "Báo cáo thu tiền điện / Payment report"])
    for label, value in _heading(data, tz):
        w.writerow([label, value])
    for s in sections(data):
        w.writerow([])
        w.writerow([f"#{s.key}", s.title])
        w.writerow([f"{c.label} ({c.key})" if c.label else f"({c.key})" for c in s.columns])
        for r in s.rows:
            w.writerow([_raw(r.get(c.key), c, tz) for c in s.columns])
    return nfc(buf.getvalue()).encode("utf-8-sig")


# --- PDF ------------------------------------------------------------------------------------


def _seconds(s: int) -> str:
    return f"{s // 60}:{s % 60:02d}"


def _shown(value: Any, col: Column, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    show: dict[str, Callable[[Any], str]] = {
        "money": vnd,
        "count": str,
        "seconds": _seconds,
        "date": local_date,
        "time": lambda v: dt.datetime.fromisoformat(v).astimezone(tz).strftime("%d/%m %H:%M"),
        "yesno": lambda v: "có" if v else "không",
        "list": lambda v: " ".join(str(x) for x in v),
    }
    if col.names and value in col.names:
        return col.names[value]
    return show.get(col.kind, str)(value)


class _Pdf(FPDF):
    title_line = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(0, 5, self.title_line, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")


def _pdf_table(pdf: _Pdf, s: Section, tz: ZoneInfo) -> None:
    cols = [c for c in s.columns if c.pdf]
    pdf.set_font(FONT, "", 6.5 if s.small else 7.5)
    align = tuple("RIGHT" if c.kind in ("money", "count", "seconds") else "LEFT" for c in cols)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=tuple(c.width for c in cols),
        width=min(pdf.epw, sum(c.width for c in cols) * MM_PER_WIDTH),
        align="LEFT",
        text_align=align,
        headings_style=bold,
        line_height=pdf.font_size * 1.6,
        padding=(0.6, 1),
    ) as table:
        head = table.row()
        for c in cols:
            head.cell(c.label, align="CENTER")
        for r in s.rows:
            row = table.row()
            for c in cols:
                row.cell(nfc(_shown(r.get(c.key), c, tz)))
        if s.total is not None:
            _total_row(table.row(), cols, s.total, s.total_label, tz)


def _total_row(
    row: Any, cols: list[Column], total: dict[str, Any], label: str, tz: ZoneInfo
) -> None:
    """The label spans the columns up to the first figure; then each figure in bold."""
    strong = FontFace(emphasis="BOLD")
    span = next((n for n, c in enumerate(cols) if n and total.get(c.key) is not None), 1)
    row.cell(label, style=strong, colspan=span, align="LEFT")
    for c in cols[span:]:
        row.cell(nfc(_shown(total.get(c.key), c, tz)), style=strong)


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The report on A4 landscape pages, Vietnamese in DejaVu Sans, money as VND."""
    tz = ZoneInfo(data["timezone"])
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    for style, bold in (("", False), ("B", True)):
        path = FONT_DIR / FONTS[bold]
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: install Debian's fonts-dejavu-core")
        pdf.add_font(FONT, style, str(path))
    period = f"{local_date(data['from'])} – {local_date(data['to'])}"
    pdf.title_line = nfc(f"Báo cáo thu tiền điện · {LEVEL_NAMES[data['level']]} · {period}")
    pdf.set_title(nfc(f"Báo cáo thu tiền điện {period}"))
    pdf.set_lang("vi")
    pdf.set_creator("qms")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, "BÁO CÁO THU TIỀN ĐIỆN", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, "Payment report", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    generated = dt.datetime.fromisoformat(data["generated_at"]).astimezone(tz)
    lines = [
        f"Cấp báo cáo: {LEVEL_NAMES[data['level']]}",
        *(f"Chi nhánh {b['id']}: {b['name']} — điểm thu {b['hall']}" for b in data["branches"]),
        f"Từ ngày {local_date(data['from'])} đến ngày {local_date(data['to'])} "
        f"({data['days']} ngày)",
        f"Lập lúc {generated:%d/%m/%Y %H:%M} ({data['timezone']})",
    ]
    for line in lines:
        pdf.cell(0, 5, nfc(line), new_x="LMARGIN", new_y="NEXT")
    net = data["totals"]["net"]
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, nfc(f"Tổng cộng thực thu (net): {vnd(net)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        0,
        4,
        nfc(
            "Thực thu = đã thu − (CMIS từ chối + đã hủy): số tiền thực giữ lại, như két tiền "
            "của thu ngân tính. Net = collected − (refused + reversed), as the drawers count it."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for s in sections(data):
        if s.pdf_only_if_rows and not s.rows:
            continue
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, nfc(s.title), new_x="LMARGIN", new_y="NEXT")
        if not s.rows:
            pdf.set_font(FONT, "", 8)
            pdf.cell(0, 5, "Không có dữ liệu (none).", new_x="LMARGIN", new_y="NEXT")
            continue
        _pdf_table(pdf, s, tz)
        for note in s.notes:
            pdf.set_font(FONT, "", 7)
            pdf.cell(0, 4, nfc(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
