"""Real serial lines: a socat pty pair whose far end a test thread reads as the board
would, and a socket:// line to a TCP "board" that is switched on late."""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qms.devices.led import AsciiProtocol, LedBoard, ModbusProtocol, close_boards, open_boards
from qms.devices.led.modbus import crc16, write_register
from tests.conftest import free_port
from tests.led.helpers import BOUND, FrameReader, ModbusSlave, PtyPair

QUICK = 0.05
FAST_RETRY = {"retry_min": 0.02, "retry_max": 0.1}
SILENCE = 0.2  # seconds with no frame that show nothing more was sent


def no_more_frames(reader: FrameReader) -> bool:
    try:
        reader.next(timeout=SILENCE)
    except queue.Empty:
        return True
    return False


def test_a_board_receives_each_call_through_a_pty(pty_pair: Callable[[], PtyPair]) -> None:
    pair = pty_pair()
    reader = FrameReader.open(pair.device)  # the board listens before anything is sent
    try:
        with LedBoard(pair.board, AsciiProtocol(), 1) as board:
            for call in (1, 2, None, 9999, 17):
                seq = board.clear() if call is None else board.show(call)
                assert board.wait_sent(seq, BOUND)
            got = [reader.next() for _ in range(5)]
            assert got == [
                b"$001,0001#",
                b"$001,0002#",
                b"$001,    #",
                b"$001,9999#",
                b"$001,0017#",
            ]
            assert board.status().online and board.last_sent == 17
    finally:
        reader.close()


def test_boards_sharing_a_bus_take_turns(pty_pair: Callable[[], PtyPair]) -> None:
    pair = pty_pair()
    reader = FrameReader.open(pair.device)
    boards = open_boards(
        {"C1": {"url": pair.board, "address": 1}, "C2": {"url": pair.board, "address": 2}}
    )
    try:
        assert boards["C1"].line is boards["C2"].line
        seqs = [boards["C1"].show(5), boards["C2"].show(6), boards["C1"].show(7)]
        assert boards["C1"].wait_sent(seqs[2], BOUND) and boards["C2"].wait_sent(seqs[1], BOUND)
        got = set()
        while len(got) < 2 or b"$001,0007#" not in got:
            got.add(reader.next())
        assert got <= {b"$001,0005#", b"$001,0007#", b"$002,0006#"}  # whole frames only
        assert b"$002,0006#" in got
    finally:
        assert close_boards(boards)
        reader.close()


def test_an_absent_device_appears_goes_and_comes_back(
    pty_pair: Callable[[], PtyPair], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The board's path is a symlink like /dev/serial/by-id/...: missing at first, made
    when the adapter is plugged in, dangling when it is pulled out."""
    link = tmp_path / "ttyLED1"
    caplog.set_level(logging.INFO, logger="qms.devices.led")
    with LedBoard(str(link), AsciiProtocol(), 1, **FAST_RETRY) as board:
        start = time.monotonic()
        board.show(5)
        seq = board.show(7)
        assert time.monotonic() - start < QUICK
        assert board.wait_status(lambda s: s.failures >= 3, BOUND)  # retried, quietly
        status = board.status()
        assert not status.online and status.pending and status.sends == 0
        assert "No such file" in (status.last_error or "")

        pair = pty_pair()
        reader = FrameReader.open(pair.device)
        os.symlink(pair.board, link)  # plugged in
        try:
            assert board.wait_sent(seq, BOUND)
            assert reader.next() == b"$001,0007#"  # only the latest, once
            assert no_more_frames(reader)
            assert board.online
        finally:
            reader.close()

        pair.stop()  # pulled out: the next write fails with EIO
        seq = board.show(8)
        assert board.wait_status(lambda s: not s.online, BOUND)
        assert board.last_sent == 7

        pair = pty_pair()
        reader = FrameReader.open(pair.device)
        link.unlink()
        os.symlink(pair.board, link)  # plugged in again, maybe as another /dev/pts
        try:
            assert board.wait_sent(seq, BOUND)
            assert reader.next() == b"$001,0008#"
            assert board.online and board.last_sent == 8
        finally:
            reader.close()
    offline = [r for r in caplog.records if "is offline" in r.getMessage()]
    back = [r for r in caplog.records if "back online" in r.getMessage()]
    assert len(offline) == 2 and len(back) == 2  # once per outage, however many retries


def test_modbus_through_a_pty(pty_pair: Callable[[], PtyPair]) -> None:
    pair = pty_pair()
    slave = ModbusSlave(pair.device)
    try:
        with LedBoard(pair.board, ModbusProtocol(register=1), 1, **FAST_RETRY) as board:
            assert board.wait_sent(board.show(3), BOUND)
            assert slave.requests.get(timeout=BOUND) == bytes.fromhex("01 06 00 01 00 03 98 0b")
            assert board.online

            slave.answer = lambda request: None  # the board lost power: silence
            seq = board.show(4)
            assert board.wait_status(lambda s: not s.online, BOUND)
            assert "did not answer" in (board.last_error or "")

            refusal = bytes.fromhex("01 86 03") + crc16(bytes.fromhex("01 86 03"))
            slave.answer = lambda request: refusal
            assert board.wait_status(lambda s: "illegal data value" in (s.last_error or ""), BOUND)

            slave.answer = lambda request: request
            assert board.wait_sent(seq, BOUND)
            assert board.online and board.last_sent == 4
            assert write_register(1, 1, 4) in list(slave.requests.queue)
    finally:
        slave.close()


def test_socket_url_board_switched_on_late() -> None:
    port = free_port()
    with LedBoard(f"socket://127.0.0.1:{port}", AsciiProtocol(), 3, **FAST_RETRY) as board:
        start = time.monotonic()
        seq = board.show(21)
        assert time.monotonic() - start < QUICK
        assert board.wait_status(lambda s: not s.online and s.failures >= 1, BOUND)
        assert "refused" in (board.last_error or "").lower()

        received: queue.Queue[bytes] = queue.Queue()
        with socket.create_server(("127.0.0.1", port)) as server:
            server.settimeout(BOUND)

            def serve() -> None:
                conn, _ = server.accept()
                with conn:
                    conn.settimeout(BOUND)
                    data = b""
                    while not data.endswith(b"#"):
                        chunk = conn.recv(64)
                        if not chunk:
                            break
                        data += chunk
                    received.put(data)

            thread = threading.Thread(target=serve, daemon=True)
            thread.start()
            assert board.wait_sent(seq, BOUND)
            assert received.get(timeout=BOUND) == b"$003,0021#"
            thread.join(BOUND)
        assert board.online
