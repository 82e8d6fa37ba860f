"""Failed sign-ins counted per key (a username, a client address) over a sliding window:
past the limit, sign-in is refused for that key until old failures age out. Kept in the
process's memory: a restart forgets, and each worker counts its own."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class FailureLimiter:
    def __init__(self, limit: int, window_s: float, clock: object = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self._fails[key]
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again (0: now)."""
        now = self.clock()  # type: ignore[operator]
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._trim(key, now)
                if len(q) >= self.limit:
                    wait = max(wait, q[len(q) - self.limit] + self.window_s - now)
                if not q:
                    self._fails.pop(key, None)
        return math.ceil(wait)

    def failed(self, *keys: str) -> None:
        now = self.clock()  # type: ignore[operator]
        with self._lock:
            for key in keys:
                self._trim(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
