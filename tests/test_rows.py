"""The hot paths write rows as Core statements (qms/storage/rows.py): a row written that way must
read back through the ORM exactly as if the ORM had written it, defaults included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qms.domain.clock import Clock
from qms.storage import db, rows
from qms.storage.models import DeviceJob, Ticket


def test_a_core_row_reads_back_as_the_orm_would_have_written_it(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'qms.db'}")
    db.create_schema(engine)
    now = Clock().now()
    fields = dict(
        branch_id="PE0100", business_day=now.date(), number=7, issued_at=now, issued_by="k"
    )
    core = rows.new(Ticket, **fields)
    # the dict itself holds every column: ticket_view reads the state from it
    assert set(core) == set(Ticket.model_fields)
    assert (core["status"], core["recalls"], core["called_at"]) == ("waiting", 0, None)
    with db.write_session(engine) as s:
        key = rows.insert(s, Ticket, core)
        orm = Ticket(**{**fields, "number": 8})
        s.add(orm)
    assert core["id"] == key and core["follow_token"] != orm.follow_token
    with db.read_session(engine) as s:
        mine, theirs = s.get(Ticket, key), s.get(Ticket, orm.id)
    assert mine is not None and theirs is not None
    a, b = mine.model_dump(), theirs.model_dump()
    for differs in ("id", "number", "follow_token"):
        a.pop(differs), b.pop(differs)
    assert a == b  # status, recalls, nullable times: the model's defaults
    assert mine.issued_at == now and mine.issued_at.tzinfo is not None
    engine.dispose()


def test_an_update_by_key_writes_only_what_it_names(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'qms.db'}")
    db.create_schema(engine)
    now = Clock().now()
    job = rows.new(
        DeviceJob, branch_id="PE0100", target="p", kind="print", document="ticket",
        payload="{}", created_at=now,
    )  # fmt: skip
    with db.write_session(engine) as s:
        rows.insert(s, DeviceJob, job)
        rows.update(s, DeviceJob, job["id"], status="done", done_at=now + dt.timedelta(seconds=1))
    with db.read_session(engine) as s:
        got = s.get(DeviceJob, job["id"])
    assert got is not None
    assert (got.status, got.attempts, got.payload) == ("done", 0, "{}")
    assert got.done_at == now + dt.timedelta(seconds=1)
    engine.dispose()


def test_a_row_missing_a_required_column_is_refused_before_the_database() -> None:
    with pytest.raises(TypeError, match="issued_by"):
        rows.new(Ticket, branch_id="PE0100", business_day=dt.date(2026, 12, 2), number=1)
