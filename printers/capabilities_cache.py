"""Where python-escpos keeps its parsed printer database between processes.

On import, ``escpos.capabilities`` parses its capabilities file (~270 ms of YAML on the
hall's machine) and pickles the result into ``ESCPOS_CAPABILITIES_PICKLE_DIR``, or, when
that is unset, into a new ``mkdtemp()`` directory it never removes. The server's renderer
process imports it at every start and restart: each left a directory behind in /tmp, and
no start ever found the pickle. Pointing it at one per-user cache directory makes every
start after the first load the pickle instead, and leaves nothing behind.

An operator's own ``ESCPOS_CAPABILITIES_PICKLE_DIR`` is kept. Where the cache directory
cannot be written (a read-only home), python-escpos keeps its own behaviour: it would fail
to import if told to write where it cannot.
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/qms/escpos``, or ``~/.cache/qms/escpos``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qms" / "escpos"


def use() -> str | None:
    """Set the variable (before python-escpos is imported) unless the operator did;
    the directory it names, or None when python-escpos is left to its own."""
    if VARIABLE in os.environ:
        return os.environ[VARIABLE]
    try:
        target = cache_dir()
        target.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home, or not writable: escpos's own temp dir
        return None
    if not os.access(target, os.W_OK | os.X_OK):
        return None
    os.environ[VARIABLE] = str(target)
    return str(target)
