"""The hall as a service: runs each domain change in one transaction off the event loop,
then publishes its events. Transport-free: HTTP and websocket layers call this."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine

from integrations.cmis import base as cmis
from qms import cashier, collect, events, lookup, projections, tickets
from qms.auth import Principal, check_view, require
from qms.branch import Branch
from qms.bus import Bus
from qms.clock import Clock
from qms.counters_seq import lock_branch
from qms.db import read_session, write_session
from qms.errors import DependencyFailed, NotFound, QmsError
from qms.events import EventRecord
from qms.tx import Actor, Tx

T = TypeVar("T")
REPLAY_LIMIT = 500

CASHIER_ACTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "call-next": cashier.call_next,
    "call": cashier.call_number,
    "recall": cashier.recall,
    "park": cashier.park,
    "transfer": cashier.transfer,
    "no-show": cashier.no_show,
    "finish": cashier.finish,
    "collect": collect.collect,
    "return": collect.return_invoices,
}


class Hall:
    def __init__(
        self,
        engine: Engine,
        bus: Bus,
        cmis_client: cmis.CmisClient,
        branches: dict[str, Branch],
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.bus = bus
        self.cmis = cmis_client
        self.branches = branches
        self.clock = clock
        self.payments_waiting = asyncio.Event()

    def branch(self, branch_id: str) -> Branch:
        try:
            return self.branches[branch_id]
        except KeyError:
            raise NotFound(f"no branch {branch_id}", code="unknown_branch") from None

    async def change(self, principal: Principal, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` in one write transaction; publish its events after commit."""
        branch = self.branch(principal.branch_id)

        def work() -> tuple[T, list[EventRecord]]:
            now = self.clock.now()
            with write_session(self.engine) as session:
                lock_branch(session, branch.id)
                tx = Tx(session, branch, now, now.date(), Actor(principal.label, principal.counter))
                result = fn(tx, *args)
            return result, tx.emitted

        result, emitted = await anyio.to_thread.run_sync(work)
        if emitted:
            await self.bus.publish(branch.id, emitted)
        return result

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        def work() -> T:
            with read_session(self.engine) as session:
                return fn(session, *args)

        return await anyio.to_thread.run_sync(work)

    # --- tickets ---------------------------------------------------------------------

    async def fetch_debts(self, codes: list[str]) -> list[cmis.CustomerDebts]:
        async def one(code: str) -> cmis.CustomerDebts:
            try:
                return await self.cmis.get_debts(code)
            except cmis.CustomerNotFound:
                raise NotFound(
                    f"customer {code} is not known to CMIS", code="unknown_customer", customer=code
                ) from None
            except cmis.CmisBadAnswer as exc:
                raise DependencyFailed(
                    "CMIS answered something unreadable; try again or call support",
                    code="cmis_bad_answer",
                    request_id=exc.request_id,
                ) from None
            except cmis.CmisError as exc:
                raise DependencyFailed(
                    "CMIS is not answering; try again in a moment",
                    code="cmis_unavailable",
                    request_id=exc.request_id,
                ) from None

        return list(await asyncio.gather(*(one(c) for c in codes)))

    async def issue_ticket(self, principal: Principal, codes: object) -> dict[str, Any]:
        require(principal, "ticket.issue")
        checked = tickets.check_codes(codes)  # type: ignore[arg-type]
        debts = await self.fetch_debts(checked)
        return await self.change(principal, tickets.issue, debts)

    async def preview_customer(self, principal: Principal, code: str) -> cmis.CustomerDebts:
        require(principal, "customer.read")
        (checked,) = tickets.check_codes([code])
        (debts,) = await self.fetch_debts([checked])
        return debts

    async def ticket(self, principal: Principal, number: object) -> dict[str, Any]:
        require(principal, "ticket.read")
        branch = self.branch(principal.branch_id)
        day = self.clock.business_day()

        def get(session: Any) -> dict[str, Any]:
            tx = Tx(session, branch, self.clock.now(), day, Actor(principal.label))
            return tickets.state(tx, tickets.by_number(tx, number, lock=False))

        return await self.read(get)

    # --- counters ----------------------------------------------------------------------

    async def lookup(
        self, principal: Principal, number: object, invoice_id: object, action: str
    ) -> dict[str, Any]:
        require(principal, "lookup.mark")
        state = await self.change(principal, lookup.mark, number, invoice_id, action)
        counter = self.branch(principal.branch_id).counter(principal.counter or "")
        assert counter is not None and counter.parity  # lookup.mark checked the counter
        return projections.project_ticket(f"lookup-{counter.parity}", state)

    async def cashier(
        self, principal: Principal, counter: str, action: str, *args: Any
    ) -> dict[str, Any]:
        require(principal, "cashier.act")
        fn = CASHIER_ACTIONS.get(action)
        if fn is None:
            raise NotFound(f"unknown cashier action {action}", code="unknown_action")
        result = await self.change(principal, fn, counter, *args)
        if action == "collect":
            self.payments_waiting.set()
        return result

    # --- views ---------------------------------------------------------------------------

    async def snapshot(self, principal: Principal, view: object) -> dict[str, Any]:
        branch = self.branch(principal.branch_id)
        checked = projections.check_view(view, branch)
        check_view(principal, checked)
        return await self.read(projections.snapshot, branch, checked, self.clock.business_day())

    async def replay(
        self, branch_id: str, after: int, limit: int = REPLAY_LIMIT
    ) -> list[EventRecord]:
        return await self.read(events.since, branch_id, after, limit)


__all__ = ["CASHIER_ACTIONS", "Hall", "QmsError"]
