"""The outbox worker: posts recorded payments and reversals to CMIS, exactly once in effect.

A payment row is written in the F4 transaction; this worker only moves it forward. Each
send is counted (committed) *before* it leaves, so after a crash we know a call may have
reached CMIS. A timeout or a lost answer is never "failed", only "unknown":
- CMIS 2.0 deduplicates by Idempotency-Key (our txn id): send again, same key.
- CMIS 1.0 does not: after any earlier send, ask CHECK-TRANS first; send again only on
  NOT_FOUND; on TIMEOUT (in doubt at CMIS) wait and ask later. A 051 after our own earlier
  send is checked the same way before it is believed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio.to_thread
from sqlmodel import col, or_, select

from integrations.cmis import base as cmis
from qms import events
from qms.counters_seq import lock_branch
from qms.db import read_session, write_session
from qms.events import EventRecord
from qms.hall import Hall
from qms.models import Payment, Ticket
from qms.payments import public, reopen_invoices
from qms.ticket_view import ticket_state
from qms.worker_loop import backoff, wake_or_poll

log = logging.getLogger(__name__)
BATCH = 50

#: what a supervisor should do when CMIS refuses a payment, by CMIS code
ADVICE = {
    "051": "paid elsewhere (bank, payment network): refund the customer, return the paper",
    "021": "periods out of order at CMIS: check the customer's older debts with CMIS",
    "022": "periods not consecutive at CMIS: check the customer's debts with CMIS",
    "031": "amount differs from CMIS: check the invoices' totals with CMIS",
}


class PaymentPoster:
    def __init__(self, hall: Hall, idle_s: float = 2.0) -> None:
        self.hall = hall
        self.idle_s = idle_s

    # --- database steps (each its own short transaction, off the event loop) --------------

    def _due(self) -> list[Payment]:
        now = self.hall.clock.now()
        with read_session(self.hall.engine) as s:
            return list(
                s.exec(
                    select(Payment)
                    .where(
                        col(Payment.status).in_(("pending", "reversal_pending")),
                        or_(col(Payment.next_attempt_at).is_(None), Payment.next_attempt_at <= now),
                    )
                    .order_by(col(Payment.id))
                    .limit(BATCH)
                ).all()
            )

    async def _in_turn(self, p: Payment, work: Callable[[], list[EventRecord] | None]) -> None:
        """A write of the poster's in the branch's writer lane, as the hall's own: it never
        waits on SQLite's lock behind them (nor they behind it), and its events are
        published in seq order with theirs."""
        await self.hall.commit(p.branch_id, lambda: (None, work() or []), wake_devices=False)

    def _count_send(self, txn: str) -> None:
        """Committed before the call leaves: a crash after it still knows we may have sent."""
        now = self.hall.clock.now()
        with write_session(self.hall.engine) as s:
            p = s.exec(select(Payment).where(Payment.txn_id == txn)).one()
            p.attempts += 1
            p.next_attempt_at = now + backoff(p.attempts)
            s.add(p)

    def _settle(
        self, txn: str, expect: str, status: str | None, receipt: str | None, error: str | None
    ) -> list[EventRecord]:
        """Record an outcome; ``status`` None keeps the row as it is (try again later)."""
        now = self.hall.clock.now()
        with write_session(self.hall.engine) as s:
            p = s.exec(select(Payment).where(Payment.txn_id == txn)).one()
            lock_branch(s, p.branch_id)
            p.last_error = error
            if p.status != expect:
                s.add(p)
                return []
            if status is None:
                p.next_attempt_at = now + backoff(max(p.attempts, 1))
                s.add(p)
                s.flush()
                # supervisors watch unconfirmed payments live: age, attempts, last error
                return [
                    events.append(s, p.branch_id, "payment.in_doubt", {"payment": public(p)}, now)
                ]
            p.status = status
            p.attempts = 0
            p.next_attempt_at = None
            if status == "confirmed":
                p.receipt_no = receipt or p.receipt_no
                p.confirmed_at = p.confirmed_at or now
            if status == "reversed":
                p.reversed_at = now
                reopen_invoices(s, p.txn_id)
            s.add(p)
            event = {
                "confirmed": "payment.confirmed",
                "refused": "payment.refused",
                "reversed": "payment.reversed",
            }.get(status, "payment.reversal_refused")
            data: dict[str, Any] = {"payment": public(p)}
            if status == "reversed":
                s.flush()
                ticket = s.get(Ticket, p.ticket_id)
                assert ticket is not None
                names = self.hall.branch(p.branch_id).counter_names
                data["ticket"] = ticket_state(s, ticket, names)
            return [events.append(s, p.branch_id, event, data, now)]

    # --- CMIS steps -----------------------------------------------------------------------

    async def _call(self, p: Payment, call: Any) -> Any:
        return await self.hall.cmis_call(p.branch_id, call)

    async def _state(self, p: Payment) -> cmis.PaymentState:
        client = self.hall.cmis(p.branch_id)
        state: cmis.PaymentState = await self._call(p, client.payment_status(p.txn_id))
        return state

    async def _post(self, p: Payment) -> tuple[str | None, str | None, str | None]:
        """(status, receipt, error) of one step for a pending payment."""
        client = self.hall.cmis(p.branch_id)
        careful = not client.idempotent_posting
        if careful and p.attempts > 0:
            state = await self._state(p)
            if state == cmis.PaymentState.BILLING:
                return "confirmed", None, None
            if state == cmis.PaymentState.IN_DOUBT:
                return None, None, "CMIS is still deciding (TIMEOUT): asking again later"
            if state == cmis.PaymentState.REVERT:
                return "refused", None, "CMIS shows this transaction reverted"
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
        await self._in_turn(p, partial(self._count_send, p.txn_id))
        try:
            receipt = await self._call(p, client.post_payment(request))
        except (cmis.PaymentRefused, cmis.CustomerNotFound) as exc:
            if careful and exc.code == "051" and p.attempts > 0:
                # maybe our own earlier, unanswered call paid them: ask before believing
                if await self._state(p) == cmis.PaymentState.BILLING:
                    return "confirmed", None, None
            advice = ADVICE.get(exc.code, "check the customer's debts with CMIS")
            return "refused", None, f"{exc.code}: {exc.message} — {advice}"
        return "confirmed", receipt.receipt_no, None

    async def _reverse(self, p: Payment) -> tuple[str | None, str | None, str | None]:
        client = self.hall.cmis(p.branch_id)
        if p.attempts > 0:
            state = await self._state(p)
            if state == cmis.PaymentState.REVERT:
                return "reversed", None, None
            if state == cmis.PaymentState.IN_DOUBT:
                return None, None, "CMIS is still deciding (TIMEOUT): asking again later"
        await self._in_turn(p, partial(self._count_send, p.txn_id))
        try:
            await self._call(p, client.reverse_payment(p.txn_id, p.reversal_reason or ""))
        except cmis.PaymentUnknown as exc:
            return "confirmed", None, f"{exc.code}: reversal refused by CMIS: {exc.message}"
        return "reversed", None, None

    async def step(self, p: Payment) -> None:
        expect = p.status
        try:
            if expect == "pending":
                outcome = await self._post(p)
            else:
                outcome = await self._reverse(p)
        except cmis.CmisError as exc:
            log.warning("payment %s in doubt, will retry: %s", p.txn_id, exc)
            outcome = (None, None, f"in doubt, will retry: {exc}")
        await self._in_turn(p, partial(self._settle, p.txn_id, expect, *outcome))

    async def run_once(self) -> int:
        """One step for every payment that is due; returns how many were due."""
        due = await anyio.to_thread.run_sync(self._due)
        for p in due:
            await self.step(p)
        return len(due)

    async def run(self) -> None:
        async def step() -> bool:
            return await self.run_once() >= BATCH  # a backlog: keep going before idling

        await wake_or_poll("payment poster", self.hall.payments_waiting, step, self.idle_s)
