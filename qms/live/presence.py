"""Which hall agents hold a socket to this process now: the company view's "agent
online". Each worker knows its own sockets only; with several workers an agent counts
as online where it is connected (docs/company.md)."""

from __future__ import annotations

from collections import Counter

_agents: Counter[str] = Counter()


def arrive(agent: str) -> None:
    _agents[agent] += 1


def leave(agent: str) -> None:
    _agents[agent] -= 1
    if _agents[agent] <= 0:
        del _agents[agent]


def agents() -> frozenset[str]:
    """The ids of the agents connected to this process."""
    return frozenset(_agents)
