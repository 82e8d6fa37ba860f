"""Fuzzing the HTTP API and the websocket protocol with hypothesis: whatever the body,
the query or the frame, the server answers in the one error shape and never with a 5xx.
Bounded: a fixed number of examples, no shrinking deadline, a real server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from tests.conftest import HallServer
from tests.routes import ROUTES

EXAMPLES = 60
KEYS = [
    "customers", "number", "invoices", "amount", "tendered", "to", "ticket", "reason",
    "float", "counted", "deposit", "side", "cashier", "note", "id", "kind", "printer",
    "username", "password", "counter", "view", "since", "token", "type", "job", "ok",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["C1", "PE01000000001", "out", "in", "found", "not_enough_money", "1"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=6)
POSTS = sorted(url for (method, _), (url, _) in ROUTES.items() if method == "POST")
GETS = sorted(url.split("?")[0] for (method, _), (url, _) in ROUTES.items() if method == "GET")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def fuzz_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HallServer, str]]:
    hall = HallServer(Path(tmp_path_factory.mktemp("fuzz"))).start()
    r = httpx.post(
        f"{hall.base}/api/auth/login",
        json={"username": "head", "password": "demo123", "counter": "C4"},
    )
    try:
        yield hall, r.json()["token"]  # a role that may do most things
    finally:
        hall.stop()


def shape_ok(r: httpx.Response) -> bool:
    if r.status_code < 400:
        return True
    try:
        err = r.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return set(err) == {"code", "message", "message_en", "details"} and isinstance(err["code"], str)


@FUZZ
@given(url=st.sampled_from(POSTS), body=bodies, raw=st.booleans())
def test_post_bodies(fuzz_hall: tuple[HallServer, str], url: str, body: Any, raw: bool) -> None:
    hall, token = fuzz_hall
    if url == "/api/auth/logout":
        return  # it would end the session the other examples use
    content = json.dumps(body).encode() if not raw else json.dumps(body)[:-1].encode()
    r = httpx.post(
        f"{hall.base}{url}",
        content=content,
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code < 500 and shape_ok(r), (url, body, r.status_code, r.text[:200])


@FUZZ
@given(
    url=st.sampled_from(GETS),
    query=st.dictionaries(
        st.sampled_from(["date", "from", "to", "level", "branch", "format", "view", "since",
                         "limit", "status", "by", "q", "actor", "hall"]),
        st.text(max_size=12) | st.sampled_from(["2026-02-30", "-1", "99999999999", "csv"]),
        max_size=4,
    ),
)  # fmt: skip
def test_get_queries(fuzz_hall: tuple[HallServer, str], url: str, query: dict[str, str]) -> None:
    hall, token = fuzz_hall
    r = httpx.get(
        f"{hall.base}{url}",
        params=query,
        headers={"authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert r.status_code < 500, (url, query, r.status_code, r.text[:200])
    if url.startswith("/api/"):
        assert shape_ok(r), (url, query, r.text[:200])


@FUZZ
@given(frames=st.lists(values | bodies, min_size=1, max_size=4))
def test_websocket_frames(fuzz_hall: tuple[HallServer, str], frames: list[Any]) -> None:
    hall, token = fuzz_hall
    with connect(hall.ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        for f in frames:
            ws.send(json.dumps(f))
            answer = json.loads(ws.recv(timeout=10))
            if answer["type"] == "error":
                assert set(answer) == {"type", "code", "message", "message_en", "details"}, answer
                if answer["code"] == "unauthenticated":
                    break  # a bad token in an auth frame: the server closes (4401)
            else:
                assert answer["type"] in ("snapshot", "pong", "event", "job"), answer
                break  # subscribed: events may follow, the frame was understood
