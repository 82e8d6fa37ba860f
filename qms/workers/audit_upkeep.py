"""The audit log's upkeep: the counted refusals written when their window ends (in every
process, each counts its own), and entries past ``audit.retention_days`` deleted (by the
process that runs the background workers)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from qms.domain.clock import Clock
from qms.usecases import audit

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 3600.0


async def write_refusals(engine: Any, clock: Clock, refusals: audit.Refusals) -> None:
    """Each window's counts, written once it ends; what is open, when the process stops."""
    try:
        while True:
            await asyncio.sleep(refusals.window.total_seconds())
            entries = refusals.due(clock.now())
            if entries:
                await asyncio.to_thread(audit.write_all, engine, entries)
    finally:
        entries = refusals.due(clock.now(), all_=True)
        if entries:
            await asyncio.to_thread(audit.write_all, engine, entries)


def prune_once(engine: Any, clock: Clock, retention_days: int) -> int:
    """Delete what is older than the retention; 0 days keeps everything."""
    if retention_days <= 0:
        return 0
    return audit.prune(engine, clock.now() - dt.timedelta(days=retention_days))


async def prune(engine: Any, clock: Clock, retention_days: int) -> None:
    """At start, then hourly."""
    while True:
        try:
            gone = await asyncio.to_thread(prune_once, engine, clock, retention_days)
            if gone:
                log.info("audit: %d entries older than %d days deleted", gone, retention_days)
        except Exception:
            log.exception("audit: pruning failed; next try in an hour")
        await asyncio.sleep(PRUNE_EVERY_S)
