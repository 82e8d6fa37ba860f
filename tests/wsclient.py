"""A test client of the websocket protocol that follows docs/protocol.md's client rules."""

from __future__ import annotations

import json
from typing import Any

from websockets.sync.client import ClientConnection, connect


class ViewClient:
    """Keeps a view's tickets by number, applying snapshot and events in seq order."""

    def __init__(self, url: str, token: str, view: str) -> None:
        self.url, self.token, self.view = url, token, view
        self.last = 0
        self.tickets: dict[int, dict[str, Any]] = {}
        self.frames: list[dict[str, Any]] = []
        self.drop: set[int] = set()  # seqs to "lose", as if the network ate them
        self.gaps = 0
        self.ws: ClientConnection | None = None

    def connect(self, since: int | None = None) -> ViewClient:
        self._conn = connect(self.url, open_timeout=10, max_queue=None)
        self.ws = self._conn.__enter__()
        self.send({"type": "auth", "token": self.token})
        assert self.recv()["type"] == "ready"
        sub: dict[str, Any] = {"type": "subscribe", "view": self.view}
        if since is not None:
            sub["since"] = since
        self.send(sub)
        return self

    def send(self, msg: dict[str, Any]) -> None:
        assert self.ws is not None
        self.ws.send(json.dumps(msg))

    def recv(self, timeout: float = 10) -> dict[str, Any]:
        assert self.ws is not None
        msg = json.loads(self.ws.recv(timeout=timeout))
        self.frames.append(msg)
        return msg

    def apply(self, msg: dict[str, Any]) -> None:
        if msg["type"] == "snapshot":
            self.tickets = {t["number"]: t for t in msg["data"]["tickets"]}
            self.last = msg["seq"]
        elif msg["type"] == "event":
            if msg["seq"] in self.drop:
                self.drop.discard(msg["seq"])
                return
            if msg["seq"] <= self.last:
                return
            if msg["seq"] > self.last + 1:
                self.gaps += 1
                self.send({"type": "resume", "since": self.last})
                return
            t = msg["data"].get("ticket")
            if isinstance(t, dict):  # qr.shown names its ticket by number only
                self.tickets[t["number"]] = t
            self.last = msg["seq"]

    def until_seq(self, seq: int, timeout: float = 10) -> None:
        """Apply frames until the view has applied ``seq`` (bounded wait, no sleeping)."""
        while self.last < seq:
            self.apply(self.recv(timeout))

    def until_event(self, event: str, number: int, timeout: float = 10) -> dict[str, Any]:
        """Apply frames until ``event`` about ticket ``number`` has been applied."""
        while True:
            msg = self.recv(timeout)
            self.apply(msg)
            ticket = msg.get("data", {}).get("ticket") or {}
            if msg.get("event") == event and ticket.get("number") == number:
                return msg

    def until_match(self, match: Any, timeout: float = 30) -> dict[str, Any]:
        """The data of the first event ``match(event, data)`` takes, among the frames
        had or, each wait bounded, the next ones (applied as they come)."""
        seen = 0
        while True:
            for msg in self.frames[seen:]:
                if msg.get("type") == "event" and match(msg["event"], msg["data"]):
                    return msg["data"]  # type: ignore[no-any-return]
            seen = len(self.frames)
            self.apply(self.recv(timeout))

    def close(self) -> None:
        if self.ws is not None:
            self._conn.__exit__(None, None, None)
            self.ws = None


def displays_on_two_processes(ws_url: str, token: str, tries: int = 40) -> list[ViewClient]:
    """Display connections to ``ws_url`` until two server processes (workers or hosts,
    told apart by the ``ready`` frame's ``worker``) hold at least one each (bounded)."""
    views: list[ViewClient] = []
    for _ in range(tries):
        v = ViewClient(ws_url, token, "display").connect()
        v.worker = v.frames[0]["worker"]  # type: ignore[attr-defined]
        v.apply(v.recv())
        views.append(v)
        if len({x.worker for x in views}) == 2:  # type: ignore[attr-defined]
            return views
    raise AssertionError("every connection went to one process")
