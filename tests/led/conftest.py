"""Fixtures for the LED tests: socat pty pairs, stopped after the test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import require_service
from tests.led.helpers import PtyPair


@pytest.fixture
def pty_pair() -> Iterator[Callable[[], PtyPair]]:
    """Starts socat pty pairs on demand (a test may plug a new one in later)."""
    if not shutil.which("socat"):
        require_service("socat", "serial pty pairs for the LED board tests (apt-get install socat)")
    pairs: list[PtyPair] = []

    def start() -> PtyPair:
        pairs.append(PtyPair())
        return pairs[-1]

    yield start
    for pair in pairs:
        pair.stop()
