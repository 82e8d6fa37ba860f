"""A branch's write transactions, one after another in arrival order, in a thread.

The database serialises a branch's writers anyway (SQLite's write lock, the branch row
lock on PostgreSQL), but its busy handler does not queue them fairly. Queueing them here
keeps arrival order; and each result reaches the event loop in commit order, so events
are published in seq order and spare every client a replay.

A lane's thread starts the next transaction as soon as one commits. An asyncio lock held
across the hand-off to a thread and back kept the next writer waiting until the loop,
busy with other answers and screens, had taken the result: that wait was about a third
of the time the lock was held under load (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Lane:
    """One branch's writers. ``run(work, then)``: ``work()`` in a thread of ``pool`` in
    its turn, and its result is what ``run`` returns; then, on the loop and in commit
    order, ``then(result)``, even if the caller has left meanwhile (what committed is
    published). The caller is woken before ``then`` runs: a cashier's answer goes out
    before the thousand display frames a call makes (it came ~35 ms after them)."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self._queue: deque[tuple[Callable[[], Any], Callable[[Any], Any], asyncio.Future[Any]]]
        self._queue = deque()
        self._mutex = threading.Lock()
        self._draining = False

    async def run(self, work: Callable[[], T], then: Callable[[T], object]) -> T:
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        with self._mutex:
            self._queue.append((work, then, fut))
            start, self._draining = not self._draining, True
        if start:
            self._pool.submit(self._drain)
        return await fut

    def _drain(self) -> None:
        while True:
            with self._mutex:
                if not self._queue:
                    self._draining = False
                    return
                work, then, fut = self._queue.popleft()
            if fut.cancelled():  # the caller left before its turn: nothing was done
                continue
            try:
                result = work()
            except BaseException as exc:  # handed to the caller
                _call_soon(fut, _fail, fut, exc)
            else:
                _call_soon(fut, _done, fut, then, result)


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
