"""The follow page's push: one read-only socket per phone, for one ticket.

The follow token in the path is the only credential, so the socket sends exactly what
``GET /api/follow/{token}`` answers (``qms.usecases.follow.public_view``), never an event
of the branch. It subscribes to the branch's events only as a doorbell: after an event
that can move the queue it reads the view again and sends it when it changed. Frames
from the phone are read and dropped. Bounded: at most ``MAX_PER_TICKET`` sockets per
ticket and ``MAX_SOCKETS`` per process; a ticket that is done (or of an earlier day)
gets its last view and the socket closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from qms.domain.errors import NotFound, QmsError, StoreUnavailable, TooMany
from qms.live.inbox import Inbox
from qms.live.ws import CONNECTIONS
from qms.usecases import follow
from qms.usecases.hall import Hall

MAX_SOCKETS = 2000
MAX_PER_TICKET = 4
#: a burst of events is one read: the doorbell's queue is short, a full one drops
QUEUE = 16
#: events after which what a phone shows may differ (a call moves everyone's place)
MOVES = frozenset(
    {
        "ticket.called",
        "ticket.recalled",
        "ticket.parked",
        "ticket.transferred",
        "ticket.no_show",
        "ticket.finished",
        "ticket.reopened",
        "ticket.taken_over",
        "payment.collected",
        "day.closed",
    }
)
CLOSE_DONE = 1000
CLOSE_ERROR = 1011
CLOSE_TRY_LATER = 1013
CLOSE_UNKNOWN = 4404

_open: Counter[str] = Counter()


def followers() -> int:
    """Follow sockets open in this process."""
    return sum(_open.values())


@contextlib.contextmanager
def _slot(token: str) -> Any:
    """A place among the bounded sockets, given back in ``finally``."""
    if followers() >= MAX_SOCKETS or _open[token] >= MAX_PER_TICKET:
        raise TooMany(
            "too many pages follow this ticket; close one and try again",
            code="too_many_followers",
            limit=MAX_PER_TICKET,
        )
    _open[token] += 1
    CONNECTIONS.labels("follow").inc()
    try:
        yield
    finally:
        CONNECTIONS.labels("follow").dec()
        _open[token] -= 1
        if _open[token] <= 0:
            del _open[token]


async def _view(hall: Hall, token: str) -> dict[str, Any]:
    clock = hall.clock
    return await hall.read(
        follow.public_view, hall.branches, token, clock.business_day(), clock.now()
    )


def _final(view: dict[str, Any]) -> bool:
    return bool(view["expired"]) or view["status"] == "done"


async def _drain(ws: WebSocket, gone: asyncio.Event) -> None:
    """The phone's frames, dropped; its leaving sets ``gone``."""
    try:
        while (await ws.receive())["type"] != "websocket.disconnect":
            pass
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        gone.set()


async def endpoint(ws: WebSocket) -> None:
    hall: Hall = ws.app.state.hall
    token = str(ws.path_params["token"])
    await ws.accept()
    try:
        with _slot(token):
            await _follow(ws, hall, token)
    except QmsError as exc:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await ws.send_text(json.dumps({"type": "error", **exc.as_dict()["error"]}))
            await ws.close(_close_code(exc))
    except (WebSocketDisconnect, RuntimeError):
        pass  # the phone went away mid-send


def _close_code(exc: QmsError) -> int:
    """An unknown token: not again; too many or the store away: try again later."""
    if isinstance(exc, NotFound):
        return CLOSE_UNKNOWN
    return CLOSE_TRY_LATER if isinstance(exc, TooMany | StoreUnavailable) else CLOSE_ERROR


async def _follow(ws: WebSocket, hall: Hall, token: str) -> None:
    branch_id = await hall.read(follow.branch_of, token)
    bell = Inbox(QUEUE)
    gone = asyncio.Event()
    reader = asyncio.create_task(_drain(ws, gone))
    try:
        # subscribed before the first read, so no change falls between the two
        async with hall.bus.subscribe(branch_id, bell):
            sent = None
            while not gone.is_set():
                view = await _view(hall, token)
                if view != sent:
                    await ws.send_text(json.dumps({"type": "view", "view": view}))
                    sent = view
                if _final(view):
                    await ws.close(CLOSE_DONE)
                    return
                await _ring(bell, gone)
    finally:
        reader.cancel()


async def _ring(bell: Inbox, gone: asyncio.Event) -> None:
    """Wait for an event that may move the queue (or a nudge), or the phone leaving;
    everything queued meanwhile is taken at once: one read for a burst."""
    while not gone.is_set():
        item = await _next(bell, gone)
        if item is None:
            return
        moved = _moves(item)
        while bell.qsize():
            moved = _moves(bell.get_nowait()) or moved
        if moved:
            return


def _moves(item: Any) -> bool:
    kind = getattr(item, "type", None)
    return kind is None or kind in MOVES  # a Resync (no type): something may be missed


async def _next(bell: Inbox, gone: asyncio.Event) -> Any:
    get = asyncio.ensure_future(bell.get())
    left = asyncio.ensure_future(gone.wait())
    try:
        await asyncio.wait({get, left}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        left.cancel()
        if not get.done():
            get.cancel()
    return get.result() if get.done() and not get.cancelled() else None
