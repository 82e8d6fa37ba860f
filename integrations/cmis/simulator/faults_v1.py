"""A CMIS 1.0 fault: after a ``BILLING`` whose answer was lost, CMIS itself is in doubt.

A real CMIS 1.0 that lost a ``BILLING`` answer on its side answers ``CHECK-TRANS`` with
``TIMEOUT`` ("ask again later") for a while before it knows the real status. The window is
measured on CMIS's clock (``Ledger.clock``), so tests move a fake clock instead of sleeping.
Separate from ``FaultConfig`` (which the 2.0 API shares): set it with
``PUT /admin/cmis1/faults`` or ``app.state.cmis1.in_doubt.set(InDoubtConfig(...))``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class InDoubtConfig:
    """- ``in_doubt_ms``: how long ``CHECK-TRANS`` answers ``TIMEOUT`` after a lost
      ``BILLING`` answer (0: never, the default);
    - ``in_doubt_rate``: probability that a lost answer starts such a window;
    - ``seed``: seeds the draw, so a scripted run repeats.
    """

    in_doubt_ms: int = 0
    in_doubt_rate: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        v = self.in_doubt_rate
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
            raise ValueError("in_doubt_rate must be a number in [0, 1]")
        for name in ("in_doubt_ms", "seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> InDoubtConfig:
        """Missing fields take their defaults (a PUT replaces the whole config)."""
        if not isinstance(obj, dict):
            raise ValueError("expected a JSON object")
        unknown = set(obj) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        return cls(**obj)


class InDoubt:
    """The live config, its RNG and the audit numbers CMIS is in doubt about until when."""

    def __init__(self, clock: Callable[[], dt.datetime], config: InDoubtConfig | None = None):
        self._clock = clock
        self._until: dict[str, dt.datetime] = {}
        self.set(config or InDoubtConfig())

    def set(self, config: InDoubtConfig) -> None:
        """New settings (reseeds the RNG); windows already open stay open."""
        self.config = config
        self._rng = random.Random(config.seed)

    def answer_lost(self, audit_number: str) -> None:
        """A ``BILLING`` under ``audit_number`` took effect (or was refused) unanswered."""
        cfg = self.config
        if cfg.in_doubt_ms <= 0 or cfg.in_doubt_rate <= 0:
            return
        if self._rng.random() < cfg.in_doubt_rate:
            until = self._clock() + dt.timedelta(milliseconds=cfg.in_doubt_ms)
            self._until[audit_number] = until

    def in_doubt(self, audit_number: str) -> bool:
        """True while the window is open; a closed window is forgotten."""
        until = self._until.get(audit_number)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._until[audit_number]
        return False
