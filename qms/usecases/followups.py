"""What an event sets going besides the screens, in one table each: the paper and light
it queues in the change's own transaction, and the background worker it wakes once
committed. A rule only emits its events; the use case layer runs these after the rule,
so nothing happens behind ``Tx.emit``'s back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from qms.devices import jobs
from qms.domain.events import EventRecord
from qms.domain.tx import Tx

#: event kind -> the print or LED job it queues (when the branch has the device)
PAPER_AND_LIGHT: dict[str, Callable[[Tx, dict[str, Any]], None]] = {
    "ticket.issued": jobs.ticket_printed,
    "ticket.called": jobs.number_lit,
    "ticket.recalled": jobs.number_lit,
    "ticket.transferred": jobs.number_lit,
    "payment.collected": jobs.receipt_printed,
    "receipt.reprinted": jobs.receipt_printed,
    "movement.declared": jobs.money_slip,
    "movement.withdrawn": jobs.cancel_slip,
    "day.closed": jobs.day_end,
    "drawer.closed": jobs.count_sheets,
    "field.reconnect_created": jobs.reconnection_ordered,
}

#: event kind -> the worker to wake after commit, when the event asks for it
WAKES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "payment.collected": ("poster", lambda data: True),
    "payment.reversal_requested": ("poster", lambda data: True),
    "ticket.issued": ("debts", lambda data: bool(data["ticket"].get("debts_pending"))),
    # a done cut or reconnection is reported to CMIS; a reconnection waits for the
    # customer's payment to be confirmed first
    "field.order_done": ("supply", lambda data: data["order"]["status"] == "done"),
    "field.supply_retried": ("supply", lambda data: True),
    "payment.confirmed": ("supply", lambda data: True),
    "notice.queued": ("notifier", lambda data: True),  # "your turn is near" (docs/notify.md)
}
#: the device worker: an event that may have queued a job (``device.job``: for an agent)
DEVICE_KINDS = frozenset({*PAPER_AND_LIGHT, "device.job"})


def queue_paper_and_light(tx: Tx) -> None:
    """Queue the jobs of the events the change emitted so far, in the same transaction."""
    for ev in list(tx.emitted):
        if follow := PAPER_AND_LIGHT.get(ev.type):
            follow(tx, ev.data)


def workers_to_wake(emitted: Iterable[EventRecord]) -> set[str]:
    """Which workers (``poster``, ``debts``, ``devices``) these committed events wake."""
    out: set[str] = set()
    for ev in emitted:
        if ev.type in DEVICE_KINDS:
            out.add("devices")
        wake = WAKES.get(ev.type)
        if wake is not None and wake[1](ev.data):
            out.add(wake[0])
    return out
