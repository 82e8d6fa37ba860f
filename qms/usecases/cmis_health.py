"""CMIS health as the hall sees it: when it last answered, and its last failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from integrations.cmis import base as cmis
from qms.domain.clock import iso

T = TypeVar("T")


@dataclass
class Health:
    version: str
    last_ok: dt.datetime | None = None
    last_failure: dt.datetime | None = None
    last_error: str | None = None
    failures_in_a_row: int = 0

    async def watch(self, now: Callable[[], dt.datetime], call: Awaitable[T]) -> T:
        """Await a CMIS call, noting whether CMIS answered (a refusal is an answer)."""
        try:
            result = await call
        except (cmis.CmisUnavailable, cmis.CmisBadAnswer) as exc:
            self.last_failure, self.last_error = now(), str(exc)
            self.failures_in_a_row += 1
            raise
        except cmis.CmisError:
            self._ok(now())
            raise
        self._ok(now())
        return result

    def _ok(self, at: dt.datetime) -> None:
        self.last_ok, self.failures_in_a_row = at, 0

    @property
    def healthy(self) -> bool:
        return self.failures_in_a_row == 0

    def public(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "healthy": self.healthy,
            "last_ok": iso(self.last_ok),
            "last_failure": iso(self.last_failure),
            "last_error": self.last_error,
            "failures_in_a_row": self.failures_in_a_row,
        }
