"""Watches the customers our crews cut: when CMIS shows one of them with nothing overdue
any more (paid at a bank or through a payment network), their reconnection order is
created, as a payment at a counter creates it (docs/field.md)."""

from __future__ import annotations

import asyncio
import logging

from integrations.cmis import base as cmis
from qms.domain.field import reconnect
from qms.domain.field.orders import past_due
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall
from qms.workers.worker_loop import wake_or_poll

log = logging.getLogger(__name__)


class FieldWatch:
    def __init__(self, hall: Hall, every_s: float = 300.0, concurrency: int = 4) -> None:
        self.hall = hall
        self.every_s = every_s
        self.concurrency = concurrency
        self.woken = asyncio.Event()  # tests ask for a pass now

    async def run_once(self) -> int:
        """One look at every cut customer; returns how many reconnections it created."""
        made = 0
        gate = asyncio.Semaphore(self.concurrency)
        for branch_id in self.hall.branches:
            who = Principal("device", "field-watch", "system", branch_id)
            codes = await self.hall.peek(who, reconnect.cut_customers)
            answers = await asyncio.gather(*(self._owes(branch_id, c, gate) for c in codes))
            for code, still in zip(codes, answers, strict=True):
                if still is False:
                    if await self.hall.change(who, reconnect.paid_elsewhere, code) is not None:
                        made += 1
        return made

    async def _owes(self, branch_id: str, code: str, gate: asyncio.Semaphore) -> bool | None:
        """Whether CMIS still shows an overdue invoice of the customer (None: no answer)."""
        today = self.hall.clock.business_day()
        async with gate:
            try:
                debts = await self.hall.cmis_call(
                    branch_id, self.hall.cmis(branch_id).get_debts(code)
                )
            except cmis.CmisError as exc:
                log.info("field watch: %s not checked: %s", code, exc)
                return None
        return any(past_due(i.due, today) for i in debts.invoices)

    async def run(self) -> None:
        async def step() -> bool:
            await self.run_once()
            return False

        await wake_or_poll("field watch", self.woken, step, self.every_s)
