"""The connection guard: a connection's request head is bounded in time and size, and
connections are capped per client address and in total (``server.*`` in config.yaml).

uvicorn's httptools protocol reads a request head for as long and as large as the client
likes, and accepts every connection until the process runs out of file descriptors. This
module subclasses that protocol (and, to count a websocket until it closes, the websocket
protocol the upgrade hands the socket to). It reaches into uvicorn where uvicorn offers
no setting: the parser's callbacks (``on_message_begin``, ``on_headers_complete``,
``on_message_complete``), ``handle_websocket_upgrade``, the protocol's ``client``,
``transport`` and ``loop``. It is used only with the uvicorn versions the suite ran it
against (``supported``), switched off by ``server.connection_guard: false``, and
tests/test_flood.py fails if those names move.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import random
import re
import resource
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from qms.config import ServerSettings
from qms.domain.errors import QmsError

log = logging.getLogger(__name__)

#: the uvicorn (major, minor) versions the guard is used with: [lowest, first untested)
TESTED = ((0, 35), (0, 56))
#: file descriptors kept for what is not a client connection (database, CMIS, Redis,
#: logs, printers, the renderer's pipes)
FD_RESERVE = 256
_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large",
            503: b"Service Unavailable"}  # fmt: skip


@cache
def supported() -> bool:
    """Whether the installed uvicorn is a version the guard was tested with."""
    try:
        major, minor = (int(n) for n in re.findall(r"\d+", metadata.version("uvicorn"))[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    low, high = TESTED
    return low <= (major, minor) < high


def raise_open_files() -> int:
    """The soft limit of open files raised to the hard one; the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


@dataclass
class Counter:
    """Open connections per client address and in all, and the refusal of one more."""

    total_cap: int
    per_address_cap: int
    unlimited: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    total: int = 0
    per_address: dict[str, int] = field(default_factory=dict)
    refused: int = 0

    def _limited(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return True
        return not any(ip in net for net in self.unlimited)

    def acquire(self, address: str) -> str | None:
        """Count one more connection of ``address``, or say which cap refuses it."""
        if self.total >= self.total_cap:
            self.refused += 1
            return "total"
        held = self.per_address.get(address, 0)
        if held >= self.per_address_cap and self._limited(address):
            self.refused += 1
            return "address"
        self.per_address[address] = held + 1
        self.total += 1
        return None

    def refusal(self, cap: str) -> QmsError:
        if cap == "total":
            return QmsError(
                "the server has too many connections; try again in a few seconds",
                code="too_many_connections",
                limit=self.total_cap,
            )
        return QmsError(
            "too many connections from this address; close some and try again",
            code="too_many_connections",
            limit=self.per_address_cap,
        )

    def release(self, address: str) -> None:
        self.total -= 1
        held = self.per_address.pop(address, 1) - 1
        if held > 0:
            self.per_address[address] = held


@dataclass
class Guard:
    """The limits of this process, and its counts."""

    head_timeout_s: float
    max_head_bytes: int
    counter: Counter
    ws_classes: dict[type[Any], type[Any]] = field(default_factory=dict)
    #: connections reading a request head, oldest first (a dict keeps insertion order)
    reading: dict[GuardedHttp, float] = field(default_factory=dict)

    def make_room(self, now: float) -> bool:
        """At the total cap: close the connection that has been reading its head longest,
        if for over a second (a legitimate head takes milliseconds), so that a flood of
        half-open sockets from many addresses cannot lock new clients out."""
        for oldest, since in self.reading.items():
            if now - since < 1.0:
                return False
            oldest.evict()
            return True
        return False

    answers: dict[str, bytes] = field(default_factory=dict)  # each made once

    def answer(self, why: str) -> bytes:
        """The refusal for ``why`` (a cap: "total", "address"; "late", "large"), made
        once: a flood meets the same ones thousands of times a second."""
        if why not in self.answers:
            if why == "late":
                err = QmsError(
                    f"the request's headers did not arrive within {self.head_timeout_s:g} s",
                    code="request_timeout",
                    limit_s=seconds(self.head_timeout_s),
                )
                self.answers[why] = refusal(408, err)
            elif why == "large":
                err = QmsError(
                    f"the request's headers are larger than {self.max_head_bytes} bytes",
                    code="header_too_large",
                    limit=self.max_head_bytes,
                )
                self.answers[why] = refusal(431, err)
            else:
                self.answers[why] = refusal(503, self.counter.refusal(why))
        return self.answers[why]

    def ws_class(self, base: type[Any]) -> type[Any]:
        """``base`` (uvicorn's websocket protocol) that gives its slot back on close."""
        if base not in self.ws_classes:
            counter = self.counter

            def connection_lost(proto: Any, exc: Exception | None) -> None:
                address, proto.guard_address = proto.guard_address, None
                if address is not None:
                    counter.release(address)
                base.connection_lost(proto, exc)

            self.ws_classes[base] = type(
                f"Guarded{base.__name__}",
                (base,),
                {"guard_address": None, "connection_lost": connection_lost},
            )
        return self.ws_classes[base]


_guard: Guard | None = None


def install(server: ServerSettings, open_files: int) -> str:
    """Set this process's limits; a line for the start-up banner."""
    global _guard
    if not server.connection_guard:
        _guard = None
        return "connections: not guarded (server.connection_guard: false)"
    if not supported():
        _guard = None
        log.warning("uvicorn %s is not a version the connection guard was tested with: off",
                    metadata.version("uvicorn"))  # fmt: skip
        return "connections: NOT GUARDED (untested uvicorn version; see docs/security.md)"
    total = max(16, min(server.max_connections, open_files - FD_RESERVE))
    _guard = Guard(
        head_timeout_s=server.head_timeout_s,
        max_head_bytes=server.max_head_bytes,
        counter=Counter(
            total_cap=total,
            per_address_cap=server.max_connections_per_address,
            unlimited=tuple(
                ipaddress.ip_network(a, strict=False) for a in server.unlimited_addresses
            ),
        ),
    )
    return (
        f"connections: at most {total} ({server.max_connections_per_address} an address), "
        f"request head {server.max_head_bytes} bytes in {server.head_timeout_s:g} s; "
        f"open files {open_files}"
    )


def current() -> Guard | None:
    return _guard


def spread(bound_s: float) -> float:
    """A deadline between 80 and 100 % of ``bound_s``: a flood's sockets, opened together,
    do not all fall due in one turn of the loop (which would stall staff's requests)."""
    return bound_s * (0.8 + 0.2 * random.random())


def _count(reason: str) -> None:
    """One more in the metrics (imported here: the multi-worker parent serves none)."""
    from qms.http.metrics import REFUSED_CONNECTIONS

    REFUSED_CONNECTIONS.labels(reason).inc()


def seconds(value: float) -> float | int:
    """A bound for the words: 5, not 5.0."""
    return int(value) if value.is_integer() else value


def refusal(status: int, err: QmsError) -> bytes:
    """A whole HTTP answer in the one error shape, closing the connection."""
    body = json.dumps(err.as_dict(), ensure_ascii=False).encode()
    head = [
        b"HTTP/1.1 %d %s" % (status, _REASONS[status]),
        b"content-type: application/json",
        b"content-length: %d" % len(body),
        b"connection: close",
    ]
    if status == 503:
        head.append(b"retry-after: 5")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol under this process's ``Guard``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = _guard
        self.guard_address: str | None = None  # counted, until the connection is lost
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_bytes = 0
        self.in_head = True  # a fresh connection waits for its first request's head
        self.upgraded = False
        if self.guard is not None and self.ws_protocol_class is not None:
            self.ws_protocol_class = self.guard.ws_class(self.ws_protocol_class)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.guard is None:
            return
        address = self.client[0] if self.client else ""
        cap = self.guard.counter.acquire(address)
        if cap == "total" and self.guard.make_room(self.loop.time()):
            cap = self.guard.counter.acquire(address)
        if cap is not None:
            self._answer(cap)
            return
        self.guard_address = address
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        if self.guard is not None and self.guard_address is not None:
            self.guard.counter.release(self.guard_address)
            self.guard_address = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        guard = self.guard
        if guard is None:
            super().data_received(data)
            return
        # while a head is being read, feed it no more than its allowance at a time
        while data and self.in_head:
            room = guard.max_head_bytes - self.head_bytes
            if room <= 0:
                self._answer("large")
                return
            piece, data = data[:room], data[room:]
            self.head_bytes += len(piece)
            super().data_received(piece)
            if self.upgraded or self.transport.is_closing():
                return
        if data:
            super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head = True
        if self.head_timer is None:
            self._start_head_timer()

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.head_bytes = 0
        self._stop_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.in_head = True  # what comes next on this connection is the next request's head

    def handle_websocket_upgrade(self) -> None:
        self.upgraded = True
        self._stop_head_timer()
        super().handle_websocket_upgrade()
        # the websocket protocol now owns the socket, and gives its slot back on close
        proto: Any = self.transport.get_protocol()
        proto.guard_address, self.guard_address = self.guard_address, None

    def _start_head_timer(self) -> None:
        assert self.guard is not None
        self.head_timer = self.loop.call_later(spread(self.guard.head_timeout_s), self._head_late)
        self.guard.reading[self] = self.loop.time()

    def _stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None
            assert self.guard is not None
            self.guard.reading.pop(self, None)

    def evict(self) -> None:
        """Closed to make room (``Guard.make_room``): its slot is free at once."""
        assert self.guard is not None
        self._answer("late", counted_as="evicted")
        if self.guard_address is not None:
            self.guard.counter.release(self.guard_address)
            self.guard_address = None

    def _head_late(self) -> None:
        self._stop_head_timer()
        if self.transport.is_closing():
            return
        if self.head_bytes == 0:  # nothing asked: an idle connection, closed quietly
            self.transport.close()
            return
        self._answer("late")

    def _answer(self, why: str, counted_as: str | None = None) -> None:
        assert self.guard is not None
        _count(counted_as or why)
        self._stop_head_timer()
        self.in_head = False
        if not self.transport.is_closing():
            self.transport.write(self.guard.answer(why))
            self.transport.close()
