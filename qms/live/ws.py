"""The websocket protocol (docs/protocol.md): auth, subscribe to a view, snapshot with its
seq, then events; resume from a seq after a gap or a reconnect.

One loop per connection reads one inbox, where the client's frames and the branch's
events both arrive. Sending only from that loop keeps frames in seq order without locks;
one queue means no task and no ``asyncio.wait`` per event, which a thousand displays pay
for at every call.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import random
from collections.abc import Collection
from typing import Any

import anyio.to_thread
from prometheus_client import Gauge
from starlette.websockets import WebSocket, WebSocketDisconnect

from qms.devices import agent_link
from qms.domain import events, json_input
from qms.domain.branch import Branch
from qms.domain.errors import BadRequest, Forbidden, QmsError, TooLarge, Unauthenticated
from qms.domain.events import EventRecord
from qms.live import presence, ws_direct
from qms.live.bus import QUEUE_SIZE, Resync, Subscription
from qms.live.inbox import Inbox
from qms.live.ws_frames import FrameCache
from qms.usecases import company, projections
from qms.usecases.auth import Authenticator, Principal, check_view, require
from qms.usecases.hall import REPLAY_LIMIT, Hall

log = logging.getLogger(__name__)
MAX_FRAME = 4096
CLOSE_UNAUTHENTICATED = 4401
#: closed for not authenticating within ``server.ws_auth_deadline_s`` of opening
CLOSE_AUTH_DEADLINE = 4408
GONE = object()
_EXPIRED = object()  # the session's end came: look again
#: events a connection looks at before forwarding: they may end it
ENDING = frozenset({"device.revoked", "session.ended"})

#: client message types and the keys they carry; docs/protocol.md is checked against it.
CLIENT_MESSAGES = {
    "auth": ("token",),
    "subscribe": ("view", "since", "branch"),
    "resume": ("since",),
    "ping": (),
    "ack": ("job", "ok", "error"),
}

#: open sockets by the kind of view they follow: "none" until one subscribes, "cashier"
#: for every cashier:CODE, "follow" for the phones' (qms/live/follow_ws.py); with
#: --workers N, the sum over the live workers
CONNECTIONS = Gauge(
    "qms_websocket_connections",
    "Open websockets by view (none: not subscribed yet).",
    ["view"],
    multiprocess_mode="livesum",
)


def view_kind(view: str | None) -> str:
    """The metrics' label of a view: bounded, whatever the counters' codes."""
    return "none" if view is None else view.split(":", 1)[0]


def _error(exc: QmsError) -> dict[str, Any]:
    return {"type": "error", **exc.as_dict()["error"]}


class Connection:
    def __init__(
        self,
        ws: WebSocket,
        hall: Hall,
        auth: Authenticator,
        inbox: Inbox,
        frames: FrameCache,
        outbox: ws_direct.Outbox | None = None,
    ) -> None:
        self.ws = ws
        self.inbox = inbox
        self.frames = frames
        self.hall = hall
        self.auth = auth
        self.principal: Principal | None = None
        self.token: str | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self.view: str | None = None
        #: the branch the view follows: one's own, or a hall watched from the company view
        self.branch_id: str | None = None
        self.last_seq = 0
        # the bus subscription's context, left when the connection ends (an exit stack
        # for this one context cost 0.85 KB a connection)
        self._subscribed: contextlib.AbstractAsyncContextManager[Subscription] | None = None
        self.sub: Subscription | None = None
        self.outbox = outbox
        self.write = ws_direct.writer(ws) if outbox is not None else None
        self.waiting = False  # the loop waits on an empty inbox: an event may come at once

    async def unsubscribe(self) -> None:
        subscribed, self._subscribed, self.sub = self._subscribed, None, None
        if subscribed is not None:
            await subscribed.__aexit__(None, None, None)

    async def send(self, msg: dict[str, Any]) -> None:
        await self.ws.send_text(json.dumps(msg, ensure_ascii=False))

    # --- client frames ----------------------------------------------------------------

    def parse(self, raw: str | None) -> dict[str, Any]:
        return parse_frame(raw, CLIENT_MESSAGES)

    async def handle(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "ping":
            if self.view == "agent":  # a job whose news the bus dropped is not left behind
                await self.hand_over(None, again=False)
            await self.send({"type": "pong", "seq": self.last_seq})
            return
        if kind == "auth":
            await self.authenticate(msg.get("token"))
            return
        if self.principal is None:
            raise Unauthenticated("send an auth frame first", code="unauthenticated")
        if kind == "ack":
            await self.recheck()
            await self.ack(msg.get("job"), msg.get("ok"), msg.get("error"))
        elif kind == "subscribe":
            await self.subscribe(msg.get("view"), msg.get("since"), msg.get("branch"))
        elif kind == "resume":
            if self.view is None:
                raise BadRequest("subscribe to a view first", code="not_subscribed")
            await self.recheck()
            await self.catch_up(_since(msg.get("since")))

    async def authenticate(self, token: object) -> None:
        if not isinstance(token, str):
            raise BadRequest("auth needs a token", code="invalid_request", field="token")
        who = await self._resolve(token)
        if self.principal is not None and who.branch_id != self.principal.branch_id:
            raise BadRequest(
                "a connection stays in one branch", code="invalid_request", field="token"
            )
        self.principal, self.token = who, token
        self._expire_at(who)
        await self.send({"type": "ready", "principal": who.public(), "worker": os.getpid()})

    async def _resolve(self, token: str) -> Principal:
        """The same check as every HTTP request's (``Authenticator.resolve``)."""
        now = self.hall.clock.now()
        if self.auth.inline(token):
            return self.auth.resolve(token, now)
        who: Principal = await anyio.to_thread.run_sync(self.auth.resolve, token, now)
        return who

    async def recheck(self) -> None:
        """Before a subscribe, a resume or an ack, and at the session's end: is the
        session still good? Unauthenticated (4401) if not. A device is asked of the
        database (its revocation may not have reached this worker's copy yet); a person's
        session is read there anyway."""
        if self.token is None:
            return
        if self.principal is not None and self.principal.kind == "device":
            now = self.hall.clock.now()
            self.principal = await anyio.to_thread.run_sync(
                functools.partial(self.auth.resolve, self.token, now, strict=True)
            )
        else:
            self.principal = await self._resolve(self.token)
        self._expire_at(self.principal)

    def _expire_at(self, who: Principal) -> None:
        """Wake the loop when a staff session expires, to close it (4401)."""
        self.cancel_expiry()
        if who.expires_at is None:
            return
        delay = (who.expires_at - self.hall.clock.now()).total_seconds()
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(max(0.0, delay) + 0.05, self._expired)

    def _expired(self) -> None:
        self._expiry = None
        try:
            self.inbox.put_nowait(_EXPIRED)
        except asyncio.QueueFull:  # the loop is busy: ask again in a second
            self._expiry = asyncio.get_running_loop().call_later(1.0, self._expired)

    def retry_expiry(self) -> None:
        self.cancel_expiry()
        self._expiry = asyncio.get_running_loop().call_later(5.0, self._expired)

    def cancel_expiry(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

    async def subscribe(self, view: object, since: object, watch: object = None) -> None:
        assert self.principal is not None
        await self.hall.fresh_org()  # a page subscribing again after hall.changed
        branch = (
            self.watched(watch) if watch is not None else self.hall.branch(self.principal.branch_id)
        )
        checked = projections.check_view(view, branch)
        self.check(checked, watch)
        if self.sub is not None and self.branch_id != branch.id:
            await self.unsubscribe()  # another hall: its own channel
        if self.sub is None:
            # subscribe before reading the snapshot, so nothing falls between the two
            subscribed = self.hall.bus.subscribe(branch.id, self.inbox)
            self.sub = await subscribed.__aenter__()
            self._subscribed = subscribed
            if self.write is not None:
                self.sub.direct = self.take
        # the session checked once on the bus: an ending committed after this check
        # comes as an event, one before it is refused here
        await self.recheck()
        self.check(checked, watch)  # as the session is now (its counter)
        self.branch_id = branch.id
        if view_kind(checked) != view_kind(self.view):
            CONNECTIONS.labels(view_kind(self.view)).dec()
            CONNECTIONS.labels(view_kind(checked)).inc()
        if checked == "agent" and self.view != "agent":
            presence.arrive(self.principal.name)  # the company view's "agent online"
        self.view = checked
        if checked == "agent":
            # a hall agent gets the jobs it has not acked yet, then each new one
            self.last_seq = await self.hall.read(events.current_seq, branch.id)
            await self.hand_over(None)
        elif since is None:
            await self.send_snapshot()
        else:
            await self.catch_up(_since(since))

    def watched(self, watch: object) -> Branch:
        """The hall a company viewer watches (docs/company.md): a branch in their scope."""
        assert self.principal is not None
        if not isinstance(watch, str):
            raise BadRequest("branch is a branch's id", code="invalid_request", field="branch")
        (branch,) = company.scope(self.hall, self.principal, watch)
        return branch

    def check(self, view: str, watch: object) -> None:
        """One's own hall: the view's role. A hall watched from the company view: its
        supervisor's view only, read-only (the socket takes no command), for a role of
        the company view; the scope was checked by ``watched``."""
        assert self.principal is not None
        if watch is None:
            check_view(self.principal, view)
        elif view != "supervisor":
            raise BadRequest(
                "a watched hall shows the supervisor's view", code="invalid_view", view=view
            )
        else:
            require(self.principal, "view.company")

    async def hand_over(self, job_id: int | None, *, again: bool = True) -> None:
        assert self.principal is not None
        jobs = await anyio.to_thread.run_sync(
            functools.partial(
                agent_link.hand_over,
                self.hall.engine,
                self.principal.branch_id,
                job_id,
                again=again,
            )
        )
        for job in jobs:
            await self.send({"type": "job", "job": job})

    async def ack(self, job: object, ok: object, error: object) -> None:
        if self.view != "agent" or self.principal is None:
            raise Forbidden("only a subscribed hall agent acks jobs", code="wrong_role")
        ev = await anyio.to_thread.run_sync(
            agent_link.ack, self.hall.engine, self.hall.clock, self.principal.branch_id, job, ok,
            error,
        )  # fmt: skip
        if ev is not None:
            await self.hall.bus.publish(ev.branch_id, [ev])

    async def send_snapshot(self) -> None:
        assert self.principal is not None and self.view is not None
        if self.branch_id not in (None, self.principal.branch_id):  # a watched hall
            branch = self.hall.branch(self.branch_id or "")
            day = self.hall.clock.business_day()
            snap = await self.hall.read(projections.snapshot, branch, self.view, day)
        else:
            snap = await self.hall.snapshot(self.principal, self.view)
        self.last_seq = snap["seq"]
        await self.send({"type": "snapshot", **snap})

    async def catch_up(self, since: int, *, until: int | None = None) -> None:
        """Replay (since, now]; a client too far behind gets a fresh snapshot instead.
        ``until``: a seq known to be committed (a hole's end, a nudge's seq), with which
        the connection may share other connections' read of the range (``Hall.replay``)."""
        assert self.principal is not None
        branch_id = self.branch_id or self.principal.branch_id
        rows = await self.hall.replay(branch_id, since, REPLAY_LIMIT + 1, until=until)
        ahead = not rows and since > await self.hall.read(events.current_seq, branch_id)
        if ahead or len(rows) > REPLAY_LIMIT or (rows and rows[0].seq != since + 1):
            await self.recheck()  # what the snapshot skips may have ended the session
            await self.send_snapshot()
            return
        self.last_seq = since
        for ev in rows:
            await self.forward(ev)

    # --- events -------------------------------------------------------------------------

    async def forward(self, ev: EventRecord | Resync) -> None:
        if isinstance(ev, Resync):
            await self.resync(ev.seq)
            return
        if ev.type in ENDING:
            self.end_if_mine(ev)
        if self.view is None or ev.seq <= self.last_seq:
            return
        if self.view == "agent":
            self.last_seq = ev.seq
            job = ev.data.get("job") if ev.type == "device.job" else None
            if job and job["status"] == "queued":
                await self.hand_over(job["id"])
            return
        if ev.seq > self.last_seq + 1:
            # the bus lost something: fill the hole from the events table first
            await self.catch_up(self.last_seq, until=ev.seq - 1)
            if ev.seq <= self.last_seq:
                return
        self.last_seq = ev.seq
        await self.ws.send_text(self.frames.event(self.view, ev))

    def end_if_mine(self, ev: EventRecord) -> None:
        """Unauthenticated when ``ev`` ends this connection's device or session."""
        who = self.principal
        if who is None:
            return
        if ev.type == "device.revoked" and who.label == f"device:{ev.data['device']['id']}":
            raise Unauthenticated("this device was revoked", code="device_revoked")
        if ev.type == "session.ended" and who.session in ev.data.get("sessions", ()):
            raise Unauthenticated(
                "this session ended (signed out, password changed or account disabled): "
                "sign in again",
                code="session_ended",
                reason=ev.data.get("reason"),
            )

    def take(self, ev: EventRecord) -> bool:
        """The next event, promised to the outbox if nothing is in the way
        (``qms.live.ws_direct``): the loop is waiting, nothing is queued before it, it follows
        the last one sent, and it needs no look (an agent's job, a revocation). False:
        queue it."""
        if (
            not self.waiting
            or self.inbox.qsize()
            or self.view is None
            or self.view == "agent"
            or ev.seq != self.last_seq + 1
            or ev.type in ENDING
            or self.write is None
            or self.outbox is None
        ):
            return False
        self.outbox.add(self, self.write, self.frames.wire(self.view, ev), ev)
        self.last_seq = ev.seq
        return True

    def undo(self, ev: EventRecord) -> None:
        """The outbox could not write ``ev``: it and what follows take the inbox."""
        self.last_seq = min(self.last_seq, ev.seq - 1)
        if self.sub is not None:
            self.sub.seen = min(self.sub.seen, self.last_seq)  # a nudge fills any hole
            self.sub.enqueue(ev)

    def behind(self) -> None:
        """A replay failed: let the next nudge of the seq watch reach this connection."""
        if self.sub is not None:
            self.sub.seen = min(self.sub.seen, self.last_seq)

    async def resync(self, seq: int) -> None:
        """The branch is at ``seq``: replay what the bus did not bring."""
        if self.view is None or seq <= self.last_seq:
            return
        if self.view == "agent":
            await self.hand_over(None, again=False)
            self.last_seq = seq
            return
        await self.catch_up(self.last_seq, until=seq)


def _since(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequest(
            "since is the last seq you applied (an integer >= 0)", code="invalid_since"
        )
    return value


def parse_frame(raw: str | None, messages: Collection[str]) -> dict[str, Any]:
    """A client's frame as a JSON object of a known ``type`` (this socket's ``messages``),
    read by the one reader of the hall's input; anything else refused in the error shape."""
    if raw is None:
        raise BadRequest("send text frames with JSON objects", code="malformed_frame")
    if len(raw) > MAX_FRAME:
        raise TooLarge(f"frames are at most {MAX_FRAME} bytes", code="frame_too_large")
    msg = json_input.loads(raw, code="malformed_frame", what="frame")
    kind = msg.get("type") if isinstance(msg, dict) else None
    if not isinstance(kind, str) or kind not in messages:
        raise BadRequest("frame type is one of " + ", ".join(messages), code="unknown_message")
    assert isinstance(msg, dict)  # only a dict has a type
    return msg


async def read_frames(ws: WebSocket, inbox: Inbox) -> None:
    """The client's frames into the inbox (waiting when it is full: back-pressure)."""
    try:
        while True:
            frame = await ws.receive()
            if frame["type"] == "websocket.disconnect":
                break
            await inbox.put(Frame(frame.get("text")))
    except WebSocketDisconnect:
        pass
    finally:
        if inbox.full():  # the connection is over: an event less matters no more
            inbox.get_nowait()
        inbox.put_nowait(GONE)


class Frame:
    """A client's frame in the inbox, told apart from the bus's events."""

    __slots__ = ("text",)

    def __init__(self, text: str | None) -> None:
        self.text = text


async def _close_late(ws: WebSocket, conn: Connection, deadline_s: float) -> None:
    err = Unauthenticated(
        f"send an auth frame within {deadline_s:g} s of connecting",
        code="auth_deadline",
        limit_s=int(deadline_s) if deadline_s.is_integer() else deadline_s,
    )
    await conn.send(_error(err))
    await ws.close(CLOSE_AUTH_DEADLINE)


async def endpoint(ws: WebSocket) -> None:
    await ws.accept()
    inbox = Inbox(QUEUE_SIZE)
    state = ws.app.state
    conn = Connection(ws, state.hall, state.auth, inbox, state.frames, state.outbox)
    reader = asyncio.create_task(read_frames(ws, inbox))
    deadline_s = state.settings.server.ws_auth_deadline_s
    # between 80 and 100 % of the bound: silent sockets opened together close apart
    deadline = asyncio.get_running_loop().time() + deadline_s * (0.8 + 0.2 * random.random())
    CONNECTIONS.labels("none").inc()
    try:
        while True:
            conn.waiting = True
            try:
                if conn.principal is None:  # a socket that never signs in is not kept
                    async with asyncio.timeout_at(deadline):
                        item = await inbox.get()
                else:
                    item = await inbox.get()
            except TimeoutError:
                await _close_late(ws, conn, deadline_s)
                break
            finally:
                conn.waiting = False
            if state.outbox is not None:  # frames promised to this connection go first
                state.outbox.flush()
            if isinstance(item, EventRecord | Resync):
                try:
                    await conn.forward(item)
                except Unauthenticated as exc:  # this device was revoked meanwhile
                    await conn.send(_error(exc))
                    await ws.close(CLOSE_UNAUTHENTICATED)
                    break
                except QmsError as exc:  # the hole could not be filled now (database away)
                    await conn.send(_error(exc))
                    conn.behind()
                continue
            if item is GONE:
                break
            if conn.principal is None and asyncio.get_running_loop().time() > deadline:
                await _close_late(ws, conn, deadline_s)
                break
            if item is _EXPIRED:
                try:
                    await conn.recheck()
                except Unauthenticated as exc:
                    await conn.send(_error(exc))
                    await ws.close(CLOSE_UNAUTHENTICATED)
                    break
                except QmsError:  # the database is away: look again in a while
                    conn.retry_expiry()
                continue
            try:
                await conn.handle(conn.parse(item.text))
            except Unauthenticated as exc:
                await conn.send(_error(exc))
                await ws.close(CLOSE_UNAUTHENTICATED)
                break
            except QmsError as exc:
                await conn.send(_error(exc))
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away mid-send
    finally:
        CONNECTIONS.labels(view_kind(conn.view)).dec()
        if conn.view == "agent" and conn.principal is not None:
            presence.leave(conn.principal.name)
        reader.cancel()
        conn.cancel_expiry()
        await conn.unsubscribe()
