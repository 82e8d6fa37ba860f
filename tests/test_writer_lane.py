"""A branch's writer lane: transactions one at a time in arrival order, results handed
back in commit order (so events publish in seq order), a caller that leaves before its
turn changes nothing, and one that leaves during its turn still has its events sent; the
caller is woken before the screens are served."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from qms.storage.writer_lane import Lane
from tests.conftest import run_async


def run(coro: Coroutine[Any, Any, None]) -> None:
    run_async(coro, 20)  # in a thread of its own: a browser test may hold the main loop


def test_writers_run_one_at_a_time_in_arrival_order_and_publish_in_commit_order() -> None:
    ran: list[int] = []
    published: list[int] = []
    inside = threading.Semaphore(1)

    def work(i: int) -> int:
        assert inside.acquire(blocking=False), "two writers at once"
        try:
            ran.append(i)
            return i
        finally:
            inside.release()

    def publish(i: int) -> None:
        published.append(i)

    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(4))
        out = await asyncio.gather(*(lane.run(lambda i=i: work(i), publish) for i in range(200)))
        assert out == list(range(200)), "each caller gets its own transaction's result"

    run(main())
    assert ran == list(range(200))
    assert published == list(range(200))


def test_an_error_reaches_its_caller_and_the_next_writer_still_runs() -> None:
    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(2))

        def broken() -> int:
            raise ValueError("refused")

        with pytest.raises(ValueError, match="refused"):
            await lane.run(broken, lambda r: r)
        assert await lane.run(lambda: 7, lambda r: None) == 7

    run(main())


def test_a_caller_gone_before_its_turn_changes_nothing_one_gone_during_it_is_published() -> None:
    release = threading.Event()
    started = threading.Event()
    ran: list[str] = []
    published: list[str] = []

    def slow() -> str:
        started.set()
        release.wait(10)
        ran.append("slow")
        return "slow"

    def quick() -> str:
        ran.append("quick")
        return "quick"

    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(2))
        first = asyncio.ensure_future(lane.run(slow, published.append))
        second = asyncio.ensure_future(lane.run(quick, published.append))
        await asyncio.to_thread(started.wait, 10)
        first.cancel()  # its transaction is under way: it commits, and is published
        second.cancel()  # still queued: it never runs
        release.set()
        last = await lane.run(lambda: "last", lambda r: r)
        assert last == "last"
        assert first.cancelled() and second.cancelled()

    run(main())
    assert ran == ["slow"]
    assert published == ["slow"]


def test_the_caller_is_woken_before_its_events_reach_the_screens() -> None:
    """A cashier's answer must not wait behind a thousand display frames."""
    order: list[str] = []

    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(1))
        screen: asyncio.Queue[str] = asyncio.Queue()

        async def display() -> None:
            await screen.get()
            order.append("screen")

        watcher = asyncio.ensure_future(display())
        await asyncio.sleep(0)  # the display waits on its queue
        await lane.run(lambda: "ok", lambda r: screen.put_nowait(r))
        order.append("caller")
        await watcher

    run(main())
    assert order == ["caller", "screen"]


def test_the_lane_counts_its_writes_waits_and_time_spent_not_working() -> None:
    """An operator reads these (GET /api/server): a write queued behind a running one is
    seen waiting, then counted; a transaction blocked, not computing, shows as busy time
    well above the lane's CPU time."""
    started, release = threading.Event(), threading.Event()

    def held() -> str:
        started.set()
        assert release.wait(10)
        return "first"

    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(2))
        assert (lane.load.writes, lane.waiting, lane.running) == (0, 0, False)
        first = asyncio.ensure_future(lane.run(held, lambda r: None))
        assert await asyncio.to_thread(started.wait, 10)
        t0 = time.perf_counter()
        second = asyncio.ensure_future(lane.run(lambda: "second", lambda r: None))
        await asyncio.sleep(0)  # let it queue
        assert (lane.waiting, lane.running, lane.load.writes) == (1, True, 0)
        held_s = time.perf_counter() - t0
        release.set()
        assert await asyncio.gather(first, second) == ["first", "second"]
        load = lane.load
        assert (load.writes, lane.waiting, lane.running) == (2, 0, False)
        assert 0 < load.longest_wait_s <= load.waited_s
        assert load.cpu_s <= load.busy_s
        assert load.busy_s - load.cpu_s >= held_s / 2, "the blocked write did no work"

    run(main())


def test_background_work_waits_for_the_people_queued_and_publishes_in_commit_order() -> None:
    """A burst of bank credits (``later``) never stands before a cashier's F4 queued
    behind the transaction in hand; every result still publishes in commit order."""
    ran: list[str] = []
    published: list[str] = []
    first_in = threading.Event()
    go_on = threading.Event()

    def work(name: str) -> str:
        if name == "credit-0":
            first_in.set()
            assert go_on.wait(10), "the test never let the first credit finish"
        ran.append(name)
        return name

    async def main() -> None:
        lane = Lane(ThreadPoolExecutor(2))
        credits = [
            asyncio.ensure_future(
                lane.run(lambda n=f"credit-{i}": work(n), published.append, later=True)
            )
            for i in range(3)
        ]
        assert await asyncio.to_thread(first_in.wait, 10)  # credit-0 holds the lane
        f4 = asyncio.ensure_future(lane.run(lambda: work("f4"), published.append))
        await asyncio.sleep(0)  # one turn of the loop: the F4's task queues itself
        assert lane.waiting == 3  # credit-1, credit-2, then the F4, behind credit-0
        go_on.set()
        assert await f4 == "f4"
        await asyncio.gather(*credits)

    run(main())
    assert ran == ["credit-0", "f4", "credit-1", "credit-2"]
    assert published == ran
