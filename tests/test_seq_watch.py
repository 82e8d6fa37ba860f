"""The seq watch and shared replays (``Hall.check_seq``, ``Hall.replay(until=...)``): a
bus that is merely slower than the watch sends no display to the database; one that lost
an event gets it replayed; displays that fell behind together cost one read between them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event as sa_event

from qms.config import load
from qms.domain import events
from qms.domain.branch import from_settings
from qms.domain.clock import Clock
from qms.domain.events import EventRecord
from qms.live.bus import MemoryBus, Resync, Subscription
from qms.live.inbox import Inbox
from qms.live.ws import Connection
from qms.live.ws_frames import FrameCache
from qms.storage import db
from qms.usecases.auth import Principal
from qms.usecases.hall import REPLAY_LIMIT, Hall
from tests.conftest import ROOT, run_async

BRANCH = load(ROOT / "config.yaml").branches[0].id
LIMIT = REPLAY_LIMIT + 1  # what a connection's catch-up asks for
SEEN = 1  # the seq the askers know is committed


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    settings = load(ROOT / "config.yaml")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'qms.db'}")
    db.create_schema(engine)
    branches = {b.id: from_settings(b, settings) for b in settings.branches}
    hall = Hall(engine, MemoryBus(), {}, branches, Clock(settings.timezone))
    yield hall
    hall.close()
    engine.dispose()


def commit_event(hall: Hall, number: int) -> EventRecord:
    """A change committed whose event the bus has not brought (yet)."""
    with db.write_session(hall.engine) as session:
        return events.append(session, BRANCH, "ticket.called", {"number": number}, hall.clock.now())


def queued(sub: Subscription) -> list[Any]:
    out = []
    while sub.queue.qsize():
        out.append(sub.queue.get_nowait())
    return out


def test_an_event_on_its_way_through_the_bus_sends_no_display_to_the_database(
    hall: Hall,
) -> None:
    async def scenario() -> list[Any]:
        async with hall.bus.subscribe(BRANCH) as sub:
            ev = commit_event(hall, 1)
            read_done = asyncio.Event()
            plain_read = hall.read

            async def read(*args: Any) -> Any:
                try:
                    return await plain_read(*args)
                finally:
                    read_done.set()

            hall.read = read  # type: ignore[method-assign]
            watch = asyncio.create_task(hall.check_seq(grace_s=0.5))
            await asyncio.wait_for(read_done.wait(), 10)
            # the watch has read seq 1 as committed; the bus brings it a moment later
            await hall.bus.publish(BRANCH, [ev])
            await asyncio.wait_for(watch, 10)
            return queued(sub)

    got = run_async(scenario())
    assert [type(x).__name__ for x in got] == ["EventRecord"]  # no Resync behind it
    assert got[0].seq == 1


def test_an_event_the_bus_lost_is_nudged_after_the_grace(hall: Hall) -> None:
    async def scenario() -> list[Any]:
        async with hall.bus.subscribe(BRANCH) as sub:
            commit_event(hall, 1)
            commit_event(hall, 2)  # neither published: lost, with nothing after them
            await asyncio.wait_for(hall.check_seq(grace_s=0.05), 10)
            return queued(sub)

    assert run_async(scenario()) == [Resync(2)]


def test_displays_behind_together_share_one_read_and_a_later_one_reads_afresh(
    hall: Hall,
) -> None:
    commit_event(hall, 1)
    commit_event(hall, 2)
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and " event" in statement:
            reads.append(statement)

    sa_event.listen(hall.engine, "before_cursor_execute", count)

    async def scenario() -> tuple[list[list[int]], list[int]]:
        together = await asyncio.gather(
            *(hall.replay(BRANCH, 0, LIMIT, until=SEEN) for _ in range(200))
        )
        commit_event(hall, 3)
        later = await hall.replay(BRANCH, 0, LIMIT, until=SEEN)
        return [[e.seq for e in rows] for rows in together], [e.seq for e in later]

    together, later = run_async(scenario())
    assert together == [[1, 2]] * 200
    assert later == [1, 2, 3], "a finished read is not kept"
    assert len(reads) == 2, reads


def test_a_failed_shared_read_reaches_every_asker_and_the_next_one_tries_again(
    hall: Hall,
) -> None:
    commit_event(hall, 1)
    plain_read, plain_replay = hall.read, hall.replay
    failing = True
    asked, all_asked = 0, asyncio.Event()

    async def read(*args: Any) -> Any:
        if failing:
            await all_asked.wait()  # fails once every asker has joined it
            raise RuntimeError("the database is away")
        return await plain_read(*args)

    async def replay(*args: Any, until: int | None = None) -> list[EventRecord]:
        nonlocal asked
        asked += 1
        if asked == 20:
            all_asked.set()  # the 20th joins before this task next waits
        return await plain_replay(*args, until=until)

    hall.read = read  # type: ignore[method-assign]
    hall.replay = replay  # type: ignore[method-assign]

    async def scenario() -> tuple[list[object], list[int]]:
        nonlocal failing
        askers = [hall.replay(BRANCH, 0, LIMIT, until=SEEN) for _ in range(20)]
        outcomes = await asyncio.wait_for(asyncio.gather(*askers, return_exceptions=True), 10)
        failing = False
        again = await hall.replay(BRANCH, 0, LIMIT, until=SEEN)
        return outcomes, [e.seq for e in again]

    outcomes, again = run_async(scenario())
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert again == [1]


class Screen:
    """A display's socket: the frames it was sent."""

    def __init__(self) -> None:
        self.seqs: list[int] = []

    async def send_text(self, text: str) -> None:
        self.seqs.append(json.loads(text)["seq"])


def test_a_shared_read_begun_before_a_hole_closed_is_not_trusted(hall: Hall) -> None:
    """A display that sees seq 3 after 0 joins a read that began when only 1 existed:
    it reads again, and its screen gets 1, 2, 3 without a hole."""

    async def scenario() -> list[int]:
        commit_event(hall, 1)
        gate, started, joined = asyncio.Event(), asyncio.Event(), asyncio.Event()
        plain_read, plain_replay = hall.read, hall.replay

        async def read(fn: Any, *args: Any) -> Any:
            rows = await plain_read(fn, *args)
            if fn is events.since and not started.is_set():
                started.set()
                await gate.wait()  # the early read lands late, with what it saw
            return rows

        async def replay(*args: Any, until: int | None = None) -> list[EventRecord]:
            if until is not None:
                joined.set()  # its join is done before this task next waits
            return await plain_replay(*args, until=until)

        hall.read = read  # type: ignore[method-assign]
        hall.replay = replay  # type: ignore[method-assign]
        early = asyncio.create_task(hall.replay(BRANCH, 0, LIMIT, until=1))
        await asyncio.wait_for(started.wait(), 10)
        commit_event(hall, 2)
        ev3 = commit_event(hall, 3)
        screen = Screen()
        conn = Connection(screen, hall, None, Inbox(10), FrameCache())  # type: ignore[arg-type]
        conn.principal = Principal("device", "display-1", "display", BRANCH)
        conn.view = "display"
        joined.clear()
        forward = asyncio.create_task(conn.forward(ev3))
        await asyncio.wait_for(joined.wait(), 10)
        gate.set()
        await asyncio.wait_for(forward, 10)
        assert [e.seq for e in await early] == [1]  # what the early read saw
        return screen.seqs

    assert run_async(scenario()) == [1, 2, 3]
