"""The server's own WAL checkpoints on SQLite (qms.storage.checkpoints): no commit pays
for copying the log back, and the log is still copied back, in the background."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import Engine, text

from qms.storage import checkpoints, db

PAGE = 4096


def fill(engine: Engine, rows: int) -> None:
    """``rows`` rows of 1 KiB, a transaction of 100 each: ~2,500 pages of log for 10,000."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS pad (id INTEGER PRIMARY KEY, b BLOB)"))
    for _ in range(0, rows, 100):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO pad (b) VALUES (randomblob(1024))"), [{}] * 100)


def test_no_commit_checkpoints_and_the_background_one_copies_the_log_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hall.db"
    engine = db.make_engine(f"sqlite:///{path}", own_checkpoints=True)
    try:
        fill(engine, 10_000)
        wal = Path(f"{path}-wal")
        # SQLite alone would have copied the log back past 1,000 pages, inside a commit
        assert wal.stat().st_size > 2_000 * PAGE
        assert path.stat().st_size < 100 * PAGE  # the rows are in the log only
        busy, logged, copied = checkpoints.checkpoint(engine)
        assert busy == 0 and logged == copied > 2_000
        assert path.stat().st_size > 2_000 * PAGE  # now in the database file
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pad")).scalar_one() == 10_000
    finally:
        engine.dispose()


def test_the_server_s_loop_checkpoints_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "hall.db"
    engine = db.make_engine(f"sqlite:///{path}", own_checkpoints=True)

    async def scenario() -> int:
        loop = asyncio.create_task(checkpoints.run(engine, 0.05))
        try:
            await asyncio.to_thread(fill, engine, 4_000)
            deadline = time.monotonic() + 10
            while path.stat().st_size < 1_000 * PAGE:  # copied back by the loop
                assert time.monotonic() < deadline, "no checkpoint within 10 s"
                await asyncio.sleep(0.05)
            return path.stat().st_size
        finally:
            loop.cancel()

    try:
        assert asyncio.run(scenario()) >= 1_000 * PAGE
    finally:
        engine.dispose()


def test_without_own_checkpoints_sqlite_keeps_its_automatic_ones(tmp_path: Path) -> None:
    """A command-line tool's engine (``qms user add``) keeps SQLite's default."""
    path = tmp_path / "hall.db"
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        fill(engine, 10_000)
        assert path.stat().st_size > 1_000 * PAGE  # copied back inside some commit
    finally:
        engine.dispose()
