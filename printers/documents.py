"""The hall's printed documents, each a pure function of plain values (the dicts the hall
already has: ``qms.domain.ticket_view.ticket_state``, ``qms.domain.payments.public``), returning a
``Document`` that any renderer can print. Labels are Vietnamese: the paper is for the
hall's customers and staff. Names are printed as given: the caller masks them or not."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from printers.formats import HALL_TZ, local_date, local_time, vnd
from printers.layout import QR, Block, Cut, Document, Feed, Row, Rule, Text
from printers.vietnamese import TONES, VOWELS

Data = Mapping[str, Any]
Time = str | dt.datetime


def _header(branch: str, title: str) -> list[Block]:
    return [
        Text(branch, align="center", bold=True),
        Text(title, align="center", bold=True, height=2),
    ]


def _unpaid(customer: Data) -> list[Data]:
    return [i for i in customer.get("invoices", []) if i.get("pay_status", "unpaid") == "unpaid"]


def _signatures(left: str, right: str, left_name: str = "", right_name: str = "") -> list[Block]:
    return [
        Feed(),
        Row(left, right, bold=True),
        Row("(ký, họ tên)", "(ký, họ tên)"),
        Feed(3),
        Row("..............", ".............."),
        *([Row(left_name, right_name)] if left_name or right_name else []),
    ]


def ticket(state: Data, *, branch: str, follow_url: str, tz: str = HALL_TZ) -> Document:
    """The queue ticket: the number, very large; every customer on it with each unpaid
    invoice; the total to bring; a QR code to follow the ticket on a phone."""
    blocks: list[Block] = [
        Text(branch, align="center", bold=True),
        Text("SỐ THỨ TỰ", align="center"),
        Text(str(state["number"]), align="center", bold=True, width=6, height=6),
        Text(local_time(state["issued_at"], tz), align="center"),
        Rule(),
    ]
    total = 0
    for customer in state["customers"]:
        blocks += [Text(customer["code"], bold=True), Text(customer["name"])]
        invoices = _unpaid(customer)
        for inv in invoices:
            blocks.append(Row(f"  Kỳ {inv['period']}", vnd(inv["total"])))
            total += inv["total"]
        if not invoices:
            pending = customer.get("debts") == "pending"
            blocks.append(Text("  Đang tra cứu nợ" if pending else "  Không còn nợ"))
    blocks += [
        Rule(heavy=True),
        Row("TỔNG CỘNG", vnd(total), bold=True),
        Feed(),
        QR(follow_url),
        Text("Quét mã để theo dõi lượt của quý khách", align="center"),
        Text("Vui lòng chờ gọi số", align="center"),
        Cut(),
    ]
    return Document("ticket", tuple(blocks))


def receipt(
    ticket_state: Data,
    payments: Sequence[Data],
    *,
    branch: str,
    counter: str,
    cashier: str,
    at: Time,
    tz: str = HALL_TZ,
) -> Document:
    """The receipt after F4: what was paid, invoice by invoice, with CMIS's receipt number
    when CMIS has already given it, and our transaction id to trace the payment."""
    invoices = {
        i["invoice_id"]: i for c in ticket_state["customers"] for i in c.get("invoices", [])
    }
    names = {c["code"]: c["name"] for c in ticket_state["customers"]}
    blocks = [
        *_header(branch, "BIÊN NHẬN THU TIỀN ĐIỆN"),
        Rule(),
        Row("Số thứ tự", str(ticket_state["number"])),
        Row("Quầy", counter),
        Row("Thu ngân", cashier),
        Row("Thời gian", local_time(at, tz)),
        Rule(),
    ]
    for p in payments:
        blocks += [Text(p["customer_code"], bold=True), Text(names.get(p["customer_code"], ""))]
        for invoice_id in p["invoice_ids"]:
            inv = invoices.get(invoice_id)
            if inv is None:  # not on this ticket: print what we know, not a guess
                blocks.append(Text(f"  Hóa đơn {invoice_id}"))
            else:
                blocks.append(Row(f"  Kỳ {inv['period']}", vnd(inv["total"])))
        if len(payments) > 1:
            blocks.append(Row("  Cộng", vnd(p["total"])))
        if p.get("receipt_no"):
            blocks.append(Row("  Số biên lai CMIS", p["receipt_no"]))
        blocks.append(Row("  Mã giao dịch", p["txn_id"]))
    blocks += [
        Rule(heavy=True),
        Row("TỔNG ĐÃ THU", vnd(sum(p["total"] for p in payments)), bold=True),
        Feed(),
        Text("Cảm ơn quý khách!", align="center"),
        Cut(),
    ]
    return Document("receipt", tuple(blocks))


COPY_BANNER = "BẢN SAO / COPY"


def as_copy(document: Document, *, printed_at: Time, tz: str = HALL_TZ) -> Document:
    """A document printed again (a receipt's copy): BẢN SAO / COPY above it, with when
    the copy was made, so a copy is never taken for a second payment."""
    banner: list[Block] = [
        Text(COPY_BANNER, align="center", bold=True, width=2, height=2),
        Text(f"In lại lúc {local_time(printed_at, tz)} / Reprinted", align="center"),
        Rule(),
    ]
    return Document(f"{document.name}-copy", (*banner, *document.blocks))


VOID_BANNER = "HUỶ / VOID"


def _void_banner() -> list[Block]:
    return [
        Text(VOID_BANNER, align="center", bold=True, width=2, height=2),
        Text("Phiếu này đã bị huỷ, không còn giá trị / This slip was withdrawn: it is void",
             align="center", bold=True),
    ]  # fmt: skip


def slip_number(movement: Data) -> str:
    """The number printed on a movement's slip: the movement's id, and after a declaration
    was withdrawn and made again, which declaration it is (7, then 7.2): a withdrawn slip
    never bears the number of the valid one."""
    version = int(movement.get("version") or 1)
    return f"{movement['id']}" if version <= 1 else f"{movement['id']}.{version}"


def _cash_slip(name: str, title: str, movement: Data, branch: str, tz: str) -> Document:
    void = bool(movement.get("void"))
    blocks = [
        *_header(branch, title),
        *(_void_banner() if void else []),
        Text("Bàn giao tiền cuối ngày", align="center"),
        Rule(),
    ]
    if movement.get("id") is not None:
        blocks.append(Row("Số phiếu", slip_number(movement)))
    blocks += [
        Row("Thời gian", local_time(movement["at"], tz)),
        Row("Bên giao", movement["from_cashier"]),
        Row("Bên nhận", movement["to_cashier"]),
        Rule(heavy=True),
        Row("SỐ TIỀN", vnd(movement["amount"]), bold=True),
        Rule(heavy=True),
        *_signatures("BÊN GIAO", "BÊN NHẬN", movement["from_cashier"], movement["to_cashier"]),
        *(_void_banner() if void else []),
        Cut(),
    ]
    return Document(f"{name}-void" if void else name, tuple(blocks))


def money_out_slip(movement: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """Printed at the cashier handing money over (``from_cashier``); both sign. With
    ``movement["void"]`` (a reprint of a withdrawn declaration) it says HUỶ / VOID."""
    return _cash_slip("money-out", "PHIẾU XUẤT TIỀN", movement, branch, tz)


def money_in_slip(movement: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """Printed at the cashier taking the money (``to_cashier``); both sign."""
    return _cash_slip("money-in", "PHIẾU NHẬN TIỀN", movement, branch, tz)


def cancellation_slip(movement: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """Phiếu huỷ: printed where a money-out or money-in declaration was withdrawn, naming
    the slip it voids, so the paper trail says that slip no longer counts. ``movement``
    is the withdrawn declaration: id, version, side (out | in), from_cashier, to_cashier,
    amount, at (when it was declared), withdrawn_at."""
    kind = "Xuất tiền / Money out" if movement["side"] == "out" else "Nhận tiền / Money in"
    number = slip_number(movement)
    blocks = [
        *_header(branch, "PHIẾU HUỶ / CANCELLATION"),
        Text(VOID_BANNER, align="center", bold=True, width=2, height=2),
        Rule(),
        Row("Phiếu bị huỷ / Slip", number, bold=True),
        Row("Loại / Kind", kind),
        Row("Lập lúc / Made", local_time(movement["at"], tz)),
        Row("Huỷ lúc / Voided", local_time(movement["withdrawn_at"], tz)),
        Row("Bên giao / From", movement["from_cashier"]),
        Row("Bên nhận / To", movement["to_cashier"]),
        Rule(heavy=True),
        Row("SỐ TIỀN / AMOUNT", vnd(movement["amount"]), bold=True),
        Rule(heavy=True),
        Text(f"Phiếu số {number} không còn giá trị", align="center", bold=True),
        Text(f"Slip no. {number} is void", align="center"),
        *_signatures("BÊN GIAO", "BÊN NHẬN", movement["from_cashier"], movement["to_cashier"]),
        Cut(),
    ]
    return Document("money-cancel", tuple(blocks))


def reconnection_slip(
    customer: Data, payments: Sequence[Data], *, branch: str, at: Time, tz: str = HALL_TZ
) -> Document:
    """Phiếu đóng cắt điện: the order to the field team to restore a supply cut for debt,
    printed once the debt is paid."""
    mine = [p for p in payments if p["customer_code"] == customer["code"]]
    paid_ids = {i for p in mine for i in p["invoice_ids"]}
    paid = [i for i in customer.get("invoices", []) if i["invoice_id"] in paid_ids]
    blocks: list[Block] = [
        *_header(branch, "PHIẾU ĐÓNG CẮT ĐIỆN"),
        Text("LỆNH ĐÓNG ĐIỆN LẠI", align="center", bold=True),
        Rule(),
        Row("Mã khách hàng", customer["code"]),
        Text(f"Tên: {customer['name']}"),
        Text(f"Địa chỉ: {customer['address']}"),
        Row("Mã sổ (lộ trình)", customer["book_code"]),
        Rule(),
        Text("Đã cắt điện do nợ tiền điện.", bold=True),
        Text("Khách hàng đã thanh toán hết nợ: đề nghị đóng điện lại.", bold=True),
        Rule(),
        *(Row(f"  Kỳ {i['period']}", vnd(i["total"])) for i in paid),
        Row("TỔNG ĐÃ THU", vnd(sum(p["total"] for p in mine)), bold=True),
        Row("Thời gian thu", local_time(at, tz)),
        *(Row("Mã giao dịch", p["txn_id"]) for p in mine),
        *_signatures("NGƯỜI LẬP PHIẾU", "NGƯỜI ĐÓNG ĐIỆN"),
        Cut(),
    ]
    return Document("reconnection", tuple(blocks))


def day_end_summary(summary: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """The head cashier's day end: each cashier's count and total, the grand total, and
    every money movement between cashiers.

    ``summary``: ``{"day": "2026-03-27", "at": time printed, "cashiers": [{"cashier",
    "counter", "payments", "total"}], "movements": [{"from_cashier", "to_cashier",
    "amount", "at"}], "deposit": {"amount", "bank", "reference"} (optional)}``."""
    cashiers: Iterable[Data] = summary["cashiers"]
    movements: Sequence[Data] = summary.get("movements", [])
    blocks: list[Block] = [
        *_header(branch, "BÁO CÁO THU TIỀN CUỐI NGÀY"),
        Rule(),
        Row("Ngày", local_date(summary["day"])),
        Row("In lúc", local_time(summary["at"], tz)),
        Rule(),
        Text("THU THEO THU NGÂN", bold=True),
    ]
    count = total = 0
    for c in cashiers:
        counter = f" ({c['counter']})" if c.get("counter") else ""
        blocks += [
            Text(f"{c['cashier']}{counter}"),
            Row(f"  {c['payments']} giao dịch", vnd(c["total"])),
        ]
        count += c["payments"]
        total += c["total"]
    blocks += [
        Rule(heavy=True),
        Row(f"TỔNG CỘNG ({count} giao dịch)", vnd(total), bold=True),
        Rule(),
        Text("BÀN GIAO TIỀN GIỮA THU NGÂN", bold=True),
    ]
    for m in movements:
        blocks += [
            Text(f"{m['from_cashier']} giao {m['to_cashier']}"),
            Row(f"  {local_time(m['at'], tz)}", vnd(m["amount"])),
        ]
    if not movements:
        blocks.append(Text("  (không có)"))
    deposit = summary.get("deposit")
    if deposit:
        blocks += [
            Rule(),
            Text("NỘP NGÂN HÀNG", bold=True),
            Text(f"  {deposit['bank']}"),
            Row(f"  Số phiếu {deposit['reference']}", vnd(deposit["amount"]), bold=True),
        ]
    blocks += [Rule(), *_signatures("NGƯỜI LẬP", "KẾ TOÁN"), Cut()]
    return Document("day-end", tuple(blocks))


def test_page(printer: str, mode: str) -> Document:
    """Every Vietnamese letter with every tone, lower and upper case, one vowel a line: to
    check a printer's code page on site (does CP1258 overlay its tone marks? does page 31
    print capitals?) before the hall opens."""
    blocks: list[Block] = [
        Text("TRANG IN THỬ", align="center", bold=True, height=2),
        Row("Máy in", printer),
        Row("Chế độ", mode),
        Rule(),
    ]
    for vowel in VOWELS:
        letters = [unicodedata.normalize("NFC", vowel + t) for t in ("", *TONES.values())]
        lower = " ".join(letters)
        blocks.append(Row(lower, " ".join(c.upper() for c in letters)))
    blocks += [
        Row("đ", "Đ"),
        Rule(),
        Text("Tiếng Việt có dấu: ĐIỆN LỰC, Ễ Ặ Ợ Ự Ỹ"),
        Row("0123456789", vnd(1_234_567)),
        Cut(),
    ]
    return Document("test-page", tuple(blocks))
