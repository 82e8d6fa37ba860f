"""A websocket connection's inbox: the bus's events and the client's frames, one queue.

``asyncio.Queue`` would do, but it is made for many getters and putters: three deques and
an Event, 3.3 KB a connection, 3 MiB at the thousand displays of a busy branch. Here one
reader (the connection's loop) and one waiting writer (its frame reader; the bus never
waits) need a deque and two optional futures, under 1 KB. Same contract: ``put_nowait``
raises ``asyncio.QueueFull`` when full, ``put`` waits for room, ``get`` for an item.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class Inbox:
    __slots__ = ("_getter", "_items", "_maxsize", "_putter")

    def __init__(self, maxsize: int) -> None:
        self._items: deque[Any] = deque()
        self._maxsize = maxsize
        self._getter: asyncio.Future[None] | None = None
        self._putter: asyncio.Future[None] | None = None

    def qsize(self) -> int:
        return len(self._items)

    def full(self) -> bool:
        return len(self._items) >= self._maxsize

    def put_nowait(self, item: Any) -> None:
        if self.full():
            raise asyncio.QueueFull
        self._items.append(item)
        _wake(self._getter)

    async def put(self, item: Any) -> None:
        assert self._putter is None, "one waiting writer"
        while self.full():
            self._putter = asyncio.get_running_loop().create_future()
            try:
                await self._putter
            finally:
                self._putter = None
        self.put_nowait(item)

    def get_nowait(self) -> Any:
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.popleft()
        _wake(self._putter)
        return item

    async def get(self) -> Any:
        assert self._getter is None, "one reader"
        while not self._items:
            self._getter = asyncio.get_running_loop().create_future()
            try:
                await self._getter
            finally:
                self._getter = None
        return self.get_nowait()


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
