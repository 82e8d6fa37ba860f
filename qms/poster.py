"""Posts recorded payments (the outbox: Payment rows still pending) to CMIS.

A timeout or 5xx leaves the payment pending and it is posted again with the same
idempotency key (our txn id), so CMIS applies it once. A rule refusal is final and shown.
"""

from __future__ import annotations

import asyncio
import json
import logging

import anyio.to_thread
from sqlmodel import col, select

from integrations.cmis import base as cmis
from qms import events
from qms.counters_seq import lock_branch
from qms.db import read_session, write_session
from qms.hall import Hall
from qms.models import Payment

log = logging.getLogger(__name__)
BATCH = 50


class PaymentPoster:
    def __init__(self, hall: Hall, idle_s: float = 2.0) -> None:
        self.hall = hall
        self.idle_s = idle_s

    def _pending(self) -> list[Payment]:
        with read_session(self.hall.engine) as s:
            return list(
                s.exec(
                    select(Payment)
                    .where(Payment.status == "pending")
                    .order_by(col(Payment.id))
                    .limit(BATCH)
                ).all()
            )

    def _record(self, txn: str, status: str, receipt: str | None, error: str | None) -> list:
        now = self.hall.clock.now()
        with write_session(self.hall.engine) as s:
            p = s.exec(select(Payment).where(Payment.txn_id == txn)).one()
            lock_branch(s, p.branch_id)
            p.attempts += 1
            p.last_error = error
            emitted = []
            if status != "pending" and p.status == "pending":
                p.status = status
                p.receipt_no = receipt
                p.confirmed_at = now if status == "confirmed" else None
                emitted.append(
                    events.append(
                        s,
                        p.branch_id,
                        f"payment.{status}",
                        {
                            "payment": {
                                "txn_id": p.txn_id,
                                "customer_code": p.customer_code,
                                "total": p.total,
                                "status": p.status,
                                "receipt_no": receipt,
                                "error": error,
                            }
                        },
                        now,
                    )
                )
            s.add(p)
        return emitted

    async def _post(self, p: Payment) -> None:
        branch = self.hall.branch(p.branch_id)
        request = cmis.PaymentRequest(
            txn_id=p.txn_id,
            customer_code=p.customer_code,
            invoice_ids=tuple(json.loads(p.invoice_ids)),
            total=p.total,
            collection_point=branch.collection_point,
            cashier=p.cashier.split(":", 1)[-1],
            at=p.created_at.astimezone(self.hall.clock.tz),
        )
        try:
            receipt = await self.hall.cmis.post_payment(request)
            outcome = ("confirmed", receipt.receipt_no, None)
        except (cmis.PaymentRefused, cmis.CustomerNotFound) as exc:
            outcome = ("refused", None, f"{exc.code}: {exc.message}")
        except cmis.CmisError as exc:
            log.warning("payment %s in doubt, will retry: %s", p.txn_id, exc)
            outcome = ("pending", None, str(exc))
        emitted = await anyio.to_thread.run_sync(self._record, p.txn_id, *outcome)
        if emitted:
            await self.hall.bus.publish(p.branch_id, emitted)

    async def run_once(self) -> int:
        """Post every pending payment once; returns how many were still pending before."""
        pending = await anyio.to_thread.run_sync(self._pending)
        for p in pending:
            await self._post(p)
        return len(pending)

    async def run(self) -> None:
        while True:
            self.hall.payments_waiting.clear()
            try:
                if await self.run_once() >= BATCH:
                    continue  # a backlog: keep going before idling
            except Exception:  # the worker must outlive a bad moment of the database
                log.exception("payment poster pass failed")
            try:
                await asyncio.wait_for(self.hall.payments_waiting.wait(), self.idle_s)
            except TimeoutError:
                pass
