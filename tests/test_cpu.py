"""``server.pin_cpu: true``: ``qms serve`` runs on one core, every thread of it, and the
processes it starts (the CMIS simulator, the renderer) on the other cores it was given
(``qms.process.cpu``). By default it is not pinned: the server stays on all of them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Customers, HallServer
from tests.hallclient import Device
from tests.procs import children_running, until

GIVEN = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
pytestmark = pytest.mark.skipif(
    len(GIVEN) < 2, reason="pinning needs two CPUs or more (and Linux's affinity calls)"
)


def threads_cpus(pid: int) -> list[set[int]]:
    """The CPUs each thread of ``pid`` may run on."""
    return [os.sched_getaffinity(int(t.name)) for t in Path(f"/proc/{pid}/task").iterdir()]


def one_child(pid: int, module: str) -> int:
    assert until(lambda: len(children_running(pid, module)) == 1), f"one {module} child"
    return children_running(pid, module)[0]


def test_the_server_runs_on_one_core_and_its_children_on_the_others(
    tmp_path: Path, demo: Any
) -> None:
    hall = HallServer(tmp_path)
    hall.edit_config(lambda raw: raw["server"].update(pin_cpu=True))
    with hall.running():
        assert hall.proc is not None
        pid = hall.proc.pid
        kiosk = Device(hall.base, "demo-kiosk-1")
        kiosk.post("/api/tickets", {"customers": [Customers(demo).take()]})
        kiosk.close()
        printed = tmp_path / "data" / "prints" / "kiosk-1.bin"
        assert until(lambda: printed.exists() and printed.stat().st_size > 0), "ticket printed"

        assert threads_cpus(pid) and all(c == {max(GIVEN)} for c in threads_cpus(pid)), (
            "every thread of the server, the writer lane's too, on the last CPU given"
        )
        for module in ("qms.process.demo_cmis", "qms.devices.renderer"):
            child = one_child(pid, module)
            assert os.sched_getaffinity(child) == GIVEN - {max(GIVEN)}, f"{module} off its core"


def test_by_default_the_server_stays_on_every_core(tmp_path: Path) -> None:
    hall = HallServer(tmp_path)
    with hall.running():
        assert hall.proc is not None
        assert all(c == GIVEN for c in threads_cpus(hall.proc.pid))
