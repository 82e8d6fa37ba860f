"""A connection's inbox keeps asyncio.Queue's contract for its one reader and one waiting
writer: order kept, full refused without waiting (the bus) or waited out (the client's
frames), a waiter cancelled without losing an item."""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from qms.live.inbox import Inbox
from tests.conftest import run_async


def test_items_come_out_in_order_and_a_full_inbox_refuses_without_waiting() -> None:
    async def go() -> None:
        box = Inbox(3)
        for i in range(3):
            box.put_nowait(i)
        assert box.full() and box.qsize() == 3
        with pytest.raises(asyncio.QueueFull):
            box.put_nowait(3)
        assert [await box.get() for _ in range(3)] == [0, 1, 2]
        with pytest.raises(asyncio.QueueEmpty):
            box.get_nowait()

    run_async(go())


def test_the_reader_waits_for_an_item_and_the_writer_for_room() -> None:
    async def go() -> None:
        box = Inbox(1)
        reader = asyncio.create_task(box.get())
        await asyncio.sleep(0)
        assert not reader.done()
        box.put_nowait("event")
        assert await asyncio.wait_for(reader, 5) == "event"

        box.put_nowait("a")
        writer = asyncio.create_task(box.put("b"))  # a client's frame, back-pressured
        await asyncio.sleep(0)
        assert not writer.done() and box.qsize() == 1
        assert await box.get() == "a"
        await asyncio.wait_for(writer, 5)
        assert await box.get() == "b"

    run_async(go())


def test_a_cancelled_wait_loses_nothing_and_the_next_wait_works() -> None:
    async def go() -> None:
        box = Inbox(1)
        reader = asyncio.create_task(box.get())
        await asyncio.sleep(0)
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader
        box.put_nowait("kept")
        assert await asyncio.wait_for(box.get(), 5) == "kept"

        box.put_nowait("x")
        writer = asyncio.create_task(box.put("dropped by its cancelled sender"))
        await asyncio.sleep(0)
        writer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writer
        assert box.get_nowait() == "x" and box.qsize() == 0
        await asyncio.wait_for(box.put("y"), 5)
        assert box.get_nowait() == "y"

    run_async(go())


def test_an_inbox_costs_under_a_third_of_an_asyncio_queue() -> None:
    """A thousand displays hold a thousand inboxes."""

    def cost(make: type) -> int:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = [make(1000) for _ in range(1000)]
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert len(kept) == 1000
        return used

    assert cost(Inbox) * 3 < cost(asyncio.Queue)
