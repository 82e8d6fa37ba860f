"""What a crew reports from the door, and what it sets going.

A result is idempotent by the phone's key: the phone sends every result it typed until it
hears an answer, so the same key again gets the first answer and changes nothing. A done
cut or reconnection writes its supply change to the outbox in the same transaction
(``supply``), so CMIS hears of it exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from qms.domain.errors import BadRequest, Conflict, Forbidden
from qms.domain.field import supply
from qms.domain.field.commands import Report
from qms.domain.field.crews import names
from qms.domain.field.orders import LIVE, NOT_DONE_REASONS, crew_public, get, many, my_crew
from qms.domain.tx import Tx
from qms.storage.models import FieldOrder, FieldRound

#: a phone's clock may run a little fast; a time further ahead is a typing mistake
CLOCK_SLACK = dt.timedelta(minutes=10)
#: a crew's phone keeps showing what it ended this long ago
RECENT = dt.timedelta(hours=16)


def report(tx: Tx, cmd: Report) -> dict[str, Any]:
    """A crew's result for one of its own orders (``field.report``)."""
    crew = my_crew(tx)
    o = get(tx, cmd.order)
    if o.result_key is not None and o.result_key == cmd.key:
        (shown,) = many(tx, [o])
        return {"order": shown, "repeat": True}  # sent again after a lost answer
    if o.crew_id != crew.id:
        raise Forbidden(
            f"order {o.id} is not your crew's", code="not_your_order", order=o.id, crew=crew.code
        )
    taken = tx.session.exec(select(FieldOrder.id).where(FieldOrder.result_key == cmd.key)).first()
    if taken is not None:
        raise Conflict(
            "this result's key was used for another order", code="key_reused", order=taken
        )
    if o.status == "cancelled":
        raise Conflict(
            f"order {o.id} was cancelled ({o.reason}): do not cut; if you already did, "
            "reconnect the supply now",
            code="order_cancelled",
            order=o.id,
            reason=o.reason or "",
        )
    if o.status not in LIVE:
        raise Conflict(
            f"order {o.id} already has a result ({o.status})",
            code="order_has_result",
            order=o.id,
            status=o.status,
        )
    if o.round_id is not None:
        r = tx.session.get(FieldRound, o.round_id)
        if r is not None and r.status == "closed":
            raise Conflict(
                "the round is closed: results are no longer taken",
                code="round_closed",
                day=r.business_day.isoformat(),
            )
    if cmd.at > tx.now + CLOCK_SLACK or cmd.at < tx.now - dt.timedelta(days=3):
        raise BadRequest(
            "the result's time is not plausible: check the phone's clock",
            code="implausible_time",
            field="at",
        )
    if cmd.outcome == "not_done":
        if cmd.reason not in NOT_DONE_REASONS:
            raise BadRequest(
                "say why: " + ", ".join(NOT_DONE_REASONS),
                code="invalid_not_done_reason",
                field="reason",
            )
        if cmd.reason == "paid_on_spot" and not cmd.receipt_no:
            raise BadRequest(
                "paid on the spot: type the receipt number the customer showed",
                code="receipt_no_required",
                field="receipt_no",
            )
    o.status = "done" if cmd.outcome == "done" else "not_done"
    o.reason = cmd.reason if cmd.outcome == "not_done" else None
    o.receipt_no = cmd.receipt_no if cmd.reason == "paid_on_spot" else None
    o.note = cmd.note
    o.done_at, o.result_at, o.result_key = cmd.at, tx.now, cmd.key
    o.done_by = tx.actor.label
    o.version += 1
    tx.session.add(o)
    tx.session.flush()
    if o.status == "done":
        supply.queue(tx, o, tx.actor.label.partition(":")[2])
    (shown,) = many(tx, [o])
    tx.emit("field.order_done", {"order": shown, "crew_id": crew.id})
    return {"order": shown, "repeat": False}


def my_orders(tx: Tx) -> dict[str, Any]:
    """The acting crew's orders still to do, then the ones it ended lately, in route order."""
    crew = my_crew(tx)
    since = tx.now - RECENT
    shown = list(
        tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.crew_id == crew.id,
                col(FieldOrder.status).in_(LIVE)
                | (FieldOrder.business_day == tx.business_day)
                | (col(FieldOrder.result_at) > since),
            )
        ).all()
    )
    shown.sort(key=lambda o: (o.status not in LIVE, o.route_no or 0, o.id or 0))
    return {"crew": crew_public(crew, names(tx)), "orders": many(tx, shown)}
