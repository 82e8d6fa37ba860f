"""Every status a person sees (on a page, a slip, a CSV or PDF report), by group:
(Vietnamese, English). Programs keep the codes; people read these."""

from __future__ import annotations

STATUSES: dict[str, dict[str, tuple[str, str]]] = {
    "ticket": {
        "waiting": ("Đang chờ", "Waiting"),
    },
    "payment": {
        "pending": ("Đang gửi", "Posting"),
        "confirmed": ("Đã xác nhận", "Confirmed"),
        "refused": ("Bị từ chối", "Refused"),
        "reversal_pending": ("Đang huỷ", "Reversal pending"),
        "reversed": ("Đã huỷ", "Reversed"),
    },
    "print_job": {
        "queued": ("Chờ in", "Waiting to print"),
        "sending": ("Đang in", "Printing"),
        "done": ("Đã in", "Printed"),
        "in_doubt": ("Chưa rõ đã in chưa", "In doubt"),
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
        "REVERT": ("Đã huỷ", "Reversed"),
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
