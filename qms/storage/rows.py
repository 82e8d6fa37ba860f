"""Rows written on the hot paths (a ticket, its event, its print job) as plain Core
statements instead of ORM objects and a unit-of-work flush.

Building a SQLModel table object and flushing it costs several times the INSERT itself
(attribute instrumentation, the flush's dependency sort, a statement built per flush);
a kiosk's ticket writes eight rows, and the device worker two statuses per print job.
Here a row is a dict holding every column, defaults filled in as the model declares
them, so what is written is what the ORM would have written; ``view`` gives it the
attribute access that ``ticket_view`` and ``device_jobs.public`` read.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import SimpleNamespace
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Insert, Table, Update, bindparam
from sqlmodel import Session, SQLModel

Row = dict[str, Any]


@cache
def _defaults(model: type[SQLModel]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """The model's plain defaults, and the fields whose default comes from a factory."""
    plain: dict[str, Any] = {}
    factories: list[tuple[str, Any]] = []
    for name, field in model.model_fields.items():
        if field.default_factory is not None:
            factories.append((name, field.default_factory))
        elif field.default is not PydanticUndefined:
            plain[name] = field.default
    return plain, tuple(factories)


def new(model: type[SQLModel], **values: Any) -> Row:
    """A row of ``model`` with every column: the values given over the model's defaults."""
    plain, factories = _defaults(model)
    row = {**plain, **values}
    for name, factory in factories:
        if name not in row:
            row[name] = factory()
    missing = model.model_fields.keys() - row.keys()
    if missing:
        raise TypeError(f"{model.__name__} row without {', '.join(sorted(missing))}")
    return row


def table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]  # set on table models, not typed
    assert isinstance(table, Table)
    return table


@cache
def _insert(model: type[SQLModel]) -> Insert:
    return table(model).insert()


@cache
def _update(model: type[SQLModel], columns: tuple[str, ...]) -> Update:
    t = table(model)
    return (
        t.update().where(t.c.id == bindparam("key_id")).values({c: bindparam(c) for c in columns})
    )


def insert(session: Session, model: type[SQLModel], row: Row) -> int:
    """Write one row in the session's transaction; sets and returns its new ``id``."""
    values = {k: v for k, v in row.items() if not (k == "id" and v is None)}
    result = session.connection().execute(_insert(model), values)
    key = result.inserted_primary_key
    assert key is not None
    row["id"] = key[0]
    return int(key[0])


def insert_many(session: Session, model: type[SQLModel], rows: Sequence[Row]) -> None:
    """Write several rows of one model at once (their ids are not needed afterwards)."""
    if rows:
        values = [{k: v for k, v in r.items() if k != "id"} for r in rows]
        session.connection().execute(_insert(model), values)


def update(session: Session, model: type[SQLModel], key: int, **values: Any) -> None:
    """Set some columns of the row with this ``id``, by key: nothing is loaded first."""
    stmt = _update(model, tuple(sorted(values)))
    session.connection().execute(stmt, {"key_id": key, **values})


def view(row: Row) -> Any:
    """Attribute access to a row, for code written against the model's objects."""
    return SimpleNamespace(**row)
