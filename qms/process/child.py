"""A simulator the server runs as a child process of its own (the CMIS simulator, the
bank's): it stands in for a remote system and behaves like one, its HTTP stack and CPU
apart from the server's. The parent starts it and waits for the URL it prints; the child
serves until its stdin closes, and the kernel kills it if the server dies first.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from qms.process import cpu

BIND_RETRY_S = 10.0  # a killed predecessor's socket may take a moment to go
_PR_SET_PDEATHSIG = 1


class Child:
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


async def spawn(module: str, spec: dict[str, Any], what: str, timeout_s: float) -> Child:
    """Run ``python -m module SPEC`` and wait until it prints the URL it listens on."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        json.dumps({**spec, "parent": os.getpid()}),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), timeout_s)
    except TimeoutError:
        line = b""
    url = line.decode().strip()
    if not url.startswith("http"):
        await Child(proc, "").stop(grace=1)
        raise RuntimeError(f"the {what} did not start on {spec['host']}:{spec['port']}")
    return Child(proc, url)


# --- in the child -------------------------------------------------------------------------


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


async def serve(app: Any, host: str, port: int) -> None:
    """Serve ``app`` over real HTTP, print its URL for the parent, stop when stdin closes."""
    from integrations.cmis.simulator.server import start_simulator

    deadline = time.monotonic() + BIND_RETRY_S
    while True:
        try:
            sim = await start_simulator(app, host, port, log_level="warning")
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


def main(run: Callable[[dict[str, Any]], Coroutine[Any, Any, None]]) -> None:
    """The child's entry: off the server's core, dying with it, ``run(spec)``."""
    cpu.release()
    spec = json.loads(sys.argv[1])
    _die_with(spec["parent"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it stops us
    asyncio.run(run(spec))
