"""The server's memory habits: fewer malloc arenas, and a collector that leaves start-up's
objects alone."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys

#: objects allocated between two young collections (CPython's default is 700)
GC_YOUNG_THRESHOLD = 20_000
MALLOC_ARENAS = "2"
_M_ARENA_MAX = -8  # glibc's mallopt parameter


def fewer_malloc_arenas() -> None:
    """glibc gives threads that allocate at once malloc arenas of their own, up to eight
    per core, each keeping the memory its threads freed; the server's threads (the writer
    lane, the hand-offs to threads) are many and short, and with the default the server
    grew over a day's tickets by about a third more than with two arenas. Two is what
    ``MALLOC_ARENA_MAX=2`` gives, here (glibc's documented ``mallopt``) and, by the
    environment, in the processes the server starts. One set by the operator wins."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return
    os.environ["MALLOC_ARENA_MAX"] = MALLOC_ARENAS
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to do
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, int(MALLOC_ARENAS))


def settle() -> None:
    """After start-up, move what start-up built (modules, config, caches) out of the
    collector's sight, and collect less often: each full collection walks every live
    object, and with a thousand websockets one held the event loop for ~0.2 s."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
