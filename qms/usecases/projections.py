"""What each view may see. Events carry a ticket's full state; views trim it.

Every view receives every event (trimmed), so ``seq`` arrives without holes and a hole
always means a lost message. Display views never carry names, codes or amounts.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, select

from qms.domain import events
from qms.domain.branch import Branch
from qms.domain.einvoice import NO_PAPER
from qms.domain.errors import BadRequest
from qms.domain.ticket_view import ticket_states
from qms.storage.models import DayClosure, Payment, Ticket

VIEW = re.compile(
    r"^(display|supervisor|agent|field|crew|inventory|lookup-even|lookup-odd|cashier:[A-Z][A-Z0-9]{0,7})$"
)
#: the field views (docs/field.md) hear of field work only; the crew's phone only which
#: orders changed, and asks for its own again
FIELD_VIEWS = ("field", "crew")
#: the inventory pages' view (docs/inventory.md) hears the ``inventory.*`` events whole,
#: and nothing of tickets or cash: a lookup clerk's scanning page needs no more
INVENTORY_VIEW = "inventory"
CREW_ORDER_KEYS = ("id", "status", "reason", "crew", "kind")
RECENT_CALLS = 20
RECENT_DONE = 100
#: what a lookup view keeps of an event besides its trimmed ticket: paper facts only.
#: A list of what may pass, not of what may not: a key added to an event later (a
#: payment's total, a cashier's name) stays off the lookup screens until named here.
LOOKUP_KEYS = ("invoice_id", "invoice_ids", "later", "reason", "from", "to", "customer")
#: what a display keeps of a payment: how it was paid, and where (the customer display at
#: a counter says "paid" for a QR paid there; docs/displays.md). No amount, no name.
DISPLAY_PAYMENT_KEYS = ("method", "counter")


def check_view(view: object, branch: Branch) -> str:
    if not isinstance(view, str) or not VIEW.match(view):
        raise BadRequest(
            "view is display, lookup-even, lookup-odd, cashier:CODE, supervisor, field, crew or "
            "inventory",
            code="invalid_view",
        )
    if view.startswith("lookup-") and not branch.paper_invoices:
        raise BadRequest(
            f"branch {branch.id} has no paper invoices: no lookup view", code="invalid_view"
        )
    if view.startswith("cashier:"):
        c = branch.counter(view.split(":", 1)[1])
        if c is None or c.kind != "cashier":
            raise BadRequest(f"no cashier counter in view {view}", code="invalid_view")
    return view


def display_ticket(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": t["number"],
        "status": t["status"],
        "counter": t["counter"],
        "called_at": t["called_at"],
        "recalls": t["recalls"],
        "priority": t.get("priority"),  # the display marks a priority customer's call
    }


def lookup_ticket(t: dict[str, Any], parity: str) -> dict[str, Any]:
    keep = (
        "invoice_id",
        "customer_code",
        "book_code",
        "series",
        "number",
        "period",
        "lookup_status",
        "delivered_to",
        "delivered_at",
        "pay_status",
        "moved_to",
        "year",
        "month",
        "sub_period",
    )
    return {
        "number": t["number"],
        "status": t["status"],
        "counter": t["counter"],
        "issued_at": t["issued_at"],
        "priority": t.get("priority"),  # its paper is pulled first (docs/priority.md)
        "invoices": [
            {k: inv[k] for k in keep}
            for c in t["customers"]
            for inv in c["invoices"]
            if inv["lookup"] == parity and inv["lookup_status"] != NO_PAPER
        ],
    }


def project_ticket(view: str, t: dict[str, Any]) -> dict[str, Any]:
    if view == "display":
        return display_ticket(t)
    if view.startswith("lookup-"):
        return lookup_ticket(t, view.removeprefix("lookup-"))
    return t


def project_event(view: str, data: dict[str, Any], kind: str = "") -> dict[str, Any]:
    if view == "agent":
        return {}  # an agent gets jobs, not the hall's news
    if view == INVENTORY_VIEW:
        return dict(data) if kind.startswith("inventory.") else {}
    if view in FIELD_VIEWS:
        return _field_event(view, data)
    if kind == "qr.shown":
        return _qr_shown(view, data)
    if kind.startswith("alert."):  # the supervisor's (docs/alerts.md): a count, a name
        return dict(data) if view == "supervisor" else {}
    out: dict[str, Any] = {}
    if "ticket" in data:
        out["ticket"] = project_ticket(view, data["ticket"])
    if view == "display":
        if kind == "payment.collected":
            out.update((k, data[k]) for k in DISPLAY_PAYMENT_KEYS if k in data)
        return out
    if view.startswith("lookup-"):
        out.update((k, data[k]) for k in LOOKUP_KEYS if k in data)
        return out
    if view.startswith("cashier:") and not _mine(view[8:], data):
        return out  # a cashier sees their own cash, not their colleagues'
    for k, v in data.items():
        if k == "ticket":
            continue
        if k == "day" and view.startswith("cashier:"):
            v = {"business_day": v["business_day"], "closed_by": v["closed_by"]}
        out[k] = v
    return out


def _qr_shown(view: str, data: dict[str, Any]) -> dict[str, Any]:
    """A cashier asked for a QR for ticket ``number``: a display hears the counter
    and the QR's reference only (its customer display fetches the QR by it: amounts stay
    off the displays' socket); a lookup screen and another counter nothing; that
    counter's cashier and the supervisor all of it."""
    where = {"counter": data.get("counter"), "number": data.get("number")}
    if view == "display":
        return {**where, "ref": (data.get("qr") or {}).get("ref")}
    if view.startswith("lookup-"):
        return {}
    if view.startswith("cashier:") and not _mine(view[8:], data):
        return {}  # another counter's QR
    return dict(data)


def _field_event(view: str, data: dict[str, Any]) -> dict[str, Any]:
    """Field events whole for the team leader's board; for a crew, the orders it may need
    to fetch again (ids and status, no names or amounts). Other events: nothing."""
    if "ticket" in data:
        return {}
    if view == "field":
        return dict(data)
    orders = [o for o in (data.get("orders") or [data.get("order")]) if isinstance(o, dict)]
    out: dict[str, Any] = {"orders": [{k: o.get(k) for k in CREW_ORDER_KEYS} for o in orders]}
    if "crew_id" in data:
        out["crew_id"] = data["crew_id"]
    return out


def _mine(counter: str, data: dict[str, Any]) -> bool:
    """Whether a cash event concerns the cashier at ``counter`` (any other event does)."""
    if "drawer" in data:
        return bool(data["drawer"]["counter"] == counter)
    if "qr" in data:  # a QR shown at a counter: that counter's
        return bool(data.get("counter") == counter)
    if {"credit", "line", "import"} & data.keys():  # the bank's side: the head cashier's
        return False
    if "movement" in data:
        return counter in data.get("counters", ())
    return True


def _visible(view: str, t: dict[str, Any]) -> bool:
    if view.startswith("lookup-"):
        return t["status"] in ("waiting", "serving", "parked") or any(
            i["lookup_status"] != "found" and i["pay_status"] == "unpaid" for i in t["invoices"]
        )
    return True


def snapshot(session: Session, branch: Branch, view: str, day: Any) -> dict[str, Any]:
    """The state a view starts from; ``seq`` is read in the same transaction."""
    seq = events.current_seq(session, branch.id)
    if view in (*FIELD_VIEWS, INVENTORY_VIEW):  # these pages read their state over HTTP
        base = {"branch": {"id": branch.id, "name": branch.name}, "business_day": day.isoformat()}
        return {"seq": seq, "view": view, "data": base}
    q = select(Ticket).where(Ticket.branch_id == branch.id, Ticket.business_day == day)
    if view == "display":
        q = q.where(col(Ticket.called_at).is_not(None)).order_by(col(Ticket.called_at).desc())
        q = q.limit(RECENT_CALLS)
    elif view.startswith("lookup-"):
        q = q.where(col(Ticket.status).in_(("waiting", "serving", "parked", "no_show", "done")))
        q = q.order_by(col(Ticket.number))
    else:
        q = q.where(col(Ticket.status).in_(("waiting", "serving", "parked", "no_show")))
        q = q.order_by(col(Ticket.number))
    rows = list(session.exec(q).all())
    if view == "display":
        # and the waiting ones (number, status, priority only): reception's waiting list
        # marks a priority customer's ticket (docs/priority.md)
        called = {t.number for t in rows}
        rows += [
            t
            for t in session.exec(
                select(Ticket)
                .where(
                    Ticket.branch_id == branch.id,
                    Ticket.business_day == day,
                    Ticket.status == "waiting",
                )
                .order_by(col(Ticket.number))
            ).all()
            if t.number not in called
        ]
    if view == "supervisor":
        # the day's latest finished tickets too, bounded so a snapshot stays small
        done = session.exec(
            select(Ticket)
            .where(
                Ticket.branch_id == branch.id, Ticket.business_day == day, Ticket.status == "done"
            )
            .order_by(col(Ticket.finished_at).desc())
            .limit(RECENT_DONE)
        ).all()
        rows = sorted([*rows, *done], key=lambda t: t.number)
    states = ticket_states(session, rows, branch.counter_names)
    serving = {t["counter"]["code"]: t["number"] for t in states if t["status"] == "serving"}
    if view == "display":
        # the latest called tickets may not include a counter's long-served current one
        for t in session.exec(
            select(Ticket).where(
                Ticket.branch_id == branch.id,
                Ticket.business_day == day,
                Ticket.status == "serving",
            )
        ).all():
            serving[t.counter_code or ""] = t.number
    projected = [project_ticket(view, t) for t in states]
    if view.startswith("lookup-"):
        projected = [t for t in projected if _visible(view, t)]
    data: dict[str, Any] = {
        "branch": {
            "id": branch.id,
            "name": branch.name,
            # what the kiosk offers: the priority buttons, the phone number for messages
            "priority": branch.priority_max_in_row > 0,
            "notify": branch.near_ahead > 0,
        },
        "business_day": day.isoformat(),
        "counters": [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "parity": c.parity,
                "serving": serving.get(c.code),
            }
            for c in branch.counters.values()
        ],
        "tickets": projected,
        # kiosks and reception say the hall is closed before anyone types a code
        "day_closed": session.get(DayClosure, (branch.id, day)) is not None,
    }
    if view == "supervisor":
        data["payments_pending"] = len(
            session.exec(
                select(Payment.id).where(
                    Payment.branch_id == branch.id, Payment.status == "pending"
                )
            ).all()
        )
    return {"seq": seq, "view": view, "data": data}
