"""Event frames written straight to waiting displays' sockets, after the change's answer.

A call reaches a thousand displays. Through the usual path each one costs a wake-up of
its connection's task, then Starlette's and uvicorn's send and a frame serialised for it:
the server's CPU per call was twice the kernel's own work of sending, and call → display
p99 at 1,000 clients stood over 50 ms (docs/benchmarks.md). A connection waiting with
nothing queued takes the event here instead: the frame's bytes, encoded once per view,
go to its transport in one pass over every such connection.

The pass runs on the loop's next turn, so the cashier whose F4 or call made the event is
answered first (the answer is in the loop's queue already). A connection's own loop
flushes the pass before it sends anything itself, so its frames keep their order. Only
for uvicorn's websockets-sansio protocol without extensions (whose frames are exactly
these bytes), and only while the connection is open and its transport not pushing back;
otherwise the event goes to the connection's inbox, the usual path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

from starlette.websockets import WebSocket
from websockets.frames import Frame, Opcode
from websockets.protocol import OPEN

from qms.domain.events import EventRecord

Writer = Callable[[bytes], bool]


class Receiver(Protocol):
    """A connection's side of a direct send."""

    def undo(self, ev: EventRecord) -> None:
        """``ev`` could not be written after all: take it the usual way."""


def frame(text: str) -> bytes:
    """A server's unfragmented, unmasked text frame (RFC 6455 §5.2)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


def writer(ws: WebSocket) -> Writer | None:
    """Where the connection's frames can be written directly, or None (another server or
    protocol, a middleware wrapping send, a negotiated extension)."""
    send = getattr(ws, "_send", None)  # Starlette keeps the ASGI send it was given
    proto: Any = getattr(send, "__self__", None)  # a bound method of uvicorn's protocol
    if type(proto).__name__ != "WebSocketsSansIOProtocol":
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
