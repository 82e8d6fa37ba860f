"""`qms agent`: the hall PC's link to a central server. It takes its hall's print and LED
jobs over the websocket protocol with a device token, does them, and acks each.

Exactly once: a job is acked only after it printed, and its id is written to a local
journal (fsync) first. After a reconnect the server hands over every job not acked; one
already in the journal is acked again without printing. The worker outlives connections,
so a drop mid-print neither cancels the print nor repeats it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any

import websockets

from qms.config import Settings
from qms.devices.local_io import Devices
from qms.storage.models import DeviceJob

log = logging.getLogger(__name__)
PING_S = 5.0
RETRY_S = (0.5, 10.0)


class Journal:
    """Ids of the jobs this hall has printed, one per line, synced before the ack."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.done = {int(x) for x in path.read_text().split()} if path.exists() else set()

    def add(self, job_id: int) -> None:
        with self.path.open("a") as f:
            f.write(f"{job_id}\n")
            f.flush()
            os.fsync(f.fileno())
        self.done.add(job_id)


class Agent:
    def __init__(self, url: str, token: str, devices: Devices, journal: Journal, branch: str):
        self.url, self.token, self.branch = url, token, branch
        self.devices, self.journal = devices, journal
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.known: set[int] = set()
        self.ws: Any = None

    async def ack(self, job_id: int, ok: bool, error: str | None = None) -> None:
        if self.ws is None:
            return  # the server hands it over again after the reconnect
        try:
            await self.ws.send(json.dumps({"type": "ack", "job": job_id, "ok": ok, "error": error}))
        except websockets.ConnectionClosed:
            pass

    async def on_job(self, job: dict[str, Any]) -> None:
        if job["id"] in self.journal.done:
            await self.ack(job["id"], True)  # printed before; its ack was lost
        elif job["id"] not in self.known:
            self.known.add(job["id"])
            self.queue.put_nowait(job)

    async def work(self) -> None:
        """Forever: one job at a time, retried until the device takes it."""
        while True:
            job = await self.queue.get()
            row = DeviceJob(
                id=job["id"], branch_id=self.branch, target=job["target"], kind=job["kind"],
                document=job["document"], payload=json.dumps(job["payload"]),
                created_at=dt.datetime.now(dt.UTC),
            )  # fmt: skip
            wait = RETRY_S[0]
            while True:
                try:
                    await asyncio.to_thread(self.devices.send, row)
                    break
                except Exception as exc:  # offline, out of paper: keep it, say so, retry
                    await self.ack(job["id"], False, f"{type(exc).__name__}: {exc}")
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, RETRY_S[1])
            await asyncio.to_thread(self.journal.add, job["id"])
            await self.ack(job["id"], True)

    async def session(self) -> None:
        async with websockets.connect(self.url, max_size=2**22, open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "auth", "token": self.token}))
            ready = json.loads(await ws.recv())
            if ready.get("type") != "ready":
                raise PermissionError(f"server refused the agent: {ready}")
            await ws.send(json.dumps({"type": "subscribe", "view": "agent"}))
            self.ws = ws
            log.info("agent connected to %s", self.url)
            print("qms agent: connected", flush=True)
            pinger = asyncio.create_task(self._ping(ws))
            try:
                async for raw in ws:
                    msg = json.loads(raw)
                    if msg.get("type") == "job":
                        await self.on_job(msg["job"])
                    elif msg.get("type") == "error":
                        log.warning("server says: %s", msg)
            finally:
                self.ws = None
                pinger.cancel()

    @staticmethod
    async def _ping(ws: Any) -> None:
        while True:
            await asyncio.sleep(PING_S)
            await ws.send(json.dumps({"type": "ping"}))

    async def run(self) -> None:
        worker = asyncio.create_task(self.work())
        wait = RETRY_S[0]
        try:
            while True:
                try:
                    await self.session()
                    wait = RETRY_S[0]
                except PermissionError:
                    raise
                except (OSError, websockets.WebSocketException, TimeoutError) as exc:
                    log.info("agent offline (%s); reconnecting in %.1f s", exc, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_S[1])
        finally:
            worker.cancel()


def run(url: str, token: str, settings: Settings, branch: str, journal: Path) -> None:
    devices = Devices(settings, frozenset({branch}))
    try:
        asyncio.run(Agent(url, token, devices, Journal(journal), branch).run())
    finally:
        devices.close()
