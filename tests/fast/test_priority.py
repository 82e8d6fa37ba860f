"""Priority customers (docs/priority.md): served first, within the fairness bound, marked
only by the roles that may, and their waits kept apart in the statistics."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from qms.domain import commands as c
from qms.domain.errors import QmsError
from qms.usecases import queries
from qms.usecases.auth import Principal
from tests.fast.conftest import BRANCH, Rig, staff

KINDS = ("elderly", "disabled", "pregnant", "child")
COUNTERS = {"c1": "C1", "c2": "C2", "head": "C4"}


@dataclass
class Seen:
    number: int
    priority: bool
    issued_step: int
    called_step: int | None = None


def test_500_arrivals_priority_first_and_no_normal_ticket_waits_past_the_bound(
    rig: Rig,
) -> None:
    """A busy morning: 500 arrivals, one in four a priority customer, three counters
    calling as they free up. The bound (3 in a row) holds for every normal ticket, every
    ticket is called, and the statistics show the two waits apart."""
    bound = rig.branch.priority_max_in_row
    assert bound == 3
    rng = random.Random(28)
    rig.open_drawers(*COUNTERS)
    tickets: dict[int, Seen] = {}
    calls: list[int] = []  # numbers, in call order
    serving: dict[str, bool] = dict.fromkeys(COUNTERS, False)
    step = 0
    while len(tickets) < 500 or any(t.called_step is None for t in tickets.values()):
        step += 1
        rig.clock.move(seconds=20)
        # arrivals come in bursts a little faster than three counters serve
        if len(tickets) < 500 and rng.random() < 0.6:
            kind = rng.choice(KINDS) if rng.random() < 0.25 else None
            t = rig.do("reception", c.IssueTicket(customers=(rig.cmis.customer(),), priority=kind))
            assert t["priority"] == kind
            tickets[t["number"]] = Seen(t["number"], kind is not None, step)
            continue
        who = rng.choice(list(COUNTERS))
        if serving[who]:
            rig.do(who, c.NoShow(counter=COUNTERS[who]))  # done with them, whatever way
            serving[who] = False
        if any(t.called_step is None for t in tickets.values()):
            called = rig.do(who, c.CallNext(counter=COUNTERS[who]))
            tickets[called["number"]].called_step = step
            calls.append(called["number"])
            serving[who] = True

    assert sorted(calls) == sorted(tickets)  # everyone was called, once
    prio = [t for t in tickets.values() if t.priority]
    assert 90 < len(prio) < 160
    # the bound: between a normal ticket's issue and its call, never more than `bound`
    # priority calls in a row
    order = {n: k for k, n in enumerate(calls)}
    worst = 0
    for t in tickets.values():
        if t.priority:
            continue
        run = 0
        for n in calls[: order[t.number]]:
            if tickets[n].called_step is not None and tickets[n].called_step < t.issued_step:
                continue  # called before this ticket came
            run = run + 1 if tickets[n].priority else 0
            worst = max(worst, run)
            assert run <= bound, f"normal ticket {t.number} waited through {run} priority calls"
    assert worst == bound  # the lane was busy enough for the bound to matter

    stats = rig.run(queries.hourly(rig.hall, rig.people["sup"], rig.day))
    lanes = stats["lanes"]
    assert lanes["priority"]["called"] == len(prio)
    assert lanes["normal"]["called"] == 500 - len(prio)
    assert lanes["priority"]["called"] + lanes["normal"]["called"] == stats["day"]["called"]
    # served first: the priority lane waits far less than the rest
    assert lanes["priority"]["wait_avg_s"] * 3 < lanes["normal"]["wait_avg_s"]
    hour = next(h for h in stats["hours"] if h["lanes"]["priority"]["called"])
    assert hour["lanes"]["priority"]["called"] + hour["lanes"]["normal"]["called"] == hour["called"]


def test_the_lowest_priority_number_first_then_the_normal_after_the_bound(rig: Rig) -> None:
    rig.open_drawers("c1")
    normal = [rig.issue(rig.cmis.customer())["number"] for _ in range(2)]
    prio = [
        rig.do("reception", c.IssueTicket(customers=(rig.cmis.customer(),), priority="elderly"))[
            "number"
        ]
        for _ in range(5)
    ]
    called = []
    for _ in range(7):
        called.append(rig.do("c1", c.CallNext(counter="C1"))["number"])
        rig.do("c1", c.NoShow(counter="C1"))
    # three priority, then the oldest normal, three... the last priority, then the other normal
    assert called == [*prio[:3], normal[0], *prio[3:], normal[1]]


def test_a_normal_call_by_number_resets_the_run(rig: Rig) -> None:
    rig.open_drawers("c1")
    n1 = rig.issue(rig.cmis.customer())["number"]
    n2 = rig.issue(rig.cmis.customer())["number"]
    prio = [
        rig.do("reception", c.IssueTicket(customers=(rig.cmis.customer(),), priority="child"))[
            "number"
        ]
        for _ in range(4)
    ]
    for _ in range(2):
        rig.do("c1", c.CallNext(counter="C1"))
        rig.do("c1", c.NoShow(counter="C1"))
    rig.do("c1", c.CallNumber(counter="C1", number=n1))  # the cashier calls a normal by hand
    rig.do("c1", c.NoShow(counter="C1"))
    called = [rig.do("c1", c.CallNext(counter="C1"))["number"]]
    rig.do("c1", c.NoShow(counter="C1"))
    called.append(rig.do("c1", c.CallNext(counter="C1"))["number"])
    assert called == prio[2:4]  # the run started again from the hand call
    rig.do("c1", c.NoShow(counter="C1"))
    assert rig.do("c1", c.CallNext(counter="C1"))["number"] == n2


def test_only_kiosk_reception_and_supervisor_mark_priority(rig: Rig) -> None:
    code = rig.cmis.customer()
    admin = staff("admin", "admin", None)
    kiosk = Principal("device", "kiosk-1", "kiosk", BRANCH)
    rig.people = {**rig.people, "admin": admin, "kiosk": kiosk}
    rig.refused("admin", c.IssueTicket(customers=(code,), priority="elderly"), "wrong_role")
    t = rig.do("kiosk", c.IssueTicket(customers=(code,), priority="pregnant"))
    assert t["priority"] == "pregnant"
    other = rig.issue(rig.cmis.customer())
    for who in ("c1", "even", "head", "kiosk"):
        rig.refused(who, c.MarkPriority(number=other["number"], priority="elderly"), "wrong_role")
    assert rig.ticket(other["number"])["priority"] is None
    marked = rig.do("reception", c.MarkPriority(number=other["number"], priority="disabled"))
    assert marked["priority"] == "disabled"
    assert rig.do("sup", c.MarkPriority(number=other["number"], priority=None))["priority"] is None


def test_a_mark_is_for_a_waiting_ticket_of_the_known_kinds(rig: Rig) -> None:
    rig.open_drawers("c1")
    t = rig.issue(rig.cmis.customer())
    with pytest.raises(QmsError) as err:
        c.parse(c.MarkPriority, {"priority": "vip"}, number=t["number"])
    assert err.value.code == "unknown_priority"
    rig.do("c1", c.CallNext(counter="C1"))
    refusal = rig.refused(
        "reception", c.MarkPriority(number=t["number"], priority="elderly"), "ticket_not_waiting"
    )
    assert refusal.details["status"] == "serving"
