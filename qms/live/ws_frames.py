"""Event frames encoded once per view, not once per connection: a call reaches every
display of the hall with the same bytes, so a thousand displays cost one projection and
one ``json.dumps``."""

from __future__ import annotations

import json
from collections import OrderedDict

from qms.domain.events import EventRecord
from qms.live import ws_direct
from qms.usecases import projections

#: frames kept: a few events' worth for every view at once
SIZE = 512


class FrameCache:
    """The text of an event frame for a view, by (branch, seq, view): events never
    change once committed, and seq is unique within a branch."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._frames: OrderedDict[tuple[str, int, str], tuple[str, bytes | None]] = OrderedDict()

    def event(self, view: str, ev: EventRecord) -> str:
        return self._get(view, ev)[0]

    def wire(self, view: str, ev: EventRecord) -> bytes:
        """The same frame as a websocket frame's bytes (``qms.live.ws_direct``), made on
        first use: with direct frames off it never is."""
        key = (ev.branch_id, ev.seq, view)
        text, data = self._get(view, ev)
        if data is None:
            data = ws_direct.frame(text)
            self._frames[key] = (text, data)
        return data

    def _get(self, view: str, ev: EventRecord) -> tuple[str, bytes | None]:
        key = (ev.branch_id, ev.seq, view)
        found = self._frames.get(key)
        if found is None:
            data = projections.project_event(view, ev.data, ev.type)
            text = json.dumps({"type": "event", **ev.wire(), "data": data}, ensure_ascii=False)
            found = self._frames[key] = (text, None)
            if len(self._frames) > self.size:
                self._frames.popitem(last=False)
        return found
