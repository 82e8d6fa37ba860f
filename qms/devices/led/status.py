"""What a board reports: read by the supervisor page and by the job worker that decides
whether an LED job was delivered."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoardStatus:
    """One board, at one moment.

    ``online``: the line is open and the board did not refuse or miss its last frame.
    ``last_error`` is the latest failure, kept after recovery for the supervisor to read.
    ``last_sent`` is the number the board was last given, None when blank or never
    (``sends`` tells which). ``pending``: a newer request still waits to go out.
    """

    name: str
    address: int
    online: bool
    last_error: str | None
    last_sent: int | None
    last_sent_at: float | None  # time.time() of the last frame the board took
    sends: int
    failures: int  # consecutive failed attempts since the last success
    pending: bool


class BoardOffline(Exception):
    """Raised only by LedBoard.deliver: the board did not take the frame in time."""
