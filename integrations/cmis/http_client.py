"""What both CMIS adapters share: one pooled httpx client, its settings and its lifecycle."""

from __future__ import annotations

import uuid
from typing import Self

import httpx


class HttpAdapter:
    """Base of the 2.0 and 1.0 adapters; a passed-in ``client`` is the tests' seam."""

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
            # for it cost the server ~3 MiB of memory (docs/benchmarks.md)
            verify=self.base_url.startswith("https://"),
        )
        self._timeout = timeout

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def request_id() -> str:
    """Sent with every call and carried by every error, so a log line finds its call."""
    return uuid.uuid4().hex[:16]
