"""Crews: who works together in the field. A crew person belongs to one active crew, so
a phone signed in as them sees that crew's orders and no other's."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from qms.domain.errors import Conflict, Unprocessable
from qms.domain.field.commands import SaveCrew
from qms.domain.field.orders import LIVE, crew_public
from qms.domain.tx import Tx
from qms.storage.models import Crew, FieldOrder, User


def names(tx: Tx) -> dict[str, str]:
    people = tx.session.exec(select(User).where(User.branch_id == tx.branch_id)).all()
    return {u.username: u.full_name or u.username for u in people}


def listing(tx: Tx) -> list[dict[str, Any]]:
    known = names(tx)
    found = tx.session.exec(
        select(Crew).where(Crew.branch_id == tx.branch_id).order_by(col(Crew.code))
    ).all()
    return [crew_public(c, known) for c in found]


def save(tx: Tx, cmd: SaveCrew) -> dict[str, Any]:
    """Create a crew or change its name, members or whether it works; a crew with orders
    still to do cannot be stood down (assign them elsewhere first)."""
    people = {
        u.username: u
        for u in tx.session.exec(select(User).where(col(User.username).in_(cmd.members))).all()
    }
    for m in cmd.members:
        u = people.get(m)
        if u is None or u.branch_id != tx.branch_id or u.role != "crew" or not u.active:
            raise Unprocessable(
                f"{m} is not a crew person of this branch",
                code="not_crew_member",
                user=m,
            )
    crew = tx.session.exec(
        select(Crew).where(Crew.branch_id == tx.branch_id, Crew.code == cmd.code)
    ).first()
    if cmd.active:
        for other in tx.session.exec(
            select(Crew).where(Crew.branch_id == tx.branch_id, col(Crew.active).is_(True))
        ).all():
            if other.code == cmd.code:
                continue
            taken = set(json.loads(other.members)) & set(cmd.members)
            if taken:
                raise Conflict(
                    f"{sorted(taken)[0]} is already in crew {other.code}",
                    code="member_in_other_crew",
                    user=sorted(taken)[0],
                    crew=other.code,
                )
    if crew is None:
        crew = Crew(
            branch_id=tx.branch_id,
            code=cmd.code,
            name=cmd.name,
            members=json.dumps(list(cmd.members)),
            active=cmd.active,
            created_at=tx.now,
        )
    else:
        if crew.active and not cmd.active:
            busy = tx.session.exec(
                select(FieldOrder.id).where(
                    FieldOrder.crew_id == crew.id, col(FieldOrder.status).in_(LIVE)
                )
            ).first()
            if busy is not None:
                raise Conflict(
                    f"crew {crew.code} still has orders to do: assign them to another crew",
                    code="crew_has_orders",
                    crew=crew.code,
                )
        crew.name, crew.members, crew.active = cmd.name, json.dumps(list(cmd.members)), cmd.active
    tx.session.add(crew)
    tx.session.flush()
    out = crew_public(crew, names(tx))
    tx.emit("field.crew_saved", {"crew": out})
    return out
