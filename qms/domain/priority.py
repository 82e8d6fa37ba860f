"""Priority customers (docs/priority.md): who may be marked, the call order that serves
them first, and the fairness bound that keeps normal tickets moving.

Elderly, disabled, pregnant or with a small child: a kiosk button or a reception mark.
``call_next`` takes the lowest waiting priority ticket first, but after
``priority_max_in_row`` priority calls in a row the next call goes to a normal ticket if
one waits: no normal ticket waits through more than that many priority calls in a row.
The count lives in ``CallStreak`` and moves with every call, in the call's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, update
from sqlmodel import Session

from qms.domain.errors import BadRequest, Conflict
from qms.domain.tx import Tx
from qms.storage import sequences
from qms.storage.models import CallStreak, Ticket

#: the kinds a ticket may be marked with; the words are in qms/words (status group)
KINDS = ("elderly", "disabled", "pregnant", "child")


def check_kind(value: object) -> str | None:
    """None, or one of :data:`KINDS`; anything else is refused by name."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in KINDS:
        raise BadRequest(
            "priority is one of " + ", ".join(KINDS),
            code="unknown_priority",
            field="priority",
            allowed=list(KINDS),
        )
    return value


def enabled(tx: Tx) -> bool:
    return tx.branch.priority_max_in_row > 0


def refuse_if_off(tx: Tx) -> None:
    if not enabled(tx):
        raise Conflict("this hall serves no priority lane", code="priority_off")


def streak(session: Session, branch_id: str, day: object) -> int:
    row = session.get(CallStreak, (branch_id, day))
    return row.priority_in_row if row else 0


def normal_first(tx: Tx) -> bool:
    """The fairness bound: True when the next call must go to a normal ticket (if one
    waits), because the last ``priority_max_in_row`` calls were all priority ones."""
    bound = tx.branch.priority_max_in_row
    return bound > 0 and streak(tx.session, tx.branch_id, tx.business_day) >= bound


_STREAK = CallStreak.__table__  # type: ignore[attr-defined]
#: a normal call ends the run (no row yet is a run of 0 already)
_RESET = (
    update(_STREAK)
    .where(_STREAK.c.branch_id == bindparam("branch"), _STREAK.c.business_day == bindparam("day"))
    .values(priority_in_row=0)
)


def count_call(tx: Tx, ticket: Ticket) -> None:
    """A call moves the run: +1 for a priority ticket (the counters' upsert), back to 0
    for a normal one; under the branch's lock like the call itself."""
    if not enabled(tx):
        return
    if ticket.priority:
        sequences.priority_call(tx.session, tx.branch_id, tx.business_day)
    else:
        tx.session.connection().execute(_RESET, tx.today())


def mark(tx: Tx, ticket: Ticket, kind: str | None) -> None:
    """Set or clear a waiting ticket's mark (reception, after issue)."""
    refuse_if_off(tx)
    if ticket.status != "waiting":
        raise Conflict(
            f"ticket {ticket.number} is not waiting: its mark can no longer change",
            code="ticket_not_waiting",
            ticket=ticket.number,
            status=ticket.status,
        )
    ticket.priority = kind
    tx.session.add(ticket)


def call_order(waiting: Iterable[tuple[int, bool]], in_row: int, bound: int) -> list[int]:
    """The numbers in the order ``call_next`` would call them if no one else came:
    ``waiting`` is (number, priority); ``in_row`` the current streak. What the follow
    page and "your turn is near" count as ahead (lowest-number policy)."""
    prio = sorted(n for n, p in waiting if p)
    normal = sorted(n for n, p in waiting if not p)
    order: list[int] = []
    i = j = 0
    while i < len(prio) or j < len(normal):
        take_normal = j < len(normal) and (i >= len(prio) or (bound > 0 and in_row >= bound))
        if take_normal:
            order.append(normal[j])
            j += 1
            in_row = 0
        else:
            order.append(prio[i])
            i += 1
            in_row += 1
    return order


def ahead(order: list[int]) -> dict[int, int]:
    """Tickets ahead of each number in a call order."""
    return {n: k for k, n in enumerate(order)}
