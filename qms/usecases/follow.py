"""Follow-my-ticket: what anyone holding a ticket's follow token may see of it.

The token is the ticket's only credential (it is printed as a QR code), so this view is
public: the number, its status, how many tickets are ahead, the estimated wait, the counter
to go to; whether the ticket's own VietQR can pay it now (the QR itself is an image,
``/t/{token}/pay.svg``), or was paid by one. Never a name, a customer code or an amount.
Transport-free: the HTTP route and the follow socket (``qms.live.follow_ws``) call
:func:`public_view`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.config import BankSettings
from qms.domain import notices, priority
from qms.domain.bank import qr as bank_qr
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import NotFound
from qms.storage.models import Ticket, TicketInvoice

#: what ``secrets.token_urlsafe`` makes; anything else cannot be a token, so no query
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def find(session: Session, token: str) -> Ticket:
    """The ticket of a follow token; one refusal for a malformed and an unknown token."""
    ticket = None
    if TOKEN.match(token):
        ticket = session.exec(select(Ticket).where(Ticket.follow_token == token)).first()
    if ticket is None:
        raise NotFound("no ticket with this follow code", code="unknown_ticket")
    return ticket


def ahead_of(session: Session, ticket: Ticket, bound: int = 0) -> int:
    """Tickets called before this one if no one else came: the call order of
    ``lowest_number`` with the priority lane and its fairness bound (``bound``; 0: no
    lane, a count of the lower numbers). A counter calling by number may of course jump
    the line."""
    mine = (
        Ticket.branch_id == ticket.branch_id,
        Ticket.business_day == ticket.business_day,
        Ticket.status == "waiting",
    )
    if not bound:
        lower = (
            select(func.count())
            .select_from(Ticket)
            .where(*mine, col(Ticket.number) < ticket.number)
        )
        return int(session.exec(lower).one())
    waiting = session.exec(select(Ticket.number, Ticket.priority).where(*mine)).all()
    streak = priority.streak(session, ticket.branch_id, ticket.business_day)
    order = priority.call_order([(n, p is not None) for n, p in waiting], streak, bound)
    return priority.ahead(order).get(ticket.number, 0)


#: service times of the tickets finished in this window make the estimate
RECENT = dt.timedelta(hours=1)
#: at most this many of them, the latest
SAMPLES = 20
#: a counter that called a ticket in this window counts as serving
SERVING = dt.timedelta(minutes=30)


def service_times(session: Session, ticket: Ticket, now: dt.datetime) -> list[float]:
    """Seconds from call to finish of the branch's latest finished tickets today, the last
    hour's first; the whole day's when the last hour has fewer than three."""
    q = (
        select(Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.branch_id == ticket.branch_id,
            Ticket.business_day == ticket.business_day,
            Ticket.status == "done",
            col(Ticket.called_at).is_not(None),
            col(Ticket.finished_at).is_not(None),
        )
        .order_by(col(Ticket.finished_at).desc())
        .limit(SAMPLES)
    )
    done = [(a, b) for a, b in session.exec(q).all() if a is not None and b is not None]
    recent = [(a, b) for a, b in done if b >= now - RECENT]
    pick = recent if len(recent) >= 3 else done
    return [max((b - a).total_seconds(), 0.0) for a, b in pick]


def counters_serving(session: Session, ticket: Ticket, now: dt.datetime) -> int:
    """Cashier counters that called someone in the last half hour (at least one)."""
    q = select(func.count(func.distinct(Ticket.counter_code))).where(
        Ticket.branch_id == ticket.branch_id,
        Ticket.business_day == ticket.business_day,
        col(Ticket.counter_code).is_not(None),
        col(Ticket.called_at) >= now - SERVING,
    )
    return max(int(session.exec(q).one()), 1)


def estimate_minutes(session: Session, ticket: Ticket, ahead: int, now: dt.datetime) -> int | None:
    """The wait, roughly: (ahead + 1) × the median service time ÷ the counters serving,
    in whole minutes (at least 1); None before the day's first finished ticket."""
    times = service_times(session, ticket, now)
    if not times:
        return None
    seconds = (ahead + 1) * statistics.median(times) / counters_serving(session, ticket, now)
    return max(1, math.ceil(seconds / 60))


#: a ticket still to be paid: its printed QR may pay it
LIVE = ("waiting", "serving", "parked")


def open_ticket_qr(session: Session, ticket: Ticket, bank: BankSettings) -> dict[str, Any] | None:
    """The QR printed on the ticket while it can still pay it: enabled, the ticket live, the
    QR not paid and every invoice it names still unpaid (a part paid in cash meanwhile
    would turn its credit into an exception: the page stops offering it)."""
    if not bank.enabled or ticket.status not in LIVE:
        return None
    shown = next(
        (
            r
            for r in bank_qr.of_ticket(session, ticket, bank)
            if r["source"] == "ticket" and r["status"] == "open"
        ),
        None,
    )
    if shown is None:
        return None
    paid = session.exec(
        select(TicketInvoice.id).where(
            TicketInvoice.ticket_id == ticket.id,
            col(TicketInvoice.invoice_id).in_(shown["invoice_ids"]),
            TicketInvoice.pay_status != "unpaid",
        )
    ).first()
    return None if paid is not None else shown


def branch_of(session: Session, token: str) -> str:
    """The branch whose events can change what the token's holder sees."""
    return find(session, token).branch_id


def public_view(
    session: Session,
    branches: Mapping[str, Branch],
    token: str,
    today: dt.date,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The ticket as its holder's phone shows it.

    ``ahead`` and ``wait_minutes`` (:func:`estimate_minutes`, with ``now``) are only given
    while the ticket waits today; ``counter`` while a counter serves it or holds it
    parked. A ticket of an earlier day is ``expired``: its number means nothing in
    today's queue.
    """
    ticket = find(session, token)
    branch = branches.get(ticket.branch_id)
    expired = ticket.business_day < today
    waiting = ticket.status == "waiting" and not expired
    counter = None
    if ticket.counter_code and ticket.status in ("serving", "parked"):
        name = branch.counter_names.get(ticket.counter_code, "") if branch else ""
        counter = {"code": ticket.counter_code, "name": name or ticket.counter_code}
    pay = None
    if branch is not None and not expired:
        pay = open_ticket_qr(session, ticket, branch.bank)
    bound = branch.priority_max_in_row if branch else 0
    ahead = ahead_of(session, ticket, bound) if waiting else None
    near_at = branch.near_ahead if branch else 0
    contact = notices.contact_of(session, ticket.id)
    wait = None
    if ahead is not None and now is not None:
        wait = estimate_minutes(session, ticket, ahead, now)
    return {
        "number": ticket.number,
        "business_day": ticket.business_day.isoformat(),
        "branch": branch.name if branch else "",
        "status": ticket.status,
        "expired": expired,
        "ahead": ahead,
        "wait_minutes": wait,
        "counter": counter,
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "recalls": ticket.recalls,
        # the ticket's QR pays it now (drawn at /t/{token}/pay.svg); paid by a QR while waiting
        "pay_qr": pay is not None,
        "paid_qr": ticket.finish_reason == "paid_qr",
        "priority": ticket.priority,
        # "your turn is near" (docs/notify.md): the page says it as the message does
        "near": ahead is not None and near_at > 0 and ahead <= near_at,
        "notify": None
        if contact is None
        else {
            "phone": notices.masked(contact.phone),
            "active": notices.active(contact) and not expired,
            "withdrawn": contact.withdrawn_at is not None,
        },
    }
