"""A CMIS that answers garbage: the hall explains it in the error shape (never a 5xx),
logs it with the request id, and changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import ROOT, HallServer, database_url, free_port
from tests.hallclient import ApiError, Staff

ANSWERS: dict[str, Response] = {
    "PE01000000001": Response("<html>Bảo trì hệ thống</html>", media_type="text/html"),
    "PE01000000002": JSONResponse({"MA_KHANG": "PE01000000002"}),  # fields missing
    "PE01000000003": JSONResponse(
        {
            "MA_KHANG": "PE01000000003",
            "TEN_KHANG": "X",
            "DCHI_KHANG": "Y",
            "MA_DVIQLY": "PE0100",
            "MA_SOGCS": "PE0100A012",
            "TTRANG_CDIEN": "CONNECTED",
            "HOA_DON": [
                {
                    "ID_HDON": 1,
                    "THANG": 10,
                    "NAM": 2026,
                    "KY": 1,
                    "SO_TIEN": -5,
                    "TIEN_GTGT": 0.5,
                    "TONG_TIEN": 10.25,
                    "KIHIEU_SERY": "A",
                    "SO_SERY": "1",
                }
            ],
        }
    ),
    # nested past the stack: a RecursionError once, a 500 at issue or F4
    "PE01000000004": Response("[" * 100_000 + "]" * 100_000, media_type="application/json"),
}


async def debts(request: Request) -> Response:
    return ANSWERS[request.path_params["code"]]


@pytest.fixture(scope="module")
def garbage_cmis() -> Iterator[str]:
    port = free_port()
    app = Starlette(routes=[Route("/v2/customers/{code}/debts", debts)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def hall_on_garbage(
    tmp_path_factory: pytest.TempPathFactory, garbage_cmis: str
) -> Iterator[HallServer]:
    tmp = tmp_path_factory.mktemp("garbage")
    raw: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["database"]["url"] = database_url(Path(tmp))
    raw["cmis"] = {"mode": "remote", "v2_url": garbage_cmis, "timeout_s": 2, "retries": 0}
    hall = HallServer(tmp, raw=raw).start()
    yield hall
    hall.stop()


@pytest.mark.parametrize("code", sorted(ANSWERS))
def test_garbage_from_cmis_is_a_clear_424(hall_on_garbage: HallServer, code: str) -> None:
    reception = Staff(hall_on_garbage.base, "reception", "R1")
    sup = Staff(hall_on_garbage.base, "supervisor", None)
    before = sup.get("/api/snapshot?view=supervisor")["seq"]
    with pytest.raises(ApiError) as err:
        reception.post("/api/tickets", {"customers": [code]})
    assert (err.value.status, err.value.code) == (424, "cmis_bad_answer")
    rid = err.value.body["error"]["details"]["request_id"]
    assert rid and "unreadable" in err.value.body["error"]["message_en"]
    assert sup.get("/api/snapshot?view=supervisor")["seq"] == before
    with pytest.raises(ApiError) as preview:
        reception.get(f"/api/customers/{code}")
    assert preview.value.code == "cmis_bad_answer"
    log = "".join(hall_on_garbage.log)
    assert rid in log, "the bad answer is logged with its request id"
    reception.close()
    sup.close()
