"""The CMIS simulator of the embedded default, as ``qms serve`` starts it: a process of its
own, ``python -m qms.process.demo_cmis``, serving real HTTP on ``cmis.simulator``'s host and port.

It stands in for a remote system, and a process of its own makes it behave like one: its
demo data, its HTTP stack and its CPU are not the hall server's (they would take the
server's memory and a share of its CPU under load), and it uses the machine's other
core. It never outlives the server: it ends when its stdin closes, and
the kernel kills it if the server dies without closing it (SIGKILL).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.process.child import Child, serve, spawn
from qms.process.child import main as child_main

if TYPE_CHECKING:  # the child imports none of the server
    from qms.config import Settings
    from qms.domain.clock import Clock

STARTUP_TIMEOUT_S = 60.0  # building 10,000 demo customers takes well under a second


class DemoCmis(Child):
    """The running CMIS simulator: ``url`` (no trailing slash) and ``stop()``."""


async def start(settings: Settings, clock: Clock) -> DemoCmis:
    """Start the simulator process and wait until it listens."""
    s = settings.cmis.simulator
    spec = {
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
    child = await spawn("qms.process.demo_cmis", spec, "CMIS simulator", STARTUP_TIMEOUT_S)
    return DemoCmis(child.proc, child.url)


# --- the child -------------------------------------------------------------------------


async def _serve(spec: dict[str, Any]) -> None:
    from integrations.cmis.simulator.app import create_app, default_demo_data
    from integrations.cmis.simulator.faults import FaultConfig

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
    await serve(app, spec["host"], spec["port"])


def main() -> None:
    child_main(_serve)


if __name__ == "__main__":
    main()
