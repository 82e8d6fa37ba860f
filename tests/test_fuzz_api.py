"""The whole API fuzzed from its own OpenAPI document (issue 24 item 7): Schemathesis makes
requests that follow each operation's schema and requests that break it, against a real
server on loopback, signed in as the head cashier. Whatever it sends: never a 5xx, and
every refusal in the one error shape. Bounded: a few examples per operation and mode."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import HallServer

#: examples per operation and mode: about 80 operations x 2 modes
EXAMPLES = 8
#: the whole fuzz stops starting new operations past this (seconds)
BUDGET_S = 90
SKIP = {"POST /api/auth/logout"}  # it would end the session the others use


SCALE_OUT = True  # on SQLite, and on PostgreSQL with Redis (its integer columns differ)


@pytest.fixture(scope="module")
def served(hall: HallServer) -> tuple[HallServer, str]:
    r = httpx.post(
        f"{hall.base}/api/auth/login",
        json={"username": "head", "password": "demo123", "counter": "C4"},
    )
    return hall, r.json()["token"]


def shape(r: Any) -> str | None:
    """What is wrong with a refusal's body, or None."""
    try:
        body = r.json()
    except ValueError:
        return f"not JSON: {r.text[:80]!r}"
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or set(err) != {"code", "message", "message_en", "details"}:
        return f"not the error shape: {body!r:.200}"
    if not isinstance(err["code"], str) or not isinstance(err["details"], dict):
        return f"code or details of the wrong type: {err!r:.200}"
    return None


def where_of(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def fuzz(operation: Any, mode: GenerationMode, base: str, auth: dict[str, str],
         page: bool) -> list[str]:  # fmt: skip
    """``EXAMPLES`` requests to ``operation`` in ``mode``: what went wrong."""
    problems: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        r = case.call(base_url=base, headers=auth, timeout=30)
        where = (
            f"{case.method} {case.formatted_path} ({mode.value}; {case.as_curl_command()[:300]})"
        )
        if r.status_code >= 500:
            problems.append(f"{where}: {r.status_code} {r.text[:200]}")
        elif r.status_code >= 400 and not page and (wrong := shape(r)):
            problems.append(f"{where}: {r.status_code} {wrong}")

    try:
        call()
    except Unsatisfiable:  # nothing to break (no parameters, no body)
        assert mode is GenerationMode.NEGATIVE, where_of(operation)
    return problems


def test_no_input_gets_a_5xx_and_every_refusal_has_the_shape(
    served: tuple[HallServer, str],
) -> None:
    hall, token = served
    doc = httpx.get(f"{hall.base}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(doc)
    auth = {"Authorization": f"Bearer {token}"}
    problems: list[str] = []
    done, total = 0, 0
    deadline = time.monotonic() + BUDGET_S
    for result in schema.get_all_operations():
        operation = result.ok()
        total += 1
        if where_of(operation) in SKIP or time.monotonic() > deadline:
            continue
        page = doc["paths"][operation.path][operation.method.lower()].get("x-page", False)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += fuzz(operation, mode, hall.base, auth, page)
        done += 1
    assert not problems, "\n".join(problems[:20])
    assert done == total - len(SKIP), f"fuzzed {done} of {total} operations in {BUDGET_S} s"
    log = "".join(hall.log)
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
