"""Pick the adapter for a CMIS version; the 1.0 module is imported only when a branch uses it."""

from __future__ import annotations

from integrations.cmis.base import CmisClient


def make_client(version: str, base_url: str, *, timeout: float, retries: int) -> CmisClient:
    if version == "2.0":
        from integrations.cmis.v2 import Cmis2Client

        return Cmis2Client(base_url, timeout=timeout, retries=retries)
    if version == "1.0":
        from integrations.cmis.v1 import Cmis1Client

        return Cmis1Client(base_url, timeout=timeout, retries=retries)
    raise ValueError(f"unknown CMIS version {version}")
