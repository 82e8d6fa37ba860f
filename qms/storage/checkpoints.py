"""The hall's own WAL checkpoints on SQLite (docs/config.md, ``database.checkpoint_every_s``).

Left to SQLite, a checkpoint runs inside the commit of whichever transaction first finds
the write-ahead log over 1,000 pages: after a pull of thousands of field orders that is
often a cashier's F4, which then waits tens of milliseconds for pages it never wrote. The
server turns that off on its own connections (``make_engine(own_checkpoints=True)``) and
checkpoints here instead, in a thread of its own, every few seconds. A ``PASSIVE``
checkpoint waits for no reader or writer (sqlite.org/wal.html, "application-initiated
checkpoints"), so the hall's writes go on while it copies pages back.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine

log = logging.getLogger(__name__)


def checkpoint(engine: Engine) -> tuple[int, int, int]:
    """One passive checkpoint: (busy, pages in the log, pages copied back)."""
    conn = engine.raw_connection()  # outside any transaction: a checkpoint cannot be in one
    try:
        cur = conn.cursor()
        busy, logged, copied = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        cur.close()
        return int(busy), int(logged), int(copied)
    finally:
        conn.close()


async def run(engine: Engine, every_s: float) -> None:
    """Checkpoint every ``every_s`` seconds until cancelled; a failure is logged and the
    next round tries again (the log only grows meanwhile, nothing is lost)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await asyncio.to_thread(checkpoint, engine)
        except Exception as exc:  # the file away or locked for long: next round
            log.warning("WAL checkpoint failed: %s", exc)
