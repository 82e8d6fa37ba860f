"""What both CMIS adapters share: one pooled httpx client, its settings, its lifecycle,
reading an answer no further than ``MAX_ANSWER`` bytes, nor longer than ``timeout``, and
the metrics of every exchange (both versions pass through ``_exchange``)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Self

import anyio
import httpx
from prometheus_client import Counter, Histogram

#: the most of an answer read: a busy day's payment list is well under it, and a CMIS
#: gone wrong must not fill the server's memory
MAX_ANSWER = 8 * 1024 * 1024

#: one HTTP exchange with CMIS (a retry is another exchange), answered or not
CALL_SECONDS = Histogram(
    "qms_cmis_call_seconds",
    "Time of one HTTP exchange with CMIS, connect to last byte, by CMIS version.",
    ["version"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
#: exchanges that brought no usable answer: timeout, unreachable, 5xx, too long, and
#: CMIS 1.0's busy (096, in an HTTP 200: counted by the 1.0 adapter)
CALL_ERRORS = Counter(
    "qms_cmis_call_errors",
    "CMIS exchanges with no usable answer, by CMIS version and kind "
    "(timeout, unreachable, http_5xx, too_long, busy).",
    ["version", "kind"],
)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer, read whole (a 5xx's body is not read: it says nothing)."""

    status: int
    content: bytes
    content_type: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class TooLong(Exception):
    """The answer went past ``MAX_ANSWER`` bytes; it was not read further."""


class HttpAdapter:
    """Base of the 2.0 and 1.0 adapters; a passed-in ``client`` is the tests' seam."""

    version = ""  # "2.0" or "1.0": the metrics' label

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.05,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("timeout must be > 0, retries and backoff >= 0")
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            # TLS, with the CA bundle, for an https CMIS only: every call goes to
            # base_url and redirects are not followed, so a plain-http one (the simulator,
            # a CMIS on the company's network) never opens TLS, and loading the bundle
            # for it would hold a few MiB of the server's memory for nothing
            verify=self.base_url.startswith("https://"),
        )
        self._timeout = timeout

    async def _exchange(self, method: str, url: str, **request: Any) -> Reply:
        """One request and its answer, read no further than ``MAX_ANSWER`` bytes
        (``TooLong``); httpx's errors pass.

        ``timeout`` bounds the whole exchange, connect to last byte: httpx's own is per
        read, so an answer trickling in a byte a second would hold F4 and the outbox for
        minutes. Past it, ``httpx.ReadTimeout``, which the adapters take for "no answer"."""
        began, error = time.perf_counter(), ""
        try:
            with anyio.fail_after(self._timeout):
                async with self._client.stream(method, url, timeout=self._timeout, **request) as r:
                    body = b"" if r.status_code >= 500 else await _read_capped(r)
                    error = "http_5xx" if r.status_code >= 500 else ""
                    return Reply(r.status_code, body, r.headers.get("content-type", ""))
        except TimeoutError:
            error = "timeout"
            raise httpx.ReadTimeout(f"no whole answer within {self._timeout} s") from None
        except httpx.TransportError as exc:
            error = "timeout" if isinstance(exc, httpx.TimeoutException) else "unreachable"
            raise
        except TooLong:
            error = "too_long"
            raise
        finally:
            CALL_SECONDS.labels(self.version).observe(time.perf_counter() - began)
            if error:
                CALL_ERRORS.labels(self.version, error).inc()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def _read_capped(r: httpx.Response) -> bytes:
    said = r.headers.get("content-length", "")
    if said.isdigit() and int(said) > MAX_ANSWER:
        raise TooLong(f"answer over {MAX_ANSWER} bytes")
    chunks, size = [], 0
    async for chunk in r.aiter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER:
            raise TooLong(f"answer over {MAX_ANSWER} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def request_id() -> str:
    """Sent with every call and carried by every error, so a log line finds its call."""
    return uuid.uuid4().hex[:16]
