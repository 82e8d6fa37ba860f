"""Cashier counter queue actions: call next, call a number, recall, park, transfer, no-show,
finish. Collection (F4) and returns live in collect.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, exists, or_
from sqlmodel import col, select

from qms.domain import drawers, notices, priority, tickets
from qms.domain.branch import CounterInfo
from qms.domain.einvoice import READY
from qms.domain.errors import BadRequest, Conflict, Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import Ticket, TicketCustomer, TicketInvoice

if TYPE_CHECKING:
    from qms.domain.commands import (
        CallNext,
        CallNumber,
        Finish,
        MarkPriority,
        NoShow,
        Park,
        Recall,
        Reopen,
        Transfer,
    )

#: why a ticket is finished (F8) with invoices still unpaid: asked, and kept on the ticket
FINISH_REASONS = {
    "customer_left": "the customer left",
    "not_enough_money": "the customer had not enough money",
    "fewer_periods": "the customer paid fewer periods",
    "paper_missing": "the paper invoice could not be found",
    "other": "other",
}


def my_counter(tx: Tx, code: str) -> CounterInfo:
    """The cashier counter in the URL, which must be the one the actor signed in at."""
    counter = tx.branch.counter(code)
    if counter is None:
        raise NotFound(f"no counter {code}", code="unknown_counter", counter=code)
    if counter.kind != "cashier":
        raise Forbidden(f"{code} is not a cashier counter", code="wrong_counter", counter=code)
    if tx.actor.counter != code:
        raise Forbidden(
            f"you are signed in at {tx.actor.counter or 'no counter'}, not {code}",
            code="wrong_counter",
            counter=code,
        )
    return counter


#: prebuilt, as the queries of every call and F4 below: built once, not per request
_SERVING = select(Ticket).where(
    Ticket.branch_id == bindparam("branch"),
    Ticket.business_day == bindparam("day"),
    Ticket.counter_code == bindparam("code"),
    Ticket.status == "serving",
)
_WAITING = select(Ticket).where(
    Ticket.branch_id == bindparam("branch"),
    Ticket.business_day == bindparam("day"),
    Ticket.status == "waiting",
)
_NOT_READY = exists().where(
    and_(
        col(TicketInvoice.ticket_id) == col(Ticket.id),
        col(TicketInvoice.pay_status) == "unpaid",
        col(TicketInvoice.lookup_status).not_in(READY),
    )
)
_NORMAL = col(Ticket.priority).is_(None)  # ordered by: False (a priority ticket) first
#: the order of each call policy; with a priority lane, priority tickets first (among the
#: ready ones, for ready_first: a priority customer is not called to wait for paper)
_ORDER = {
    ("lowest_number", False): (col(Ticket.number),),
    ("ready_first", False): (_NOT_READY, col(Ticket.number)),
    ("lowest_number", True): (_NORMAL, col(Ticket.number)),
    ("ready_first", True): (_NOT_READY, _NORMAL, col(Ticket.number)),
}
#: the next ticket to call, by (call policy, priority lane on); "normal": the fairness
#: bound was reached, a normal ticket is called if one waits (docs/priority.md)
_NEXT = {key: _WAITING.order_by(*order).limit(1).with_for_update() for key, order in _ORDER.items()}
_NEXT_NORMAL = {
    policy: _WAITING.where(_NORMAL).order_by(*_ORDER[(policy, False)]).limit(1).with_for_update()
    for policy in ("lowest_number", "ready_first")
}


def _next_waiting(tx: Tx) -> Ticket | None:
    policy, lane = tx.branch.call_policy, priority.enabled(tx)
    if lane and priority.normal_first(tx):
        ticket = tx.session.exec(_NEXT_NORMAL[policy], params=tx.today()).first()
        if ticket is not None:
            return ticket
    return tx.session.exec(_NEXT[(policy, lane)], params=tx.today()).first()


def serving(tx: Tx, code: str) -> Ticket | None:
    return tx.session.exec(_SERVING, params=tx.today(code=code)).first()


def current(tx: Tx, code: str) -> Ticket:
    ticket = serving(tx, code)
    if ticket is None:
        raise Conflict(
            f"counter {code} is serving no ticket", code="no_current_ticket", counter=code
        )
    return ticket


def _ensure_free(tx: Tx, code: str) -> None:
    busy = serving(tx, code)
    if busy is not None:
        raise Conflict(
            f"counter {code} is serving ticket {busy.number}: finish, park or mark no-show first",
            code="counter_busy",
            ticket=busy.number,
            counter=code,
        )


_I = rows.table(TicketInvoice)
#: found, unpaid paper of a ticket goes to the counter now holding it: one statement
_DELIVER = (
    _I.update()
    .where(
        _I.c.ticket_id == bindparam("t"),
        _I.c.lookup_status == "found",
        _I.c.pay_status == "unpaid",
        or_(_I.c.delivered_to.is_(None), _I.c.delivered_to != bindparam("code")),
    )
    .values(delivered_to=bindparam("code"), delivered_at=bindparam("now"))
)


def _deliver_found(tx: Tx, ticket: Ticket, code: str) -> None:
    """Paper already found goes to the counter now holding the ticket."""
    tx.session.connection().execute(_DELIVER, {"t": ticket.id, "code": code, "now": tx.now})


def _call(tx: Tx, ticket: Ticket, code: str, event: str = "ticket.called") -> dict[str, Any]:
    ticket.status = "serving"
    ticket.counter_code = code
    ticket.called_at = tx.now
    ticket.recalls = 0
    tx.session.add(ticket)
    _deliver_found(tx, ticket, code)
    priority.count_call(tx, ticket)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit(event, {"ticket": state})
    notices.on_call(tx, ticket)
    return state


def call_next(tx: Tx, cmd: CallNext) -> dict[str, Any]:
    code = cmd.counter
    my_counter(tx, code)
    drawers.open_at(tx, code)  # no one is called to a counter that cannot take the money
    _ensure_free(tx, code)
    ticket = _next_waiting(tx)
    if ticket is None:
        raise Conflict("nobody is waiting", code="queue_empty")
    return _call(tx, ticket, code)


def call_number(tx: Tx, cmd: CallNumber) -> dict[str, Any]:
    code, number = cmd.counter, cmd.number
    my_counter(tx, code)
    drawers.open_at(tx, code)  # no one is called to a counter that cannot take the money
    ticket = tickets.by_number(tx, number)
    if ticket.status == "serving":
        raise Conflict(
            f"ticket {ticket.number} is being served at {ticket.counter_code}",
            code="ticket_busy",
            counter=ticket.counter_code,
            ticket=ticket.number,
        )
    if ticket.status == "done":
        raise Conflict(
            f"ticket {ticket.number} is already done", code="ticket_done", ticket=ticket.number
        )
    if ticket.status == "parked" and ticket.counter_code != code:
        raise Conflict(
            f"ticket {ticket.number} is parked at {ticket.counter_code}",
            code="parked_elsewhere",
            counter=ticket.counter_code,
            ticket=ticket.number,
        )
    _refuse_if_moved(tx, ticket)
    _ensure_free(tx, code)
    return _call(tx, ticket, code)


def _refuse_if_moved(tx: Tx, ticket: Ticket) -> None:
    """A ticket whose every customer came back on a later ticket is not called again:
    their invoices are that ticket's now (one invoice, one live claim)."""
    moved = tx.session.exec(
        select(TicketCustomer.moved_to).where(TicketCustomer.ticket_id == ticket.id)
    ).all()
    if moved and all(m is not None for m in moved):
        raise _moved(ticket, moved)


def _moved(ticket: Ticket, moved_to: Iterable[int | None]) -> Conflict:
    """The refusal for a ticket whose customers a later ticket took over."""
    to = sorted({m for m in moved_to if m is not None})
    return Conflict(
        f"ticket {ticket.number}'s customers are on ticket {', '.join(map(str, to))} now: "
        "serve them there",
        code="ticket_moved",
        ticket=ticket.number,
        moved_to=to,
    )


def mark_priority(tx: Tx, cmd: MarkPriority) -> dict[str, Any]:
    """Reception marks a waiting ticket as a priority customer's, or takes the mark off."""
    ticket = tickets.by_number(tx, cmd.number)
    priority.mark(tx, ticket, cmd.priority)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit("ticket.priority", {"ticket": state})
    return state


def recall(tx: Tx, cmd: Recall) -> dict[str, Any]:
    code = cmd.counter
    my_counter(tx, code)
    ticket = current(tx, code)
    ticket.recalls += 1
    tx.session.add(ticket)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit("ticket.recalled", {"ticket": state})
    return state


def _leave(tx: Tx, code: str, status: str, event: str, check: Any = None) -> dict[str, Any]:
    my_counter(tx, code)
    ticket = current(tx, code)
    more = check(ticket) if check else {}
    ticket.status = status
    if status == "done":
        ticket.finished_at = tx.now
        ticket.finish_reason = more.get("reason")
    tx.session.add(ticket)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit(event, {"ticket": state, **more})
    return state


def park(tx: Tx, cmd: Park) -> dict[str, Any]:
    return _leave(tx, cmd.counter, "parked", "ticket.parked")


def no_show(tx: Tx, cmd: NoShow) -> dict[str, Any]:
    return _leave(tx, cmd.counter, "no_show", "ticket.no_show")


def finish(tx: Tx, cmd: Finish) -> dict[str, Any]:
    """F8. With invoices still unpaid the customer goes without paying for them: that
    needs ``confirm: true`` and a reason (an F8 pressed by mistake is the usual cause of
    a customer collected twice later), both kept on the ticket and in its event."""

    def check(ticket: Ticket) -> dict[str, Any]:
        unpaid = tx.session.exec(
            select(TicketInvoice).where(
                TicketInvoice.ticket_id == ticket.id, TicketInvoice.pay_status == "unpaid"
            )
        ).all()
        if not unpaid:
            return {}
        ids = sorted(i.invoice_id for i in unpaid)
        if cmd.confirm is not True:
            raise Conflict(
                f"ticket {ticket.number} still has {len(ids)} unpaid invoice(s): "
                "confirm and give a reason to finish it anyway",
                code="confirm_unpaid",
                unpaid=ids,
                total=sum(i.total for i in unpaid),
                reasons=list(FINISH_REASONS),
                ticket=ticket.number,
            )
        reason = cmd.reason
        if not isinstance(reason, str) or reason not in FINISH_REASONS:
            raise BadRequest(
                "reason is one of " + ", ".join(FINISH_REASONS),
                code="invalid_reason",
                allowed=list(FINISH_REASONS),
            )
        return {"reason": reason, "unpaid": ids}

    return _leave(tx, cmd.counter, "done", "ticket.finished", check)


def reopen(tx: Tx, cmd: Reopen) -> dict[str, Any]:
    """A ticket finished by mistake comes back, the same day, parked at the counter that
    finished it (that cashier calls it again, the paper is already there); if that
    counter is gone from the configuration, back to the waiting list. Refused when a
    later ticket took its customers over, or one of them is on a live ticket now."""
    ticket = tickets.by_number(tx, cmd.number)
    if ticket.status != "done":
        raise Conflict(
            f"ticket {ticket.number} is {ticket.status.replace('_', '-')}, not finished",
            code="ticket_not_done",
            ticket=ticket.number,
            status=ticket.status,
        )
    customers = tx.session.exec(
        select(TicketCustomer).where(TicketCustomer.ticket_id == ticket.id)
    ).all()
    if any(c.moved_to is not None for c in customers):
        raise _moved(ticket, (c.moved_to for c in customers))
    tickets.refuse_if_busy(tx, [c.code for c in customers])
    unpaid = tx.session.exec(
        select(TicketInvoice.id).where(
            TicketInvoice.ticket_id == ticket.id, TicketInvoice.pay_status == "unpaid"
        )
    ).all()
    if not unpaid:
        raise Conflict(
            f"ticket {ticket.number} has nothing left to collect",
            code="nothing_to_collect",
            ticket=ticket.number,
        )
    counter = tx.branch.counter(ticket.counter_code or "")
    ticket.status = "parked" if counter and counter.kind == "cashier" else "waiting"
    if ticket.status == "waiting":
        ticket.counter_code = None
    was = ticket.finish_reason
    ticket.finished_at = None
    ticket.finish_reason = None
    tx.session.add(ticket)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit("ticket.reopened", {"ticket": state, "finish_reason": was})
    return state


def transfer(tx: Tx, cmd: Transfer) -> dict[str, Any]:
    code, to = cmd.counter, cmd.to
    my_counter(tx, code)
    target = tx.branch.counter(to)
    if target is None or target.kind != "cashier":
        raise NotFound(f"no cashier counter {to}", code="unknown_counter", counter=to)
    if to == code:
        raise Conflict("the ticket is already at this counter", code="same_counter")
    ticket = current(tx, code)
    target_busy = serving(tx, to) is not None
    ticket.counter_code = to
    ticket.status = "parked" if target_busy else "serving"
    ticket.called_at = tx.now
    tx.session.add(ticket)
    _deliver_found(tx, ticket, to)
    tx.session.flush()
    state = tickets.state(tx, ticket)
    tx.emit("ticket.transferred", {"ticket": state, "from": code})
    return state
