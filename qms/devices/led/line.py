"""One serial line and the thread that owns it. Callers only set the latest wanted value
of a board (a slot) and return at once; the thread writes, detects failures, backs off,
reopens and re-sends. Several boards may share one RS-485 line: they share the thread,
so frames never interleave, and are served in turn.

The lock is never held during I/O, so a stuck device cannot block a caller.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from qms.devices.led.protocol import BoardProtocol, ReplyError
from qms.devices.led.status import BoardStatus

log = logging.getLogger(__name__)

#: opens a port like serial.serial_for_url; tests pass a fake to make a device slow
Opener = Callable[..., Any]
StatusCallback = Callable[[BoardStatus], None]


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@dataclass
class _Slot:
    """One board's latest wish and what the line did about it."""

    address: int
    name: str
    on_status: StatusCallback | None
    frame: bytes = b""
    value: int | None = None
    requested: bool = False
    dirty: bool = False
    seq: int = 0
    sent_seq: int = 0
    last_sent: int | None = None
    last_sent_at: float | None = None
    sends: int = 0
    board_ok: bool = True
    error: str | None = None
    failures: int = 0
    delay: float = 0.0
    not_before: float = 0.0
    logged_down: bool = False


class LedLine:
    """A pyserial URL (``/dev/ttyUSB0``, ``/dev/pts/3``, ``socket://host:port``,
    ``loop://``) and its worker thread, started at once; the port opens in the thread."""

    def __init__(
        self,
        url: str,
        protocol: BoardProtocol,
        *,
        baudrate: int = 9600,
        write_timeout: float = 1.0,
        reply_timeout: float = 0.3,
        retry_min: float = 0.5,
        retry_max: float = 30.0,
        exclusive: bool = True,
        name: str | None = None,
        opener: Opener = serial.serial_for_url,
    ) -> None:
        self.url = url
        self.protocol = protocol
        self.baudrate = baudrate
        self.write_timeout = write_timeout
        self.reply_timeout = reply_timeout
        self.retry_min = retry_min
        self.retry_max = retry_max
        self.exclusive = exclusive
        self.name = name or url
        self._opener = opener
        self._cond = threading.Condition(threading.RLock())  # re-entrant: wait predicates
        self._slots: dict[int, _Slot] = {}
        self._order: list[_Slot] = []  # round robin: the last served goes to the end
        self._closing = False
        self._online = False
        self._error: str | None = None
        self._failures = 0
        self._logged_down = False
        self._port: Any = None  # only the worker touches it while it runs
        self._thread = threading.Thread(target=self._run, name=f"led {self.name}", daemon=True)
        self._thread.start()

    # --- the caller's side: short critical sections, no I/O ---------------------------

    def add(self, address: int, name: str, on_status: StatusCallback | None = None) -> None:
        self.protocol.check_address(address)
        with self._cond:
            if address in self._slots:
                raise ValueError(f"line {self.name} already has a board at address {address}")
            slot = _Slot(address, name, on_status, delay=self.retry_min, error=self._error)
            self._slots[address] = slot
            self._order.append(slot)

    def remove(self, address: int) -> None:
        with self._cond:
            slot = self._slots.pop(address, None)
            if slot is not None:
                self._order.remove(slot)

    def request(self, address: int, value: int | None) -> int:
        """The board at ``address`` should show ``value`` (None: blank); returns the
        request's sequence number. Older unsent requests are simply forgotten."""
        frame = (
            self.protocol.blank(address) if value is None else self.protocol.frame(address, value)
        )
        with self._cond:
            slot = self._slots[address]
            slot.frame, slot.value, slot.requested, slot.dirty = frame, value, True, True
            slot.seq += 1
            self._cond.notify_all()
            return slot.seq

    def status(self, address: int) -> BoardStatus:
        with self._cond:
            return self._status(self._slots[address])

    def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate`` (called under the line's lock) holds, or time out."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def sent_seq(self, address: int) -> int:
        """The newest request the board took (call inside ``wait``'s predicate)."""
        return self._slots[address].sent_seq

    @property
    def online(self) -> bool:
        return self._online

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the thread and close the port; False if the thread did not end in time
        (stuck in a driver call; it is a daemon and dies with the process)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self._close_port()  # may unblock the stuck call
            return False
        return True

    def _status(self, slot: _Slot) -> BoardStatus:
        return BoardStatus(
            name=slot.name,
            address=slot.address,
            online=self._online and slot.board_ok,
            last_error=slot.error,
            last_sent=slot.last_sent,
            last_sent_at=slot.last_sent_at,
            sends=slot.sends,
            failures=slot.failures + self._failures,
            pending=slot.sent_seq < slot.seq,
        )

    # --- the worker's side ---------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # a bug here must not die silently with the boards dark
            log.exception("LED line %s: worker crashed", self.name)
        finally:
            self._close_port()

    def _loop(self) -> None:
        delay = self.retry_min
        while True:
            if self._port is None:
                with self._cond:
                    if self._closing:
                        return
                try:
                    port = self._open()
                except Exception as exc:
                    self._line_down(exc, None)
                    if self._pause(delay):
                        return
                    delay = min(delay * 2, self.retry_max)
                    continue
                self._line_up(port)
            picked = self._pick()
            if picked is None:
                return
            slot, seq, frame, value = picked
            try:
                self._exchange(frame)
            except ReplyError as exc:
                self._board_failed(slot, exc)
                continue
            except Exception as exc:  # the port itself failed: timeout, EIO, unplugged
                self._close_port()
                self._line_down(exc, slot)
                if self._pause(delay):
                    return
                delay = min(delay * 2, self.retry_max)
                continue
            delay = self.retry_min
            self._sent(slot, seq, value)

    def _open(self) -> Any:
        fmt = self.protocol.serial_format
        return self._opener(
            self.url,
            baudrate=self.baudrate,
            bytesize=fmt.bytesize,
            parity=fmt.parity,
            stopbits=fmt.stopbits,
            timeout=self.reply_timeout,
            write_timeout=self.write_timeout,
            exclusive=self.exclusive,
        )

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception as exc:  # closing a vanished device may fail too
                log.debug("LED line %s: close failed: %s", self.name, exc)

    def _pause(self, seconds: float) -> bool:
        """Wait ``seconds`` unless closing; True when closing."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closing, seconds)

    def _pick(self) -> tuple[_Slot, int, bytes, int | None] | None:
        """The next board due, round robin; blocks until one is, None when closing."""
        with self._cond:
            while not self._closing:
                now = time.monotonic()
                for slot in self._order:
                    if slot.dirty and slot.not_before <= now:
                        slot.dirty = False
                        self._order.remove(slot)
                        self._order.append(slot)
                        return slot, slot.seq, slot.frame, slot.value
                later = [s.not_before - now for s in self._order if s.dirty]
                self._cond.wait(min(later) if later else None)
            return None

    def _exchange(self, frame: bytes) -> None:
        port, proto = self._port, self.protocol
        head = proto.reply_head(frame)
        if head:
            port.reset_input_buffer()
        written = port.write(frame)
        if written is not None and written != len(frame):
            raise serial.SerialTimeoutException(f"wrote {written} of {len(frame)} bytes")
        gap = proto.gap(self.baudrate)
        if head:
            reply = bytes(port.read(head))
            rest = proto.reply_rest(frame, reply)
            if rest:
                reply += bytes(port.read(rest))
            proto.check_reply(frame, reply)
        elif gap:  # the bytes may still be leaving: add their time on the wire
            gap += len(frame) * proto.serial_format.char_bits() / self.baudrate
        if gap:
            self._pause(gap)

    def _notify(self, slots: list[_Slot]) -> None:
        """Status callbacks, outside the lock; a failing callback is only logged."""
        for slot in slots:
            if slot.on_status is None:
                continue
            with self._cond:
                status = self._status(slot)
            try:
                slot.on_status(status)
            except Exception:
                log.exception("LED board %s: status callback failed", slot.name)

    def _line_up(self, port: Any) -> None:
        """The port opened. With frames to (re)send, the line counts as back only once
        one goes through: a port that opens but cannot write stays offline, logged once."""
        with self._cond:
            self._port = port
            for slot in self._order:  # a board back from a power cut shows nothing
                slot.dirty = slot.dirty or slot.requested
                slot.not_before = 0.0
            recovered = not any(s.dirty for s in self._order) and self._recovered()
            slots = list(self._order) if recovered else []
        self._notify(slots)

    def _recovered(self) -> bool:
        """Mark the line online (lock held); True if it was not."""
        if self._online:
            return False
        self._online = True
        self._failures = 0
        if self._logged_down:
            log.info("LED line %s is back online", self.name)
            self._logged_down = False
        self._cond.notify_all()
        return True

    def _line_down(self, exc: BaseException, slot: _Slot | None) -> None:
        with self._cond:
            was_online = self._online
            self._online = False
            self._error = describe(exc)
            self._failures += 1
            for s in self._order:
                s.error = self._error
            if slot is not None:
                slot.dirty = True  # try again with the latest value
            if self._logged_down:
                log.debug("LED line %s still offline: %s", self.name, self._error)
            else:
                log.warning(
                    "LED line %s is offline, retrying in the background: %s",
                    self.name,
                    self._error,
                )
                self._logged_down = True
            self._cond.notify_all()
            slots = list(self._order) if was_online or self._failures == 1 else []
        self._notify(slots)

    def _board_failed(self, slot: _Slot, exc: ReplyError) -> None:
        with self._cond:
            slot.board_ok = False
            slot.error = describe(exc)
            slot.failures += 1
            slot.dirty = True
            slot.not_before = time.monotonic() + slot.delay
            slot.delay = min(slot.delay * 2, self.retry_max)
            if slot.logged_down:
                log.debug("LED board %s still not answering: %s", slot.name, slot.error)
            else:
                log.warning("LED board %s is offline: %s", slot.name, slot.error)
                slot.logged_down = True
            self._cond.notify_all()
            first = slot.failures == 1
        if first:
            self._notify([slot])

    def _sent(self, slot: _Slot, seq: int, value: int | None) -> None:
        with self._cond:
            slots = list(self._order) if self._recovered() else [slot]
            slot.sent_seq = max(slot.sent_seq, seq)
            slot.last_sent = value
            slot.last_sent_at = time.time()
            slot.sends += 1
            slot.board_ok = True
            slot.failures = 0
            slot.delay = self.retry_min
            if slot.logged_down:
                log.info("LED board %s is back online", slot.name)
                slot.logged_down = False
            self._cond.notify_all()
        self._notify(slots)
