"""The day's messages to customers' phones, for the supervisor (docs/notify.md): what was
sent, what waits, what failed and why. The number is shown masked, and not at all once
erased."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, select

from qms.domain import notices
from qms.domain.clock import iso
from qms.storage.models import OutMessage
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall


def of_day(session: Session, branch_id: str, day: dt.date) -> dict[str, Any]:
    rows = session.exec(
        select(OutMessage)
        .where(OutMessage.branch_id == branch_id, OutMessage.business_day == day)
        .order_by(col(OutMessage.id))
    ).all()
    counts = dict.fromkeys(notices.STATUSES, 0)
    out = []
    for m in rows:
        counts[m.status] = counts.get(m.status, 0) + 1
        out.append(
            {
                "number": json.loads(m.params).get("number"),
                "kind": m.kind,
                "channel": m.channel,
                "phone": notices.masked(m.phone),
                "status": m.status,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "created_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
            }
        )
    return {"branch": branch_id, "date": day.isoformat(), "counts": counts, "messages": out}


async def listing(hall: Hall, who: Principal, day: dt.date | None) -> dict[str, Any]:
    require(who, "notify.read")
    day = day or hall.clock.business_day()
    return await hall.read(of_day, who.branch_id, day)
