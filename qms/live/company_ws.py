"""The company view's push (docs/company.md, docs/protocol.md): one socket per company
page, the figures of every hall in the principal's scope.

The socket speaks the hall socket's opening (auth, ready, subscribe, snapshot, ping), so
the page reuses ``HallSocket``; then it sends ``company.hall`` frames, each a hall's
figures whole (``company.hall_now``), never the branches' events. It listens to the
bus channels of the branches in scope only as a doorbell: an event marks its hall
changed, and a changed hall is read and sent at most once per ``MIN_GAP_S``, so tens of
busy halls cost a few reads a second, not one per event. Every ``REFRESH_S`` every hall
is read again (waits grow and CMIS's health changes without an event) and the session
is checked. Sockets of one process share a hall's read when it began after their change
(``HallReads``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
from starlette.websockets import WebSocket, WebSocketDisconnect

from qms.domain.branch import Branch
from qms.domain.clock import iso
from qms.domain.errors import BadRequest, QmsError, Unauthenticated
from qms.domain.events import EventRecord
from qms.domain.org import ORG
from qms.live import presence
from qms.live.bus import Resync
from qms.live.inbox import Inbox
from qms.live.ws import (
    CLOSE_AUTH_DEADLINE,
    CLOSE_UNAUTHENTICATED,
    CONNECTIONS,
    GONE,
    Frame,
    parse_frame,
    read_frames,
)
from qms.usecases import company
from qms.usecases.auth import Authenticator, Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)
PATH = "/ws/company"
VIEW = "company"
#: a hall's fresh figures at most this often per socket, however busy the hall
MIN_GAP_S = 1.0
#: every hall read again this often, changed or not; the session checked again too
REFRESH_S = 10.0
#: a doorbell: a full queue drops, and the dropped hall is read at the next refresh
QUEUE = 256
#: client frames: those of the hall socket (docs/protocol.md)
CLIENT_MESSAGES = ("auth", "subscribe", "ping")

Figures = dict[str, Any]


class HallReads:
    """One read of a hall for the company sockets of a process: an asker whose change
    came before a read began shares that read; an older read is not trusted."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[float, asyncio.Future[Figures]]] = {}

    async def get(
        self, branch_id: str, since: float, read: Callable[[], Awaitable[Figures]]
    ) -> Figures:
        loop = asyncio.get_running_loop()
        last = self._last.get(branch_id)
        if last is None or last[0] < since or _failed(last[1]):
            last = (loop.time(), asyncio.ensure_future(read()))
            self._last[branch_id] = last
            last[1].add_done_callback(_retrieve)
        return await asyncio.shield(last[1])


def _failed(flight: asyncio.Future[Figures]) -> bool:
    return flight.done() and (flight.cancelled() or flight.exception() is not None)


def _retrieve(flight: asyncio.Future[Figures]) -> None:
    if not flight.cancelled():
        flight.exception()  # every asker may have left before it landed


_reads = HallReads()


def parse_view(view: object) -> str | None:
    """``company`` (every branch in scope) or ``company:BRANCH``: the branch, or None."""
    if view == VIEW:
        return None
    if isinstance(view, str) and view.startswith(VIEW + ":") and len(view) > len(VIEW) + 1:
        return view.split(":", 1)[1]
    raise BadRequest("view is company or company:BRANCH", code="invalid_request", field="view")


class Feed:
    """One company socket's state: who, which halls, which changed since sent."""

    def __init__(self, ws: WebSocket, hall: Hall, auth: Authenticator, inbox: Inbox) -> None:
        self.ws = ws
        self.inbox = inbox  # the socket's one queue: the client's frames and the doorbells
        self.hall = hall
        self.auth = auth
        self.principal: Principal | None = None
        self.token: str | None = None
        self.view: str | None = None
        self.branches: list[Branch] = []
        self.changed: dict[str, float] = {}  # branch -> when its first unsent change came
        self.sent_at: dict[str, float] = {}
        self.refresh_at = 0.0
        self._stack: contextlib.AsyncExitStack | None = None

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def send(self, msg: dict[str, Any]) -> None:
        await self.ws.send_text(json.dumps(msg, ensure_ascii=False))

    # --- the client's frames ----------------------------------------------------------

    async def handle(self, raw: str | None) -> None:
        msg = parse_frame(raw, CLIENT_MESSAGES)
        kind = msg["type"]
        if kind == "ping":
            await self.send({"type": "pong", "seq": 0})
        elif kind == "auth":
            await self.authenticate(msg.get("token"))
        elif self.principal is None:
            raise Unauthenticated("send an auth frame first", code="unauthenticated")
        else:
            await self.subscribe(msg.get("view"))

    async def authenticate(self, token: object) -> None:
        if not isinstance(token, str):
            raise BadRequest("auth needs a token", code="invalid_request", field="token")
        self.principal, self.token = await self._resolve(token), token
        ready = {"type": "ready", "principal": self.principal.public(), "worker": os.getpid()}
        await self.send(ready)

    async def _resolve(self, token: str) -> Principal:
        now = self.hall.clock.now()
        if self.auth.inline(token):
            return self.auth.resolve(token, now)
        who: Principal = await anyio.to_thread.run_sync(self.auth.resolve, token, now)
        return who

    async def recheck(self) -> None:
        """Is the session still good? Unauthenticated (4401) if not."""
        if self.token is not None:
            self.principal = await self._resolve(self.token)

    async def subscribe(self, view: object) -> None:
        assert self.principal is not None
        await self.recheck()
        who = self.principal
        require(who, "view.company")
        branches = company.scope(self.hall, who, parse_view(view))
        await self.unsubscribe()
        stack = contextlib.AsyncExitStack()
        try:
            # subscribed before the snapshot's read, so no change falls between the two
            for b_id in (*(b.id for b in branches), ORG):  # ORG: a hall added or retired
                await stack.enter_async_context(self.hall.bus.subscribe(b_id, self.inbox))
        except BaseException:
            await stack.aclose()  # the channels taken so far, given back
            raise
        self._stack = stack
        if self.view is None:
            CONNECTIONS.labels("none").dec()
            CONNECTIONS.labels(VIEW).inc()
        self.view, self.branches = str(view), branches
        self.changed.clear()
        at = self.now()
        halls = await asyncio.gather(*(self.read(b, at) for b in branches))
        self.sent_at = dict.fromkeys((b.id for b in branches), at)
        self.refresh_at = at + REFRESH_S
        await self.send(
            {
                "type": "snapshot",
                "seq": 0,
                "view": self.view,
                "data": {"at": iso(self.hall.clock.now()), "halls": halls},
            }
        )

    async def unsubscribe(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()

    # --- the halls' figures -----------------------------------------------------------

    async def read(self, b: Branch, since: float) -> Figures:
        hall, clock = self.hall, self.hall.clock

        def figures() -> Awaitable[Figures]:
            return hall.read(
                company.hall_now,
                b,
                clock.business_day(),
                clock.now(),
                clock.tz,
                hall.health.get(b.id),
                presence.agents(),
            )

        return await _reads.get(b.id, since, figures)

    def ring(self, item: EventRecord | Resync) -> None:
        """A doorbell: the event's hall changed (a nudge: any of them may have)."""
        if self.view is None:
            return
        at = self.now()
        if isinstance(item, EventRecord) and item.branch_id == ORG:
            # the organisation changed: look at the scope at the next refresh, once every
            # worker reloaded it (qms.usecases.org)
            self.refresh_at = min(self.refresh_at, at + MIN_GAP_S)
            return
        ids = [item.branch_id] if isinstance(item, EventRecord) else [b.id for b in self.branches]
        for branch_id in ids:
            self.changed.setdefault(branch_id, at)

    def due_at(self) -> float | None:
        """When the next hall is to be sent (None: nothing to wait for)."""
        if self.view is None:
            return None
        due = [self.sent_at.get(b, 0.0) + MIN_GAP_S for b in self.changed]
        return min([*due, self.refresh_at])

    async def tick(self) -> None:
        """Send the halls that are due: changed and not sent within ``MIN_GAP_S``, or
        all of them at the refresh."""
        now = self.now()
        if now >= self.refresh_at:
            self.refresh_at = now + REFRESH_S  # first: a refusal below waits for the next
            await self.recheck()
            assert self.principal is not None
            scope = company.scope(self.hall, self.principal, parse_view(self.view))
            if [b.id for b in scope] != [b.id for b in self.branches]:
                await self.subscribe(self.view)  # a hall added or retired: a new snapshot
                return
            # a hall with no change of its own: a read of another socket's within the
            # last second will do (pages refreshing together cost one read a hall)
            due = {b.id: self.changed.get(b.id, now - MIN_GAP_S) for b in self.branches}
        else:
            due = {
                b: at
                for b, at in self.changed.items()
                if self.sent_at.get(b, 0.0) + MIN_GAP_S <= now
            }
        by_id = {b.id: b for b in self.branches}
        wanted = [(by_id[b], at) for b, at in due.items() if b in by_id]
        for branch_id in due:
            self.changed.pop(branch_id, None)
            self.sent_at[branch_id] = now
        halls = await asyncio.gather(*(self.read(b, at) for b, at in wanted))
        for figures in halls:
            await self.send({"type": "company.hall", "hall": figures, "at": figures["at"]})


def _error(exc: QmsError) -> dict[str, Any]:
    return {"type": "error", **exc.as_dict()["error"]}


async def endpoint(ws: WebSocket) -> None:
    await ws.accept()
    state = ws.app.state
    inbox = Inbox(QUEUE)
    feed = Feed(ws, state.hall, state.auth, inbox)
    reader = asyncio.create_task(read_frames(ws, inbox))
    loop = asyncio.get_running_loop()
    deadline_s = float(state.settings.server.ws_auth_deadline_s)
    auth_by = loop.time() + deadline_s
    CONNECTIONS.labels("none").inc()
    try:
        while True:
            wake = auth_by if feed.principal is None else feed.due_at()
            try:
                async with asyncio.timeout_at(wake):
                    item = await inbox.get()
            except TimeoutError:
                item = None
            try:
                if item is None and feed.principal is None:
                    await feed.send(
                        _error(
                            Unauthenticated(
                                f"send an auth frame within {deadline_s:g} s of connecting",
                                code="auth_deadline",
                                limit_s=int(deadline_s) if deadline_s.is_integer() else deadline_s,
                            )
                        )
                    )
                    await ws.close(CLOSE_AUTH_DEADLINE)
                    break
                if item is GONE:
                    break
                if isinstance(item, EventRecord | Resync):
                    feed.ring(item)
                elif isinstance(item, Frame):
                    await feed.handle(item.text)
                due = feed.due_at()
                if due is not None and due <= loop.time():
                    await feed.tick()
            except Unauthenticated as exc:
                await feed.send(_error(exc))
                await ws.close(CLOSE_UNAUTHENTICATED)
                break
            except QmsError as exc:
                await feed.send(_error(exc))
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page went away mid-send
    finally:
        CONNECTIONS.labels(VIEW if feed.view is not None else "none").dec()
        reader.cancel()
        await feed.unsubscribe()
