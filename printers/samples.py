"""Fixed sample documents (fixed times, fixed data) for the golden tests and the previews,
in the shapes the hall produces: ``ticket_state`` and ``payments.public``."""

from __future__ import annotations

import dataclasses
from typing import Any

from printers import documents, field_documents
from printers.layout import Document

BRANCH = "Điện lực Sài Gòn — Phòng thu tiền"
FOLLOW_URL = "https://qms.evnhcmc.example/f/q7KbX2mP9sLd"
AT = "2026-03-27T07:05:09+00:00"  # 14:05 in the hall


def _inv(iid: str, code: str, month: int, total: int, pay: str = "unpaid") -> dict[str, Any]:
    return {
        "invoice_id": iid,
        "customer_code": code,
        "period": f"{month:02d}/2026",
        "total": total,
        "pay_status": pay,
    }


TICKET: dict[str, Any] = {
    "id": 42,
    "number": 1042,
    "issued_at": "2026-03-27T01:47:00+00:00",
    "customers": [
        {
            "code": "PE01000012345",
            "name": "Nguyễn Thị Ánh Tuyết",
            "address": "123/4 Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh",
            "book_code": "PE01A017",
            "supply": "CUT",
            "debts": "fetched",
            "invoices": [
                _inv("HD-2026-01-77", "PE01000012345", 1, 1_234_567),
                _inv("HD-2026-02-77", "PE01000012345", 2, 987_650),
            ],
        },
        {
            "code": "PE01000067890",
            "name": "Trần V*** Đ",
            "address": "45 Lê Lợi, Quận 1",
            "book_code": "PE01B022",
            "supply": "ON",
            "debts": "fetched",
            "invoices": [_inv("HD-2026-02-91", "PE01000067890", 2, 456_000)],
        },
        {
            "code": "PE01000099999",
            "name": "Lê Ngọc Hưởng",
            "address": "7 Hàm Nghi, Quận 1",
            "book_code": "PE01B023",
            "supply": "ON",
            "debts": "pending",
            "invoices": [],
        },
    ],
}

PAYMENTS: list[dict[str, Any]] = [
    {
        "txn_id": "PE0100-20260327-000118",
        "customer_code": "PE01000012345",
        "invoice_ids": ["HD-2026-01-77", "HD-2026-02-77"],
        "total": 2_222_217,
        "counter": "C2",
        "cashier": "thungan2",
        "status": "pending",
        "receipt_no": None,
    },
    {
        "txn_id": "PE0100-20260327-000119",
        "customer_code": "PE01000067890",
        "invoice_ids": ["HD-2026-02-91"],
        "total": 456_000,
        "counter": "C2",
        "cashier": "thungan2",
        "status": "pending",
        "receipt_no": None,
    },
]
#: the same payments once CMIS has confirmed them: what a reprint carries
CONFIRMED: list[dict[str, Any]] = [
    {**PAYMENTS[0], "status": "confirmed", "receipt_no": "BL-88213377"},
    {**PAYMENTS[1], "status": "confirmed", "receipt_no": "BL-88213378"},
]
TENDERED = 2_700_000

MOVEMENT: dict[str, Any] = {
    "id": 7,
    "from_cashier": "Phạm Thị Hồng Nhung (Quầy 2)",
    "to_cashier": "Võ Minh Đức (Quầy 1)",
    "amount": 48_750_000,
    "at": "2026-03-27T10:31:00+00:00",
}

SUMMARY: dict[str, Any] = {
    "day": "2026-03-27",
    "at": "2026-03-27T10:45:00+00:00",
    "cashiers": [
        {
            "cashier": "Võ Minh Đức",
            "counter": "Quầy 1",
            "payments": 57,
            "total": 61_204_000,
            "float": 2_000_000,
            "collected": 61_204_000,
            "given_back": 0,
            "money_in": 58_620_000,
            "money_out": 0,
            "expected": 121_824_000,
            "counted": 121_824_000,
            "difference": 0,
            "approved_by": None,
            "approval_note": None,
        },
        {
            "cashier": "Phạm Thị Hồng Nhung",
            "counter": "Quầy 2",
            "payments": 44,
            "total": 48_750_000,
            "float": 1_000_000,
            "collected": 48_750_000,
            "given_back": 0,
            "money_in": 0,
            "money_out": 48_750_000,
            "expected": 1_000_000,
            "counted": 995_000,
            "difference": -5_000,
            "approved_by": "user:supervisor",
            "approval_note": "Thiếu 5.000 đ, thu ngân đã bù",
        },
        {
            "cashier": "Đặng Quốc Việt",
            "counter": "Quầy 3",
            "payments": 13,
            "total": 9_870_000,
            "float": 1_000_000,
            "collected": 10_020_000,
            "given_back": 150_000,
            "money_in": 0,
            "money_out": 9_870_000,
            "expected": 1_000_000,
            "counted": 1_000_000,
            "difference": 0,
            "approved_by": None,
            "approval_note": None,
        },
        {
            "cashier": "Lý Thị Mỹ",
            "counter": "Quầy 4",
            "payments": 0,
            "total": 0,
            "float": 500_000,
            "collected": 0,
            "given_back": 0,
            "money_in": 0,
            "money_out": 0,
            "expected": 500_000,
            "counted": 500_000,
            "difference": 0,
            "approved_by": None,
            "approval_note": None,
        },
    ],
    "movements": [
        MOVEMENT,
        {
            **MOVEMENT,
            "id": 8,
            "from_cashier": "Đặng Quốc Việt (Quầy 3)",
            "amount": 9_870_000,
            "at": "2026-03-27T10:33:00+00:00",
        },
    ],
    "deposit": {"amount": 119_824_000, "bank": "Vietcombank Sài Gòn", "reference": "NT-0042"},
}

NOTES = (500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000)


def count(**by_note: int) -> list[dict[str, int]]:
    """A count by note as the drawer keeps it: every note, largest first (``n500000=3``)."""
    given = {int(k.removeprefix("n")): v for k, v in by_note.items()}
    return [{"note": n, "count": given.get(n, 0), "amount": n * given.get(n, 0)} for n in NOTES]


#: the head cashier's close and deposit, counted by note
HEAD_COUNT = count(n500000=243, n200000=1, n100000=1, n20000=1, n2000=2)
DEPOSIT_COUNT = count(n500000=239, n200000=1, n100000=1, n20000=1, n2000=2)
SHEET: dict[str, Any] = {
    "kind": "close",
    "day": "2026-03-27",
    "at": "2026-03-27T10:40:00+00:00",
    "cashier": "Võ Minh Đức",
    "counter": "Quầy 1",
    "notes": HEAD_COUNT,
    "total": 121_824_000,
}
DEPOSIT_SHEET: dict[str, Any] = {
    **SHEET,
    "kind": "deposit",
    "notes": DEPOSIT_COUNT,
    "total": 119_824_000,
    "bank": "Vietcombank Sài Gòn",
    "reference": "NT-0042",
}


CREW: dict[str, Any] = {
    "code": "T1",
    "name": "Tổ 1 - Quận 3",
    "members": [
        {"username": "crew1", "full_name": "Lý Văn Cắt"},
        {"username": "crew2", "full_name": "Hồ Thị Đóng"},
    ],
}


def _order(oid: int, code: str, name: str, address: str, book: str, **more: Any) -> dict[str, Any]:
    return {
        "id": oid,
        "kind": "cut",
        "customer_code": code,
        "customer_name": name,
        "address": address,
        "unit": "PE0100",
        "book_code": book,
        "business_day": "2026-12-07",
        **more,
    }


#: a crew's day, listed out of route order as a query might return them
FIELD_ORDERS: list[dict[str, Any]] = [
    _order(19, "PE01000012399", "Trần Văn Bảy", "9 Nguyễn Đình Chiểu, Phường 6, Quận 3",
           "PE0100A013", periods=1, overdue=456_000, oldest_due="2026-11-05", route_no=3),
    _order(17, "PE01000012345", "Nguyễn Thị Ánh Tuyết",
           "123/4 Võ Văn Tần, Phường Võ Thị Sáu, Quận 3, TP. Hồ Chí Minh",
           "PE0100A012", periods=2, overdue=1_234_000, oldest_due="2026-10-25", route_no=1),
    _order(18, "PE01000012367", "Lê Ngọc Hưởng", "45 Lê Quý Đôn, Phường 6, Quận 3",
           "PE0100A012", periods=3, overdue=2_002_089, oldest_due="2026-09-25", route_no=2),
]  # fmt: skip
RECONNECT_ORDER: dict[str, Any] = {
    **FIELD_ORDERS[1],
    "id": 31,
    "kind": "reconnect",
    "paid_at": "2026-12-07T09:12:00+07:00",
    "deadline": "2026-12-08T09:12:00+07:00",
    "payments": ["PE0100-20261207-000042"],
}
FIELD_AT = "2026-12-07T00:35:00+00:00"  # 07:35 in the hall
#: where a paperless branch's customer fetches an e-invoice (docs/einvoice.md)
EINVOICE_URL = "https://hoadon.evnhcmc.vn/tra-cuu?series={series}&number={number}&code={customer}"
#: the first payment's invoices as e-invoices: what a paperless branch's receipt names
EINVOICES = [
    {
        "invoice_id": iid,
        "series": "1K26TSG",
        "number": number,
        "url": EINVOICE_URL.format(series="1K26TSG", number=number, customer="PE01000012345"),
    }
    for iid, number in (("HD-2026-01-77", "00012345"), ("HD-2026-02-77", "00067890"))
]


def all_documents() -> dict[str, Document]:
    """Every document once, by name."""
    paid = {
        **TICKET,
        "customers": [
            {**c, "invoices": [{**i, "pay_status": "paid"} for i in c["invoices"]]}
            for c in TICKET["customers"]
        ],
    }
    # a priority customer's ticket (docs/priority.md): the mark under the number
    priority = documents.ticket(
        {**TICKET, "priority": "elderly"}, branch=BRANCH, follow_url=FOLLOW_URL
    )
    docs = [
        documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL),
        dataclasses.replace(priority, name="ticket-priority"),
        documents.receipt(
            paid,
            PAYMENTS,
            branch=BRANCH,
            counter="Quầy 2",
            cashier="Phạm Thị Hồng Nhung",
            at=AT,
            tendered=TENDERED,
        ),
        documents.receipt(
            paid,
            CONFIRMED,
            branch=BRANCH,
            counter="Quầy 2",
            cashier="Phạm Thị Hồng Nhung",
            at=AT,
            tendered=TENDERED,
            reprint=True,
        ),
        documents.receipt(
            paid,
            PAYMENTS[:1],
            branch=BRANCH,
            counter="Quầy 2",
            cashier="Phạm Thị Hồng Nhung",
            at=AT,
            einvoices=EINVOICES,
        ),
        documents.count_sheet(SHEET, branch=BRANCH),
        documents.count_sheet(DEPOSIT_SHEET, branch=BRANCH),
        documents.money_out_slip(MOVEMENT, branch=BRANCH),
        documents.money_in_slip(MOVEMENT, branch=BRANCH),
        documents.money_out_slip({**MOVEMENT, "void": True}, branch=BRANCH),
        documents.cancellation_slip(
            {**MOVEMENT, "side": "out", "withdrawn_at": "2026-03-27T10:40:00+00:00"},
            branch=BRANCH,
        ),
        documents.reconnection_slip(paid["customers"][0], PAYMENTS, branch=BRANCH, at=AT),
        documents.day_end_summary(SUMMARY, branch=BRANCH),
        documents.test_page("quay-2 (TM-T20II)", "text:tcvn3"),
        field_documents.cut_slip(FIELD_ORDERS[1], CREW, branch=BRANCH, at=FIELD_AT),
        field_documents.reconnection_slip(RECONNECT_ORDER, None, branch=BRANCH, at=FIELD_AT),
        field_documents.crew_list(CREW, FIELD_ORDERS, branch=BRANCH, day="2026-12-07", at=FIELD_AT),
    ]
    return {d.name: d for d in docs}
