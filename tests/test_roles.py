"""Role x endpoint: every HTTP route and every websocket message type, asked by every
role (and by nobody), answers as ``qms.usecases.auth.PERMISSIONS`` says: 401 without a sign-in,
403 ``wrong_role`` for a role the table leaves out, anything but those (and never a 5xx)
for one it lets in. A route missing from ROUTES below fails the test: new routes must
say who may call them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route
from websockets.sync.client import connect

from qms import config
from qms.process.app import create_app
from qms.usecases.auth import PERMISSIONS
from tests.conftest import ROOT, HallServer
from tests.routes import BANK_SIGNED, PUBLIC, ROUTES, SIGNED_IN

#: who asks: role -> (username or device token, counter); None is nobody signed in
PEOPLE: dict[str, tuple[str, str | None] | None] = {
    "reception": ("reception", "R1"),
    "lookup": ("lookup1", "LE"),
    "cashier": ("cashier1", "C1"),
    "head_cashier": ("head", "C4"),
    "supervisor": ("supervisor", None),
    "admin": ("admin", None),
    "branch_admin": ("qtchinhanh", None),
    "finance": ("taichinh", None),
    "kiosk": ("demo-kiosk-1", None),
    "display": ("demo-display-1", None),
    "nobody": None,
}
DEVICES = ("kiosk", "display")


def test_every_route_is_in_the_matrix() -> None:
    app = create_app(config.load(ROOT / "config.yaml"))
    declared = {
        (m, r.path)
        for r in app.routes
        if isinstance(r, Route)
        for m in (r.methods or ())
        if m != "HEAD"
    }
    assert declared == set(ROUTES)
    assert {need for _, need in ROUTES.values()} - {PUBLIC, SIGNED_IN, BANK_SIGNED} <= set(
        PERMISSIONS
    )


def test_devices_reach_no_money_and_no_names() -> None:
    """The table itself, for the devices in the hall's public space."""
    may = {d: {a for a, roles in PERMISSIONS.items() if d in roles} for d in DEVICES}
    assert may["display"] == {"events.read", "view.display"}
    # the kiosk's priority button marks the ticket it issues (docs/priority.md): no money
    assert may["kiosk"] == {
        "ticket.issue",
        "ticket.priority",
        "customer.read",
        "events.read",
        "view.display",
    }


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallServer, dict]]:
    hall = HallServer(Path(tmp_path_factory.mktemp("roles"))).start()
    out: dict[str, str | None] = {}
    for role, who in PEOPLE.items():
        if who is None or role in DEVICES:
            out[role] = who[0] if who else None
            continue
        r = httpx.post(
            f"{hall.base}/api/auth/login",
            json={"username": who[0], "password": "demo123", "counter": who[1]},
        )
        r.raise_for_status()
        out[role] = r.json()["token"]
    try:
        yield hall, out
    finally:
        hall.stop()


def allowed(role: str, need: str) -> bool:
    if need == PUBLIC:
        return True
    if role == "nobody":
        return False
    return need == SIGNED_IN or role in PERMISSIONS[need]


def _json(r: httpx.Response) -> dict[str, Any] | None:
    try:
        data = r.json()
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return None
    return data if set(data["error"]) == {"code", "message", "message_en", "details"} else None


VIEWS = {
    "display": "view.display",
    "lookup-even": "view.lookup",
    "lookup-odd": "view.lookup",
    "cashier:C1": "view.cashier",
    "cashier:C2": "view.cashier",
    "supervisor": "view.supervisor",
    "agent": "view.agent",
}


def _frames(url: str, token: str | None, frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send each frame and read its answer (the snapshot for a subscribe)."""
    out = []
    with connect(url, open_timeout=10) as ws:
        if token is not None:
            ws.send(json.dumps({"type": "auth", "token": token}))
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        for f in frames:
            ws.send(json.dumps(f))
            out.append(json.loads(ws.recv(timeout=10)))
    return out


def test_every_role_on_every_websocket_message(
    tokens: tuple[HallServer, dict[str, str | None]],
) -> None:
    hall, people = tokens
    wrong = []
    for role, token in people.items():
        if role == "nobody":
            first = _frames(hall.ws_url, None, [{"type": "ping"}, {"type": "subscribe"}])
            assert first[0]["type"] == "pong" and first[1]["code"] == "unauthenticated"
            continue
        if token is None:
            continue
        for view, need in VIEWS.items():
            (answer,) = _frames(hall.ws_url, token, [{"type": "subscribe", "view": view}])
            ok = role in PERMISSIONS[need]
            if role in ("cashier", "head_cashier") and view.startswith("cashier:"):
                ok = view == f"cashier:{PEOPLE[role][1]}"  # type: ignore[index]
            if ok and answer["type"] == "error":
                wrong.append(f"{role} on {view}: {answer['code']}, but {need} lets it in")
            if not ok and answer.get("code") not in ("wrong_role", "wrong_counter"):
                wrong.append(f"{role} on {view}: {answer.get('type')}, but it is kept out")
        resume, ack = _frames(
            hall.ws_url,
            token,
            [{"type": "resume", "since": 0}, {"type": "ack", "job": 1, "ok": True}],
        )
        if resume.get("code") != "not_subscribed" or ack.get("code") != "wrong_role":
            wrong.append(f"{role}: resume {resume.get('code')}, ack {ack.get('code')}")
    assert wrong == []


def test_a_token_in_a_cookie_opens_nothing(
    tokens: tuple[HallServer, dict[str, str | None]],
) -> None:
    """No cookie is a credential, so a page of another site cannot act for a signed-in
    person (no CSRF to defend against): only the Authorization header counts."""
    hall, people = tokens
    cookies = {"token": str(people["admin"]), "session": str(people["admin"])}
    signed = {"authorization": f"Bearer {people['admin']}"}
    assert httpx.get(f"{hall.base}/api/me", headers=signed).status_code == 200, "a live token"
    with httpx.Client(base_url=hall.base, cookies=cookies) as http:
        r = http.post("/api/cash/day/close")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_every_role_on_every_route(tokens: tuple[HallServer, dict[str, str | None]]) -> None:
    hall, people = tokens
    wrong = []
    with httpx.Client(base_url=hall.base, timeout=60) as http:
        for (method, _), (url, need) in ROUTES.items():
            for role, token in people.items():
                if url in ("/api/auth/logout", "/api/auth/password") and role in DEVICES:
                    continue  # a device token is no session and has no password
                headers = {"authorization": f"Bearer {token}"} if token else {}
                r = http.request(
                    method, url, headers=headers, json={} if method == "POST" else None
                )
                body = _json(r)
                code = (body or {}).get("error", {}).get("code")
                got = f"{r.status_code} {code}"
                if "set-cookie" in r.headers:  # bearer tokens only: no ambient authority
                    wrong.append(f"{method} {url} as {role}: sets a cookie")
                if r.status_code >= 500:
                    wrong.append(f"{method} {url} as {role}: {got}")
                elif need == BANK_SIGNED:  # no token opens it, whoever holds one
                    if (r.status_code, code) != (401, "bad_signature"):
                        wrong.append(f"{method} {url} as {role}: {got}, but it needs a signature")
                elif url.startswith("/api/") and r.status_code >= 400 and body is None:
                    wrong.append(f"{method} {url} as {role}: not the error shape: {r.text[:80]}")
                elif allowed(role, need) and (r.status_code == 401 or code == "wrong_role"):
                    wrong.append(f"{method} {url} as {role}: {got}, but {need} lets it in")
                elif not allowed(role, need):
                    keep_out = (401, "unauthenticated") if role == "nobody" else (403, "wrong_role")
                    if (r.status_code, code) != keep_out:
                        wrong.append(f"{method} {url} as {role}: {got}, but {need} keeps it out")
    assert wrong == []
