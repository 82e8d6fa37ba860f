"""One read for many askers: the displays of a branch that fell behind together (a nudge
of the seq watch, a Redis restart) ask the events table for the same range at once, and
a process with 500 of them would otherwise queue 500 identical queries on its threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedReads(Generic[T]):
    """Askers of one key while its read is under way get that read's result (or its
    error); a read is never kept after it lands, so a later asker reads afresh."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, asyncio.Future[T]] = {}

    async def get(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(read())
            self._flights[key] = flight
            flight.add_done_callback(lambda done: self._landed(key, done))
        # an asker that leaves (its client went away) does not cancel the others' read
        return await asyncio.shield(flight)

    def _landed(self, key: Hashable, flight: asyncio.Future[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved here: every asker may have left before it landed
