"""The notifier: sends the queued messages to customers' phones (docs/notify.md).

An outbox worker like the CMIS posters: woken when a call queues messages, or by its
poll; each message is claimed (the attempt counted) in its own transaction, sent through
the gateway bounded by ``notify.timeout_s``, and its outcome recorded in another. Sends
are paced at ``notify.rate_per_s``, and a 429's Retry-After holds all of them. A send
that is not known to have been taken goes again with the same key; the gateway
deduplicates it, so no phone gets a message twice. It also erases the numbers of days
before today once a day, in case no one closed a day (with no gateway configured, only
that)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable

from integrations.notify.base import (
    ByChannel,
    GatewayError,
    Message,
    Rejected,
    Unavailable,
    Unknown,
)
from qms.config import NotifySettings
from qms.domain import notice_sends
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)


class Pace:
    """Sends start at most ``rate`` a second; ``hold`` stops them all for a while (the
    gateway asked for it)."""

    def __init__(self, rate: float, now: Callable[[], float] = time.monotonic) -> None:
        self.gap = 1.0 / rate
        self.now = now
        self.next = 0.0

    def slot(self) -> float:
        """Reserve the next start; the seconds to wait for it."""
        t = self.now()
        start = max(t, self.next)
        self.next = start + self.gap
        return start - t

    def hold(self, seconds: float) -> None:
        self.next = max(self.next, self.now() + seconds)

    async def wait(self) -> None:
        if (d := self.slot()) > 0:
            await asyncio.sleep(d)


class Notifier:
    def __init__(
        self,
        hall: Hall,
        gateway: ByChannel | None,
        settings: NotifySettings,
        *,
        idle_s: float = 5.0,
        batch: int = 100,
        concurrency: int = 8,
    ) -> None:
        self.hall = hall
        self.gateway = gateway
        self.settings = settings
        self.idle_s = idle_s
        self.batch = batch
        self.concurrency = concurrency
        self.pace = Pace(settings.rate_per_s)
        self._erased: dict[str, dt.date] = {}  # branch -> the last day erased up to

    @staticmethod
    def _system(branch_id: str) -> Principal:
        return Principal("device", "notifier", "system", branch_id)

    def _backoff(self, attempts: int) -> dt.timedelta:
        r = self.settings.retry
        return notice_sends.backoff(attempts, r.first_s, r.max_s)

    async def erase_old(self) -> None:
        """Day end for the numbers, if no one closed the day: once a day per branch."""
        yesterday = self.hall.clock.business_day() - dt.timedelta(days=1)
        for branch_id in self.hall.branches:
            if self._erased.get(branch_id) != yesterday:
                who = self._system(branch_id)
                await self.hall.change(who, notice_sends.erase_until, yesterday, later=True)
                self._erased[branch_id] = yesterday

    async def run_once(self) -> float:
        """One pass: every due message sent (or retried). The seconds until the next one
        is due (0: more are due now), at most ``idle_s``."""
        await self.erase_old()
        if self.gateway is None:  # no gateway configured: messages wait, numbers still go
            return self.idle_s
        due = await self.hall.read(notice_sends.due, self.hall.clock.now(), self.batch)
        gate = asyncio.Semaphore(self.concurrency)
        tasks = []
        for message_id, branch_id in due:
            await gate.acquire()
            await self.pace.wait()
            tasks.append(asyncio.create_task(self._one(message_id, branch_id, gate)))
        if not all(await asyncio.gather(*tasks)):
            return self.idle_s  # the database failed us: not again at once
        if len(due) >= self.batch:
            return 0.0
        upcoming = await self.hall.read(notice_sends.next_due)
        if upcoming is None:
            return self.idle_s
        wait = (upcoming - self.hall.clock.now()).total_seconds()
        return min(self.idle_s, max(0.0, wait))

    async def _one(self, message_id: int, branch_id: str, gate: asyncio.Semaphore) -> bool:
        """False when the message's transactions failed (its claim's time brings it back)."""
        try:
            await self._send(message_id, branch_id)
        except Exception:
            log.exception("notifier: message %s", message_id)
            return False
        finally:
            gate.release()
        return True

    async def _send(self, message_id: int, branch_id: str) -> None:
        who = self._system(branch_id)
        timeout = self.settings.timeout_s
        # unanswered (a crash mid-send): again after the send's bound and one backoff
        unanswered = dt.timedelta(seconds=timeout) + self._backoff(1)
        tries = self.settings.retry.tries
        c = await self.hall.change(
            who, notice_sends.claim, message_id, unanswered, tries, later=True
        )
        if c is None:
            return
        message = Message(c.key, c.kind, c.channel, c.phone, c.text, c.plain, c.params)
        assert self.gateway is not None  # run_once sends nothing without one
        try:
            async with asyncio.timeout(timeout + 1.0):  # the adapter's own bound, and ours
                ref = await self.gateway.send(message)
        except Rejected as e:
            await self.hall.change(who, notice_sends.failed, message_id, str(e), later=True)
            return
        except Exception as e:  # unavailable, unknown, our bound, or an adapter's bug
            err: GatewayError
            if isinstance(e, Unavailable | Unknown):
                err = e
            elif isinstance(e, TimeoutError):
                err = Unknown("no answer in time")
            else:
                log.exception("notify %s: the adapter failed", c.key)
                err = Unknown(f"adapter error: {type(e).__name__}")
            wait = self._backoff(c.attempts)
            after = getattr(err, "retry_after", None)
            if after:  # the gateway asked for a pause: all sends keep it
                self.pace.hold(after)
                wait = max(wait, dt.timedelta(seconds=after))
            log.info("notify %s: %s", c.key, err)
            await self.hall.change(
                who, notice_sends.retry, message_id, str(err), wait, tries, later=True
            )
            return
        channel = self.gateway.channel_of(message)
        await self.hall.change(who, notice_sends.sent, message_id, ref, channel, later=True)

    async def run(self) -> None:
        """Woken by a queued message (``hall.notices_waiting``), or when the next retry
        is due, or every ``idle_s``. A failing pass is logged; the worker lives on."""
        wake = self.hall.notices_waiting
        while True:
            wake.clear()
            try:
                wait = await self.run_once()
            except Exception:
                log.exception("notifier: pass failed")
                wait = self.idle_s
            if wait <= 0:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), wait)
