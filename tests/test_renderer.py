"""Print jobs are rendered in a process of the server's own: the same bytes as rendering
in place, a renderer that dies is replaced at the next job, and none outlives its server,
even one killed with SIGKILL (a hall PC whose power goes must not pile up processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from printers import samples
from printers.backends import PrinterSetup
from printers.render import render_bytes
from printers.samples import all_documents
from qms import config
from qms.devices.local_io import Devices
from qms.devices.renderer import Renderer, RenderFailed
from qms.domain.clock import Clock
from qms.storage.models import DeviceJob
from tests.conftest import ROOT, Customers, HallServer
from tests.hallclient import Device
from tests.procs import children_running, gone, until

SETUPS = [
    PrinterSetup.from_config({"id": "p80", "backend": {"kind": "file", "path": "-"}, "paper": 80}),
    PrinterSetup.from_config(
        {
            "id": "p58",
            "backend": {"kind": "file", "path": "-"},
            "paper": 58,
            "mode": "text:cp1258",
            "profile": "TM-T20II",
        }
    ),
]


def test_the_renderer_makes_the_same_bytes_as_rendering_in_place() -> None:
    renderer = Renderer()
    try:
        for setup in SETUPS:
            for name, doc in all_documents().items():
                expected = render_bytes(doc, setup.paper, setup.mode, setup.profile)
                assert renderer.render(doc, setup) == expected, name
    finally:
        renderer.close()


class DiesWhenRead:
    """A job that kills the renderer as it reads it: a renderer dying mid-job."""

    def __reduce__(self) -> tuple[Callable[[int], None], tuple[int]]:
        return os._exit, (3,)


def test_a_renderer_that_dies_is_replaced_and_only_the_job_in_hand_fails() -> None:
    renderer = Renderer()
    doc = next(iter(all_documents().values()))
    try:
        first = renderer.render(doc, SETUPS[0])
        with pytest.raises(RenderFailed):  # the device worker keeps this job and retries
            renderer.render(DiesWhenRead(), SETUPS[0])
        assert renderer.render(doc, SETUPS[0]) == first
        between = renderer._proc
        assert between is not None
        between.kill()  # dead between two jobs: the next one does not notice
        between.wait(timeout=10)
        assert renderer.render(doc, SETUPS[0]) == first
    finally:
        renderer.close()


def renderers_of(pid: int) -> list[int]:
    return children_running(pid, "qms.devices.renderer")


def test_no_renderer_outlives_a_server_killed_with_sigkill(tmp_path: Path, demo: Any) -> None:
    hall = HallServer(tmp_path)
    with hall.running():
        assert hall.proc is not None
        kiosk = Device(hall.base, "demo-kiosk-1")
        kiosk.post("/api/tickets", {"customers": [Customers(demo).take()]})
        kiosk.close()
        printed = tmp_path / "data" / "prints" / "kiosk-1.bin"
        assert until(lambda: printed.exists() and printed.stat().st_size > 0), "ticket printed"
        renderers = renderers_of(hall.proc.pid)
        assert len(renderers) == 1, "the ticket was rendered by the server's renderer"
        hall.kill()
        hall.wait_dead()
    assert until(lambda: gone(renderers[0])), "the renderer outlived its server"


def test_a_ticket_rendered_ahead_prints_the_same_bytes_and_only_when_its_turn_comes(
    tmp_path: Path,
) -> None:
    """The device worker has the next job drawn while the one before it goes out: drawing
    ahead sends nothing, and the paper is the same as drawn in turn."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "kiosk.bin"
    for p in raw["branches"][0]["printers"]:
        p["backend"] = {"kind": "file", "path": str(out)}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    devices = Devices(config.load(tmp_path / "config.yaml"))
    ticket = {**samples.TICKET, "follow_token": "q7KbX2mP9sLd"}
    payload = json.dumps({"branch": samples.BRANCH, "at": samples.AT, "ticket": ticket})

    def job(job_id: int) -> DeviceJob:
        return DeviceJob(
            id=job_id, branch_id=raw["branches"][0]["id"], target="kiosk-1", kind="print",
            document="ticket", payload=payload, created_at=Clock().now(),
        )  # fmt: skip

    try:
        ahead = job(1)
        devices.prefetch(ahead)
        devices._ahead[1].result(timeout=60)  # drawn…
        assert not out.exists(), "…and nothing sent before the job's turn"
        devices.send(ahead)
        first = out.read_bytes()
        devices.send(job(2))  # drawn in turn
        assert out.read_bytes() == first * 2
        assert first.count(b"\x1dV") == 1
    finally:
        devices.close()


def test_renderer_restarts_leave_nothing_in_tmp_and_reuse_one_printer_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-escpos pickles its parsed printer database into a new temp directory at
    every import unless told where: each renderer start left one in /tmp, for good."""
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("ESCPOS_CAPABILITIES_PICKLE_DIR", raising=False)
    doc = samples.all_documents()["ticket"]
    expected = render_bytes(doc, SETUPS[0].paper, SETUPS[0].mode, SETUPS[0].profile)
    pickles: list[float] = []
    for _ in range(3):  # three starts: the first writes the database, the others read it
        renderer = Renderer()
        try:
            assert renderer.render(doc, SETUPS[0]) == expected
        finally:
            renderer.close()
        (kept,) = (cache / "qms" / "escpos").glob("*.capabilities.pickle")
        pickles.append(kept.stat().st_mtime_ns)
    assert list(tmp.iterdir()) == []
    assert pickles[0] == pickles[1] == pickles[2]  # written once, not at every start


def test_processes_starting_together_on_a_cold_cache_all_read_a_whole_printer_database(
    tmp_path: Path,
) -> None:
    """A fresh machine: the server's renderer and a second worker's (or two test
    processes) import python-escpos at the same moment. None reads a half-written
    pickle, and one whole pickle is left, nothing else."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    code = "import printers, escpos.capabilities as c; assert c.CAPABILITIES['profiles']"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    cache = tmp_path / "qms" / "escpos"
    (kept,) = cache.iterdir()
    assert kept.name.endswith(".capabilities.pickle") and kept.stat().st_size > 0


def test_an_operators_own_escpos_cache_directory_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from printers import capabilities_cache

    monkeypatch.setenv("ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path / "theirs"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert capabilities_cache.use() == str(tmp_path / "theirs")
    assert not (tmp_path / "cache").exists()
    monkeypatch.delenv("ESCPOS_CAPABILITIES_PICKLE_DIR")
    (tmp_path / "cache").write_text("a file where the directory would go")
    assert capabilities_cache.use() is None  # escpos keeps its own temp directory
    assert "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ


def test_the_field_papers_print_from_their_jobs_payloads(tmp_path: Path) -> None:
    """A cut slip, a reconnection slip (no crew yet) and a crew's list, queued as print
    jobs with the payloads the field work writes, print as the documents themselves."""
    from printers import field_documents

    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "slips.bin"
    for p in raw["branches"][0]["printers"]:
        p["backend"] = {"kind": "file", "path": str(out)}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    devices = Devices(config.load(tmp_path / "config.yaml"))
    setup = devices.printers[("PE0100", "kiosk-1")]
    base = {"branch": samples.BRANCH, "at": samples.FIELD_AT}
    order, crew = samples.FIELD_ORDERS[1], samples.CREW
    jobs = [
        ("cut-slip", {**base, "order": order, "crew": crew},
         field_documents.cut_slip(order, crew, **base)),
        ("reconnect-slip", {**base, "order": samples.RECONNECT_ORDER, "crew": None},
         field_documents.reconnection_slip(samples.RECONNECT_ORDER, None, **base)),
        ("crew-list", {**base, "day": "2026-12-07", "crew": crew, "orders": samples.FIELD_ORDERS},
         field_documents.crew_list(crew, samples.FIELD_ORDERS, day="2026-12-07", **base)),
    ]  # fmt: skip
    try:
        for n, (document, payload, doc) in enumerate(jobs, start=1):
            job = DeviceJob(
                id=n, branch_id=raw["branches"][0]["id"], target="kiosk-1", kind="print",
                document=document, payload=json.dumps(payload), created_at=Clock().now(),
            )  # fmt: skip
            devices.send(job)
            expected = render_bytes(doc, setup.paper, setup.mode, setup.profile)
            assert out.read_bytes().endswith(expected), document
    finally:
        devices.close()
