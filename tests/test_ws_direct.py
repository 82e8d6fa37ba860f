"""Event frames written straight to waiting displays (``qms.live.ws_direct``): valid frames
for a real client over a real uvicorn, in seq order, after the loop's turn, and the usual
path for a connection that cannot take its frame now, for untested library versions, and
for a hall with ``server.direct_frames: false``; a hall's displays get every event, in
order, either way."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect

from qms.domain.events import EventRecord
from qms.live import ws_direct
from qms.live.bus import Subscription
from qms.live.inbox import Inbox
from qms.live.ws import Connection
from tests.conftest import Customers, HallServer, run_async
from tests.hallclient import Staff
from tests.wsclient import ViewClient

AT = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def event(seq: int, type_: str = "ticket.called") -> EventRecord:
    return EventRecord("HN01", seq, type_, AT, {"n": seq})


class Frames:
    """The frame cache's two encodings, for events of any shape."""

    def event(self, view: str, ev: EventRecord) -> str:
        return json.dumps({"type": "event", "seq": ev.seq, "view": view})

    def wire(self, view: str, ev: EventRecord) -> bytes:
        return ws_direct.frame(self.event(view, ev))


class Socket:
    """A connection's socket that takes ``room`` frames, then pushes back."""

    def __init__(self, room: int = 1000) -> None:
        self.room = room
        self.written: list[int] = []

    def write(self, data: bytes) -> bool:
        if len(self.written) >= self.room:
            return False
        self.written.append(json.loads(data[2:])["seq"])  # a short frame: 2 header bytes
        return True


def waiting_display(outbox: ws_direct.Outbox, sock: Socket, last_seq: int = 0) -> Connection:
    """A display connection whose loop waits on its empty inbox, as ``qms.live.ws`` leaves it."""
    conn = Connection(None, None, None, Inbox(10), Frames())  # type: ignore[arg-type]
    conn.view, conn.last_seq, conn.waiting = "display", last_seq, True
    conn.outbox, conn.write = outbox, sock.write
    conn.sub = Subscription(conn.inbox)
    conn.sub.direct = conn.take
    return conn


def queued(conn: Connection) -> list[int]:
    out = []
    while conn.inbox.qsize():
        out.append(conn.inbox.get_nowait().seq)
    return out


def test_frames_go_out_after_the_loop_turns_in_seq_order() -> None:
    async def go() -> tuple[list[int], list[int], list[int], int, list[int]]:
        outbox = ws_direct.Outbox()
        a, b = Socket(), Socket()
        ca, cb = waiting_display(outbox, a, 4), waiting_display(outbox, b, 4)
        for seq in (5, 6, 7):
            ca.sub.offer(event(seq))  # type: ignore[union-attr]
            cb.sub.offer(event(seq))  # type: ignore[union-attr]
        before = list(a.written)  # the change's own answer goes first: nothing yet
        await asyncio.sleep(0)
        return before, a.written, b.written, ca.last_seq, queued(ca)

    before, a, b, last, inbox = run_async(go(), 10)
    assert before == []
    assert a == b == [5, 6, 7]
    assert (last, inbox) == (7, [])  # nothing queued, the connection knows it is at 7


def test_a_socket_pushing_back_gets_its_frame_and_the_rest_the_usual_way() -> None:
    async def go() -> tuple[list[int], list[int], int]:
        outbox = ws_direct.Outbox()
        full = Socket(room=1)
        conn = waiting_display(outbox, full, 9)
        for seq in (10, 11, 12):
            conn.sub.offer(event(seq))  # type: ignore[union-attr]
        await asyncio.sleep(0)
        last = conn.last_seq
        conn.sub.offer(event(13))  # type: ignore[union-attr]  # behind what is queued
        await asyncio.sleep(0)
        return full.written, queued(conn), last

    written, inbox, last = run_async(go(), 10)
    assert written == [10]
    assert inbox == [11, 12, 13]  # in order, none lost, none twice
    assert last == 10  # the connection's loop sends 11 next


def test_what_needs_a_look_takes_the_inbox() -> None:
    async def go() -> dict[str, list[int]]:
        outbox = ws_direct.Outbox()
        out: dict[str, list[int]] = {}
        for case in ("busy", "gap", "revoked", "agent"):
            sock = Socket()
            conn = waiting_display(outbox, sock, 1)
            if case == "busy":
                conn.waiting = False  # the loop is sending something of its own
            if case == "agent":
                conn.view = "agent"  # a hall agent is handed its jobs, not frames
            seq = 3 if case == "gap" else 2  # a hole: the loop replays it from the table
            kind = "device.revoked" if case == "revoked" else "ticket.called"
            conn.sub.offer(event(seq, kind))  # type: ignore[union-attr]
            await asyncio.sleep(0)
            out[case] = sock.written + queued(conn)
            assert not sock.written, case
        return out

    assert run_async(go(), 10) == {"busy": [2], "gap": [3], "revoked": [2], "agent": [2]}


@pytest.mark.parametrize("case", ["plain", "deflate", "untested uvicorn"])
def test_the_direct_bytes_are_a_text_frame_a_real_client_reads_through_uvicorn(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detection holds for the uvicorn installed, and its frames are read as sent; a
    connection with compression negotiated, or a uvicorn newer than the tested ones, is
    left to the usual path."""
    found: dict[str, Any] = {}
    if case == "untested uvicorn":
        tested = ws_direct._version
        monkeypatch.setattr(
            ws_direct,
            "_version",
            lambda p: ws_direct.TESTED["uvicorn"][1] if p == "uvicorn" else tested(p),
        )
    ws_direct.supported.cache_clear()

    async def endpoint(ws: WebSocket) -> None:
        await ws.accept()
        write = ws_direct.writer(ws)
        found["writer"] = write is not None
        if write is not None:
            for text in ("Số 12 → quầy 3", "x" * 300, "y" * 70_000):  # the 3 length forms
                assert write(ws_direct.frame(text))
        await ws.send_text("done")  # the usual path, after them on the same socket
        await ws.receive()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            await endpoint(WebSocket(scope, receive, send))

    async def go() -> list[str]:
        listening = socket.create_server(("127.0.0.1", 0))  # connects queue until served
        port = listening.getsockname()[1]
        config = uvicorn.Config(  # as qms serve configures it
            app,
            ws=ws_direct.UVICORN_WS,
            ws_per_message_deflate=case == "deflate",
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        got = []
        async with connect(f"ws://127.0.0.1:{port}/ws", max_size=None) as client:
            while (msg := await client.recv()) != "done":
                got.append(msg)
        server.should_exit = True
        await serving
        return got

    try:
        got = run_async(go(), 30)
        untested = case == "untested uvicorn"
        assert ws_direct.uvicorn_ws(True) == ("auto" if untested else ws_direct.UVICORN_WS)
    finally:
        ws_direct.supported.cache_clear()
    direct = case == "plain"
    assert found["writer"] is direct
    assert got == (["Số 12 → quầy 3", "x" * 300, "y" * 70_000] if direct else [])


@pytest.fixture(scope="module", params=[True, False], ids=["direct", "usual"])
def hall(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HallServer]:
    """A hall with direct frames on (the default) and one with them off."""
    server = HallServer(tmp_path_factory.mktemp("hall"))
    server.edit_config(lambda raw: raw["server"].update(direct_frames=request.param))
    with server.running():
        yield server


def test_every_display_gets_every_event_in_order_either_way(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    displays = [ViewClient(hall.ws_url, staff["sup"].token, "display").connect() for _ in range(8)]
    try:
        for view in displays:
            view.apply(view.recv())  # the snapshot
        start = displays[0].last
        for _ in range(3):  # events in a burst: some displays are still sending the last
            t = staff["kiosk"].post("/api/tickets", {"customers": [customers.take()]})
            staff["c1"].act("call", number=t["number"])
            staff["c1"].act("no-show")  # the counter is free for the next call
        now = int(staff["sup"].get("/api/snapshot?view=supervisor")["seq"])
        for view in displays:
            view.until_seq(now)
            seqs = [f["seq"] for f in view.frames if f["type"] == "event"]
            assert seqs[: now - start] == list(range(start + 1, now + 1))
            called = [f for f in view.frames if f.get("event") == "ticket.called"]
            assert len(called) == 3
    finally:
        for view in displays:
            view.close()
