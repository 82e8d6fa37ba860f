"""Orders to crews: by hand, or balanced automatically by count and by book.

The automatic plan keeps each book with one crew where it can (a crew works a compact
area, one route), largest books first to the least-loaded crew; a book bigger than a
crew's fair share is cut into runs of consecutive addresses. Orders already assigned
count in each crew's load and are never moved."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy import select as core_select
from sqlmodel import col, select

from qms.domain.errors import Conflict, NotFound, Unprocessable
from qms.domain.field.commands import Assign, AutoAssign, Unassign
from qms.domain.field.orders import LIVE, many, route_key, today_round
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import Crew, FieldOrder, FieldRound

#: a book up to this much over a crew's fair share stays whole
WHOLE_BOOK_SLACK = 1.25


def plan(books: dict[str, list[int]], loads: dict[str, int]) -> dict[int, str]:
    """Which crew takes each order. ``books``: book -> its order ids in route order;
    ``loads``: crew -> orders it has already. Deterministic for the same input."""
    if not loads:
        return {}
    total = sum(len(ids) for ids in books.values()) + sum(loads.values())
    share = math.ceil(total / len(loads))
    cap = max(1, math.floor(share * WHOLE_BOOK_SLACK))
    pieces: list[tuple[str, list[int]]] = []
    for book, ids in books.items():
        if len(ids) <= cap:
            pieces.append((book, ids))
        else:  # runs of consecutive addresses, as even as the book allows
            n = math.ceil(len(ids) / share)
            size = math.ceil(len(ids) / n)
            pieces += [(book, ids[i : i + size]) for i in range(0, len(ids), size)]
    pieces.sort(key=lambda p: (-len(p[1]), p[0], p[1][0]))
    load = dict(loads)
    out: dict[int, str] = {}
    for _book, ids in pieces:
        crew = min(sorted(load), key=lambda c: load[c])
        for i in ids:
            out[i] = crew
        load[crew] += len(ids)
    return out


def _crew(tx: Tx, code: str) -> Crew:
    c = tx.session.exec(
        select(Crew).where(Crew.branch_id == tx.branch_id, Crew.code == code)
    ).first()
    if c is None:
        raise NotFound(f"no crew {code}", code="unknown_crew", crew=code)
    if not c.active:
        raise Conflict(f"crew {code} is stood down", code="crew_inactive", crew=code)
    return c


def _orders(tx: Tx, ids: tuple[int, ...]) -> list[FieldOrder]:
    found = {
        o.id: o
        for o in tx.session.exec(
            select(FieldOrder).where(
                col(FieldOrder.id).in_(ids), FieldOrder.branch_id == tx.branch_id
            )
        ).all()
    }
    for i in ids:
        if i not in found:
            raise NotFound(f"no field order {i}", code="unknown_order", order=i)
    return [found[i] for i in ids]


def _workable(tx: Tx, o: FieldOrder) -> None:
    if o.status not in LIVE:
        raise Conflict(
            f"order {o.id} is {o.status}: nothing to assign",
            code="order_finished",
            order=o.id,
            status=o.status,
        )
    if o.kind == "cut":
        r = today_round(tx)
        if r is None or r.id != o.round_id:
            raise Conflict(
                f"order {o.id} is of another day's round", code="order_of_other_day", order=o.id
            )
        if r.status == "closed":
            raise Conflict(
                "the round is closed", code="round_closed", day=r.business_day.isoformat()
            )


def route_numbers(mine: list[Any], fresh: frozenset[int] = frozenset()) -> list[tuple[Any, int]]:
    """A crew's route, numbered: its live orders (and ``fresh``, being given to it) by
    book and address, reconnections first, after the numbers of what it has done. Each
    order with its number; ``mine`` are rows or orders of the crew (live, and today's)."""
    worked = [o for o in mine if o.id not in fresh and o.status not in LIVE]
    start = max((o.route_no or 0 for o in worked), default=0)
    live = sorted(
        (o for o in mine if o.id in fresh or o.status in LIVE),
        key=lambda o: (o.kind != "reconnect", route_key(o.book_code, o.address)),
    )
    return [(o, n) for n, o in enumerate(live, start=start + 1)]


def renumber(tx: Tx, crew_id: int) -> None:
    """Number a crew's route again (``route_numbers``) after its orders changed."""
    mine = list(
        tx.session.exec(
            select(FieldOrder).where(
                FieldOrder.crew_id == crew_id,
                col(FieldOrder.status).in_(LIVE) | (FieldOrder.business_day == tx.business_day),
            )
        ).all()
    )
    for o, n in route_numbers(mine):
        if o.route_no != n:
            o.route_no = n
            tx.session.add(o)


def _give(tx: Tx, orders: list[FieldOrder], crew: Crew) -> None:
    for o in orders:
        o.crew_id, o.status, o.assigned_at = crew.id, "assigned", tx.now
        o.version += 1
        tx.session.add(o)
    tx.session.flush()
    assert crew.id is not None
    renumber(tx, crew.id)
    tx.session.flush()


def assign(tx: Tx, cmd: Assign) -> dict[str, Any]:
    """Orders to one crew. An order another crew holds is refused (unassign it first):
    one order, one crew, whoever asks at the same moment."""
    crew = _crew(tx, cmd.crew)
    orders = _orders(tx, cmd.orders)
    for o in orders:
        _workable(tx, o)
        if o.crew_id is not None and o.crew_id != crew.id:
            held = tx.session.get(Crew, o.crew_id)
            raise Conflict(
                f"order {o.id} is assigned to crew {held.code if held else o.crew_id}: "
                "unassign it first",
                code="already_assigned",
                order=o.id,
                crew=held.code if held else "",
            )
    _give(tx, orders, crew)
    shown = many(tx, orders)
    tx.emit("field.orders_assigned", {"crew": crew.code, "orders": shown})
    return {"crew": crew.code, "orders": shown}


def unassign(tx: Tx, cmd: Unassign) -> dict[str, Any]:
    orders = _orders(tx, cmd.orders)
    crews = set()
    for o in orders:
        _workable(tx, o)
        if o.crew_id is not None:
            crews.add(o.crew_id)
        o.crew_id, o.status, o.route_no, o.assigned_at = None, "open", None, None
        o.version += 1
        tx.session.add(o)
    tx.session.flush()
    for c in crews:
        renumber(tx, c)
    shown = many(tx, orders)
    tx.emit("field.orders_unassigned", {"orders": shown, "crew_ids": sorted(crews)})
    return {"orders": shown}


def auto_assign(tx: Tx, cmd: AutoAssign) -> dict[str, Any]:
    """The round's unassigned orders over the crews, balanced (``plan``), in one
    transaction (the API gives them in parts: ``usecases.field.auto_assign``)."""
    chosen = auto_plan(tx, cmd)
    for code, ids in chosen["orders"].items():
        _give_rows(tx, ids, chosen["crew_ids"][code])
    counts = {code: chosen["loads"][code] + len(ids) for code, ids in chosen["orders"].items()}
    assigned = sum(len(ids) for ids in chosen["orders"].values())
    tx.emit("field.orders_assigned", {"crews": counts, "assigned": assigned})
    return {"crews": counts, "assigned": assigned}


def auto_plan(tx: Tx, cmd: AutoAssign) -> dict[str, Any]:
    """Which crew takes each unassigned order of the round: ``orders`` (crew -> ids in
    route order), ``loads`` (crew -> live orders it holds already), ``crew_ids``. A round
    is thousands of orders: they are read as rows, not as objects."""
    r = _open_round(tx)
    if cmd.crews:
        crews = [_crew(tx, code) for code in cmd.crews]
    else:
        crews = list(
            tx.session.exec(
                select(Crew).where(Crew.branch_id == tx.branch_id, col(Crew.active).is_(True))
            ).all()
        )
    if not crews:
        raise Unprocessable("no crew to assign to: add a crew first", code="no_crews")
    t = rows.table(FieldOrder)
    by_id = {c.id: c.code for c in crews}
    loads = {c.code: 0 for c in crews}
    for crew_id, n in tx.session.execute(
        core_select(t.c.crew_id, func.count())
        .where(t.c.round_id == r.id, t.c.crew_id.in_(list(by_id)), t.c.status.in_(LIVE))
        .group_by(t.c.crew_id)
    ).all():
        loads[by_id[crew_id]] = n
    books: dict[str, list[Any]] = defaultdict(list)
    for o in tx.session.execute(
        core_select(t.c.id, t.c.book_code, t.c.address).where(
            t.c.round_id == r.id, t.c.status == "open", t.c.crew_id.is_(None)
        )
    ).all():
        books[o.book_code].append(o)
    for b in books.values():
        b.sort(key=lambda o: route_key(o.book_code, o.address))
    chosen = plan({b: [o.id for o in os] for b, os in sorted(books.items())}, loads)
    per_crew: dict[str, list[int]] = {c.code: [] for c in crews}
    first: dict[str, tuple[Any, ...]] = {}
    for _book, os in sorted(books.items()):  # each crew's orders in route order: its parts
        for o in os:
            code = chosen[o.id]
            per_crew[code].append(o.id)
            first.setdefault(code, route_key(o.book_code, o.address))
    return {
        "orders": per_crew,
        "loads": loads,
        "crew_ids": {c.code: c.id for c in crews},
        "on_the_end": _on_the_end(tx, by_id, per_crew, first),
    }


def _on_the_end(
    tx: Tx, by_id: dict[Any, str], per_crew: dict[str, list[int]], first: dict[str, Any]
) -> dict[str, int]:
    """The crews whose new orders all come after the cut orders they hold (the usual day:
    each pull's books after the last one's), with the live orders they will then hold:
    their route stays in order with the new orders numbered on the end, and is not
    sorted again (``give_part``). Where a new order comes between, the crew is left out."""
    t = rows.table(FieldOrder)
    held = {code: 0 for code in per_crew}
    last: dict[str, tuple[Any, ...]] = {}
    for o in tx.session.execute(
        core_select(t.c.crew_id, t.c.kind, t.c.book_code, t.c.address).where(
            t.c.crew_id.in_(list(by_id)), t.c.status.in_(LIVE)
        )
    ).all():
        code = by_id[o.crew_id]
        held[code] += 1
        if o.kind == "cut" and code in first:
            key = route_key(o.book_code, o.address)
            if code not in last or last[code] < key:
                last[code] = key
    return {
        code: held[code] + len(per_crew[code])
        for code in per_crew
        if code in first and (code not in last or last[code] < first[code])
    }


def give_part(
    tx: Tx,
    code: str,
    ids: list[int],
    part: int,
    parts: int,
    last: bool = True,
    expect: int | None = None,
) -> dict[str, Any]:
    """One part of a balanced assignment: ``ids`` to crew ``code``, those still open and
    nobody's (one taken by hand meanwhile stays where it is), in their own transaction.
    A part's orders go on the end of the crew's route (a crew of thousands is not sorted
    again at every part). At its ``last`` part the route is numbered again, unless the
    plan found the new orders all after the old (``expect``: the live orders the crew
    then holds) and nothing else changed the crew's orders meanwhile."""
    r = _open_round(tx)
    crew = _crew(tx, code)
    assert crew.id is not None
    t = rows.table(FieldOrder)
    free = {
        i
        for (i,) in tx.session.execute(
            core_select(t.c.id).where(
                t.c.id.in_(ids), t.c.round_id == r.id, t.c.status == "open", t.c.crew_id.is_(None)
            )
        ).all()
    }
    still = [i for i in ids if i in free]  # in the plan's route order
    if last and expect is not None:
        _give_rows(tx, still, crew.id, renumber=False)
        live = tx.session.execute(
            core_select(func.count())
            .select_from(t)
            .where(t.c.crew_id == crew.id, t.c.status.in_(LIVE))
        ).scalar_one()
        if live != expect:  # taken, given or worked by hand meanwhile: sort it again
            _give_rows(tx, [], crew.id)
    else:
        _give_rows(tx, still, crew.id, renumber=last)
    held = tx.session.execute(
        core_select(func.count())
        .select_from(t)
        .where(t.c.crew_id == crew.id, t.c.round_id == r.id, t.c.status.in_(LIVE))
    ).scalar_one()
    out = {"crews": {code: held}, "assigned": len(still), "part": part, "parts": parts}
    tx.emit("field.orders_assigned", out)
    return out


def _open_round(tx: Tx) -> FieldRound:
    r = today_round(tx)
    if r is None:
        raise Conflict("pull today's list first", code="no_round")
    if r.status == "closed":
        raise Conflict("the round is closed", code="round_closed", day=r.business_day.isoformat())
    return r


def _give_rows(tx: Tx, new: list[int], crew_id: int, *, renumber: bool = True) -> None:
    """``new`` (open orders) to a crew, and the crew's route numbered again as ``renumber``
    does, in two statements of many rows each; without ``renumber``, ``new`` (in route
    order) are numbered after the crew's last number."""
    t = rows.table(FieldOrder)
    if not renumber:
        last = tx.session.execute(
            core_select(func.max(t.c.route_no)).where(t.c.crew_id == crew_id)
        ).scalar_one()
        given = [{"oid": oid, "n": (last or 0) + k} for k, oid in enumerate(new, 1)]
        _update_given(tx, given, crew_id)
        return
    fresh = frozenset(new)
    mine = tx.session.execute(
        core_select(t.c.id, t.c.kind, t.c.status, t.c.book_code, t.c.address, t.c.route_no).where(
            or_(
                (t.c.crew_id == crew_id)
                & (t.c.status.in_(LIVE) | (t.c.business_day == tx.business_day)),
                t.c.id.in_(new),
            )
        )
    ).all()
    given, moved = [], []
    for o, n in route_numbers(list(mine), fresh):
        if o.id in fresh:
            given.append({"oid": o.id, "n": n})
        elif o.route_no != n:
            moved.append({"oid": o.id, "n": n})
    _update_given(tx, given, crew_id)
    if moved:
        tx.session.connection().execute(
            update(t).where(t.c.id == bindparam("oid")).values(route_no=bindparam("n")), moved
        )


def _update_given(tx: Tx, given: list[dict[str, int]], crew_id: int) -> None:
    """Open orders (``oid``) to a crew with their route numbers (``n``), in one statement."""
    if not given:
        return
    t = rows.table(FieldOrder)
    tx.session.connection().execute(
        update(t)
        .where(t.c.id == bindparam("oid"), t.c.status == "open", t.c.crew_id.is_(None))
        .values(
            crew_id=crew_id,
            status="assigned",
            assigned_at=tx.now,
            route_no=bindparam("n"),
            version=t.c.version + 1,
        ),
        given,
    )
