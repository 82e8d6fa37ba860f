"""The schema comes from the Alembic migrations, the same on SQLite and PostgreSQL: a new
database ends equal to the models, a database made before migrations is taken over with
its rows, and the migrations go down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from qms import db


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qms.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def _cfg(conn: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def _drift(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), SQLModel.metadata))


def test_a_new_database_matches_the_models(url: str) -> None:
    engine = db.make_engine(url)
    db.create_schema(engine)
    db.create_schema(engine)  # a second start changes nothing
    assert _drift(engine) == []
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0003"
    engine.dispose()


def test_a_database_from_before_migrations_is_taken_over(url: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_cfg(conn), db.BASELINE)
        conn.execute(sa.text("DROP TABLE alembic_version"))  # as create_all left it
        conn.execute(sa.text("INSERT INTO seqcounter (branch_id, last_seq) VALUES ('PE0100', 41)"))
    db.create_schema(engine)
    assert _drift(engine) == []
    with engine.connect() as conn:
        seq = conn.execute(sa.text("SELECT last_seq FROM seqcounter")).scalar_one()
    assert seq == 41, "the rows survive"
    engine.dispose()


def test_migrations_go_down_and_up_again(url: str) -> None:
    engine = db.make_engine(url)
    db.create_schema(engine)
    with engine.begin() as conn:
        command.downgrade(_cfg(conn), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    db.create_schema(engine)
    assert _drift(engine) == []
    engine.dispose()
