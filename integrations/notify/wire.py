"""What both adapters share: one pooled client, a bounded exchange, and the HTTP
outcomes every gateway means the same by (5xx and 429: not taken; a timeout: unknown)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from integrations.notify.base import Rejected, Unavailable, Unknown

MAX_ANSWER = 64 * 1024  # a gateway's answer is a few hundred bytes


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the date form is not used by these gateways)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class JsonPoster:
    """POST a JSON body, bounded by ``timeout``; the JSON answer, or the error it means."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False)

    async def post(self, body: dict[str, Any], headers: dict[str, str]) -> Any:
        try:
            r = await self._client.post(self.url, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:  # nothing left us
            raise Unavailable(f"gateway unreachable: {type(e).__name__}") from e
        except httpx.TimeoutException as e:  # it may have been taken
            raise Unknown(f"gateway timed out: {type(e).__name__}") from e
        except httpx.HTTPError as e:  # the connection broke mid-answer
            raise Unknown(f"gateway answer lost: {type(e).__name__}") from e
        if r.status_code == 429:
            after = retry_after(r.headers.get("retry-after"))
            raise Unavailable("gateway rate limit", gateway_code="429", retry_after=after)
        if r.status_code >= 500:
            raise Unavailable(f"gateway error {r.status_code}", gateway_code=str(r.status_code))
        if r.status_code >= 400:
            raise Rejected(
                f"gateway refused the request {r.status_code}", gateway_code=str(r.status_code)
            )
        if len(r.content) > MAX_ANSWER:
            raise Unknown("gateway answer too long")
        try:
            return json.loads(r.content)
        except ValueError as e:
            raise Unknown("gateway answer unreadable") from e

    async def aclose(self) -> None:
        await self._client.aclose()
