"""The simulator as a process of its own (`qms cmis-sim`), for the tests and benchmarks
that kill the hall server: a CMIS in the server's own process would die with it, and
with it the ledger that says what CMIS took."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimulatorProcess:
    """`qms cmis-sim` on a free loopback port, its journal in ``tmp``; started at once,
    ready when the constructor returns (uvicorn said it listens)."""

    def __init__(self, tmp: Path, customers: int, seed: int, *extra: str) -> None:
        self.journal = tmp / "ledger.jsonl"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "qms", "cmis-sim", "--port", str(self.port)]
        cmd += ["--customers", str(customers), "--seed", str(seed), "--ledger", str(self.journal)]
        cmd += extra  # more `qms cmis-sim` flags, e.g. "--books", "50"
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # uvicorn says when it listens
            if "Uvicorn running" in line:
                break
        else:
            raise RuntimeError("cmis-sim did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def faults(self, **settings: Any) -> None:
        """Replace the fault settings (none given: a healthy CMIS)."""
        httpx.put(f"{self.url}/admin/faults", json=settings, timeout=10).raise_for_status()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)
        if self.proc.stderr:
            self.proc.stderr.close()
