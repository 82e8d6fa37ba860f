"""The bank simulator of the embedded default, as ``qms serve`` starts it when
``bank.simulator.enabled``: a process of its own, ``python -m qms.process.demo_bank``,
serving real HTTP on ``bank.simulator``'s host and port and notifying this hall.

Like the CMIS simulator (``demo_cmis``), it is a remote system and runs as one: its own
process, its own core; it ends when its stdin closes and dies with the server (SIGKILL).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.process import cpu
from qms.process.demo_cmis import DemoCmis, _die_with, _until_stdin_closes

if TYPE_CHECKING:  # the child imports none of the server
    from qms.config import Settings

STARTUP_TIMEOUT_S = 30.0
BIND_RETRY_S = 10.0


class DemoBank(DemoCmis):
    """The running child: ``url`` (no trailing slash) and ``stop()``."""


async def start(settings: Settings, hall: str) -> DemoBank:
    """Start the simulator, notifying ``hall`` (the server's own base URL); wait until it
    listens."""
    b = settings.bank
    s = b.simulator
    assert b.webhook_secret is not None  # config validation requires it
    spec = {
        "parent": os.getpid(),
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
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "qms.process.demo_bank",
        json.dumps(spec),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), STARTUP_TIMEOUT_S)
    except TimeoutError:
        line = b""
    url = line.decode().strip()
    if not url.startswith("http"):
        await DemoBank(proc, "").stop(grace=1)
        raise RuntimeError(f"the bank simulator did not start on {s.host}:{s.port}")
    return DemoBank(proc, url)


# --- the child -------------------------------------------------------------------------


async def _serve(spec: dict[str, Any]) -> None:
    from integrations.bank.simulator.app import BankConfig, create_app
    from integrations.bank.simulator.faults import FaultConfig
    from integrations.bank.simulator.ledger import Ledger
    from integrations.bank.simulator.sender import Retry
    from integrations.cmis.simulator.server import start_simulator

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
    deadline = time.monotonic() + BIND_RETRY_S
    while True:
        try:
            sim = await start_simulator(app, spec["host"], spec["port"], log_level="warning")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)  # bounded: the port of a killed predecessor frees
    done = asyncio.Event()
    _until_stdin_closes(asyncio.get_running_loop(), done)
    print(sim.url, flush=True)
    await done.wait()
    await sim.stop()


def main() -> None:
    cpu.release()  # off the server's core
    spec = json.loads(sys.argv[1])
    _die_with(spec["parent"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it stops us
    asyncio.run(_serve(spec))


if __name__ == "__main__":
    main()
