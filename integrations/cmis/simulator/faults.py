"""Fault injection for the simulator: what a real CMIS does on a bad day.

``FaultConfig`` is plain data (constructor argument, or ``PUT /admin/faults`` at run time);
``FaultMiddleware`` applies it to CMIS calls only (``/v2``, later ``/cmis1``), never to
``/admin``. Random decisions come from one seeded RNG, so a scripted demo repeats.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOSE_MODES = ("500", "close")
INVOICE_FAULTS = ("busy", "error", "hang", "lose")
_BILL_ID = re.compile(rb"<bill-id>\s*([0-9]+)\s*</bill-id>")
_CUSTOMER = re.compile(rb"<customer-code>\s*([A-Z0-9]+)\s*</customer-code>")
_SUPPLY_PATH = re.compile(r"/v2/customers/([A-Z0-9]+)/supply")
CMIS_PREFIXES = ("/v2/", "/cmis1/")
ADMIN_PREFIX = "/admin/"


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Rates are probabilities per CMIS call, in [0, 1]; all zero means a healthy CMIS.

    - ``latency_ms``: added to every call;
    - ``error_rate``: answer ``500`` without doing anything;
    - ``refuse_rate``: answer ``503`` (busy) without doing anything;
    - ``hang_rate``: wait ``hang_ms`` (or until the caller gives up), then do the call;
    - ``down``: ``503`` on everything but ``/admin``;
    - ``lose_answer_rate``: do a POST (payment, reversal), then lose its answer: a ``500``
      (``lose_answer_mode="500"``) or the connection closed mid-answer (``"close"``);
    - ``trickle_ms``: send every answer a byte at a time, ``trickle_ms`` apart (a CMIS
      whose answer crawls in: a per-read timeout never fires);
    - ``invoice_faults``: ``{"<invoice id>": "busy" | "error" | "hang" | "lose"}``, every
      payment call (2.0 ``POST /v2/payments``, 1.0 ``BILLING``) that pays one of these
      invoices gets that fault, each time, while it is set (``busy``: ``503``; ``error``:
      ``500``; ``hang``: ``hang_ms``; ``lose``: done, answer lost). One customer's post can
      thus fail while their next one, or another customer's, goes through.
    - ``supply_faults``: ``{"<customer code>": "busy" | "error" | "hang" | "lose"}``, the
      same for every supply change of these customers (2.0 ``POST
      /v2/customers/{code}/supply``, 1.0 ``SUPPLY-CHANGE``); ``lose``: the cut or
      reconnection is recorded, its answer lost.
    """

    latency_ms: int = 0
    error_rate: float = 0.0
    refuse_rate: float = 0.0
    hang_rate: float = 0.0
    hang_ms: int = 30_000
    down: bool = False
    lose_answer_rate: float = 0.0
    lose_answer_mode: str = "500"
    trickle_ms: int = 0
    invoice_faults: dict[str, str] = field(default_factory=dict)
    supply_faults: dict[str, str] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "refuse_rate", "hang_rate", "lose_answer_rate"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                raise ValueError(f"{name} must be a number in [0, 1]")
        for name in ("latency_ms", "hang_ms", "trickle_ms", "seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        if not isinstance(self.down, bool):
            raise ValueError("down must be true or false")
        if self.lose_answer_mode not in LOSE_MODES:
            raise ValueError(f"lose_answer_mode must be one of {LOSE_MODES}")
        faults = self.invoice_faults
        if not isinstance(faults, dict) or not all(
            isinstance(k, str) and k.isdigit() and v in INVOICE_FAULTS for k, v in faults.items()
        ):
            raise ValueError(f"invoice_faults maps invoice ids to one of {INVOICE_FAULTS}")
        faults = self.supply_faults
        if not isinstance(faults, dict) or not all(
            isinstance(k, str) and v in INVOICE_FAULTS for k, v in faults.items()
        ):
            raise ValueError(f"supply_faults maps customer codes to one of {INVOICE_FAULTS}")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> FaultConfig:
        """Build from a JSON object; missing fields take their defaults (PUT replaces all)."""
        if not isinstance(obj, dict):
            raise ValueError("expected a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(obj) - known
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        return cls(**obj)


class Faults:
    """The live fault settings and their RNG (reseeded whenever the config is set)."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self.set(config or FaultConfig())

    def set(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def roll(self, rate: float) -> bool:
        """One seeded draw; a zero rate draws nothing, so a healthy run stays reproducible."""
        return rate > 0 and self._rng.random() < rate


def _json_answer(status: int, code: str) -> list[Message]:
    body = json.dumps({"MA_LOI": code}).encode()
    return [
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        },
        {"type": "http.response.body", "body": body, "more_body": False},
    ]


async def _send_all(send: Send, messages: list[Message]) -> None:
    for m in messages:
        await send(m)


class FaultMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it must see the raw ``receive``)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        cfg, faults = self.faults.config, self.faults
        if cfg.down:
            await _send_all(send, _json_answer(503, "0503"))
            return
        if not path.startswith(CMIS_PREFIXES):
            await self.app(scope, receive, send)
            return
        if cfg.latency_ms:
            await asyncio.sleep(cfg.latency_ms / 1000)
        if cfg.trickle_ms:
            send = _trickle(send, receive, cfg.trickle_ms / 1000)
        if (cfg.invoice_faults or cfg.supply_faults) and scope["method"] == "POST":
            receive, targeted = await _targeted_fault(path, receive, cfg)
            if targeted == "busy":
                await _send_all(send, _json_answer(503, "0503"))
                return
            if targeted == "error":
                await _send_all(send, _json_answer(500, "0500"))
                return
            if targeted == "hang":
                receive = await _hang(receive, cfg.hang_ms / 1000)
            if targeted == "lose":
                await self._lose_answer(scope, receive, send, cfg.lose_answer_mode)
                return
        if faults.roll(cfg.refuse_rate):
            await _send_all(send, _json_answer(503, "0503"))
            return
        if faults.roll(cfg.error_rate):
            await _send_all(send, _json_answer(500, "0500"))
            return
        if faults.roll(cfg.hang_rate):
            receive = await _hang(receive, cfg.hang_ms / 1000)
        if scope["method"] == "POST" and faults.roll(cfg.lose_answer_rate):
            await self._lose_answer(scope, receive, send, cfg.lose_answer_mode)
            return
        await self.app(scope, receive, send)

    async def _lose_answer(self, scope: Scope, receive: Receive, send: Send, mode: str) -> None:
        """Let the call take effect, then drop its answer."""
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        if mode == "close" and captured and captured[0]["type"] == "http.response.start":
            # Status line and headers go out, the body never does: uvicorn closes the
            # connection ("returned without completing response"), the caller sees a
            # broken answer.
            await send(captured[0])
            return
        await _send_all(send, _json_answer(500, "0500"))


async def _read_all(receive: Receive) -> tuple[list[Message], Receive]:
    """The request's body messages, and a ``receive`` that gives them again first."""
    body: list[Message] = []
    while True:
        m = await receive()
        if m["type"] != "http.request":
            break
        body.append(m)
        if not m.get("more_body", False):
            break
    kept = list(body)

    async def replay() -> Message:
        if kept:
            return kept.pop(0)
        return await receive()

    return body, replay


async def _targeted_fault(path: str, receive: Receive, cfg: FaultConfig) -> tuple[Receive, str]:
    """The fault set for an invoice this payment call pays, or for the customer whose
    supply this call changes ("" for none)."""
    body, receive = await _read_all(receive)
    raw = b"".join(m.get("body", b"") for m in body)
    if cfg.supply_faults:
        m = _SUPPLY_PATH.fullmatch(path)
        code = m.group(1) if m else None
        if code is None and b"<command>SUPPLY-CHANGE</command>" in raw:
            found = _CUSTOMER.search(raw)
            code = found.group(1).decode() if found else None
        if code is not None and code in cfg.supply_faults:
            return receive, cfg.supply_faults[code]
    faults = cfg.invoice_faults
    ids: list[str] = []
    if raw.lstrip().startswith(b"{"):  # 2.0: {"ID_HDON": [...], ...}
        try:
            got = json.loads(raw).get("ID_HDON", [])
            ids = [str(i) for i in got] if isinstance(got, list) else []
        except (ValueError, AttributeError):
            ids = []
    elif b"<command>BILLING</command>" in raw:  # 1.0
        ids = [m.decode() for m in _BILL_ID.findall(raw)]
    hit = next((faults[i] for i in ids if i in faults), "")
    return receive, hit


def _trickle(send: Send, receive: Receive, gap_s: float) -> Send:
    """A ``send`` that passes the answer's body on a byte at a time, ``gap_s`` apart,
    and stops when the caller has hung up (nobody is reading any more)."""
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    async def slow(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        watcher = asyncio.ensure_future(watch())
        try:
            for n in range(len(body)):
                last = n == len(body) - 1
                await send(
                    {
                        "type": "http.response.body",
                        "body": body[n : n + 1],
                        "more_body": more or not last,
                    }
                )
                if not last:
                    try:
                        await asyncio.wait_for(gone.wait(), gap_s)
                        return  # the caller gave up
                    except TimeoutError:
                        pass
            if not body:
                await send(message)
        finally:
            watcher.cancel()

    return slow


async def _hang(receive: Receive, seconds: float) -> Receive:
    """Hold the call for ``seconds``, or until the caller hangs up, and then go on with it.

    The body is read first and replayed to the app: the call still takes effect after the
    caller's timeout, as with a real slow CMIS. Waking on disconnect keeps a stopping
    server from waiting for a hang nobody is listening to.
    """
    _, replay = await _read_all(receive)
    waiter = asyncio.ensure_future(receive())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        if not waiter.done():
            waiter.cancel()
    return replay
