"""The field crews' papers (issue 25): the cut slip (phiếu cắt điện), the reconnection
slip (phiếu đóng điện) and the crew's list (danh sách cắt điện), pure functions of the
orders and the crew as the API hands them. The A4 PDF (``qms.usecases.field_pdf``) reads
its words and fields from here, so the roll and the sheet say the same thing.

``order``: ``{"id", "kind": "cut" | "reconnect", "customer_code", "customer_name",
"address", "unit", "book_code", "periods", "overdue", "oldest_due", "route_no",
"business_day"}``, and for a reconnection ``"paid_at", "deadline", "payments": [txn]``;
money in integer VND, times ISO with offset. ``crew``: ``{"code", "name", "members":
[{"username", "full_name"}]}``, or None (not assigned yet: blanks to fill by hand).
Names and addresses come from CMIS and may hold any character: they are printed through
``plain`` (no control character reaches the printer), and one the code page lacks is
drawn as an image by the renderer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from printers.documents import Data, Time, header, signatures
from printers.formats import HALL_TZ, local_date, local_time, vnd
from printers.layout import Block, Cut, Document, Feed, Row, Rule, Text, plain
from qms.words.in_words import amount_in_words
from qms.words.statuses import STATUSES

#: (label "tiếng Việt / English", value) as both the roll and the sheet print it
Field = tuple[str, str]

CUT_TITLE = ("PHIẾU CẮT ĐIỆN", "Disconnection order")
RECONNECT_TITLE = ("PHIẾU ĐÓNG ĐIỆN", "Reconnection order")
LIST_TITLE = ("DANH SÁCH CẮT ĐIỆN", "Disconnection list")
REASON: Field = ("Lý do / Reason", "Nợ tiền điện quá hạn")
REASON_EN = "Overdue electricity debt"
PAID_NOTE = (
    "Khách hàng đã thanh toán tiền nợ: đề nghị đóng điện lại.",
    "The debt is paid: restore the supply.",
)
#: what the crew writes by hand at the door
METER_BLANK = ("Số công tơ / Chỉ số khi cắt", "Meter no. / Reading at the cut")
RECONNECT_METER_BLANK = ("Số công tơ / Chỉ số khi đóng", "Meter no. / Reading at reconnection")
DOTS = "................"
CUT_TIME: Field = ("Giờ cắt / Time of cut", "....giờ....phút")
RECONNECT_TIME: Field = ("Giờ đóng điện / Time done", "....giờ....phút")
#: the result column of the list: the letter a crew writes for each outcome, a cut or one
#: of the reasons an order is not done (qms.domain.field.orders.NOT_DONE_REASONS; a test
#: keeps the two in step), read out in the legend with the hall's words for each reason
RESULT_LABEL = "Kết quả / Result"
RESULT_LETTERS = (
    ("C", "cut"),
    ("N", "paid_on_spot"),
    ("V", "absent"),
    ("K", "inaccessible"),
    ("T", "refused"),  # từ chối
    ("S", "wrong_address"),  # sai địa chỉ
)
CUT_WORDS = ("đã cắt", "cut")


def _result_codes() -> tuple[str, str]:
    """The legend printed above the list, Vietnamese then English."""
    reasons = STATUSES["field_reason"]

    def said(outcome: str, lang: int) -> str:
        words = CUT_WORDS[lang] if outcome == "cut" else reasons[outcome][lang]
        return words[0].lower() + words[1:]

    vi = ", ".join(f"{letter} = {said(o, 0)}" for letter, o in RESULT_LETTERS)
    en = ", ".join(f"{letter} {said(o, 1)}" for letter, o in RESULT_LETTERS)
    return f"Kết quả: {vi}.", f"Result: {en}."


RESULT_CODES = _result_codes()
SLIP_SIGNERS = (
    ("NGƯỜI LẬP PHIẾU", "Issued by"),
    ("TỔ CÔNG TÁC", "Crew"),
    ("KHÁCH HÀNG", "Customer"),
)
LIST_SIGNERS = (("NGƯỜI GIAO VIỆC", "Assigned by"), ("TỔ CÔNG TÁC", "Crew"))
SIGN_HERE = "(ký, họ tên)"


def oldest_due(order: Data) -> str:
    """The oldest unpaid due date as dd/mm/yyyy; blank when CMIS gave none."""
    due = order.get("oldest_due")
    return local_date(due) if due else DOTS


def deadline_line(order: Data, tz: str = HALL_TZ) -> str:
    """ "Đóng điện trước: 08/12/2026 09:12": the line a reconnection is judged by."""
    deadline = order.get("deadline")
    return f"Đóng điện trước: {local_time(deadline, tz) if deadline else DOTS}"


def customer_fields(order: Data) -> list[Field]:
    """Who and where: the fields that identify the supply at the door."""
    return [
        ("Mã khách hàng / Customer", plain(order["customer_code"])),
        ("Tên khách hàng / Name", plain(order["customer_name"])),
        ("Địa chỉ / Address", plain(order["address"])),
        ("Mã sổ / Book", plain(order["book_code"])),
    ]


def crew_fields(crew: Data | None) -> list[Field]:
    """The crew and each member; blanks to fill in when no crew is assigned yet."""
    if crew is None:
        return [("Tổ công tác / Crew", DOTS), ("Thành viên / Member", DOTS), ("", DOTS)]
    members = [
        ("Thành viên / Member" if n == 0 else "", _member(m))
        for n, m in enumerate(crew.get("members") or [])
    ]
    return [("Tổ công tác / Crew", plain(f"{crew['code']} - {crew['name']}")), *members]


def _member(m: Data) -> str:
    """ "Lý Văn Cắt (crew1)"; the login alone when the account has no full name."""
    name, login = plain(m.get("full_name")), plain(m.get("username"))
    return f"{name} ({login})" if name and login and name != login else name or login


def route(orders: Iterable[Data]) -> list[tuple[str, list[Data]]]:
    """The orders in route order (``route_no``; unnumbered last, by id), grouped by book:
    each book where its first order falls in the route."""
    ordered = sorted(orders, key=_route_key)
    books: dict[str, list[Data]] = {}
    for o in ordered:
        books.setdefault(plain(o["book_code"]), []).append(o)
    return list(books.items())


def _route_key(o: Data) -> tuple[bool, int, int]:
    return (o.get("route_no") is None, o.get("route_no") or 0, int(o["id"]))


def cut_total(orders: Iterable[Data]) -> int:
    """The overdue money a list of cut orders stands for (reconnections are paid)."""
    return sum(o["overdue"] for o in orders if o["kind"] == "cut")


# --- ESC/POS --------------------------------------------------------------------------------


def _fields(fields: Sequence[Field], wide: Iterable[str] = ()) -> list[Block]:
    """A field a line: a short value flush right, a long one (``wide``) after its label."""
    wide = set(wide)
    return [
        Text(f"{label}: {value}") if label in wide else Row(label, value) for label, value in fields
    ]


WIDE = ("Tên khách hàng / Name", "Địa chỉ / Address")


def _title(branch: str, title: tuple[str, str]) -> list[Block]:
    return [*header(plain(branch), title[0]), Text(title[1], align="center")]


def _order_head(order: Data, at: Time, tz: str) -> list[Block]:
    return [
        Rule(),
        Row("Số phiếu / Order no.", str(order["id"]), bold=True),
        Row("Ngày / Day", local_date(order["business_day"])),
        Row("In lúc / Printed", local_time(at, tz)),
        Rule(),
        *_fields(customer_fields(order), WIDE),
    ]


def _blank(label: tuple[str, str]) -> list[Block]:
    return [Text(f"{label[0]}:", bold=True), Text(label[1]), Feed(), Row(DOTS, DOTS)]


def _three_signers(signers: Sequence[tuple[str, str]]) -> list[Block]:
    """Three signers on a roll: two side by side, the third under them."""
    (a, _), (b, _), (c, _) = signers
    return [
        *signatures(a, b),
        Feed(),
        Text(c, align="center", bold=True),
        Text(SIGN_HERE, align="center"),
        Feed(3),
        Text("..............", align="center"),
    ]


def cut_slip(
    order: Data, crew: Data | None, *, branch: str, at: Time, tz: str = HALL_TZ
) -> Document:
    """Phiếu cắt điện: one customer's order to cut, carried to the door. The debt in
    figures and in words, the oldest due date and the reason; blanks for the meter, its
    reading and the time of the cut; the crew; who signs."""
    overdue = order["overdue"]
    blocks: list[Block] = [
        *_title(branch, CUT_TITLE),
        *_order_head(order, at, tz),
        Rule(),
        Row("Số kỳ nợ / Periods owed", str(order["periods"])),
        Row("Hạn thanh toán cũ nhất / Oldest due", oldest_due(order)),
        Rule(heavy=True),
        Row("TIỀN NỢ QUÁ HẠN / OVERDUE", vnd(overdue), bold=True),
        Rule(heavy=True),
        Text("Bằng chữ / In words:"),
        Text(amount_in_words(overdue) + ".", bold=True),
        Row(*REASON, bold=True),
        Text(f"({REASON_EN})"),
        Rule(),
        *_fields(crew_fields(crew)),
        Rule(),
        *_blank(METER_BLANK),
        Row(*CUT_TIME),
        *_three_signers(SLIP_SIGNERS),
        Cut(),
    ]
    return Document("cut-slip", tuple(blocks))


def reconnection_slip(
    order: Data, crew: Data | None, *, branch: str, at: Time, tz: str = HALL_TZ
) -> Document:
    """Phiếu đóng điện: a cut customer has paid, restore the supply before the deadline.
    When the debt was paid and by which transactions, the deadline in large print, the
    crew (blanks when none is assigned yet), the meter and time blanks, who signs."""
    paid = order["overdue"]
    payments = order.get("payments") or []
    paid_at = local_time(order["paid_at"], tz) if order.get("paid_at") else DOTS
    blocks: list[Block] = [
        *_title(branch, RECONNECT_TITLE),
        *_order_head(order, at, tz),
        Rule(),
        Text(PAID_NOTE[0], bold=True),
        Text(PAID_NOTE[1]),
        Row("Số tiền đã nộp / Paid", vnd(paid), bold=True),
        Text(f"Bằng chữ / In words: {amount_in_words(paid)}."),
        Row("Nộp lúc / Paid at", paid_at),
        *(Row("Mã giao dịch / Txn", plain(txn)) for txn in payments),
        Rule(heavy=True),
        Text(deadline_line(order, tz), align="center", bold=True, height=2),
        Text("Reconnect by", align="center"),
        Rule(heavy=True),
        *_fields(crew_fields(crew)),
        Rule(),
        *_blank(RECONNECT_METER_BLANK),
        Row(*RECONNECT_TIME),
        *_three_signers(SLIP_SIGNERS),
        Cut(),
    ]
    return Document("reconnect-slip", tuple(blocks))


def crew_list(
    crew: Data | None,
    orders: Sequence[Data],
    *,
    branch: str,
    day: str,
    at: Time,
    tz: str = HALL_TZ,
) -> Document:
    """Danh sách cắt điện: the crew's day in route order, book by book, each order with
    its number (the one on its slip), customer, debt and a blank for the result; the
    count and the overdue total, in words; who gave the list and the crew sign it."""
    blocks: list[Block] = [
        *_title(branch, LIST_TITLE),
        Rule(),
        Row("Ngày / Day", local_date(day)),
        Row("In lúc / Printed", local_time(at, tz)),
        *_fields(crew_fields(crew)),
        Text(RESULT_CODES[0]),
        Text(RESULT_CODES[1]),
        Rule(heavy=True),
    ]
    n = 0
    for b, (book, mine) in enumerate(route(orders)):
        blocks += [*([Rule()] if b else []), Text(f"Sổ / Book {book} ({len(mine)})", bold=True)]
        for o in mine:
            n += 1
            blocks += _list_entry(n, o, tz)
        blocks.append(Row("  Cộng sổ / Book total", vnd(cut_total(mine))))
    cuts = sum(1 for o in orders if o["kind"] == "cut")
    total = cut_total(orders)
    blocks += [
        Rule(heavy=True),
        Row(f"TỔNG CỘNG / TOTAL: {cuts} phiếu cắt", vnd(total), bold=True),
        *(
            [Row("Phiếu đóng điện / Reconnections", str(len(orders) - cuts))]
            if len(orders) > cuts
            else []
        ),
        Text(f"Bằng chữ / In words: {amount_in_words(total)}."),
        Rule(heavy=True),
        *signatures(*(vi for vi, _ in LIST_SIGNERS)),
        Cut(),
    ]
    return Document("crew-list", tuple(blocks))


def _list_entry(n: int, o: Data, tz: str) -> list[Block]:
    if o["kind"] == "reconnect":
        what = [Text(f"   {deadline_line(o, tz)}", bold=True)]
        money = f"đã nộp {vnd(o['overdue'])}"
    else:
        what = [Text(f"   {o['periods']} kỳ nợ, hạn cũ nhất {oldest_due(o)}")]
        money = vnd(o["overdue"])
    return [
        Row(f"{n}. {plain(o['customer_code'])} (phiếu {o['id']})", money, bold=True),
        Text(f"   {plain(o['customer_name'])}"),
        Text(f"   {plain(o['address'])}"),
        *what,
        Row(f"   {RESULT_LABEL}", DOTS),
    ]
