"""Processes of the tests: the server's children, read from /proc (which there are, and
whether one is gone), and what a fresh interpreter prints."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def children_running(pid: int, module: str) -> list[int]:
    """The children of ``pid`` started as ``python -m <module>``."""
    out = []
    for child in children(pid):
        with contextlib.suppress(FileNotFoundError):
            if module.encode() in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
    return out


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except FileNotFoundError:
        return True


def until(check: Callable[[], bool], bound_s: float = 20.0) -> bool:
    """Poll ``check`` every 50 ms for at most ``bound_s`` (nothing to wait on instead)."""
    deadline = time.monotonic() + bound_s
    while not check():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.05)
    return True


def fresh_python(code: str) -> str:
    """What ``python -c code`` prints, stripped: what a new process imports is not what
    this test process, which imported everything already, would show."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return out.stdout.strip()
