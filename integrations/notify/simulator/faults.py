"""What the simulated gateway does on a bad day; set from config at start and by
``POST /faults`` while it runs. Counts (``fail_next``, ``hang_next``) are exact, so a
test knows which sends get the fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: a hang holds the answer longer than any notify.timeout_s (at most 60 s)
HANG_S = 65.0


@dataclass
class Faults:
    """``fail_next``: the next n sends answer 503 and take nothing; ``hang_next``: the
    next n sends are taken (delivered) but answered only after ``hang_s``, like a gateway
    whose answer is lost; ``rate_per_s``: more sends than this in one second answer 429
    with Retry-After; ``reject``: these numbers (84...) are refused for good."""

    fail_next: int = 0
    hang_next: int = 0
    hang_s: float = HANG_S
    rate_per_s: float = 0.0  # 0: no limit
    reject: set[str] = field(default_factory=set)

    def update(self, given: dict[str, Any]) -> None:
        """Apply the given settings (the others stay); ValueError names a bad one."""
        unknown = set(given) - {"fail_next", "hang_next", "hang_s", "rate_per_s", "reject"}
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        for name in ("fail_next", "hang_next"):
            if name in given:
                n = given[name]
                if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10_000:
                    raise ValueError(f"{name} must be a count, 0 to 10000")
                setattr(self, name, n)
        for name, top in (("hang_s", 3600.0), ("rate_per_s", 10_000.0)):
            if name in given:
                v = given[name]
                if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= top:
                    raise ValueError(f"{name} must be a number, 0 to {top:g}")
                setattr(self, name, float(v))
        if "reject" in given:
            phones = given["reject"]
            if not isinstance(phones, list) or not all(isinstance(p, str) for p in phones):
                raise ValueError("reject must be a list of phone numbers")
            self.reject = {normal(p) for p in phones}

    def as_json(self) -> dict[str, Any]:
        return {
            "fail_next": self.fail_next,
            "hang_next": self.hang_next,
            "hang_s": self.hang_s,
            "rate_per_s": self.rate_per_s,
            "reject": sorted(self.reject),
        }

    @classmethod
    def from_json(cls, given: dict[str, Any]) -> Faults:
        f = cls()
        f.update(given)
        return f


def normal(phone: str) -> str:
    """0912345678, +84912345678, 84912345678 -> 84912345678."""
    digits = phone.strip().lstrip("+")
    return "84" + digits[1:] if digits.startswith("0") else digits
