"""The hall agent: a separate `qms agent` process prints its hall's jobs from the central
server. Killed with SIGKILL and restarted, and with the server restarted under it, every
job prints exactly once."""

from __future__ import annotations

import hashlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, Customers, HallServer, database_url
from tests.hallclient import Staff
from tests.wsclient import ViewClient

TOKEN = "agent-secret-for-tests"
CUT = b"\x1dV"


class AgentProcess:
    def __init__(self, hall: HallServer, journal: Path) -> None:
        self.hall, self.journal = hall, journal
        self.proc: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str] = queue.Queue()

    def start(self) -> AgentProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qms", "agent", "--server", self.hall.ws_url,
             "--branch", "PE0100", "--config", str(self.hall.config),
             "--journal", str(self.journal), "--log-level", "warning"],
            env={**os.environ, "QMS_AGENT_TOKEN": TOKEN},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.hall.tmp,
        )  # fmt: skip
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc,), daemon=True).start()
        self.wait_connected()
        return self

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.put(line)
        proc.stdout.close()

    def wait_connected(self) -> None:
        while "connected" not in self.lines.get(timeout=30):
            pass

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[HallServer]:
    raw: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    branch = raw["branches"][0]
    branch["device_agent"] = "hall-agent"
    for p in branch["printers"]:
        p["backend"]["path"] = str(tmp_path / f"{p['id']}.bin")
    raw["devices"].append(
        {
            "id": "hall-agent",
            "kind": "agent",
            "branch": "PE0100",
            "token_sha256": hashlib.sha256(TOKEN.encode()).hexdigest(),
        }
    )
    hall = HallServer(tmp_path, raw=raw)
    raw["database"]["url"] = database_url(tmp_path)
    raw["cmis"]["simulator"].update(
        port=hall.sim_port, customers=3000, ledger=str(tmp_path / "ledger.jsonl")
    )
    hall.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    hall.start()
    yield hall
    hall.stop()


def wait_done(view: ViewClient, count: int, seen: set[int]) -> None:
    """Bounded wait on device.job events until ``count`` jobs are done."""
    while len(seen) < count:
        msg = view.recv(timeout=30)
        view.apply(msg)
        job = msg.get("data", {}).get("job") if msg.get("event") == "device.job" else None
        if job and job["status"] == "done":
            seen.add(job["id"])


@pytest.mark.slow
def test_agent_prints_each_job_once_through_kills_and_restarts(
    central: HallServer, demo: Any, tmp_path: Path
) -> None:
    pick = Customers(demo)
    reception = Staff(central.base, "reception", "R1")
    sup = Staff(central.base, "supervisor", None)
    agent = AgentProcess(central, tmp_path / "journal.txt").start()
    view = ViewClient(central.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    done: set[int] = set()
    paper = tmp_path / "reception.bin"

    def issue(n: int) -> None:
        for _ in range(n):
            reception.post("/api/tickets", {"customers": [pick.take()]})

    issue(4)
    wait_done(view, 4, done)
    assert paper.read_bytes().count(CUT) == 4

    agent.kill()  # the hall PC loses power; tickets keep coming
    issue(3)
    agent.start()
    wait_done(view, 7, done)
    assert paper.read_bytes().count(CUT) == 7

    view.close()
    central.stop()  # the central server restarts under a connected agent
    central.start()
    reception.close()  # its pooled connection died with the server
    reception = Staff(central.base, "reception", "R1")
    view = ViewClient(central.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    agent.wait_connected()
    issue(2)
    wait_done(view, 9, done)
    jobs = sup.get("/api/device-jobs")["jobs"]
    assert len(jobs) == 9 and {j["status"] for j in jobs} == {"done"}
    assert paper.read_bytes().count(CUT) == 9, "each ticket printed once"
    assert sorted(int(x) for x in (tmp_path / "journal.txt").read_text().split()) == sorted(
        j["id"] for j in jobs
    )
    agent.kill()
    view.close()
    reception.close()
    sup.close()
