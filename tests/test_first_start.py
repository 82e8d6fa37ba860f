"""A new user's first minute: `qms serve` in a folder with no config.yaml starts the demo
hall from the packaged defaults, and its banner gives every page's link (a demo device's
with its token) and the demo accounts, at every start, not only the first."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from qms import config
from qms.storage import db, migrate
from qms.usecases.auth import DEMO_PASSWORD, DEMO_STAFF, seed_demo_staff
from tests.conftest import ROOT, HallServer, free_port


def test_packaged_defaults_are_the_repository_config() -> None:
    """One demo hall: the repository's config.yaml is the file shipped in the package (a
    link to it), so the two can never drift apart."""
    assert (ROOT / "config.yaml").resolve() == config.PACKAGED_DEFAULTS.resolve()
    assert config.load(config.PACKAGED_DEFAULTS).devices


@pytest.fixture
def empty_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder with no config.yaml, whose database already holds the demo accounts, as
    after a first start: this start must list them all the same."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'data' / 'qms.db'}")
    migrate.ensure_schema(engine)
    seed_demo_staff(engine, "PE0100")
    engine.dispose()
    assert not (tmp_path / "config.yaml").exists()
    yield tmp_path


def test_serve_without_config_starts_the_demo_hall(empty_folder: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "QMS_DATABASE_URL"}
    cmd = [sys.executable, "-m", "qms", "serve", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(
        cmd, cwd=empty_folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        while not log or "hall ready" not in log[-1]:
            line = lines.get(timeout=60)
            assert line, "qms serve exited:\n" + "".join(log)
            log.append(line)
        banner = "".join(log)
        base = f"http://127.0.0.1:{port}"
        assert "no config.yaml" in banner and str(config.PACKAGED_DEFAULTS) in banner
        assert f"{base}/kiosk/?token=demo-kiosk-1" in banner
        assert f"{base}/displays/?token=demo-display-1" in banner
        assert f"{base}/displays/?token=demo-display-2" in banner
        assert f"{base}/counters/" in banner
        assert f"password {DEMO_PASSWORD}" in banner
        for username, _, _ in DEMO_STAFF:
            assert username in banner, username
        assert "announcements:" in banner
        assert httpx.get(f"{base}/healthz", timeout=10).json()["status"] == "ok"
        kiosk = httpx.get(f"{base}/kiosk/?token=demo-kiosk-1", timeout=10)
        assert kiosk.status_code == 200 and "<html" in kiosk.text.lower()
        signed_in = httpx.post(
            f"{base}/api/auth/login",
            json={"username": "supervisor", "password": DEMO_PASSWORD},
            timeout=10,
        )
        assert signed_in.status_code == 200, signed_in.text
        assert (empty_folder / "data" / "qms.db").exists()  # the hall's data lives here
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


def test_first_start_banner_lists_the_accounts_it_made(tmp_path: Path) -> None:
    """On a new database the banner names the accounts just made, the same way."""
    server = HallServer(tmp_path).start()
    try:
        banner = "".join(server.log)
    finally:
        server.stop()
    assert f"{server.base}/kiosk/?token=demo-kiosk-1" in banner
    assert f"config: {server.config}" in banner
    assert "    cashier: cashier1, cashier2, cashier3" in banner
    assert banner.rstrip().splitlines()[-1].startswith(f"qms: hall ready at {server.base}")
