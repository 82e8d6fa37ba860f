"""Ticket numbers and event seqs under concurrency: several processes issuing at once on the
same database never share a number, and leave no hole."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from pathlib import Path

import pytest
from sqlmodel import Session, select

from integrations.cmis.base import CustomerDebts, Invoice, Supply
from qms.config import load
from qms.domain import tickets
from qms.domain.branch import from_settings
from qms.domain.clock import Clock
from qms.domain.tx import Actor, Tx
from qms.storage import db
from qms.storage.models import Event, Ticket
from qms.storage.sequences import lock_branch
from tests.conftest import ROOT, Customers, HallServer
from tests.hallclient import Staff

PROCESSES = 4
PER_PROCESS = 40


def _debts(code: str, invoice_id: int) -> CustomerDebts:
    inv = Invoice(invoice_id, 2026, 10, 1, 100_000, 8_000, 108_000, "1K26TPE", "0000001")
    return CustomerDebts(
        code, "Khách Thử", "1 Lê Lợi", "PE0100", "PE0100A012", Supply.CONNECTED, (inv,)
    )


def issue_many(
    url: str, worker: int, count: int, start: multiprocessing.synchronize.Event
) -> list[int]:
    """One process: wait for the starting gun, then issue ``count`` tickets."""
    settings = load(ROOT / "config.yaml")
    branch = from_settings(settings.branches[0], settings)
    clock = Clock(settings.timezone)
    engine = db.make_engine(url)
    numbers = []
    start.wait(30)
    for i in range(count):
        now = clock.now()
        with db.write_session(engine) as session:
            lock_branch(session, branch.id)
            tx = Tx(session, branch, now, now.date(), Actor(f"device:test-{worker}"))
            code = f"PE{worker:02d}{i:09d}"
            numbers.append(tickets.issue(tx, [_debts(code, worker * 100_000 + i)])["number"])
    engine.dispose()
    return numbers


def run_processes(url: str) -> list[int]:
    ctx = multiprocessing.get_context("spawn")
    manager = ctx.Manager()
    start = manager.Event()
    with concurrent.futures.ProcessPoolExecutor(PROCESSES, mp_context=ctx) as pool:
        futures = [pool.submit(issue_many, url, w, PER_PROCESS, start) for w in range(PROCESSES)]
        start.set()
        results = [f.result(timeout=120) for f in futures]
    manager.shutdown()
    return [n for r in results for n in r]


def check_database(url: str, numbers: list[int]) -> None:
    total = PROCESSES * PER_PROCESS
    assert sorted(numbers) == list(range(1, total + 1)), "numbers shared or skipped"
    engine = db.make_engine(url)
    with Session(engine) as s:
        assert sorted(t.number for t in s.exec(select(Ticket)).all()) == list(range(1, total + 1))
        seqs = sorted(e.seq for e in s.exec(select(Event)).all())
        assert seqs == list(range(1, total + 1)), "event seq shared or skipped"
    engine.dispose()


def test_processes_share_no_number_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qms.db'}"
    db.create_schema(db.make_engine(url))
    check_database(url, run_processes(url))


@pytest.mark.postgres
def test_processes_share_no_number_on_postgres(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    db.create_schema(engine)
    engine.dispose()
    check_database(postgres_url, run_processes(postgres_url))


def test_concurrent_kiosks_over_http(hall: HallServer, customers: Customers) -> None:
    codes = [customers.take() for _ in range(30)]
    reception = Staff(hall.base, "reception", "R1")
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        issued = list(pool.map(lambda c: reception.post("/api/tickets", {"customers": [c]}), codes))
    numbers = sorted(t["number"] for t in issued)
    assert numbers == list(range(numbers[0], numbers[0] + len(codes)))
    reception.close()
