"""Sends queued print and LED jobs to the hall's devices, off the event loop.

A job is marked ``sending`` (committed) before its bytes leave. It becomes ``done`` after
the device took them, or ``queued`` again with backoff if the printer was offline or out
of paper. A job still ``sending`` when the server starts again may or may not have
printed. It turns ``in_doubt`` and is never reprinted by itself; a supervisor looks at
the paper and retries it, or not. Nothing is lost and nothing prints twice on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import anyio.to_thread
from sqlalchemy import Engine, true, update
from sqlmodel import Session, col, or_, select

from qms.devices.jobs import public
from qms.domain import events
from qms.domain.clock import Clock, iso
from qms.domain.events import EventRecord
from qms.live.bus import Bus
from qms.storage import rows
from qms.storage.db import read_session, write_session
from qms.storage.models import DeviceJob
from qms.storage.sequences import lock_branch
from qms.workers.worker_loop import backoff, wake_or_poll

log = logging.getLogger(__name__)
BATCH = 20

#: does the I/O of one job, blocking; raises when the device did not take it
Send = Callable[[DeviceJob], None]
#: starts preparing a job's bytes ahead of its turn (no I/O to the device)
Prefetch = Callable[[DeviceJob], None]
#: a status write: no result, and the events it made
Marked = tuple[None, list[EventRecord]]
#: one job's new status: (the job, status, error)
Change = tuple[DeviceJob, str, str | None]


class Commit(Protocol):
    """``Hall.commit``: a write in turn with the hall's changes, events in seq order."""

    def __call__(
        self, branch_id: str, work: Callable[[], Marked], *, wake_devices: bool = ...
    ) -> Awaitable[None]: ...


class DeviceWorker:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        send: Send,
        bus: Bus,
        wake: asyncio.Event | None = None,
        idle_s: float = 1.0,
        branches: frozenset[str] | None = None,
        prefetch: Prefetch | None = None,
    ) -> None:
        self.branches = branches  # None: all; else only these (others have a hall agent)
        self.bus = bus
        self.engine = engine
        self.clock = clock
        self.send = send
        self.prefetch = prefetch
        self.idle_s = idle_s
        self.wake = wake or asyncio.Event()

    def recover(self) -> int:
        """At start-up: a job caught mid-send is in doubt, not to be repeated blindly."""
        with write_session(self.engine) as s:
            mine = (
                col(DeviceJob.branch_id).in_(self.branches) if self.branches is not None else true()
            )
            result = s.execute(
                update(DeviceJob)
                .where(col(DeviceJob.status) == "sending", mine)
                .values(status="in_doubt", last_error="the server stopped while sending")
            )
            # typed as a Result; an UPDATE's is a CursorResult, which has the rowcount
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _due(self) -> list[DeviceJob]:
        now = self.clock.now()
        with read_session(self.engine) as s:
            return list(
                s.exec(
                    select(DeviceJob)
                    .where(
                        DeviceJob.status == "queued",
                        col(DeviceJob.branch_id).in_(self.branches)
                        if self.branches is not None
                        else True,
                        or_(
                            col(DeviceJob.next_attempt_at).is_(None),
                            col(DeviceJob.next_attempt_at) <= now,
                        ),
                    )
                    .order_by(col(DeviceJob.id))
                    .limit(BATCH)
                ).all()
            )

    def _mark(self, job: DeviceJob, status: str, error: str | None = None) -> EventRecord | None:
        """Record a job's new status; a failure or success is an event for supervisors."""
        _, emitted = self._marks([(job, status, error)])()
        return emitted[0] if emitted else None

    def _apply(
        self, s: Session, job: DeviceJob, status: str, error: str | None
    ) -> tuple[dict[str, Any], EventRecord | None]:
        """One status written by key (no load: ``job`` is as this worker last wrote it);
        returns the new values, for ``job`` once the write is committed, and the event."""
        now = self.clock.now()
        new: dict[str, Any] = {"status": status, "last_error": error}
        if status == "sending":
            new["attempts"] = job.attempts + 1
        elif status == "queued":
            new["next_attempt_at"] = now + backoff(job.attempts)
        elif status == "done":
            new["done_at"] = now
        assert job.id is not None
        rows.update(s, DeviceJob, job.id, **new)
        if status == "sending":
            return new, None
        lock_branch(s, job.branch_id)
        shown = {**public(job), "status": status, "error": error}
        shown["done_at"] = iso(new.get("done_at", job.done_at))
        return new, events.append(s, job.branch_id, "device.job", {"job": shown}, now)

    def step(self, job: DeviceJob) -> list[EventRecord]:
        """One job, blocking: sending, then done or back in the queue."""
        self._mark(job, "sending")
        ev = self._mark(*self._sent(job))
        return [ev] if ev else []

    def _sent(self, job: DeviceJob) -> Change:
        """Send one job, blocking; its outcome: done, or queued again with why."""
        try:
            self.send(job)
        except Exception as exc:  # any device failure: keep the job, try again later
            log.warning("device job %s to %s failed: %s", job.id, job.target, exc)
            return (job, "queued", f"{type(exc).__name__}: {exc}")
        return (job, "done", None)

    def run_once(self) -> list[EventRecord]:
        out: list[EventRecord] = []
        for job in self._due():
            out.extend(self.step(job))
        return out

    async def run(self, commit: Commit | None = None) -> None:
        """With ``commit`` (the hall's), each status is written in turn with the hall's
        own changes and its event published in seq order; the sending is not."""
        await anyio.to_thread.run_sync(self.recover)

        async def step() -> bool:
            if commit is None:
                emitted = await anyio.to_thread.run_sync(self.run_once)
                for ev in emitted:
                    await self.bus.publish(ev.branch_id, [ev])
                return len(emitted) >= BATCH
            jobs = await anyio.to_thread.run_sync(self._due)
            await self._step_in_turn(jobs, commit)
            return len(jobs) >= BATCH

        await wake_or_poll("device worker", self.wake, step, self.idle_s)

    async def _step_in_turn(self, jobs: list[DeviceJob], commit: Commit) -> None:
        """Each job is marked ``sending`` before its bytes leave, and in the same write as
        the outcome of the job before it (same branch): one write per job, not two, while
        a backlog prints, and a crash still finds only the job it was sending."""
        last: Change | None = None  # the previous job's outcome, not yet written
        for k, job in enumerate(jobs):
            if self.prefetch is not None:  # the next one is drawn while this one goes out
                for ahead in jobs[k : k + 2]:
                    self.prefetch(ahead)
            changes: list[Change] = [(job, "sending", None)]
            if last is not None and last[0].branch_id == job.branch_id:
                changes.insert(0, last)
            elif last is not None:
                await commit(last[0].branch_id, self._marks([last]), wake_devices=False)
            await commit(job.branch_id, self._marks(changes), wake_devices=False)
            last = await anyio.to_thread.run_sync(self._sent, job)
        if last is not None:
            await commit(last[0].branch_id, self._marks([last]), wake_devices=False)

    def _marks(self, changes: list[Change]) -> Callable[[], Marked]:
        def work() -> Marked:
            with write_session(self.engine) as s:
                written = [
                    (job, *self._apply(s, job, status, error)) for job, status, error in changes
                ]
            for job, new, _ in written:  # committed: run again, it would start from these
                for name, value in new.items():
                    setattr(job, name, value)
            return None, [ev for _, _, ev in written if ev is not None]

        return work
