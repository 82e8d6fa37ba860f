"""Event frames written straight to waiting displays' sockets, after the change's answer
(``server.direct_frames``).

A call reaches every display of the branch. Through the usual path each display costs a
wake-up of its connection's task, then Starlette's and uvicorn's send and a frame
serialised for it; with a thousand displays on one server that queue of sends delays the
last display by tens of milliseconds. Here a connection waiting with nothing queued takes
the event instead: the frame's bytes, encoded once per view, go to its transport in one
pass over every such connection.

This reaches into two libraries' private parts: Starlette's ``WebSocket._send`` and
uvicorn's websockets-sansio protocol object behind it. It is kept in this module only,
used only for the versions of both that the suite has run it against (``supported``), and
anything else (another server or protocol, a middleware wrapping ``send``, a negotiated
extension, a newer uvicorn) takes the usual path, which is correct, only slower.

The pass runs on the loop's next turn, so the cashier whose F4 or call made the event is
answered first (the answer is in the loop's queue already). A connection's own loop
flushes the pass before it sends anything itself, so its frames keep their order. Only
while the connection is open and its transport not pushing back; otherwise the event
goes to the connection's inbox, the usual path.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from functools import cache
from importlib import metadata
from typing import Any, Protocol

from starlette.websockets import WebSocket
from websockets.frames import Frame, Opcode
from websockets.protocol import OPEN

from qms.domain.events import EventRecord

log = logging.getLogger(__name__)
Writer = Callable[[bytes], bool]

#: uvicorn's protocol whose private state ``writer`` reads; ``qms serve`` asks for it
#: when direct frames are on
UVICORN_WS = "websockets-sansio"
#: the (major, minor) versions the direct path is used with: [lowest, first untested);
#: raise the upper one after the suite has passed with the newer release
TESTED = {"starlette": ((0, 47), (1, 11)), "uvicorn": ((0, 35), (0, 56))}


class Receiver(Protocol):
    """A connection's side of a direct send."""

    def undo(self, ev: EventRecord) -> None:
        """``ev`` could not be written after all: take it the usual way."""


def _version(package: str) -> tuple[int, int]:
    major, minor = re.findall(r"\d+", metadata.version(package))[:2]
    return int(major), int(minor)


@cache
def supported() -> bool:
    """Whether the installed Starlette and uvicorn are versions the direct path was
    tested with; otherwise every frame takes the usual path."""
    for package, (low, high) in TESTED.items():
        try:
            found = _version(package)
        except (metadata.PackageNotFoundError, ValueError):
            found = None
        if found is None or not low <= found < high:
            log.warning(
                "%s %s is not a version direct frames were tested with: the usual path",
                package,
                found,
            )
            return False
    return True


def uvicorn_ws(direct: bool) -> str:
    """The ``ws`` protocol to ask uvicorn for."""
    return UVICORN_WS if direct and supported() else "auto"


def frame(text: str) -> bytes:
    """A server's unfragmented, unmasked text frame (RFC 6455 §5.2)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


def _sansio_protocol() -> type[Any] | None:
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import (
            WebSocketsSansIOProtocol,
        )
    except ImportError:
        return None
    return WebSocketsSansIOProtocol


def writer(ws: WebSocket) -> Writer | None:
    """Where the connection's frames can be written directly, or None (untested versions,
    another server or protocol, a middleware wrapping send, a negotiated extension)."""
    if not supported():
        return None
    send = getattr(ws, "_send", None)  # Starlette keeps the ASGI send it was given
    proto: Any = getattr(send, "__self__", None)  # a bound method of uvicorn's protocol
    cls = _sansio_protocol()
    # a subclass is the connection guard's (qms/process/guard.py): it only counts the
    # connection, and writes as uvicorn's does
    if cls is None or not isinstance(proto, cls):
        return None
    conn, transport = proto.conn, proto.transport
    if conn.extensions:
        return None

    def write(data: bytes) -> bool:
        if (
            proto.disconnected
            or proto.close_sent
            or not proto.writable.is_set()  # the socket's buffer is full: wait, in turn
            or conn.state is not OPEN
            or transport.is_closing()
        ):
            return False
        transport.write(data)
        return True

    return write


class Outbox:
    """Frames promised to connections, written in one pass on the loop's next turn."""

    def __init__(self) -> None:
        self._pending: list[tuple[Receiver, Writer, bytes, EventRecord]] = []

    def add(self, receiver: Receiver, write: Writer, data: bytes, ev: EventRecord) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self._pending.append((receiver, write, data, ev))

    def flush(self) -> None:
        """Write what is promised, in order; a connection that cannot take its frame now
        gets it, and its later ones, the usual way."""
        if not self._pending:  # every connection's loop asks, after each wake-up
            return
        pending, self._pending = self._pending, []
        failed: set[int] = set()
        for receiver, write, data, ev in pending:
            if id(receiver) in failed or not write(data):
                failed.add(id(receiver))
                receiver.undo(ev)
