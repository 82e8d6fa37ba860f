"""An https CMIS is verified: a server whose certificate no trusted authority signed is
refused before any request goes out (CmisUnavailable), never talked to."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from integrations.cmis.base import CmisUnavailable
from integrations.cmis.v2 import Cmis2Client
from tests.conftest import require_service, run_async


def self_signed(tmp: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        require_service("openssl", "makes the test's self-signed certificate")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_a_cmis_with_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    requests: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            requests.append(await reader.readline())
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        except (ssl.SSLError, ConnectionError):
            pass  # the client refused our certificate
        finally:
            writer.close()

    async def main() -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = await asyncio.start_server(answer, sock=sock, ssl=ctx)
        port = sock.getsockname()[1]
        async with server, Cmis2Client(f"https://127.0.0.1:{port}", retries=0) as client:
            with pytest.raises(CmisUnavailable, match=r"(?i)certificate"):
                await client.get_debts("PE01000000001")

    run_async(asyncio.wait_for(main(), 30))
    assert requests == [], "no request reached a server the client does not trust"
