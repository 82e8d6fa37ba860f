"""What a bank does to its notifications on a bad day, decided per notification.

Each fault is chosen by a probability (``rate``, from one seeded RNG so a run repeats) or
by a count (``next``: exactly the next N notifications get it), so a test can be exact.
``FaultConfig`` is plain data (config at start, ``POST /admin/faults`` at run time).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

#: the faults chosen per notification
KINDS = ("duplicate", "delay", "out_of_order", "bad_signature", "lose")


@dataclass(frozen=True, slots=True)
class Pick:
    """Which notifications get one fault: each with probability ``rate``, and the next
    ``next`` ones whatever the rate."""

    rate: float = 0.0
    next: int = 0

    def __post_init__(self) -> None:
        r, n = self.rate, self.next
        if isinstance(r, bool) or not isinstance(r, int | float) or not 0 <= r <= 1:
            raise ValueError("rate must be a number in [0, 1]")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError("next must be a non-negative integer")

    @classmethod
    def from_json(cls, name: str, obj: object) -> Pick:
        if isinstance(obj, Pick):
            return obj
        if not isinstance(obj, dict) or set(obj) - {"rate", "next"}:
            raise ValueError(f'{name} is {{"rate": p}} or {{"next": n}}')
        try:
            return cls(**obj)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """All off by default: a bank that notifies each credit once, at once, signed.

    - ``duplicate``: the notification is sent ``copies`` times at once (2 or 3);
    - ``delay``: held ``delay_s`` seconds before its first attempt;
    - ``out_of_order``: held until the next notification was sent (at most
      ``hold_max_s``, when none comes);
    - ``bad_signature``: sent with a wrong signature; the hall refuses it (401), the bank
      takes that as its answer and does not send it again unless asked (``/admin/resend``);
    - ``lose``: never sent; only the statement has the credit;
    - ``down``: the bank's own API answers 503 and queued notifications wait until it is up.
    """

    duplicate: Pick = field(default_factory=Pick)
    delay: Pick = field(default_factory=Pick)
    out_of_order: Pick = field(default_factory=Pick)
    bad_signature: Pick = field(default_factory=Pick)
    lose: Pick = field(default_factory=Pick)
    copies: int = 2
    delay_s: float = 2.0
    hold_max_s: float = 30.0
    down: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        for name in KINDS:
            object.__setattr__(self, name, Pick.from_json(name, getattr(self, name)))
        if isinstance(self.copies, bool) or self.copies not in (2, 3):
            raise ValueError("copies must be 2 or 3")
        for name in ("delay_s", "hold_max_s"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 3600:
                raise ValueError(f"{name} must be seconds, 0 to 3600")
        if not isinstance(self.down, bool):
            raise ValueError("down must be true or false")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError("seed must be an integer")

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> FaultConfig:
        """From a JSON object; missing fields take their defaults (a POST replaces all)."""
        if not isinstance(obj, dict):
            raise ValueError("expected a JSON object")
        unknown = set(obj) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        try:
            return cls(**obj)
        except TypeError as e:
            raise ValueError(str(e)) from None


class Faults:
    """The live settings, their RNG and what is left of each ``next`` count."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self.set(config or FaultConfig())

    def set(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._left = {k: getattr(config, k).next for k in KINDS}

    def draw(self) -> frozenset[str]:
        """The faults of one new notification (a count is used up before the rate rolls)."""
        chosen = set()
        for kind in KINDS:
            if self._left[kind] > 0:
                self._left[kind] -= 1
                chosen.add(kind)
            else:
                rate = getattr(self.config, kind).rate
                if rate > 0 and self._rng.random() < rate:
                    chosen.add(kind)
        return frozenset(chosen)
