"""Fills in tickets issued while CMIS was down, as soon as CMIS answers again; lookup and
cashier screens update live from the ``ticket.debts_fetched`` events."""

from __future__ import annotations

import logging

from integrations.cmis import base as cmis
from qms.domain import tickets
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall
from qms.workers.worker_loop import wake_or_poll

log = logging.getLogger(__name__)


class DebtFetcher:
    def __init__(self, hall: Hall, idle_s: float = 2.0) -> None:
        self.hall = hall
        self.idle_s = idle_s

    async def run_once(self) -> int:
        """One pass over every branch; returns how many customers are still pending."""
        left = 0
        for branch in self.hall.branches.values():
            codes = await self.hall.read(
                tickets.pending_debts, branch.id, self.hall.clock.business_day()
            )
            worker = Principal("device", "debt-fetcher", "system", branch.id)
            client = self.hall.cmis(branch.id)
            for code in codes:
                try:
                    debts: cmis.CustomerDebts | None = await self.hall.cmis_call(
                        branch.id, client.get_debts(code)
                    )
                except cmis.CustomerNotFound:
                    debts = None
                except cmis.CmisError as exc:
                    log.info("debts of %s still pending: %s", code, exc)
                    left += 1
                    continue
                await self.hall.change(worker, tickets.fill_debts, code, debts)
        return left

    async def run(self) -> None:
        async def step() -> bool:
            await self.run_once()
            return False  # what is left waits for CMIS, not for us

        await wake_or_poll("debt fetcher", self.hall.debts_waiting, step, self.idle_s)
