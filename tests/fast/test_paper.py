"""Paper that stands as a document: a drawer closed with a count by note that adds up (or
refused, nothing changed), the count sheet it prints, the receipt's payload (the cashier's
full name, what was tendered) and its reprint once CMIS has confirmed, and the day-end
summary adding up drawer by drawer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from qms.domain import commands as c
from qms.domain.closing import overview
from qms.domain.errors import BadRequest
from qms.storage.models import DeviceJob, User
from tests.fast.conftest import DEPOSIT, FLOAT, Rig, invoices

FULL_NAMES = {"cashier1": "Phạm Thu Ngân", "head": "Đặng Văn Trưởng"}


def accounts(rig: Rig) -> None:
    """The staff accounts, with their full names (the drawer takes its name from them)."""

    def add(session: Any) -> None:
        for name, full in FULL_NAMES.items():
            session.add(
                User(username=name, full_name=full, role="x", branch_id="PE0100", password_hash="")
            )
        session.commit()

    rig.read(add)


def jobs(rig: Rig, document: str) -> list[dict[str, Any]]:
    def rows(session: Any) -> list[DeviceJob]:
        q = select(DeviceJob).where(DeviceJob.document == document)
        return list(session.exec(q.order_by(col(DeviceJob.id))).all())

    return [{"id": j.id, "target": j.target, **json.loads(j.payload)} for j in rig.read(rows)]


def drawer(rig: Rig, cashier: str) -> dict[str, Any]:
    found = rig.read(overview, rig.branch, rig.day)["drawers"]
    return next(d for d in found if d["cashier"] == cashier)


def notes(**by_note: int) -> c.NoteCount | None:
    """A count as the edge parses it from a page's ``{"500000": 1}``."""
    sent = {k.removeprefix("n"): v for k, v in by_note.items()}
    return c.parse(c.CloseDrawer, {"counted": 0, "notes": sent}).notes


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"500000": -1}, "notes.500000"),
        ({"500000": 1.5}, "notes.500000"),
        ({"500000": True}, "notes.500000"),
        ({"abc": 1}, "notes.abc"),
        ({"-500000": 1}, "notes.-500000"),
        ([500000, 1], "notes"),
        ({}, "notes"),
    ],
)
def test_a_count_by_note_of_the_wrong_shape_is_refused_at_the_edge(sent: Any, field: str) -> None:
    with pytest.raises(BadRequest) as err:
        c.parse(c.CloseDrawer, {"counted": FLOAT, "notes": sent})
    assert (err.value.code, err.value.details["field"]) == ("invalid_note_count", field)


def test_a_count_that_does_not_add_up_or_names_an_unknown_note_changes_nothing(rig: Rig) -> None:
    accounts(rig)
    rig.open_drawers("c1")
    err = rig.refused("c1", c.CloseDrawer(FLOAT, notes=notes(n200000=2)), "count_mismatch")
    assert (err.details["total"], err.details["declared"]) == (400_000, FLOAT)
    err = rig.refused("c1", c.CloseDrawer(FLOAT, notes=notes(n300000=1, n200000=1)), "unknown_note")
    assert err.details["note"] == 300_000 and err.details["notes"][0] == 500_000
    d = drawer(rig, "cashier1")
    assert (d["status"], d["counted"], d["counted_notes"]) == ("open", None, None)
    assert jobs(rig, "count-sheet") == []


def test_a_drawer_closed_by_note_keeps_the_count_and_prints_the_count_sheet(rig: Rig) -> None:
    accounts(rig)
    rig.open_drawers("c1")
    closed = rig.do("c1", c.CloseDrawer(FLOAT, notes=notes(n200000=2, n50000=1, n10000=5)))
    assert closed["status"] == "closed"
    kept = {n["note"]: n["count"] for n in drawer(rig, "cashier1")["counted_notes"]}
    assert list(kept) == [500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000]
    assert (kept[200_000], kept[50_000], kept[10_000], kept[500_000]) == (2, 1, 5, 0)
    (job,) = jobs(rig, "count-sheet")
    sheet = job["sheet"]
    assert (job["target"], sheet["kind"], sheet["total"]) == ("r1", "close", FLOAT)
    assert (sheet["cashier"], sheet["counter"]) == ("Phạm Thu Ngân", "Quầy 1")
    assert sum(n["amount"] for n in sheet["notes"]) == FLOAT


def test_a_recount_forgets_the_count(rig: Rig) -> None:
    accounts(rig)
    rig.open_drawers("c1")
    short = rig.do("c1", c.CloseDrawer(FLOAT - 10_000, notes=notes(n200000=2, n10000=9)))
    assert short["status"] == "pending_approval" and short["counted_notes"] is not None
    again = rig.do("sup", c.Recount(short["id"]))
    assert again["counted_notes"] is None


def test_the_head_cashiers_deposit_is_counted_by_note_within_the_drawers_count(rig: Rig) -> None:
    accounts(rig)
    code = rig.cmis.customer(totals=[1_000_000])
    rig.open_drawers("head")
    rig.collect("head", code)  # the drawer holds FLOAT + 1.000.000
    held = notes(n500000=3)  # 1.500.000
    bank = {**DEPOSIT, "amount": 1_000_000}

    def close(deposit_notes: dict[str, int]) -> c.CloseDrawer:
        body = {"counted": 1_500_000, "deposit": {**bank, "notes": deposit_notes}}
        return c.CloseDrawer(1_500_000, c.parse(c.CloseDrawer, body).deposit, held)

    err = rig.refused("head", close({"500000": 1}), "count_mismatch")
    assert err.details["field"] == "deposit.notes"
    err = rig.refused("head", close({"200000": 5}), "deposit_exceeds_count")
    assert (err.details["note"], err.details["deposit"], err.details["counted"]) == (200_000, 5, 0)
    assert drawer(rig, "head")["status"] == "open"
    closed = rig.do("head", close({"500000": 2}))
    assert closed["deposit"]["notes"][0] == {"note": 500_000, "count": 2, "amount": 1_000_000}
    sheets = [j["sheet"] for j in jobs(rig, "count-sheet")]
    assert [(s["kind"], s["total"]) for s in sheets] == [
        ("close", 1_500_000),
        ("deposit", 1_000_000),
    ]
    assert (sheets[1]["bank"], sheets[1]["reference"]) == ("Vietcombank", "NOP-0001")


def test_the_receipt_names_the_cashier_and_its_reprint_carries_cmis_numbers(rig: Rig) -> None:
    accounts(rig)
    code = rig.cmis.customer(totals=[120_000, 230_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    rig.f4("c1", invoices(t), tendered=400_000)
    (job,) = jobs(rig, "receipt")
    assert (job["cashier_name"], job["tendered"]) == ("Phạm Thu Ngân", 400_000)
    assert [p.get("receipt_no") for p in job["payments"]] == [None]  # before CMIS answers
    rig.post_payments()
    again = rig.do("sup", c.Reprint(job["id"]))
    (_, copy) = jobs(rig, "receipt")
    assert (again["reprint_of"], copy["reprint_of"]) == (job["id"], job["id"])
    assert [p["receipt_no"] for p in copy["payments"]] == ["BL000001"]
    assert copy["payments"][0]["status"] == "confirmed"


def test_the_day_end_summary_adds_up(rig: Rig) -> None:
    """Each drawer: float + collected − given back + in − out = expected, expected + the
    approved difference = counted; the hall's counted = deposit + cash kept."""
    accounts(rig)
    code = rig.cmis.customer(totals=[300_000])
    rig.open_drawers("c1", "head")
    rig.collect("c1", code)
    rig.do("c1", c.Declare("out", "head", 300_000))
    rig.do("head", c.Declare("in", "cashier1", 300_000))
    short = rig.do("c1", c.CloseDrawer(FLOAT - 2_000, notes=notes(n200000=2, n1000=98)))
    rig.do("sup", c.Approve(short["id"], "thiếu 2.000 đ"))
    deposit = c.Deposit(300_000, "Vietcombank", "NOP-0001")
    rig.do("head", c.CloseDrawer(FLOAT + 300_000, deposit))
    rig.post_payments()
    day = rig.do("sup", c.CloseDay())
    for row in day["cashiers"]:
        moved = row["money_in"] - row["money_out"]
        assert row["float"] + row["collected"] - row["given_back"] + moved == row["expected"]
        assert row["expected"] + row["difference"] == row["counted"]
    c1 = next(r for r in day["cashiers"] if r["cashier"] == "Phạm Thu Ngân")
    assert (c1["difference"], c1["approved_by"], c1["approval_note"]) == (
        -2_000,
        "user:supervisor",
        "thiếu 2.000 đ",
    )
    counted = sum(r["counted"] for r in day["cashiers"])
    assert counted - day["deposit"]["amount"] == 2 * FLOAT - 2_000  # the floats, kept
    (printed,) = jobs(rig, "day-end")
    assert printed["summary"]["cashiers"] == day["cashiers"]
