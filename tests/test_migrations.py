"""The schema comes from the Alembic migrations, the same on SQLite and PostgreSQL: a new
database ends equal to the models, a database made before migrations is taken over with
its rows, and the migrations go down and up again."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from qms.storage import db, migrate


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
        assert MigrationContext.configure(conn).get_current_revision() == "0016"
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


def test_the_head_is_read_from_the_migration_files() -> None:
    script = ScriptDirectory.from_config(_cfg_script())
    assert migrate.head_revisions() == frozenset(script.get_heads())


def _cfg_script() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    return cfg


def test_a_server_migrates_in_a_child_and_skips_alembic_at_head(url: str) -> None:
    """What a serving process does (qms.storage.migrate): a new database is made at head from the
    models, without Alembic, and is then a database Alembic migrates like any other; at
    head, one query and no Alembic import at all. (Behind: a child, the test below.)"""
    probe = (
        "import sys; from qms.storage import db, migrate; "
        f"e = db.make_engine({url!r}); migrate.ensure_schema(e); "
        "print(migrate.at_head(e), 'alembic' in sys.modules)"
    )
    for _ in ("new database", "already at head"):
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
        assert out == ["True", "False"]
    engine = db.make_engine(url)
    assert _drift(engine) == []
    with engine.connect() as conn:  # made from the models, Alembic knows it at head…
        assert MigrationContext.configure(conn).get_current_revision() == "0016"
    with engine.begin() as conn:  # …and its migrations run on it both ways
        command.downgrade(_cfg(conn), db.BASELINE)
        command.upgrade(_cfg(conn), "head")
    assert _drift(engine) == []
    engine.dispose()


def test_a_database_from_before_migrations_is_taken_over_by_the_child(url: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_cfg(conn), db.BASELINE)
        conn.execute(sa.text("DROP TABLE alembic_version"))
    assert migrate.current_revisions(engine) is None
    migrate.ensure_schema(engine)
    assert migrate.at_head(engine)
    assert _drift(engine) == []
    engine.dispose()
