"""The server process on one core, its children on the others: ``server.pin_cpu``, off
by default.

A server process is one interpreter: its event loop and its writer lane's thread take
turns holding the interpreter's lock, and the lane gives it back at every call into
SQLite. On two cores each hand-over wakes the other thread on the other core; on one
they take turns in place, which makes a server at full load quicker. It is off by
default because a process that picks its own core surprises whoever runs it in a
container, a VM or beside a database, and may land on a core something else keeps busy.
When on, the processes the server starts (the renderer, the CMIS simulator, the
migration) run on the other cores it was given, so none of them slows the server's.
"""

from __future__ import annotations

import contextlib
import os

#: the CPUs given to the server but for its own, for the processes it starts
ENV = "QMS_CPUS"


def pin() -> int | None:
    """Run this process (and the threads it starts from now on) on one of the CPUs it
    may use: the last, since interrupts favour the first. Returns that CPU, or None when
    there is nothing to choose (one CPU, or no affinity calls on this system)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    own, others = allowed[-1], allowed[:-1]
    os.environ[ENV] = ",".join(map(str, others))
    os.sched_setaffinity(0, {own})
    return own


def release() -> None:
    """In a process the server started: run on the server's other CPUs, not its own."""
    cpus = os.environ.get(ENV)
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return
    with contextlib.suppress(OSError, ValueError):  # a CPU taken away since: keep as is
        os.sched_setaffinity(0, {int(c) for c in cpus.split(",")})
