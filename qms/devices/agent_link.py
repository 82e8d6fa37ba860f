"""The server's side of a hall agent: which jobs to hand it, and what its acks mean.

A job handed to the agent is ``sending`` until the agent acks it done. After a reconnect
every job not yet acked is handed over again; the agent keeps a journal of what it
printed and acks a repeat without printing it, so nothing is lost and nothing repeated.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from qms.devices.jobs import public
from qms.domain import events
from qms.domain.clock import Clock
from qms.domain.errors import BadRequest, NotFound
from qms.domain.events import EventRecord
from qms.storage.db import write_session
from qms.storage.models import DeviceJob
from qms.storage.sequences import lock_branch


def wire(job: DeviceJob) -> dict[str, Any]:
    return {**public(job), "payload": json.loads(job.payload)}


def hand_over(
    engine: Engine, branch_id: str, job_id: int | None = None, *, again: bool = True
) -> list[dict[str, Any]]:
    """Jobs for the agent, now ``sending``: one new job, or all it has not acked (``again``:
    also those handed over before, as after a reconnect), or only never handed ones."""
    statuses = ("queued", "sending") if again else ("queued",)
    with write_session(engine) as s:
        q = select(DeviceJob).where(
            DeviceJob.branch_id == branch_id, col(DeviceJob.status).in_(statuses)
        )
        if job_id is not None:
            q = q.where(DeviceJob.id == job_id)
        jobs = list(s.exec(q.order_by(col(DeviceJob.id))).all())
        for job in jobs:
            job.status = "sending"
            job.attempts += 1
            s.add(job)
        s.flush()
        return [wire(j) for j in jobs]


def ack(
    engine: Engine, clock: Clock, branch_id: str, job_id: object, ok: object, error: object
) -> EventRecord | None:
    """The agent printed it (done), or could not yet (it keeps trying: the error is shown)."""
    if isinstance(job_id, bool) or not isinstance(job_id, int) or not isinstance(ok, bool):
        raise BadRequest(
            "ack needs job (integer) and ok (true/false)", code="invalid_request", field="job"
        )
    now = clock.now()
    with write_session(engine) as s:
        job = s.get(DeviceJob, job_id)
        if job is None or job.branch_id != branch_id:
            raise NotFound(f"no device job {job_id}", code="unknown_job", job=job_id)
        if job.status == "done":
            return None  # a repeated ack after a reconnect
        if ok:
            job.status, job.done_at, job.last_error = "done", now, None
        else:
            job.last_error = str(error or "device failed")[:500]
        s.add(job)
        lock_branch(s, branch_id)
        return events.append(s, branch_id, "device.job", {"job": public(job)}, now)
