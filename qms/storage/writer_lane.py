"""A branch's write transactions, one after another in arrival order, in a thread; work
no person waits for at a counter (a bank's credits) may ask to go after the people's.

The database serialises a branch's writers anyway (SQLite's write lock, the branch row
lock on PostgreSQL), but its busy handler does not queue them fairly. Queueing them here
keeps arrival order; and each result reaches the event loop in commit order, so events
are published in seq order and spare every client a replay.

A lane's thread starts the next transaction as soon as one commits. An asyncio lock held
across the hand-off to a thread and back kept the next writer waiting until the loop,
busy with other answers and screens, had taken the result: under load the lock was
then held a good part of the time by nobody working.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from prometheus_client import Histogram

T = TypeVar("T")
log = logging.getLogger(__name__)

#: time a write transaction queued before its turn (``Load.waited_s``, one by one): the
#: writers of a branch outrunning its database (/metrics)
WAIT = Histogram(
    "qms_writer_wait_seconds",
    "Time a write transaction waited in its branch's writer lane before it began.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


_Item = tuple[Callable[[], Any], Callable[[Any], Any], "asyncio.Future[Any]", float]


@dataclass
class Load:
    """What a lane has done since it began: for operators asking whether the server keeps
    up. ``busy_s`` far above ``cpu_s`` is a lane waiting inside its transactions, for the
    interpreter's lock or the database's, not working.
    Written by the lane's thread alone; a reader may see one transaction half counted."""

    writes: int = 0
    busy_s: float = 0.0  # wall time inside transactions
    cpu_s: float = 0.0  # the lane thread's CPU time inside them
    waited_s: float = 0.0  # time queued before their turn, summed
    longest_wait_s: float = 0.0


class Lane:
    """One branch's writers. ``run(work, then)``: ``work()`` in a thread of ``pool`` in
    its turn, and its result is what ``run`` returns; then, on the loop and in commit
    order, ``then(result)``, even if the caller has left meanwhile (what committed is
    published). The caller is woken before ``then`` runs: a cashier's answer goes out
    before the thousand display frames a call makes (it came ~35 ms after them)."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self._queue: deque[_Item] = deque()
        #: work no person waits at a counter for (a bank's credits): it takes its turn when
        #: no person's is queued, so a burst of it does not stand before a cashier's F4
        self._later: deque[_Item] = deque()
        self._mutex = threading.Lock()
        self._draining = False
        self.load = Load()
        self.running = False

    @property
    def waiting(self) -> int:
        """Transactions queued, not yet begun."""
        return len(self._queue) + len(self._later)

    async def run(
        self, work: Callable[[], T], then: Callable[[T], object], *, later: bool = False
    ) -> T:
        """``later``: background work, begun only when no other transaction is queued
        (still in commit order with them: its events are published in seq order)."""
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        with self._mutex:
            (self._later if later else self._queue).append((work, then, fut, time.perf_counter()))
            start, self._draining = not self._draining, True
        if start:
            self._pool.submit(self._drain)
        return await fut

    def _drain(self) -> None:
        while True:
            with self._mutex:
                if not (self._queue or self._later):
                    self._draining = False
                    return
                work, then, fut, queued_at = (self._queue or self._later).popleft()
            if fut.cancelled():  # the caller left before its turn: nothing was done
                continue
            began, cpu = time.perf_counter(), time.thread_time()
            self.running = True
            try:
                result = work()
            except BaseException as exc:  # handed to the caller
                self._count(queued_at, began, cpu)  # counted before anyone can ask
                _call_soon(fut, _fail, fut, exc)
            else:
                self._count(queued_at, began, cpu)
                _call_soon(fut, _done, fut, then, result)

    def _count(self, queued_at: float, began: float, cpu: float) -> None:
        self.running = False
        load, waited = self.load, began - queued_at
        load.writes += 1
        load.busy_s += time.perf_counter() - began
        load.cpu_s += time.thread_time() - cpu
        load.waited_s += waited
        load.longest_wait_s = max(load.longest_wait_s, waited)
        WAIT.observe(waited)


def _call_soon(fut: asyncio.Future[Any], fn: Callable[..., None], *args: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop closed at shutdown
        fut.get_loop().call_soon_threadsafe(fn, *args)


def _done(fut: asyncio.Future[Any], then: Callable[[Any], object], result: Any) -> None:
    if not fut.cancelled():
        fut.set_result(result)  # the caller is woken first
    try:
        then(result)
    except Exception:  # committed: the seq watch brings the events to the screens
        log.exception("publishing a committed change failed")


def _fail(fut: asyncio.Future[Any], exc: BaseException) -> None:
    if not fut.cancelled():
        fut.set_exception(exc)
