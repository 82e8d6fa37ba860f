"""The outbox worker: posts recorded payments and reversals to CMIS, exactly once in effect.

A payment row is written in the F4 transaction; this worker only moves it forward. Each
send is counted (committed) *before* it leaves, so after a crash we know a call may have
reached CMIS. A timeout or a lost answer is never "failed", only "unknown":
- CMIS 2.0 deduplicates by Idempotency-Key (our txn id): send again, same key.
- CMIS 1.0 does not: after any earlier send, ask CHECK-TRANS first; send again only on
  NOT_FOUND; on TIMEOUT (in doubt at CMIS) wait and ask later. A 051 after our own earlier
  send is checked the same way before it is believed.

Order: CMIS takes a customer's invoices oldest first (021/022 otherwise), so one customer's
operations (same branch and customer code) go one at a time: nothing of theirs is sent
while one of theirs is in doubt (sent, no answer yet), and their payments go in the order
taken. A reversal waits for the customer's payments still to send: sent first it would
reopen older invoices and CMIS would refuse the later payment (021), while a reversal
after it is accepted; once sent, it holds the rest like any operation in doubt. A 021/022
is not final while an earlier payment of the customer is open, nor before asking about our
own earlier send. Different customers are posted at once, up to ``cmis.post_concurrency``
calls: a hanging CMIS call holds its customer, not the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import select as core_select
from sqlmodel import and_, col, or_, select

from integrations.cmis import base as cmis
from qms.domain import events
from qms.domain.events import EventRecord
from qms.domain.payments import public, reopen_invoices
from qms.domain.ticket_view import ticket_state
from qms.storage import rows
from qms.storage.db import read_session, write_session
from qms.storage.models import Payment, Ticket
from qms.storage.sequences import lock_branch
from qms.usecases.hall import Hall
from qms.workers.worker_loop import backoff

log = logging.getLogger(__name__)
#: open rows read in one look; a customer's rows are read oldest first, so a limit never
#: hides an earlier row of a customer whose later one it shows
OPEN_LIMIT = 5000
OPEN = ("pending", "reversal_pending")
#: CMIS codes that only say an older period is still unpaid there
ORDER_CODES = ("021", "022")
Customer = tuple[str, str]  # branch id, customer code

#: what a supervisor should do when CMIS refuses a payment, by CMIS code
ADVICE = {
    "051": "paid elsewhere (bank, payment network): refund the customer, return the paper",
    "021": "periods out of order at CMIS: check the customer's older debts with CMIS",
    "022": "periods not consecutive at CMIS: check the customer's debts with CMIS",
    "031": "amount differs from CMIS: check the invoices' totals with CMIS",
}
WAIT_EARLIER = (
    "chờ giao dịch trước của khách hàng được CMIS xác nhận / "
    "waiting for this customer's earlier payment to be settled with CMIS"
)


#: what choosing each customer's next operation reads of every open row
_P = rows.table(Payment)
_OPEN_KEYS = (
    core_select(
        _P.c.id, _P.c.branch_id, _P.c.customer_code, _P.c.status, _P.c.attempts,
        _P.c.next_attempt_at,
    )
    .where(_P.c.status.in_(OPEN))
    .order_by(_P.c.id)
    .limit(OPEN_LIMIT)
)  # fmt: skip
#: a pass of the dispatcher is followed by a pause this many times as long as it took:
#: with thousands of payments open its reads stay a fifth of the time at most, and the
#: staff's changes keep the core (a few open rows: a pass and its pause are a millisecond)
PASS_GAP_FACTOR = 4


def head(rows: Iterable[Any]) -> Any:
    """The one operation of a customer that may go now (``rows``: their open rows).

    One in doubt (sent, attempts > 0) holds the rest; else the oldest payment to send;
    else the oldest reversal."""
    ordered = sorted(rows, key=lambda p: p.id or 0)
    for pick in (
        [p for p in ordered if p.attempts > 0],
        [p for p in ordered if p.status == "pending"],
        ordered,
    ):
        if pick:
            return pick[0]
    return None


def _due(p: Any, now: dt.datetime) -> bool:
    return p.next_attempt_at is None or p.next_attempt_at <= now


class PaymentPoster:
    def __init__(self, hall: Hall, idle_s: float = 2.0, concurrency: int = 8) -> None:
        self.hall = hall
        self.idle_s = idle_s
        self.concurrency = concurrency
        self._busy: set[Customer] = set()  # customers with a task of their own now

    # --- database steps (each its own short transaction, off the event loop) --------------

    def _open(self, customer: Customer | None = None) -> list[Payment]:
        """Open rows (to post or to reverse), oldest first; of one customer, or of all."""
        with read_session(self.hall.engine) as s:
            q = select(Payment).where(col(Payment.status).in_(OPEN))
            if customer is not None:
                q = q.where(Payment.branch_id == customer[0], Payment.customer_code == customer[1])
            return list(s.exec(q.order_by(col(Payment.id)).limit(OPEN_LIMIT)).all())

    def _heads(self) -> tuple[list[Payment], dt.datetime | None]:
        """Each idle customer's operation due now, and when the next one falls due.

        The open rows are read as the few columns the choice needs, not as ORM objects
        (5,000 open rows, a CMIS away for long: ~10 times cheaper), and only the rows
        chosen are loaded whole."""
        now = self.hall.clock.now()
        groups: dict[Customer, list[Any]] = {}
        with read_session(self.hall.engine) as s:
            for r in s.connection().execute(_OPEN_KEYS):
                groups.setdefault((r.branch_id, r.customer_code), []).append(r)
            chosen, later = [], None
            for customer, open_rows in groups.items():
                first = head(open_rows)
                if first is None or customer in self._busy:
                    continue
                if _due(first, now):
                    chosen.append(first.id)
                elif later is None or (first.next_attempt_at and first.next_attempt_at < later):
                    later = first.next_attempt_at
            if not chosen:
                return [], later
            q = select(Payment).where(col(Payment.id).in_(chosen)).order_by(col(Payment.id))
            return list(s.exec(q).all()), later

    def _next_of(self, customer: Customer) -> tuple[Payment | None, bool]:
        """The customer's next operation if it is due now; and whether they have one."""
        first = head(self._open(customer))
        if first is None:
            return None, False
        return (first if _due(first, self.hall.clock.now()) else None), True

    def _earlier_in_doubt(self, p: Payment) -> bool:
        """Is the effect at CMIS of an earlier operation of this customer unknown: a
        payment taken before ``p`` still pending, or a reversal of one sent unanswered?"""
        with read_session(self.hall.engine) as s:
            q = select(Payment.id).where(
                Payment.branch_id == p.branch_id,
                Payment.customer_code == p.customer_code,
                col(Payment.id) < (p.id or 0),
                or_(
                    Payment.status == "pending",
                    and_(Payment.status == "reversal_pending", Payment.attempts > 0),
                ),
            )
            return s.exec(q.limit(1)).first() is not None

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
            if status in ("reversed", "refused"):  # the money goes back: owed again, and
                reopen_invoices(s, p.txn_id)  # the paper returns to invoice management
            s.add(p)
            event = {
                "confirmed": "payment.confirmed",
                "refused": "payment.refused",
                "reversed": "payment.reversed",
            }.get(status, "payment.reversal_refused")
            data: dict[str, Any] = {"payment": public(p)}
            if status in ("reversed", "refused"):
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
                return None, None, "in_doubt: CMIS is still deciding (TIMEOUT): asking again later"
            if state == cmis.PaymentState.REVERT:
                return "refused", None, "reverted: CMIS shows this transaction reverted"
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
            if exc.code in ORDER_CODES:
                # "an older period is unpaid": maybe only not applied yet at CMIS
                if await anyio.to_thread.run_sync(self._earlier_in_doubt, p):
                    return None, None, f"wait_earlier: {exc.code}: {WAIT_EARLIER}"
                if p.attempts > 0:
                    state = await self._state(p)
                    if state == cmis.PaymentState.BILLING:
                        return "confirmed", None, None
                    if state == cmis.PaymentState.IN_DOUBT:
                        return (
                            None,
                            None,
                            "in_doubt: CMIS is still deciding (TIMEOUT): asking again later",
                        )
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
                return None, None, "in_doubt: CMIS is still deciding (TIMEOUT): asking again later"
        await self._in_turn(p, partial(self._count_send, p.txn_id))
        try:
            await self._call(p, client.reverse_payment(p.txn_id, p.reversal_reason or ""))
        except cmis.PaymentUnknown as exc:
            return "confirmed", None, f"reversal_refused: {exc.code}: {exc.message}"
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
            outcome = (None, None, f"in_doubt: will retry: {exc}")
        await self._in_turn(p, partial(self._settle, p.txn_id, expect, *outcome))

    # --- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        """Hand each customer with something due a task of their own, when woken (F4, a
        reversal asked, a customer's task ended) or when the next backoff ends."""
        limit = anyio.Semaphore(self.concurrency)
        async with anyio.create_task_group() as tasks:
            while True:
                self.hall.payments_waiting.clear()
                wait_s = self.idle_s
                started = time.perf_counter()
                try:
                    due, later = await anyio.to_thread.run_sync(self._heads)
                    for p in due:
                        customer = (p.branch_id, p.customer_code)
                        self._busy.add(customer)
                        tasks.start_soon(self._serve, customer, p, limit)
                    if later is not None:
                        until = (later - self.hall.clock.now()).total_seconds()
                        wait_s = min(wait_s, max(0.05, until))
                except Exception:
                    log.exception("payment poster: pass failed")
                await anyio.sleep(PASS_GAP_FACTOR * (time.perf_counter() - started))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.hall.payments_waiting.wait(), wait_s)

    async def _serve(self, customer: Customer, p: Payment | None, limit: anyio.Semaphore) -> None:
        """One customer's operations, one after the other, while they are due: the next
        goes as soon as the one before is settled, not a poll later."""
        left = True
        try:
            while p is not None:
                async with limit:
                    await self.step(p)
                p, left = await anyio.to_thread.run_sync(self._next_of, customer)
        except Exception:
            log.exception("payment poster: %s %s failed", *customer)
            await anyio.sleep(self.idle_s)  # not a hot loop on a lasting fault
        finally:
            self._busy.discard(customer)
            if left:  # something of theirs waits out a backoff: the loop times it
                self.hall.payments_waiting.set()
