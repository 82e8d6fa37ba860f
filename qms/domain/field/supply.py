"""Supply changes reported to CMIS: written in the transaction of the crew's result (the
outbox, like payments), moved forward by ``qms.workers.supply_poster``.

What CMIS answers is kept here too: posted; or refused with ``061`` (the customer had
nothing overdue: they paid meanwhile, so a supply cut in the field is owed back at once),
``062`` (a reconnection while CMIS still sees an overdue invoice: shown to the supervisor
with the invoices concerned)."""

from __future__ import annotations

import json
from typing import Any

from qms.domain.clock import iso
from qms.domain.errors import Conflict, NotFound
from qms.domain.field import reconnect
from qms.domain.field.commands import RetrySupply
from qms.domain.field.orders import many
from qms.domain.tx import Tx
from qms.storage.models import FieldOrder, SupplyChange

CUT, CONNECTED = "CUT", "CONNECTED"
REASON = {"cut": "Nợ tiền điện quá hạn", "reconnect": "Đã thanh toán nợ, đóng điện lại"}


def queue(tx: Tx, order: FieldOrder, staff: str) -> SupplyChange:
    """The outbox row of a done order; its key is the order's, so it is written once."""
    change = SupplyChange(
        branch_id=tx.branch_id,
        order_id=order.id or 0,
        key=f"{tx.branch_id}-F{order.id}",
        customer_code=order.customer_code,
        supply=CUT if order.kind == "cut" else CONNECTED,
        at=order.done_at or tx.now,
        staff=staff,
        reason=REASON[order.kind],
    )
    tx.session.add(change)
    tx.session.flush()
    return change


def public(c: SupplyChange) -> dict[str, Any]:
    return {
        "id": c.id,
        "order_id": c.order_id,
        "customer_code": c.customer_code,
        "supply": c.supply,
        "at": iso(c.at),
        "staff": c.staff,
        "status": c.status,
        "attempts": c.attempts,
        "error_code": c.error_code,
        "last_error": c.last_error,
        "posted_at": iso(c.posted_at),
    }


def posted(tx: Tx, change: SupplyChange) -> None:
    change.status, change.posted_at, change.last_error = "posted", tx.now, None
    tx.session.add(change)
    tx.emit("field.supply_posted", {"change": public(change)})


def in_doubt(tx: Tx, change: SupplyChange, message: str) -> None:
    """No usable answer: CMIS may have made the change or not. It is sent again (safe:
    idempotent on both versions); the board sees it waiting."""
    change.last_error = message[:300]
    tx.session.add(change)
    tx.emit("field.supply_in_doubt", {"change": public(change)})


def refused(
    tx: Tx, change: SupplyChange, code: str, message: str, invoices: list[dict[str, Any]]
) -> None:
    """CMIS said no: final until a person sends it again (``retry``)."""
    change.status, change.error_code, change.last_error = "refused", code, message[:300]
    tx.session.add(change)
    order = tx.session.get(FieldOrder, change.order_id)
    if order is not None:
        order.cmis_error = json.dumps({"code": code, "invoices": invoices}, ensure_ascii=False)
        tx.session.add(order)
        if code == "061" and order.kind == "cut":
            # cut in the field, but CMIS saw nothing overdue: they paid meanwhile; the
            # supply is owed back now
            reconnect.create(tx, order, paid_at=tx.now, payments=[], cause="paid_meanwhile")
    tx.session.flush()
    shown = many(tx, [order]) if order is not None else []
    tx.emit("field.supply_refused", {"change": public(change), "orders": shown})


def retry(tx: Tx, cmd: RetrySupply) -> dict[str, Any]:
    change = tx.session.get(SupplyChange, cmd.id)
    if change is None or change.branch_id != tx.branch_id:
        raise NotFound(f"no supply change {cmd.id}", code="unknown_supply_change", id=cmd.id)
    if change.status != "refused":
        raise Conflict(
            f"supply change {cmd.id} is {change.status}: nothing to send again",
            code="supply_not_refused",
            id=cmd.id,
            status=change.status,
        )
    change.status, change.error_code, change.next_attempt_at = "pending", None, None
    tx.session.add(change)
    order = tx.session.get(FieldOrder, change.order_id)
    if order is not None:
        order.cmis_error = None
        tx.session.add(order)
    tx.emit("field.supply_retried", {"change": public(change)})
    return public(change)
