"""The event bus: the same scenarios on every backend (in-process and a real Redis), Redis
between two workers, a listener that survives losing its connection or Redis itself, and
two `qms serve` processes sharing a hall's events over Redis."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
import yaml

from qms import config
from qms.domain.events import EventRecord
from qms.live.bus import QUEUE_SIZE, Bus, MemoryBus, Subscription, make_bus
from tests.conftest import ROOT, Customers, HallServer, free_port, require_redis, run_async
from tests.hallclient import Staff
from tests.wsclient import ViewClient

BOUND = 5.0  # seconds any single wait may take
PROBE = "bus.probe"
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return run_async(coro, 20)


@pytest.fixture(params=["memory", "redis"])
def url(request: pytest.FixtureRequest) -> str:
    return require_redis() if request.param == "redis" else "memory://"


@pytest.fixture
def redis_url() -> str:
    return require_redis()


def new_branch() -> str:
    """Channels are global to a Redis server: each test talks on branches of its own."""
    return "T" + uuid.uuid4().hex[:12]


AT = dt.datetime(2026, 11, 22, 8, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def records(branch: str, seqs: Iterable[int], type_: str = "ticket.issued") -> list[EventRecord]:
    return [
        EventRecord(branch, s, type_, AT + dt.timedelta(seconds=s), {"n": s, "tên": "Điện lực"})
        for s in seqs
    ]


async def take(sub: Subscription, n: int) -> list[EventRecord]:
    """The next ``n`` events, probes aside, each waited for with a bound."""
    out: list[EventRecord] = []
    while len(out) < n:
        ev = await asyncio.wait_for(sub.get(), BOUND)
        if ev.type != PROBE:
            out.append(ev)
    return out


@contextlib.asynccontextmanager
async def opened(url: str, **kw: Any) -> AsyncIterator[Bus]:
    bus = make_bus(url) if not kw else _redis_bus(url, **kw)
    try:
        yield bus
    finally:
        await bus.aclose()


def _redis_bus(url: str, **kw: Any) -> Bus:
    from qms.live.bus_redis import RedisBus

    return RedisBus(url, **kw)


@contextlib.asynccontextmanager
async def workers(url: str) -> AsyncIterator[tuple[Bus, Bus]]:
    """(the bus events are published on, the bus subscribed to): the in-process bus twice,
    or two Redis buses as two workers hold them, so that events really cross Redis."""
    async with opened(url) as here:
        if isinstance(here, MemoryBus):
            yield here, here
            return
        async with opened(url) as there:
            yield there, here


async def until_listening(bus: Bus, sub: Subscription, branch: str) -> None:
    """Publish probes (from another worker) until one arrives: the listener is back."""
    async with asyncio.timeout(BOUND * 2):
        seq = 10_000
        while True:
            seq += 1
            await bus.publish(branch, records(branch, [seq], PROBE))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sub.get(), 0.25)
                return


# --- every backend ----------------------------------------------------------------------


def test_events_reach_every_subscriber_of_the_branch_in_order(url: str) -> None:
    a, b = new_branch(), new_branch()

    async def go() -> None:
        async with (
            workers(url) as (pub, bus),
            bus.subscribe(a) as one,
            bus.subscribe(a) as two,
            bus.subscribe(b) as other,
        ):
            sent = records(a, range(1, 7))
            for batch in (sent[:2], sent[2:3], sent[3:]):
                await pub.publish(a, batch)
            await pub.publish(a, [])
            await pub.publish(b, records(b, [1]))  # published after all of a's
            assert await take(one, 6) == sent
            assert await take(two, 6) == sent
            got = await take(other, 1)
            assert got == records(b, [1]), "a subscriber of another branch got a's events"
            assert got[0].at.utcoffset() is not None and got[0].data["tên"] == "Điện lực"

    run(go())


def test_subscription_released_in_finally_on_the_exception_path(url: str) -> None:
    a, b = new_branch(), new_branch()

    async def go() -> None:
        async with workers(url) as (pub, bus):
            with pytest.raises(RuntimeError, match="boom"):
                async with bus.subscribe(a), bus.subscribe(a):
                    assert bus.subscribers(a) == 2  # type: ignore[attr-defined]
                    raise RuntimeError("boom")
            assert bus.subscribers(a) == 0  # type: ignore[attr-defined]
            await pub.publish(a, records(a, [1]))  # nobody left to receive it: no error
            if isinstance(bus, MemoryBus):
                return
            # the listener unsubscribes a before it subscribes b (one connection, in
            # order), so once b is confirmed Redis no longer sends a to this process
            async with bus.subscribe(b):
                counts = await numsub(bus.channel(a), bus.channel(b))  # type: ignore[attr-defined]
            assert counts == [0, 1]

    run(go())


def test_full_queue_drops_and_counts_without_blocking_others(url: str) -> None:
    a = new_branch()

    async def go() -> None:
        async with workers(url) as (pub, bus), bus.subscribe(a) as slow, bus.subscribe(a) as fast:
            await pub.publish(a, records(a, range(1, QUEUE_SIZE + 1)))
            assert len(await take(fast, QUEUE_SIZE)) == QUEUE_SIZE
            more = records(a, range(QUEUE_SIZE + 1, QUEUE_SIZE + 6))
            await pub.publish(a, more)
            assert await take(fast, 5) == more
            assert (slow.dropped, slow.queue.qsize(), fast.dropped) == (5, QUEUE_SIZE, 0)
            assert (await take(slow, 1))[0].seq == 1  # it keeps the oldest; seq shows the hole

    run(go())


def test_make_bus_picks_the_backend_by_scheme() -> None:
    from qms.live.bus_redis import RedisBus

    assert isinstance(make_bus("memory://"), MemoryBus)
    bus = make_bus("redis://127.0.0.1:6379/3")
    assert isinstance(bus, RedisBus) and bus.channel("PE0100") == "qms:3:events:PE0100"
    run(bus.aclose())  # never connected: closes its pool all the same
    with pytest.raises(ValueError, match=r"bus\.url 'kafka://x'.*redis://"):
        make_bus("kafka://x")


def test_redis_is_imported_only_when_asked_for() -> None:
    code = (
        "import sys; from qms.live.bus import make_bus; make_bus('memory://');"
        "print(any(m == 'redis' or m.startswith('redis.') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("memory://", True),
        ("redis://127.0.0.1:6379/2", True),
        ("rediss://redis.example:6380/0", True),
        ("redis://10.0.0.5", True),
        ("kafka://x", False),
        ("redis://", False),
        ("redis://host:port/1", False),
        ("redis://host/events", False),
    ],
)
def test_bus_url_in_config(value: str, ok: bool) -> None:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["bus"]["url"] = value
    if ok:
        assert config.parse(raw).bus.url == value
    else:
        with pytest.raises(config.ConfigError, match=r"'bus\.url'"):
            config.parse(raw)


# --- Redis ------------------------------------------------------------------------------


async def numsub(*channels: str) -> list[int]:
    import redis.asyncio

    admin = redis.asyncio.Redis.from_url(require_redis())
    try:
        return [n for _, n in await admin.pubsub_numsub(*channels)]
    finally:
        await admin.aclose()


def test_two_workers_see_each_others_events(redis_url: str) -> None:
    a = new_branch()

    async def go() -> None:
        async with (
            opened(redis_url) as one,
            opened(redis_url) as two,
            one.subscribe(a) as on_one,
            two.subscribe(a) as on_two,
        ):
            await one.publish(a, records(a, [1, 2]))
            assert await take(on_one, 2) == records(a, [1, 2])
            assert await take(on_two, 2) == records(a, [1, 2])
            await two.publish(a, records(a, [3]))
            assert await take(on_one, 1) == records(a, [3])
            assert await take(on_two, 1) == records(a, [3])

    run(go())


def test_own_events_arrive_once(redis_url: str) -> None:
    """A worker hands its own events to its subscribers at once, and skips the copy that
    comes back from Redis."""
    a = new_branch()

    async def go() -> None:
        async with (
            opened(redis_url) as one,
            opened(redis_url) as two,
            one.subscribe(a) as sub,
            two.subscribe(a) as seen_by_two,
        ):
            await one.publish(a, records(a, [1]))
            assert sub.queue.qsize() == 1  # delivered before publish returned
            assert await take(seen_by_two, 1) == records(a, [1])  # Redis carried it too
            await two.publish(a, records(a, [2]))  # reaches one after one's own copy of 1
            assert await take(sub, 2) == records(a, [1, 2])

    run(go())


def test_one_pubsub_connection_per_process(redis_url: str) -> None:
    import redis.asyncio

    name = "qms-test-" + uuid.uuid4().hex[:8]
    branches = [new_branch() for _ in range(4)]

    async def go() -> None:
        client = redis.asyncio.Redis.from_url(redis_url, client_name=name)
        try:
            async with opened(redis_url, client=client) as bus, contextlib.AsyncExitStack() as st:
                subs = [await st.enter_async_context(bus.subscribe(b)) for b in branches * 5]
                await bus.publish(branches[0], records(branches[0], [1]))
                for sub in subs[::4]:
                    assert await take(sub, 1) == records(branches[0], [1])
                mine = [c for c in await client.client_list(_type="pubsub") if c["name"] == name]
                assert len(mine) == 1, "one listener connection, whatever the subscribers"
                assert int(mine[0]["sub"]) == len(branches)
        finally:
            await client.aclose()

    run(go())


def test_listener_reconnects_after_its_connection_is_killed(redis_url: str) -> None:
    import redis.asyncio

    name = "qms-test-" + uuid.uuid4().hex[:8]
    a = new_branch()

    async def go() -> None:
        client = redis.asyncio.Redis.from_url(redis_url, client_name=name)
        admin = redis.asyncio.Redis.from_url(redis_url)
        try:
            async with (
                opened(redis_url, client=client) as bus,
                opened(redis_url) as other,
                bus.subscribe(a) as sub,
            ):
                await other.publish(a, records(a, [1]))
                assert await take(sub, 1) == records(a, [1])
                listeners = [
                    c["id"] for c in await admin.client_list(_type="pubsub") if c["name"] == name
                ]
                assert len(listeners) == 1
                assert await admin.client_kill_filter(_id=listeners[0]) == 1
                await until_listening(other, sub, a)
                await other.publish(a, records(a, [2, 3]))
                assert await take(sub, 2) == records(a, [2, 3])
        finally:
            await admin.aclose()
            await client.aclose()

    run(go())


class RedisHop:
    """A TCP hop in front of the real Redis that a test can cut and bring back, so the
    bus sees Redis go away (connections reset, then refused) and return."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for w in self.writers:
            w.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()
        self.writers.clear()
        self.tasks.clear()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        self.writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 6379)
        except OSError:
            writer.close()
            return
        self.writers.add(up_writer)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        except OSError:
            pass
        finally:
            dst.close()


def test_redis_outage_publish_drops_and_the_listener_comes_back(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = new_branch(), new_branch()
    caplog.set_level(logging.WARNING, logger="qms.live.bus_redis")

    async def go() -> None:
        hop = RedisHop()
        await hop.start()
        hop_url = redis_url.replace(":6379/", f":{hop.port}/")
        try:
            async with (
                opened(hop_url) as bus,
                opened(hop_url) as other,
                contextlib.AsyncExitStack() as stack,
            ):
                sub_a = await stack.enter_async_context(bus.subscribe(a))
                await other.publish(a, records(a, [1]))
                assert await take(sub_a, 1) == records(a, [1])

                await hop.stop()  # Redis is gone
                await other.publish(a, records(a, [2]))  # committed already: must not raise
                assert other.unpublished == 1  # type: ignore[attr-defined]
                await bus.publish(a, records(a, [3]))  # this worker's own clients still see it
                assert await take(sub_a, 1) == records(a, [3])
                async with asyncio.timeout(BOUND):  # a client arriving now is not held up
                    sub_b = await stack.enter_async_context(bus.subscribe(b))

                await hop.start()  # Redis is back
                await until_listening(other, sub_a, a)
                await until_listening(other, sub_b, b)  # subscribed again, b included
                await other.publish(a, records(a, [4, 5]))
                assert await take(sub_a, 2) == records(a, [4, 5])
        finally:
            await hop.stop()

    run(go())
    messages = [r.getMessage() for r in caplog.records]
    assert any("cannot publish to Redis" in m for m in messages)
    assert any("publishing to Redis again" in m for m in messages)


# --- two `qms serve` processes ------------------------------------------------------------


def test_two_servers_share_a_halls_events_over_redis(
    tmp_path: Path, demo: Any, redis_url: str
) -> None:
    """A ticket issued through server A reaches a websocket client of server B."""
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    servers: list[HallServer] = []
    people: list[Staff] = []
    watcher: ViewClient | None = None
    try:
        for name in ("a", "b"):  # one after the other: the first creates the schema
            (tmp_path / name).mkdir()
            servers.append(
                HallServer(tmp_path / name, database__url=shared, bus__url=redis_url).start()
            )
        a, b = servers
        reception = Staff(a.base, "reception", "R1")
        supervisor = Staff(b.base, "supervisor", None)
        people += [reception, supervisor]
        watcher = ViewClient(b.ws_url, supervisor.token, "supervisor").connect()
        snap = watcher.recv()
        assert snap["type"] == "snapshot"
        watcher.apply(snap)
        ticket = reception.post("/api/tickets", {"customers": [Customers(demo).take(invoices=1)]})
        msg = watcher.until_event("ticket.issued", ticket["number"])
        assert watcher.gaps == 0 and msg["seq"] > snap["seq"]
        assert watcher.tickets[ticket["number"]]["status"] == ticket["status"]
    finally:
        if watcher is not None:
            watcher.close()
        for person in people:
            person.close()
        for server in servers:
            server.stop()
