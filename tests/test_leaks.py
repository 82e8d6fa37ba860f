"""Smaller leaks (issue 24, item 6): a hostile ``Host`` header never reaches a redirect,
the page mounts serve page files and not the packages' Python, the access log never
holds a device's token, and the counters are listed only to someone of their branch.
The follow QR's side of the ``Host`` header is in tests/test_follow_search_stats.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.conftest import HallServer
from tests.hallclient import Device, Staff

OTHER = "PE0200"
HOSTILE = {"host": "attacker.example"}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """The demo hall with a second branch, its access log on (``--log-level info``)."""
    server = HallServer(tmp_path_factory.mktemp("leaks"), log_level="info")
    raw = yaml.safe_load(server.config.read_text(encoding="utf-8"))
    first = raw["branches"][0]
    raw["branches"].append({**first, "id": OTHER, "name": "Điện lực Chợ Lớn",
                            "collection_point": f"{OTHER}-HALL1"})  # fmt: skip
    server.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with server.running():
        cmd = ["user", "add", "letan-cl", "--role", "reception", "--name", "Lý Thị Đón"]
        done = subprocess.run(
            [sys.executable, "-m", "qms", *cmd, "--branch", OTHER, "--config", str(server.config)],
            input="cho-lon-1\n", text=True, capture_output=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        yield server


@pytest.mark.parametrize("path", ["/kiosk", "/counters", "/displays", "/"])
def test_redirects_never_name_the_host_header(hall: HallServer, path: str) -> None:
    r = httpx.get(hall.base + path, headers=HOSTILE, follow_redirects=False)
    assert 300 <= r.status_code < 400
    location = r.headers["location"]
    assert "attacker" not in location and location.startswith("/") and location[1:2] != "/"
    assert httpx.get(hall.base + location).status_code == 200


@pytest.mark.parametrize(
    "path", ["/displays/__init__.py", "/kiosk/__init__.py", "/counters/__init__.py",
             "/static/vendor/README.md"],
)  # fmt: skip
def test_page_mounts_serve_no_python(hall: HallServer, path: str) -> None:
    r = httpx.get(hall.base + path)
    assert r.status_code == 404 and "import" not in r.text


def test_page_mounts_still_serve_the_pages(hall: HallServer) -> None:
    for path in ("/kiosk/", "/kiosk/kiosk.js", "/counters/counters.css", "/static/favicon.svg",
                 "/displays/index.html"):  # fmt: skip
        assert httpx.get(hall.base + path).status_code == 200, path


def test_the_access_log_redacts_tokens(hall: HallServer) -> None:
    assert httpx.get(f"{hall.base}/kiosk/?token=demo-kiosk-1&lang=vi").status_code == 200
    assert httpx.get(f"{hall.base}/displays/?x=1&Token=demo-display-1").status_code == 200
    hall.wait_line("Token=[redacted]")  # the access log's line of the second request
    access = "".join(line for line in hall.log if '"GET ' in line)  # the banner aside
    assert "/kiosk/?token=[redacted]&lang=vi" in access
    assert "demo-kiosk-1" not in access and "demo-display-1" not in access


def test_counters_are_listed_to_their_branch_only(hall: HallServer) -> None:
    r = httpx.get(f"{hall.base}/api/counters")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    here = Staff(hall.base, "reception", "R1")
    there = Staff(hall.base, "letan-cl", None, password="cho-lon-1")
    kiosk = Device(hall.base, "demo-kiosk-1")
    try:
        for who, branch in ((here, "PE0100"), (there, OTHER), (kiosk, "PE0100")):
            listed = who.get("/api/counters")["branches"]
            assert [b["id"] for b in listed] == [branch]
            assert {c["code"] for c in listed[0]["counters"]} >= {"C1", "R1"}
    finally:
        for who in (here, there, kiosk):
            who.close()
