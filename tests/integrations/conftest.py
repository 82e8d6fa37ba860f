"""One CMIS simulator (2.0 and 1.0 over one ledger) on real loopback HTTP for the session.

It runs in a background thread with its own event loop, so tests stay plain sync functions
(sync httpx for the wire, ``asyncio.run`` for the async adapter). Tests share its ledger,
so each takes customers nobody used before (``SimV2.take``) and never resets state.
``faulty_sim`` is a second simulator per test module, for tests that set faults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from starlette.responses import StreamingResponse

from integrations.cmis.http_client import MAX_ANSWER
from integrations.cmis.simulator.app import create_app
from integrations.cmis.simulator.data import DemoData, SimCustomer, build_demo_data
from integrations.cmis.simulator.faults import FaultConfig
from integrations.cmis.simulator.faults_v1 import InDoubtConfig
from integrations.cmis.simulator.ledger import VN, Ledger
from integrations.cmis.simulator.server import RunningSimulator, start_simulator
from tests.conftest import LoopThread

TODAY = dt.date(2026, 3, 14)
NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)

T = TypeVar("T")


def streamed_past_max_answer(media_type: str) -> StreamingResponse:
    """An answer longer than the adapters read, streamed with no Content-Length."""
    chunk = b" " * 65536
    return StreamingResponse(
        (chunk for _ in range(MAX_ANSWER // len(chunk) + 2)), media_type=media_type
    )


class FakeClock:
    """CMIS's clock for the shared ledger: fixed unless a test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class SimV2:
    url: str
    data: DemoData
    ledger: Ledger
    clock: FakeClock
    _used: set[str] = field(default_factory=set)

    def take(self, **criteria: Any) -> SimCustomer:
        """A customer matching ``DemoData.select`` criteria that no test has used yet."""
        for c in self.data.select(**criteria):
            if c.code not in self._used:
                self._used.add(c.code)
                return c
        raise LookupError(f"no unused customer with {criteria}")


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    return build_demo_data(today=TODAY)


@pytest.fixture(scope="session")
def sim_v2(loop_thread: LoopThread, demo_data: DemoData) -> Iterator[SimV2]:
    app = create_app(demo_data)
    clock = FakeClock(NOW)
    app.state.ledger.clock = clock
    running: RunningSimulator = loop_thread.run(start_simulator(app))
    yield SimV2(url=running.url, data=demo_data, ledger=app.state.ledger, clock=clock)
    loop_thread.run(running.stop())


@pytest.fixture
def clock(sim_v2: SimV2) -> Iterator[FakeClock]:
    """The shared clock, put back after the test."""
    before = sim_v2.clock.now
    yield sim_v2.clock
    sim_v2.clock.now = before


@dataclass
class FaultySim(SimV2):
    """A simulator of one test module's own, whose faults tests may set (reset after each)."""

    app: Any = None

    def faults(self, **kw: Any) -> None:
        """Replace the fault settings (``FaultConfig`` fields; none: healthy)."""
        self.app.state.faults.set(FaultConfig(**kw))

    def in_doubt(self, **kw: Any) -> None:
        """Replace the CMIS 1.0 in-doubt settings (``InDoubtConfig`` fields; none: off)."""
        self.app.state.cmis1.in_doubt.set(InDoubtConfig(**kw))


@pytest.fixture(scope="module")
def _faulty_sim_of_module(loop_thread: LoopThread, demo_data: DemoData) -> Iterator[FaultySim]:
    app = create_app(demo_data)
    clock = FakeClock(NOW)
    app.state.ledger.clock = clock
    running: RunningSimulator = loop_thread.run(start_simulator(app))
    yield FaultySim(url=running.url, data=demo_data, ledger=app.state.ledger, clock=clock, app=app)
    loop_thread.run(running.stop())


@pytest.fixture
def faulty_sim(_faulty_sim_of_module: FaultySim) -> Iterator[FaultySim]:
    """The module's own simulator; faults, in-doubt settings and clock put back after."""
    sim = _faulty_sim_of_module
    yield sim
    sim.faults()
    sim.in_doubt()
    sim.clock.now = NOW
