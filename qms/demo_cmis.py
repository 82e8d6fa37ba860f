"""The CMIS simulator of the embedded default, as ``qms serve`` starts it: in the server's
own loop with one process, or in the parent's when several worker processes share it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qms.clock import Clock
from qms.config import Settings


async def start(settings: Settings, clock: Clock) -> Any:
    """Serve the demo data on ``cmis.simulator``'s host and port; ``.url``, ``.stop()``."""
    from integrations.cmis.simulator.app import create_app as sim_app
    from integrations.cmis.simulator.app import default_demo_data
    from integrations.cmis.simulator.faults import FaultConfig
    from integrations.cmis.simulator.server import start_simulator

    s = settings.cmis.simulator
    ledger = Path(s.ledger) if s.ledger else None
    # an existing ledger keeps the data it was written for (e.g. yesterday's periods)
    data = default_demo_data(
        ledger,
        unit=settings.branches[0].id,
        customers=s.customers,
        seed=s.seed,
        today=clock.business_day(),
    )
    return await start_simulator(
        sim_app(data, ledger_path=ledger, faults=FaultConfig.from_json(s.faults)),
        host=s.host,
        port=s.port,
        log_level="warning",
    )
