"""Field work in-process: the team leader's round and crews, the crew's results, and what
a payment does to a customer on the list (the order cancelled, or a reconnection owed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest
from sqlmodel import select

from integrations.cmis import base as cmis
from qms.config import FieldSettings
from qms.domain.errors import QmsError
from qms.domain.field import assign
from qms.domain.field import commands as fc
from qms.domain.field.orders import route_key
from qms.domain.tx import Tx
from qms.storage import rows
from qms.storage.models import FieldOrder, OrgBranch, SupplyChange
from qms.usecases import admin, field
from qms.usecases.auth import Principal, create_user
from qms.workers.supply_poster import SupplyPoster
from tests.fast.conftest import BRANCH, Rig, invoices, staff

LEADER = staff("doitruong", "field_leader", None)
BOOKS = ("PE0100A011", "PE0100A012", "PE0100B020")
_keys = itertools.count(1)


def now(rig: Rig) -> str:
    return rig.clock.now().isoformat()


def key() -> str:
    return f"phone-key-{next(_keys):06d}"


def crew_person(name: str) -> Principal:
    return staff(name, "crew", None)


@pytest.fixture
def hall(rig: Rig) -> Rig:
    """Two crews of two, and a disconnection list of 12 customers over 3 books."""
    for n in range(1, 5):
        create_user(rig.engine, f"crew{n}", f"Thợ Điện {n}", "crew", BRANCH, "mat-khau-dai-du")
    run(rig, fc.SaveCrew, {"code": "T1", "name": "Tổ 1", "members": ["crew1", "crew2"]})
    run(rig, fc.SaveCrew, {"code": "T2", "name": "Tổ 2", "members": ["crew3", "crew4"]})
    for n in range(12):
        book = BOOKS[0] if n < 6 else BOOKS[1] if n < 9 else BOOKS[2]
        code = rig.cmis.customer([(2026, 9, 1), (2026, 10, 1)], book_code=book)
        rig.cmis.listed.append(
            cmis.DisconnectionCandidate(
                code=code,
                name=f"Khách {n}",
                address=f"{20 - n} Lê Lợi, Quận 1",
                unit=BRANCH,
                book_code=book,
                supply=cmis.Supply.CONNECTED,
                periods=2,
                overdue=330_000,
                oldest_due=dt.date(2026, 10, 20),
            )
        )
    return rig


def run(
    rig: Rig, kind: type[Any], data: dict[str, Any], who: Principal = LEADER, **path: Any
) -> Any:
    return rig.run(field.run(rig.hall, who, kind, data, **path))


def refused(
    rig: Rig, code: str, kind: type[Any], data: dict[str, Any], who: Principal = LEADER, **path: Any
) -> QmsError:
    with pytest.raises(QmsError) as err:
        run(rig, kind, data, who, **path)
    assert err.value.code == code, (err.value.code, err.value.message)
    return err.value


def pull(rig: Rig) -> dict[str, Any]:
    return rig.run(field.pull(rig.hall, LEADER, {"books": list(BOOKS)}))  # type: ignore[no-any-return]


def board(rig: Rig) -> dict[str, Any]:
    """The board with every book opened, as the leader sees it book by book."""
    out: dict[str, Any] = rig.run(field.board(rig.hall, LEADER))
    for b in out["books"]:
        b["orders"] = rig.run(field.book(rig.hall, LEADER, b["book_code"]))["orders"]
    return out


def mine(rig: Rig, who: str) -> list[dict[str, Any]]:
    return rig.run(field.my_orders(rig.hall, crew_person(who)))["orders"]  # type: ignore[no-any-return]


def result(rig: Rig, who: str, order: int, k: str | None = None, **more: Any) -> dict[str, Any]:
    data = {"key": k or key(), "outcome": "done", "at": rig.clock.now().isoformat(), **more}
    return run(rig, fc.Report, data, crew_person(who), order=order)  # type: ignore[no-any-return]


def test_the_list_is_grouped_by_book_in_route_order_and_balanced_over_crews(hall: Rig) -> None:
    pulled = pull(hall)
    assert pulled["added"] == 12
    shown = board(hall)
    assert [b["book_code"] for b in shown["books"]] == list(BOOKS)
    first = shown["books"][0]["orders"]
    numbers = [int(o["address"].split()[0]) for o in first]
    assert numbers == sorted(numbers)  # by house number along Lê Lợi
    done = run(hall, fc.AutoAssign, {})
    assert done["assigned"] == 12 and sorted(done["crews"].values()) == [6, 6]
    # each book stays with one crew where it fits: a crew works a compact area
    per_book = {b["book_code"]: {o["crew"] for o in b["orders"]} for b in board(hall)["books"]}
    assert all(len(crews) == 1 for crews in per_book.values())
    t1 = mine(hall, "crew1")
    assert [o["route_no"] for o in t1] == list(range(1, len(t1) + 1))
    # pulled again: nothing doubles, assignments stay
    assert pull(hall)["added"] == 0
    assert len(mine(hall, "crew2")) == len(t1)


def test_the_board_counts_each_book_as_its_opened_list_shows_it(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    summary = hall.run(field.board(hall.hall, LEADER))
    assert [b["book_code"] for b in summary["books"]] == list(BOOKS)
    for b in summary["books"]:
        opened = hall.run(field.book(hall.hall, LEADER, b["book_code"]))["orders"]
        assert b["count"] == len(opened) > 0
        assert b["by_status"] == {"assigned": len(opened)}
        per_crew: dict[str, int] = {}
        for o in opened:
            per_crew[o["crew"]] = per_crew.get(o["crew"], 0) + 1
        assert b["by_crew"] == per_crew
    assert {c: v["orders"] for c, v in summary["crews"].items()} == {"T1": 6, "T2": 6}
    with pytest.raises(QmsError) as err:
        hall.run(field.book(hall.hall, LEADER, "PE0100Z999"))
    assert err.value.code == "book_not_in_round"
    with pytest.raises(QmsError) as err:
        hall.run(field.book(hall.hall, LEADER, "not a book"))
    assert err.value.code == "invalid_book_code"


def test_an_order_goes_to_one_crew_and_only_that_crew_reports_it(hall: Rig) -> None:
    pull(hall)
    order = board(hall)["books"][0]["orders"][0]["id"]
    run(hall, fc.Assign, {"orders": [order], "crew": "T1"})
    err = refused(hall, "already_assigned", fc.Assign, {"orders": [order], "crew": "T2"})
    assert err.details["crew"] == "T1"
    data = {"key": key(), "outcome": "done", "at": hall.clock.now().isoformat()}
    refused(hall, "not_your_order", fc.Report, data, crew_person("crew3"), order=order)


def test_a_result_sent_twice_counts_once_and_reaches_cmis_once(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]
    k = key()
    first = result(hall, "crew1", order["id"], k)
    again = result(hall, "crew2", order["id"], k)  # the phone resent after a lost answer
    assert first["repeat"] is False and again["repeat"] is True
    assert again["order"]["status"] == "done"
    absent = {"key": key(), "outcome": "not_done", "reason": "absent", "at": now(hall)}
    other = refused(
        hall, "order_has_result", fc.Report, absent, crew_person("crew1"), order=order["id"]
    )
    assert other.details["status"] == "done"
    poster = SupplyPoster(hall.hall)
    assert hall.run(poster.run_once()) == 1
    assert hall.run(poster.run_once()) == 0
    assert [(c.customer_code, c.supply) for c in hall.cmis.supply_changes] == [
        (order["customer_code"], cmis.Supply.CUT)
    ]


def test_not_done_needs_a_reason_and_paid_on_the_spot_a_receipt(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]["id"]
    now = hall.clock.now().isoformat()
    why_not = {"key": key(), "outcome": "not_done", "at": now}
    refused(hall, "invalid_not_done_reason", fc.Report, why_not, crew_person("crew1"), order=order)
    refused(hall, "receipt_no_required", fc.Report,
            {"key": key(), "outcome": "not_done", "reason": "paid_on_spot", "at": now},
            crew_person("crew1"), order=order)  # fmt: skip
    done = result(
        hall, "crew1", order, outcome="not_done", reason="paid_on_spot", receipt_no="BL-778"
    )
    assert done["order"]["status"] == "not_done" and done["order"]["receipt_no"] == "BL-778"
    assert hall.read(lambda s: s.exec(select(SupplyChange)).all()) == []  # nothing for CMIS


def test_a_payment_at_the_counter_cancels_the_cut_and_the_crew_is_refused(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]
    hall.open_drawers("c1")
    hall.collect("c1", order["customer_code"])  # pays everything while the crew walks there
    now = mine(hall, "crew1")
    gone = next(o for o in now if o["id"] == order["id"])
    assert (gone["status"], gone["reason"]) == ("cancelled", "paid_at_counter")
    err = refused(hall, "order_cancelled", fc.Report,
                  {"key": key(), "outcome": "done", "at": hall.clock.now().isoformat()},
                  crew_person("crew1"), order=order["id"])  # fmt: skip
    assert err.details["reason"] == "paid_at_counter"


def test_a_cut_customer_paying_gets_a_reconnection_in_the_same_transaction(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]
    result(hall, "crew1", order["id"])  # cut
    hall.clock.move(hours=2)
    hall.open_drawers("c1")
    paid = hall.collect("c1", order["customer_code"])
    txn = paid["payments"][0]["txn_id"]
    recon = [
        o for o in board(hall)["reconnections"] if o["customer_code"] == order["customer_code"]
    ]
    assert len(recon) == 1
    r = recon[0]
    assert r["payments"] == [txn] and r["crew"] == "T1"  # back to the crew that cut it
    deadline = dt.datetime.fromisoformat(r["deadline"]) - dt.datetime.fromisoformat(r["paid_at"])
    assert deadline == dt.timedelta(hours=24)
    assert r["seconds_left"] == 24 * 3600 and r["overdue_deadline"] is False
    hall.clock.move(hours=25)
    (late,) = [o for o in board(hall)["reconnections"] if o["id"] == r["id"]]
    assert late["overdue_deadline"] is True and late["seconds_left"] < 0
    # reconnected: reported to CMIS once the payment is confirmed
    result(hall, "crew2", r["id"])
    poster = SupplyPoster(hall.hall)
    hall.run(poster.run_once())
    assert [c.supply for c in hall.cmis.supply_changes] == [cmis.Supply.CUT]  # payment first
    hall.post_payments()
    hall.run(poster.run_once())
    assert [c.supply for c in hall.cmis.supply_changes] == [cmis.Supply.CUT, cmis.Supply.CONNECTED]


def test_paying_what_is_overdue_brings_the_supply_back_what_is_not_due_may_wait(
    hall: Rig,
) -> None:
    """CMIS's own rule (061/062): a cut customer who pays every overdue invoice is owed a
    reconnection even with a bill not yet due; paying one overdue bill of two is not
    enough."""
    pull(hall)
    run(hall, fc.AutoAssign, {})
    first, second = mine(hall, "crew1")[:2]
    today = hall.clock.business_day()
    dues = {
        first["customer_code"]: (-30, 5),  # one overdue, one not yet due
        second["customer_code"]: (-60, -30),  # both overdue
    }
    for o in (first, second):
        result(hall, "crew1", o["id"])  # cut
        d = hall.cmis.debts[o["customer_code"]]
        hall.cmis.debts[d.code] = dataclasses.replace(
            d,
            invoices=tuple(
                dataclasses.replace(i, due=today + dt.timedelta(days=days))
                for i, days in zip(d.invoices, dues[d.code], strict=True)
            ),
        )
    hall.open_drawers("c1", "c2")

    def reconnections(code: str) -> list[dict[str, Any]]:
        return [o for o in board(hall)["reconnections"] if o["customer_code"] == code]

    # the second pays the older of two overdue bills: still owes, stays cut
    t = hall.serve("c1", second["customer_code"])
    hall.f4("c1", invoices(t)[:1])
    assert reconnections(second["customer_code"]) == []
    # the first pays the overdue bill and keeps the one not yet due: reconnected
    t = hall.serve("c2", first["customer_code"])
    overdue, later = invoices(t)
    assert overdue["due"] < today.isoformat() < later["due"]
    paid = hall.f4("c2", [overdue])
    (r,) = reconnections(first["customer_code"])
    assert r["payments"] == [p["txn_id"] for p in paid["payments"]]
    assert r["overdue"] == overdue["total"]


ADMIN = Principal("staff", "quantri", "admin", BRANCH, None, full_name="Quản Trị")


def set_reconnect_hours(rig: Rig, hours: int) -> None:
    """What PATCH /api/admin/branches/{id} does with ``params``; then the hall's copy of
    the organisation reloads, as every worker's does on ``org.changed``."""

    def version(session: Any) -> int:
        row = session.get(OrgBranch, BRANCH)
        assert row is not None
        return int(row.version)

    data = {"version": rig.read(version), "params": {"reconnect_hours": hours}}
    rig.run(rig.hall.change(ADMIN, admin.update_branch, data, action="admin.update_branch"))
    rig.org.load()


@pytest.mark.parametrize(
    ("field_work", "how"),
    [(FieldSettings(reconnect_hours=4), "config"), (FieldSettings(), "admin")],
    ids=["config-yaml", "admin-params"],
)
def test_a_branch_with_a_4_hour_deadline_owes_the_reconnection_within_4_hours(
    hall: Rig, how: str
) -> None:
    """``field.reconnect_hours: 4`` in config.yaml, or the hall's parameter changed to 4 by
    an admin: the deadline is 4 hours after the payment, and the board shows the
    reconnection late a minute past it, not a day later."""
    if how == "admin":
        set_reconnect_hours(hall, 4)
    assert hall.hall.branch(BRANCH).reconnect_hours == 4
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]
    result(hall, "crew1", order["id"])  # cut
    hall.clock.move(hours=1)
    hall.open_drawers("c1")
    paid_at = hall.clock.now()
    hall.collect("c1", order["customer_code"])
    (r,) = [o for o in board(hall)["reconnections"] if o["customer_code"] == order["customer_code"]]
    assert dt.datetime.fromisoformat(r["paid_at"]) == paid_at
    assert dt.datetime.fromisoformat(r["deadline"]) == paid_at + dt.timedelta(hours=4)
    assert r["seconds_left"] == 4 * 3600 and r["overdue_deadline"] is False
    hall.clock.move(hours=3, minutes=59)
    (soon,) = [o for o in board(hall)["reconnections"] if o["id"] == r["id"]]
    assert soon["seconds_left"] == 60 and soon["overdue_deadline"] is False
    hall.clock.move(minutes=2)
    (late,) = [o for o in board(hall)["reconnections"] if o["id"] == r["id"]]
    assert late["seconds_left"] == -60 and late["overdue_deadline"] is True


def test_cmis_refusing_a_reconnection_062_shows_what_it_still_wants(hall: Rig) -> None:
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]
    code = order["customer_code"]
    result(hall, "crew1", order["id"])
    poster = SupplyPoster(hall.hall)
    hall.run(poster.run_once())  # the cut: taken
    hall.open_drawers("c1")
    hall.collect("c1", code)
    hall.post_payments()
    (r,) = [o for o in board(hall)["reconnections"] if o["customer_code"] == code]
    result(hall, "crew1", r["id"])
    hall.cmis.supply_refuse[code] = "062"
    hall.cmis.debts[code] = dataclasses.replace(
        hall.cmis.debts[code],
        invoices=(
            cmis.Invoice(9, 2026, 11, 1, 100, 10, 110, "1K26TAA", "0001", dt.date(2026, 11, 20)),
        ),
    )
    hall.run(poster.run_once())  # the reconnection: refused
    shown = board(hall)
    (refused_change,) = [c for c in shown["supply_changes"] if c["status"] == "refused"]
    assert refused_change["error_code"] == "062"
    assert refused_change["customer_name"] == r["customer_name"]
    (still,) = [o for o in shown["reconnections"] if o["id"] == r["id"]]
    assert still["cmis_error"]["code"] == "062"
    assert still["cmis_error"]["invoices"][0]["period"] == "11/2026"
    del hall.cmis.supply_refuse[code]
    run(hall, fc.RetrySupply, {}, id=refused_change["id"])
    hall.run(poster.run_once())
    assert hall.cmis.supply_changes[-1].supply == cmis.Supply.CONNECTED


def test_cmis_down_keeps_the_last_list_marked_stale(hall: Rig) -> None:
    pull(hall)
    hall.cmis.down = True
    with pytest.raises(QmsError) as err:
        pull(hall)
    assert err.value.code == "field_list_stale"
    shown = board(hall)
    assert shown["round"]["stale"] is True
    assert sum(len(b["orders"]) for b in shown["books"]) == 12  # nothing lost


def test_a_book_of_another_unit_and_a_closed_round_are_refused(hall: Rig) -> None:
    with pytest.raises(QmsError) as err:
        hall.run(field.pull(hall.hall, LEADER, {"books": ["PE0200A011"]}))
    assert err.value.code == "book_of_other_unit"
    pull(hall)
    run(hall, fc.AutoAssign, {})
    order = mine(hall, "crew1")[0]["id"]
    run(hall, fc.CloseRound, {})
    refused(hall, "round_closed", fc.Report,
            {"key": key(), "outcome": "done", "at": hall.clock.now().isoformat()},
            crew_person("crew1"), order=order)  # fmt: skip
    with pytest.raises(QmsError) as err:
        hall.run(field.my_orders(hall.hall, staff("cashier1", "cashier", "C1")))
    assert err.value.code == "wrong_role"


def test_customers_cmis_no_longer_lists_are_cancelled_at_the_next_pull(hall: Rig) -> None:
    pull(hall)
    gone = hall.cmis.listed.pop(0)
    again = pull(hall)
    assert again["cancelled"] == 1
    orders = hall.read(
        lambda s: s.exec(select(FieldOrder).where(FieldOrder.customer_code == gone.code)).all()
    )
    assert [(o.status, o.reason) for o in orders] == [("cancelled", "off_list")]
    assert invoices  # the shared helpers stay importable for the next tests


def test_a_cut_customer_paying_elsewhere_gets_a_reconnection_from_the_watch(hall: Rig) -> None:
    from qms.workers.field_watch import FieldWatch

    pull(hall)
    run(hall, fc.AutoAssign, {})
    first, second = mine(hall, "crew1")[:2]
    result(hall, "crew1", first["id"])
    result(hall, "crew1", second["id"])
    watch = FieldWatch(hall.hall)
    assert hall.run(watch.run_once()) == 0  # both still owe
    hall.cmis.debts[first["customer_code"]] = dataclasses.replace(
        hall.cmis.debts[first["customer_code"]], invoices=()
    )  # paid at a bank
    assert hall.run(watch.run_once()) == 1
    assert hall.run(watch.run_once()) == 0  # once
    (r,) = board(hall)["reconnections"]
    assert (r["customer_code"], r["reason"], r["crew"]) == (
        first["customer_code"],
        "paid_elsewhere",
        "T1",
    )


def test_a_crews_papers_carry_its_orders_in_route_order(hall: Rig) -> None:
    import io

    from pypdf import PdfReader

    pull(hall)
    run(hall, fc.AutoAssign, {})
    orders = mine(hall, "crew1")
    body = hall.run(field.crew_papers_pdf(hall.hall, LEADER, "T1"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    positions = [text.index(o["customer_code"]) for o in orders]
    assert positions == sorted(positions)  # the list in route order
    assert "PHIẾU CẮT ĐIỆN" in text
    with pytest.raises(QmsError) as err:  # this hall has no slip printer: PDF it is
        hall.run(field.print_crew_papers(hall.hall, LEADER, "T1"))
    assert err.value.code == "no_slip_printer"


def routes_in_order(rig: Rig) -> None:
    """Each crew's live orders numbered 1..n in book and house order."""
    for who in ("crew1", "crew3"):
        route = mine(rig, who)
        assert [o["route_no"] for o in route] == list(range(1, len(route) + 1))
        keys = [route_key(o["book_code"], o["address"]) for o in route]
        assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("first", "then"),
    [(BOOKS[:2], BOOKS[2:]), (BOOKS[1:], BOOKS[:1])],
    ids=["later-books-on-the-end", "an-earlier-book-sorted-in"],
)
def test_a_second_pull_assigned_keeps_every_route_in_order(
    hall: Rig, monkeypatch: pytest.MonkeyPatch, first: tuple[str, ...], then: tuple[str, ...]
) -> None:
    monkeypatch.setattr(field, "ASSIGN_PART_ORDERS", 2)
    for books in (first, then):
        hall.run(field.pull(hall.hall, LEADER, {"books": list(books)}))
        run(hall, fc.AutoAssign, {})
        routes_in_order(hall)
    assert len(mine(hall, "crew1")) + len(mine(hall, "crew3")) == 12


def test_a_hand_assignment_between_the_parts_is_sorted_into_the_route(
    hall: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The leader gives an order by hand while a balanced assignment is under way: the
    crew's last part finds its orders changed and numbers the whole route again."""
    monkeypatch.setattr(field, "ASSIGN_PART_ORDERS", 2)
    pull(hall)
    give = assign.give_part
    by_hand: list[int] = []

    def meanwhile(tx: Tx, code: str, ids: list[int], part: int, parts: int, *more: Any) -> Any:
        if part == 2:  # a leader's hand, between two parts: the last open order to T1
            t = rows.table(FieldOrder)
            (last,) = tx.session.execute(
                select(t.c.id).where(t.c.status == "open").order_by(t.c.id.desc()).limit(1)
            ).one()
            by_hand.append(last)
            assign.assign(tx, fc.Assign(orders=(last,), crew="T1"))
        return give(tx, code, ids, part, parts, *more)

    monkeypatch.setattr(assign, "give_part", meanwhile)
    done = run(hall, fc.AutoAssign, {})
    assert by_hand and done["assigned"] == 11  # the twelfth went by hand
    routes_in_order(hall)


def test_a_big_list_is_kept_and_assigned_in_parts_with_whole_routes(
    hall: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # parts of one book and of four orders: the counters never wait for the whole list
    monkeypatch.setattr(field, "PULL_PART_BOOKS", 1)
    monkeypatch.setattr(field, "ASSIGN_PART_ORDERS", 4)
    pulled = pull(hall)
    assert (pulled["added"], pulled["listed"], pulled["parts"]) == (12, 12, 3)
    assert pulled["round"]["books"] == sorted(BOOKS)
    done = run(hall, fc.AutoAssign, {})
    assert done["assigned"] == 12 and sorted(done["crews"].values()) == [6, 6]
    assert done["parts"] >= 3
    for who in ("crew1", "crew3"):
        route = mine(hall, who)
        assert [o["route_no"] for o in route] == list(range(1, 7))
        keys = [route_key(o["book_code"], o["address"]) for o in route]
        assert keys == sorted(keys)  # walked in book and house order, across the parts
    assert run(hall, fc.AutoAssign, {})["assigned"] == 0  # nothing left, nothing moved
