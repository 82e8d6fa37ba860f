"""The embedded default's CMIS simulator runs in a process of its own: it answers the
hall's debt fetches, never outlives its server (stopped, or killed with SIGKILL as when
the power goes), and a restarted server gets its port back at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.conftest import Customers, HallServer
from tests.hallclient import Device
from tests.procs import children_running, gone, until


def issue(hall: HallServer, code: str) -> dict[str, Any]:
    kiosk = Device(hall.base, "demo-kiosk-1")
    try:
        return kiosk.post("/api/tickets", {"customers": [code]})
    finally:
        kiosk.close()


def simulator_of(hall: HallServer) -> int:
    assert hall.proc is not None
    found = children_running(hall.proc.pid, "qms.process.demo_cmis")
    assert len(found) == 1, "the server runs one simulator process"
    return found[0]


def test_the_simulator_is_the_servers_child_and_goes_when_it_is_killed(
    tmp_path: Path, demo: Any
) -> None:
    people = Customers(demo)
    hall = HallServer(tmp_path)
    with hall.running():
        first = people.take()
        ticket = issue(hall, first)
        assert ticket["customers"][0]["code"] == first
        owed = sum(inv.total for inv in demo.customers[first].invoices)
        assert ticket["total_due"] == owed > 0, "CMIS answered with the customer's debts"
        sim = simulator_of(hall)
        assert httpx.get(f"{hall.cmis_url}/admin/faults", timeout=5).status_code == 200
        hall.kill()
        hall.wait_dead()
        assert until(lambda: gone(sim)), "the simulator outlived its SIGKILLed server"

        hall.start()  # same ports: the new simulator gets the old one's
        assert simulator_of(hall) != sim
        second = people.take()
        again = issue(hall, second)
        owed = sum(inv.total for inv in demo.customers[second].invoices)
        assert again["total_due"] == owed > 0, "the restarted simulator answers"
        assert again["number"] == ticket["number"] + 1


def test_a_stopped_server_stops_its_simulator(tmp_path: Path) -> None:
    hall = HallServer(tmp_path)
    hall.start()
    sim = simulator_of(hall)
    hall.stop()
    assert until(lambda: gone(sim)), "the simulator outlived its stopped server"
