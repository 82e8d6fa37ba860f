"""Orders as the pages and papers see them, and the lookups every field rule shares."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

from sqlmodel import col, select

from qms.domain.clock import iso
from qms.domain.errors import Forbidden, NotFound
from qms.domain.tx import Tx
from qms.storage.models import Crew, FieldOrder, FieldRound, User

KINDS = ("cut", "reconnect")
#: an order's life: open (nobody's) -> assigned -> done | not_done; or cancelled first
STATUSES = ("open", "assigned", "done", "not_done", "cancelled")
ROUND_STATUSES = ("open", "closed")
#: a supply change reported to CMIS: pending -> posted | refused
SUPPLY_STATUSES = ("pending", "posted", "refused")
#: an order still to be worked: a result or a cancellation ends it
LIVE = ("open", "assigned")
#: why a crew did not cut (or reconnect), as typed on the phone
NOT_DONE_REASONS = ("paid_on_spot", "absent", "inaccessible", "refused", "wrong_address")
#: why an order was cancelled before any result
CANCEL_REASONS = ("paid_at_counter", "paid_meanwhile", "paid_elsewhere", "off_list", "withdrawn")

_HOUSE = re.compile(r"^\s*(?:s[ốo]\s*)?(\d+)([^\s,]*)[\s,]+(.*)$", re.IGNORECASE)


class _Unaccented(dict[int, str]):
    """Each character without its accents, worked out once (NFD is per character): a
    board of 5,000 addresses folds them all at every read."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            plain = "d" if ch == "đ" else "D"
        else:
            plain = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            )
        self[code] = plain
        return plain


_UNACCENTED = _Unaccented()


def fold(text: str) -> str:
    """Lower case without accents: "Lê Lợi" and "LE LOI" sort together."""
    return text.translate(_UNACCENTED).casefold()


@lru_cache(maxsize=1 << 14)
def route_key(book_code: str, address: str) -> tuple[Any, ...]:
    """The order a crew walks a book: by street, then house number ("12/3 Lê Lợi" after
    "12 Lê Lợi", before "14 Lê Lợi"); an address with no number goes after its street.
    Kept for a day's list: the board, the plan and each crew's route sort the same
    addresses again and again."""
    m = _HOUSE.match(address)
    if m is None:
        return (book_code, fold(address), 1, 0, "")
    number, rest, street = m.groups()
    return (book_code, fold(street), 0, int(number[:9]), fold(rest))


def public(o: FieldOrder, crew: Crew | None = None) -> dict[str, Any]:
    """An order as the pages, the API and the papers read it."""
    return {
        "id": o.id,
        "kind": o.kind,
        "round_id": o.round_id,
        "business_day": o.business_day.isoformat(),
        "customer_code": o.customer_code,
        "customer_name": o.customer_name,
        "address": o.address,
        "unit": o.unit,
        "book_code": o.book_code,
        "periods": o.periods,
        "overdue": o.overdue,
        "oldest_due": o.oldest_due.isoformat() if o.oldest_due else None,
        "status": o.status,
        "crew": crew.code if crew else None,
        "route_no": o.route_no,
        "assigned_at": iso(o.assigned_at),
        "reason": o.reason,
        "receipt_no": o.receipt_no,
        "note": o.note,
        "done_at": iso(o.done_at),
        "result_at": iso(o.result_at),
        "done_by": o.done_by,
        "created_at": iso(o.created_at),
        "paid_at": iso(o.paid_at),
        "deadline": iso(o.deadline),
        "payments": json.loads(o.payments) if o.payments else [],
        "cmis_error": json.loads(o.cmis_error) if o.cmis_error else None,
    }


def past_due(due: dt.date | None, day: dt.date) -> bool:
    """CMIS's own test of an unpaid invoice for a cut (``061``) and a reconnection
    (``062``): past its due date on ``day``. Without a due date it counts as overdue: it
    must be paid before the supply comes back."""
    return due is None or due < day


def crew_public(c: Crew, names: dict[str, str] | None = None) -> dict[str, Any]:
    members = json.loads(c.members)
    return {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "active": c.active,
        "members": [{"username": m, "full_name": (names or {}).get(m, m)} for m in members],
    }


def crews_by_id(tx: Tx) -> dict[int, Crew]:
    found = tx.session.exec(select(Crew).where(Crew.branch_id == tx.branch_id)).all()
    return {c.id: c for c in found if c.id is not None}


def many(tx: Tx, orders: list[FieldOrder]) -> list[dict[str, Any]]:
    crews = crews_by_id(tx)
    return [public(o, crews.get(o.crew_id or 0)) for o in orders]


def get(tx: Tx, order_id: int) -> FieldOrder:
    """An order of this branch, or ``unknown_order``."""
    o = tx.session.get(FieldOrder, order_id)
    if o is None or o.branch_id != tx.branch_id:
        raise NotFound(f"no field order {order_id}", code="unknown_order", order=order_id)
    return o


def today_round(tx: Tx) -> FieldRound | None:
    return tx.session.exec(
        select(FieldRound).where(
            FieldRound.branch_id == tx.branch_id, FieldRound.business_day == tx.business_day
        )
    ).first()


def my_crew(tx: Tx) -> Crew:
    """The active crew the acting person is a member of, or ``not_in_crew``."""
    name = tx.actor.label.partition(":")[2]
    for c in tx.session.exec(
        select(Crew).where(Crew.branch_id == tx.branch_id, col(Crew.active).is_(True))
    ).all():
        if name in json.loads(c.members):
            return c
    raise Forbidden(
        f"{name} is in no crew of this branch: ask the team leader",
        code="not_in_crew",
        user=name,
    )


def crew_papers(tx: Tx, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A crew (with its members' names) and the orders its papers carry: the ones still
    to do, in route order."""
    crew = tx.session.exec(
        select(Crew).where(Crew.branch_id == tx.branch_id, Crew.code == code)
    ).first()
    if crew is None:
        raise NotFound(f"no crew {code}", code="unknown_crew", crew=code)
    people = tx.session.exec(select(User).where(User.branch_id == tx.branch_id)).all()
    names = {u.username: u.full_name or u.username for u in people}
    mine = tx.session.exec(
        select(FieldOrder).where(FieldOrder.crew_id == crew.id, col(FieldOrder.status).in_(LIVE))
    ).all()
    ordered = sorted(mine, key=lambda o: (o.route_no or 0, o.id or 0))
    return crew_public(crew, names), [public(o, crew) for o in ordered]
