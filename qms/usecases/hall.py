"""The hall as a service: runs each domain change in one transaction off the event loop,
then publishes its events. Transport-free: HTTP and websocket layers call this."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine

from integrations.cmis import base as cmis_types
from qms import words
from qms.devices import jobs, receipts, registry
from qms.domain import (
    cashier,
    closing,
    collect,
    delivery,
    drawers,
    events,
    lookup,
    movements,
    payments,
    reconcile,
    tickets,
)
from qms.domain import commands as c
from qms.domain.bank import credits as bank_credits
from qms.domain.bank import qr as bank_qr
from qms.domain.bank import statement as bank_statement
from qms.domain.branch import Branch
from qms.domain.clock import Clock, iso
from qms.domain.commands import Command, parse
from qms.domain.errors import DependencyFailed, NotFound, QmsError
from qms.domain.events import EventRecord
from qms.domain.field import assign as field_assign
from qms.domain.field import commands as fc
from qms.domain.field import crews as field_crews
from qms.domain.field import results as field_results
from qms.domain.field import rounds as field_rounds
from qms.domain.field import supply as field_supply
from qms.domain.inventory import commands as ic
from qms.domain.inventory import sessions as inventory_sessions
from qms.domain.org import ORG
from qms.domain.ticket_view import load_parts
from qms.domain.tx import Actor, Tx, allowed_any_day, any_day
from qms.live.bus import Bus, Resync
from qms.storage.db import read_session, retrying, write_session
from qms.storage.sequences import lock_branch
from qms.storage.shared_read import SharedReads
from qms.storage.writer_lane import Lane, Load
from qms.usecases import audit, followups, projections
from qms.usecases.auth import Principal, check_view, require
from qms.usecases.cmis_health import Health
from qms.usecases.org import Org

T = TypeVar("T")
log = logging.getLogger(__name__)
REPLAY_LIMIT = 500
WRITER_THREADS = 8  # branches writing at the same moment; more wait for a thread
RESYNC_S = 2.0  # how often each process checks that its subscribers saw the latest seq
#: how long the seq watch gives the bus to bring what it read as committed: milliseconds
#: are usual (Redis included), and a nudge sends every display it reaches to the database
BUS_GRACE_S = 0.5

#: every command: the permission it needs and the rule that runs it in one transaction
USE_CASES: dict[type[Command], tuple[str, Callable[[Tx, Any], Any]]] = {
    c.IssueTicket: ("ticket.issue", tickets.issue),
    c.MarkPriority: ("ticket.priority.mark", cashier.mark_priority),
    c.Reopen: ("ticket.reopen", cashier.reopen),
    c.LookupMark: ("lookup.mark", lookup.mark),
    c.LookupCustomerFound: ("lookup.mark", lookup.found_customer),
    c.LookupUndo: ("lookup.mark", lookup.undo_found),
    c.CallNext: ("cashier.act", cashier.call_next),
    c.CallNumber: ("cashier.act", cashier.call_number),
    c.Recall: ("cashier.act", cashier.recall),
    c.Park: ("cashier.act", cashier.park),
    c.Transfer: ("cashier.act", cashier.transfer),
    c.NoShow: ("cashier.act", cashier.no_show),
    c.Finish: ("cashier.act", cashier.finish),
    c.Collect: ("cashier.act", collect.collect),
    c.ReturnInvoices: ("cashier.act", collect.return_invoices),
    c.Reverse: ("payment.reverse", payments.request_reversal),
    c.ReprintReceipt: ("cashier.act", receipts.reprint),
    c.OpenDrawer: ("cash.own", drawers.open_drawer),
    c.CloseDrawer: ("cash.own", closing.close_drawer),
    c.Declare: ("cash.own", movements.declare),
    c.Withdraw: ("cash.own", movements.withdraw),
    c.Approve: ("cash.approve", closing.approve),
    c.Recount: ("cash.approve", closing.recount),
    c.CloseDay: ("day.close", closing.close_day),
    c.ReturnPapers: ("invoice.return", delivery.return_papers),
    c.Enroll: ("devices.enroll", registry.enroll),
    c.Revoke: ("devices.enroll", registry.revoke),
    c.Reprint: ("devices.retry", jobs.reprint),
    # field work (docs/field.md): not the hall's cash day, so it goes on after the close
    fc.SaveCrew: ("field.manage", any_day(field_crews.save)),
    fc.Assign: ("field.manage", any_day(field_assign.assign)),
    fc.Unassign: ("field.manage", any_day(field_assign.unassign)),
    fc.AutoAssign: ("field.manage", any_day(field_assign.auto_assign)),
    fc.CloseRound: ("field.manage", any_day(field_rounds.close)),
    fc.RetrySupply: ("field.manage", any_day(field_supply.retry)),
    fc.Report: ("field.crew", any_day(field_results.report)),
    # the year-end inventory (docs/inventory.md): not of the cash day either
    ic.OpenInventory: ("inventory.manage", any_day(inventory_sessions.open_inventory)),
    ic.TakeBook: ("inventory.scan", any_day(inventory_sessions.take_book)),
    ic.Scan: ("inventory.scan", any_day(inventory_sessions.scan)),
    ic.FinishBook: ("inventory.scan", any_day(inventory_sessions.finish_book)),
    ic.CountCash: ("inventory.cash", any_day(inventory_sessions.count_cash)),
    ic.CloseInventory: ("inventory.manage", any_day(inventory_sessions.close)),
    # pay by VietQR (docs/noncash.md); a decision on a credit that came after the close,
    # and the statement that shows it, are not of the cash day's queue
    c.ShowQr: ("cashier.act", bank_qr.show),
    c.ResolveCredit: ("bank.resolve", any_day(bank_credits.resolve)),
    c.ApplyCredit: ("bank.resolve", bank_credits.apply_by_hand),
    c.ImportStatement: ("bank.resolve", any_day(bank_statement.import_lines)),
    c.ReceiveLine: ("bank.resolve", any_day(bank_statement.receive_line)),
    c.ClearLine: ("bank.resolve", any_day(bank_statement.clear_line)),
}


class Hall:
    def __init__(
        self,
        engine: Engine,
        bus: Bus,
        cmis_clients: dict[str, cmis_types.CmisClient],
        branches: dict[str, Branch],
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.bus = bus
        self.clients = cmis_clients
        self.branches = branches
        self.clock = clock
        words.use_zone(clock.tz)  # the hall's words write its times in its zone
        self.payments_waiting = asyncio.Event()
        self.debts_waiting = asyncio.Event()
        self.devices_waiting = asyncio.Event()  # a change may have queued paper or light
        self.supply_waiting = asyncio.Event()  # a cut or reconnection to report to CMIS
        self.notices_waiting = asyncio.Event()  # a message to a customer's phone is queued
        self.health = {b.id: Health(b.cmis_version) for b in branches.values()}
        #: a CMIS client for a branch added later (``cmis``); None in tests of one hall
        self.make_client: Callable[[Branch], cmis_types.CmisClient] | None = None
        #: this worker's copy of the organisation (``qms.usecases.org``); None in tests
        #: of one hall built by hand
        self.org: Org | None = None
        self._spawned: set[asyncio.Future[None]] = set()
        self._writers = ThreadPoolExecutor(WRITER_THREADS, thread_name_prefix="writer")
        self._lanes: defaultdict[str, Lane] = defaultdict(lambda: Lane(self._writers))
        self._replays: SharedReads[list[EventRecord]] = SharedReads()
        self.started_at = clock.now()

    def close(self) -> None:
        """At shutdown: let a transaction in hand finish; none starts after it."""
        self._writers.shutdown(wait=True, cancel_futures=True)

    def cmis(self, branch_id: str) -> cmis_types.CmisClient:
        client = self.clients.get(branch_id)
        if client is None:  # a branch added in the admin pages since the start
            if self.make_client is None:
                raise KeyError(branch_id)
            client = self.clients[branch_id] = self.make_client(self.branch(branch_id))
        return client

    async def fresh_org(self) -> None:
        """Before answering what a page asks after ``hall.changed``: that event travels on
        the hall's channel, apart from ``org.changed``, and may reach this worker before its
        copy of the organisation reloads; a copy older than the ORG stream reloads now."""
        if self.org is not None and await self.read(events.current_seq, ORG) > self.org.seq:
            await self.org.reload()

    def spawn(self, work: Awaitable[Any]) -> None:
        """Background work the hall does not wait for (kept referenced until it ends);
        a failure is logged."""

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("background work failed")

        task = asyncio.ensure_future(run())
        self._spawned.add(task)
        task.add_done_callback(self._spawned.discard)

    def adopt(self, branches: dict[str, Branch]) -> None:
        """After the organisation reloaded: a new branch gets its CMIS health watch (its
        client comes at its first call). A branch's CMIS version is fixed at creation."""
        for b in branches.values():
            self.health.setdefault(b.id, Health(b.cmis_version))

    def branch(self, branch_id: str) -> Branch:
        try:
            return self.branches[branch_id]
        except KeyError:
            raise NotFound(
                f"no branch {branch_id}", code="unknown_branch", branch=branch_id
            ) from None

    async def change(
        self,
        principal: Principal,
        fn: Callable[..., T],
        *args: Any,
        action: str | None = None,
        later: bool = False,
        branch: str | None = None,
    ) -> T:
        """Run ``fn(tx, *args)`` in one write transaction; publish its events after commit.
        ``branch``: another branch than the principal's (an admin's change, in scope).

        Closed is closed: a change of a person or a device (a kiosk's ticket) on a closed
        business day is refused here (``day_closed``), under the branch lock the close
        itself takes, unless the use case is marked ``tx.any_day``. One check covers every
        change, present and future; reads do not come here, nor the hall's own workers
        (role ``system``)."""
        target = self.branch(branch or principal.branch_id)
        if action is None and len(args) == 1 and isinstance(args[0], Command):
            action = args[0].action
        elif action is None:
            action = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        guard = principal.role != "system" and not allowed_any_day(fn)

        def work() -> tuple[T, list[EventRecord]]:
            now = self.clock.now()
            try:
                with write_session(self.engine) as session:
                    lock_branch(session, target.id)
                    actor = Actor(principal.label, principal.counter, principal.role)
                    tx = Tx(session, target, now, now.date(), actor)
                    if guard:
                        drawers.refuse_if_day_closed(tx)
                    result = fn(tx, *args)
                    followups.queue_paper_and_light(tx)
                    self._audit(
                        partial(audit.add, session), principal, now, action, args, result, target.id
                    )
            except QmsError as exc:
                self._audit(
                    partial(audit.write, self.engine), principal, now, action, args, exc, target.id
                )
                exc.audited = True
                raise
            return result, tx.emitted

        return await self.commit(target.id, work, later=later)

    async def commit(
        self,
        branch_id: str,
        work: Callable[[], tuple[T, list[EventRecord]]],
        *,
        wake_devices: bool = True,
        later: bool = False,
    ) -> T:
        """Run ``work`` (a write transaction returning its result and events) in the
        branch's writer lane (``qms.storage.writer_lane``: one at a time, in arrival order;
        ``later``: after the people's), and publish its events in commit order."""

        sending: list[asyncio.Future[None]] = []

        def publish(done: tuple[T, list[EventRecord]]) -> None:
            emitted = done[1]
            if not emitted:
                return
            self.wake(followups.workers_to_wake(emitted), devices=wake_devices)
            # each stream its own (an admin's change also appends to ORG, qms.usecases.org)
            for stream, some in itertools.groupby(emitted, key=lambda ev: ev.branch_id):
                to_redis = self.bus.publish_nowait(stream, list(some))  # local screens: now
                if to_redis is not None:
                    # started in seq order; a slow Redis holds up this answer, not the next
                    sending.append(asyncio.ensure_future(to_redis))

        def work_then_reload() -> tuple[T, list[EventRecord]]:
            done = retrying(work)
            if self.org is not None and any(ev.branch_id == ORG for ev in done[1]):
                # this worker's copy of the organisation first, then the events: a page
                # they send to read the hall again reads the change, and a revoked token
                # is refused here at once (the other workers reload from the bus)
                try:
                    self.org.load()
                except Exception:  # committed: the seq watch's resync reloads it later
                    log.exception("organisation reload after a change failed")
            return done

        result, _ = await self._lanes[branch_id].run(work_then_reload, publish, later=later)
        # the lane ran publish before this task resumed
        for sent in sending:
            await asyncio.shield(sent)  # the events go out even if the caller left
        return result

    def wake(self, workers: set[str], *, devices: bool = True) -> None:
        """Wake the named background workers (``followups.workers_to_wake``)."""
        waiting = {
            "poster": self.payments_waiting,
            "debts": self.debts_waiting,
            "devices": self.devices_waiting if devices else None,
            "supply": self.supply_waiting,
            "notifier": self.notices_waiting,
        }
        for name in workers:
            if (event := waiting[name]) is not None:
                event.set()

    @staticmethod
    def _audit(
        add: Callable[[Any], Any],
        who: Principal,
        now: dt.datetime,
        action: str,
        args: tuple[Any, ...],
        result: object,
        branch_id: str | None = None,
    ) -> None:
        """Record a person's or a device's change (the hall's own workers are not), in
        the branch changed (an admin's change of another branch is in that one's log)."""
        if who.role == "system":
            return
        target = audit.target_of(args)
        if target is None and isinstance(result, dict):
            named = [result[k] for k in ("number", "txn_id", "id") if result.get(k) is not None]
            target = audit.target_of(tuple(named[:1]))
        outcome = result.code if isinstance(result, QmsError) else "ok"
        where = branch_id or who.branch_id
        add(audit.entry(now, where, who.label, who.role, who.via, action, target, outcome))

    async def wake_from_bus(self) -> None:
        """For the process running the background workers: a change made in another
        worker process wakes them through the bus, as a local change does directly."""

        async def follow(branch_id: str) -> None:
            async with self.bus.subscribe(branch_id) as sub:
                while True:
                    ev = await sub.get()
                    if isinstance(ev, Resync):  # something may have been missed: look
                        self.wake({"poster", "debts", "devices", "supply", "notifier"})
                    else:
                        self.wake(followups.workers_to_wake([ev]))

        followed: dict[str, asyncio.Task[None]] = {}

        def follow_new() -> None:
            for b in list(self.branches):  # a branch added in the admin pages too
                if b not in followed:
                    followed[b] = asyncio.ensure_future(follow(b))

        try:
            follow_new()
            async with self.bus.subscribe(ORG) as org_sub:
                while True:
                    await org_sub.get()  # the organisation changed
                    if self.org is not None:  # read it here: no race with its follower
                        await self.org.reload()
                    follow_new()
        finally:
            for task in followed.values():
                task.cancel()

    async def watch_seq(self, every_s: float = RESYNC_S, grace_s: float = BUS_GRACE_S) -> None:
        """In every process: read each branch's latest seq now and then, and nudge the
        local subscribers that have not seen it (a pub/sub message lost to a Redis
        restart, or a full queue, with nothing after it to show the hole)."""
        while True:
            await asyncio.sleep(max(0.0, every_s - grace_s))
            await self.check_seq(grace_s)

    async def check_seq(self, grace_s: float = BUS_GRACE_S) -> None:
        """One round of the watch. The nudge waits ``grace_s`` after the read: a change
        committed just before it is on its way through the bus, and nudging for it would
        send every display of the branch to the events table at once, which with hundreds
        of displays on a worker reaches them seconds later than the bus would."""
        latest: dict[str, int] = {}
        for branch_id in [*self.branches, ORG]:
            try:
                latest[branch_id] = await self.read(events.current_seq, branch_id)
            except Exception as exc:  # the database is away: the next round looks again
                log.debug("seq watch: %s", exc)
        await asyncio.sleep(grace_s)
        for branch_id, seq in latest.items():
            self.bus.resync(branch_id, seq)

    async def record(self, principal: Principal, action: str, *args: Any) -> None:
        """Audit a change made outside ``change`` (a device job sent again, say)."""
        now = self.clock.now()
        await anyio.to_thread.run_sync(
            self._audit, partial(audit.write, self.engine), principal, now, action, args, None
        )

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        def work() -> T:
            with read_session(self.engine) as session:
                return fn(session, *args)

        return await anyio.to_thread.run_sync(retrying, work)

    # --- tickets ---------------------------------------------------------------------

    async def cmis_call(self, branch_id: str, call: Awaitable[T]) -> T:
        """Every CMIS call goes through here, so the supervisor sees CMIS's health."""
        return await self.health[branch_id].watch(self.clock.now, call)

    async def fetch_debts(
        self, branch_id: str, codes: list[str], *, pending_ok: bool = False
    ) -> list[cmis_types.CustomerDebts | str]:
        """Each customer's debts; with ``pending_ok`` a CMIS that does not answer gives
        the bare code back (debts pending) instead of a refusal."""
        client = self.cmis(branch_id)

        async def one(code: str) -> cmis_types.CustomerDebts | str:
            try:
                return await self.cmis_call(branch_id, client.get_debts(code))
            except cmis_types.CustomerNotFound:
                raise NotFound(
                    f"customer {code} is not known to CMIS", code="unknown_customer", customer=code
                ) from None
            except cmis_types.CmisBadAnswer as exc:
                log.warning("CMIS bad answer for %s: %s", code, exc)
                raise DependencyFailed(
                    "CMIS answered something unreadable; try again or call support",
                    code="cmis_bad_answer",
                    request_id=exc.request_id,
                ) from None
            except cmis_types.CmisError as exc:
                log.warning("CMIS did not answer for %s: %s", code, exc)
                if pending_ok:
                    return code
                raise DependencyFailed(
                    "CMIS is not answering; try again in a moment",
                    code="cmis_unavailable",
                    request_id=exc.request_id,
                ) from None

        return list(await asyncio.gather(*(one(c) for c in codes)))

    async def run(
        self, principal: Principal, kind: type[Command], data: Mapping[str, object], **path: object
    ) -> dict[str, Any]:
        """A command as sent (a JSON body and the path's parameters): the role is checked
        before the input is, so a wrong role learns nothing about the fields."""
        require(principal, USE_CASES[kind][0])
        return await self.execute(principal, parse(kind, data, **path))

    async def execute(self, principal: Principal, command: Command) -> dict[str, Any]:
        """Run a person's command: the one place that checks their role for it, asks
        CMIS what the rule needs first, and runs the rule in one transaction."""
        permission, rule = USE_CASES[type(command)]
        require(principal, permission)
        if isinstance(command, c.IssueTicket):
            if command.priority is not None:
                require(principal, "ticket.priority")  # before CMIS is asked anything
            found = await self.fetch_debts(
                principal.branch_id, list(command.customers), pending_ok=True
            )
            return await self.change(
                principal, rule, found, command.priority, command.contact, action=command.action
            )
        if isinstance(command, c.Collect):
            await self.refresh_debts_at(principal, command.counter)
        if isinstance(command, c.CloseDay):
            report = await self.reconciliation(principal, self.clock.business_day())
            return await self.change(principal, rule, report["open_items"], action=command.action)
        result: dict[str, Any] = await self.change(principal, rule, command)
        if isinstance(command, c.LookupMark | c.LookupCustomerFound | c.LookupUndo):
            # the lookup clerk sees their counter's view
            counter = self.branch(principal.branch_id).counter(principal.counter or "")
            assert counter is not None and counter.parity  # lookup.mark checked the counter
            shown = projections.project_ticket(f"lookup-{counter.parity}", result)
            if "invoice_ids" in result:  # what one key marked: what its undo names
                shown["invoice_ids"] = result["invoice_ids"]
            return shown
        return result

    async def preview_customer(
        self, principal: Principal, code: str, *, for_ticket: bool = False
    ) -> cmis_types.CustomerDebts:
        """A customer's debts; ``for_ticket``: about to go on a new ticket, so a customer
        already on a live one is refused now (the issue's own rule), not at "Lấy số"."""
        require(principal, "customer.read")
        (checked,) = tickets.check_codes([code])
        if for_ticket:
            await self.peek(principal, tickets.refuse_if_busy, [checked])
        (debts,) = await self.fetch_debts(principal.branch_id, [checked])
        assert not isinstance(debts, str)
        return debts

    async def peek(self, principal: Principal, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` on a read-only view of today, as ``principal``."""
        branch = self.branch(principal.branch_id)

        def work(session: Any) -> T:
            now = self.clock.now()
            actor = Actor(principal.label, principal.counter)
            return fn(Tx(session, branch, now, now.date(), actor), *args)

        return await self.read(work)

    async def ticket(self, principal: Principal, number: object) -> dict[str, Any]:
        require(principal, "ticket.read")

        def get(tx: Tx) -> dict[str, Any]:
            return tickets.state(tx, tickets.by_number(tx, number, lock=False))

        return await self.peek(principal, get)

    # --- counters ----------------------------------------------------------------------

    async def refresh_debts_at(self, principal: Principal, counter: str) -> None:
        """Before F4, ask CMIS again: an invoice paid at a bank since the ticket is marked
        paid elsewhere (and F4 refuses it); no fresh answer, no collection. Nothing to
        mark, nothing written: the usual F4 costs one write transaction, not two."""
        branch = self.branch(principal.branch_id)

        def look(session: Any) -> tuple[list[str], list[Any]]:
            actor = Actor(principal.label, principal.counter)
            tx = Tx(session, branch, self.clock.now(), self.clock.business_day(), actor)
            cashier.my_counter(tx, counter)  # a wrong counter changes nothing, not even this
            ticket = cashier.serving(tx, counter)
            if ticket is None:
                return [], []
            customers, invoices = load_parts(session, ticket)
            return [c.code for c in customers if c.debts == "fetched"], invoices

        wanted, invoices = await self.read(look)
        if not wanted:
            return  # the collect itself will explain what is wrong
        try:
            fresh = await self.fetch_debts(branch.id, wanted)
        except DependencyFailed as exc:
            exc.message = "collection waits for fresh debts from CMIS: " + exc.message
            raise
        unpaid = {
            d.code: {i.invoice_id for i in d.invoices} for d in fresh if not isinstance(d, str)
        }
        if collect.paid_elsewhere(invoices, unpaid):  # the change looks again, locked
            await self.change(principal, collect.mark_paid_elsewhere, counter, unpaid)

    # --- payments after F4 -----------------------------------------------------------

    async def cmis_status(self, principal: Principal) -> dict[str, Any]:
        """CMIS health and every payment CMIS has not confirmed yet, oldest first."""
        require(principal, "cmis.read")
        branch_id = principal.branch_id

        def unconfirmed(session: Any) -> list[dict[str, Any]]:
            rows = payments.listing(session, branch_id, "pending", None)
            return rows + payments.listing(session, branch_id, "reversal_pending", None)

        return {
            "branch": branch_id,
            "cmis": self.health[branch_id].public(),
            "unconfirmed": await self.read(unconfirmed),
        }

    def server_load(self, principal: Principal) -> dict[str, Any]:
        """How this process keeps up with the principal's branch: its writer lane since
        start (times in ms) and the subscriptions it feeds. Cumulative, so an operator
        takes rates between two readings; with several workers, each answers for itself."""
        require(principal, "server.read")
        branch_id = principal.branch_id
        lane = self._lanes.get(branch_id)
        load = lane.load if lane is not None else Load()
        return {
            "branch": branch_id,
            "since": iso(self.started_at),
            "writer": {
                "writes": load.writes,
                "waiting": lane.waiting if lane is not None else 0,
                "running": lane.running if lane is not None else False,
                "busy_ms": round(load.busy_s * 1000),
                "cpu_ms": round(load.cpu_s * 1000),
                "waited_ms": round(load.waited_s * 1000),
                "longest_wait_ms": round(load.longest_wait_s * 1000),
            },
            "subscribers": self.bus.subscribers(branch_id),
        }

    async def reconciliation(self, principal: Principal, day: dt.date) -> dict[str, Any]:
        """Our payments of ``day`` against CMIS's list. CMIS 1.0 books a payment on the
        day it executes it: for a 1.0 branch, the next day's list too when one of ours is
        missing, and our payments of the day before (``reconcile`` explains)."""
        require(principal, "cmis.read")
        branch = self.branch(principal.branch_id)
        client = self.cmis(branch.id)

        async def listed(when: dt.date) -> list[cmis_types.CmisPayment]:
            try:
                return await self.cmis_call(
                    branch.id, client.payments_for_day(when, branch.collection_point)
                )
            except cmis_types.CmisError as exc:
                raise DependencyFailed(
                    "CMIS did not give its list of the day; try again", request_id=exc.request_id
                ) from None

        def ours(session: Any, when: dt.date) -> list[reconcile.Ours]:
            return [
                reconcile.Ours(
                    p["txn_id"],
                    p["customer_code"],
                    tuple(p["invoice_ids"]),
                    p["total"],
                    p["status"],
                )
                for p in payments.listing(session, branch.id, None, when)
            ]

        theirs = await listed(day)
        mine = await self.read(ours, day)
        next_day: list[cmis_types.CmisPayment] = []
        day_before: list[reconcile.Ours] = []
        if branch.cmis_version == "1.0":
            day_before = await self.read(ours, day - dt.timedelta(days=1))
            if reconcile.missing(mine, theirs):
                next_day = await listed(day + dt.timedelta(days=1))
        report = reconcile.reconcile(mine, theirs, next_day=next_day, day_before=day_before)
        return {"branch": branch.id, "date": day.isoformat(), **report}

    # --- views ---------------------------------------------------------------------------

    async def snapshot(self, principal: Principal, view: object) -> dict[str, Any]:
        branch = self.branch(principal.branch_id)
        checked = projections.check_view(view, branch)
        check_view(principal, checked)
        return await self.read(projections.snapshot, branch, checked, self.clock.business_day())

    async def replay(
        self, branch_id: str, after: int, limit: int = REPLAY_LIMIT, *, until: int | None = None
    ) -> list[EventRecord]:
        """Events after ``after``. ``until``, a seq the asker knows is committed: it may
        join a read of the same range under way; one that began too early to reach
        ``until`` is not trusted, and the asker reads on its own. The records are shared
        too: read them, never change them."""
        if until is None:
            return await self.read(events.since, branch_id, after, limit)
        rows = await self._replays.get(
            (branch_id, after, limit), partial(self.read, events.since, branch_id, after, limit)
        )
        if len(rows) < limit and (not rows or rows[-1].seq < until):
            rows = await self.read(events.since, branch_id, after, limit)
        return rows


__all__ = ["USE_CASES", "Hall", "QmsError"]
