"""Fixed sample documents (fixed times, fixed data) for the golden tests and the previews,
in the shapes the hall produces: ``ticket_state`` and ``payments.public``."""

from __future__ import annotations

from typing import Any

from printers import documents
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
        "status": "confirmed",
        "receipt_no": "BL-88213377",
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
        {"cashier": "Võ Minh Đức", "counter": "Quầy 1", "payments": 57, "total": 61_204_300},
        {
            "cashier": "Phạm Thị Hồng Nhung",
            "counter": "Quầy 2",
            "payments": 44,
            "total": 48_750_000,
        },
        {"cashier": "Đặng Quốc Việt", "counter": "Quầy 3", "payments": 12, "total": 9_870_500},
        {"cashier": "Lý Thị Mỹ", "counter": "Quầy 4", "payments": 0, "total": 0},
    ],
    "movements": [
        MOVEMENT,
        {
            **MOVEMENT,
            "id": 8,
            "from_cashier": "Đặng Quốc Việt (Quầy 3)",
            "amount": 9_870_500,
            "at": "2026-03-27T10:33:00+00:00",
        },
    ],
}


def all_documents() -> dict[str, Document]:
    """Every document once, by name."""
    paid = {
        **TICKET,
        "customers": [
            {**c, "invoices": [{**i, "pay_status": "paid"} for i in c["invoices"]]}
            for c in TICKET["customers"]
        ],
    }
    docs = [
        documents.ticket(TICKET, branch=BRANCH, follow_url=FOLLOW_URL),
        documents.receipt(
            paid, PAYMENTS, branch=BRANCH, counter="Quầy 2", cashier="Phạm Thị Hồng Nhung", at=AT
        ),
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
    ]
    return {d.name: d for d in docs}
