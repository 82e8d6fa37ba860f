"""Atomic per-key counters (event seq, ticket numbers, the run of priority calls) as one
upsert ... RETURNING.

The row lock taken by the upsert serialises writers of a branch until commit, so numbers
are never shared and seq order is commit order, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam
from sqlmodel import Session, select

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PgInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

from qms.storage.models import CallStreak, SeqCounter, TicketNumber


@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], column: str) -> Any:
    """Built once per counter: building the statement cost more than running it."""
    stmt: PgInsert | SqliteInsert
    if dialect == "postgresql":  # imported only there: ~2 MiB a SQLite hall never needs
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    col = table.c[column]
    return (
        stmt.values({**{k: bindparam(k) for k in keys}, column: 1})
        .on_conflict_do_update(index_elements=list(keys), set_={column: col + 1})
        .returning(col)
    )


def _bump(session: Session, model: Any, keys: dict[str, Any], column: str) -> int:
    conn = session.connection()
    stmt = _upsert(conn.dialect.name, model.__table__, tuple(keys), column)
    return int(conn.execute(stmt, keys).scalar_one())


def next_seq(session: Session, branch_id: str) -> int:
    return _bump(session, SeqCounter, {"branch_id": branch_id}, "last_seq")


def next_ticket_number(session: Session, branch_id: str, day: dt.date) -> int:
    return _bump(
        session, TicketNumber, {"branch_id": branch_id, "business_day": day}, "last_number"
    )


def priority_call(session: Session, branch_id: str, day: dt.date) -> int:
    """One more priority call in a row: the fairness bound's count (docs/priority.md)."""
    return _bump(
        session, CallStreak, {"branch_id": branch_id, "business_day": day}, "priority_in_row"
    )


def lock_branch(session: Session, branch_id: str) -> None:
    """Serialise a branch's writers on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).

    Hall traffic is hundreds of changes a second at most; one row lock per branch keeps
    every check-then-act (counter busy? ticket waiting?) simple and correct.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    session.execute(
        pg_insert(SeqCounter).values(branch_id=branch_id, last_seq=0).on_conflict_do_nothing()
    )
    session.execute(
        select(SeqCounter.last_seq).where(SeqCounter.branch_id == branch_id).with_for_update()
    )
