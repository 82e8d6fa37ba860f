"""Where python-escpos keeps its parsed printer database between processes.

On import, ``escpos.capabilities`` parses its capabilities file (~270 ms of YAML on the
hall's machine) and pickles the result into ``ESCPOS_CAPABILITIES_PICKLE_DIR``, or, when
that is unset, into a new ``mkdtemp()`` directory it never removes. The server's renderer
process imports it at every start and restart: each left a directory behind in /tmp, and
no start ever found the pickle. Pointing it at one per-user cache directory makes every
start after the first load the pickle instead, and leaves nothing behind.

python-escpos opens its pickle for writing before it parses (~270 ms of an empty file):
two processes starting together on a fresh machine (the server's renderer and a second
worker's, or two test processes) could read it half written (``EOFError`` at import).
So the pickle is built once where no one reads it and moved into place whole.

An operator's own ``ESCPOS_CAPABILITIES_PICKLE_DIR`` is kept. Where the cache directory
cannot be written (a read-only home), python-escpos keeps its own behaviour: it would fail
to import if told to write where it cannot.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
import tempfile
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
    if not _fresh(target / _name()):
        _build(target)
    os.environ[VARIABLE] = str(target)
    return str(target)


def _name() -> str:
    return f"{platform.python_version()}.capabilities.pickle"  # python-escpos's own name


def _source() -> Path | None:
    """The capabilities file python-escpos parses (its own, unless the operator's)."""
    if given := os.environ.get("ESCPOS_CAPABILITIES_FILE"):
        return Path(given)
    spec = importlib.util.find_spec("escpos")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "capabilities.json"


def _fresh(pickle: Path) -> bool:
    """A whole pickle at least as new as its source: python-escpos will only read it."""
    try:
        st = pickle.stat()
    except OSError:
        return False
    source = _source()
    newer = source is not None and source.exists() and source.stat().st_mtime > st.st_mtime
    return st.st_size > 0 and not newer


def _build(target: Path) -> None:
    """Let python-escpos parse and pickle into a directory of this process's own, then
    move the pickle into ``target`` in one rename. In a process that imported
    python-escpos already there is nothing to build: it reads its pickle at import only."""
    if "escpos.capabilities" in sys.modules:
        return
    private = Path(tempfile.mkdtemp(prefix="build-", dir=target))
    try:
        os.environ[VARIABLE] = str(private)
        import escpos.capabilities  # noqa: F401  # parses and pickles into ``private``

        os.replace(private / _name(), target / _name())
    except OSError:
        pass  # the cache stays cold; python-escpos has what it parsed
    finally:
        shutil.rmtree(private, ignore_errors=True)
