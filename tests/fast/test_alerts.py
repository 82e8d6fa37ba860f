"""Alerts (docs/alerts.md): each kind's rule on figures alone, then in the fast tier's
hall (real SQLite, a clock that moves when told): raised once, cleared when the condition
is gone, raised again the same day, acknowledged once and audited, the people's scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlmodel import col, select

from qms.domain import alerts as rules
from qms.domain import commands as c
from qms.domain.errors import QmsError
from qms.storage.db import write_session
from qms.storage.models import AuditEntry, DayClosure, DeviceJob, Drawer, Event
from qms.usecases import alerts
from qms.usecases.auth import Principal
from tests.fast.conftest import BRANCH, Rig, staff

NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def figures(**kw: Any) -> rules.Figures:
    return rules.Figures(branch_id=BRANCH, now=NOON, day=NOON.date(), **kw)


def found(kind: str, threshold: int, f: rules.Figures) -> list[rules.Breach]:
    return rules.breaches(rules.Rule(1, kind, threshold), f)


# --- the rules on figures --------------------------------------------------------------------


def test_wait_over_is_strictly_over_the_minutes() -> None:
    f = figures(waiting=3, oldest_wait_s=10 * 60, oldest_number=7)
    assert found("wait_over", 10, f) == []
    (b,) = found("wait_over", 9, f)
    assert (b.subject, b.value, b.detail) == ("", 10, {"threshold": 9, "number": 7})
    assert found("wait_over", 0, figures()) == []  # nobody waits: nothing, even at 0


def test_closed_while_queue_names_the_counters_no_one_holds() -> None:
    f = figures(waiting=6, cashier_counters=("C1", "C2", "C3"), held_counters=frozenset({"C2"}))
    (b,) = found("closed_while_queue", 5, f)
    assert b.value == 6 and b.detail["counters"] == ["C1", "C3"]
    assert found("closed_while_queue", 6, f) == []  # not longer than 6
    every = figures(waiting=9, cashier_counters=("C1",), held_counters=frozenset({"C1"}))
    assert found("closed_while_queue", 0, every) == []  # every counter staffed


def test_payment_unposted_counts_minutes_of_the_oldest() -> None:
    f = figures(unposted=4, oldest_unposted_s=16 * 60, oldest_txn="T1")
    (b,) = found("payment_unposted", 15, f)
    assert b.value == 16 and b.detail["count"] == 4 and b.detail["txn_id"] == "T1"
    assert found("payment_unposted", 16, f) == []


def test_device_offline_is_one_alert_per_device_with_its_oldest_job() -> None:
    jobs = (
        rules.StuckJob("r1", "print", 7 * 60, "paper out"),
        rules.StuckJob("r1", "print", 12 * 60, None),
        rules.StuckJob("C2", "led", 2 * 60, None),
    )
    (b,) = found("device_offline", 5, figures(stuck_jobs=jobs))
    assert (b.subject, b.value, b.detail["device"]) == ("r1", 12, "print")
    assert [x.subject for x in found("device_offline", 0, figures(stuck_jobs=jobs))] == ["C2", "r1"]


def test_drawer_difference_is_either_way_in_dong() -> None:
    drawers = (
        rules.ClosedDrawer("C1", "cashier1", "Phạm Thu Ngân", -50_000),
        rules.ClosedDrawer("C2", "cashier2", "Hoàng Văn Thu", 20_000),
    )
    (b,) = found("drawer_difference", 20_000, figures(drawers=drawers))
    assert (b.subject, b.value, b.detail["cashier"]) == ("C1", -50_000, "cashier1")
    assert len(found("drawer_difference", 0, figures(drawers=drawers))) == 2


def test_day_not_closed_from_the_hour_on_a_worked_day() -> None:
    at = dt.datetime(2026, 12, 7, 18, 5, tzinfo=dt.UTC)
    worked = rules.Figures(BRANCH, at, at.date(), day_worked=True)
    (b,) = found("day_not_closed", 18, worked)
    assert b.value == 18 and b.detail["day"] == "2026-12-07"
    assert found("day_not_closed", 19, worked) == []
    assert found("day_not_closed", 18, rules.Figures(BRANCH, at, at.date())) == []  # no work
    closed = rules.Figures(BRANCH, at, at.date(), day_worked=True, day_closed=True)
    assert found("day_not_closed", 18, closed) == []


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("wait_over", -1, "invalid_threshold"),
        ("wait_over", 24 * 60 + 1, "invalid_threshold"),
        ("day_not_closed", 24, "invalid_threshold"),
        ("drawer_difference", "50000", "invalid_threshold"),
        ("drawer_difference", True, "invalid_threshold"),
        ("nonsense", 5, "invalid_alert_kind"),
    ],
)
def test_a_threshold_outside_its_kind_is_refused(kind: str, value: object, code: str) -> None:
    with pytest.raises(QmsError) as err:
        rules.check_threshold(rules.check_kind(kind), value)
    assert err.value.code == code


def test_every_kind_has_words_in_both_languages() -> None:
    from qms.words import STATUSES

    for group in ("alert", "alert_says"):
        assert set(STATUSES[group]) == set(rules.KINDS)
    shown = {"kind": "drawer_difference", "subject": "C1", "value": -50_000,
             "detail": {"threshold": 20_000, "cashier_name": "Phạm Thu Ngân"}}  # fmt: skip
    assert alerts.says(shown) == (
        "Két lệch tiền: Két quầy C1 (Phạm Thu Ngân) lệch -50.000 đ (ngưỡng 20.000 đ). "
        "Đếm lại hoặc duyệt chênh lệch."
    )
    assert "differs by -50.000 đ" in alerts.says(shown, "en")


# --- in the hall ---------------------------------------------------------------------------------

ADMIN = staff("admin", "admin", None)
SUP = staff("supervisor", "supervisor", None)
OTHER_ADMIN = Principal("staff", "ba2", "branch_admin", "PE0200")
OWN_ADMIN = Principal("staff", "ba1", "branch_admin", BRANCH)


def rule(rig: Rig, kind: str, threshold: int, **more: Any) -> dict[str, Any]:
    body = {"kind": kind, "threshold": threshold, **more}
    return rig.run(alerts.create_rule(rig.hall, ADMIN, body))  # type: ignore[no-any-return]


def look(rig: Rig) -> dict[str, int]:
    return rig.run(alerts.evaluate(rig.hall, BRANCH))  # type: ignore[no-any-return]


def shown(rig: Rig, status: str = "open") -> list[dict[str, Any]]:
    return rig.run(alerts.listing(rig.hall, SUP, status))["alerts"]  # type: ignore[no-any-return]


def events(rig: Rig, prefix: str = "alert.") -> list[tuple[str, dict[str, Any]]]:
    rows = rig.read(
        lambda s: s.exec(
            select(Event).where(col(Event.type).startswith(prefix)).order_by(col(Event.seq))
        ).all()
    )
    return [(e.type, json.loads(e.payload)["alert"]) for e in rows]


def test_a_long_wait_is_raised_once_cleared_and_raised_again(rig: Rig) -> None:
    rule(rig, "wait_over", 5)
    t = rig.issue(rig.cmis.customer())
    assert look(rig) == {"raised": 0, "cleared": 0}
    rig.clock.move(minutes=6)
    assert look(rig) == {"raised": 1, "cleared": 0}
    rig.clock.move(minutes=3)
    assert look(rig) == {"raised": 0, "cleared": 0}  # still over: not raised twice
    (a,) = shown(rig)
    assert (a["kind"], a["value"], a["detail"]["number"], a["status"]) == (
        "wait_over", 6, t["number"], "open",
    )  # fmt: skip
    rig.open_drawers("c1")
    rig.find(t)
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    assert look(rig) == {"raised": 0, "cleared": 1}
    assert shown(rig) == [] and shown(rig, "all")[0]["status"] == "cleared"
    # later that day another customer waits too long: the same alert opens again
    rig.issue(rig.cmis.customer())
    rig.clock.move(minutes=6)
    assert look(rig) == {"raised": 1, "cleared": 0}
    assert [e for e, _ in events(rig)] == ["alert.raised", "alert.cleared", "alert.raised"]
    assert len({a["id"] for _, a in events(rig)}) == 1


def test_a_queue_while_cashier_counters_are_closed(rig: Rig) -> None:
    rule(rig, "closed_while_queue", 1)
    t = rig.issue(rig.cmis.customer())
    assert look(rig)["raised"] == 0  # one waiting is not more than one
    rig.issue(rig.cmis.customer())
    assert look(rig)["raised"] == 1
    (a,) = shown(rig)
    assert a["value"] == 2 and a["detail"]["counters"] == ["C1", "C2", "C4"]  # no one signed in
    rig.open_drawers("c1")
    rig.find(t)
    rig.do("c1", c.CallNumber(counter="C1", number=t["number"]))
    assert look(rig)["cleared"] == 1


def test_a_payment_not_in_cmis_then_posted(rig: Rig) -> None:
    rule(rig, "payment_unposted", 10)
    rig.open_drawers("c1")
    rig.collect("c1", rig.cmis.customer())
    rig.clock.move(minutes=11)
    assert look(rig)["raised"] == 1
    (a,) = shown(rig)
    assert a["value"] == 11 and a["detail"]["count"] == 1
    rig.post_payments()
    assert look(rig)["cleared"] == 1


def test_a_printer_whose_jobs_wait(rig: Rig) -> None:
    rule(rig, "device_offline", 5)
    rig.open_drawers("c1")
    rig.collect("c1", rig.cmis.customer())  # the receipt waits for printer r1
    rig.clock.move(minutes=6)
    assert look(rig)["raised"] == 1
    (a,) = shown(rig)
    assert (a["subject"], a["detail"]["device"]) == ("r1", "print")
    with write_session(rig.engine) as s:
        for job in s.exec(select(DeviceJob)).all():
            job.status = "done"
            s.add(job)
    assert look(rig)["cleared"] == 1


def test_a_drawer_difference_until_approved(rig: Rig) -> None:
    rule(rig, "drawer_difference", 10_000)
    rig.open_drawers("c1", "c2")
    rig.do("c1", c.CloseDrawer(counted=490_000))  # 10.000 đ short: not over
    rig.do("c2", c.CloseDrawer(counted=520_000))  # 20.000 đ over
    assert look(rig)["raised"] == 1
    (a,) = shown(rig)
    assert (a["subject"], a["value"], a["detail"]["cashier"]) == ("C2", 20_000, "cashier2")
    drawer = rig.read(lambda s: s.exec(select(Drawer).where(Drawer.counter_code == "C2")).one())
    rig.do("sup", c.Approve(id=drawer.id or 0, note="đếm lại đúng"))
    assert look(rig)["cleared"] == 1


def test_a_day_not_closed_by_its_hour(rig: Rig) -> None:
    rule(rig, "day_not_closed", 11)  # the clock says 10:00
    rig.issue(rig.cmis.customer())
    assert look(rig)["raised"] == 0
    rig.clock.move(hours=1)
    assert look(rig)["raised"] == 1
    with write_session(rig.engine) as s:
        s.add(DayClosure(branch_id=BRANCH, business_day=rig.day, closed_at=rig.clock.now(),
                         closed_by="head", summary="{}"))  # fmt: skip
    assert look(rig)["cleared"] == 1


def test_a_rule_turned_off_clears_its_alerts_and_a_stale_edit_is_refused(rig: Rig) -> None:
    r = rule(rig, "wait_over", 0)
    rig.issue(rig.cmis.customer())
    rig.clock.move(seconds=1)
    assert look(rig)["raised"] == 1
    off = rig.run(alerts.update_rule(rig.hall, ADMIN, r["id"], {"version": 1, "enabled": False}))
    assert off["version"] == 2 and off["enabled"] is False
    with pytest.raises(QmsError) as err:  # a second admin, on the copy they read before
        rig.run(alerts.update_rule(rig.hall, ADMIN, r["id"], {"version": 1, "threshold": 9}))
    assert err.value.code == "stale_edit" and err.value.details["version"] == 2
    assert look(rig)["cleared"] == 1
    assert rig.run(alerts.list_rules(rig.hall, ADMIN))["rules"][0]["threshold"] == 0  # unchanged


def test_acknowledged_once_audited_and_pushed(rig: Rig) -> None:
    rule(rig, "wait_over", 0)
    rig.issue(rig.cmis.customer())
    rig.clock.move(seconds=1)
    look(rig)
    (a,) = shown(rig)
    acked = rig.run(alerts.ack(rig.hall, SUP, a["id"]))
    assert (acked["status"], acked["acked_by"]) == ("acked", "supervisor")
    with pytest.raises(QmsError) as err:
        rig.run(alerts.ack(rig.hall, staff("head", "head_cashier", "C4"), a["id"]))
    assert err.value.code == "alert_acked" and err.value.details["acked_by"] == "supervisor"
    assert shown(rig)[0]["status"] == "acked"  # open until its condition is gone
    assert [e for e, _ in events(rig)] == ["alert.raised", "alert.acked"]
    audit = rig.read(
        lambda s: s.exec(select(AuditEntry).where(AuditEntry.action == "alerts.ack")).all()
    )
    assert [(x.actor, x.outcome) for x in audit] == [
        ("user:supervisor", "ok"),
        ("user:head", "alert_acked"),
    ]


def test_scope_a_branch_admin_stays_in_their_branch(rig: Rig) -> None:
    rule(rig, "wait_over", 0)
    rig.issue(rig.cmis.customer())
    rig.clock.move(seconds=1)
    look(rig)
    (a,) = shown(rig)

    def refused(coro: Any, code: str) -> None:
        with pytest.raises(QmsError) as err:
            rig.run(coro)
        assert err.value.code == code, err.value.details

    refused(alerts.ack(rig.hall, OTHER_ADMIN, a["id"]), "wrong_branch")
    refused(alerts.listing(rig.hall, OTHER_ADMIN, "open", BRANCH), "wrong_branch")
    assert rig.run(alerts.listing(rig.hall, OTHER_ADMIN, "open"))["alerts"] == []
    refused(alerts.create_rule(rig.hall, OWN_ADMIN, {"kind": "wait_over", "threshold": 5,
                                                     "branch": None}), "wrong_branch")  # fmt: skip
    refused(alerts.create_rule(rig.hall, SUP, {"kind": "wait_over", "threshold": 5}), "wrong_role")
    refused(alerts.ack(rig.hall, staff("cashier1", "cashier", "C1"), a["id"]), "wrong_role")
    bad_phone = {"kind": "wait_over", "threshold": 5, "notify_phone": "12"}
    refused(alerts.create_rule(rig.hall, OWN_ADMIN, bad_phone), "invalid_phone")
    mine = rig.run(alerts.create_rule(rig.hall, OWN_ADMIN, {"kind": "wait_over", "threshold": 5}))
    assert mine["branch"] == BRANCH
    assert [r["id"] for r in rig.run(alerts.list_rules(rig.hall, OTHER_ADMIN))["rules"]] == []
    acked = rig.run(alerts.ack(rig.hall, OWN_ADMIN, a["id"]))
    assert acked["acked_by"] == "ba1"
    # nothing changed by the refusals: one rule of the company, one of the branch, one ack
    assert len(rig.run(alerts.list_rules(rig.hall, ADMIN))["rules"]) == 2
    assert [e for e, _ in events(rig)] == ["alert.raised", "alert.acked"]
