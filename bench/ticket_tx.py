"""Benchmark: the ticket issue transaction alone, in-process, on a fresh SQLite file.

No HTTP, no CMIS, no event loop: each round runs what ``Hall.change`` runs for a kiosk's
ticket (``tickets.issue`` with one customer of three invoices, its event, print job and
audit entry, committed), so the figure is the database layer's own cost per ticket, the
part the server's worker threads spend holding the GIL. Prints CPU µs per ticket (the
process's CPU time, so a busy machine barely moves it), the median of ``--rounds`` runs
of ``--tickets`` each.

    python -m bench.ticket_tx [--tickets 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from integrations.cmis.base import CustomerDebts, Invoice, Supply
from qms import config
from qms.domain import branch as branch_mod
from qms.domain import tickets
from qms.domain.clock import Clock
from qms.domain.tx import Actor, Tx
from qms.storage import db
from qms.storage.sequences import lock_branch
from qms.usecases import audit as qaudit
from qms.usecases import followups
from qms.usecases.auth import Principal
from qms.usecases.hall import Hall

ROOT = Path(__file__).resolve().parent.parent


def debts(i: int) -> CustomerDebts:
    code = f"PE{i:011d}"
    invoices = tuple(
        Invoice(
            invoice_id=i * 10 + k,
            year=2026,
            month=9 + k,
            sub_period=1,
            amount=100_000 + k,
            vat=8_000,
            total=108_000 + k,
            series="AA/26E",
            number=f"{i * 10 + k:07d}",
        )
        for k in range(3)
    )
    return CustomerDebts(
        code=code,
        name="Nguyễn Văn A",
        address="1 Lê Lợi",
        unit="PE0100",
        book_code="B0001",
        supply=Supply.CONNECTED,
        invoices=invoices,
    )


def run(n: int, start: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        settings = config.load(ROOT / "config.yaml")
        engine = db.make_engine(f"sqlite:///{tmp}/t.db")
        db.create_schema(engine)
        b = branch_mod.from_settings(settings.branches[0], settings)
        kiosk = Principal("device", "kiosk-1", "kiosk", b.id)
        clock = Clock(settings.timezone)
        audit = Hall._audit
        t0 = time.process_time()
        for i in range(start, start + n):
            now = clock.now()
            with db.write_session(engine) as s:
                lock_branch(s, b.id)
                tx = Tx(s, b, now, now.date(), Actor(kiosk.label))
                result = tickets.issue(tx, [debts(i)])
                followups.queue_paper_and_light(tx)
                audit(partial(qaudit.add, s), kiosk, now, "tickets.issue", (), result)
        elapsed = time.process_time() - t0
        engine.dispose()
    return elapsed / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    per = [run(args.tickets, 1 + r * args.tickets) for r in range(args.rounds)]
    print(
        f"ticket issue transaction: {statistics.median(per):.0f} µs per ticket "
        f"(runs: {', '.join(f'{p:.0f}' for p in per)})"
    )


if __name__ == "__main__":
    main()
