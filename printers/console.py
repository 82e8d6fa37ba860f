"""The console printer of the embedded default: no device, the job as readable text in the
log (or on stdout), so a demo shows what would have printed."""

from __future__ import annotations

import logging
import sys

from escpos.escpos import Escpos

from printers.dissect import readable

log = logging.getLogger("printers.console")


class Console(Escpos):  # type: ignore[misc]  # python-escpos has no types
    """Collects the bytes of a job; ``close()`` writes them as text (``dissect.readable``)."""

    def __init__(
        self, stream: str = "log", columns: int = 48, *args: object, **kwargs: object
    ) -> None:
        if stream not in ("log", "stdout"):
            raise ValueError('console stream is "log" or "stdout"')
        Escpos.__init__(self, *args, **kwargs)
        self.stream = stream
        self.columns = columns
        self.buffer = bytearray()

    def _raw(self, msg: bytes) -> None:
        self.buffer += msg

    def close(self) -> None:
        if not getattr(self, "buffer", None):
            return
        text = readable(bytes(self.buffer), self.profile, self.columns)
        self.buffer.clear()
        if self.stream == "stdout":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            log.info("printed:\n%s", text)
