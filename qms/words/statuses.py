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
}
