"""What every board protocol provides: frames as bytes, the serial framing, and how to
check a board's answer. Pure: no I/O here, so frames are testable byte for byte."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

#: the called numbers a board can show (four digits on every board we know of)
MAX_NUMBER = 9999


class ReplyError(Exception):
    """The line works but the board answered wrongly, or not at all."""


@dataclass(frozen=True)
class SerialFormat:
    """Data bits, parity and stop bits, written as in the boards' manuals: ``8N1``."""

    bytesize: int = 8
    parity: str = "N"
    stopbits: int = 1

    @classmethod
    def parse(cls, text: str) -> SerialFormat:
        m = re.fullmatch(r"([5-8])([NEOMS])([12])", text.strip().upper())
        if not m:
            raise ValueError(f"serial format {text!r} is not like 8N1")
        return cls(int(m[1]), m[2], int(m[3]))

    def __str__(self) -> str:
        return f"{self.bytesize}{self.parity}{self.stopbits}"

    def char_bits(self) -> int:
        """Bits on the wire per byte: start + data + parity + stop."""
        return 1 + self.bytesize + (self.parity != "N") + self.stopbits


class BoardProtocol(Protocol):
    """How numbers become bytes for one family of boards."""

    # read-only: the protocols are frozen dataclasses
    @property
    def name(self) -> str: ...

    @property
    def serial_format(self) -> SerialFormat: ...

    def check_address(self, address: int) -> int: ...

    def frame(self, address: int, number: int) -> bytes: ...

    def blank(self, address: int) -> bytes: ...

    def reply_head(self, request: bytes) -> int:
        """Bytes to read first after ``request``; 0 when the board never answers."""
        ...

    def reply_rest(self, request: bytes, head: bytes) -> int:
        """Bytes still to read once ``head`` arrived."""
        ...

    def check_reply(self, request: bytes, reply: bytes) -> None:
        """Raise ReplyError unless ``reply`` confirms ``request``."""
        ...

    def gap(self, baudrate: int) -> float:
        """Seconds of silence the line needs after a frame before the next one."""
        ...


def check_number(number: int) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"number must be an int, not {type(number).__name__}")
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"number {number} is outside 0..{MAX_NUMBER}")
    return number


def check_int(value: int, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{what} {value} is outside {low}..{high}")
    return value
