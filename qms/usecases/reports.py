"""Reports for each level of the company (company, branch, hall) over a range of business
days: every payment, totalled by cashier, counter, hour, day, branch and hall; money
movements; returned papers; waiting and service times; day closures; and the CMIS
reconciliation of each branch's day.

Which payments count: every F4 is *collected*; a payment CMIS refused, or one reversed
since, was handed back (``drawers.GIVEN_BACK``); ``net`` = collected - given back. That is
what the drawers expect (``drawers.balance``), what the day-end summary prints and what
reconciliation calls ``our_total``. Money is integer đồng throughout.

Cash and VietQR apart: every figure of every row again per method (``net_cash``,
``net_vietqr``...; only ``net_cash`` is in the drawers); a ticket paid by its printed QR
before its call has no cashier (``takings.WHILE_WAITING``) and is a row of its own,
named in words.

Transport-free: the caller asks CMIS for its lists and hands them in (``CmisDay``), so a
CMIS that does not answer leaves that day's reconciliation unavailable, not the report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, and_, col, or_, select

from integrations.cmis.base import CmisPayment
from qms.domain import delivery, drawers, movements, payments, reconcile
from qms.domain.bank import takings
from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import BadRequest
from qms.domain.payments import METHODS, STATUSES
from qms.storage.models import (
    DayClosure,
    Drawer,
    MoneyMovement,
    Payment,
    Ticket,
    TicketCustomer,
    TicketInvoice,
    User,
)
from qms.usecases import stats

LEVELS = ("company", "branch", "hall")
MAX_DAYS = 92
UNCONFIRMED = ("pending", "reversal_pending")  # CMIS has not had its say yet
#: the figures of a row split by method: ``net_cash``, ``net_vietqr``, ``payments_cash``...
SPLIT = (
    *("payments", "collected", "refused", "reversed", "given_back"),
    *("net_count", "net", "unconfirmed"),
)


def check_range(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The business days from ``start`` to ``end``, both included; at most ``MAX_DAYS``,
    none after today (nothing happened yet, and CMIS would be asked for nothing)."""
    if start > end:
        raise BadRequest("from is after to", code="invalid_request", field="from")
    if end > today:
        raise BadRequest(
            f"to is after today ({today.isoformat()})", code="invalid_request", field="to"
        )
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise BadRequest(
            f"a report covers at most {MAX_DAYS} days, not {days}",
            code="invalid_request",
            field="from",
            max_days=MAX_DAYS,
        )
    return [start + dt.timedelta(days=n) for n in range(days)]


@dataclass(frozen=True, slots=True)
class CmisDay:
    """CMIS's payments of one branch and day, or why there are none."""

    payments: tuple[CmisPayment, ...] | None = None
    error: str | None = None


@dataclass
class Tally:
    """Payments summed by what became of their money."""

    payments: int = 0
    collected: int = 0
    refused_count: int = 0
    refused: int = 0
    reversed_count: int = 0
    reversed: int = 0
    unconfirmed_count: int = 0
    unconfirmed: int = 0
    given_back_count: int = 0
    given_back: int = 0

    def add(self, status: str, total: int) -> None:
        self.payments += 1
        self.collected += total
        if status in drawers.GIVEN_BACK:  # as the drawers count it
            self.given_back_count += 1
            self.given_back += total
        if status == "refused":
            self.refused_count += 1
            self.refused += total
        elif status == "reversed":
            self.reversed_count += 1
            self.reversed += total
        elif status in UNCONFIRMED:
            self.unconfirmed_count += 1
            self.unconfirmed += total

    def row(self) -> dict[str, int]:
        return {
            "payments": self.payments,
            "collected": self.collected,
            "refused_count": self.refused_count,
            "refused": self.refused,
            "reversed_count": self.reversed_count,
            "reversed": self.reversed,
            "given_back": self.given_back,
            "net_count": self.payments - self.given_back_count,
            "net": self.collected - self.given_back,
            "unconfirmed_count": self.unconfirmed_count,
            "unconfirmed": self.unconfirmed,
        }


@dataclass
class Split:
    """A tally of every payment, and one of each method (cash in the drawers, VietQR at
    the bank); a row gives both, ``net`` = ``net_cash`` + ``net_vietqr`` and so on."""

    all: Tally = field(default_factory=Tally)
    methods: dict[str, Tally] = field(default_factory=lambda: {m: Tally() for m in METHODS})

    def add(self, status: str, total: int, method: str) -> None:
        self.all.add(status, total)
        self.methods[method].add(status, total)

    def row(self) -> dict[str, int]:
        out = self.all.row()
        for method, t in self.methods.items():
            mine = t.row()
            out.update({f"{k}_{method}": mine[k] for k in SPLIT})
        return out


@dataclass
class _Grouping:
    """Tallies by a key; each row carries its key's labels."""

    rows: dict[tuple[Any, ...], tuple[dict[str, Any], Split]] = field(default_factory=dict)

    def add(
        self, key: tuple[Any, ...], labels: dict[str, Any], status: str, total: int, method: str
    ) -> None:
        if key not in self.rows:
            self.rows[key] = (labels, Split())
        self.rows[key][1].add(status, total, method)

    def out(self) -> list[dict[str, Any]]:
        return [{**labels, **t.row()} for _, (labels, t) in sorted(self.rows.items())]


def _names(session: Session) -> dict[str, str]:
    return {u: n for u, n in session.exec(select(User.username, User.full_name)).all()}


def _username(label: str | None) -> str:
    """``user:cashier1`` -> ``cashier1`` (a device label stays as it is)."""
    kind, _, name = (label or "").partition(":")
    return name if kind == "user" else label or ""


def _payments(session: Session, ids: list[str], days: list[dt.date]) -> list[Payment]:
    return list(
        session.exec(
            select(Payment)
            .where(
                col(Payment.branch_id).in_(ids),
                Payment.business_day >= days[0],
                Payment.business_day <= days[-1],
            )
            .order_by(col(Payment.business_day), col(Payment.created_at), col(Payment.id))
        ).all()
    )


def _customer_names(session: Session, payments: list[Payment]) -> dict[tuple[int, str], str]:
    """The name CMIS gave each paying customer on their ticket: (ticket id, code) -> name."""
    ids = sorted({p.ticket_id for p in payments})
    names: dict[tuple[int, str], str] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists, whatever the range
        found = session.exec(
            select(TicketCustomer.ticket_id, TicketCustomer.code, TicketCustomer.name).where(
                col(TicketCustomer.ticket_id).in_(ids[start : start + 500])
            )
        ).all()
        names.update({(t, code): name for t, code, name in found})
    return names


def _transaction(
    p: Payment, b: Branch, tz: ZoneInfo, names: dict[str, str], customer: str
) -> dict[str, Any]:
    local = p.created_at.astimezone(tz)
    cashier = _username(p.cashier)
    invoice_ids = json.loads(p.invoice_ids)
    waiting = takings.while_waiting(p.cashier)
    return {
        "txn_id": p.txn_id,
        "branch": b.id,
        "hall": b.collection_point,
        "date": p.business_day.isoformat(),
        "at": iso(p.created_at),
        "time": local.strftime("%H:%M:%S"),
        "hour": local.hour,
        "counter": p.counter_code,
        "cashier": cashier,
        "cashier_name": takings.label_words(p.cashier) if waiting else names.get(cashier, cashier),
        "while_waiting": waiting,  # a ticket's QR paid before its call: no counter, no drawer
        "method": p.method,
        "bank_txn": p.bank_txn,
        "customer_code": p.customer_code,
        "customer_name": customer,
        "invoice_ids": invoice_ids,
        "total": p.total,
        "status": p.status,
        "counts": p.status not in drawers.GIVEN_BACK,
        "receipt_no": p.receipt_no,
        "error": p.last_error if p.status == "refused" else None,  # CMIS's why, as it said it
        "error_code": payments.error_code(p.last_error) if p.status == "refused" else None,
        "reversal_reason": p.reversal_reason,
        "reversed_at": iso(p.reversed_at),
    }


def _money(rows: list[dict[str, Any]], branches: dict[str, Branch]) -> dict[str, Any]:
    """The payment tallies, every grouping from the same rows."""
    total = Split()
    by_status = {s: {"count": 0, "total": 0} for s in STATUSES}
    groups = {k: _Grouping() for k in ("branch", "hall", "day", "cashier", "counter", "hour")}
    for r in rows:
        b = branches[r["branch"]]
        status, amount, method = r["status"], r["total"], r["method"]
        total.add(status, amount, method)
        by_status[status]["count"] += 1
        by_status[status]["total"] += amount
        where = {"branch": b.id, "hall": b.collection_point}
        counter = b.counter(r["counter"])
        waiting = r["while_waiting"]  # its own row, after the people and the counters
        keyed = {
            "branch": ((b.id,), {"branch": b.id, "name": b.name, "hall": b.collection_point}),
            "hall": ((b.collection_point,), {"hall": b.collection_point, "branch": b.id}),
            "day": ((b.id, r["date"]), {**where, "date": r["date"]}),
            "cashier": (
                (b.id, waiting, r["cashier"]),
                {**where, "cashier": r["cashier"], "name": r["cashier_name"]},
            ),
            "counter": (
                (b.id, waiting, r["counter"]),
                {
                    **where,
                    "counter": r["counter"],
                    "name": r["cashier_name"] if waiting else counter.name if counter else "",
                },
            ),
            "hour": ((r["hour"],), {"hour": r["hour"]}),
        }
        for name in ("cashier", "counter"):
            keyed[name][1]["while_waiting"] = waiting
        for name, (key, labels) in keyed.items():
            groups[name].add(key, labels, status, amount, method)
    return {
        "totals": total.row(),
        "by_status": by_status,
        **{f"by_{name}": g.out() for name, g in groups.items()},
    }


def _reconciliation(
    payments: list[Payment],
    branches: list[Branch],
    days: list[dt.date],
    cmis: Mapping[tuple[str, dt.date], CmisDay],
) -> dict[str, Any]:
    ours: dict[tuple[str, dt.date], list[reconcile.Ours]] = {}
    method = {p.txn_id: p.method for p in payments}
    for p in payments:
        ours.setdefault((p.branch_id, p.business_day), []).append(
            reconcile.Ours(
                p.txn_id, p.customer_code, tuple(json.loads(p.invoice_ids)), p.total, p.status
            )
        )
    rows: list[dict[str, Any]] = []
    for b in branches:
        for day in days:
            mine = ours.get((b.id, day), [])
            got = cmis.get((b.id, day), CmisDay(error="Chưa hỏi CMIS / CMIS was not asked"))
            head = {"branch": b.id, "hall": b.collection_point, "date": day.isoformat()}
            # CMIS has every payment, whatever its method: ours in effect, split by method
            split = {
                f"our_{m}": sum(
                    o.total
                    for o in mine
                    if o.status in reconcile.IN_EFFECT and method[o.txn_id] == m
                )
                for m in METHODS
            }
            if got.payments is None:
                our_total = sum(o.total for o in mine if o.status in reconcile.IN_EFFECT)
                rows.append(
                    {
                        **head,
                        "available": False,
                        "error": got.error,
                        "our_total": our_total,
                        **split,
                    }
                )
                continue
            later: tuple[CmisPayment, ...] = ()
            before: list[reconcile.Ours] = []
            if b.cmis_version == "1.0":  # books by its own day: see reconcile's docstring
                one = dt.timedelta(days=1)
                later = cmis.get((b.id, day + one), CmisDay()).payments or ()
                before = ours.get((b.id, day - one), [])
            r = reconcile.reconcile(mine, got.payments, next_day=later, day_before=before)
            rows.append(
                {
                    **head,
                    "available": True,
                    "error": None,
                    "our_total": r["our_total"],
                    **split,
                    "cmis_total": r["cmis_total"],
                    "open_items": r["open_items"],
                    "matched": len(r["matched"]),
                    **{
                        cat: [{**i, "method": method.get(i["txn_id"])} for i in r[cat]]
                        for cat in ("only_ours", "only_cmis", "amount_differs")
                    },
                }
            )
    done = [r for r in rows if r["available"]]
    return {
        "days": rows,
        "summary": {
            "days": len(rows),
            "available": len(done),
            "unavailable": len(rows) - len(done),
            "open_items": sum(r["open_items"] for r in done),
            "our_total": sum(r["our_total"] for r in done),
            **{f"our_{m}": sum(r[f"our_{m}"] for r in done) for m in METHODS},
            "cmis_total": sum(r["cmis_total"] for r in done),
        },
    }


def _movements(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> dict[str, Any]:
    """Money handed between cashiers; a movement both sides withdrew (cancelled) is none."""
    ms = session.exec(
        select(MoneyMovement)
        .where(
            col(MoneyMovement.branch_id).in_(list(branches)),
            MoneyMovement.business_day >= days[0],
            MoneyMovement.business_day <= days[-1],
            MoneyMovement.status != "cancelled",
        )
        .order_by(col(MoneyMovement.business_day), col(MoneyMovement.id))
    ).all()
    rows = [
        {
            "branch": m.branch_id,
            "hall": branches[m.branch_id].collection_point,
            "date": m.business_day.isoformat(),
            **movements.public(m),
            "from_name": names.get(m.from_cashier, m.from_cashier),
            "to_name": names.get(m.to_cashier, m.to_cashier),
        }
        for m in ms
    ]
    matched = [r for r in rows if r["status"] == "matched"]
    return {
        "rows": rows,
        "summary": {
            "matched": len(matched),
            "matched_total": sum(r["out_amount"] for r in matched),
            "hanging": sum(1 for r in rows if r["status"] == "hanging"),
            "mismatch": sum(1 for r in rows if r["status"] == "mismatch"),
        },
    }


def _drawers(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> dict[str, Any]:
    """Each cashier's drawer of each day, as the head cashier counts it: the float, plus
    what was collected, less what went back to customers, plus money in, less money out,
    is what should be there (``drawers.balance``); the count and its difference, and who
    approved a difference, why."""
    found = session.exec(
        select(Drawer)
        .where(
            col(Drawer.branch_id).in_(list(branches)),
            Drawer.business_day >= days[0],
            Drawer.business_day <= days[-1],
        )
        .order_by(col(Drawer.business_day), col(Drawer.branch_id), col(Drawer.id))
    ).all()
    rows = []
    for d in found:
        b = drawers.balance(session, d)
        approver = _username(d.approved_by)
        rows.append(
            {
                "branch": d.branch_id,
                "hall": branches[d.branch_id].collection_point,
                "date": d.business_day.isoformat(),
                "cashier": d.cashier,
                "cashier_name": d.cashier_name,
                "role": d.role,
                "counter": d.counter_code,
                "status": d.status,
                "float": b["float"],
                "collected": b["collected"],
                "given_back": b["given_back"],
                "money_in": b["money_in"],
                "money_out": b["money_out"],
                "expected": b["expected"],
                "counted": d.counted,
                "difference": d.difference,
                "closed_at": iso(d.closed_at),
                "approved_by": names.get(approver, approver) if d.approved_by else None,
                "approved_at": iso(d.approved_at),
                "approval_note": d.approval_note,
            }
        )
    keys = ("float", "collected", "given_back", "money_in", "money_out", "expected")
    summary: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
    counted = [r for r in rows if r["counted"] is not None]
    summary["counted"] = sum(r["counted"] for r in counted)
    summary["difference"] = sum(r["difference"] or 0 for r in counted)
    summary["drawers"], summary["open"] = len(rows), sum(r["status"] == "open" for r in rows)
    return {"rows": rows, "summary": summary}


def _returns(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> dict[str, Any]:
    """Papers that went back to invoice management (reason, who, when), and papers pulled
    for a customer that are still neither paid nor returned."""
    found = session.exec(
        select(TicketInvoice, col(Ticket.number), col(Ticket.branch_id), col(Ticket.business_day))
        .join(Ticket, col(Ticket.id) == TicketInvoice.ticket_id)
        .where(
            col(Ticket.branch_id).in_(list(branches)),
            Ticket.business_day >= days[0],
            Ticket.business_day <= days[-1],
            or_(
                TicketInvoice.pay_status == "returned",
                and_(
                    TicketInvoice.lookup_status == "found",
                    col(TicketInvoice.pay_status).in_(delivery.UNPAID),
                ),
            ),
        )
        .order_by(col(Ticket.business_day), col(Ticket.number), col(TicketInvoice.id))
    ).all()
    returned, out = [], []
    by_reason: dict[str, dict[str, Any]] = {}
    for inv, number, branch_id, day in found:
        if inv.pay_status != "returned" and not delivery.to_return(inv):
            continue
        who = _username(inv.returned_by)
        row = {
            "branch": branch_id,
            "hall": branches[branch_id].collection_point,
            "date": day.isoformat(),
            **delivery.paper(inv, number),
            "returned_by_name": names.get(who, who) if inv.returned_by else None,
        }
        if inv.pay_status == "returned":
            reason = inv.returned_reason or "other"
            row["reason_text"] = delivery.RETURN_REASONS.get(reason, reason)
            returned.append(row)
            r = by_reason.setdefault(reason, {"count": 0, "total": 0})
            r["count"] += 1
            r["total"] += inv.total
        else:
            out.append(row)
    return {
        "returned": returned,
        "to_return": out,
        "summary": {
            "returned": len(returned),
            "returned_total": sum(r["total"] for r in returned),
            "by_reason": dict(sorted(by_reason.items())),
            "to_return": len(out),
            "to_return_total": sum(r["total"] for r in out),
        },
    }


def _times(
    session: Session, branches: dict[str, Branch], days: list[dt.date], tz: ZoneInfo
) -> dict[str, Any]:
    """Waits and service times by the rules of ``stats.hourly`` (each figure in the hour
    it became known), over the whole range: by hour, by branch and day, and overall."""
    tickets = session.exec(
        select(Ticket).where(
            col(Ticket.branch_id).in_(list(branches)),
            Ticket.business_day >= days[0],
            Ticket.business_day <= days[-1],
        )
    ).all()
    hours: dict[int, stats.Figures] = {}
    per_day: dict[tuple[str, dt.date], stats.Figures] = {}
    overall = stats.Figures()
    # priority customers and the others apart (docs/priority.md)
    lanes = {k: stats.Figures() for k in stats.LANES}

    def hour(at: dt.datetime) -> stats.Figures:
        return hours.setdefault(at.astimezone(tz).hour, stats.Figures())

    def buckets(
        day: stats.Figures, lane: stats.Figures
    ) -> Callable[[dt.datetime], Iterable[stats.Figures]]:
        return lambda at: (hour(at), day, overall, lane)

    for t in tickets:
        day = per_day.setdefault((t.branch_id, t.business_day), stats.Figures())
        stats.observe(t, buckets(day, lanes[stats.lane_of(t)]))
    return {
        "by_hour": [{"hour": h, **hours[h].row()} for h in sorted(hours)],
        "by_day": [
            {
                "branch": bid,
                "hall": branches[bid].collection_point,
                "date": day.isoformat(),
                **per_day[(bid, day)].row(),
            }
            for bid, day in sorted(per_day)
        ],
        "by_lane": [{"lane": k, **v.row()} for k, v in lanes.items()],
        "overall": overall.row(),
    }


def _closures(
    session: Session, branches: dict[str, Branch], days: list[dt.date], names: dict[str, str]
) -> list[dict[str, Any]]:
    rows = session.exec(
        select(DayClosure)
        .where(
            col(DayClosure.branch_id).in_(list(branches)),
            DayClosure.business_day >= days[0],
            DayClosure.business_day <= days[-1],
        )
        .order_by(col(DayClosure.business_day), col(DayClosure.branch_id))
    ).all()
    return [
        {
            "branch": c.branch_id,
            "hall": branches[c.branch_id].collection_point,
            "date": c.business_day.isoformat(),
            "closed_at": iso(c.closed_at),
            "closed_by": c.closed_by,
            "closed_by_name": names.get(_username(c.closed_by), _username(c.closed_by)),
            "summary": json.loads(c.summary),
        }
        for c in rows
    ]


def build(
    session: Session,
    level: str,
    scope: Iterable[Branch],
    days: list[dt.date],
    tz: ZoneInfo,
    cmis: Mapping[tuple[str, dt.date], CmisDay],
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """The report of ``scope`` (the branches of the level) over ``days`` (from
    ``check_range``); ``cmis`` holds CMIS's list for each branch and day."""
    branches = {b.id: b for b in scope}
    names = _names(session)
    payments = _payments(session, list(branches), days)
    customers = _customer_names(session, payments)
    rows = [
        _transaction(
            p, branches[p.branch_id], tz, names, customers.get((p.ticket_id, p.customer_code), "")
        )
        for p in payments
    ]
    closures = _closures(session, branches, days, names)
    closed = {(c["branch"], c["date"]) for c in closures}
    money = _money(rows, branches)
    for r in money["by_day"]:
        r["closed"] = (r["branch"], r["date"]) in closed
    return {
        "level": level,
        "from": days[0].isoformat(),
        "to": days[-1].isoformat(),
        "days": len(days),
        "timezone": str(tz),
        "generated_at": iso(generated_at),
        "branches": [
            {"id": b.id, "name": b.name, "hall": b.collection_point} for b in branches.values()
        ],
        "halls": sorted({b.collection_point for b in branches.values()}),
        **money,
        "transactions": rows,
        "reconciliation": _reconciliation(payments, list(branches.values()), days, cmis),
        "drawers": _drawers(session, branches, days, names),
        "movements": _movements(session, branches, days, names),
        "returns": _returns(session, branches, days, names),
        "times": _times(session, branches, days, tz),
        "closures": closures,
    }


def money_of_days(
    session: Session, scope: Iterable[Branch], days: list[dt.date], tz: ZoneInfo
) -> dict[str, Any]:
    """The money part of ``build`` alone (payments by cashier, counter, branch; money
    movements; drawers), by the report's own rules: the company view's live figures
    (``qms.usecases.company``) are the report's, only cheaper to ask every second."""
    branches = {b.id: b for b in scope}
    names = _names(session)
    rows = [
        _transaction(p, branches[p.branch_id], tz, names, "")
        for p in _payments(session, list(branches), days)
    ]
    return {
        **_money(rows, branches),
        "movements": _movements(session, branches, days, names),
        "drawers": _drawers(session, branches, days, names),
    }
