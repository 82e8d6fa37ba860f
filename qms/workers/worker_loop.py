"""What the background workers (CMIS poster, debt fetcher, device jobs) share: when to
run a pass, and how long a failed send waits before the next try."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 30.0


def backoff(attempts: int) -> dt.timedelta:
    """0.5 s after the first failure, doubling, at most 30 s."""
    return dt.timedelta(seconds=min(MAX_BACKOFF_S, 0.5 * 2 ** max(0, attempts - 1)))


async def wake_or_poll(
    name: str, wake: asyncio.Event, step: Callable[[], Awaitable[bool]], idle_s: float
) -> None:
    """Run ``step`` when woken or every ``idle_s``; again at once while it reports a
    backlog (True). A failing pass is logged: the worker must outlive a bad moment."""
    while True:
        wake.clear()
        try:
            if await step():
                continue
        except Exception:
            log.exception("%s: pass failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), idle_s)
