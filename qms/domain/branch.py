"""A branch's hall as the domain needs it: counters and the rules chosen in config."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qms.config import DENOMINATIONS, BankSettings, BranchSettings, Settings
from qms.domain.org import Hours, Params
from qms.domain.routing import RULES, Rule


@dataclass(frozen=True, slots=True)
class CounterInfo:
    code: str
    name: str
    kind: str
    parity: str | None
    printer: str | None = None
    has_led: bool = False


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    collection_point: str
    counters: dict[str, CounterInfo]
    call_policy: str
    route: Rule
    cmis_version: str = "2.0"
    slip_printer: str | None = None
    device_agent: str | None = None
    device_printers: dict[str, str] = field(default_factory=dict)  # kiosk id -> printer
    printers: frozenset[str] = frozenset()  # ids of the branch's printers
    config_devices: frozenset[str] = frozenset()  # ids of the devices in config.yaml
    denominations: tuple[int, ...] = DENOMINATIONS  # notes a count by note may name
    reconnect_hours: int = 24  # a paid cut customer is reconnected within this
    max_books: int = 100  # books one pull of the disconnection list may name
    priority_max_in_row: int = 0  # the priority lane's fairness bound; 0: no priority lane
    near_ahead: int = 0  # "your turn is near" at this many ahead; 0: no messages
    paper_invoices: bool = True  # False: e-invoices only, no lookup step (docs/einvoice.md)
    einvoice_lookup_url: str | None = None  # the receipt's QR, filled per invoice
    #: pay by VietQR: the account, the webhook's secret (frozen: one value serves every branch)
    bank: BankSettings = field(default_factory=BankSettings)
    hours: Hours | None = None  # business hours; None: open whenever staff are in
    params: Params = field(default_factory=Params)  # as the admin pages set them
    #: counters retired (code -> name): out of sign-in and calls, named in their history
    former: dict[str, str] = field(default_factory=dict)

    def is_open(self, local: dt.datetime) -> bool:
        """Whether the hall serves at this local time (the kiosk says closed otherwise)."""
        return self.hours is None or self.hours.is_open(local)

    @property
    def counter_names(self) -> dict[str, str]:
        return {**self.former, **{c.code: c.name for c in self.counters.values()}}

    def counter(self, code: str) -> CounterInfo | None:
        return self.counters.get(code)


def from_settings(b: BranchSettings, settings: Settings) -> Branch:
    return Branch(
        id=b.id,
        name=b.name,
        collection_point=b.collection_point,
        counters={
            c.code: CounterInfo(c.code, c.name, c.kind, c.parity, c.printer, c.led is not None)
            for c in b.counters
        },
        call_policy=settings.cashier.call_policy,
        route=RULES[settings.lookup.rule],
        cmis_version=b.cmis_version,
        slip_printer=b.slip_printer,
        device_agent=b.device_agent,
        device_printers={
            d.id: d.printer for d in settings.devices if d.branch == b.id and d.printer
        },
        printers=frozenset(p.id for p in b.printers),
        config_devices=frozenset(d.id for d in settings.devices),
        denominations=settings.cash.denominations,
        reconnect_hours=settings.field.reconnect_hours,
        max_books=settings.field.max_books,
        priority_max_in_row=settings.cashier.priority_max_in_row
        if settings.cashier.priority
        else 0,
        near_ahead=settings.notify.near_ahead if settings.notify.enabled else 0,
        paper_invoices=b.paper_invoices,
        einvoice_lookup_url=b.einvoice_lookup_url,
        bank=settings.bank,
    )
