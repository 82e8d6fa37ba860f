"""Where the organisation lives: the database (company, branches and their halls,
counters, printers, devices, staff). config.yaml's ``branches`` and ``devices`` are
imported once, on the first start; after that the admin pages and the CLI change the
rows, and every worker and host reloads its in-memory view (``hall.branches``) when an
``org.changed`` event of the reserved stream ``ORG`` reaches it (docs/admin.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from qms.config import Settings
from qms.domain import events
from qms.domain.branch import Branch, CounterInfo
from qms.domain.org import ORG, Params, params_loads
from qms.domain.routing import RULES
from qms.live.bus import Bus, Resync
from qms.storage.db import read_session, write_session
from qms.storage.models import EnrolledDevice, OrgBranch, OrgCounter, OrgPrinter, OrgState

log = logging.getLogger(__name__)


def config_params(settings: Settings) -> Params:
    """The operating parameters config.yaml gives a branch before anyone edits them."""
    return Params(
        call_policy=settings.cashier.call_policy,
        lookup_rule=settings.lookup.rule,
        reconnect_hours=settings.field.reconnect_hours,
        priority_max_in_row=settings.cashier.priority_max_in_row
        if settings.cashier.priority
        else 0,
    )


def import_config(engine: Engine, settings: Settings, now: dt.datetime) -> bool:
    """On the first start (no company row yet) the branches, counters, printers and
    devices of config.yaml become rows; returns whether it imported. Two workers
    starting at once: the company row's key lets one import, the other finds it done."""
    with Session(engine) as s:
        if s.get(OrgState, 1) is not None:
            return False
    params = config_params(settings).dumps()
    try:
        with write_session(engine) as s:
            s.add(OrgState(id=1, imported_at=now))
            s.flush()
            for b in settings.branches:
                s.add(
                    OrgBranch(
                        id=b.id,
                        name=b.name,
                        collection_point=b.collection_point,
                        cmis_version=b.cmis_version,
                        paper_invoices=b.paper_invoices,
                        einvoice_lookup_url=b.einvoice_lookup_url,
                        slip_printer=b.slip_printer,
                        device_agent=b.device_agent,
                        params=params,
                        updated_at=now,
                    )
                )
                for i, c in enumerate(b.counters):
                    s.add(
                        OrgCounter(
                            branch_id=b.id,
                            code=c.code,
                            name=c.name,
                            kind=c.kind,
                            parity=c.parity,
                            printer=c.printer,
                            led=None if c.led is None else json.dumps(c.led),
                            position=i,
                        )
                    )
                for p in b.printers:
                    s.add(
                        OrgPrinter(
                            id=p.id,
                            branch_id=b.id,
                            backend=json.dumps(p.backend),
                            paper=p.paper,
                            mode=p.mode,
                            profile=p.profile,
                        )
                    )
            for d in settings.devices:
                if s.get(EnrolledDevice, d.id) is None:
                    s.add(
                        EnrolledDevice(
                            id=d.id,
                            branch_id=d.branch,
                            kind=d.kind,
                            token_sha256=d.token_sha256,
                            printer=d.printer,
                            enrolled_at=now,
                            enrolled_by="config.yaml",
                        )
                    )
    except IntegrityError:
        with Session(engine) as s:
            if s.get(OrgState, 1) is not None:  # another worker imported first
                return False
        raise
    log.info("organisation imported from config.yaml: %d branch(es)", len(settings.branches))
    return True


def _branch(
    row: OrgBranch,
    counters: list[OrgCounter],
    printers: list[OrgPrinter],
    devices: list[EnrolledDevice],
    settings: Settings,
) -> Branch:
    p = params_loads(row.params, config_params(settings))
    live = [c for c in counters if c.retired_at is None]
    return Branch(
        id=row.id,
        name=row.name,
        collection_point=row.collection_point,
        counters={
            c.code: CounterInfo(c.code, c.name, c.kind, c.parity, c.printer, c.led is not None)
            for c in sorted(live, key=lambda c: (c.position, c.id or 0))
        },
        call_policy=p.call_policy,
        route=RULES[p.lookup_rule],
        cmis_version=row.cmis_version,
        slip_printer=row.slip_printer,
        device_agent=row.device_agent,
        device_printers={d.id: d.printer for d in devices if d.printer},
        printers=frozenset(x.id for x in printers if x.retired_at is None),
        denominations=settings.cash.denominations,
        reconnect_hours=p.reconnect_hours,
        max_books=settings.field.max_books,
        priority_max_in_row=p.priority_max_in_row,
        near_ahead=settings.notify.near_ahead if settings.notify.enabled else 0,
        paper_invoices=row.paper_invoices,
        einvoice_lookup_url=row.einvoice_lookup_url,
        bank=settings.bank,
        hours=p.hours,
        params=p,
        former={c.code: c.name for c in counters if c.retired_at is not None},
    )


def drift(settings: Settings, branches: dict[str, Branch]) -> list[str]:
    """What config.yaml's organisation says that the database does not: after the first
    start, such an edit is not read (the admin pages are), and the operator is told."""
    out = []
    for b in settings.branches:
        held = branches.get(b.id)
        if held is None:
            out.append(f"branch {b.id} is in config.yaml, not in the database")
            continue
        mine = {c.code for c in b.counters}
        theirs = set(held.counters) | set(held.former)
        if mine - theirs:
            out.append(f"counters {', '.join(sorted(mine - theirs))} of {b.id}")
    return out


@dataclass(frozen=True)
class Device:
    """An active device's token, as the Authenticator resolves it without a query."""

    id: str
    kind: str
    branch_id: str


def read(session: Session, settings: Settings) -> tuple[dict[str, Branch], dict[str, Device]]:
    """The whole organisation as the hall's use cases see it, and the active devices by
    their token's hash. Tens of halls: a few small queries, read in milliseconds."""
    rows = session.exec(select(OrgBranch).where(col(OrgBranch.active))).all()
    counters = session.exec(select(OrgCounter)).all()
    printers = session.exec(select(OrgPrinter)).all()
    devices = session.exec(
        select(EnrolledDevice).where(col(EnrolledDevice.revoked_at).is_(None))
    ).all()
    branches = {
        r.id: _branch(
            r,
            [c for c in counters if c.branch_id == r.id],
            [p for p in printers if p.branch_id == r.id],
            [d for d in devices if d.branch_id == r.id],
            settings,
        )
        for r in rows
    }
    by_token = {d.token_sha256: Device(d.id, d.kind, d.branch_id) for d in devices}
    return branches, by_token


def device_specs(
    session: Session, branch_ids: frozenset[str]
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
    """What this process opens for the branches whose devices it drives: printers by
    (branch, id) (python-escpos's settings) and LED boards by (branch, counter)."""
    printers = {
        (p.branch_id, p.id): {
            "id": p.id,
            "backend": json.loads(p.backend),
            "paper": p.paper,
            "mode": p.mode,
            "profile": p.profile,
        }
        for p in session.exec(select(OrgPrinter).where(col(OrgPrinter.retired_at).is_(None)))
        if p.branch_id in branch_ids
    }
    leds = {
        (c.branch_id, c.code): json.loads(c.led)
        for c in session.exec(
            select(OrgCounter).where(
                col(OrgCounter.retired_at).is_(None), col(OrgCounter.led).is_not(None)
            )
        )
        if c.branch_id in branch_ids and c.led
    }
    return printers, leds


class Org:
    """This process's copy of the organisation. ``branches`` is one dict for the life of
    the process, changed in place, so every holder (the hall, the authenticator, the
    views) sees a reload at once."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.branches: dict[str, Branch] = {}
        self.devices: dict[str, Device] = {}
        self.seq = 0  # the ORG stream's seq this copy was read at
        self.listeners: list[Callable[[dict[str, Branch]], None]] = []

    def load(self) -> None:
        with read_session(self.engine) as s:
            seq = events.current_seq(s, ORG)
            branches, devices = read(s, self.settings)
        for gone in set(self.branches) - set(branches):
            del self.branches[gone]
        self.branches.update(branches)
        self.devices.clear()
        self.devices.update(devices)
        self.seq = seq
        for listener in self.listeners:
            listener(self.branches)

    async def reload(self) -> None:
        await asyncio.to_thread(self.load)

    async def follow(self, bus: Bus) -> None:
        """Reload on every ``org.changed`` from any worker, and on a resync (a message
        the bus may have lost: the seq watch nudges, ``Hall.check_seq``)."""
        while True:
            try:
                async with bus.subscribe(ORG) as sub:
                    while True:
                        ev = await sub.get()
                        if isinstance(ev, Resync) or ev.seq > self.seq:
                            await self.reload()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database away: try again, soon
                log.warning("organisation reload failed: %s", exc)
                await asyncio.sleep(1.0)
