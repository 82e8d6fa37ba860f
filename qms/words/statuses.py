"""Every status a person sees (on a page, a slip, a CSV or PDF report), by group:
(Vietnamese, English). Programs keep the codes; people read these."""

from __future__ import annotations

STATUSES: dict[str, dict[str, tuple[str, str]]] = {
    "ticket": {
        "waiting": ("Đang chờ", "Waiting"),
    },
}
