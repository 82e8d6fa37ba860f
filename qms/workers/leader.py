"""One process per database runs the background workers (CMIS poster, debt fetcher,
device jobs), however many server processes share it: the one holding the lock.

PostgreSQL: a session advisory lock on a connection of its own, checked every few
seconds; if that connection dies the lock is gone, the workers stop, and whoever takes
the lock next starts them. SQLite: an exclusive ``flock`` on a file beside the database.
A process that is not the leader tries again every few seconds, so a dead leader is
replaced within that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
LOCK_KEY = 7460002  # pg_advisory_lock key of the workers' leader
RETRY_S = 2.0
CHECK_S = 0.25  # how often a leader checks that it still holds its lock
HANDOVER_CHECKS = 4  # a new leader lets this many of the old one's checks pass first


class _PgLock:
    can_be_lost = True  # with the session that holds it

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Any = None

    def acquire(self) -> bool:
        conn = self.engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
            row = cur.fetchone()
            assert row is not None  # SELECT of a function: one row
            got = bool(row[0])
            conn.commit()
        except Exception:
            conn.invalidate()
            raise
        if got:
            self.conn = conn
        else:
            conn.close()
        return got

    def alive(self) -> bool:
        try:
            cur = self.conn.cursor()
            cur.execute("SELECT 1")
            cur.fetchone()
            self.conn.commit()
            return True
        except Exception:
            return False

    def release(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.invalidate()  # closing the session drops its advisory lock
            self.conn = None


class _FileLock:
    can_be_lost = False  # held until this process lets go or dies

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: Any = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = self.path.open("a")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fd.close()
            return False
        self.fd = fd
        return True

    def alive(self) -> bool:
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.fd.close()
            self.fd = None


class _Always:
    can_be_lost = False
    """An in-memory SQLite database has one process by nature."""

    def acquire(self) -> bool:
        return True

    def alive(self) -> bool:
        return True

    def release(self) -> None:
        pass


def lock_for(engine: Engine) -> _PgLock | _FileLock | _Always:
    url = make_url(str(engine.url))
    if url.get_backend_name() == "postgresql":
        return _PgLock(engine)
    if url.database and url.database != ":memory:":
        return _FileLock(Path(url.database + ".leader"))
    return _Always()


async def _acquire(lock: _PgLock | _FileLock | _Always) -> bool:
    """One try for the lock, in a thread. Cancelled meanwhile (the server stops), the try
    still ends in its thread: what it took is let go then, not left to the collector
    holding the lock."""
    trying = asyncio.ensure_future(asyncio.to_thread(lock.acquire))
    try:
        return await asyncio.shield(trying)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await trying
        await asyncio.to_thread(lock.release)
        raise


async def lead(
    engine: Engine,
    run: Callable[[], Coroutine[Any, Any, None]],
    *,
    retry_s: float = RETRY_S,
    on_change: Callable[[bool], None] | None = None,
) -> None:
    """Run ``run()`` (the workers) while this process holds the lock; take the lock
    again whenever it is free. Runs until cancelled."""
    lock = lock_for(engine)
    while True:
        try:
            got = await _acquire(lock)
        except Exception as exc:  # the database is away: try again later
            log.warning("leader lock: %s", exc)
            got = False
        if not got:
            await asyncio.sleep(retry_s)
            continue
        check_s = min(retry_s, CHECK_S)
        if lock.can_be_lost:
            # a leader whose lock connection died runs on until its next check: let a
            # few of its checks pass before starting, so that two never overlap
            await asyncio.sleep(HANDOVER_CHECKS * check_s)
            if not await asyncio.to_thread(lock.alive):
                await asyncio.to_thread(lock.release)
                continue
        log.info("this process runs the background workers")
        if on_change:
            on_change(True)
        task = asyncio.create_task(run())
        try:
            while await asyncio.to_thread(lock.alive):
                done, _ = await asyncio.wait({task}, timeout=check_s)
                if done:  # the workers ended on an error: let go, start them again
                    log.error("background workers ended: %r", task.exception())
                    break
            else:
                log.warning("leader lock lost: the background workers stop here")
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await asyncio.to_thread(lock.release)
            if on_change:
                on_change(False)
