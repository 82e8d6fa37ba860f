"""Bounded connections (qms/process/guard.py, the websocket's auth deadline): a flood of
half-open sockets and silent websockets from other addresses is held off while a cashier's
F4 is answered and a display's frame arrives; a slow head gets 408, an oversize one 431,
both without holding the socket; past the cap per address, 503."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import re
import threading
from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from websockets.asyncio.client import connect

from qms.live import ws_direct
from qms.process import guard
from tests.conftest import Customers, HallServer, run_async
from tests.hallclient import Staff
from tests.wsclient import ViewClient

PER_ADDRESS = 60
HEAD_S = 1.0
AUTH_S = 1.0
#: the flood's source addresses: loopback, but not this host's own 127.0.0.1
FLOOD_FROM = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: hall\r\nX-Slow: "


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("flood"))
    server.edit_config(
        lambda raw: (
            raw["server"].update(
                head_timeout_s=HEAD_S,
                ws_auth_deadline_s=AUTH_S,
                max_connections_per_address=PER_ADDRESS,
                max_head_bytes=16384,
            )
            or raw.update(audit={"refusal_window_s": 1})
        )
    )
    with server.running():
        yield server


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
    """The status and JSON body the server sent before closing (bounded by the caller)."""
    raw = await reader.read()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def half_open(host: str, port: int, source: str) -> tuple[Any, Any]:
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(PARTIAL)
    return reader, writer


def test_the_guard_still_fits_uvicorn() -> None:
    """Fails loudly when uvicorn changes under the guard: the version is one it was tested
    with, and the parts of the protocol it overrides are still there, called as before."""
    assert guard.supported(), "a uvicorn the guard was not tested with: run this module"
    for name in ("on_message_begin", "on_headers_complete", "on_message_complete",
                 "handle_websocket_upgrade", "data_received", "connection_made",
                 "connection_lost"):  # fmt: skip
        assert callable(getattr(HttpToolsProtocol, name)), name
    assert list(inspect.signature(HttpToolsProtocol.data_received).parameters) == ["self", "data"]
    source = inspect.getsource(HttpToolsProtocol)
    for used in ("self.client = ", "self.loop = ", "self.ws_protocol_class = ",
                 "self.transport.set_protocol(protocol)"):  # fmt: skip
        assert used in source, used


def test_a_slow_head_gets_408_and_an_oversize_one_431(hall: HallServer) -> None:
    banner = "".join(hall.log)  # the caps in force, and the raised open-file limit
    assert f"connections: at most 8192 ({PER_ADDRESS} an address)" in banner

    async def go() -> None:
        loop = asyncio.get_running_loop()
        reader, writer = await half_open("127.0.0.1", hall.port, "127.0.0.1")
        started = loop.time()
        status, body = await asyncio.wait_for(answer(reader), HEAD_S + 5)
        assert status == 408 and body["error"]["code"] == "request_timeout"
        assert loop.time() - started < HEAD_S + 5
        writer.close()

        # a head just past the limit (a page's cookies grown too big, say): 431
        reader, writer = await asyncio.open_connection("127.0.0.1", hall.port)
        writer.write(PARTIAL + b"x" * 20000 + b"\r\n\r\n")
        status, body = await asyncio.wait_for(answer(reader), 10)
        assert status == 431 and body["error"]["code"] == "header_too_large"
        writer.close()

        before = rss_kib(hall.proc.pid)  # type: ignore[union-attr]
        for _ in range(4):  # the four big heads, each 8 MiB here
            reader, writer = await asyncio.open_connection("127.0.0.1", hall.port)
            writer.write(PARTIAL)
            with contextlib.suppress(ConnectionError):  # closed before the client is done
                for _ in range(64):
                    writer.write(b"x" * 131072)
                    await writer.drain()
                await asyncio.wait_for(reader.read(), 10)
            writer.close()
        assert rss_kib(hall.proc.pid) - before < 16 * 1024  # type: ignore[union-attr]

    run_async(go())


def test_past_the_cap_of_an_address_503(hall: HallServer) -> None:
    async def go() -> None:
        held = [await half_open("127.0.0.1", hall.port, "127.0.0.9") for _ in range(PER_ADDRESS)]
        # (a client that has not written yet reads the answer; one that has may see a reset)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", hall.port, local_addr=("127.0.0.9", 0)
        )
        status, body = await asyncio.wait_for(answer(reader), 5)
        assert status == 503 and body["error"]["code"] == "too_many_connections"
        writer.close()
        # another address is not held to this one's count
        ok_reader, ok_writer = await asyncio.open_connection("127.0.0.1", hall.port)
        ok_writer.write(b"GET /healthz HTTP/1.1\r\nHost: hall\r\nConnection: close\r\n\r\n")
        assert (await asyncio.wait_for(ok_reader.read(), 5)).startswith(b"HTTP/1.1 200")
        for _, w in [*held, (ok_reader, ok_writer)]:
            w.close()

    run_async(go())


def test_staff_and_displays_work_through_a_flood(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    display = ViewClient(hall.ws_url, "demo-display-1", "display").connect()
    display.apply(display.recv())
    refused: list[int] = []
    deadline_closes: list[int] = []

    async def flood() -> list[Any]:
        held: list[Any] = []
        for source in FLOOD_FROM:  # more than the cap from each: the last ones refused
            for _ in range(PER_ADDRESS + 10):
                held.append(await half_open("127.0.0.1", hall.port, source))
        return held

    async def silent_sockets() -> None:
        async def one(source: str) -> None:
            try:
                async with connect(hall.ws_url, local_addr=(source, 0), open_timeout=10) as ws:
                    await asyncio.wait_for(ws.wait_closed(), AUTH_S + 10)
                    assert ws.close_code is not None
                    deadline_closes.append(ws.close_code)
            except OSError:
                deadline_closes.append(0)

        await asyncio.gather(*(one(f"127.0.1.{i % 50 + 1}") for i in range(200)))

    async def go() -> None:
        held = await flood()
        silent = asyncio.create_task(silent_sockets())
        # the staff's work, in the middle of it all (in a thread: the clients are sync)
        paid = await asyncio.to_thread(collect_and_see, staff, customers, display)
        assert paid["payments"][0]["status"] == "pending"
        await asyncio.wait_for(silent, AUTH_S + 20)
        for i, (reader, _) in enumerate(held):
            past_cap = i % (PER_ADDRESS + 10) >= PER_ADDRESS
            try:
                status, body = await asyncio.wait_for(answer(reader), HEAD_S + 5)
            except ConnectionResetError:  # closed at once with the client's bytes unread
                assert past_cap
                refused.append(503)
                continue
            refused.append(status)
            assert (status, body["error"]["code"]) == (
                (503, "too_many_connections") if past_cap else (408, "request_timeout")
            )
        for _, writer in held:
            writer.close()

    run_async(go())
    display.close()
    assert refused.count(503) == 10 * len(FLOOD_FROM)
    assert deadline_closes == [4408] * 200  # every silent websocket, none refused


def collect_and_see(
    staff: dict[str, Staff], customers: Customers, display: ViewClient
) -> dict[str, Any]:
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
    clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff["c1"].act("call", number=t["number"])
    display.until_event("ticket.called", t["number"])  # the display's frame, in its bound
    return staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])


def test_direct_frames_still_reach_guarded_websockets() -> None:
    """The guard's websocket subclass is one ws_direct writes to (it checks isinstance)."""
    base = ws_direct._sansio_protocol()
    assert base is not None
    g = guard.Guard(1.0, 4096, guard.Counter(10, 10))
    assert issubclass(g.ws_class(base), base)


def test_anonymous_refusals_are_counted_not_stored_one_by_one(
    hall: HallServer, staff: dict[str, Staff]
) -> None:
    """The issue's flood of refused anonymous POSTs, with a long path: the supervisor
    sees one sample and one count, each field cut short, not a row a request."""
    path = "/api/counters/" + "C" * 10_000 + "/call"  # the head stays under its limit

    async def go() -> None:
        async with httpx.AsyncClient(base_url=hall.base, timeout=30) as client:
            for _ in range(300):
                r = await client.post(path, json={})
                assert r.status_code == 401, r.text

    run_async(go())
    route = "POST /api/counters/{counter}/{action}"
    counted = 0
    mine: list[dict[str, Any]] = []
    for _ in range(100):  # the window (1 s here) ends, and the next refusal writes it
        httpx.post(hall.base + "/api/counters/C1/call", json={})
        entries = staff["sup"].get("/api/audit?limit=5000")["entries"]
        mine = [e for e in entries if e["actor"] == "anonymous" and e["action"] == route]
        counted = sum(
            int(m[1]) for e in mine if (m := re.search(r"refused (\d+) times", e["target"]))
        )
        if counted >= 300:
            break
        threading.Event().wait(0.1)  # a bounded poll of the supervisor's page
    assert counted >= 300, mine
    assert len(mine) < 40  # a sample and a count a window, not 300 rows
    assert all(len(e["action"]) <= 200 for e in mine)


def test_the_counts_per_address_and_in_all() -> None:
    c = guard.Counter(total_cap=5, per_address_cap=2, unlimited=(ip_network("127.0.0.1/32"),))
    assert [c.acquire("10.0.0.1") for _ in range(3)] == [None, None, "address"]
    assert [c.acquire("127.0.0.1") for _ in range(3)] == [None, None, None]  # unlimited
    assert c.acquire("10.0.0.2") == "total"  # 5 open: the server's own cap
    c.release("10.0.0.1")
    assert c.acquire("10.0.0.2") is None
    assert c.per_address == {"10.0.0.1": 1, "127.0.0.1": 3, "10.0.0.2": 1} and c.total == 5
    assert c.refused == 2


def test_at_the_total_cap_the_oldest_half_open_socket_makes_room() -> None:
    """A flood from many addresses fills the total: a new client still gets in, in place
    of the socket that has been reading its head longest (over a second)."""

    class Half:
        evicted = False

        def evict(self) -> None:
            self.evicted = True

    g = guard.Guard(10.0, 4096, guard.Counter(16, 16))
    old, young = Half(), Half()
    g.reading = {old: 100.0, young: 109.5}  # type: ignore[dict-item]
    assert g.make_room(110.0) and old.evicted and not young.evicted
    g.reading = {young: 109.5}  # type: ignore[dict-item]
    assert not g.make_room(110.0)  # a head read for half a second may be a real client's
