"""The hall's printed documents, each a pure function of plain values (the dicts the hall
already has: ``qms.domain.ticket_view.ticket_state``, ``qms.domain.payments.public``), returning a
``Document`` that any renderer can print. Labels are Vietnamese: the paper is for the
hall's customers and staff. Names are printed as given: the caller masks them or not."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from printers.formats import HALL_TZ, local_date, local_time, vnd
from printers.layout import QR, Block, Cut, Document, Feed, Row, Rule, Text
from printers.vietnamese import TONES, VOWELS
from qms.words.in_words import amount_in_words
from qms.words.statuses import STATUSES

Data = Mapping[str, Any]
Time = str | dt.datetime


def header(branch: str, title: str) -> list[Block]:
    """The branch, then the document's title, large: every paper starts so."""
    return [
        Text(branch, align="center", bold=True),
        Text(title, align="center", bold=True, height=2),
    ]


def _unpaid(customer: Data) -> list[Data]:
    return [i for i in customer.get("invoices", []) if i.get("pay_status", "unpaid") == "unpaid"]


def signatures(left: str, right: str, left_name: str = "", right_name: str = "") -> list[Block]:
    """Two signers side by side, room to sign, and their names when known."""
    return [
        Feed(),
        Row(left, right, bold=True),
        Row("(ký, họ tên)", "(ký, họ tên)"),
        Feed(3),
        Row("..............", ".............."),
        *([Row(left_name, right_name)] if left_name or right_name else []),
    ]


#: a priority customer's ticket (docs/priority.md): the mark under the number, and the kind
PRIORITY_MARK = "ƯU TIÊN"


def priority_lines(kind: str | None) -> list[Block]:
    """The priority mark of a ticket, large, then its kind in both languages (none for a
    normal ticket): the customer shows it, staff see why the number came early."""
    if not kind:
        return []
    vi, en = STATUSES["priority"].get(kind, (kind, kind))
    return [
        Text(PRIORITY_MARK, align="center", bold=True, width=2, height=2),
        Text(f"PRIORITY: {vi} / {en}", align="center", bold=True),
    ]


#: the ticket's VietQR, above the code: the customer pays from a bank app while waiting
PAY_NOW = ("Quét mã để thanh toán ngay, không cần chờ", "Scan to pay now, no need to wait")


def ticket(
    state: Data, *, branch: str, follow_url: str, tz: str = HALL_TZ, pay: Data | None = None
) -> Document:
    """The queue ticket: the number, very large; every customer on it with each unpaid
    invoice; the total to bring; with ``pay`` (``{"payload", "amount"}``: the ticket's own
    VietQR), a QR any bank app pays the whole ticket with; a QR code to follow the ticket
    on a phone. A priority customer's ticket is marked under its number."""
    blocks: list[Block] = [
        Text(branch, align="center", bold=True),
        Text("SỐ THỨ TỰ", align="center"),
        Text(str(state["number"]), align="center", bold=True, width=6, height=6),
        *priority_lines(state.get("priority")),
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
    ]
    if pay:
        blocks += [
            Text(PAY_NOW[0], align="center", bold=True),
            Text(PAY_NOW[1], align="center"),
            Row("Chuyển khoản VietQR / Amount", vnd(pay["amount"]), bold=True),
            QR(pay["payload"]),
            Rule(),
        ]
    blocks += [
        QR(follow_url),
        Text("Quét mã để theo dõi lượt của quý khách", align="center"),
        Text("Vui lòng chờ gọi số", align="center"),
        Cut(),
    ]
    return Document("ticket", tuple(blocks))


COPY_BANNER = "BẢN SAO / COPY"
BY_QR = "Chuyển khoản VietQR"
UNCONFIRMED = "Chưa được CMIS xác nhận / Not yet confirmed by CMIS"
#: a payment undone since: its reprint says so beside the amount
UNDONE = {
    "reversed": "ĐÃ HUỶ THANH TOÁN / PAYMENT REVERSED",
    "refused": "CMIS TỪ CHỐI, ĐÃ TRẢ LẠI TIỀN / REFUSED BY CMIS, MONEY GIVEN BACK",
}


def receipt(
    ticket_state: Data,
    payments: Sequence[Data],
    *,
    branch: str,
    counter: str,
    cashier: str,
    at: Time,
    tz: str = HALL_TZ,
    tendered: int | None = None,
    reprint: bool = False,
    reprinted_at: Time | None = None,
    einvoices: Sequence[Data] = (),
) -> Document:
    """The receipt after F4, and its reprint: what was paid, invoice by invoice; who took
    it (``cashier``: the full name); what the customer gave and the change; CMIS's receipt
    number for each payment CMIS has confirmed, and for one not yet confirmed a line that
    says so (a reprint after confirmation carries the number). ``reprint`` marks it a copy,
    so two papers for one payment never both look like the original; ``reprinted_at`` says
    under the mark when the copy was made. ``einvoices`` (a branch without paper:
    ``qms.domain.einvoice.on_receipt``) names each paid invoice's e-invoice, its series,
    number and the QR of the URL where the customer fetches it."""
    invoices = {
        i["invoice_id"]: i for c in ticket_state["customers"] for i in c.get("invoices", [])
    }
    names = {c["code"]: c["name"] for c in ticket_state["customers"]}
    electronic = {e["invoice_id"]: e for e in einvoices}
    copy = [Text(COPY_BANNER, align="center", bold=True, width=2, height=2)] if reprint else []
    when = (
        [Text(f"In lại lúc {local_time(reprinted_at, tz)} / Reprinted", align="center")]
        if reprint and reprinted_at
        else []
    )
    blocks = [
        *header(branch, "BIÊN NHẬN THU TIỀN ĐIỆN"),
        Text("Electricity payment receipt", align="center"),
        *copy,
        *when,
        Rule(),
        Row("Số thứ tự / Ticket", str(ticket_state["number"])),
        Row("Quầy / Counter", counter),
        Row("Thu ngân / Cashier", cashier),
        Row("Thời gian / Time", local_time(at, tz)),
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
            if invoice_id in electronic:
                blocks += _einvoice(electronic[invoice_id])
        if len(payments) > 1:
            blocks.append(Row("  Cộng / Subtotal", vnd(p["total"])))
        if p.get("receipt_no"):
            blocks.append(Row("  Số biên lai CMIS / Receipt", p["receipt_no"], bold=True))
        elif p.get("status") not in UNDONE:
            blocks.append(Text(f"  {UNCONFIRMED}"))
        if p.get("status") in UNDONE:  # a reprint after it: the paper must say so
            blocks.append(Text(f"  {UNDONE[p['status']]}", bold=True))
        blocks.append(Row("  Mã giao dịch / Txn", p["txn_id"]))
        if p.get("bank_txn"):  # paid by VietQR: the bank's id finds the transfer
            blocks.append(Row("  Mã GD ngân hàng / Bank txn", p["bank_txn"]))
    total = sum(p["total"] for p in payments)
    blocks += [
        Rule(heavy=True),
        Row("TỔNG ĐÃ THU / TOTAL PAID", vnd(total), bold=True),
    ]
    if payments and all(p.get("method", "cash") == "vietqr" for p in payments):
        blocks.append(Row("Hình thức / Paid by", BY_QR, bold=True))  # no cash given, no change
    elif tendered is not None:
        blocks += [
            Row("Khách đưa / Tendered", vnd(tendered)),
            Row("Tiền thối lại / Change", vnd(tendered - total), bold=True),
        ]
    if any(not p.get("receipt_no") and p.get("status") not in UNDONE for p in payments):
        blocks += [
            Rule(),
            Text("In trước khi CMIS xác nhận: bản in lại sau khi xác nhận có số biên lai CMIS.",
                 align="center"),
            Text("Printed before CMIS confirmed: a reprint after it carries CMIS's receipt "
                 "number.", align="center"),
        ]  # fmt: skip
    blocks += [
        *copy,
        Feed(),
        Text("Cảm ơn quý khách! / Thank you!", align="center"),
        Cut(),
    ]
    name = "receipt-copy" if reprint else "receipt-einvoice" if einvoices else "receipt"
    return Document(name, tuple(blocks))


def _einvoice(e: Data) -> list[Block]:
    """One e-invoice on a receipt: its series and number, and the QR to fetch it."""
    return [
        Text("    Hoá đơn điện tử / E-invoice"),
        Row("    Ký hiệu / Series", e["series"]),
        Row("    Số / Number", e["number"]),
        QR(e["url"], module=4),
        Text("Quét mã để tra cứu hoá đơn điện tử / Scan to get the e-invoice", align="center"),
    ]


COUNT_TITLES = {
    "close": ("Kết ca thu ngân / Drawer close", "NGƯỜI NỘP", "NGƯỜI KIỂM"),
    "deposit": ("Nộp ngân hàng / Bank deposit", "THỦ QUỸ", "KẾ TOÁN"),
}


def count_sheet(sheet: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """Bảng kê các loại tiền: cash counted note by note, as a Vietnamese cash desk writes
    it, each note's amount, the total and the total in words; signed by who counted and
    who checked. ``sheet``: ``{"kind": "close" | "deposit", "day", "at", "cashier",
    "counter", "notes": [{"note", "count", "amount"}], "total", "bank"?, "reference"?}``."""
    what, left, right = COUNT_TITLES[sheet["kind"]]
    blocks: list[Block] = [
        *header(branch, "BẢNG KÊ CÁC LOẠI TIỀN"),
        Text("Cash count by note", align="center"),
        Text(what, align="center", bold=True),
        Rule(),
        Row("Ngày / Day", local_date(sheet["day"])),
        Row("Lập lúc / At", local_time(sheet["at"], tz)),
        Row("Thu ngân / Cashier", sheet["cashier"]),
        Row("Quầy / Counter", sheet["counter"]),
    ]
    if sheet["kind"] == "deposit":
        blocks += [
            Row("Ngân hàng / Bank", sheet["bank"]),
            Row("Số phiếu nộp / Slip no.", sheet["reference"]),
        ]
    blocks += [Rule(), Row("Mệnh giá x Số tờ / Note x Count", "Thành tiền", bold=True), Rule()]
    for n in sheet["notes"]:
        blocks.append(Row(f"{vnd(n['note']):>11} x {n['count']}", vnd(n["amount"])))
    blocks += [
        Rule(heavy=True),
        Row("TỔNG CỘNG / TOTAL", vnd(sheet["total"]), bold=True),
        Rule(heavy=True),
        Text("Bằng chữ / In words:"),
        Text(amount_in_words(sheet["total"]) + ".", bold=True),
        *signatures(left, right, sheet["cashier"]),
        Cut(),
    ]
    return Document(f"count-{sheet['kind']}", tuple(blocks))


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
        *header(branch, title),
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
        *signatures("BÊN GIAO", "BÊN NHẬN", movement["from_cashier"], movement["to_cashier"]),
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
        *header(branch, "PHIẾU HUỶ / CANCELLATION"),
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
        *signatures("BÊN GIAO", "BÊN NHẬN", movement["from_cashier"], movement["to_cashier"]),
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
        *header(branch, "PHIẾU ĐÓNG CẮT ĐIỆN"),
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
        *signatures("NGƯỜI LẬP PHIẾU", "NGƯỜI ĐÓNG ĐIỆN"),
        Cut(),
    ]
    return Document("reconnection", tuple(blocks))


def _signed(amount: int) -> str:
    return ("+" if amount > 0 else "") + vnd(amount)


def _less(amount: int) -> str:
    return vnd(-amount)


#: a drawer's figures on the day-end slip, in the order they add up
DRAWER_LINES = (
    ("float", "Quỹ đầu ngày / Float", vnd),
    ("collected", "Đã thu / Collected", _signed),
    ("given_back", "Trả lại khách / Given back", _less),
    ("money_in", "Nhận của thu ngân / Money in", _signed),
    ("money_out", "Giao cho thu ngân / Money out", _less),
)


def _drawer_lines(c: Data) -> list[Block]:
    """One drawer adding up: float + collected − given back + in − out = expected;
    expected ± the approved difference = counted."""
    out: list[Block] = []
    for key, label, shown in DRAWER_LINES:
        if c[key] or key in ("float", "collected"):
            label = f"{label} ({c['payments']})" if key == "collected" else label
            out.append(Row(f"  {label}", shown(c[key])))
    out.append(Row("  = Phải có / Expected", vnd(c["expected"]), bold=True))
    if c.get("difference"):
        out.append(Row("  Chênh lệch / Difference", _signed(c["difference"])))
        if c.get("approved_by"):
            who = c["approved_by"].split(":", 1)[-1]
            out.append(Text(f"    Đã duyệt / Approved: {who}: {c.get('approval_note') or ''}"))
    out.append(Row("  = Thực đếm / Counted", vnd(c["counted"]), bold=True))
    if c.get("noncash_payments"):  # beside the drawer, never in it: the money is at the bank
        label = f"  VietQR, ngoài két / not in drawer ({c['noncash_payments']})"
        out.append(Row(label, vnd(c["noncash"])))
    return out


def _noncash_lines(noncash: Data, cash: int) -> list[Block]:
    """The day's VietQR: per cashier who showed the QR and the QRs paid while waiting,
    its total, the bank statement's lines (matched, cleared, any still unmatched) and the
    credits decided by hand; then cash and VietQR together."""
    out: list[Block] = [Rule(), Text("VIETQR (KHÔNG TIỀN MẶT) / NON-CASH", bold=True)]
    for r in noncash["cashiers"]:
        counter = f" ({r['counter']})" if r.get("counter") else ""
        out.append(Text(f"{r['name']}{counter}"))
        out.append(Row(f"  {r['payments']} giao dịch / payments", vnd(r["total"])))
        if r["given_back"]:
            out.append(Row("  trong đó trả lại / given back", _less(r["given_back"])))
    if not noncash["cashiers"]:
        out.append(Text("  (không có / none)"))
    total = f"Tổng VietQR / Non-cash ({noncash['payments']})"
    out.append(Row(total, vnd(noncash["total"]), bold=True))
    st, cr = noncash["statement"], noncash["credits"]
    out += [
        Text("Sao kê ngân hàng / Bank statement", bold=True),
        Row(f"  Khớp / Matched ({st['matched']})", vnd(st["matched_total"])),
        Row(f"  Đã giải trình / Cleared ({st['cleared']})", vnd(st["cleared_total"])),
    ]
    if st["unmatched"]:
        out.append(Row(f"  Chưa khớp / Unmatched ({st['unmatched']})", vnd(st["unmatched_total"])))
    if cr["resolved"]:
        label = f"  Ngoại lệ đã xử lý / Exceptions ({cr['resolved']})"
        out.append(Row(label, vnd(cr["resolved_total"])))
    out += [
        Rule(heavy=True),
        Row("TỔNG THU / ALL TAKINGS", vnd(cash + noncash["total"]), bold=True),
        Row("  Tiền mặt / Cash", vnd(cash)),
        Row("  VietQR / Non-cash", vnd(noncash["total"])),
    ]
    return out


def day_end_summary(summary: Data, *, branch: str, tz: str = HALL_TZ) -> Document:
    """The head cashier's day end, adding up on paper: for each drawer its float, what it
    collected and gave back, the money moved to and from colleagues, what it should hold,
    the approved difference and what was counted; the same for the hall; then the bank
    deposit and the cash kept (counted − deposit), and every money movement.

    ``summary``: ``{"day", "at", "cashiers": [{"cashier", "counter", "payments", "total",
    "float", "collected", "given_back", "money_in", "money_out", "expected", "counted",
    "difference", "approved_by", "approval_note", "noncash_payments", "noncash"}],
    "movements": [{"from_cashier", "to_cashier", "amount", "at"}], "deposit": {"amount",
    "bank", "reference"}, "noncash": qms.domain.bank.takings.day}``. A summary of a day
    closed before drawers were itemised (no ``counted``) prints each cashier's count and
    total only; one closed before VietQR (no ``noncash``) prints no non-cash part."""
    cashiers: Sequence[Data] = summary["cashiers"]
    movements: Sequence[Data] = summary.get("movements", [])
    itemised = all("counted" in c for c in cashiers)
    noncash: Data | None = summary.get("noncash")
    blocks: list[Block] = [
        *header(branch, "BÁO CÁO THU TIỀN CUỐI NGÀY"),
        Text("Day-end cash report", align="center"),
        Rule(),
        Row("Ngày / Day", local_date(summary["day"])),
        Row("In lúc / Printed", local_time(summary["at"], tz)),
        Rule(),
        Text("THEO THU NGÂN / BY CASHIER", bold=True),
    ]
    count = total = 0
    for c in cashiers:
        counter = f" ({c['counter']})" if c.get("counter") else ""
        blocks.append(Text(f"{c['cashier']}{counter}", bold=itemised))
        if itemised:
            blocks += _drawer_lines(c)
        else:
            blocks.append(Row(f"  {c['payments']} giao dịch", vnd(c["total"])))
        count += c["payments"]
        total += c["total"]
    blocks += [Rule(heavy=True)]
    if itemised:
        sums = {k: sum(c[k] or 0 for c in cashiers) for k in (
            "float", "collected", "given_back", "money_in", "money_out", "expected",
            "difference", "counted",
        )}  # fmt: skip
        blocks += [
            Text("TỔNG CỘNG / HALL TOTAL", bold=True),
            Row("  Quỹ đầu ngày / Floats", vnd(sums["float"])),
            Row(f"  Đã thu / Collected ({count})", _signed(sums["collected"])),
            Row("  Trả lại khách / Given back", _less(sums["given_back"])),
            Row("  Giao nhận giữa thu ngân / Moved", _signed(sums["money_in"] - sums["money_out"])),
            Row("  = Phải có / Expected", vnd(sums["expected"]), bold=True),
            Row("  Chênh lệch đã duyệt / Approved", _signed(sums["difference"])),
            Row("  = Thực đếm / Counted", vnd(sums["counted"]), bold=True),
            Row(
                "Thu tiền mặt / Cash takings" if noncash else "Thu trong ngày / Takings",
                vnd(total),
                bold=True,
            ),
        ]
    else:
        blocks.append(Row(f"TỔNG CỘNG ({count} giao dịch)", vnd(total), bold=True))
    if noncash:
        blocks += _noncash_lines(noncash, total)
    deposit = summary.get("deposit")
    if deposit:
        blocks += [
            Rule(),
            Text("NỘP NGÂN HÀNG / BANK DEPOSIT", bold=True),
            Text(f"  {deposit['bank']}"),
            Row(f"  Số phiếu {deposit['reference']}", vnd(deposit["amount"]), bold=True),
            Text(f"  Bằng chữ: {amount_in_words(deposit['amount'])}."),
        ]
        if itemised:
            kept = sums["counted"] - deposit["amount"]
            blocks.append(Row("  Tiền mặt giữ lại / Cash kept", vnd(kept)))
    blocks += [Rule(), Text("BÀN GIAO TIỀN GIỮA THU NGÂN / MOVEMENTS", bold=True)]
    for m in movements:
        blocks += [
            Text(f"{m['from_cashier']} giao {m['to_cashier']}"),
            Row(f"  {local_time(m['at'], tz)}", vnd(m["amount"])),
        ]
    if not movements:
        blocks.append(Text("  (không có / none)"))
    blocks += [Rule(), *signatures("NGƯỜI LẬP", "KẾ TOÁN"), Cut()]
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
