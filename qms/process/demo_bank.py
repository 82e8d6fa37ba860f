"""The bank simulator of the embedded default, as ``qms serve`` starts it when
``bank.simulator.enabled``: a process of its own, ``python -m qms.process.demo_bank``,
serving real HTTP on ``bank.simulator``'s host and port and notifying this hall.

Like the CMIS simulator (``demo_cmis``), it is a remote system and runs as one: its own
process, its own core; it ends when its stdin closes and dies with the server (SIGKILL).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.process.child import Child, serve, spawn
from qms.process.child import main as child_main

if TYPE_CHECKING:  # the child imports none of the server
    from qms.config import Settings

STARTUP_TIMEOUT_S = 30.0


class DemoBank(Child):
    """The running bank simulator: ``url`` (no trailing slash) and ``stop()``."""


async def start(settings: Settings, hall: str) -> DemoBank:
    """Start the simulator, notifying ``hall`` (the server's own base URL); wait until it
    listens."""
    b = settings.bank
    s = b.simulator
    assert b.webhook_secret is not None  # config validation requires it
    spec = {
        "host": s.host,
        "port": s.port,
        "hall": hall,
        "secret": b.webhook_secret,
        "account": b.account,
        "bank_bin": b.bank_bin,
        "ledger": s.ledger,
        "opening_balance": s.opening_balance,
        "retry": s.retry.model_dump(),
        "faults": s.faults,
    }
    child = await spawn("qms.process.demo_bank", spec, "bank simulator", STARTUP_TIMEOUT_S)
    return DemoBank(child.proc, child.url)


# --- the child -------------------------------------------------------------------------


async def _serve(spec: dict[str, Any]) -> None:
    from integrations.bank.simulator.app import BankConfig, create_app
    from integrations.bank.simulator.faults import FaultConfig
    from integrations.bank.simulator.ledger import Ledger
    from integrations.bank.simulator.sender import Retry

    config = BankConfig(
        spec["hall"], spec["secret"], spec["account"], spec["bank_bin"], spec["opening_balance"]
    )
    journal = Path(spec["ledger"]) if spec["ledger"] else None
    ledger = Ledger(config.account, opening_balance=config.opening_balance, journal=journal)
    app = create_app(
        config,
        faults=FaultConfig.from_json(spec["faults"]),
        retry=Retry(**spec["retry"]),
        ledger=ledger,
    )
    await serve(app, spec["host"], spec["port"])


def main() -> None:
    child_main(_serve)


if __name__ == "__main__":
    main()
