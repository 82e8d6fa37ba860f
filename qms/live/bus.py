"""Event fan-out after commit: in-process here, Redis pub/sub (``qms.live.bus_redis``) to scale out.

The bus may drop: a subscriber whose queue is full loses messages and notices the gap in
``seq``; the events table is the truth it replays from. A message lost with nothing after
it leaves no gap to notice, so each process also reads the branch's latest ``seq`` now and
then and nudges (``Resync``) every subscriber that has not seen it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from qms.domain.events import EventRecord
from qms.live.inbox import Inbox

QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Resync:
    """Not an event: "the branch is at ``seq``", for a subscriber that may have missed
    the last messages; it replays from the events table what it lacks."""

    seq: int


class Subscription:
    """One listener's queue of events for one branch."""

    def __init__(self, queue: Inbox | None = None) -> None:
        # a websocket connection passes its own inbox: one queue for frames and events
        self.queue = queue if queue is not None else Inbox(QUEUE_SIZE)
        self.dropped = 0
        self.seen = 0  # the highest seq put in the queue
        #: set by a listener that can take an event at once (a websocket connection
        #: waiting with nothing queued); False: it could not, queue the event
        self.direct: Callable[[EventRecord], bool] | None = None

    def offer(self, ev: EventRecord) -> None:
        if self.direct is not None and self.direct(ev):
            self.seen = max(self.seen, ev.seq)
            return
        self.enqueue(ev)

    def enqueue(self, ev: EventRecord) -> None:
        """Into the queue, never the direct way."""
        try:
            self.queue.put_nowait(ev)
        except asyncio.QueueFull:
            self.dropped += 1
        else:
            self.seen = max(self.seen, ev.seq)

    def nudge(self, seq: int) -> None:
        """Tell a subscriber behind ``seq`` to catch up (once per ``seq``)."""
        if seq <= self.seen:
            return
        try:
            self.queue.put_nowait(Resync(seq))
        except asyncio.QueueFull:
            return  # it will be nudged again
        self.seen = seq

    async def get(self) -> EventRecord | Resync:
        item: EventRecord | Resync = await self.queue.get()
        return item


def nudge_all(subs: Iterable[Subscription], seq: int) -> None:
    for sub in list(subs):
        sub.nudge(seq)


class Bus(Protocol):
    async def publish(self, branch_id: str, events: list[EventRecord]) -> None: ...

    def publish_nowait(
        self, branch_id: str, events: list[EventRecord]
    ) -> Coroutine[Any, Any, None] | None:
        """Deliver to this process's subscribers now; what is left to send to other
        processes comes back as a coroutine (None when nothing is)."""
        ...

    def subscribe(
        self, branch_id: str, queue: Inbox | None = None
    ) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Events of the branch into ``queue`` (a new bounded one if None)."""
        ...

    def resync(self, branch_id: str, seq: int) -> None:
        """Nudge this process's subscribers of the branch that have not seen ``seq``."""
        ...

    def subscribers(self, branch_id: str) -> int:
        """How many subscriptions of the branch this process holds."""
        ...

    async def aclose(self) -> None: ...


class MemoryBus:
    """Every subscriber of a branch in this process gets every event, in publish order."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)

    async def publish(self, branch_id: str, events: list[EventRecord]) -> None:
        self.publish_nowait(branch_id, events)

    def publish_nowait(self, branch_id: str, events: list[EventRecord]) -> None:
        for sub in list(self._subs.get(branch_id, ())):
            for ev in events:
                sub.offer(ev)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, branch_id: str, queue: Inbox | None = None
    ) -> AsyncIterator[Subscription]:
        sub = Subscription(queue)
        self._subs[branch_id].add(sub)
        try:
            yield sub
        finally:
            self._subs[branch_id].discard(sub)
            if not self._subs[branch_id]:
                del self._subs[branch_id]

    def subscribers(self, branch_id: str) -> int:
        return len(self._subs.get(branch_id, ()))

    def resync(self, branch_id: str, seq: int) -> None:
        nudge_all(self._subs.get(branch_id, ()), seq)

    async def aclose(self) -> None:
        self._subs.clear()


#: URL schemes of ``bus.url``: the in-process bus, Redis pub/sub (rediss: over TLS)
SCHEMES = ("memory", "redis", "rediss")


def make_bus(url: str) -> Bus:
    """The backend named by the URL's scheme; Redis is imported only when asked for."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme == "memory":
        return MemoryBus()
    if scheme in ("redis", "rediss"):
        from qms.live.bus_redis import RedisBus

        return RedisBus(url)
    raise ValueError(
        f"bus.url {url!r}: unknown scheme, use " + " or ".join(f"{s}://" for s in SCHEMES)
    )
