"""The notifier's pacing: sends start at most ``rate_per_s`` a second, and a gateway's
Retry-After holds them all (decided on a clock the test moves, nothing waits)."""

from __future__ import annotations

from qms.workers.notifier import Pace


class Ticks:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_sends_are_spaced_at_the_rate_and_a_hold_pushes_them_all_back() -> None:
    now = Ticks()
    pace = Pace(4.0, now)
    assert [pace.slot() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]  # 4 a second, no more
    now.t += 5  # idle a while: the next goes at once, no burst credit is saved up
    assert pace.slot() == 0.0
    assert pace.slot() == 0.25
    pace.hold(2.0)  # a 429 asked for two seconds
    assert pace.slot() == 2.0
