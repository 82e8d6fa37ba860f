"""The alert watch against the real gateway simulator on loopback, in the fast tier's hall
(real SQLite, a clock that moves when told): an alert goes by SMS once, through a gateway
that fails first; a refused number is not tried again; an alert cleared before it was sent
is not sent; no phone, no message; and without a gateway the watch still raises."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrations.cmis.simulator.server import RunningSimulator, start_simulator
from integrations.notify.base import make_gateway
from integrations.notify.simulator.app import create_app
from qms.config import NotifySettings
from qms.domain import commands as c
from qms.usecases import alerts
from qms.workers.alert_watch import AlertWatch
from tests.conftest import LoopThread
from tests.fast.conftest import Rig, staff

PHONE, BLOCKED = "0912345601", "0912345602"
ADMIN = staff("admin", "admin", None)


@pytest.fixture(scope="module")
def loop_thread() -> Iterator[LoopThread]:
    loop = LoopThread("gateway-sim")
    yield loop
    loop.close()


@pytest.fixture
def sim(loop_thread: LoopThread) -> Iterator[RunningSimulator]:
    running = loop_thread.run(start_simulator(create_app(), "127.0.0.1", 0))
    yield running
    loop_thread.run(running.stop(grace=3))


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0")
    yield r
    r.close()


@pytest.fixture
def watch(rig: Rig, sim: RunningSimulator) -> Iterator[AlertWatch]:
    settings = NotifySettings(timeout_s=2.0)
    w = AlertWatch(rig.hall, make_gateway(settings, sim.url))
    yield w
    assert w.gateway is not None
    rig.run(w.gateway.aclose())


def faults(sim: RunningSimulator, **kw: Any) -> None:
    assert httpx.post(sim.url + "/faults", json=kw).status_code == 200


def delivered(sim: RunningSimulator, phone: str | None = None) -> list[dict[str, Any]]:
    params = {"phone": phone} if phone else {}
    got: list[dict[str, Any]] = httpx.get(sim.url + "/messages", params=params).json()["messages"]
    return got


def rule(rig: Rig, kind: str, threshold: int, phone: str | None) -> dict[str, Any]:
    body = {"kind": kind, "threshold": threshold, "notify_phone": phone}
    return rig.run(alerts.create_rule(rig.hall, ADMIN, body))  # type: ignore[no-any-return]


def a_long_wait(rig: Rig) -> dict[str, Any]:
    t = rig.issue(rig.cmis.customer())
    rig.clock.move(minutes=1)
    return t


def sent_at(rig: Rig) -> list[object]:
    listed = rig.run(alerts.listing(rig.hall, ADMIN, "all"))["alerts"]
    return [a["sent_at"] for a in listed]


def test_sent_once_through_a_gateway_that_fails_first(
    rig: Rig, sim: RunningSimulator, watch: AlertWatch
) -> None:
    rule(rig, "wait_over", 0, PHONE)
    t = a_long_wait(rig)
    faults(sim, fail_next=1)
    assert rig.run(watch.evaluate_once()) == {"raised": 1, "cleared": 0}
    assert rig.run(watch.send_once()) == 0  # the gateway failed: still unsent
    assert sent_at(rig) == [None]
    assert rig.run(watch.evaluate_once()) == {"raised": 0, "cleared": 0}  # raised once
    assert rig.run(watch.send_once()) == 1
    assert rig.run(watch.send_once()) == 0  # sent: not again
    (sms,) = delivered(sim, PHONE)
    assert sms["key"].startswith("alert-")
    assert f"PE0100: Khach cho qua lau: Ve so {t['number']} da cho 1 phut" in sms["text"]
    assert "Ticket" in sms["text"] and "đ" not in sms["text"]  # plain GSM text
    assert sent_at(rig) != [None]


def test_raised_again_the_same_day_is_not_sent_twice(
    rig: Rig, sim: RunningSimulator, watch: AlertWatch
) -> None:
    rule(rig, "wait_over", 0, PHONE)
    t = a_long_wait(rig)
    rig.run(watch.evaluate_once())
    assert rig.run(watch.send_once()) == 1
    rig.open_drawers("c1")
    rig.find(t)
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    assert rig.run(watch.evaluate_once())["cleared"] == 1
    a_long_wait(rig)
    assert rig.run(watch.evaluate_once())["raised"] == 1
    assert rig.run(watch.send_once()) == 0
    assert len(delivered(sim, PHONE)) == 1


def test_a_refused_number_is_not_tried_again_and_others_still_go(
    rig: Rig, sim: RunningSimulator, watch: AlertWatch
) -> None:
    faults(sim, reject=[BLOCKED])
    rule(rig, "wait_over", 0, BLOCKED)
    rule(rig, "closed_while_queue", 0, PHONE)
    a_long_wait(rig)
    assert rig.run(watch.evaluate_once())["raised"] == 2
    assert rig.run(watch.send_once()) == 1
    assert rig.run(watch.send_once()) == 0
    counts = httpx.get(sim.url + "/messages").json()["counts"]
    assert counts["rejected"] == 1 and len(delivered(sim, PHONE)) == 1


def test_cleared_before_sending_or_no_phone_sends_nothing(
    rig: Rig, sim: RunningSimulator, watch: AlertWatch
) -> None:
    rule(rig, "wait_over", 0, PHONE)
    rule(rig, "closed_while_queue", 0, None)
    t = a_long_wait(rig)
    assert rig.run(watch.evaluate_once())["raised"] == 2
    rig.open_drawers("c1")
    rig.find(t)
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    assert rig.run(watch.evaluate_once())["cleared"] == 2
    assert rig.run(watch.send_once()) == 0
    assert delivered(sim) == []


def test_without_a_gateway_alerts_are_raised_and_wait(rig: Rig) -> None:
    rule(rig, "wait_over", 0, PHONE)
    a_long_wait(rig)
    bare = AlertWatch(rig.hall, None)
    assert rig.run(bare.evaluate_once())["raised"] == 1
    assert rig.run(bare.send_once()) == 0
    assert sent_at(rig) == [None]
