"""What the display view's snapshot gives the pages that read it for priority customers
(docs/priority.md, docs/protocol.md): reception's waiting list needs every waiting ticket
and its mark, the kiosk needs to know whether to offer the priority buttons and the phone
number; and still no names, codes or amounts on the hall's public screens."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from qms.domain import commands as c
from qms.usecases import projections
from tests.fast.conftest import Rig


def display_snapshot(rig: Rig, **branch: Any) -> dict[str, Any]:
    b = dataclasses.replace(rig.branch, **branch)
    snap: dict[str, Any] = rig.run(rig.hall.read(projections.snapshot, b, "display", rig.day))
    return snap["data"]


def test_the_display_snapshot_holds_waiting_tickets_with_their_priority(rig: Rig) -> None:
    called = rig.issue(rig.cmis.customer())
    rig.open_drawers("c1")
    rig.do("c1", c.CallNumber("C1", called["number"]))
    code = rig.cmis.customer()
    elderly = rig.do("reception", c.IssueTicket((code,), priority="elderly"))
    normal = rig.issue(rig.cmis.customer())
    rig.do("reception", c.MarkPriority(normal["number"], "child"))
    plain = rig.issue(rig.cmis.customer())

    data = display_snapshot(rig)
    tickets = {t["number"]: t for t in data["tickets"]}
    assert tickets[called["number"]]["status"] == "serving"
    assert {
        n: (t["status"], t["priority"]) for n, t in tickets.items() if n != called["number"]
    } == {
        elderly["number"]: ("waiting", "elderly"),
        normal["number"]: ("waiting", "child"),
        plain["number"]: ("waiting", None),
    }
    assert code not in json.dumps(data) and "customers" not in json.dumps(data)
    assert all(set(t) == set(tickets[called["number"]]) for t in tickets.values())


def test_the_snapshot_says_what_the_kiosk_offers(rig: Rig) -> None:
    """``cashier.priority`` and ``notify.enabled`` on (the defaults): both offered; a hall
    with neither (a bound of 0, no "near" count: qms/domain/branch.py) offers neither."""
    on = display_snapshot(rig)["branch"]
    assert (on["priority"], on["notify"]) == (True, True)
    off = display_snapshot(rig, priority_max_in_row=0, near_ahead=0)["branch"]
    assert (off["priority"], off["notify"]) == (False, False)
    assert off["name"] == rig.branch.name
