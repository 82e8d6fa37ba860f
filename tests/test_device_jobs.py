"""Print and LED jobs: queued in the change's transaction, sent by the worker off the event
loop, kept and retried while the printer is offline or out of paper, printed exactly
once, and never repeated blindly after a restart."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select

from qms.devices.jobs import retry
from qms.domain.clock import Clock
from qms.live.bus import MemoryBus
from qms.storage import db
from qms.storage.models import DeviceJob
from qms.workers.device_worker import DeviceWorker
from tests.conftest import ROOT, Customers, HallServer, database_url, free_port
from tests.hallclient import ApiError, Device, Staff
from tests.procs import fresh_python
from tests.wsclient import ViewClient

CUT = b"\x1dV"  # GS V: one per printed document
PAPER_QUERY = b"\x10\x04\x04"  # DLE EOT 4


class FakePrinter:
    """A network ESC/POS printer on loopback: records the bytes of every connection and
    answers the paper-status query like a real one (0x12 paper, 0x72 no paper)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.paper = True
        self.received = bytearray()
        self.printed = threading.Condition()
        self.sock: socket.socket | None = None

    def start(self) -> FakePrinter:
        self.sock = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def _serve(self) -> None:
        assert self.sock is not None
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    if PAPER_QUERY in chunk:
                        conn.sendall(b"\x12" if self.paper else b"\x72")
                        chunk = chunk.replace(PAPER_QUERY, b"")
                    with self.printed:
                        self.received += chunk
                        self.printed.notify_all()

    def cuts(self) -> int:
        return bytes(self.received).count(CUT)

    def wait_cuts(self, n: int, timeout: float = 30) -> None:
        with self.printed:
            assert self.printed.wait_for(lambda: self.cuts() >= n, timeout), self.cuts()

    def stop(self) -> None:
        if self.sock:
            self.sock.close()


class FakeBoard:
    """An LED board on a TCP serial bridge (socket://): collects the frames it is sent."""

    def __init__(self, port: int) -> None:
        self.frames: list[bytes] = []
        self.got = threading.Condition()
        self.sock = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        buf = b""
        with conn:
            while chunk := conn.recv(1024):
                buf += chunk
                while b"#" in buf:
                    frame, buf = buf.split(b"#", 1)
                    with self.got:
                        self.frames.append(frame + b"#")
                        self.got.notify_all()

    def wait_frame(self, frame: bytes, timeout: float = 15) -> None:
        with self.got:
            assert self.got.wait_for(lambda: frame in self.frames, timeout), self.frames


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("devices")
    printer = FakePrinter(free_port())
    board = FakeBoard(free_port())
    raw: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    branch = raw["branches"][0]
    kiosk_printer = {
        "id": "kiosk-1",
        "backend": {"kind": "network", "host": "127.0.0.1", "port": printer.port, "timeout": 2},
        "paper": 80,
    }
    branch["printers"] = [kiosk_printer, *(p for p in branch["printers"] if p["id"] != "kiosk-1")]
    for p in branch["printers"]:
        if p["backend"]["kind"] == "file":
            p["backend"]["path"] = str(tmp / f"{p['id']}.bin")
    c1 = next(c for c in branch["counters"] if c["code"] == "C1")
    c1["led"] = {"url": f"socket://127.0.0.1:{board.sock.getsockname()[1]}", "address": 1}
    hall = HallServer(tmp, raw=raw)
    raw["database"]["url"] = database_url(tmp)
    raw["cmis"]["simulator"].update(port=hall.sim_port, customers=3000, ledger=str(tmp / "l.jsonl"))
    hall.config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    hall.start()
    try:
        yield {"hall": hall, "printer": printer, "board": board, "tmp": tmp}
    finally:
        hall.stop()
        printer.stop()
        board.sock.close()


def job_events(view: ViewClient, predicate: Any, timeout: float = 30) -> dict[str, Any]:
    while True:
        msg = view.recv(timeout)
        view.apply(msg)
        if msg.get("event") == "device.job" and predicate(msg["data"]["job"]):
            return msg["data"]["job"]


def test_offline_printer_keeps_the_ticket_and_prints_it_once(
    rig: dict[str, Any], demo: Any
) -> None:
    hall, printer = rig["hall"], rig["printer"]
    sup = Staff(hall.base, "supervisor", None)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    view.apply(view.recv())
    kiosk = Device(hall.base, "demo-kiosk-1")
    pick = Customers(demo)
    t = kiosk.post("/api/tickets", {"customers": [pick.take(invoices=2)]})
    # the printer is off: the job fails, is kept, and the supervisor sees why
    failed = job_events(view, lambda j: j["target"] == "kiosk-1" and j["status"] == "queued")
    assert failed["document"] == "ticket" and failed["error"] and failed["attempts"] >= 1
    listed = sup.get("/api/device-jobs?status=queued")["jobs"]
    assert [j["id"] for j in listed] == [failed["id"]]
    # switched on: printed, once
    printer.start()
    done = job_events(view, lambda j: j["id"] == failed["id"] and j["status"] == "done")
    assert done["attempts"] >= 2
    printer.wait_cuts(1)
    assert printer.cuts() == 1, "one ticket, one cut"
    # out of paper: the next ticket waits without a byte sent, then prints once
    printer.paper = False
    before = len(printer.received)
    t2 = kiosk.post("/api/tickets", {"customers": [pick.take(invoices=1)]})
    waiting = job_events(view, lambda j: j["status"] == "queued" and j["id"] > failed["id"])
    assert "paper" in waiting["error"]
    assert len(printer.received) == before
    printer.paper = True
    job_events(view, lambda j: j["id"] == waiting["id"] and j["status"] == "done")
    printer.wait_cuts(2)
    assert printer.cuts() == 2
    assert t2["number"] == t["number"] + 1
    view.close()
    sup.close()
    kiosk.close()


def test_receipt_and_led_follow_the_cashier(rig: dict[str, Any], demo: Any) -> None:
    hall, board, tmp = rig["hall"], rig["board"], rig["tmp"]
    staff = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    staff["c1"].open_drawer()
    pick = Customers(demo)
    for _ in range(5):  # skip the customers the first test took
        pick.take(invoices=2)
    cut = pick.take(cut=True, min_invoices=1)
    t = staff["reception"].post("/api/tickets", {"customers": [cut]})
    invs = t["customers"][0]["invoices"]
    for inv in invs:
        who = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        who.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    staff["c1"].act("call", number=t["number"])
    board.wait_frame(f"$001,{t['number']:04d}#".encode())
    view = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    view.apply(view.recv())
    staff["c1"].act(
        "collect", invoices=[i["invoice_id"] for i in invs], amount=sum(i["total"] for i in invs)
    )
    docs = set()
    while docs != {"receipt", "reconnection"}:
        docs.add(
            job_events(
                view,
                lambda j: (
                    j["status"] == "done"
                    and j["kind"] == "print"
                    and j["document"] in ("receipt", "reconnection")
                ),
            )["document"]
        )
    assert (tmp / "receipt-c1.bin").read_bytes().count(CUT) == 1
    assert (tmp / "slips.bin").read_bytes().count(CUT) == 1, "a reconnection slip for a cut supply"
    assert (tmp / "reception.bin").read_bytes().count(CUT) == 1, "the reception's ticket"
    view.close()
    for s in staff.values():
        s.close()


def test_a_job_caught_mid_send_is_in_doubt_not_repeated(tmp_path: Path) -> None:
    """The worker itself, on a real database: a restart finds a job 'sending'."""
    engine = db.make_engine(database_url(tmp_path))
    db.create_schema(engine)
    clock = Clock()
    with db.write_session(engine) as s:
        for status in ("sending", "queued"):
            s.add(
                DeviceJob(
                    branch_id="PE0100",
                    target="p",
                    kind="print",
                    document="ticket",
                    payload=json.dumps({}),
                    status=status,
                    created_at=clock.now(),
                )
            )
    sent: list[int] = []
    worker = DeviceWorker(engine, clock, lambda job: sent.append(job.id or 0), MemoryBus())
    assert worker.recover() == 1
    emitted = worker.run_once()
    assert sent == [2], "only the queued job is sent; the one caught mid-send is not"
    assert [e.data["job"]["status"] for e in emitted] == ["done"]
    with db.read_session(engine) as s:
        statuses = {j.id: j.status for j in s.exec(select(DeviceJob)).all()}
    assert statuses == {1: "in_doubt", 2: "done"}
    assert retry(engine, "PE0100", 1)["status"] == "queued"
    worker.run_once()
    assert sent == [2, 1], "a person decided: printed once more, on purpose"
    engine.dispose()


@pytest.mark.parametrize("board", [False, True])
def test_the_led_boards_code_loads_only_for_a_hall_that_has_one(
    tmp_path: Path, board: bool
) -> None:
    """pyserial and the board protocols would hold ~1 MiB in every server; a hall with no
    board above a counter does without them."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    if board:
        raw["branches"][0]["counters"][3]["led"] = {"url": "loop://", "address": 1}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    code = (
        "import sys; from qms import config; from qms.devices.local_io import Devices;"
        f"d = Devices(config.load({str(tmp_path / 'config.yaml')!r}));"
        "boards = sorted(c for _, c in d.boards); d.close();"
        "print(boards, any(m == 'serial' or m.startswith('qms.devices.led') for m in sys.modules))"
    )
    assert fresh_python(code) == ("['C1'] True" if board else "[] False")


def test_a_withdrawn_declaration_prints_a_cancellation_and_its_reprint_says_void(
    rig: dict[str, Any],
) -> None:
    """Withdrawing a money-out declaration prints a cancellation slip (phiếu huỷ) at the
    counter; a reprint of the withdrawn slip is marked HUỶ / VOID; declared again, the new
    slip bears its own number. Byte for byte as the document renders."""
    from printers import documents
    from printers.layout import PAPER_80
    from printers.render import render_bytes

    hall, tmp = rig["hall"], rig["tmp"]
    c2, c3 = Staff(hall.base, "cashier2", "C2"), Staff(hall.base, "cashier3", "C3")
    sup = Staff(hall.base, "supervisor", None)
    c2.open_drawer(100_000)
    c3.open_drawer(0)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    snapshot = view.recv()
    view.apply(snapshot)
    branch = snapshot["data"]["branch"]["name"]

    def event(name: str, job: Any = None) -> dict[str, Any]:
        """The next new event ``name`` (a replay after a resume is skipped), bounded."""
        while True:
            msg = view.recv(30)
            stale = msg.get("type") == "event" and msg["seq"] <= view.last
            view.apply(msg)
            if msg.get("event") == name and not stale and (job is None or job(msg["data"]["job"])):
                return msg["data"]  # type: ignore[no-any-return]

    def printed(document: str) -> dict[str, Any]:
        done = event("device.job", lambda j: j["status"] == "done" and j["document"] == document)
        return done["job"]  # type: ignore[no-any-return]

    def rendered(doc: Any) -> bytes:
        return render_bytes(doc, PAPER_80, "image", "default")

    # C3 declares what it received; C2 declares a wrong amount: a mismatch
    c3.post("/api/cash/movements", {"side": "in", "cashier": "cashier2", "amount": 50_000})
    event("movement.declared")
    m = c2.post("/api/cash/movements", {"side": "out", "cashier": "cashier3", "amount": 60_000})
    assert m["status"] == "mismatch"
    declared = event("movement.declared")
    original = printed("money-out")
    c2.post(f"/api/cash/movements/{m['id']}/withdraw")
    gone = event("movement.withdrawn")["withdrawn"]
    assert (gone["id"], gone["side"], gone["version"], gone["amount"]) == (
        m["id"],
        "out",
        1,
        60_000,
    )
    cancel = printed("money-cancel")
    assert cancel["target"] == "receipt-c2"
    paper = (tmp / "receipt-c2.bin").read_bytes()
    assert rendered(documents.cancellation_slip(gone, branch=branch)) in paper

    # the original again: it says HUỶ / VOID, not a valid slip
    slip = {
        "id": m["id"],
        "at": declared["movement"]["out_at"],
        "from_cashier": declared["names"]["cashier2"],
        "to_cashier": declared["names"]["cashier3"],
        "amount": 60_000,
        "side": "out",
        "version": 1,
    }
    valid = rendered(documents.money_out_slip(slip, branch=branch))
    assert paper.count(valid) == 1, "the original printed once, as it was"
    again = sup.post(f"/api/device-jobs/{original['id']}/reprint")
    assert (again["void"], again["reprint_of"], again["document"]) == (True, original["id"],
                                                                       "money-out")  # fmt: skip
    event("device.job", lambda j: j["status"] == "done" and j["id"] == again["id"])
    void = rendered(documents.money_out_slip({**slip, "void": True}, branch=branch))
    assert void != valid and void in (tmp / "receipt-c2.bin").read_bytes()

    # declared again, right: the same movement, its own slip number (7.2 after 7)
    c2.post("/api/cash/movements", {"side": "out", "cashier": "cashier3", "amount": 50_000})
    redeclared = event("movement.declared")["movement"]
    assert (redeclared["id"], redeclared["out_version"]) == (m["id"], 2)
    assert redeclared["status"] == "matched"
    assert documents.slip_number({**slip, "version": 2}) == f"{m['id']}.2"
    with pytest.raises(ApiError) as err:  # a cashier may not reprint
        c2.post(f"/api/device-jobs/{original['id']}/reprint")
    assert err.value.code == "wrong_role"
    view.close()
    for s in (c2, c3, sup):
        s.close()
