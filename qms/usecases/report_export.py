"""A report (``qms.usecases.reports.build``) as a file: CSV for Excel, PDF for paper and e-mail.

Both come from one list of sections and write every cell a person reads with the same
words (``cell_text``): statuses and yes/no in Vietnamese (``qms.words.STATUSES``), days as
dd/mm/yyyy, moments as dd/mm/yyyy HH:MM on the hall's clock. Only numbers differ in form:
the CSV keeps money, counts and seconds as plain integers a spreadsheet can add, the PDF
writes money as ``2.002.089 đ``. Programs wanting the codes read ``format=json``.

The CSV is UTF-8 with a BOM (Excel then reads Vietnamese right); each section starts with
a ``#key`` row, then a header whose cells are "Vietnamese / English (json_key)", then its
rows, then (where the PDF has one) its total row, first cell ``Tổng cộng …``. The PDF
embeds DejaVu Sans (every Vietnamese letter and tone mark) and ends with the net in words
and the signature block a supervisor signs (``#signatures`` in the CSV).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from printers.layout import nfc
from printers.raster import FONT_DIR, FONTS
from qms import words
from qms.usecases import csv_safe
from qms.words.in_words import amount_in_words

FONT = "dejavu"
MM_PER_WIDTH = 26  # a table column of width 1.0, unless the page is narrower
LEVEL_NAMES = {
    "company": "Toàn công ty (company)",
    "branch": "Chi nhánh (branch)",
    "hall": "Điểm thu (hall)",
}
NUMBERS = ("money", "count", "seconds")  # plain integers in the CSV
#: who signs a report, in the order the signatures stand on paper
SIGNERS = (
    ("Người lập biểu", "Prepared by"),
    ("Thủ quỹ", "Treasurer (head cashier)"),
    ("Kế toán trưởng / Trưởng phòng", "Chief accountant / Head of department"),
)

SIGN_HERE = "(Ký, ghi rõ họ tên / Signature, full name)"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its JSON key, its label (Vietnamese, English), how its values read."""

    key: str
    label: str
    en: str = ""
    kind: str = "text"  # text | money | count | seconds | date | datetime | words | yesno | list
    width: float = 1.0  # relative, in the PDF
    group: str | None = None  # kind "words": its group in qms.words.STATUSES
    pdf: bool = True

    def heading(self) -> str:
        return f"{self.label} / {self.en}" if self.en else self.label


@dataclass
class Section:
    """One table of the report: a CSV section (``#key``) and a PDF table alike."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None  # the last row, under its first column's label
    total_label: str = "Tổng cộng / Total"
    small: bool = False  # many columns: a smaller font in the PDF
    pdf_only_if_rows: bool = False
    notes: list[str] = field(default_factory=list)
    table: bool = True  # False: the PDF draws it its own way (the signature block)


#: how each method reads in a column's label: (Vietnamese, English)
METHOD_LABELS = {"cash": ("tiền mặt", "cash"), "vietqr": ("VietQR", "VietQR")}
#: the figures of ``reports.SPLIT`` as they read: (key, Vietnamese, English, kind)
SPLIT_FIGURES = (
    ("payments", "Số giao dịch", "Payments", "count"),
    ("collected", "Đã thu", "Collected", "money"),
    ("refused", "CMIS từ chối", "Refused", "money"),
    ("reversed", "Đã hủy", "Reversed", "money"),
    ("given_back", "Hoàn lại khách", "Given back", "money"),
    ("net_count", "Số GD thực thu", "Net payments", "count"),
    ("net", "Thực thu", "Net", "money"),
    ("unconfirmed", "Chờ CMIS xác nhận", "Unconfirmed", "money"),
)


def _split_columns() -> list[Column]:
    """Every figure again for each method (``net_cash``: "Thực thu tiền mặt / Net cash");
    the PDF shows the net of each beside the net, the CSV all of them."""
    out = []
    for method, (vi, en) in METHOD_LABELS.items():
        for key, label, english, kind in SPLIT_FIGURES:
            shown = key == "net"
            out.append(
                Column(f"{key}_{method}", f"{label} {vi}", f"{english} {en}", kind, 1.1, pdf=shown)
            )
    return out


def _tally_columns(first: list[Column]) -> list[Column]:
    split = {c.key: c for c in _split_columns()}
    return [
        *first,
        Column("payments", "Số giao dịch", "Payments", "count", 0.8),
        Column("collected", "Đã thu", "Collected", "money", 1.2),
        Column("refused_count", "Số GD CMIS từ chối", "Refused", "count", pdf=False),
        Column("refused", "CMIS từ chối", "Refused", "money", 1.1),
        Column("reversed_count", "Số GD đã hủy", "Reversed", "count", pdf=False),
        Column("reversed", "Đã hủy", "Reversed", "money", 1.1),
        Column("given_back", "Hoàn lại khách", "Given back", "money", 1.1, pdf=False),
        Column("net_count", "Số GD thực thu", "Net payments", "count", 0.8),
        split.pop("net_cash"),
        split.pop("net_vietqr"),
        Column("net", "Thực thu", "Net", "money", 1.2),
        Column("unconfirmed_count", "Số GD chờ CMIS", "Unconfirmed", "count", pdf=False),
        Column("unconfirmed", "Chờ CMIS xác nhận", "Unconfirmed", "money", 1.1),
        *split.values(),
    ]


#: a person's account as it is; the QRs paid while waiting (``bank:vietqr``) in words
ACCOUNT = Column("cashier", "Tài khoản", "Account", "words", 0.9, group="taken_by")
WHILE_WAITING = Column(
    "while_waiting", "Chuyển khoản khi chờ", "Paid by QR while waiting", "yesno", pdf=False
)
BRANCH = Column("branch", "Chi nhánh", "Branch", width=0.8)
HALL = Column("hall", "Điểm thu", "Hall", width=1.1)
DATE = Column("date", "Ngày", "Day", "date", 0.8)
#: one paper invoice: which ticket, whose, which period, how much, at which counter
PAPER = [
    Column("ticket", "Số vé", "Ticket", "count", 0.5),
    Column("customer_code", "Mã khách hàng", "Customer", width=1.2),
    Column("period", "Kỳ", "Period", width=0.7),
    Column("total", "Số tiền", "Amount", "money"),
    Column("delivered_to", "Quầy", "Counter", width=0.6),
]


def _words(key: str, label: str, en: str, group: str, width: float = 1.0) -> Column:
    return Column(key, label, en, "words", width, group=group)


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
    cash = data["drawers"]
    rsum = returns["summary"]
    out = [
        Section(
            "summary",
            "Tổng cộng / Totals",
            [
                *_tally_columns([Column("scope", "Phạm vi", "Scope", width=1.4)]),
                Column("net_in_words", "Thực thu bằng chữ", "Net in words", pdf=False),
            ],
            [{"scope": scope, **totals, "net_in_words": amount_in_words(totals["net"])}],
        ),
        Section(
            "by_status",
            "Theo trạng thái / By status",
            [
                _words("status", "Trạng thái", "Status", "payment", 1.4),
                Column("count", "Số giao dịch", "Payments", "count"),
                Column("total", "Số tiền", "Amount", "money"),
            ],
            [{"status": s, **v} for s, v in data["by_status"].items()],
        ),
        Section(
            "by_branch",
            "Theo chi nhánh / By branch",
            _tally_columns([BRANCH, Column("name", "Tên", "Name", width=2.2), HALL]),
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
            _tally_columns([*where, DATE, Column("closed", "Đã chốt", "Closed", "yesno", 0.6)]),
            data["by_day"],
            totals,
        ),
        Section(
            "by_cashier",
            "Theo thu ngân / By cashier",
            _tally_columns(
                [
                    *where,
                    ACCOUNT,
                    Column("name", "Thu ngân", "Cashier", width=1.5),
                    WHILE_WAITING,
                ]
            ),
            data["by_cashier"],
            totals,
            notes=[WAITING_NOTE] if any(r["while_waiting"] for r in data["by_cashier"]) else [],
        ),
        Section(
            "by_counter",
            "Theo quầy / By counter",
            _tally_columns(
                [
                    *where,
                    Column("counter", "Mã quầy", "Counter", width=0.6),
                    Column("name", "Quầy", "Name"),
                    WHILE_WAITING,
                ]
            ),
            data["by_counter"],
            totals,
        ),
        Section(
            "by_hour",
            "Theo giờ / By hour",
            _tally_columns([Column("hour", "Giờ", "Hour", "count", 0.8)]),
            data["by_hour"],
            totals,
        ),
        Section(
            "drawers",
            "Két tiền từng thu ngân / Cash drawers",
            [
                *where,
                Column("date", "Ngày", "Day", "date", 1.0),  # the narrow table's font is small
                Column("cashier_name", "Thu ngân", "Cashier", width=1.4),
                Column("role", "Vai trò", "Role", "words", group="role", pdf=False),
                Column("counter", "Quầy", "Counter", width=0.6),
                _words("status", "Trạng thái", "Status", "drawer", 0.9),
                Column("float", "Tiền đầu ca", "Float", "money"),
                Column("collected", "Đã thu", "Collected", "money", 1.1),
                Column("given_back", "Hoàn lại khách", "Given back", "money"),
                Column("money_in", "Nhận chuyển", "Moved in", "money"),
                Column("money_out", "Giao chuyển", "Moved out", "money"),
                Column("expected", "Phải có", "Expected", "money", 1.1),
                Column("counted", "Kiểm đếm", "Counted", "money", 1.1),
                Column("difference", "Chênh lệch", "Difference", "money"),
                Column("approved_by", "Người duyệt", "Approved by", width=1.2),
                Column("approval_note", "Ghi chú duyệt", "Approval note", width=2.0),
            ],
            cash["rows"],
            cash["summary"],
            small=True,
            notes=[
                "Phải có = tiền đầu ca + đã thu − hoàn lại khách + nhận chuyển − giao chuyển; "
                "chênh lệch = kiểm đếm − phải có lúc đóng két. Expected = float + collected − "
                "given back + moved in − moved out; difference = counted − expected at closing.",
                "Két chỉ tính tiền mặt; VietQR nằm ở tài khoản ngân hàng. "
                "A drawer counts cash only; VietQR is at the bank.",
                *_counted_in_words(cash["summary"]),
            ],
        ),
        Section(
            "reconciliation",
            "Đối soát CMIS / CMIS reconciliation",
            [
                BRANCH,
                DATE,
                Column("available", "CMIS trả lời", "CMIS answered", "yesno", 0.7),
                Column("our_total", "Quầy thu (thực thu)", "Ours (net)", "money"),
                Column("our_cash", "Trong đó tiền mặt", "Of which cash", "money"),
                Column("our_vietqr", "Trong đó VietQR", "Of which VietQR", "money"),
                Column("cmis_total", "CMIS ghi nhận", "CMIS", "money"),
                Column("open_items", "Chênh lệch", "Open items", "count", 0.7),
                Column("matched", "Khớp", "Matched", "count", 0.6),
                Column("error", "Ghi chú", "Note", width=2.4),
            ],
            recon["days"],
            {
                "our_total": recon["summary"]["our_total"],
                "our_cash": recon["summary"]["our_cash"],
                "our_vietqr": recon["summary"]["our_vietqr"],
                "cmis_total": recon["summary"]["cmis_total"],
                "open_items": recon["summary"]["open_items"],
            },
            notes=["Tổng cộng chỉ tính các ngày CMIS trả lời. Totals: days CMIS answered only."],
        ),
        Section(
            "reconciliation_items",
            "Chênh lệch với CMIS / Open items",
            [
                BRANCH,
                DATE,
                _words("category", "Loại", "Kind", "reconcile", 1.3),
                Column("txn_id", "Mã giao dịch", "Transaction", width=2.0),
                Column("customer_code", "Mã khách hàng", "Customer", width=1.2),
                _words("method", "Hình thức", "Method", "method", 0.9),
                Column("our_total", "Quầy", "Ours", "money"),
                _words("our_status", "Trạng thái quầy", "Our status", "payment"),
                Column("cmis_total", "CMIS", "CMIS", "money"),
                _words("cmis_state", "Trạng thái CMIS", "CMIS state", "cmis_state"),
            ],
            items,
        ),
        Section(
            "movements",
            "Chuyển tiền giữa thu ngân / Money movements",
            [
                *where,
                DATE,
                Column("from_name", "Người giao", "From", width=1.5),
                Column("to_name", "Người nhận", "To", width=1.5),
                Column("out_amount", "Số tiền giao", "Handed", "money"),
                Column("out_at", "Lúc giao", "Handed at", "datetime", 1.1),
                Column("in_amount", "Số tiền nhận", "Received", "money"),
                Column("in_at", "Lúc nhận", "Received at", "datetime", 1.1),
                _words("status", "Trạng thái", "Status", "movement", 0.8),
            ],
            moves["rows"],
            {"out_amount": moves["summary"]["matched_total"]},
            "Tổng cộng (đã khớp) / Total (matched)",
        ),
        Section(
            "returns",
            "Hóa đơn trả lại / Returned invoices",
            [
                *where,
                DATE,
                *PAPER,
                _words("returned_reason", "Lý do", "Reason", "reason", 1.6),
                Column("returned_by_name", "Người trả", "Returned by", width=1.5),
                Column("returned_at", "Lúc trả", "Returned at", "datetime", 1.1),
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
                _words("lookup", "Tra cứu", "Lookup", "parity"),
            ],
            returns["to_return"],
            {"total": rsum["to_return_total"]},
            pdf_only_if_rows=True,
        ),
        Section(
            "times_by_hour",
            "Thời gian chờ và phục vụ theo giờ / Waiting and service times by hour",
            [Column("hour", "Giờ", "Hour", "count", 0.8), *_time_columns()],
            times["by_hour"],
            times["overall"],
        ),
        Section(
            "times_by_lane",
            "Thời gian chờ: khách ưu tiên và khách thường / Waits: priority and other customers",
            [_words("lane", "Hàng", "Lane", "lane"), *_time_columns()],
            times["by_lane"],
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
                Column("closed_at", "Lúc chốt", "Closed at", "datetime", 1.1),
                Column("closed_by", "Người chốt", "Closed by", width=1.2),
                Column("cashiers", "Số thu ngân", "Cashiers", "count", 0.7),
                Column("collected", "Tiền mặt thực thu (khi chốt)", "Net cash (at close)", "money"),
                Column("noncash", "VietQR thực thu (khi chốt)", "Net VietQR (at close)", "money"),
                Column("deposit", "Nộp ngân hàng", "Bank deposit", "money"),
            ],
            [_closure(c) for c in data["closures"]],
        ),
        Section(
            "transactions",
            "Chi tiết giao dịch / Transactions",
            [
                *where,
                Column("at", "Lúc thu", "At", "datetime", 1.1),
                Column("txn_id", "Mã giao dịch", "Transaction", width=2.3),
                Column("counter", "Quầy", "Counter", width=0.6),
                replace(ACCOUNT, pdf=False),
                Column("cashier_name", "Thu ngân", "Cashier", width=1.4),
                WHILE_WAITING,
                Column("customer_code", "Mã khách hàng", "Customer code", width=1.2),
                Column("customer_name", "Tên khách hàng", "Customer name", width=1.8),
                Column("invoice_ids", "Hóa đơn", "Invoices", "list", pdf=False),
                Column("invoices", "Số HĐ", "Invoices", "count", 0.6),
                Column("total", "Số tiền", "Amount", "money"),
                _words("method", "Hình thức", "Method", "method", 0.9),
                Column("bank_txn", "Mã giao dịch ngân hàng", "Bank transaction", width=1.3),
                _words("status", "Trạng thái", "Status", "payment", 1.0),
                Column("counts", "Tính vào thực thu", "In net", "yesno", 0.7),
                Column("receipt_no", "Số biên nhận CMIS", "CMIS receipt", pdf=False),
                Column("reversal_reason", "Lý do hủy", "Why reversed", pdf=False),
                Column(
                    "error_code",
                    "CMIS từ chối vì",
                    "Why refused",
                    "words",
                    group="payment_error",
                    pdf=False,
                ),
            ],
            [{**t, "invoices": len(t["invoice_ids"])} for t in data["transactions"]],
            {"total": totals["net"]},
            "Tổng cộng thực thu / Net total",
            small=True,
        ),
        Section(
            "signatures",
            "Ký duyệt / Signatures",
            [
                Column("role", "Chức danh", "Role", width=2.0),
                Column("role_en", "Chức danh tiếng Anh", "Role in English", width=2.0),
                Column("name", "Họ tên", "Name", width=2.0),
            ],
            [
                {"role": vi, "role_en": en, "name": name}
                for (vi, en), name in zip(
                    SIGNERS, (_preparer(data), _treasurer(cash["rows"]), ""), strict=True
                )
            ],
            table=False,
        ),
    ]
    if not company:
        out = [s for s in out if s.key not in ("by_branch", "by_hall")]
    return out


WAITING_NOTE = (
    "Chuyển khoản khi chờ: vé trả bằng mã VietQR in trên vé trước khi được gọi, không qua "
    "thu ngân nào. Paid by QR while waiting: tickets paid by the QR printed on them before "
    "their call, by no cashier."
)


def _by_method(totals: dict[str, Any]) -> str:
    """The net of each method, as the first page gives it under the net total."""
    cash, qr = words.money(totals["net_cash"]), words.money(totals["net_vietqr"])
    return f"Trong đó tiền mặt / Of which cash: {cash}; VietQR: {qr}"


def _counted_in_words(summary: dict[str, Any]) -> list[str]:
    """The cash counted, in words, as the treasurer signs for it (none counted: no line)."""
    if not summary["drawers"] or summary["open"] == summary["drawers"]:
        return []
    counted = summary["counted"]
    return [
        f"Tổng tiền kiểm đếm / Counted in total: {words.money(counted)}. "
        f"Bằng chữ / In words: {amount_in_words(counted)}."
    ]


def _treasurer(drawers: list[dict[str, Any]]) -> str:
    """The head cashier whose drawer the report covers, when there is exactly one;
    otherwise the treasurer writes their name by hand."""
    heads = {d["cashier_name"] for d in drawers if d["role"] == "head_cashier"}
    return heads.pop() if len(heads) == 1 else ""


def _preparer(data: dict[str, Any]) -> str:
    """Who asked for the report signs it as its preparer (set by ``reporting.report``)."""
    prepared: dict[str, str] = data.get("prepared_by") or {}
    return prepared.get("name", "")


def _time_columns() -> list[Column]:
    return [
        Column("issued", "Vé phát", "Issued", "count", 0.7),
        Column("called", "Đã gọi", "Called", "count", 0.7),
        Column("served", "Đã phục vụ", "Served", "count", 0.7),
        Column("wait_avg_s", "Chờ trung bình", "Average wait", "seconds"),
        Column("wait_p90_s", "Chờ P90", "Wait P90", "seconds"),
        Column("service_avg_s", "Phục vụ trung bình", "Average service", "seconds"),
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
        "closed_by": c["closed_by_name"],  # the person's full name, as they sign
        "cashiers": len(s.get("cashiers", [])),
        "collected": sum(int(r["total"]) for r in s.get("cashiers", [])),
        "noncash": (s.get("noncash") or {}).get("total"),  # none before VietQR
        "deposit": (s.get("deposit") or {}).get("amount"),
    }


def _seconds(s: int) -> str:
    return f"{s // 60}:{s % 60:02d}"


def cell_text(value: Any, col: Column, tz: ZoneInfo) -> str:
    """A cell as a person reads it, the same in the CSV and the PDF (numbers aside)."""
    if value is None:
        return ""
    if col.kind == "words":
        return words.status_text(col.group or "", str(value))
    if col.kind == "yesno":
        return words.status_text("bool", "true" if value else "false")
    if col.kind == "date":
        return words.date(value)
    if col.kind == "datetime":
        return words.datetime_(dt.datetime.fromisoformat(value).astimezone(tz))
    if col.kind == "list":
        return " ".join(str(v) for v in value)
    return str(value)


def _in_pdf(value: Any, col: Column, tz: ZoneInfo) -> str:
    if value is not None and col.kind == "money":
        return words.money(value)
    if value is not None and col.kind == "seconds":
        return _seconds(value)
    return cell_text(value, col, tz)


def _in_csv(value: Any, col: Column, tz: ZoneInfo) -> str:
    if value is not None and col.kind in NUMBERS:
        return str(int(value))
    return cell_text(value, col, tz)


def _generated(data: dict[str, Any], tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromisoformat(data["generated_at"]).astimezone(tz)


def _heading(data: dict[str, Any], tz: ZoneInfo) -> list[tuple[str, str]]:
    scope = "; ".join(f"{b['id']} {b['name']} ({b['hall']})" for b in data["branches"])
    return [
        ("Cấp báo cáo / Level", LEVEL_NAMES[data["level"]]),
        ("Phạm vi / Scope", scope),
        ("Từ ngày / From", words.date(data["from"])),
        ("Đến ngày / To", words.date(data["to"])),
        ("Múi giờ / Time zone", data["timezone"]),
        ("Lập lúc / Generated at", words.datetime_(_generated(data, tz))),
    ]


def csv_bytes(data: dict[str, Any]) -> bytes:
    """One CSV file, section after section, UTF-8 with a BOM."""
    tz = ZoneInfo(data["timezone"])
    title = "Báo cáo thu tiền điện / Payment report"
    return sections_csv(title, _heading(data, tz), sections(data), tz)


def sections_csv(
    title: str, heading: list[tuple[str, str]], parts: list[Section], tz: ZoneInfo
) -> bytes:
    """A report's CSV (this one's and the productivity report's): its title and heading
    lines, then each section with its columns, rows, total and notes."""
    buf = io.StringIO()
    w = csv_safe.Writer(buf, lineterminator="\r\n")
    w.writerow(["#report", title])
    for label, value in heading:
        w.writerow([label, value])
    for s in parts:
        w.writerow([])
        w.writerow([f"#{s.key}", s.title])
        w.writerow([f"{c.heading()} ({c.key})" for c in s.columns])
        for r in s.rows:
            w.writerow([_in_csv(r.get(c.key), c, tz) for c in s.columns])
        if s.total is not None:
            cells = [_in_csv(s.total.get(c.key), c, tz) for c in s.columns]
            w.writerow([s.total_label, *cells[1:]])
        for note in s.notes:
            w.writerow([note])
    return nfc(buf.getvalue()).encode("utf-8-sig")


# --- PDF ------------------------------------------------------------------------------------


class _Pdf(FPDF):
    title_line = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.cell(0, 5, self.title_line, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")


def pdf_table(
    pdf: _Pdf, s: Section, tz: ZoneInfo, cell: Callable[[Any, Column, ZoneInfo], str] | None = None
) -> None:
    """A section as a PDF table (this report's and the productivity report's, which
    writes its durations its own way: ``cell``)."""
    cell = cell or _in_pdf
    cols = [c for c in s.columns if c.pdf]
    pdf.set_font(FONT, "", 6.5 if s.small else 7.5)
    align = tuple("RIGHT" if c.kind in NUMBERS else "LEFT" for c in cols)
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
            head.cell(nfc(c.heading()), align="CENTER")
        for r in s.rows:
            row = table.row()
            for c in cols:
                row.cell(nfc(cell(r.get(c.key), c, tz)))
        if s.total is not None:
            _total_row(table.row(), cols, s.total, s.total_label, tz, cell)


def _total_row(
    row: Any,
    cols: list[Column],
    total: Mapping[str, Any],
    label: str,
    tz: ZoneInfo,
    cell: Callable[[Any, Column, ZoneInfo], str],
) -> None:
    """The label spans the columns up to the first figure; then each figure in bold."""
    strong = FontFace(emphasis="BOLD")
    span = next((n for n, c in enumerate(cols) if n and total.get(c.key) is not None), 1)
    row.cell(label, style=strong, colspan=span, align="LEFT")
    for c in cols[span:]:
        row.cell(nfc(cell(total.get(c.key), c, tz)), style=strong)


def _line(pdf: _Pdf, text: str, size: float = 9, style: str = "", h: float = 5) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, h, nfc(text), new_x="LMARGIN", new_y="NEXT")


def _signatures(pdf: _Pdf, s: Section, when: dt.datetime) -> None:
    """Who signs, side by side: title, "(sign, full name)", room to sign, then the name
    the report knows (the preparer's; the head cashier's when it covers one)."""
    pdf.ln(4)
    pdf.set_font(FONT, "", 9)
    day = f"Ngày {when:%d} tháng {when:%m} năm {when:%Y} / {when:%d/%m/%Y}"
    pdf.cell(0, 5, day, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    width = pdf.epw / len(s.rows)
    top = pdf.get_y()
    for n, r in enumerate(s.rows):
        x = pdf.l_margin + n * width
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(width, 5, nfc(r["role"].upper()), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(width, 4, nfc(r["role_en"]), align="C", new_x="LEFT", new_y="NEXT")
        pdf.multi_cell(width, 4, SIGN_HERE, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x, top + 42)
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(width, 5, nfc(r["name"]), align="C")
    pdf.set_y(top + 50)


def dejavu(pdf: FPDF) -> None:
    """DejaVu Sans, regular and bold, as ``FONT``: every Vietnamese letter and tone mark,
    embedded (a PDF's standard fonts have none of them)."""
    for style, bold in (("", False), ("B", True)):
        path = FONT_DIR / FONTS[bold]
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: install Debian's fonts-dejavu-core")
        pdf.add_font(FONT, style, str(path))


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The report on A4 landscape pages, Vietnamese in DejaVu Sans, money as VND."""
    tz = ZoneInfo(data["timezone"])
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    dejavu(pdf)
    period = f"{words.date(data['from'])} – {words.date(data['to'])}"
    pdf.title_line = nfc(f"Báo cáo thu tiền điện · {LEVEL_NAMES[data['level']]} · {period}")
    pdf.set_title(nfc(f"Báo cáo thu tiền điện {period}"))
    pdf.set_lang("vi")
    pdf.set_creator("qms")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, "BÁO CÁO THU TIỀN ĐIỆN", new_x="LMARGIN", new_y="NEXT")
    _line(pdf, "Payment report")
    pdf.ln(2)
    for label, value in _heading(data, tz):
        _line(pdf, f"{label}: {value}")
    net = data["totals"]["net"]
    pdf.ln(2)
    _line(pdf, f"Tổng cộng thực thu / Net total: {words.money(net)}", 11, "B", 6)
    in_words = f"Bằng chữ / In words: {amount_in_words(net)}"
    _line(pdf, in_words, 9.5, "", 5)
    _line(pdf, _by_method(data["totals"]), 9.5, "", 5)
    _line(
        pdf,
        "Thực thu = đã thu − (CMIS từ chối + đã hủy): số tiền thực giữ lại, như két tiền "
        "của thu ngân tính. Net = collected − (refused + reversed), as the drawers count it.",
        8,
        h=4,
    )
    signatures = None
    for s in sections(data):
        if not s.table:
            signatures = s
            continue
        if s.pdf_only_if_rows and not s.rows:
            continue
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, nfc(s.title), new_x="LMARGIN", new_y="NEXT")
        if not s.rows:
            _line(pdf, "Không có dữ liệu / No data.", 8)
            continue
        pdf_table(pdf, s, tz)
        for note in s.notes:
            _line(pdf, note, 7, h=4)
    if pdf.will_page_break(75):  # the total, in words, stays on the page its signers sign
        pdf.add_page()
    pdf.ln(3)
    _line(pdf, f"Tổng cộng thực thu / Net total: {words.money(net)}", 10, "B", 6)
    _line(pdf, in_words, 9.5)
    if signatures is not None:
        _signatures(pdf, signatures, _generated(data, tz))
    return bytes(pdf.output())
