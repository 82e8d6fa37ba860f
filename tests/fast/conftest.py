"""The fast tier: the hall's rules and use cases in-process, no server, no sockets.

Each test gets its own SQLite file at head, a ``Hall`` built as the server's lifespan
builds it (in-memory bus, a branch from settings), a clock that only moves when told and a
fake CMIS in memory, so a rule's refusal or result is seen in milliseconds, not after a
server start. The end-to-end tier (the rest of ``tests/``) keeps the real HTTP paths.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlmodel import col, select

from integrations.cmis import base as cmis
from qms.config import (
    BankSettings,
    BranchSettings,
    CounterSettings,
    FieldSettings,
    PrinterSettings,
    Settings,
)
from qms.domain import commands as c
from qms.domain.clock import Clock
from qms.domain.commands import Command
from qms.domain.errors import QmsError
from qms.live.bus import make_bus
from qms.storage import db, migrate
from qms.storage.models import Payment
from qms.usecases import org
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall
from qms.workers.poster import PaymentPoster
from tests.conftest import LoopThread

T = TypeVar("T")
BRANCH = "PE0100"
TZ = "Asia/Ho_Chi_Minh"
FLOAT = 500_000
EVEN_BOOK, ODD_BOOK = "PE01B0102", "PE01B0103"  # last digit: which lookup counter pulls
DEPOSIT = {"amount": 0, "bank": "Vietcombank", "reference": "NOP-0001"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/fast is the fast tier: ``pytest -m fast`` runs only it,
    ``pytest -m "not fast"`` the end-to-end rest."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.fast)


# --- a clock that moves only when told ---------------------------------------------------


class FakeClock(Clock):
    """Noon of a fixed business day in the hall's zone; ``move`` advances it."""

    def __init__(self, at: dt.datetime) -> None:
        super().__init__(TZ)
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


# --- CMIS as an in-process object --------------------------------------------------------


@dataclass
class FakeCmis:
    """What the hall needs of CMIS (``integrations.cmis.base.CmisClient``), in memory:
    each customer's unpaid invoices, the payments posted (each booked on a day, for
    reconciliation), and reversals. ``book_day`` decides which day CMIS books a post on
    (CMIS 1.0 books on the day it executes it, not the day it was taken)."""

    idempotent_posting: bool = True
    debts: dict[str, cmis.CustomerDebts] = field(default_factory=dict)
    posted: dict[str, cmis.PaymentRequest] = field(default_factory=dict)
    booked: dict[str, tuple[dt.date, cmis.CmisPayment]] = field(default_factory=dict)
    book_day: Callable[[cmis.PaymentRequest], dt.date] = lambda req: req.at.date()
    refuse: dict[int, str] = field(default_factory=dict)  # invoice id -> CMIS's MA_LOI
    down: bool = False  # not answering: every call fails as a timeout would
    #: the day's disconnection list as CMIS would give it; supply changes CMIS took
    listed: list[cmis.DisconnectionCandidate] = field(default_factory=list)
    supply_changes: list[cmis.SupplyChange] = field(default_factory=list)
    supply_refuse: dict[str, str] = field(default_factory=dict)  # customer -> 061 / 062
    _issued: dict[int, cmis.Invoice] = field(default_factory=dict)  # every invoice, by id
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(700_001))
    _codes: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def customer(
        self,
        periods: list[tuple[int, int, int]] | None = None,
        *,
        book_code: str = EVEN_BOOK,
        totals: list[int] | None = None,
    ) -> str:
        """A new customer owing one invoice per (year, month, sub_period); its code."""
        code = f"PE01{next(self._codes):09d}"
        if periods is None:
            periods = [(2026, 9 + n, 1) for n in range(len(totals) if totals else 2)]
        totals = totals or [110_000 * (n + 1) for n in range(len(periods))]
        invoices = tuple(
            cmis.Invoice(
                invoice_id=next(self._ids),
                year=y,
                month=m,
                sub_period=s,
                amount=total * 10 // 11,
                vat=total - total * 10 // 11,
                total=total,
                series="1K26TAA",
                number=f"{len(self.debts):04d}{n:03d}",
            )
            for n, ((y, m, s), total) in enumerate(zip(periods, totals, strict=True))
        )
        self._issued.update((i.invoice_id, i) for i in invoices)
        self.debts[code] = cmis.CustomerDebts(
            code=code,
            name=f"Nguyễn Văn {code[-3:]}",
            address="12 Lê Lợi, Quận 1",
            unit=BRANCH,
            book_code=book_code,
            supply=cmis.Supply.CONNECTED,
            invoices=invoices,
        )
        return code

    def pay_elsewhere(self, code: str, invoice_id: int) -> None:
        """The customer paid one invoice at a bank since their ticket."""
        d = self.debts[code]
        left = tuple(i for i in d.invoices if i.invoice_id != invoice_id)
        self.debts[code] = replace(d, invoices=left)

    def list_on(self, day: dt.date, *payments: cmis.CmisPayment) -> None:
        """Put payments in CMIS's list of ``day`` (one we never took, say)."""
        for p in payments:
            self.booked[p.txn_id] = (day, p)

    async def find_customers(
        self, by: cmis.SearchBy, text: str, limit: int = 20
    ) -> list[cmis.CustomerSummary]:
        return []

    def _answer(self) -> None:
        if self.down:
            raise cmis.CmisUnavailable("timed out", request_id="fake")

    async def get_debts(self, customer_code: str) -> cmis.CustomerDebts:
        self._answer()
        if customer_code not in self.debts:
            raise cmis.CustomerNotFound("no such customer", code="0017")
        return self.debts[customer_code]

    async def post_payment(self, request: cmis.PaymentRequest) -> cmis.PaymentReceipt:
        self._answer()
        for i in request.invoice_ids:
            if i in self.refuse:
                raise cmis.PaymentRefused(f"invoice {i} refused", code=self.refuse[i])
        if request.txn_id not in self.posted:
            self.posted[request.txn_id] = request
            for i in request.invoice_ids:
                self.pay_elsewhere(request.customer_code, i)
            listed = cmis.CmisPayment(
                request.txn_id,
                request.customer_code,
                request.invoice_ids,
                request.total,
                cmis.PaymentState.BILLING,
                request.at,
            )
            self.booked[request.txn_id] = (self.book_day(request), listed)
        return cmis.PaymentReceipt(request.txn_id, f"BL{len(self.posted):06d}")

    async def payment_status(self, txn_id: str) -> cmis.PaymentState:
        self._answer()
        if txn_id not in self.booked:
            return cmis.PaymentState.NOT_FOUND
        return self.booked[txn_id][1].state

    async def reverse_payment(self, txn_id: str, reason: str) -> None:
        """The payment is REVERT in the day's list and its invoices are owed again."""
        self._answer()
        if txn_id not in self.booked:
            raise cmis.PaymentUnknown("unknown transaction", code="2006")
        day, p = self.booked[txn_id]
        self.booked[txn_id] = (day, replace(p, state=cmis.PaymentState.REVERT))
        d = self.debts[p.customer_code]
        owed = {*d.invoices, *(self._issued[i] for i in p.invoice_ids)}
        self.debts[d.code] = replace(d, invoices=tuple(sorted(owed, key=lambda i: i.period_key)))

    async def payments_for_day(self, day: dt.date, collection_point: str) -> list[cmis.CmisPayment]:
        self._answer()
        return [p for d, p in self.booked.values() if d == day]

    async def disconnection_list(
        self, unit: str, as_of: dt.date, book_code: str | None = None
    ) -> list[cmis.DisconnectionCandidate]:
        self._answer()
        return [c for c in self.listed if book_code in (None, c.book_code)]

    async def change_supply(self, change: cmis.SupplyChange) -> cmis.Supply:
        self._answer()
        if change.customer_code in self.supply_refuse:
            code = self.supply_refuse[change.customer_code]
            raise cmis.SupplyRefused(f"refused {code}", code=code)
        if all(c.key != change.key for c in self.supply_changes):
            self.supply_changes.append(change)
        return change.supply

    async def unpaid_invoices_of_book(self, unit: str, book_code: str) -> list[cmis.BookInvoice]:
        self._answer()
        return [
            cmis.BookInvoice(
                i.invoice_id, d.code, book_code, i.year, i.month, i.sub_period, i.total,
                i.series, i.number, i.due,
            )
            for d in self.debts.values()
            if d.book_code == book_code
            for i in d.invoices
        ]  # fmt: skip

    async def aclose(self) -> None:
        return None


# --- the hall and its people -------------------------------------------------------------


#: the e-invoice lookup URL of a hall without paper (``paper=False``)
LOOKUP_URL = "https://hoadon.evnhcmc.vn/tra-cuu?series={series}&number={number}&code={customer}"
#: the bank of a rig that takes VietQR (tests/fast/test_bank.py signs with it)
BANK = BankSettings(enabled=True, webhook_secret="fast-tier-bank-secret")


def settings(
    cmis_version: str = "2.0",
    *,
    bank: bool = False,
    paper: bool = True,
    field_work: FieldSettings | None = None,
) -> Settings:
    """A small hall: reception, the even and odd lookup counters, three cashier counters
    (C4 the head cashier's), receipt printers so F4's follow-up work runs too. Without
    ``paper``: e-invoices only, no lookup counters (docs/einvoice.md)."""
    lookups = [
        CounterSettings(code="LE", name="Tra cứu chẵn", kind="lookup", parity="even"),
        CounterSettings(code="LO", name="Tra cứu lẻ", kind="lookup", parity="odd"),
    ]
    counters = [
        CounterSettings(code="R1", name="Tiếp nhận", kind="reception"),
        *(lookups if paper else []),
        *(
            CounterSettings(code=f"C{n}", name=f"Quầy {n}", kind="cashier", printer=f"r{n}")
            for n in (1, 2, 4)
        ),
    ]
    branch = BranchSettings(
        id=BRANCH,
        name="Điện lực thử",
        collection_point="PE0100-HALL1",
        cmis_version=cmis_version,  # type: ignore[arg-type]
        counters=counters,
        printers=[PrinterSettings(id=f"r{n}") for n in (1, 2, 4)],
        paper_invoices=paper,
        einvoice_lookup_url=None if paper else LOOKUP_URL,
    )
    return Settings(
        branches=[branch],
        bank=BANK if bank else BankSettings(),
        field=field_work or FieldSettings(),
    )


def staff(name: str, role: str, counter: str | None) -> Principal:
    return Principal("staff", name, role, BRANCH, counter, full_name=name.title())


PEOPLE = {
    "reception": staff("reception", "reception", "R1"),
    "even": staff("lookup1", "lookup", "LE"),
    "odd": staff("lookup2", "lookup", "LO"),
    "c1": staff("cashier1", "cashier", "C1"),
    "c2": staff("cashier2", "cashier", "C2"),
    "head": staff("head", "head_cashier", "C4"),
    "sup": staff("supervisor", "supervisor", None),
}


class Rig:
    """One hall for one test, driven as its staff would: every change goes through
    ``hall.execute`` with a command, as the HTTP handlers send it."""

    def __init__(
        self,
        tmp: Path,
        cmis_version: str,
        *,
        bank: bool = False,
        paper: bool = True,
        field_work: FieldSettings | None = None,
    ) -> None:
        self.runner = LoopThread("rig-loop")  # not the main thread's: see LoopThread
        self.settings = settings(cmis_version, bank=bank, paper=paper, field_work=field_work)
        self.engine = db.make_engine(f"sqlite:///{tmp / 'qms.db'}")
        migrate.ensure_schema(self.engine)
        self.cmis = FakeCmis(idempotent_posting=cmis_version == "2.0")
        self.clock = FakeClock(dt.datetime(2026, 12, 7, 10, 0, tzinfo=Clock(TZ).tz))
        # the organisation as a server has it: config.yaml's imported on the first start
        org.import_config(self.engine, self.settings, self.clock.now())
        self.org = org.Org(self.engine, self.settings)
        self.org.load()
        branches = self.org.branches
        self.bus = make_bus("memory://")
        self.hall = Hall(self.engine, self.bus, {BRANCH: self.cmis}, branches, self.clock)
        self.hall.org = self.org
        self.people = PEOPLE
        self.branch = branches[BRANCH]

    def close(self) -> None:
        self.hall.close()
        self.runner.run(self.bus.aclose())
        self.runner.close()
        self.engine.dispose()

    @property
    def day(self) -> dt.date:
        return self.clock.business_day()

    # --- doing and being refused

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro, timeout=300)

    def do(self, who: str, command: Command) -> dict[str, Any]:
        return self.run(self.hall.execute(self.people[who], command))  # type: ignore[no-any-return]

    def refused(self, who: str, command: Command, code: str) -> QmsError:
        """The command is refused with ``code``; the refusal, for its details."""
        with pytest.raises(QmsError) as err:
            self.do(who, command)
        assert err.value.code == code, (err.value.code, err.value.message, err.value.details)
        return err.value

    def read(self, fn: Callable[..., T], *args: Any) -> T:
        return self.run(self.hall.read(fn, *args))  # type: ignore[no-any-return]

    # --- the steps of a visit

    def issue(self, *codes: str) -> dict[str, Any]:
        return self.do("reception", c.IssueTicket(customers=codes))

    def find(self, ticket: dict[str, Any], *invoice_ids: int) -> dict[str, Any]:
        """F9 at the right lookup counter for these invoices (all of the ticket's if none)."""
        wanted = set(invoice_ids) or {i["invoice_id"] for i in invoices(ticket)}
        for inv in invoices(ticket):
            if inv["invoice_id"] in wanted and inv["lookup_status"] != "found":
                mark = c.LookupMark(ticket["number"], inv["invoice_id"], "found")
                self.do("even" if inv["lookup"] == "even" else "odd", mark)
        return self.ticket(ticket["number"])

    def ticket(self, number: int) -> dict[str, Any]:
        return self.run(self.hall.ticket(self.people["sup"], number))  # type: ignore[no-any-return]

    def open_drawers(self, *who: str, float_: int = FLOAT) -> None:
        for w in who:
            self.do(w, c.OpenDrawer(float=float_))

    def serve(self, cashier: str, *codes: str, find: bool = True) -> dict[str, Any]:
        """A ticket for ``codes``, its papers found (F9), called to ``cashier``'s counter."""
        t = self.issue(*codes)
        if find:
            self.find(t)
        counter = self.people[cashier].counter
        assert counter is not None
        return self.do(cashier, c.CallNumber(counter=counter, number=t["number"]))

    def f4(
        self,
        cashier: str,
        invs: list[dict[str, Any]],
        *,
        amount: int | None = None,
        tendered: int | None = None,
    ) -> dict[str, Any]:
        counter = self.people[cashier].counter
        assert counter is not None
        total = sum(i["total"] for i in invs) if amount is None else amount
        ids = tuple(i["invoice_id"] for i in invs)
        return self.do(cashier, c.Collect(counter, ids, total, tendered))

    def collect(self, cashier: str, *codes: str) -> dict[str, Any]:
        """A whole visit: issue, F9 for every paper, call to the counter, F4 for all."""
        t = self.serve(cashier, *codes)
        return self.f4(cashier, invoices(t))

    def post_payments(self) -> list[Payment]:
        """What the outbox worker does once: post every open payment to CMIS, in order."""
        poster = PaymentPoster(self.hall)
        for p in self.payments(("pending", "reversal_pending")):
            self.run(poster.step(p))
        return self.payments()

    def payments(self, statuses: tuple[str, ...] | None = None) -> list[Payment]:
        def rows(session: Any) -> list[Payment]:
            q = select(Payment).order_by(col(Payment.id))
            if statuses is not None:
                q = q.where(col(Payment.status).in_(statuses))
            return list(session.exec(q).all())

        return self.read(rows)


def invoices(ticket: dict[str, Any], code: str | None = None) -> list[dict[str, Any]]:
    """A ticket's invoices (of one customer), oldest period first."""
    return [i for cu in ticket["customers"] if code in (None, cu["code"]) for i in cu["invoices"]]


def blockers(err: QmsError) -> list[str]:
    return [b["code"] for b in err.details["blockers"]]


def invoice_ids(p: Payment) -> list[int]:
    return list(json.loads(p.invoice_ids))


@pytest.fixture
def cmis_version() -> str:
    """CMIS 2.0 unless a test parametrises it."""
    return "2.0"


@pytest.fixture
def field_work() -> FieldSettings:
    """config.yaml's ``field:`` section, its defaults unless a test parametrises it."""
    return FieldSettings()


@pytest.fixture
def rig(tmp_path: Path, cmis_version: str, field_work: FieldSettings) -> Iterator[Rig]:
    r = Rig(tmp_path, cmis_version, field_work=field_work)
    try:
        yield r
    finally:
        r.close()
