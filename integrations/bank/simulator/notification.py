"""One credit's notification to the hall: its body (the wire contract of
docs/bank-simulator.md) and the record of every attempt to deliver it."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from integrations.bank.simulator.ledger import Entry

PATH = "/api/bank/notifications"


def body(entry: Entry, account: str) -> bytes:
    """The JSON the bank POSTs: the same bytes on every attempt and every copy."""
    return json.dumps(
        {
            "transaction_id": entry.transaction_id,
            "account": account,
            "amount": entry.amount,
            "currency": entry.currency,
            "description": entry.description,
            "credited_at": entry.booked_at,
        },
        ensure_ascii=False,
    ).encode()


@dataclass
class Attempt:
    """One POST: which copy, when (unix seconds), whether signed right, what came back."""

    copy: int
    at: float
    signed: bool
    status: int | None  # None: no answer (refused connection, timeout)
    answer: str

    def to_json(self) -> dict[str, Any]:
        return {
            "copy": self.copy,
            "at": self.at,
            "signed": self.signed,
            "status": self.status,
            "answer": self.answer,
        }


@dataclass(eq=False)
class Notification:
    """A credit's delivery. ``state``: queued → (held) → sending → delivered | refused |
    gave_up, or lost (a ``lose`` fault: never sent)."""

    seq: int
    entry: Entry
    body: bytes
    faults: frozenset[str]
    state: str = "queued"
    attempts: list[Attempt] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # one per finished copy
    released: asyncio.Event = field(default_factory=asyncio.Event)  # out of order: go
    sending: asyncio.Event = field(default_factory=asyncio.Event)  # holds are over
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def finish(self) -> None:
        """Every copy has its outcome: delivered beats refused beats gave up."""
        for best in ("delivered", "refused", "gave_up"):
            if best in self.outcomes:
                self.state = best
                break
        self.done.set()

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "faults": sorted(self.faults),
            "attempts": [a.to_json() for a in self.attempts],
        }
