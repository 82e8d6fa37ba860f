"""The inputs that once answered 500 with a traceback (issue 24 item 3), one family per
test: each is refused in the one error shape (400, or an ``error`` frame on a socket that
stays open), the hall's state is unchanged, and the server logs no exception."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import HallServer, postgres_database, require_redis
from tests.routes import ROUTES

AGENT_TOKEN = "no-5xx-agent-token"
DEEP = "[" * 5000 + "]" * 5000
#: bodies json.loads accepts (or crashes on) that no column, page or printer can hold
BODIES = {
    "deep": '{"customers": ' + DEEP + "}",
    "deep_within_recursion_limit": '{"a": ' + "[" * 200 + "]" * 200 + "}",
    "lone_surrogate": '{"username": "\\ud800", "password": "x", "customers": ["\\udfff"]}',
    "surrogate_key": '{"\\ud800": 1}',
    "int_2_64": '{"amount": 18446744073709551616, "invoices": [18446744073709551616], "id": 1}',
    "nan": '{"amount": NaN, "float": Infinity}',
    "huge_float": '{"amount": 1e400}',
}
POSTS = sorted(url for (method, _), (url, _) in ROUTES.items() if method == "POST")
BIG = str(2**70)
#: (method, url, body): path and query integers, and fields of the wrong kind
PARAMS = [
    ("GET", f"/api/tickets/{BIG}", None),
    ("GET", f"/api/tickets/{2**63}", None),
    ("GET", f"/api/tickets/{2**31}", None),  # PostgreSQL's integer column: a 500 there
    ("POST", f"/api/cash/movements/{2**31}/withdraw", None),
    ("POST", f"/api/tickets/{BIG}/reopen", None),
    ("POST", f"/api/tickets/1/invoices/{BIG}/found", None),
    ("POST", f"/api/cash/movements/{BIG}/withdraw", None),
    ("POST", f"/api/cash/drawers/{BIG}/approve", {"note": "đã kiểm"}),
    ("POST", f"/api/device-jobs/{BIG}/retry", None),
    ("POST", f"/api/device-jobs/{BIG}/reprint", None),
    ("GET", "/api/events?since=²", None),
    ("GET", "/api/events?limit=①", None),
    ("GET", f"/api/events?since={BIG}", None),
    ("GET", "/api/customers?by=name&q=Nguy&limit=²", None),
    ("POST", "/api/devices", {"id": "kiosk-9", "kind": "kiosk", "printer": ["kiosk-1"]}),
    ("POST", "/api/counters/C4/collect", {"invoices": [2**31], "amount": 1}),
    ("POST", "/api/cash/drawer/close", {"counted": 0, "notes": {"²": 1}}),
]
#: websocket frames, each refused with an error frame on a connection kept open
FRAMES = {
    "since_2_70": '{"type": "subscribe", "view": "supervisor", "since": ' + BIG + "}",
    "resume_2_70": '{"type": "resume", "since": ' + BIG + "}",
    "token_surrogate": '{"type": "auth", "token": "\\ud800"}',
    "deep": '{"type": "subscribe", "view": ' + "[" * 1800 + "]" * 1800 + "}",
    "nan": '{"type": "subscribe", "view": "supervisor", "since": NaN}',
}
#: an agent's acks
ACKS = {
    "job_2_70": '{"type": "ack", "job": ' + BIG + ', "ok": true}',
    "job_surrogate": '{"type": "ack", "job": 1, "ok": false, "error": "\\udc00"}',
    "job_deep": '{"type": "ack", "job": 1, "ok": false, "error": ' + DEEP[:3000] + "}",
}


SCALE_OUT = True  # every family on SQLite, and on PostgreSQL with Redis


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[HallServer]:
    server = HallServer(Path(tmp_path_factory.mktemp("no5xx")))
    digest = hashlib.sha256(AGENT_TOKEN.encode()).hexdigest()
    agent = {"id": "agent-1", "kind": "agent", "branch": "PE0100", "token_sha256": digest}
    server.edit_config(lambda raw: raw["devices"].append(agent))
    with contextlib.ExitStack() as stack:
        if backend == "postgres+redis":
            bus_url = require_redis()
            url = stack.enter_context(postgres_database())
            server.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus_url}))
        with server.running():
            yield server


@pytest.fixture(scope="module")
def head(hall: HallServer) -> Iterator[httpx.Client]:
    """The head cashier at C4: a role that may do most things (as the fuzzer's)."""
    client = httpx.Client(base_url=hall.base, timeout=30)
    r = client.post(
        "/api/auth/login", json={"username": "head", "password": "demo123", "counter": "C4"}
    )
    client.headers["Authorization"] = f"Bearer {r.json()['token']}"
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(hall: HallServer) -> Iterator[httpx.Client]:
    client = httpx.Client(base_url=hall.base, timeout=30)
    r = client.post("/api/auth/login", json={"username": "admin", "password": "demo123"})
    client.headers["Authorization"] = f"Bearer {r.json()['token']}"
    yield client
    client.close()


def seq(client: httpx.Client) -> int:
    """The branch's last event: any change the hall made moves it."""
    return int(client.get("/api/snapshot?view=supervisor").json()["seq"])


def refused(r: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    err: dict[str, Any] = r.json()["error"]
    assert set(err) == {"code", "message", "message_en", "details"} and err["message"]
    return err


def quiet(hall: HallServer, mark: int) -> None:
    """Nothing logged as an error or an exception since ``mark`` (a log line count)."""
    since = "".join(hall.log[mark:])
    assert "Traceback" not in since and "ERROR" not in since, since[-2000:]


@pytest.mark.parametrize("body", sorted(BODIES))
def test_a_body_no_column_can_hold_is_refused_on_every_post_route(
    hall: HallServer, head: httpx.Client, body: str
) -> None:
    mark, before = len(hall.log), seq(head)
    anonymous = httpx.post(
        f"{hall.base}/api/auth/login",
        content=BODIES[body],
        headers={"content-type": "application/json"},
    )
    assert refused(anonymous)["code"] == "malformed_json"  # before anyone signed in
    read = set()
    for url in POSTS:
        if url == "/api/auth/logout":
            continue  # a body it never reads; it would end the session the others use
        r = head.post(url, content=BODIES[body], headers={"content-type": "application/json"})
        err = refused(r, r.status_code)  # 4xx: some refuse the role or path first
        assert 400 <= r.status_code < 500, (url, r.status_code)
        if err["code"] == "malformed_json":
            read.add(url)
    assert {"/api/tickets", "/api/counters/C1/recall", "/api/cash/movements"} <= read
    assert seq(head) == before
    quiet(hall, mark)


@pytest.mark.parametrize(("method", "url", "body"), PARAMS, ids=[p[1] for p in PARAMS])
def test_path_and_query_integers_and_odd_fields_are_refused(
    hall: HallServer, admin: httpx.Client, head: httpx.Client, method: str, url: str, body: Any
) -> None:
    mark, before = len(hall.log), seq(head)
    client = admin if url.startswith("/api/devices") else head
    r = client.request(method, url, json=body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    refused(r, r.status_code)
    assert seq(head) == before
    quiet(hall, mark)


def _ping(ws: Any) -> dict[str, Any]:
    """The connection still answers after the refusal."""
    ws.send('{"type": "ping"}')
    while True:
        msg = json.loads(ws.recv(timeout=10))
        if msg["type"] == "pong":
            return msg


@pytest.mark.parametrize("frame", sorted(FRAMES))
def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays(
    hall: HallServer, head: httpx.Client, frame: str
) -> None:
    mark, before = len(hall.log), seq(head)
    token = head.headers["Authorization"].split()[1]
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(f'{{"type": "auth", "token": "{token}"}}')
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        if frame == "resume_2_70":
            ws.send('{"type": "subscribe", "view": "supervisor"}')
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        ws.send(FRAMES[frame])
        msg = json.loads(ws.recv(timeout=10))
        assert msg["type"] == "error" and msg["code"] == "malformed_frame", msg
        assert set(msg) == {"type", "code", "message", "message_en", "details"}
        _ping(ws)
    assert seq(head) == before
    quiet(hall, mark)


@pytest.mark.parametrize("ack", sorted(ACKS))
def test_an_agents_bad_ack_gets_an_error_frame_and_the_agent_stays(
    hall: HallServer, head: httpx.Client, ack: str
) -> None:
    mark, before = len(hall.log), seq(head)
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(f'{{"type": "auth", "token": "{AGENT_TOKEN}"}}')
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        ws.send('{"type": "subscribe", "view": "agent"}')
        ws.send(ACKS[ack])
        while True:
            msg = json.loads(ws.recv(timeout=10))
            if msg["type"] != "job":  # jobs handed over at subscribe come first
                break
        assert msg["type"] == "error" and msg["code"] == "malformed_frame", msg
        _ping(ws)
    assert seq(head) == before
    quiet(hall, mark)


def test_a_big_halls_amounts_are_kept_on_every_database(
    hall: HallServer, head: httpx.Client, backend: str
) -> None:
    """A head cashier's day can pass 2.147.483.647 đ (PostgreSQL's ``integer``, where a
    3-tỷ float was a 500, then a refusal): money columns are 64-bit (migration 0009), so
    the amount is kept, to the đồng, on SQLite and PostgreSQL alike."""
    mark = len(hall.log)
    cashier = httpx.Client(base_url=hall.base, timeout=30)
    r = cashier.post(
        "/api/auth/login", json={"username": "cashier1", "password": "demo123", "counter": "C1"}
    )
    cashier.headers["Authorization"] = f"Bearer {r.json()['token']}"
    r = cashier.post("/api/cash/drawer/open", json={"float": 3 * 10**9 + 7})
    assert r.status_code == 201, (backend, r.text)
    drawer = cashier.get("/api/cash/mine").json()["drawer"]
    assert drawer["balance"]["float"] == 3 * 10**9 + 7
    cashier.close()
    quiet(hall, mark)
