"""Follow-my-ticket: what anyone holding a ticket's follow token may see of it.

The token is the ticket's only credential (it is printed as a QR code), so this view is
public: the number, its status, how many tickets are ahead, the counter to go to. Never a
name, a customer code or an amount. Transport-free: HTTP routes call :func:`public_view`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import NotFound
from qms.storage.models import Ticket

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


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets with a lower number, same branch and day: the call order of
    ``lowest_number`` (a counter calling by number may of course jump the line)."""
    count = session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.branch_id == ticket.branch_id,
            Ticket.business_day == ticket.business_day,
            Ticket.status == "waiting",
            col(Ticket.number) < ticket.number,
        )
    ).one()
    return int(count)


def public_view(
    session: Session, branches: Mapping[str, Branch], token: str, today: dt.date
) -> dict[str, Any]:
    """The ticket as its holder's phone shows it.

    ``ahead`` is only given while the ticket waits today; ``counter`` while a counter
    serves it or holds it parked. A ticket of an earlier day is ``expired``: its number
    means nothing in today's queue.
    """
    ticket = find(session, token)
    branch = branches.get(ticket.branch_id)
    expired = ticket.business_day < today
    waiting = ticket.status == "waiting" and not expired
    counter = None
    if ticket.counter_code and ticket.status in ("serving", "parked"):
        name = branch.counter_names.get(ticket.counter_code, "") if branch else ""
        counter = {"code": ticket.counter_code, "name": name or ticket.counter_code}
    return {
        "number": ticket.number,
        "business_day": ticket.business_day.isoformat(),
        "branch": branch.name if branch else "",
        "status": ticket.status,
        "expired": expired,
        "ahead": ahead_of(session, ticket) if waiting else None,
        "counter": counter,
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "recalls": ticket.recalls,
    }
