"""What the pages are told of a VietQR (docs/displays.md, docs/noncash.md): a display hears
a QR's counter and reference, never its amount; a lookup screen and another counter
nothing; the follow view says whether the ticket's own QR can pay it, and that a transfer
paid it, never how much; the QR a page draws is the server's SVG of its payload."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qms.domain import commands as c
from qms.domain.errors import QmsError
from qms.usecases import bank as bank_uc
from qms.usecases import follow
from qms.usecases.projections import project_event
from tests.fast.conftest import Rig
from tests.fast.test_bank import body, notify

SHOWN = {
    "counter": "C1",
    "number": 12,
    "qr": {"ref": "QMSABCDEFGH", "amount": 185_000, "payload": "000201", "account": "1"},
}


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0", bank=True)
    try:
        yield r
    finally:
        r.close()


def test_a_qr_shown_reaches_each_view_as_much_as_it_may_see() -> None:
    display = project_event("display", SHOWN, "qr.shown")
    assert display == {"counter": "C1", "number": 12, "ref": "QMSABCDEFGH"}
    assert "185000" not in json.dumps(display), "no amount on a display's socket"
    assert project_event("lookup-even", SHOWN, "qr.shown") == {}
    assert project_event("cashier:C2", SHOWN, "qr.shown") == {}, "another counter's QR"
    assert project_event("cashier:C1", SHOWN, "qr.shown") == SHOWN
    assert project_event("supervisor", SHOWN, "qr.shown") == SHOWN


def test_a_display_hears_how_and_where_a_payment_was_made_not_how_much() -> None:
    state = {"number": 12, "status": "done", "counter": {"code": "C1", "name": "Quầy 1"}}
    ticket = {**state, "called_at": None, "recalls": 0, "customers": [{"name": "Nguyễn A"}]}
    data = {
        "ticket": ticket,
        "payments": [{"txn_id": "T1", "total": 185_000}],
        "method": "vietqr",
        "bank_txn": "FT1",
        "counter": "C1",
        "cashier": "user:cashier1",
    }
    seen = project_event("display", data, "payment.collected")
    shown = {**state, "called_at": None, "recalls": 0, "priority": None}
    assert seen == {"ticket": shown, "method": "vietqr", "counter": "C1"}


def test_the_follow_view_offers_the_tickets_qr_until_a_transfer_pays_it(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[90_000, 95_000])
    t = rig.issue(code)
    token, qr = t["follow_token"], t["qr"]

    def view() -> dict[str, Any]:
        return rig.read(follow.public_view, rig.hall.branches, token, rig.day, rig.clock.now())

    waiting = view()
    assert (waiting["pay_qr"], waiting["paid_qr"]) == (True, False)
    assert "185000" not in json.dumps(waiting)
    svg = rig.run(bank_uc.ticket_pay_svg(rig.hall, token))
    assert svg.startswith(b"<svg ")
    drawn = rig.run(bank_uc.qr_of(rig.hall, rig.people["sup"], qr["ref"]))
    assert drawn["payload"] == qr["payload"] and drawn["svg"].startswith("<svg ")

    assert notify(rig, body(qr["ref"], 185_000))["status"] == "applied"
    paid = view()
    assert (paid["status"], paid["pay_qr"], paid["paid_qr"]) == ("done", False, True)
    with pytest.raises(QmsError) as gone:
        rig.run(bank_uc.ticket_pay_svg(rig.hall, token))
    assert gone.value.code == "qr_not_open"


def test_a_ticket_partly_paid_in_cash_stops_offering_its_qr(rig: Rig) -> None:
    """Its QR asks for the whole ticket: a transfer after a cash part would be an
    exception, so the follow page no longer shows it."""
    code = rig.cmis.customer(totals=[90_000, 95_000])
    t = rig.issue(code)
    rig.open_drawers("c1")
    rig.do("c1", c.CallNumber("C1", t["number"]))
    found = rig.find(t)
    oldest = min(
        (i for cu in found["customers"] for i in cu["invoices"]),
        key=lambda i: (i["year"], i["month"], i["sub_period"]),
    )
    rig.do("c1", c.Collect("C1", (oldest["invoice_id"],), oldest["total"], None))
    seen = rig.read(follow.public_view, rig.hall.branches, t["follow_token"], rig.day)
    assert seen["pay_qr"] is False and seen["status"] == "serving"
