"""A branch without paper invoices (docs/einvoice.md): its tickets are ready as soon as
CMIS's debts arrive, F4 takes them with no F9, nothing is delivered, returned or blocks
the day's close, the lookup screens never see them, and the receipt names each e-invoice
with the QR of its lookup URL. The config refuses what such a branch cannot have."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from printers import documents
from printers.layout import QR, Row, Text
from qms import config
from qms.domain import commands as c
from qms.domain import delivery, einvoice
from qms.domain.errors import QmsError
from qms.storage.models import DeviceJob
from qms.usecases import projections
from qms.workers.debt_fetcher import DebtFetcher
from tests.fast.conftest import BRANCH, FLOAT, LOOKUP_URL, Rig, invoices


@pytest.fixture
def paperless(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0", paper=False)
    try:
        yield r
    finally:
        r.close()


def deposit(amount: int) -> c.Deposit:
    return c.Deposit(amount=amount, bank="Vietcombank", reference="NOP-0001")


def test_a_ticket_is_ready_at_once_and_collected_without_f9(paperless: Rig) -> None:
    rig = paperless
    code = rig.cmis.customer(totals=[100_000, 130_000])
    t = rig.issue(code)
    assert [i["lookup_status"] for i in invoices(t)] == ["none", "none"]
    assert t["ready"] is True
    rig.open_drawers("c1")
    called = rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    assert [i["delivered_to"] for i in invoices(called)] == [None, None], "no paper to hand"
    paid = rig.f4("c1", invoices(called))
    assert paid["ticket"]["status"] == "done"
    assert [(i["pay_status"], i["delivered_to"]) for i in invoices(paid["ticket"])] == [
        ("paid", None),
        ("paid", None),
    ]
    assert [p.total for p in rig.payments()] == [230_000]


def test_debts_that_arrive_late_are_ready_too(paperless: Rig) -> None:
    rig = paperless
    code = rig.cmis.customer(totals=[90_000])
    rig.cmis.down = True
    t = rig.issue(code)
    assert t["debts_pending"] is True and t["ready"] is False
    rig.cmis.down = False
    assert rig.run(DebtFetcher(rig.hall).run_once()) == 0
    now = rig.ticket(t["number"])
    assert [i["lookup_status"] for i in invoices(now)] == ["none"]
    assert now["ready"] is True


def test_an_unpaid_einvoice_is_not_paper_to_return_and_the_day_closes(paperless: Rig) -> None:
    """The customer pays the older of two periods and leaves: in a paper branch the newer
    paper would have to go back before the close; here there is none."""
    rig = paperless
    code = rig.cmis.customer(totals=[100_000, 130_000])
    rig.open_drawers("head")
    t = rig.serve("head", code, find=False)
    older, newer = invoices(t)
    rig.f4("head", [older])
    rig.do("head", c.Finish("C4", confirm=True, reason="fewer_periods"))
    papers = rig.read(delivery.report, rig.branch, rig.day)
    assert papers["to_return"] == [] and papers["returned"] == []
    assert {r["counter"]: r["delivered"] for r in papers["counters"]} == {
        "C1": 0,
        "C2": 0,
        "C4": 0,
    }, "an e-invoice is no paper handed to a counter, paid or not"
    ids = (newer["invoice_id"],)
    err = rig.refused("head", c.ReturnInvoices("C4", t["number"], ids, "fewer_periods"), "no_paper")
    assert err.details == {"invoice": newer["invoice_id"]}
    rig.refused("head", c.ReturnPapers(t["number"], ids, "fewer_periods"), "no_paper")
    rig.post_payments()
    rig.do("head", c.CloseDrawer(FLOAT + 100_000, deposit(FLOAT + 100_000)))
    closed = rig.do("head", c.CloseDay())
    assert [r["total"] for r in closed["cashiers"]] == [100_000]


def test_ready_first_takes_an_einvoice_ticket_as_ready(paperless: Rig) -> None:
    """Ready first: an e-invoice ticket is as ready as one whose debts are still coming
    (neither waits for paper), so the lower number is called first."""
    rig = paperless
    rig.hall.branches[BRANCH] = replace(rig.branch, call_policy="ready_first")
    first = rig.issue(rig.cmis.customer())
    rig.cmis.down = True
    second = rig.issue(rig.cmis.customer())
    assert second["debts_pending"] is True
    rig.open_drawers("c1")
    called = rig.do("c1", c.CallNext(counter="C1"))
    assert called["number"] == first["number"] < second["number"]


def test_the_lookup_screens_never_see_an_einvoice(paperless: Rig) -> None:
    rig = paperless
    t = rig.issue(rig.cmis.customer())
    with pytest.raises(QmsError) as err:
        projections.check_view("lookup-even", rig.branch)
    assert err.value.code == "invalid_view"
    assert projections.lookup_ticket(t, "even")["invoices"] == []


def test_the_receipt_names_each_einvoice_with_its_lookup_qr(paperless: Rig) -> None:
    rig = paperless
    code = rig.cmis.customer(totals=[100_000, 130_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code, find=False)
    rig.f4("c1", invoices(t))
    job = rig.read(lambda s: s.exec(select(DeviceJob).where(DeviceJob.document == "receipt")).one())
    payload = json.loads(job.payload)
    want = [
        {
            "invoice_id": i["invoice_id"],
            "series": i["series"],
            "number": i["number"],
            "url": "https://hoadon.evnhcmc.vn/tra-cuu?series=1K26TAA"
            f"&number={i['number']}&code={code}",
        }
        for i in invoices(t)
    ]
    assert payload["einvoices"] == want
    doc = documents.receipt(
        payload["ticket"], payload["payments"], branch="b", counter="C1", cashier="A",
        at=payload["at"], einvoices=payload["einvoices"],
    )  # fmt: skip
    assert [b.data for b in doc.blocks if isinstance(b, QR)] == [w["url"] for w in want]
    text = " ".join(
        b.text if isinstance(b, Text) else f"{b.left} {b.right}"
        for b in doc.blocks
        if isinstance(b, Text | Row)
    )
    assert "Ký hiệu / Series" in text and want[0]["number"] in text


def test_a_paper_branch_receipt_has_no_einvoice(rig: Rig) -> None:
    rig.open_drawers("c1")
    rig.collect("c1", rig.cmis.customer())
    job = rig.read(lambda s: s.exec(select(DeviceJob).where(DeviceJob.document == "receipt")).one())
    assert "einvoices" not in json.loads(job.payload)


def test_the_lookup_url_escapes_what_it_is_filled_with() -> None:
    url = einvoice.lookup_url(
        "https://x.vn/q?s={series}&n={number}&c={customer}&i={invoice}",
        series="1K26/T&A",
        number="00 12",
        customer="PE01000000001",
        invoice=7,
    )
    assert url == "https://x.vn/q?s=1K26%2FT%26A&n=00%2012&c=PE01000000001&i=7"


def _branch(**over: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "PE0200",
        "name": "Điện lực Chợ Lớn",
        "collection_point": "PE0200-HALL1",
        "paper_invoices": False,
        "einvoice_lookup_url": LOOKUP_URL,
        "counters": [
            {"code": "R1", "name": "Tiếp nhận", "kind": "reception"},
            {"code": "C1", "name": "Quầy 1", "kind": "cashier"},
        ],
    }
    return {**raw, **over}


def test_config_takes_a_paperless_branch_with_no_lookup_counters() -> None:
    s = config.parse({"branches": [_branch()]})
    assert s.branches[0].paper_invoices is False


@pytest.mark.parametrize(
    ("over", "says"),
    [
        (
            {"counters": [*_branch()["counters"], {"code": "LE", "name": "x", "kind": "lookup",
                                                   "parity": "even"}]},
            "no paper to look up: remove its lookup counters (LE)",
        ),
        ({"einvoice_lookup_url": None}, "einvoice_lookup_url is required"),
        ({"einvoice_lookup_url": "https://x.vn/?k={key}"}, "unknown placeholder {key}"),
        ({"einvoice_lookup_url": "https://x.vn/?n={number:>8}"}, "unknown placeholder {number}"),
        ({"einvoice_lookup_url": "ftp://x.vn/{number}"}, "http:// or https://"),
        ({"einvoice_lookup_url": "https://{series}.vn/"}, "with a fixed host"),
        ({"einvoice_lookup_url": "https://x.vn/{number"}, "is not a template"),
    ],
)  # fmt: skip
def test_config_refuses_what_a_paperless_branch_cannot_have(
    over: dict[str, Any], says: str
) -> None:
    with pytest.raises(config.ConfigError) as err:
        config.parse({"branches": [_branch(**over)]})
    assert says in str(err.value) and "branches.0" in str(err.value)
