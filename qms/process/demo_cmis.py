"""The CMIS simulator of the embedded default, as ``qms serve`` starts it: a process of its
own, ``python -m qms.process.demo_cmis``, serving real HTTP on ``cmis.simulator``'s host and port.

It stands in for a remote system, and a process of its own makes it behave like one: its
demo data, its HTTP stack and its CPU are not the hall server's (they would take the
server's memory and a share of its CPU under load), and it uses the machine's other
core. It never outlives the server: it ends when its stdin closes, and
the kernel kills it if the server dies without closing it (SIGKILL).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime as dt
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.process import cpu

if TYPE_CHECKING:  # the child imports none of the server
    from qms.config import Settings
    from qms.domain.clock import Clock

STARTUP_TIMEOUT_S = 60.0  # building 10,000 demo customers takes well under a second
BIND_RETRY_S = 10.0  # a killed predecessor's socket may take a moment to go
_PR_SET_PDEATHSIG = 1


class DemoCmis:
    """The running child: ``url`` (no trailing slash) and ``stop()``."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str) -> None:
        self.proc = proc
        self.url = url

    async def stop(self, grace: float = 5.0) -> None:
        """Close its stdin (it finishes open calls and exits), then kill after ``grace``."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()


async def start(settings: Settings, clock: Clock) -> DemoCmis:
    """Start the simulator process and wait until it listens."""
    s = settings.cmis.simulator
    spec = {
        "parent": os.getpid(),
        "host": s.host,
        "port": s.port,
        "ledger": s.ledger,
        "unit": settings.branches[0].id,
        "customers": s.customers,
        "seed": s.seed,
        "books": s.books,
        "notice_days": s.notice_days,
        "today": clock.business_day().isoformat(),  # the hall's day, fake clocks included
        "faults": s.faults,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "qms.process.demo_cmis",
        json.dumps(spec),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), STARTUP_TIMEOUT_S)
    except TimeoutError:
        line = b""
    url = line.decode().strip()
    if not url.startswith("http"):
        await DemoCmis(proc, "").stop(grace=1)
        raise RuntimeError(f"the CMIS simulator did not start on {s.host}:{s.port}")
    return DemoCmis(proc, url)


# --- the child -------------------------------------------------------------------------


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this process when the server dies (Linux); elsewhere the
    closed stdin alone ends it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the server died before prctl took
        os._exit(0)


def _until_stdin_closes(loop: asyncio.AbstractEventLoop, done: asyncio.Event) -> None:
    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        loop.call_soon_threadsafe(done.set)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


async def _serve(spec: dict[str, Any]) -> None:
    from integrations.cmis.simulator.app import create_app, default_demo_data
    from integrations.cmis.simulator.faults import FaultConfig
    from integrations.cmis.simulator.server import start_simulator

    ledger = Path(spec["ledger"]) if spec["ledger"] else None
    # an existing ledger keeps the data it was written for (e.g. yesterday's periods)
    data = default_demo_data(
        ledger,
        unit=spec["unit"],
        customers=spec["customers"],
        seed=spec["seed"],
        today=dt.date.fromisoformat(spec["today"]),
        books=spec.get("books"),
    )
    faults = FaultConfig.from_json(spec["faults"])
    notice = spec.get("notice_days", 7)
    app = create_app(data, ledger_path=ledger, faults=faults, notice_days=notice)
    deadline = time.monotonic() + BIND_RETRY_S
    while True:
        try:
            sim = await start_simulator(app, spec["host"], spec["port"], log_level="warning")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)  # bounded: the port of a killed predecessor frees
    done = asyncio.Event()
    _until_stdin_closes(asyncio.get_running_loop(), done)
    print(sim.url, flush=True)
    await done.wait()
    await sim.stop()


def main() -> None:
    cpu.release()  # off the server's core
    spec = json.loads(sys.argv[1])
    _die_with(spec["parent"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it stops us
    asyncio.run(_serve(spec))


if __name__ == "__main__":
    main()
