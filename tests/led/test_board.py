"""The board driver without real devices: loop://, and fake ports that are slow or fail.
Callers never wait on a device; waits here are on the board's condition, bounded."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import serial

from qms.devices.led import AsciiProtocol, BoardOffline, LedBoard, ModbusProtocol
from qms.devices.led.modbus import crc16
from tests.led.helpers import BOUND, FakePort

QUICK = 0.05  # seconds: show() and friends must return within this, whatever the device
FAST_RETRY = {"retry_min": 0.01, "retry_max": 0.05}


class Opener:
    """serial_for_url that keeps the ports it opened, so a test can read the loop back."""

    def __init__(self, port: Any = None) -> None:
        self.port = port
        self.opened: list[Any] = []

    def __call__(self, url: str, **kwargs: Any) -> Any:
        port = self.port or serial.serial_for_url(url, **kwargs)
        self.opened.append(port)
        return port


def test_loop_url_round_trip() -> None:
    opener = Opener()
    with LedBoard("loop://", AsciiProtocol(), 1, opener=opener) as board:
        assert board.wait_sent(board.show(42), BOUND)
        loop = opener.opened[0]
        assert loop.read(10) == b"$001,0042#"
        assert board.wait_sent(board.clear(), BOUND)
        assert loop.read(10) == b"$001,    #"
        status = board.status()
        assert status.online and status.last_sent is None and status.sends == 2
        assert not status.pending and status.last_error is None
    assert loop.is_open is False


def test_opened_with_the_line_settings() -> None:
    opener = Opener()
    proto = ModbusProtocol(serial_format=ModbusProtocol().serial_format.parse("8E1"))
    with LedBoard("loop://", proto, 3, 19200, opener=opener, write_timeout=0.5) as board:
        assert board.wait_sent(board.show(7), BOUND)  # loop:// echoes: a perfect slave
        port = opener.opened[0]
        assert (port.baudrate, port.bytesize, port.parity, port.stopbits) == (19200, 8, "E", 1)
        assert port.write_timeout == 0.5
        assert board.online and board.last_sent == 7


def test_a_slow_board_gets_only_the_latest_number() -> None:
    port = FakePort()
    port.gate.clear()
    with LedBoard("fake://", AsciiProtocol(), 1, opener=Opener(port)) as board:
        board.show(1)
        assert port.entered.wait(BOUND)  # the thread is stuck writing 1
        start = time.monotonic()
        seqs = [board.show(n) for n in (2, 3, 4, 5)]
        assert time.monotonic() - start < QUICK
        assert board.status().pending
        port.gate.set()
        assert board.wait_sent(seqs[-1], BOUND)
        assert board.wait_sent(seqs[0], 0)  # replaced by a newer one: done too
    assert port.written == [b"$001,0001#", b"$001,0005#"]


def test_a_write_timeout_takes_the_board_offline_then_it_resends_the_latest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = FakePort()
    port.fail = [serial.SerialTimeoutException("Write timeout")] * 3
    caplog.set_level(logging.INFO, logger="qms.devices.led")
    with LedBoard("fake://", AsciiProtocol(), 2, opener=Opener(port), **FAST_RETRY) as board:
        board.show(10)
        seq = board.show(11)
        assert board.wait_sent(seq, BOUND)
        assert port.written == [b"$002,0011#"]
        status = board.status()
        assert status.online and status.last_sent == 11 and status.failures == 0
        assert status.last_error == "SerialTimeoutException: Write timeout"  # kept to read
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "offline" in warnings[0].getMessage()
    assert any("back online" in r.getMessage() for r in caplog.records)


def test_status_callback_sees_offline_then_online() -> None:
    port = FakePort()
    port.fail = [OSError(5, "Input/output error")]
    seen: list[tuple[bool, int | None]] = []
    with LedBoard(
        "fake://",
        AsciiProtocol(),
        1,
        opener=Opener(port),
        on_status=lambda s: seen.append((s.online, s.last_sent)),
        **FAST_RETRY,
    ) as board:
        assert board.wait_sent(board.show(3), BOUND)
    assert (False, None) in seen and seen[-1] == (True, 3)


def test_a_modbus_board_that_refuses_is_offline_and_retried() -> None:
    port = FakePort()
    refusal = bytes.fromhex("01 86 02") + crc16(bytes.fromhex("01 86 02"))
    port.inbox = refusal
    with LedBoard("fake://", ModbusProtocol(), 1, opener=Opener(port), **FAST_RETRY) as board:
        seq = board.show(12)
        # the refusal's words as it went offline (a quick retry's "did not answer" may
        # follow before the test looks: the refusal is consumed)
        assert board.wait_status(
            lambda s: not s.online and "illegal data address" in (s.last_error or ""), BOUND
        )
        port.inbox = port.written[-1]  # now it echoes: accepted
        assert board.wait_sent(seq, BOUND)
        assert board.online and board.last_sent == 12


def test_deliver_waits_or_raises() -> None:
    port = FakePort()
    with LedBoard("fake://", AsciiProtocol(), 1, opener=Opener(port)) as board:
        board.deliver(8, BOUND)
        assert port.written == [b"$001,0008#"]
        port.gate.clear()
        with pytest.raises(BoardOffline):
            board.deliver(9, 0.05)
        port.gate.set()


def test_bad_input_raises_at_once_device_trouble_never() -> None:
    with LedBoard("/nonexistent/ttyLED", AsciiProtocol(), 1, **FAST_RETRY) as board:
        with pytest.raises(ValueError):
            board.show(10000)
        start = time.monotonic()
        board.show(1)
        board.clear()
        assert time.monotonic() - start < QUICK
    with pytest.raises(ValueError):
        LedBoard("loop://", AsciiProtocol(), 1000)


def test_close_is_bounded_even_when_the_device_hangs() -> None:
    port = FakePort()
    port.gate.clear()
    board = LedBoard("fake://", AsciiProtocol(), 1, opener=Opener(port))
    board.show(1)
    assert port.entered.wait(BOUND)
    start = time.monotonic()
    assert board.close(timeout=0.1) is False  # stuck in write: not joined, port closed
    assert time.monotonic() - start < 1.0 and port.closed
    port.gate.set()
