"""The notification gateway simulator of the embedded default, as ``qms serve`` starts it
when ``notify.gateway`` is ``simulator`` and ``notify.simulator.enabled``: a process of
its own, ``python -m qms.process.demo_notify``, serving real HTTP on
``notify.simulator``'s host and port (docs/notify.md).

A remote system, run as one (like ``demo_bank``): it ends when its stdin closes and dies
with the server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qms.process.child import Child, serve, spawn
from qms.process.child import main as child_main

if TYPE_CHECKING:  # the child imports none of the server
    from qms.config import Settings

STARTUP_TIMEOUT_S = 30.0


class DemoNotify(Child):
    """The running gateway simulator: ``url`` (no trailing slash) and ``stop()``."""


def wanted(settings: Settings) -> bool:
    n = settings.notify
    return n.enabled and n.gateway == "simulator" and n.simulator.enabled


async def start(settings: Settings) -> DemoNotify:
    """Start the simulator; wait until it listens."""
    s = settings.notify.simulator
    spec = {"host": s.host, "port": s.port, "faults": s.faults}
    child = await spawn("qms.process.demo_notify", spec, "gateway simulator", STARTUP_TIMEOUT_S)
    return DemoNotify(child.proc, child.url)


# --- the child -------------------------------------------------------------------------


async def _serve(spec: dict[str, Any]) -> None:
    from integrations.notify.simulator.app import create_app
    from integrations.notify.simulator.faults import Faults

    await serve(create_app(Faults.from_json(spec["faults"])), spec["host"], spec["port"])


def main() -> None:
    child_main(_serve)


if __name__ == "__main__":
    main()
