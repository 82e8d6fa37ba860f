"""Delivers notifications to the hall as a bank does: signed, retried with backoff until a
2xx, given up on a 4xx other than 408/429 (the hall said no) or after the last try, and
with the faults of ``faults.py`` when asked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import httpx

from integrations.bank import signing
from integrations.bank.simulator import notification
from integrations.bank.simulator.faults import Faults
from integrations.bank.simulator.ledger import Entry
from integrations.bank.simulator.notification import Attempt, Notification

log = logging.getLogger("bank.simulator")
#: client errors that a bank still retries: the hall timed the request out / is busy
RETRIED_4XX = (408, 429)


@dataclass(frozen=True, slots=True)
class Retry:
    """Up to ``tries`` attempts, ``first_s`` apart, doubling up to ``max_s``."""

    tries: int = 6
    first_s: float = 1.0
    max_s: float = 60.0
    timeout_s: float = 10.0
    concurrency: int = 16


class Sender:
    """Owns the notifications' tasks; ``up`` is clear while the bank is down."""

    def __init__(
        self,
        hall: str,
        secret: str,
        account: str,
        faults: Faults,
        retry: Retry | None = None,
        *,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = hall.rstrip("/") + notification.PATH
        self.secret = secret
        self.account = account
        self.faults = faults
        self.retry = retry or Retry()
        self.up = asyncio.Event()
        self.sync_up()
        self.by_id: dict[str, Notification] = {}
        self._held: list[Notification] = []
        self._seq = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(self.retry.concurrency)
        self._client = client or httpx.AsyncClient(timeout=self.retry.timeout_s)

    def sync_up(self) -> None:
        """Follow the ``down`` fault: queued notifications wait while it is on."""
        if self.faults.config.down:
            self.up.clear()
        else:
            self.up.set()

    def notify(self, entry: Entry) -> Notification:
        """Queue a new credit's notification with the faults drawn for it."""
        self._seq += 1
        n = Notification(
            self._seq, entry, notification.body(entry, self.account), self.faults.draw()
        )
        self.by_id[entry.transaction_id] = n
        self._spawn(self._deliver(n))
        return n

    def resend(self, entry: Entry) -> Notification:
        """Send once more, healthy, as a bank does when the hall asks; attempts append. A
        credit booked before a restart gets its first notification record here."""
        n = self.by_id.get(entry.transaction_id)
        if n is None:
            self._seq += 1
            n = Notification(self._seq, entry, notification.body(entry, self.account), frozenset())
            self.by_id[entry.transaction_id] = n
        n.state, n.outcomes = "sending", []
        n.done = asyncio.Event()
        self._spawn(self._copies(n, 1, signed=True))
        return n

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, n: Notification) -> None:
        cfg = self.faults.config
        if "lose" in n.faults:
            n.state = "lost"
            n.done.set()
            log.info("bank: %s lost (only the statement has it)", n.entry.transaction_id)
            return
        if "delay" in n.faults:
            n.state = "held"
            await asyncio.sleep(cfg.delay_s)
        if "out_of_order" in n.faults:
            n.state = "held"
            self._held.append(n)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(n.released.wait(), cfg.hold_max_s)
            with contextlib.suppress(ValueError):
                self._held.remove(n)
        copies = cfg.copies if "duplicate" in n.faults else 1
        await self._copies(n, copies, signed="bad_signature" not in n.faults)

    async def _copies(self, n: Notification, copies: int, *, signed: bool) -> None:
        n.state = "sending"
        n.sending.set()
        await asyncio.gather(*(self._send(n, c, signed) for c in range(1, copies + 1)))
        n.finish()

    async def _send(self, n: Notification, copy: int, signed: bool) -> None:
        """One copy's attempts; its outcome lands in ``n.outcomes``."""
        r = self.retry
        pause = r.first_s
        outcome = "gave_up"
        for attempt in range(1, r.tries + 1):
            await self.up.wait()
            status, answer = await self._post(n.body, signed)
            n.attempts.append(Attempt(copy, time.time(), signed, status, answer))
            if copy == 1 and attempt == 1:
                self._release_before(n)
            if status is not None and 200 <= status < 300:
                outcome = "delivered"
                break
            if status is not None and 400 <= status < 500 and status not in RETRIED_4XX:
                outcome = "refused"
                log.warning(
                    "bank: the hall refused %s (%s): %s", n.entry.transaction_id, status, answer
                )
                break
            if attempt < r.tries:
                await asyncio.sleep(min(pause, r.max_s))
                pause *= 2
        if outcome == "gave_up":
            log.warning("bank: gave up on %s after %s tries", n.entry.transaction_id, r.tries)
        n.outcomes.append(outcome)

    def _release_before(self, n: Notification) -> None:
        """``n`` was sent: the notifications held for out of order before it may go."""
        for held in self._held:
            if held.seq < n.seq:
                held.released.set()

    async def _post(self, body: bytes, signed: bool) -> tuple[int | None, str]:
        secret = self.secret if signed else "not-" + self.secret
        headers = signing.headers(secret, int(time.time()), body)
        async with self._slots:
            try:
                resp = await self._client.post(self.url, content=body, headers=headers)
            except httpx.HTTPError as e:
                return None, f"{type(e).__name__}: {e}"[:300]
        return resp.status_code, resp.text[:500]

    async def wait_idle(self, bound_s: float) -> None:
        """Until every queued notification has its outcome (tests, orderly stop)."""
        pending = [n.done.wait() for n in self.by_id.values() if not n.done.is_set()]
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending), bound_s)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._client.aclose()

    def reset(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.by_id.clear()
        self._held.clear()
        self._seq = 0
