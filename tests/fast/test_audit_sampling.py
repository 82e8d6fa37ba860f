"""The audit log cannot be filled by anyone: refusals of nobody signed in are counted and
sampled (one entry per route and code a window, the first of each address), every stored
field is cut to its length, and entries past ``audit.retention_days`` are deleted."""

from __future__ import annotations

import datetime as dt

from qms.config import AuditSettings
from qms.usecases import audit
from qms.workers import audit_upkeep
from tests.fast.conftest import BRANCH, Rig

ROUTE = "POST /api/tickets/{number}/cancel"


def listed(rig: Rig) -> list[dict[str, object]]:
    return rig.read(audit.listing, BRANCH, rig.day, rig.clock.tz, None, 5000)


def test_a_flood_of_anonymous_refusals_is_two_entries_not_thousands(rig: Rig) -> None:
    refusals = audit.Refusals(window_s=60)
    stored = []
    for i in range(2356):  # the 2,356 requests in 15 s, from one address
        at = rig.clock.now() + dt.timedelta(milliseconds=6 * i)
        stored += refusals.due(at)
        sample = refusals.note(at, "192.168.1.77", ROUTE, "unauthenticated")
        if sample is not None:
            stored.append(sample)
    assert len(stored) == 1  # the first one, as a sample
    rig.clock.move(seconds=61)
    stored += refusals.due(rig.clock.now())
    audit.write_all(rig.engine, stored)

    entries = listed(rig)  # the branch's supervisor sees them
    assert len(entries) == 2
    count = next(e for e in entries if "2356" in str(e["target"]))
    assert count["actor"] == "anonymous" and count["action"] == ROUTE
    assert count["outcome"] == "unauthenticated" and count["via"] == "192.168.1.77"
    assert refusals.totals == {(ROUTE, "unauthenticated"): 2356}
    assert refusals.due(rig.clock.now(), all_=True) == []  # nothing left open


def test_samples_are_bounded_per_window_and_each_address_counted(rig: Rig) -> None:
    refusals = audit.Refusals(window_s=60, samples=20)
    now = rig.clock.now()
    samples = [refusals.note(now, f"10.0.0.{i}", ROUTE, "unauthenticated") for i in range(100)]
    assert sum(s is not None for s in samples) == 20
    (count,) = refusals.due(now, all_=True)
    assert count["via"] == "100 địa chỉ / addresses"
    assert "100" in str(count["target"])


def test_every_stored_field_is_cut_to_its_length(rig: Rig) -> None:
    long = "/api/tickets/" + "9" * 60_000
    row = audit.entry(rig.clock.now(), BRANCH, "x" * 500, "r" * 99, "v" * 500,
                      f"POST {long}", "t" * 5000, "c" * 500)  # fmt: skip
    audit.write(rig.engine, row)
    (e,) = listed(rig)
    for name, limit in audit.MAX_FIELD.items():
        assert len(str(e[name])) == limit, name
    refusals = audit.Refusals(window_s=60)
    sample = refusals.note(rig.clock.now(), "10.0.0.1", f"POST {long}", "unauthenticated")
    assert sample is not None and len(sample["action"]) == audit.MAX_FIELD["action"]


def test_entries_past_the_retention_are_deleted(rig: Rig) -> None:
    now = rig.clock.now()
    old = [audit.entry(now - dt.timedelta(days=d), BRANCH, "user:a", "cashier", None, "x")
           for d in (401, 500, 900)]  # fmt: skip
    kept = [audit.entry(now - dt.timedelta(days=d), BRANCH, "user:a", "cashier", None, "x")
            for d in (0, 10, 399)]  # fmt: skip
    audit.write_all(rig.engine, old + kept)
    assert audit_upkeep.prune_once(rig.engine, rig.clock, 0) == 0  # 0: kept for ever
    assert audit_upkeep.prune_once(rig.engine, rig.clock, 400) == 3
    assert audit_upkeep.prune_once(rig.engine, rig.clock, 400) == 0
    assert len(listed(rig)) == 1  # today's; the 10 and 399 days old are other days'
    assert audit.prune(rig.engine, now + dt.timedelta(days=1), batch=2) == 3  # in batches
    assert AuditSettings().retention_days == 400
