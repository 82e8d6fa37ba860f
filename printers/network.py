"""python-escpos's network printer, with a refused connection's socket closed.

python-escpos 3.1 ``Network.open`` drops the socket of a failed ``connect`` without
closing it: a ResourceWarning, and an open descriptor until the collector runs, at each
retry of an offline printer. ``socket.create_connection`` closes it."""

from __future__ import annotations

import socket

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network as _EscposNetwork


class Network(_EscposNetwork):  # type: ignore[misc]  # python-escpos has no types
    device: socket.socket | None

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as e:
            self.device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"Could not open socket for {self.host}:\n{e}") from e
