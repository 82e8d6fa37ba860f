""" "Your turn is near" (docs/notify.md), as the queue decides it: which messages a move of
the queue makes due, each once, none after consent is withdrawn, and the numbers gone at
day end. The sending (gateway, retries) is tests/test_notify_*.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from qms.domain import commands as c
from qms.domain import notices
from qms.domain.errors import QmsError
from qms.storage.db import write_session
from qms.storage.models import OutMessage, TicketContact
from qms.usecases import follow, notify
from tests.fast.conftest import Rig

PHONE = "0912 345 678"


def messages(rig: Rig) -> list[OutMessage]:
    def rows(session: Any) -> list[OutMessage]:
        return list(session.exec(select(OutMessage).order_by(col(OutMessage.id))).all())

    return rig.read(rows)


def with_phone(rig: Rig, phone: str = PHONE, **more: Any) -> dict[str, Any]:
    cmd = c.parse(
        c.IssueTicket,
        {"customers": [rig.cmis.customer()], "phone": phone, "consent": True, **more},
    )
    return rig.do("reception", cmd)


def view(rig: Rig, token: str) -> dict[str, Any]:
    return rig.read(follow.public_view, rig.hall.branches, token, rig.day, rig.clock.now())


def test_near_goes_once_as_the_queue_moves_quickly_past_it_and_called_once(rig: Rig) -> None:
    n = rig.branch.near_ahead
    assert n == 3
    rig.open_drawers("c1", "c2", "head")
    for _ in range(6):
        rig.issue(rig.cmis.customer())
    mine = with_phone(rig)
    assert mine["notify"] == {"phone": "0912***678", "channel": "sms"}
    assert messages(rig) == []  # six ahead: nothing yet
    assert view(rig, mine["follow_token"])["near"] is False
    # three counters call at once, twice: the ticket goes from 6 ahead to none
    for who, counter in (("c1", "C1"), ("c2", "C2"), ("head", "C4")) * 2:
        rig.do(who, c.CallNext(counter=counter))
        rig.do(who, c.NoShow(counter=counter))
    seen = view(rig, mine["follow_token"])
    assert seen["ahead"] == 0 and seen["near"] is True
    near = [m for m in messages(rig) if m.kind == "near"]
    assert len(near) == 1  # queued at 3 ahead, not again at 2, 1 and 0
    assert json.loads(near[0].params) == {"number": mine["number"], "ahead": 3}
    assert near[0].phone == "84912345678" and near[0].status == "queued"
    rig.do("c1", c.CallNext(counter="C1"))
    kinds = [(m.kind, m.status) for m in messages(rig)]
    # the near message not yet sent when they were called: "called" says more now
    assert kinds == [("near", "dropped"), ("called", "queued")]
    called = json.loads(messages(rig)[1].params)
    assert called == {"number": mine["number"], "counter": "C1", "name": "Quầy 1"}
    rig.do("c1", c.Park(counter="C1"))
    rig.do("c1", c.CallNumber(counter="C1", number=mine["number"]))  # called again
    assert len(messages(rig)) == 2  # still one of each


def test_nothing_is_queued_after_consent_is_withdrawn(rig: Rig) -> None:
    rig.open_drawers("c1")
    first = rig.issue(rig.cmis.customer())
    mine = with_phone(rig, "+84 352 345 678", channel="zalo")
    rig.do("c1", c.CallNext(counter="C1"))  # one ahead: near is queued
    assert [(m.kind, m.channel, m.status) for m in messages(rig)] == [("near", "zalo", "queued")]
    out = rig.run(notify.withdraw(rig.hall, mine["follow_token"]))
    assert out["number"] == mine["number"]
    assert [(m.status, m.phone) for m in messages(rig)] == [("dropped", None)]
    seen = view(rig, mine["follow_token"])["notify"]
    assert seen == {"phone": None, "active": False, "withdrawn": True}
    rig.do("c1", c.NoShow(counter="C1"))
    called = rig.do("c1", c.CallNext(counter="C1"))
    assert called["number"] == mine["number"] != first["number"]
    assert len(messages(rig)) == 1  # no "called" for a withdrawn number
    again = rig.run(notify.withdraw(rig.hall, mine["follow_token"]))
    assert again == out  # a second stop changes nothing
    stranger = rig.issue(rig.cmis.customer())
    with pytest.raises(QmsError) as err:
        rig.run(notify.withdraw(rig.hall, stranger["follow_token"]))
    assert err.value.code == "no_contact"


@pytest.mark.parametrize(
    "phone",
    ["12345", "+1 415 555 2671", "028 1234 5678", "0912 345", "số điện thoại", "0" * 30, 912345678],
)
def test_a_number_that_is_no_vietnamese_mobile_is_refused(rig: Rig, phone: object) -> None:
    with pytest.raises(QmsError) as err:
        with_phone(rig, phone)  # type: ignore[arg-type]
    assert err.value.code == "invalid_phone" and err.value.details["field"] == "phone"
    assert messages(rig) == [] and rig.read(lambda s: s.exec(select(TicketContact)).all()) == []


@pytest.mark.parametrize("phone", ["0912345678", "+84912345678", "84 912 345 678", "0912.345.678"])
def test_the_usual_ways_of_writing_a_mobile_are_one_number(phone: str) -> None:
    assert notices.check_phone(phone) == "84912345678"


def test_a_number_needs_the_consent_box_and_none_is_fine(rig: Rig) -> None:
    code = rig.cmis.customer()
    for consent in (None, False):
        with pytest.raises(QmsError) as err:
            c.parse(c.IssueTicket, {"customers": [code], "phone": PHONE, "consent": consent})
        assert err.value.code == "consent_required"
    t = rig.do("reception", c.parse(c.IssueTicket, {"customers": [code], "phone": ""}))
    assert "notify" not in t


def test_day_end_erases_the_numbers_and_drops_what_is_still_queued(rig: Rig) -> None:
    rig.open_drawers("c1")
    rig.issue(rig.cmis.customer())
    mine = with_phone(rig)
    rig.do("c1", c.CallNext(counter="C1"))
    assert [m.status for m in messages(rig)] == ["queued"]
    with write_session(rig.engine) as session:
        assert notices.erase_until(session, rig.branch.id, rig.day) == 1
    assert [(m.status, m.phone) for m in messages(rig)] == [("dropped", None)]
    seen = view(rig, mine["follow_token"])["notify"]
    assert seen is not None and seen["phone"] is None and seen["active"] is False


def test_the_near_count_follows_the_priority_lane(rig: Rig) -> None:
    """A priority ticket issued later is ahead of a normal one: the count says so."""
    rig.open_drawers("c1")
    for _ in range(3):
        rig.issue(rig.cmis.customer())
    mine = with_phone(rig)
    assert view(rig, mine["follow_token"])["ahead"] == 3
    rig.do("reception", c.IssueTicket(customers=(rig.cmis.customer(),), priority="elderly"))
    assert view(rig, mine["follow_token"])["ahead"] == 4
    assert view(rig, mine["follow_token"])["near"] is False
