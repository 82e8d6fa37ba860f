"""The schema brought to head without Alembic in the serving process.

Importing Alembic (with Mako) would hold ~11 MiB, a seventh of an idle server's memory,
for as long as the process lives, yet it is needed only when a migration is due: the
first start, and the first after an upgrade. So the head is read from the migration
files' own ``revision`` and ``down_revision`` lines (``head_revisions``; a test checks it
against Alembic's). A server checks ``alembic_version`` against the head of
``qms/storage/migrations/versions`` with one query and, only when behind, runs
``qms.storage.db.create_schema`` in a short child process (``python -m qms.storage.migrate``), which
leaves with its imports. ``create_schema`` stays the one place migrations run, and it is
safe when several processes start at once.
"""

from __future__ import annotations

import ast
import logging
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from qms.process import cpu

log = logging.getLogger(__name__)
VERSIONS = Path(__file__).parent / "migrations" / "versions"
_URL_ENV = "QMS_MIGRATE_URL"
_LEVEL_ENV = "QMS_MIGRATE_LOG_LEVEL"


class MigrationFailed(RuntimeError):
    """The migrations child failed; its own error is on stderr above."""


def _assigned(path: Path) -> dict[str, object]:
    """A migration's top-level constant assignments (revision, down_revision, …)."""
    out: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return out


@cache
def head_revisions() -> frozenset[str]:
    """The revisions no other migration comes down from (Alembic's ``heads``)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        found = _assigned(path)
        revision = found.get("revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        down = found.get("down_revision")
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(d for d in down if isinstance(d, str))
    return frozenset(revisions - parents)


def current_revisions(engine: Engine) -> frozenset[str] | None:
    """What ``alembic_version`` holds; None when the table is missing (a new database,
    or one made before migrations)."""
    # DEFERRED: a read, which must not take SQLite's write lock (qms.db's begin listener)
    with engine.connect().execution_options(qms_begin="DEFERRED") as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(str(r[0]) for r in rows)


def at_head(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def _in_memory(engine: Engine) -> bool:
    url = engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _create_new(engine: Engine) -> bool:
    """A database without any table gets the models' tables and is stamped at head, in
    one transaction and without Alembic (Alembic's cookbook for a database built from
    scratch: ``create_all``, then stamp). The migrations' tests keep the two schemas
    equal. False when another process made tables first: the migrations decide then."""
    from sqlmodel import SQLModel

    from qms.storage.db import SCHEMA_LOCK  # and with it the models' tables

    with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: one process at a time
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        if inspect(conn).get_table_names():
            return False
        SQLModel.metadata.create_all(conn)
        conn.execute(
            text(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
        for revision in sorted(head_revisions()):
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": revision})
    return True


def ensure_schema(engine: Engine) -> None:
    """At head already: nothing more (no Alembic import). A new, empty database: made at
    head here. Behind: migrate in a child process, or here for an in-memory SQLite
    database, which no other process can see."""
    if at_head(engine):
        return
    if current_revisions(engine) is None and _create_new(engine):
        return
    if _in_memory(engine):
        from qms.storage import db

        db.create_schema(engine)
        return
    log.info("database schema behind %s: running the migrations", sorted(head_revisions()))
    env = {
        **os.environ,
        _URL_ENV: engine.url.render_as_string(hide_password=False),
        _LEVEL_ENV: logging.getLevelName(logging.getLogger().getEffectiveLevel()),
    }
    done = subprocess.run([sys.executable, "-m", "qms.storage.migrate"], env=env, check=False)
    if done.returncode != 0:
        raise MigrationFailed(f"the database migrations failed (exit code {done.returncode})")
    engine.dispose()  # connections opened before the migration saw the old schema
    if not at_head(engine):
        raise MigrationFailed("the migrations ran but the database is still not at head")


def main() -> None:
    """The child: migrate the database named in the environment (never on argv, which
    other users can read)."""
    cpu.release()  # off the server's core
    from qms.storage import db

    logging.basicConfig(
        level=os.environ.get(_LEVEL_ENV, "WARNING"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    engine = db.make_engine(os.environ[_URL_ENV])
    try:
        db.create_schema(engine)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
