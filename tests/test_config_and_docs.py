"""config.yaml is validated at start naming the bad key; every setting, event, websocket
message and HTTP route is documented; the call policy really is configurable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.routing import Route

from qms import config
from qms.domain.events import EVENT_TYPES
from qms.http.api import routes
from qms.live.ws import CLIENT_MESSAGES
from qms.process.app import create_app
from tests.conftest import ROOT, Customers, HallServer
from tests.hallclient import Staff


def base() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("server", "port"), 70000, "server.port"),
        (("database", "url"), "mysql://x", "database.url"),
        (("bus", "url"), "kafka://x", "bus.url"),
        (("timezone",), "Mars/Olympus", "timezone"),
        (("cmis", "mode"), "v2", "cmis"),
        (("cashier", "call_policy"), "random", "cashier.call_policy"),
        (("branches", 0, "counters", 1, "parity"), None, "branches.0.counters.1"),
        (("branches", 0, "counters", 3, "kind"), "teller", "branches.0.counters.3.kind"),
        (("branches", 0, "id"), "pe0100", "branches.0.id"),
        (("devices", 0, "token_sha256"), "abc", "devices.0.token_sha256"),
        (("server", "prot"), 1, "server.prot"),
        (("bank", "simulator", "faults"), {"lose": {"rate": 2}}, "bank.simulator.faults"),
        (("bank", "simulator", "port"), -1, "bank.simulator.port"),
    ],
)
def test_bad_value_names_its_key(path: tuple[Any, ...], value: object, key: str) -> None:
    raw = base()
    target = raw
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    with pytest.raises(config.ConfigError) as info:
        config.parse(raw)
    assert f"'{key}" in str(info.value)


def test_env_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = base()
    raw["database"]["url"] = {"$env": "QMS_TEST_DB"}
    with pytest.raises(config.ConfigError, match=r"database\.url.*QMS_TEST_DB"):
        config.parse(raw)
    monkeypatch.setenv("QMS_TEST_DB", "sqlite:///elsewhere.db")
    assert config.parse(raw).database.url == "sqlite:///elsewhere.db"


def test_serve_refuses_to_start_on_a_bad_config(tmp_path: Path) -> None:
    raw = base()
    raw["branches"][0]["counters"][3]["kind"] = "teller"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "qms", "serve", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "branches.0.counters.3.kind" in done.stderr
    bad.write_text("server: [unclosed", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "qms", "serve", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "not valid YAML" in done.stderr


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    missing = [key for key, _, _ in config.describe() if f"`{key}`" not in doc]
    assert not missing


def test_every_event_and_message_is_documented() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    assert [e for e in EVENT_TYPES if f"`{e}`" not in doc] == []
    assert [m for m in CLIENT_MESSAGES if f"`{m}`" not in doc] == []


def test_every_route_is_documented() -> None:
    """Every HTTP route of the app (pages and static mounts aside) appears in docs/api.md."""
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    app = create_app(config.load(ROOT / "config.yaml"))
    paths = [r.path for r in app.routes if isinstance(r, Route)]
    assert len(paths) > len(routes)
    for path in paths:
        path = re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)
        if path != "/":
            assert f"`{path}" in doc or f"{path}`" in doc or path in doc, path


def test_ready_first_call_policy(tmp_path: Path, demo: Any) -> None:
    hall = HallServer(tmp_path, cashier__call_policy="ready_first").start()
    pick = Customers(demo)
    reception = Staff(hall.base, "reception", "R1")
    cashier = Staff(hall.base, "cashier1", "C1")
    clerks = {"even": Staff(hall.base, "lookup1", "LE"), "odd": Staff(hall.base, "lookup2", "LO")}
    try:
        cashier.open_drawer()  # no one is called to a counter without an open drawer
        first = reception.post("/api/tickets", {"customers": [pick.take(invoices=1)]})
        second = reception.post("/api/tickets", {"customers": [pick.take(invoices=1)]})
        inv = second["customers"][0]["invoices"][0]
        clerks[inv["lookup"]].post(
            f"/api/tickets/{second['number']}/invoices/{inv['invoice_id']}/found"
        )
        assert cashier.act("call-next")["number"] == second["number"]
        cashier.act("finish", confirm=True, reason="customer_left")
        assert cashier.act("call-next")["number"] == first["number"]
    finally:
        for person in (reception, cashier, *clerks.values()):
            person.close()
        hall.stop()


def test_user_add_creates_an_account_that_signs_in(tmp_path: Path) -> None:
    hall = HallServer(tmp_path)
    cmd = [
        sys.executable,
        "-m",
        "qms",
        "user",
        "add",
        "thungan9",
        "--role",
        "cashier",
        "--name",
        "Ngô Thị Chín",
        "--branch",
        "PE0100",
        "--config",
        str(hall.config),
    ]
    done = subprocess.run(
        cmd, input="short\n", capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 2 and "6 characters" in done.stderr
    done = subprocess.run(
        cmd, input="mật-khẩu-dài\n", capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    hall.start()
    try:
        cashier = Staff(hall.base, "thungan9", "C2", password="mật-khẩu-dài")
        assert cashier.get("/api/me")["principal"]["full_name"] == "Ngô Thị Chín"
        cashier.close()
    finally:
        hall.stop()
