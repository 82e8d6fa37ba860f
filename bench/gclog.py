"""Diagnosis only: run `qms` with the cyclic garbage collector's pauses logged.

``python -m bench.gclog serve ...`` is ``python -m qms serve ...`` plus one line on stdout
for every collection that takes more than ``BENCH_GC_MS`` (default 20) ms:
``gc: generation 2 took 212.4 ms (collected 0)``. The harness starts the server this way
when ``BENCH_GCLOG=1``; the server's code is unchanged.
"""

from __future__ import annotations

import gc
import os
import runpy
import sys
import time

LIMIT_MS = float(os.environ.get("BENCH_GC_MS", "20"))
_start: list[float] = [0.0]


def _watch(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _start[0] = time.perf_counter()
        return
    took = (time.perf_counter() - _start[0]) * 1000
    if took >= LIMIT_MS:
        print(
            f"gc: generation {info['generation']} took {took:.1f} ms "
            f"(collected {info['collected']}, tracked {len(gc.get_objects())})",
            flush=True,
        )


if __name__ == "__main__":
    gc.callbacks.append(_watch)
    sys.argv = ["qms", *sys.argv[1:]]
    runpy.run_module("qms", run_name="__main__", alter_sys=True)
