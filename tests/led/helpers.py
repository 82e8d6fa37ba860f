"""Test doubles for LED lines: a socat pty pair, a thread reading frames as a board
would, and fake ports that are slow or fail on demand. Nothing here sleeps: every wait
is on a queue, an event or a read timeout, with a bound."""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time
from typing import Any

import serial

from qms.devices.led.modbus import crc_ok

BOUND = 5.0  # seconds: the longest any single wait may take before the test fails


class PtyPair:
    """``socat pty,raw,echo=0 pty,raw,echo=0``: two connected /dev/pts, like a USB-RS485
    adapter (``board``) wired to the board's own port (``device``)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._pump = threading.Thread(target=self._read_stderr, daemon=True)
        self._pump.start()
        names: list[str] = []
        deadline = time.monotonic() + BOUND
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError("socat did not report its ptys in time") from None
            if line == "":
                self.stop()
                raise RuntimeError("socat exited before reporting its ptys")
            if m := re.search(r"PTY is (\S+)", line):
                names.append(m[1])
            if "starting data transfer loop" in line:
                break
        self.board, self.device = names

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._lines.put(line)
        self._lines.put("")

    def stop(self) -> None:
        """Like unplugging the adapter: the board side's writes fail with EIO."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=BOUND)
        self._pump.join(timeout=BOUND)
        if self.proc.stderr:
            self.proc.stderr.close()


class FrameReader:
    """A board on the far end of a line: collects ``#``-terminated ASCII frames."""

    def __init__(self, port: Any, end: bytes = b"#") -> None:
        self.port = port
        self.end = end
        self.frames: queue.Queue[bytes] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, path: str) -> FrameReader:
        return cls(serial.Serial(path, 9600, timeout=0.05))

    def _run(self) -> None:
        buf = b""
        while not self._stop.is_set():
            buf += self.port.read(64)
            while self.end in buf:
                frame, _, buf = buf.partition(self.end)
                self.frames.put(frame + self.end)

    def next(self, timeout: float = BOUND) -> bytes:
        return self.frames.get(timeout=timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=BOUND)
        self.port.close()


class ModbusSlave:
    """A Modbus board on the far end: answers each 8-byte request with ``answer(req)``
    (the echo by default; None stays silent) and records what it received."""

    def __init__(self, path: str) -> None:
        self.port = serial.Serial(path, 9600, timeout=0.05)
        self.requests: queue.Queue[bytes] = queue.Queue()
        self.answer = lambda request: request
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buf = b""
        while not self._stop.is_set():
            buf += self.port.read(8 - len(buf))
            if len(buf) == 8:
                assert crc_ok(buf)
                self.requests.put(buf)
                reply = self.answer(buf)
                if reply is not None:
                    self.port.write(reply)
                buf = b""

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=BOUND)
        self.port.close()


class FakePort:
    """A port whose writes can be held (a slow board) or made to fail (a timeout, an
    unplugged adapter); records every frame it accepted."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.entered = threading.Event()  # a write has started
        self.gate = threading.Event()  # writes pass only while set
        self.gate.set()
        self.fail: list[BaseException] = []  # raised by the next writes, in order
        self.inbox = b""  # what the "board" answers, returned by read()
        self.closed = False

    def write(self, data: bytes) -> int:
        self.entered.set()
        if not self.gate.wait(BOUND):
            raise AssertionError("the test never opened the gate")
        if self.fail:
            raise self.fail.pop(0)
        self.written.append(bytes(data))
        return len(data)

    def read(self, size: int) -> bytes:
        data, self.inbox = self.inbox[:size], self.inbox[size:]
        return data

    def reset_input_buffer(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True
