"""The alert watch (docs/alerts.md): every ``alerts.every_s`` it looks at each hall
against the alert rules (raising and clearing alerts), and sends each raised alert once by
SMS to its rule's phone through the notification gateway (docs/notify.md).

Run by the process that holds the leadership, like the notifier. The sending is a loop of
its own: a gateway that hangs or fails holds up no evaluation; an alert not sent stays
unsent (``sent_at`` empty) and goes again at the next pass, with the same key, which the
gateway deduplicates."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from integrations.notify.base import ByChannel, Message, Rejected
from qms.usecases import alerts
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
SEND_TIMEOUT_S = 10.0


class AlertWatch:
    def __init__(self, hall: Hall, gateway: ByChannel | None, every_s: float = 30.0) -> None:
        self.hall = hall
        self.gateway = gateway
        self.every_s = every_s
        self.woken = asyncio.Event()  # tests, or a change, ask for a pass now
        self.to_send = asyncio.Event()
        self.refused: set[int] = set()  # alerts the gateway refused for good: not again

    async def evaluate_once(self) -> dict[str, int]:
        """One look at every hall; a hall that fails is logged, the others still looked at."""
        total = {"raised": 0, "cleared": 0}
        for branch_id in list(self.hall.branches):
            try:
                done = await alerts.evaluate(self.hall, branch_id)
            except Exception:
                log.exception("alert watch: %s not evaluated", branch_id)
                continue
            for k in total:
                total[k] += done[k]
        if total["raised"]:
            self.to_send.set()
        return total

    async def send_once(self) -> int:
        """Send every open, unsent alert whose rule names a phone; how many went."""
        if self.gateway is None:
            return 0
        sent = 0
        for out in await self.hall.read(alerts.unsent):
            if out.alert_id in self.refused:
                continue
            message = Message(out.key, "alert", "sms", out.phone, out.text, out.plain)
            if self.gateway.channel_of(message) != "sms":
                log.warning("alert watch: alerts go by SMS; the gateway has none")
                return sent
            try:
                async with asyncio.timeout(SEND_TIMEOUT_S):
                    await self.gateway.send(message)
            except Rejected as e:
                log.warning("alert %s refused by the gateway: %s", out.alert_id, e)
                self.refused.add(out.alert_id)
                continue
            except Exception as e:  # unavailable, unknown, timed out: the next pass again
                log.info("alert %s not sent yet: %s", out.alert_id, e)
                continue
            await alerts.mark_sent(self.hall, out.alert_id, out.branch_id)
            sent += 1
        return sent

    async def _evaluating(self) -> None:
        while True:
            self.woken.clear()
            try:
                await self.evaluate_once()
            except Exception:
                log.exception("alert watch: pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.woken.wait(), self.every_s)

    async def _sending(self) -> None:
        while True:
            self.to_send.clear()
            try:
                await self.send_once()
            except Exception:
                log.exception("alert watch: sending failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.to_send.wait(), self.every_s)

    async def run(self) -> None:
        await asyncio.gather(self._evaluating(), self._sending())
