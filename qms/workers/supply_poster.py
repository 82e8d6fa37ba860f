"""The supply outbox worker: reports the crews' cuts and reconnections to CMIS, exactly
once in effect (docs/field.md).

A supply change row is written in the transaction of the crew's result; this worker only
moves it forward. Each send is counted before it leaves. A timeout or an unreadable answer
is "unknown", never "failed": the same change is sent again, which is safe on both
versions (2.0 deduplicates by our key; 1.0 is idempotent by state, and one customer's
changes go one at a time, in order, so a resend never undoes a later change).

A reconnection waits while the customer has a payment CMIS has not confirmed yet: sent
first, CMIS would still see the debt and refuse it (062)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sqlmodel import col, select

from integrations.cmis import base as cmis
from qms.domain.field import supply
from qms.domain.tx import Tx
from qms.storage.models import Payment, SupplyChange
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall
from qms.workers.worker_loop import backoff, wake_or_poll

log = logging.getLogger(__name__)


def _heads(session: Any, now: dt.datetime) -> list[SupplyChange]:
    """Each customer's oldest pending change, when it is due and may go now. (Woken by
    every payment's confirmation too: with nothing pending it is one indexed read.)"""
    pending = session.exec(
        select(SupplyChange).where(SupplyChange.status == "pending").order_by(col(SupplyChange.id))
    ).all()
    if not pending:
        return []
    codes = {c.customer_code for c in pending}
    waiting_pay = {
        (branch, code)
        for branch, code in session.exec(
            select(Payment.branch_id, Payment.customer_code).where(
                Payment.status == "pending", col(Payment.customer_code).in_(codes)
            )
        ).all()
    }
    seen: set[tuple[str, str]] = set()
    out = []
    for c in pending:
        who = (c.branch_id, c.customer_code)
        if who in seen:
            continue
        seen.add(who)
        if c.next_attempt_at is not None and c.next_attempt_at > now:
            continue
        if c.supply == supply.CONNECTED and who in waiting_pay:
            continue
        out.append(c)
    return out


class SupplyPoster:
    def __init__(self, hall: Hall, idle_s: float = 2.0, concurrency: int = 4) -> None:
        self.hall = hall
        self.idle_s = idle_s
        self.concurrency = concurrency

    def _system(self, branch_id: str) -> Principal:
        return Principal("device", "supply-poster", "system", branch_id)

    async def run_once(self) -> int:
        """One pass; returns how many changes it sent."""
        heads = await self.hall.read(_heads, self.hall.clock.now())
        gate = asyncio.Semaphore(self.concurrency)

        async def one(c: SupplyChange) -> None:
            async with gate:
                await self._send(c)

        await asyncio.gather(*(one(c) for c in heads))
        return len(heads)

    async def _send(self, row: SupplyChange) -> None:
        assert row.id is not None
        change_id, branch_id = row.id, row.branch_id
        who = self._system(branch_id)

        def count(tx: Tx) -> SupplyChange | None:
            c = tx.session.get(SupplyChange, change_id)
            if c is None or c.status != "pending":
                return None
            c.attempts += 1
            c.next_attempt_at = tx.now + backoff(c.attempts)  # if we never hear back
            tx.session.add(c)
            tx.session.flush()
            tx.session.expunge(c)
            return c

        c = await self.hall.change(who, count)
        if c is None:
            return
        client = self.hall.cmis(branch_id)
        request = cmis.SupplyChange(
            key=c.key,
            customer_code=c.customer_code,
            supply=cmis.Supply(c.supply),
            at=c.at,
            staff=c.staff,
            reason=c.reason,
        )
        try:
            await self.hall.cmis_call(branch_id, client.change_supply(request))
        except cmis.SupplyRefused as exc:
            invoices = await self._owed(branch_id, c.customer_code) if exc.code == "062" else []
            code = exc.code or ""
            await self.hall.change(who, self._refused, change_id, code, str(exc), invoices)
        except cmis.CustomerNotFound as exc:
            await self.hall.change(who, self._refused, change_id, "0017", str(exc), [])
        except cmis.CmisError as exc:  # unavailable or unreadable: unknown, send again
            log.info("supply change %s in doubt: %s", c.key, exc)
            await self.hall.change(who, self._in_doubt, change_id, str(exc))
        else:
            await self.hall.change(who, self._posted, change_id)

    async def _owed(self, branch_id: str, code: str) -> list[dict[str, Any]]:
        """What CMIS still wants of a customer whose reconnection it refused (062)."""
        try:
            debts = await self.hall.cmis_call(branch_id, self.hall.cmis(branch_id).get_debts(code))
        except cmis.CmisError:
            return []
        return [
            {
                "invoice_id": i.invoice_id,
                "period": f"{i.month:02d}/{i.year}",
                "total": i.total,
                "due": i.due.isoformat() if i.due else None,
            }
            for i in debts.invoices
        ]

    @staticmethod
    def _posted(tx: Tx, change_id: int) -> None:
        c = tx.session.get(SupplyChange, change_id)
        if c is not None and c.status == "pending":
            supply.posted(tx, c)

    @staticmethod
    def _refused(
        tx: Tx, change_id: int, code: str, message: str, invoices: list[dict[str, Any]]
    ) -> None:
        c = tx.session.get(SupplyChange, change_id)
        if c is not None and c.status == "pending":
            supply.refused(tx, c, code, message, invoices)

    @staticmethod
    def _in_doubt(tx: Tx, change_id: int, message: str) -> None:
        c = tx.session.get(SupplyChange, change_id)
        if c is not None and c.status == "pending":
            supply.in_doubt(tx, c, message)

    async def run(self) -> None:
        async def step() -> bool:
            return await self.run_once() > 0

        await wake_or_poll("supply poster", self.hall.supply_waiting, step, self.idle_s)
