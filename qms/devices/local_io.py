"""The hall's devices as the job worker reaches them in-process (the embedded default):
printers through python-escpos, LED boards through pyserial. Blocking: called from the
worker's thread, never from the event loop."""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from qms.config import Settings
from qms.devices.renderer import Renderer
from qms.storage.models import DeviceJob

LED_DELIVERY_S = 2.0
AHEAD_KEPT = 4


class PaperOut(Exception):
    """The printer says it has no paper: the job waits, nothing is sent."""


def print_once(data: bytes, setup: Any) -> None:
    """Ask a printer that can answer whether it has paper, then send all of a rendered
    job's bytes in one write; any failure raises and the worker keeps the job."""
    if setup.backend.get("kind") == "file":
        _append(setup.backend["path"], data)
        return
    from printers.backends import open_printer

    printer = open_printer(setup.backend, setup.profile, setup.paper)
    try:
        if setup.backend.get("kind") == "network" and printer.paper_status() == 0:
            raise PaperOut(f"printer {setup.backend.get('host')} is out of paper")
        printer._raw(data)  # python-escpos's one-write entry point
    finally:
        printer.close()


def _append(path: str, data: bytes) -> None:
    """A file printer keeps every job (python-escpos's File would truncate it each time)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


class Devices:
    """Opens what config names; ``send`` does one job or raises, ``close`` lets go."""

    def __init__(self, settings: Settings, branches: frozenset[str] | None = None) -> None:
        """Only ``branches`` (default all): a branch with a hall agent has its devices there.
        The LED boards' code (pyserial and the protocols, ~1 MiB) loads only for a hall
        that has a board."""
        self.settings = settings
        self.renderer = Renderer()
        # one job rendered ahead at a time: the renderer process draws one job at a time
        self._ahead_pool = ThreadPoolExecutor(1, thread_name_prefix="render-ahead")
        self._ahead: OrderedDict[int, Future[bytes]] = OrderedDict()
        self._ahead_lock = threading.Lock()
        mine = [b for b in settings.branches if branches is None or b.id in branches]
        self.printers: dict[tuple[str, str], Any] = {}  # (branch, printer id)
        self.boards: dict[tuple[str, str], Any] = {}
        self._printer_specs: dict[tuple[str, str], dict[str, Any]] = {}
        self._led_specs: dict[tuple[str, str], dict[str, Any]] = {}
        self.reconfigure(
            {(b.id, p.id): p.model_dump() for b in mine for p in b.printers},
            {(b.id, c.code): c.led for b in mine for c in b.counters if c.led is not None},
        )
        self.documents: dict[str, Callable[[dict[str, Any]], Any]] = {
            "ticket": self._ticket,
            "receipt": self._receipt,
            "reconnection": self._reconnection,
            "money-out": self._money_out,
            "money-in": self._money_in,
            "money-cancel": self._money_cancel,
            "day-end": self._day_end,
            "count-sheet": self._count_sheet,
            "cut-slip": self._cut_slip,
            "reconnect-slip": self._reconnect_slip,
            "crew-list": self._crew_list,
            "test-page": self._test_page,
        }

    def reconfigure(
        self,
        printers: dict[tuple[str, str], dict[str, Any]],
        leds: dict[tuple[str, str], dict[str, Any]],
    ) -> None:
        """Open what the organisation names now (config.yaml at first, then the admin
        pages: docs/admin.md): printers and LED boards by (branch, id or counter): two
        halls may both call theirs receipt-c1. Only what
        changed is reopened; a board whose line is shared reopens with its line."""
        from printers.backends import PrinterSetup

        if printers != self._printer_specs:
            self.printers = {key: PrinterSetup.from_config(spec) for key, spec in printers.items()}
            self._printer_specs = printers
        if leds == self._led_specs:
            return
        if self.boards:
            from qms.devices.led.config import close_boards

            close_boards({f"{b}:{c}": board for (b, c), board in self.boards.items()})
        boards: dict[tuple[str, str], Any] = {}
        if leds:  # the boards' code (pyserial, ~1 MiB) loads only for a hall with a board
            from qms.devices.led.config import open_boards

            for branch in {b for b, _ in leds}:
                mine = {c: spec for (b, c), spec in leds.items() if b == branch}
                for code, board in open_boards(mine).items():
                    boards[(branch, code)] = board
        self.boards, self._led_specs = boards, leds

    def follow_url(self, token: str) -> str:
        server = self.settings.server
        base = server.public_url or f"http://{server.host}:{server.port}"
        return f"{base}/t/{token}"

    def _ticket(self, p: dict[str, Any]) -> Any:
        from printers import documents

        ticket = p["ticket"]
        return documents.ticket(
            ticket,
            branch=p["branch"],
            follow_url=self.follow_url(ticket["follow_token"]),
            pay=p.get("qr"),
        )

    def _receipt(self, p: dict[str, Any]) -> Any:
        from printers import documents

        # printed again: by the cashier's "reprint" (``copy``: when the money was taken, and
        # when the copy was made) or by a print job's reprint (``reprint_of``)
        asked = bool(p.get("copy"))
        return documents.receipt(
            p["ticket"], p["payments"], branch=p["branch"], counter=p["counter"],
            cashier=p.get("cashier_name") or (p["cashier"] or "").split(":", 1)[-1],
            at=p["payments"][0]["created_at"] if asked else p["at"],
            tendered=p.get("tendered"), reprint=asked or p.get("reprint_of") is not None,
            reprinted_at=p["at"] if asked else None, einvoices=p.get("einvoices", ()),
        )  # fmt: skip

    def _reconnection(self, p: dict[str, Any]) -> Any:
        """A reconnection order's slip; a job queued before orders existed (an F4's own
        slip, ``customer`` and ``payments``) prints as it did."""
        from printers import documents, field_documents

        if "order" in p:
            return field_documents.reconnection_slip(
                p["order"], p.get("crew"), branch=p["branch"], at=p["at"]
            )
        return documents.reconnection_slip(
            p["customer"], p["payments"], branch=p["branch"], at=p["at"]
        )

    def _money_out(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.money_out_slip(p["movement"], branch=p["branch"])

    def _money_in(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.money_in_slip(p["movement"], branch=p["branch"])

    def _money_cancel(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.cancellation_slip(p["movement"], branch=p["branch"])

    def _day_end(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.day_end_summary(p["summary"], branch=p["branch"])

    def _count_sheet(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.count_sheet(p["sheet"], branch=p["branch"])

    def _cut_slip(self, p: dict[str, Any]) -> Any:
        """``{"branch", "at", "order": field order, "crew": crew | None}``."""
        from printers import field_documents

        return field_documents.cut_slip(p["order"], p.get("crew"), branch=p["branch"], at=p["at"])

    def _reconnect_slip(self, p: dict[str, Any]) -> Any:
        """``{"branch", "at", "order": reconnect order, "crew": crew | None}``: the crew
        left blank when the order is not assigned yet."""
        from printers import field_documents

        return field_documents.reconnection_slip(
            p["order"], p.get("crew"), branch=p["branch"], at=p["at"]
        )

    def _test_page(self, p: dict[str, Any]) -> Any:
        from printers import documents

        return documents.test_page(p["printer"], p["mode"])

    def _crew_list(self, p: dict[str, Any]) -> Any:
        """``{"branch", "at", "day": business day, "crew": crew, "orders": [order]}``."""
        from printers import field_documents

        return field_documents.crew_list(
            p.get("crew"), p["orders"], branch=p["branch"], day=p["day"], at=p["at"]
        )

    def _render(self, job: DeviceJob, setup: Any) -> bytes:
        return self.renderer.render(self.documents[job.document](json.loads(job.payload)), setup)

    def prefetch(self, job: DeviceJob) -> None:
        """Start rendering a print job before its turn, while the job before it is written
        and sent: rendering is most of a print's time and touches no device, so the
        renderer's core draws the next ticket while this one goes out. Nothing is sent."""
        setup = self.printers.get((job.branch_id, job.target))
        with self._ahead_lock:
            if job.kind != "print" or setup is None or job.id is None or job.id in self._ahead:
                return
            self._ahead[job.id] = self._ahead_pool.submit(self._render, job, setup)
            while len(self._ahead) > AHEAD_KEPT:  # rendered for a job that was not sent
                self._ahead.popitem(last=False)

    def send(self, job: DeviceJob) -> None:
        if job.kind == "led":
            board = self.boards.get((job.branch_id, job.target))
            if board is None:
                raise LookupError(f"no LED board at counter {job.target}")
            board.deliver(json.loads(job.payload)["number"], LED_DELIVERY_S)
            return
        setup = self.printers.get((job.branch_id, job.target))
        if setup is None:
            raise LookupError(f"no printer {job.target} in config")
        with self._ahead_lock:
            ahead = self._ahead.pop(job.id, None) if job.id is not None else None
        print_once(ahead.result() if ahead is not None else self._render(job, setup), setup)

    def close(self) -> None:
        self._ahead_pool.shutdown(wait=True, cancel_futures=True)
        self.renderer.close()
        if not self.boards:
            return
        from qms.devices.led.config import close_boards

        close_boards({f"{b}:{c}": board for (b, c), board in self.boards.items()})
