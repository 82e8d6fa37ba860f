"""The simulated notification gateway: one app serving an SMS brandname API (eSMS.vn's
shape) and Zalo ZNS's send-by-phone, as integrations/notify/sms.py and zalo.py speak
them, with an inbox a test (or a person at the demo) reads.

Like a real gateway it deduplicates by the sender's key (RequestId, tracking_id): a
repeat answers the first send's id and delivers nothing new. Faults (faults.py) make it
fail, hang after taking a message, rate-limit, or refuse a number."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.notify.base import SMS_PATH, ZNS_PATH
from integrations.notify.simulator.faults import Faults, normal

SMS_FIELDS = ("ApiKey", "SecretKey", "Phone", "Content", "Brandname", "SmsType", "RequestId")


@dataclass
class Delivered:
    """A message that reached the phone (once per key)."""

    seq: int
    key: str
    channel: str  # sms | zalo
    phone: str  # 84...
    gateway_id: str
    text: str  # the SMS's content; a ZNS's template id and data are apart
    template_id: str | None
    template_data: dict[str, Any] | None
    request: dict[str, Any]  # the body as received, for the adapters' tests
    credential: str  # the ApiKey or the access_token header it came with
    at: float

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "at"}


@dataclass
class State:
    faults: Faults
    inbox: list[Delivered] = field(default_factory=list)
    by_key: dict[str, str] = field(default_factory=dict)  # key -> gateway id
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("delivered", "repeats", "rate_limited", "failed", "rejected", "hung"), 0
        )
    )
    window: deque[float] = field(default_factory=deque)  # the last second's sends taken
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def gate(self) -> Response | None:
        """Rate limit and outage, before anything is taken."""
        now = time.monotonic()
        rate = self.faults.rate_per_s
        if rate > 0:
            while self.window and self.window[0] <= now - 1.0:
                self.window.popleft()
            if len(self.window) >= rate:
                self.counts["rate_limited"] += 1
                wait = max(1, math.ceil(self.window[0] + 1.0 - now))
                return JSONResponse(
                    {"error": "rate limit"}, status_code=429, headers={"Retry-After": str(wait)}
                )
        if self.faults.fail_next > 0:
            self.faults.fail_next -= 1
            self.counts["failed"] += 1
            return JSONResponse({"error": "unavailable"}, status_code=503)
        self.window.append(now)
        return None

    def take(self, d: dict[str, Any]) -> Delivered:
        seq = len(self.inbox) + 1
        prefix = "SMS" if d["channel"] == "sms" else "ZNS"
        item = Delivered(seq=seq, gateway_id=f"{prefix}-{next(self.ids):06d}", at=time.time(), **d)
        self.inbox.append(item)
        self.by_key[item.key] = item.gateway_id
        self.counts["delivered"] += 1
        return item

    async def hold(self) -> None:
        """A hang: the message is taken, its answer held past the sender's timeout."""
        if self.faults.hang_next > 0:
            self.faults.hang_next -= 1
            self.counts["hung"] += 1
            await asyncio.sleep(self.faults.hang_s)


async def _json(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def create_app(faults: Faults | None = None) -> Starlette:
    state = State(faults or Faults())

    async def sms(request: Request) -> Response:
        body = await _json(request)
        if body is None:
            return JSONResponse({"CodeResult": "110", "ErrorMessage": "bad JSON"})
        missing = [f for f in SMS_FIELDS if not isinstance(body.get(f), str) or not body[f]]
        if "ApiKey" in missing or "SecretKey" in missing:
            return JSONResponse({"CodeResult": "101", "ErrorMessage": "Incorrect ApiKey"})
        if missing:
            return JSONResponse({"CodeResult": "110", "ErrorMessage": f"missing {missing}"})
        if (refused := state.gate()) is not None:
            return refused
        key = body["RequestId"]
        if key in state.by_key:
            state.counts["repeats"] += 1
            return JSONResponse({"CodeResult": "100", "SMSID": state.by_key[key]})
        phone = normal(body["Phone"])
        if phone in state.faults.reject:
            state.counts["rejected"] += 1
            return JSONResponse({"CodeResult": "99", "ErrorMessage": "phone number blocked"})
        item = state.take(
            {
                "key": key, "channel": "sms", "phone": phone, "text": body["Content"],
                "template_id": None, "template_data": None, "request": body,
                "credential": body["ApiKey"],
            }
        )  # fmt: skip
        await state.hold()
        return JSONResponse({"CodeResult": "100", "SMSID": item.gateway_id, "CountRegenerate": 0})

    async def zns(request: Request) -> Response:
        token = request.headers.get("access_token", "")
        if not token:
            return JSONResponse({"error": -124, "message": "Access token invalid"})
        body = await _json(request)
        ok = (
            body is not None
            and all(isinstance(body.get(f), str) and body[f] for f in ("phone", "template_id"))
            and isinstance(body.get("template_data"), dict)
            and body["template_data"]
        )
        if body is None or not ok:
            return JSONResponse({"error": -111, "message": "Template data empty or invalid"})
        if (refused := state.gate()) is not None:
            return refused
        key = body.get("tracking_id") or f"untracked-{next(state.ids)}"
        if key in state.by_key:
            state.counts["repeats"] += 1
            return JSONResponse({"error": 0, "message": "Success", "data": _zns(state.by_key[key])})
        phone = normal(body["phone"])
        if phone in state.faults.reject:
            state.counts["rejected"] += 1
            return JSONResponse({"error": -108, "message": "Phone number invalid"})
        item = state.take(
            {
                "key": key, "channel": "zalo", "phone": phone, "text": "",
                "template_id": body["template_id"], "template_data": body["template_data"],
                "request": body, "credential": token,
            }
        )  # fmt: skip
        await state.hold()
        return JSONResponse({"error": 0, "message": "Success", "data": _zns(item.gateway_id)})

    async def messages(request: Request) -> Response:
        phone = request.query_params.get("phone")
        items = [m for m in state.inbox if phone is None or m.phone == normal(phone)]
        return JSONResponse({"messages": [m.as_json() for m in items], "counts": state.counts})

    async def faults_(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            try:
                state.faults.update(body if body is not None else {"?": None})
            except ValueError as e:
                return JSONResponse({"error": str(e)}, status_code=400)
        return JSONResponse(state.faults.as_json())

    app = Starlette(
        routes=[
            Route(SMS_PATH, sms, methods=["POST"]),
            Route(ZNS_PATH, zns, methods=["POST"]),
            Route("/messages", messages),
            Route("/faults", faults_, methods=["GET", "POST"]),
        ]
    )
    app.state.sim = state
    return app


def _zns(msg_id: str) -> dict[str, Any]:
    return {"msg_id": msg_id, "sent_time": str(int(time.time() * 1000))}
