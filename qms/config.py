"""config.yaml: one validated file; a bad value stops start-up naming its key.

Secrets never sit in the file: any value may be ``{"$env": "NAME"}`` (optionally with
``"default"``), and device tokens are stored as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import string
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

#: what ``qms serve`` reads when not told otherwise
DEFAULT_PATH = "config.yaml"
#: the demo hall's config, shipped in the package (a copy of the repository's
#: config.yaml): ``qms serve`` runs it in a folder that has no config.yaml
PACKAGED_DEFAULTS = Path(__file__).with_name("demo_config.yaml")


class ConfigError(Exception):
    """Start-up refusal; the message names the offending key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Model):
    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8080, ge=0, le=65535, description="HTTP port of the hall server.")
    max_body_bytes: int = Field(65536, ge=1024, description="Largest accepted request body.")
    public_url: str | None = Field(
        None,
        pattern=r"^https?://[^/\s]+$",
        description="Address phones use to reach the hall (ticket QR codes); "
        "default: the address the kiosk used.",
    )
    pin_cpu: bool = Field(
        False,
        description="Run `qms serve` (one process, not --workers) on one CPU core, on "
        "Linux: its event loop and its writer thread then hand each other the "
        "interpreter's lock in place, not between cores, and the processes it starts "
        "(renderer, CMIS simulator) run on the other cores. Off: the operating system "
        'places them (docs/operations.md, "One core for the server").',
    )
    direct_frames: bool = Field(
        True,
        description="Write an event's frame straight to the sockets of displays waiting "
        "for it, in one pass, instead of through each connection's task: keeps call to "
        "display quick with many hundreds of screens on one server. Needs the Starlette "
        "and uvicorn versions it was tested with (otherwise the usual path, with a "
        "warning at start); off: every frame goes the usual way.",
    )
    trusted_proxies: tuple[str, ...] = Field(
        (),
        description="Load balancers (IP addresses or networks) whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed: behind one, sign-in limits and the audit log see "
        "the client's address, not the balancer's. Empty (the default): no one's; the "
        "address is the connection's. The old name forwarded_allow_ips still works.",
    )
    metrics_token: str | None = Field(
        None,
        min_length=16,
        description="Bearer token Prometheus sends to GET /metrics (at least 16 characters; "
        'give it as {"$env": "QMS_METRICS_TOKEN"}). None: /metrics is refused.',
    )

    connection_guard: bool = Field(
        True,
        description="Bound every connection (qms/process/guard.py): the request head's time "
        "and size, and connections per client address and in total. Needs the uvicorn "
        "versions it was tested with (otherwise off, with a warning at start).",
    )
    head_timeout_s: float = Field(
        10.0,
        gt=0,
        le=300,
        description="A request's head (request line and headers) arrives whole within this "
        "many seconds of the connection or of the request's first byte; otherwise 408 and "
        "the connection is closed.",
    )
    max_head_bytes: int = Field(
        32768,
        ge=4096,
        le=1048576,
        description="Largest request head (request line and headers), bytes; a larger one "
        "gets 431 and the connection is closed.",
    )
    keep_alive_s: int = Field(
        5, ge=1, le=300, description="An idle connection between requests is closed after this."
    )
    ws_auth_deadline_s: float = Field(
        5.0,
        gt=0,
        le=120,
        description="A websocket that has not authenticated within this many seconds of "
        "opening is closed (code 4408, docs/protocol.md).",
    )
    max_connections: int = Field(
        8192,
        ge=16,
        le=1_000_000,
        description="Open connections (HTTP and websockets) per server process; past it, "
        "503 and closed. Lowered at start to what the open-file limit allows.",
    )
    max_connections_per_address: int = Field(
        256,
        ge=1,
        le=1_000_000,
        description="Open connections per client address; past it, 503 and closed. Not for "
        "the addresses of `unlimited_addresses`.",
    )
    unlimited_addresses: tuple[str, ...] = Field(
        ("127.0.0.1", "::1"),
        description="Addresses or networks not held to `max_connections_per_address` (still "
        "counted in `max_connections`): this host itself, or a load balancer in front, "
        "which carries many clients' connections.",
    )

    @model_validator(mode="before")
    @classmethod
    def _old_name(cls, data: Any) -> Any:
        """``forwarded_allow_ips``, the setting's name before 2026-12, still read."""
        if isinstance(data, dict) and "forwarded_allow_ips" in data:
            data = dict(data)
            data.setdefault("trusted_proxies", data.pop("forwarded_allow_ips"))
        return data

    @field_validator("trusted_proxies", "unlimited_addresses")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value


class DatabaseSettings(_Model):
    url: str = Field(
        "sqlite:///data/qms.db",
        description="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB",
    )

    @field_validator("url")
    @classmethod
    def _scheme(cls, v: str) -> str:
        if not v.startswith(("sqlite://", "postgresql")):
            raise ValueError("must start with sqlite:// or postgresql")
        return v


class BusSettings(_Model):
    url: str = Field(
        "memory://",
        description="Event bus: memory:// (one process), or redis://HOST:PORT/DB "
        "(rediss:// for TLS) to share events between workers and hosts.",
    )

    @field_validator("url")
    @classmethod
    def _scheme(cls, v: str) -> str:
        if v.startswith("memory://"):
            return v
        if not v.startswith(("redis://", "rediss://")):
            raise ValueError("must be memory:// or redis://HOST:PORT/DB (rediss:// for TLS)")
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(v)
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError as exc:
            raise ValueError(f"not a Redis URL: {exc}") from None
        if not parts.hostname:
            raise ValueError("a Redis URL names its host: redis://HOST:PORT/DB")
        if parts.path not in ("", "/") and not parts.path[1:].isdigit():
            raise ValueError("the path of a Redis URL is the database number: redis://HOST/0")
        return v


class SimulatorSettings(_Model):
    host: str = Field(
        "127.0.0.1", description="Interface of the CMIS simulator (a child process of the server)."
    )
    port: int = Field(0, ge=0, le=65535, description="Its port; 0 picks a free one.")
    customers: int = Field(10_000, ge=1, le=1_000_000, description="Demo customers generated.")
    seed: int = Field(2026, description="Seed of the deterministic demo data.")
    books: int | None = Field(
        None,
        ge=1,
        le=360,
        description="Books the demo customers are spread over (none: 360, ~28 customers a "
        "book at 10,000).",
    )
    notice_days: int = Field(
        7,
        ge=0,
        le=3650,
        description="Days past an invoice's due date before its customer is on the "
        "disconnection list; also at run time via PUT /admin/settings.",
    )
    ledger: str | None = Field(
        "data/cmis-sim-ledger.jsonl", description="Where the simulator keeps its payments."
    )
    faults: dict[str, Any] = Field(
        {},
        description="Fault injection at start (latency_ms, error_rate, lose_answer_rate, …); "
        "also at run time via PUT /admin/faults.",
    )

    @field_validator("faults")
    @classmethod
    def _faults(cls, v: dict[str, Any]) -> dict[str, Any]:
        from integrations.cmis.simulator.faults import FaultConfig

        FaultConfig.from_json(v)  # raises ValueError naming the field
        return v


class CmisSettings(_Model):
    mode: Literal["simulator", "remote"] = Field(
        "simulator",
        description="simulator: the server runs it as its child process; remote: talk to v2_url "
        "/ v1_url.",
    )
    v2_url: str | None = Field(None, description="Base URL of CMIS 2.0 (remote mode).")
    v1_url: str | None = Field(None, description="Base URL of CMIS 1.0 (remote mode).")
    timeout_s: float = Field(
        5.0, gt=0, le=120, description="Bound on one CMIS call, connect to last byte, seconds."
    )
    retries: int = Field(2, ge=0, le=10, description="Bounded retries of idempotent calls.")
    post_concurrency: int = Field(
        16,
        ge=1,
        le=64,
        description="Payments of different customers posted to CMIS at once (one customer's "
        "always go one at a time, in order).",
    )
    simulator: SimulatorSettings = SimulatorSettings()


class BankRetrySettings(_Model):
    tries: int = Field(
        6, ge=1, le=20, description="Attempts to deliver one notification before the bank gives up."
    )
    first_s: float = Field(
        1.0, gt=0, le=600, description="Wait after the first failed attempt; doubles each time."
    )
    max_s: float = Field(60.0, gt=0, le=3600, description="Longest wait between two attempts.")
    timeout_s: float = Field(10.0, gt=0, le=120, description="Bound on one delivery POST, seconds.")
    concurrency: int = Field(16, ge=1, le=256, description="Deliveries in flight at once.")


class BankSimulatorSettings(_Model):
    enabled: bool = Field(
        False,
        description="Run the bank simulator as a child process of `qms serve` "
        "(docs/bank-simulator.md); it notifies this hall and serves its statement.",
    )
    host: str = Field("127.0.0.1", description="Interface of the bank simulator.")
    port: int = Field(0, ge=0, le=65535, description="Its port; 0 picks a free one.")
    ledger: str | None = Field(
        "data/bank-sim-ledger.jsonl",
        description="Where the simulator keeps the account's lines (none: in memory only).",
    )
    opening_balance: int = Field(
        0, ge=0, description="The account's balance before its first line, đồng."
    )
    retry: BankRetrySettings = BankRetrySettings()
    faults: dict[str, Any] = Field(
        {},
        description="Fault injection at start (duplicate, delay, out_of_order, bad_signature, "
        "lose, down, …); also at run time via POST /admin/faults.",
    )

    @field_validator("faults")
    @classmethod
    def _faults(cls, v: dict[str, Any]) -> dict[str, Any]:
        from integrations.bank.simulator.faults import FaultConfig

        FaultConfig.from_json(v)  # raises ValueError naming the field
        return v


class LookupSettings(_Model):
    rule: Literal["book_code_last_digit", "invoice_number_last_digit"] = Field(
        "book_code_last_digit", description="Which digit's parity routes an invoice."
    )


class CashierSettings(_Model):
    call_policy: Literal["lowest_number", "ready_first"] = Field(
        "lowest_number",
        description="Call next: lowest waiting number, or tickets with all invoices found first.",
    )
    priority: bool = Field(
        True,
        description="Priority customers (elderly, disabled, pregnant, with a small child) "
        "are called first; the kiosk shows its button (docs/priority.md).",
    )
    priority_max_in_row: int = Field(
        3,
        ge=1,
        le=20,
        description="Fairness bound: after this many priority calls in a row, the next call "
        "goes to a normal ticket if one waits.",
    )


#: the notes in use (coins are out of use): what a count by note lists, largest first
DENOMINATIONS = (500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000)


class FieldSettings(_Model):
    reconnect_hours: int = Field(
        24,
        ge=1,
        le=720,
        description="A supply cut for debt is reconnected within this many hours of the "
        "payment that settled it; later is overdue (red on the supervisor's board).",
    )
    max_books: int = Field(
        100, ge=1, le=1000, description="Books one pull of the disconnection list may name."
    )
    bulk_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="The share of the server's time a pull of the disconnection list or a "
        "balanced assignment may take: after each part it rests, so the counters keep "
        "their speed meanwhile; 1: no rest.",
    )


class CashSettings(_Model):
    denominations: tuple[int, ...] = Field(
        DENOMINATIONS,
        description="The notes a drawer's close and the bank deposit are counted in (VND), "
        "printed largest first on the count sheet.",
    )

    @field_validator("denominations")
    @classmethod
    def _notes(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if not v or any(isinstance(n, bool) or n <= 0 for n in v):
            raise ValueError("denominations is a list of positive whole amounts in VND")
        if len(set(v)) != len(v):
            raise ValueError("denominations are listed once each")
        return tuple(sorted(v, reverse=True))


class AuthSettings(_Model):
    session_hours: float = Field(
        12,
        gt=0,
        le=72,
        description="Staff session lifetime, in hours; at its end the session's sockets "
        "close too (4401).",
    )
    demo_accounts: bool = Field(True, description="Create the demo staff on an empty database.")
    login_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed sign-ins under one name from one address in the window before "
        "that name from that address waits (docs/security.md).",
    )
    login_failures_per_address: int = Field(
        20, ge=1, le=10_000, description="Failed sign-ins from one address, any name."
    )
    login_failures_per_name: int = Field(
        50,
        ge=1,
        le=100_000,
        description="Failed sign-ins under one name from all addresses before tries from "
        "an address the name never signed in from wait; its usual addresses do not.",
    )
    login_delay_s: int = Field(
        15,
        ge=1,
        le=3600,
        description="The first wait past a limit, doubled at each further failure, up "
        "to the window.",
    )
    login_window_s: int = Field(
        300, ge=1, le=86_400, description="The window failed sign-ins are counted over."
    )


class AuditSettings(_Model):
    retention_days: int = Field(
        400,
        ge=0,
        le=36_500,
        description="Audit entries older than this many days are deleted (hourly, by the "
        "process that runs the background workers); 0 keeps them for ever.",
    )
    refusal_window_s: int = Field(
        60,
        ge=1,
        le=3600,
        description="Refused requests of nobody signed in are counted per route and code "
        "over this window and stored as one entry each; the first of each address in a "
        "window is stored as well (at most 20 a window).",
    )


class AlertSettings(_Model):
    every_s: float = Field(
        30.0,
        ge=0.1,
        le=3600,
        description="How often, in seconds, the process that runs the background workers "
        "looks at every hall against the alert rules (docs/alerts.md).",
    )


class PrinterSettings(_Model):
    """A receipt/ticket printer; ``backend`` is python-escpos's connection (see
    docs/printing.md): network, usb, serial, file, console or dummy."""

    id: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    backend: dict[str, Any] = Field(default_factory=lambda: {"kind": "console"})
    paper: Literal[58, 80] = 80
    mode: Literal["image", "text:cp1258", "text:tcvn3"] = "image"
    profile: str = "default"

    @field_validator("backend")
    @classmethod
    def _backend(cls, v: dict[str, Any]) -> dict[str, Any]:
        kinds = ("network", "usb", "serial", "file", "console", "dummy")
        if v.get("kind") not in kinds:
            raise ValueError("backend.kind is one of " + ", ".join(kinds))
        return v


class CounterSettings(_Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$")
    name: str = Field(min_length=1, max_length=60)
    kind: Literal["reception", "lookup", "cashier"]
    parity: Literal["even", "odd"] | None = None
    printer: str | None = None  # receipts (cashier) or tickets (reception) print here
    led: dict[str, Any] | None = None  # the number board above it: docs/led-boards.md

    @field_validator("led")
    @classmethod
    def _led(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is None:
            return v
        from qms.devices.led.config import make_protocol

        if not isinstance(v.get("url"), str) or not v["url"]:
            raise ValueError("led.url is a pyserial URL (/dev/ttyUSB0, socket://h:p, loop://)")
        address = v.get("address")
        if isinstance(address, bool) or not isinstance(address, int) or not 0 <= address <= 999:
            raise ValueError("led.address is an integer 0..999")
        if v.get("protocol") == "modbus" and address > 247:
            raise ValueError("led.address of a Modbus board is 1..247")
        make_protocol(v)  # raises ValueError naming the bad key
        return v

    @model_validator(mode="after")
    def _parity(self) -> CounterSettings:
        if (self.kind == "lookup") != (self.parity is not None):
            raise ValueError("parity is required for lookup counters and only for them")
        return self


#: what an e-invoice lookup URL may name: the invoice's series and number, its customer,
#: CMIS's invoice id
LOOKUP_URL_FIELDS = ("series", "number", "customer", "invoice")


def check_lookup_url(template: str) -> None:
    """An e-invoice lookup URL template: http(s), a host, only known placeholders, each
    bare (no format spec): raises ValueError naming what is wrong."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"einvoice_lookup_url is not a template: {exc}") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in LOOKUP_URL_FIELDS or spec or conversion:
            raise ValueError(
                f"einvoice_lookup_url: unknown placeholder {{{name}}}; it may use "
                + ", ".join(f"{{{f}}}" for f in LOOKUP_URL_FIELDS)
            )
    url = urlsplit(template)
    if url.scheme not in ("http", "https") or not url.netloc or "{" in url.netloc:
        raise ValueError("einvoice_lookup_url is an http:// or https:// URL with a fixed host")


class BranchSettings(_Model):
    id: str = Field(pattern=r"^[A-Z]{2}[0-9]{4}$", description="MA_DVIQLY, e.g. PE0100.")
    name: str
    collection_point: str = Field(min_length=1, max_length=30)
    cmis_version: Literal["2.0", "1.0"] = "2.0"
    counters: list[CounterSettings]
    printers: list[PrinterSettings] = []
    slip_printer: str | None = None  # reconnection slips for the field team
    device_agent: str | None = None  # a hall agent (device id) drives this branch's devices
    paper_invoices: bool = Field(
        True,
        description="The branch keeps paper invoices in racks, pulled by the lookup counters "
        "(F9/F10). false: e-invoices only: no lookup step, a ticket is ready for the cashier "
        "as soon as CMIS's debts arrive, the receipt prints each e-invoice's series, number "
        "and lookup QR (docs/einvoice.md).",
    )
    einvoice_lookup_url: str | None = Field(
        None,
        description="Where a customer fetches an e-invoice, the receipt's QR: an http(s) URL "
        "with the placeholders {series}, {number}, {customer}, {invoice} (CMIS's ID_HDON). "
        "Required when paper_invoices is false.",
    )

    @field_validator("einvoice_lookup_url")
    @classmethod
    def _lookup_url(cls, v: str | None) -> str | None:
        if v is not None:
            check_lookup_url(v)
        return v

    @model_validator(mode="after")
    def _counters(self) -> BranchSettings:
        codes = [c.code for c in self.counters]
        if len(set(codes)) != len(codes):
            raise ValueError("counter codes must be unique")
        parities = {c.parity for c in self.counters if c.kind == "lookup"}
        lookups = [c.code for c in self.counters if c.kind == "lookup"]
        if not self.paper_invoices:
            if lookups:
                raise ValueError(
                    f"branch {self.id} has paper_invoices: false, so no paper to look up: "
                    f"remove its lookup counters ({', '.join(lookups)})"
                )
            if not self.einvoice_lookup_url:
                raise ValueError(
                    f"branch {self.id} has paper_invoices: false: einvoice_lookup_url is "
                    "required (the receipt's QR is how the customer fetches the e-invoice)"
                )
        elif parities != {"even", "odd"}:
            raise ValueError("a branch needs an even and an odd lookup counter")
        if not any(c.kind == "cashier" for c in self.counters):
            raise ValueError("a branch needs at least one cashier counter")
        printers = {p.id for p in self.printers}
        if len(printers) != len(self.printers):
            raise ValueError("printer ids must be unique")
        wanted = [c.printer for c in self.counters if c.printer] + (
            [self.slip_printer] if self.slip_printer else []
        )
        for pid in wanted:
            if pid not in printers:
                raise ValueError(f"unknown printer {pid}")
        return self


class BankSettings(_Model):
    """Pay by VietQR (docs/noncash.md): the hall's account, and its bank's notifications."""

    enabled: bool = Field(
        False,
        description="Cashier screens and tickets offer a VietQR; the webhook takes credits.",
    )
    bank_bin: str = Field(
        "970436",
        pattern=r"^[0-9]{6}$",
        description="The NAPAS acquirer BIN of the hall's bank (970436: Vietcombank).",
    )
    account: str = Field(
        "0071000123456",
        pattern=r"^[0-9A-Za-z]{4,19}$",
        description="The hall's account number that VietQR payments are credited to.",
    )
    account_name: str = Field(
        "TONG CONG TY DIEN LUC TP HCM",
        min_length=1,
        max_length=60,
        description="The account holder's name as the bank shows it to the payer.",
    )
    on_ticket: bool = Field(
        True,
        description="Print a VietQR for the ticket's whole debt so a customer can pay "
        "while waiting.",
    )
    webhook_secret: str | None = Field(
        None,
        min_length=16,
        description="Shared with the bank: signs its notifications (HMAC-SHA256); give it "
        "with $env. Required when enabled.",
    )
    max_age_s: int = Field(
        300,
        ge=30,
        le=86400,
        description="A notification signed longer ago than this is refused (replay window).",
    )
    statement_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s]+$",
        description="Where the head cashier's \"fetch from the bank\" button GETs the day's "
        "statement (`{url}/statement?date=`); unset: the CSV is uploaded by hand.",
    )
    simulator: BankSimulatorSettings = BankSimulatorSettings()

    credits_yield: bool = Field(
        True,
        description="A bank credit's transaction waits while a person's is queued in its "
        "branch (a burst of notifications does not stand before a cashier's F4); false: "
        "arrival order.",
    )

    @model_validator(mode="after")
    def _secret(self) -> BankSettings:
        if self.enabled and not self.webhook_secret:
            raise ValueError("bank.webhook_secret is required when bank.enabled is true")
        if self.simulator.enabled and not self.webhook_secret:
            raise ValueError("bank.webhook_secret is required when bank.simulator.enabled")
        return self


class NotifyRetrySettings(_Model):
    tries: int = Field(8, ge=1, le=50, description="Sends of one message before it is failed.")
    first_s: float = Field(1.0, gt=0, le=600, description="Wait after the first failed send.")
    max_s: float = Field(60.0, gt=0, le=3600, description="Longest wait between two sends.")


class SmsGatewaySettings(_Model):
    """An SMS brandname gateway's JSON API (docs/notify.md)."""

    url: str = Field(
        "http://127.0.0.1:9/sms", pattern=r"^https?://[^\s]+$", description="Its send URL."
    )
    api_key: str | None = Field(None, description="Its API key; give it with $env.")
    secret_key: str | None = Field(None, description="Its secret key; give it with $env.")
    brandname: str = Field("EVNHCMC", min_length=1, max_length=11, description="Sender name.")


class ZaloGatewaySettings(_Model):
    """Zalo ZNS (notification templates to a phone number; docs/notify.md)."""

    url: str = Field(
        "https://business.openapi.zalo.me/message/template",
        pattern=r"^https?://[^\s]+$",
        description="The ZNS send-by-phone URL.",
    )
    access_token: str | None = Field(None, description="The Official Account's token; $env.")
    template_near: str = Field("near", min_length=1, description="ZNS template: turn is near.")
    template_called: str = Field("called", min_length=1, description="ZNS template: called.")


class NotifySimulatorSettings(_Model):
    enabled: bool = Field(
        False,
        description="Start the local gateway simulator with `qms serve` (config.yaml, the "
        "embedded default, turns it on).",
    )
    host: str = Field("127.0.0.1", description="Interface of the gateway simulator.")
    port: int = Field(0, ge=0, le=65535, description="Its port; 0 picks a free one.")
    faults: dict[str, Any] = Field(
        default_factory=dict,
        description="Faults (docs/notify.md): fail_next, hang_next, hang_s, rate_per_s, reject.",
    )


class NotifySettings(_Model):
    """ "Your turn is near" by SMS or Zalo (docs/notify.md)."""

    enabled: bool = Field(
        True, description="The kiosk offers to leave a phone number; messages are sent."
    )
    near_ahead: int = Field(
        3, ge=1, le=50, description='Send "your turn is near" when this many tickets are ahead.'
    )
    gateway: Literal["simulator", "sms", "zalo"] = Field(
        "simulator", description="Where messages go: the local simulator, SMS or Zalo ZNS."
    )
    rate_per_s: float = Field(
        5.0, gt=0, le=1000, description="Messages sent per second at most (the gateway's limit)."
    )
    timeout_s: float = Field(5.0, gt=0, le=60, description="Bound on one send, seconds.")
    retry: NotifyRetrySettings = NotifyRetrySettings()
    sms: SmsGatewaySettings = SmsGatewaySettings()
    zalo: ZaloGatewaySettings = ZaloGatewaySettings()
    simulator: NotifySimulatorSettings = NotifySimulatorSettings()


class ForecastSettings(_Model):
    """Tomorrow's arrivals and the counters to open (docs/forecast.md)."""

    target_wait_min: float = Field(
        10.0, gt=0, le=240, description="Median wait the counters' suggestion keeps under."
    )
    history_days: int = Field(
        91, ge=14, le=730, description="Days of the hall's history the forecast learns from."
    )
    demo_history_days: int = Field(
        120,
        ge=0,
        le=730,
        description="Days of simulated history the demo hall gets on an empty database; 0: none.",
    )


class DeviceSettings(_Model):
    id: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    kind: Literal["kiosk", "display", "agent"]
    branch: str
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    printer: str | None = None  # a kiosk's ticket printer


class Settings(_Model):
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    bus: BusSettings = BusSettings()
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Zone of the business day.")
    cmis: CmisSettings = CmisSettings()
    lookup: LookupSettings = LookupSettings()
    cashier: CashierSettings = CashierSettings()
    cash: CashSettings = CashSettings()
    field: FieldSettings = FieldSettings()
    bank: BankSettings = BankSettings()
    notify: NotifySettings = NotifySettings()
    forecast: ForecastSettings = ForecastSettings()
    auth: AuthSettings = AuthSettings()
    audit: AuditSettings = AuditSettings()
    alerts: AlertSettings = AlertSettings()
    branches: list[BranchSettings] = Field(
        min_length=1,
        description="Branches (id, name, collection_point, cmis_version, counters).",
    )
    devices: list[DeviceSettings] = Field(
        [], description="Kiosks and displays: id, kind, branch, token_sha256."
    )

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @model_validator(mode="after")
    def _devices(self) -> Settings:
        ids = {b.id for b in self.branches}
        if len(ids) != len(self.branches):
            raise ValueError("branch ids must be unique")
        if self.cmis.mode == "remote":
            for b in self.branches:
                url = self.cmis.v2_url if b.cmis_version == "2.0" else self.cmis.v1_url
                if not url:
                    key = "v2_url" if b.cmis_version == "2.0" else "v1_url"
                    raise ValueError(
                        f"cmis.{key} is required: branch {b.id} talks CMIS {b.cmis_version}"
                    )
        for d in self.devices:
            if d.branch not in ids:
                raise ValueError(f"device {d.id}: unknown branch {d.branch}")
            if d.printer and d.printer not in {p.id for p in self.branch(d.branch).printers}:
                raise ValueError(f"device {d.id}: unknown printer {d.printer}")
        agents = {d.id for d in self.devices if d.kind == "agent"}
        for b in self.branches:
            if b.device_agent and b.device_agent not in agents:
                raise ValueError(f"branch {b.id}: device_agent {b.device_agent} is not an agent")
        return self

    def branch(self, branch_id: str) -> BranchSettings:
        return next(b for b in self.branches if b.id == branch_id)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _resolve_env(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        if "$env" in value:
            name = value["$env"]
            if name in os.environ:
                return os.environ[name]
            if "default" in value:
                return value["default"]
            raise ConfigError(f"config key '{path}': environment variable {name} is not set")
        return {k: _resolve_env(v, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, f"{path}.{i}") for i, v in enumerate(value)]
    return value


def parse(raw: Any, source: str = "config.yaml") -> Settings:
    """Validate a loaded mapping; raise ConfigError naming the first bad key."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping")
    try:
        return Settings.model_validate(_resolve_env(raw, ""))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{source}: config key '{key}': {first['msg']}") from None


def locate(path: str | Path | None) -> Path:
    """The file to read: ``path`` when given (missing, ``load`` says so); else
    ``config.yaml`` here, or the packaged demo defaults when there is none."""
    if path is not None:
        return Path(path)
    here = Path(DEFAULT_PATH)
    return here if here.exists() else PACKAGED_DEFAULTS


def load(path: str | Path) -> Settings:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse(raw, str(path))


def describe(model: type[BaseModel] = Settings, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, default, description) for every setting; docs/config.md is checked against it."""
    rows: list[tuple[str, str, str]] = []
    for name, f in model.model_fields.items():
        key = f"{prefix}{name}"
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(describe(ann, key + "."))
        else:
            default = "" if f.is_required() else repr(f.get_default(call_default_factory=True))
            rows.append((key, default, f.description or ""))
    return rows


def markdown_table() -> str:
    """The settings table of docs/config.md: `python -m qms.config` prints it."""
    return "\n".join(
        f"| `{key}` | {default or '(required)'} | {text} |" for key, default, text in describe()
    )


if __name__ == "__main__":
    print(markdown_table())
