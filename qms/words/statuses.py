"""Every status a person sees (on a page, a slip, a CSV or PDF report), by group:
(Vietnamese, English). Programs keep the codes; people read these."""

from __future__ import annotations

STATUSES: dict[str, dict[str, tuple[str, str]]] = {
    "ticket": {
        "waiting": ("Đang chờ", "Waiting"),
    },
    "payment": {
        "pending": ("Chờ CMIS", "Waiting for CMIS"),
        "confirmed": ("Đã xác nhận", "Confirmed"),
        "refused": ("CMIS từ chối", "Refused by CMIS"),
        "reversal_pending": ("Chờ hủy", "Reversal waiting"),
        "reversed": ("Đã hủy", "Reversed"),
    },
    "drawer": {
        "open": ("Đang mở", "Open"),
        "pending_approval": ("Chờ duyệt chênh lệch", "Awaiting approval"),
        "closed": ("Đã đóng", "Closed"),
    },
    "movement": {
        "hanging": ("Đang treo", "Hanging"),
        "mismatch": ("Lệch số tiền", "Mismatch"),
        "matched": ("Đã khớp", "Matched"),
        "cancelled": ("Đã huỷ", "Cancelled"),
    },
    "return_reason": {
        "not_enough_money": ("Khách không đủ tiền", "Not enough money"),
        "fewer_periods": ("Khách trả ít kỳ hơn", "Paid fewer periods"),
        "customer_left": ("Khách bỏ về", "Customer left"),
        "paid_elsewhere": ("Đã thanh toán nơi khác", "Paid elsewhere"),
        "other": ("Lý do khác", "Other"),
    },
    "reconciliation_item": {
        "only_ours": ("Chỉ có ở quầy", "Only at the hall"),
        "only_cmis": ("Chỉ có ở CMIS", "Only in CMIS"),
        "amount_differs": ("Lệch số tiền/trạng thái", "Amount or state differs"),
    },
    "cmis_state": {
        "BILLING": ("Đã ghi nhận", "Booked"),
        "REVERT": ("Đã hủy", "Reversed"),
        "NOT_FOUND": ("Không có", "Not found"),
        "IN_DOUBT": ("Chưa rõ", "In doubt"),
    },
    "lookup_counter": {
        "even": ("Tra cứu chẵn", "Even lookup"),
        "odd": ("Tra cứu lẻ", "Odd lookup"),
    },
    "role": {
        "cashier": ("Thu ngân", "Cashier"),
        "head_cashier": ("Thủ quỹ", "Head cashier"),
    },
    "yes_no": {
        "true": ("Có", "Yes"),
        "false": ("Không", "No"),
    },
}
