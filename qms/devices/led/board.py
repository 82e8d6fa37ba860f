"""The counter's LED board as the rest of qms sees it: ``show(n)`` and ``clear()`` only
record the wish and return at once, whatever the device does. The line's thread delivers
the latest wish; see line.py for offline handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms.devices.led.line import LedLine, StatusCallback
from qms.devices.led.protocol import BoardProtocol
from qms.devices.led.status import BoardOffline, BoardStatus


class LedBoard:
    """One board at ``address`` on the serial line at ``url``, with a line of its own
    (its own thread). For several boards on one RS-485 bus use ``LedBoard.on(line, a)``.

    ``line_options`` go to LedLine: write_timeout, reply_timeout, retry_min, retry_max,
    exclusive, opener."""

    def __init__(
        self,
        url: str,
        protocol: BoardProtocol,
        address: int,
        baudrate: int = 9600,
        *,
        name: str | None = None,
        on_status: StatusCallback | None = None,
        **line_options: Any,
    ) -> None:
        protocol.check_address(address)  # a bad address fails here, not in the thread
        label = name or f"{url}#{address}"
        line = LedLine(url, protocol, baudrate=baudrate, name=label, **line_options)
        self._attach(line, address, label, on_status, owns_line=True)

    @classmethod
    def on(
        cls,
        line: LedLine,
        address: int,
        *,
        name: str | None = None,
        on_status: StatusCallback | None = None,
    ) -> LedBoard:
        """A board on a shared line; closing it detaches it, the line's owner closes it."""
        board = cls.__new__(cls)
        board._attach(line, address, name or f"{line.url}#{address}", on_status, False)
        return board

    def _attach(
        self,
        line: LedLine,
        address: int,
        name: str,
        on_status: StatusCallback | None,
        owns_line: bool,
    ) -> None:
        self.line = line
        self.address = address
        self.name = name
        self._owns_line = owns_line
        line.add(address, name, on_status)

    def show(self, number: int) -> int:
        """Show ``number`` (0..9999) soon; returns the request's sequence number at once.
        Raises only for a bad number, never for the device."""
        return self.line.request(self.address, number)

    def clear(self) -> int:
        """Blank the board soon; returns at once, like show()."""
        return self.line.request(self.address, None)

    def status(self) -> BoardStatus:
        return self.line.status(self.address)

    @property
    def online(self) -> bool:
        return self.status().online

    @property
    def last_error(self) -> str | None:
        return self.status().last_error

    @property
    def last_sent(self) -> int | None:
        return self.status().last_sent

    def wait_sent(self, seq: int, timeout: float) -> bool:
        """Block until request ``seq`` (or a newer one that replaced it) was taken by the
        board; False on timeout. For job workers and tests, never for the event loop."""
        return self.line.wait(lambda: self.line.sent_seq(self.address) >= seq, timeout)

    def wait_status(self, predicate: Callable[[BoardStatus], bool], timeout: float) -> bool:
        """Block until the board's status satisfies ``predicate``; False on timeout."""
        return self.line.wait(lambda: predicate(self.status()), timeout)

    def deliver(self, number: int | None, timeout: float) -> None:
        """show() or clear(), then wait: raises BoardOffline if not taken in ``timeout``.
        Meant for a job worker thread that must know whether the job is done."""
        seq = self.clear() if number is None else self.show(number)
        if not self.wait_sent(seq, timeout):
            status = self.status()
            raise BoardOffline(f"LED board {self.name}: {status.last_error or 'not sent'}")

    def close(self, timeout: float = 2.0) -> bool:
        """Stop (own line) or detach (shared line); False if the thread was stuck."""
        if self._owns_line:
            return self.line.close(timeout)
        self.line.remove(self.address)
        return True

    def __enter__(self) -> LedBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LedBoard {self.name} {self.line.protocol.name}>"
