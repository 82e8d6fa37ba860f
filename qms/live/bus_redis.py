"""The scale-out event bus: Redis pub/sub between workers and hosts.

A publish goes to this process's subscribers at once and to Redis for the others. One
pub/sub connection per process, held by one listener task, is subscribed to the channels
of the branches that have local subscribers; each message from another process fans out
to their ``Subscription`` queues. The listener reconnects with backoff and subscribes
again when Redis goes away. Pub/sub drops whatever is published while a connection is
down, and so does ``publish`` while Redis is unreachable (the change is committed
already): clients see the hole in ``seq`` and replay from the events table.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from qms.domain.events import EventRecord
from qms.live.bus import Subscription, nudge_all
from qms.live.inbox import Inbox

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

BACKOFF_MIN = 0.1  # seconds before the first reconnect, doubled up to BACKOFF_MAX
BACKOFF_MAX = 5.0
SUBSCRIBE_WAIT = 2.0  # how long subscribe() waits for Redis to confirm the channel
PUBLISH_TIMEOUT = 2.0  # a publish never holds up the change that emitted it for longer
HOLD_OFF = 1.0  # after a failed publish, drop without trying for this long


def encode(origin: str, branch_id: str, events: list[EventRecord]) -> str:
    msg = {"origin": origin, "branch": branch_id, "events": [ev.wire() for ev in events]}
    return json.dumps(msg, ensure_ascii=False)


def decode(raw: bytes | str) -> tuple[str, str, list[EventRecord]]:
    """The inverse of ``encode``; ValueError (or KeyError, TypeError) on anything else."""
    msg = json.loads(raw)
    origin, branch = str(msg["origin"]), msg["branch"]
    out = []
    for e in msg["events"]:
        at = dt.datetime.fromisoformat(e["at"])
        if at.tzinfo is None:
            raise ValueError("event time without an offset")
        out.append(EventRecord(branch, int(e["seq"]), e["event"], at, dict(e["data"])))
    return origin, branch, out


class RedisBus:
    """Every subscriber of a branch, in every process on the same Redis, gets its events.

    ``client`` (a ``redis.asyncio.Redis``) is a seam for tests; it stays open on
    ``aclose``. Its connections should not use ``health_check_interval``: the listener
    writes (SUBSCRIBE) while it waits to read.
    """

    def __init__(self, url: str, *, client: Redis | None = None) -> None:
        if client is None:
            import redis.asyncio
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            # fail fast: a publish waits at most for one reconnect; options in the URL
            # (?socket_timeout=…) win over these
            client = redis.asyncio.Redis.from_url(
                url,
                socket_connect_timeout=2,
                socket_timeout=2,
                retry=Retry(NoBackoff(), 1),
                client_name="qms-bus",
            )
            self._own_client = True
        else:
            self._own_client = False
        self._client = client
        db = client.connection_pool.connection_kwargs.get("db", 0)
        # pub/sub ignores database numbers; the channel names carry it, so that
        # redis://host/1 and redis://host/2 are two separate buses
        self._prefix = f"qms:{db}:events:"
        self._origin = uuid.uuid4().hex  # our own messages come back from Redis: skip them
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._cond = asyncio.Condition()
        self._confirmed: set[str] = set()  # branches Redis confirmed on the live connection
        self._down = False  # the listener's last connection attempt failed
        self._closed = False
        self._publish_lock = asyncio.Lock()
        self._hold_off_until = 0.0
        self._publish_failing = False
        self.reconnects = 0
        self.unpublished = 0  # events dropped because Redis was unreachable

    def channel(self, branch_id: str) -> str:
        return self._prefix + branch_id

    # --- publishing -----------------------------------------------------------------

    async def publish(self, branch_id: str, events: list[EventRecord]) -> None:
        """Local subscribers at once; then one message per batch to Redis, in call order.
        Never raises for Redis being away."""
        sending = self.publish_nowait(branch_id, events)
        if sending is not None:
            await sending

    def publish_nowait(
        self, branch_id: str, events: list[EventRecord]
    ) -> Coroutine[Any, Any, None] | None:
        """Local subscribers now; the Redis send as a coroutine, which keeps call order
        when started in that order (its first step takes a FIFO lock)."""
        if not events:
            return None
        self._deliver(branch_id, events)
        return self._send(branch_id, events)

    async def _send(self, branch_id: str, events: list[EventRecord]) -> None:
        message = encode(self._origin, branch_id, events)
        loop = asyncio.get_running_loop()
        async with self._publish_lock:
            if loop.time() < self._hold_off_until:
                self.unpublished += len(events)
                return
            try:
                async with asyncio.timeout(PUBLISH_TIMEOUT):
                    await self._client.publish(self.channel(branch_id), message)
            except (RedisError, OSError, TimeoutError) as exc:
                self.unpublished += len(events)
                self._hold_off_until = loop.time() + HOLD_OFF
                if not self._publish_failing:
                    log.warning(
                        "bus: cannot publish to Redis (%s); events are dropped until it "
                        "is back, clients replay them by seq",
                        exc,
                    )
                self._publish_failing = True
                return
            if self._publish_failing:
                log.warning("bus: publishing to Redis again")
                self._publish_failing = False

    # --- subscribing ----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def subscribe(
        self, branch_id: str, queue: Inbox | None = None
    ) -> AsyncIterator[Subscription]:
        if self._closed:
            raise RuntimeError("the bus is closed")
        sub = Subscription(queue)
        self._subs[branch_id].add(sub)
        try:
            if self._listener is None:
                self._listener = asyncio.create_task(self._listen(), name="qms-redis-bus")
            self._wake.set()
            await self._until_confirmed(branch_id)
            yield sub
        finally:
            subs = self._subs.get(branch_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[branch_id]
                    self._wake.set()  # the listener unsubscribes the channel

    async def _until_confirmed(self, branch_id: str) -> None:
        """Wait (bounded) until Redis subscribed us, so the caller's next read of the
        database misses nothing; with Redis down, go on: the client converges by seq."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT), self._cond:
                await self._cond.wait_for(lambda: branch_id in self._confirmed or self._down)

    def subscribers(self, branch_id: str) -> int:
        return len(self._subs.get(branch_id, ()))

    def resync(self, branch_id: str, seq: int) -> None:
        nudge_all(self._subs.get(branch_id, ()), seq)

    # --- the listener ---------------------------------------------------------------

    async def _listen(self) -> None:
        """Connect, serve, and on any failure start over after a backoff, until closed."""
        loop = asyncio.get_running_loop()
        delay = BACKOFF_MIN
        while not self._closed:
            pubsub = self._client.pubsub()
            since: float | None = None
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]  # unannotated in redis-py
                since = loop.time()
                if self._down:
                    log.warning("bus: Redis is back, listening again")
                await self._set_down(False)
                await self._serve(pubsub)
            except (RedisError, OSError) as exc:
                if since is not None:
                    log.warning("bus: lost Redis (%s); reconnecting", exc)
                elif not self._down:
                    log.warning("bus: cannot reach Redis (%s); retrying", exc)
            except Exception:
                log.exception("bus: the Redis listener failed; starting it again")
            finally:
                self._confirmed.clear()
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            if self._closed:
                return
            await self._set_down(True)
            if since is not None and loop.time() - since > BACKOFF_MAX:
                delay = BACKOFF_MIN  # it had been up a while: this is a new outage
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # backoff, with jitter
            delay = min(delay * 2, BACKOFF_MAX)
            self.reconnects += 1

    async def _set_down(self, down: bool) -> None:
        async with self._cond:
            self._down = down
            self._cond.notify_all()

    async def _serve(self, pubsub: PubSub) -> None:
        """Keep the channels in step with local subscribers; fan messages out. Returns
        when the bus closes, else raises (the connection went away)."""
        sent: set[str] = set()  # branches we asked Redis for on this connection
        reader: asyncio.Task[Any] | None = None
        woken: asyncio.Task[Any] | None = None
        try:
            while not self._closed:
                self._wake.clear()
                wanted = set(self._subs)
                if gone := sent - wanted:
                    self._confirmed.difference_update(gone)
                    sent -= gone
                    await pubsub.unsubscribe(*(self.channel(b) for b in gone))
                if new := wanted - sent:
                    sent |= new
                    await pubsub.subscribe(*(self.channel(b) for b in new))
                if reader is None:
                    reader = asyncio.create_task(pubsub.get_message(timeout=None))
                if woken is None:
                    woken = asyncio.create_task(self._wake.wait())
                if self._closed:
                    break
                done, _ = await asyncio.wait({reader, woken}, return_when=asyncio.FIRST_COMPLETED)
                if woken in done:
                    woken = None
                if reader in done:
                    msg, reader = reader.result(), None
                    if msg is not None:
                        await self._handle(msg, sent)
        finally:
            for task in (reader, woken):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                        await task

    async def _handle(self, msg: dict[str, Any], sent: set[str]) -> None:
        kind = msg["type"]
        if isinstance(kind, bytes):
            kind = kind.decode()
        channel = msg.get("channel")
        if isinstance(channel, bytes):
            channel = channel.decode()
        if kind == "subscribe" and isinstance(channel, str):
            branch = channel.removeprefix(self._prefix)
            if branch in sent:
                async with self._cond:
                    self._confirmed.add(branch)
                    self._cond.notify_all()
        elif kind == "message":
            try:
                origin, branch, records = decode(msg["data"])
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("bus: ignored a malformed message on %s: %s", channel, exc)
                return
            if origin != self._origin:
                self._deliver(branch, records)

    def _deliver(self, branch_id: str, events: list[EventRecord]) -> None:
        for sub in list(self._subs.get(branch_id, ())):
            for ev in events:
                sub.offer(ev)

    async def aclose(self) -> None:
        """Stop the listener and close connections (an injected client stays open)."""
        self._closed = True
        self._wake.set()
        if self._listener is not None:
            # Python 3.11's wait_for (inside redis-py) may swallow a cancel; the listener
            # also sees _closed at its next turn
            while not self._listener.done():
                self._listener.cancel()
                await asyncio.wait({self._listener}, timeout=1)
            self._listener = None
        self._subs.clear()
        if self._own_client:
            await self._client.aclose()
