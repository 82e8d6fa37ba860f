"""However many server processes share a database, one runs the background workers; when
it dies or loses its lock, another takes over."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from qms.storage import db
from qms.workers import leader
from tests.conftest import run_async


def _url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'qms.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_one_leader_at_a_time_and_a_successor(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = _url(kind, tmp_path, request)
    engines = [db.make_engine(url) for _ in range(3)]  # three "processes"
    running: set[int] = set()
    starts: list[int] = []
    overlaps: list[set[int]] = []
    changed = asyncio.Condition()

    def workers(n: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            if running:
                overlaps.append({*running, n})
            running.add(n)
            starts.append(n)
            async with changed:
                changed.notify_all()
            try:
                await asyncio.Event().wait()  # the workers run until stopped
            finally:
                running.discard(n)

        return run

    async def until(cond: Callable[[], bool]) -> None:
        async with changed:
            await asyncio.wait_for(changed.wait_for(cond), 10)

    async def scenario() -> None:
        tasks = [
            asyncio.create_task(leader.lead(e, workers(n), retry_s=0.05))
            for n, e in enumerate(engines)
        ]
        await until(lambda: len(starts) == 1)
        done, _ = await asyncio.wait(tasks, timeout=0.5)  # the others try, many times
        assert not done and len(running) == 1, "one leader at a time"
        first = starts[0]
        if kind == "postgres":
            # the leader's lock connection dies: its workers stop, another takes over
            with engines[(first + 1) % 3].connect() as conn:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks "
                        "WHERE locktype = 'advisory' AND objid = :key AND granted"
                    ),
                    {"key": leader.LOCK_KEY},
                )
        else:
            tasks[first].cancel()  # the leader's process ends
        await until(lambda: len(starts) == 2)
        assert len(running) == 1, "a new leader runs the workers"
        if kind == "sqlite":
            assert first not in running  # on PostgreSQL the old one may win the lock again
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert running == set() and overlaps == []

    try:
        run_async(scenario())
    finally:
        for e in engines:
            e.dispose()


def test_a_process_stopped_while_taking_the_lock_lets_it_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server stopped while its thread is taking the lock: the try ends anyway, and
    what it took is let go, so the next process becomes the leader at once."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'qms.db'}")
    real = leader.lock_for(engine)
    assert isinstance(real, leader._FileLock)
    entered, go = threading.Event(), threading.Event()

    class Slow:
        can_be_lost = False

        def acquire(self) -> bool:
            entered.set()
            go.wait(10)
            return real.acquire()

        def alive(self) -> bool:
            return True

        def release(self) -> None:
            real.release()

    monkeypatch.setattr(leader, "lock_for", lambda _engine: Slow())

    async def workers() -> None:
        await asyncio.Event().wait()

    async def scenario() -> None:
        task = asyncio.create_task(leader.lead(engine, workers))
        assert await asyncio.to_thread(entered.wait, 10)
        task.cancel()  # the server stops while the try is in its thread
        go.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        run_async(scenario())
        successor = leader._FileLock(real.path)
        assert successor.acquire(), "the stopped process still holds the lock"
        successor.release()
    finally:
        real.release()
        engine.dispose()
