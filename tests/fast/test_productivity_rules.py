"""The productivity rules on plain values (qms.domain.productivity): who served a ticket
when drawers share a counter, when a shift ends for its idle time, the lower median, and
a crew's tally where every order lands in exactly one column."""

from __future__ import annotations

import datetime as dt

from qms.domain import productivity as rules

DAY = dt.date(2026, 12, 7)
T0 = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def shift(who: str, opened: float, closed: float | None, counter: str = "C1") -> rules.Shift:
    return rules.Shift(who, counter, DAY, at(opened), at(closed) if closed is not None else None)


def service(called: float, finished: float, payers: tuple[str, ...] = ()) -> rules.Service:
    return rules.Service("C1", DAY, at(called), at(finished), payers)


def test_a_ticket_is_served_by_the_drawer_open_at_its_counter_when_it_ended() -> None:
    morning, afternoon = shift("an", 0, 240), shift("binh", 250, None)
    drawers = [morning, afternoon]
    assert rules.server_of(service(10, 20), drawers) == "an"
    assert rules.server_of(service(300, 310), drawers) == "binh"
    # between the two shifts: the drawer opened there last before it
    assert rules.server_of(service(241, 245), drawers) == "an"
    # two drawers open at once: the one who took the payment, else the one opened last
    both = [shift("an", 0, None), shift("binh", 30, None)]
    assert rules.server_of(service(40, 50, ("an",)), both) == "an"
    assert rules.server_of(service(40, 50), both) == "binh"
    # no drawer at the counter that day: the last payer, else nobody
    assert rules.server_of(service(40, 50, ("an", "chi")), []) == "chi"
    assert rules.server_of(service(40, 50), []) == ""


def test_a_shift_ends_at_its_closing_now_or_the_last_act() -> None:
    now, today = at(600), DAY
    assert rules.shift_end(shift("an", 0, 240), now, today, at(230)) == at(240)
    assert rules.shift_end(shift("an", 0, None), now, today, at(230)) == now
    yesterday = rules.Shift("an", "C1", DAY - dt.timedelta(days=1), at(-1440), None)
    assert rules.shift_end(yesterday, now, today, at(-1200)) == at(-1200)
    assert rules.shift_end(yesterday, now, today, None) == at(-1440)  # did nothing: no time


def test_time_shared_and_lower_median() -> None:
    assert rules.overlap(at(0), at(10), at(5), at(20)) == 300
    assert rules.overlap(at(0), at(10), at(10), at(20)) == 0
    assert rules.median([]) is None
    assert rules.median([30, 10, 20]) == 20
    assert rules.median([40, 10, 30, 20]) == 20  # a time that really happened
    assert rules.seconds(at(1), at(0)) == 0  # never negative
    assert rules.seconds(None, at(0)) is None


def test_every_order_lands_in_one_column() -> None:
    crew = rules.CrewTally()
    paid = at(0)
    crew.add("cut", "done", None, True)
    crew.add("cut", "not_done", "absent", True)
    crew.add("cut", "not_done", "a reason from an older phone", True)
    crew.add("cut", "assigned", None, True)
    crew.add("cut", "cancelled", "paid_at_counter", True)
    crew.add("reconnect", "done", None, True, paid, at(30), at(60))
    crew.add("reconnect", "done", None, True, paid, at(90), at(60))
    row = crew.row()
    assert (row["orders"], row["assigned"], row["open"]) == (7, 7, 0)
    parts = ("done", "not_done", "in_progress", "cancelled", "open")
    assert row["orders"] == sum(row[k] for k in parts)
    assert (row["cuts"], row["reconnections"], row["reconnections_late"]) == (1, 2, 1)
    assert (row["not_done_absent"], row["not_done_other"]) == (1, 1)
    assert (row["reconnect_median_s"], row["reconnect_worst_s"]) == (1800, 5400)
    nobody = rules.CrewTally()
    nobody.add("cut", "open", None, False)
    nobody.add("cut", "cancelled", "withdrawn", False)
    assert {k: nobody.row()[k] for k in ("orders", "assigned", "open", "cancelled")} == {
        "orders": 2,
        "assigned": 0,
        "open": 1,
        "cancelled": 1,
    }


def test_a_clerks_papers_and_times() -> None:
    clerk = rules.ClerkTally()
    clerk.add("found", at(0), at(2))
    clerk.add("found", at(0), at(6))
    clerk.add("found", at(10), at(5))  # found for an earlier ticket: counted, not timed
    clerk.add("deferred", at(0), at(1))
    clerk.add("missing", at(0), at(1))
    clerk.add("pending", at(0), None)
    row = clerk.row()
    assert (row["papers"], row["found"], row["deferred"], row["missing"], row["pending"]) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert (row["find_median_s"], row["find_worst_s"]) == (120, 360)
