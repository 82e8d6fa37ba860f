"""Engine and transactions for SQLite (WAL) and PostgreSQL.

SQLite write transactions start with ``BEGIN IMMEDIATE`` so that two processes never both
read then both write (the cause of duplicate numbers and of ``database is locked`` on lock
upgrade); reads start deferred and, under WAL, never wait for a writer.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlmodel import Session

from qms.domain.errors import BadRequest, QmsError, StoreUnavailable
from qms.storage import models  # noqa: F401  (registers the tables

log = logging.getLogger(__name__)
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=8,
        )
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # sqlite3's, untyped by the event
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("qms_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


MIGRATIONS = Path(__file__).parent / "migrations"
#: the schema as it stood when migrations began: a database without alembic_version but
#: with tables was made then, by create_all
BASELINE = "0001"
#: the PostgreSQL advisory lock held while a process brings the schema to head
SCHEMA_LOCK = 7460001


def create_schema(engine: Engine) -> None:
    """Bring the database to the latest schema with the Alembic migrations in
    ``qms/migrations``; safe when several processes start at once."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:  # on SQLite, BEGIN IMMEDIATE: one process at a time
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        cfg.attributes["connection"] = conn
        tables = inspect(conn)
        if tables.has_table("ticket") and not tables.has_table("alembic_version"):
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")


class CommitUncertain(Exception):
    """The database went away during COMMIT: the change may or may not be stored, so it
    must not be run again blindly."""


def lost_connection(exc: BaseException) -> bool:
    """The database dropped or refused the connection (not a constraint or a bad query):
    a transaction that failed this way before its commit changed nothing."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def unavailable(exc: BaseException) -> QmsError | None:
    """The refusal a user gets for a database failure, or None for a bug (a constraint,
    a bad query) that must stay a crash."""
    if isinstance(exc, DataError):  # an amount past PostgreSQL's integer column, say
        return BadRequest(
            "a number is larger than the database keeps: nothing was changed",
            code="value_out_of_range",
        )
    if isinstance(exc, CommitUncertain):
        return StoreUnavailable(
            "the connection to the database was lost while saving: look before trying again",
            applied="unknown",
        )
    if isinstance(exc, OperationalError) or lost_connection(exc):
        return StoreUnavailable(
            "the database is not answering: nothing was changed, try again in a moment",
            applied="no",
        )
    return None


def retrying(work: Callable[[], T]) -> T:
    """Run one transaction, and once more if the connection was lost before its commit
    (a PostgreSQL restart or a killed backend: the pool reconnects). Other database
    failures become ``StoreUnavailable``."""
    for attempt in (1, 2):
        try:
            return work()
        except (DBAPIError, CommitUncertain) as exc:
            if attempt == 1 and lost_connection(exc):
                log.warning("database connection lost; running the transaction again")
                continue
            refusal = unavailable(exc)
            if refusal is None:
                raise
            log.warning("database refused the transaction: %s", exc)
            raise refusal from exc
    raise AssertionError("unreachable")


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        try:
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            if lost_connection(exc):
                raise CommitUncertain(str(exc.orig)) from exc
            raise


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A consistent read (one deferred transaction on SQLite)."""
    conn = engine.connect().execution_options(qms_begin="DEFERRED")
    try:
        with Session(bind=conn) as session:
            yield session  # closing detaches objects with their loaded values intact
    finally:
        conn.close()
