"""Devices enrolled at run time: a supervisor enrolls a display or a kiosk and gives it its
token once; revoked, the token is refused at once and the device's live connection is
closed."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Device, Staff


def refused(fn: object, status: int, code: str) -> None:
    with pytest.raises(ApiError) as err:
        fn()  # type: ignore[operator]
    assert (err.value.status, err.value.code) == (status, code), err.value.body


def test_enroll_use_and_revoke_a_display(hall: HallServer, staff: dict[str, Staff]) -> None:
    sup = staff["sup"]
    d = sup.post("/api/devices", {"id": "display-9", "kind": "display"})
    token = d.pop("token")
    assert d["kind"] == "display" and d["revoked_at"] is None and len(token) > 30
    listed = {x["id"]: x for x in sup.get("/api/devices")["devices"]}
    assert listed["display-9"] == d and "token" not in listed["display-9"]

    screen = Device(hall.base, token)
    assert screen.get("/api/events?view=display&limit=1")["events"] is not None
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        ready = json.loads(ws.recv(timeout=10))
        assert ready["principal"]["name"] == "display-9"
        ws.send(json.dumps({"type": "subscribe", "view": "display"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        refused(lambda: screen.get("/api/cash"), 403, "wrong_role")

        revoked = sup.post("/api/devices/display-9/revoke")
        assert revoked["revoked_by"] == "user:supervisor"
        while True:  # the live connection is told, then closed
            msg = json.loads(ws.recv(timeout=10))
            if msg["type"] == "error":
                break
        assert msg["code"] == "device_revoked"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    refused(lambda: screen.get("/api/events?view=display"), 401, "unauthenticated")
    screen.close()
    refused(lambda: sup.post("/api/devices/display-9/revoke"), 409, "device_revoked")
    # a device config.yaml listed was imported on the first start: revoked like any other
    imported = Device(hall.base, "demo-display-2")
    assert imported.get("/api/events?view=display&limit=1")["events"] is not None
    assert sup.post("/api/devices/display-2/revoke")["revoked_by"] == "user:supervisor"
    refused(lambda: imported.get("/api/events?view=display&limit=1"), 401, "unauthenticated")
    refused(lambda: sup.post("/api/devices/nope/revoke"), 404, "unknown_device")
    who = [e["action"] for e in sup.get("/api/audit?actor=user:supervisor")["entries"]]
    assert "device_registry.enroll" in who and "device_registry.revoke" in who


def test_an_enrolled_kiosk_prints_at_its_printer(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = staff["sup"]
    for body, code in [
        ({"id": "Kiosk 2", "kind": "kiosk"}, "invalid_request"),
        ({"id": "kiosk-2", "kind": "toaster"}, "invalid_request"),
        ({"id": "kiosk-2", "kind": "kiosk", "printer": "no-such"}, "invalid_request"),
        ({"id": "kiosk-1", "kind": "kiosk"}, "device_exists"),  # in config.yaml
    ]:
        refused(lambda b=body: sup.post("/api/devices", b), 409 if code == "device_exists" else 400,
                code)  # fmt: skip
    token = sup.post("/api/devices", {"id": "kiosk-2", "kind": "kiosk", "printer": "reception"})[
        "token"
    ]
    refused(lambda: sup.post("/api/devices", {"id": "kiosk-2", "kind": "kiosk"}), 409,
            "device_exists")  # fmt: skip

    def tickets_printed() -> int:
        jobs = sup.get("/api/device-jobs")["jobs"]
        return sum(j["document"] == "ticket" and j["target"] == "reception" for j in jobs)

    before = tickets_printed()
    kiosk = Device(hall.base, token)
    t = kiosk.post("/api/tickets", {"customers": [customers.take()]})
    kiosk.close()
    assert "name" in t["customers"][0] and "address" not in t["customers"][0], "a kiosk's view"
    assert tickets_printed() == before + 1
    entry = sup.get("/api/audit?actor=device:kiosk-2")["entries"][0]
    assert (entry["action"], entry["target"]) == ("tickets.issue", str(t["number"]))
    r = httpx.get(f"{hall.base}/api/devices", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 403
