"""`./scripts/serve` installs qms only when pyproject.toml (or python3) changed since the
last install, so a second start takes seconds, not a reinstall (17 s and more).

Run on a copy of the script in a folder of stand-ins: `.venv/bin/pip` and `.venv/bin/qms`
write down how they were called, and a `python3` first on PATH does so for `-m venv` (and
runs the real one otherwise): what the script would have installed, with nothing
installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "{calls}"
"""
PYTHON = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    echo "python3 $*" >> "{calls}"
    exit 0
fi
exec "{python}" "$@"
"""


def _stand_in(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def test_serve_reinstalls_only_after_pyproject_changed(tmp_path: Path) -> None:
    repo, calls = tmp_path / "repo", tmp_path / "calls.txt"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "serve", repo / "scripts" / "serve")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    for tool in ("pip", "qms"):
        _stand_in(repo / ".venv" / "bin" / tool, STAND_IN.format(calls=calls))
    _stand_in(tmp_path / "bin" / "python3", PYTHON.format(calls=calls, python=sys.executable))
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def serve() -> list[str]:
        calls.unlink(missing_ok=True)
        done = subprocess.run(
            [repo / "scripts" / "serve", "--port", "9999"], env=env, timeout=60, check=False
        )
        assert done.returncode == 0
        return calls.read_text(encoding="utf-8").splitlines()

    first = serve()  # no stamp yet: installs, then serves
    assert first == ["python3 -m venv .venv", "pip install -q --disable-pip-version-check -e .",
                     "qms serve --port 9999"]  # fmt: skip
    assert serve() == ["qms serve --port 9999"]  # nothing changed: straight to serving
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("\n# a new dependency\n")
    assert serve() == first
    assert serve() == ["qms serve --port 9999"]
