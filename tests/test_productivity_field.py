"""Issue 25's test: a round of 200 disconnection orders over 5 crews, worked through the
field API as the day goes (the team leader pulls the books from the CMIS simulator and
assigns automatically; each crew reports from its phone), two customers of one crew cut
and then paying at the counter, reconnected by that crew; the productivity report adds up
to what the crews reported, crew by crew."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import HallServer
from tests.hallclient import Staff

ROUND = 200
CREWS = ("T1", "T2", "T3", "T4", "T5")
#: one person a crew: the demo crews T1 (crew1, crew2) and T2 (crew3, crew4) give one each
#: to a new crew; crew5 is made for T5 (one `qms user add`: each costs seconds)
MEMBERS = {"T1": "crew1", "T2": "crew3", "T3": "crew2", "T4": "crew4", "T5": "crew5"}
PASSWORD = "field-pass"
URL = "/api/reports/productivity"
#: two reconnections of one crew, this long after the payment (lower median: the first)
RECONNECT_AFTER_S = (120, 480)


def add_crew_person(server: HallServer, user: str) -> None:
    cmd = ["user", "add", user, "--role", "crew", "--name", f"Thợ {user}", "--branch", "PE0100"]
    done = subprocess.run(
        [sys.executable, "-m", "qms", *cmd, "--config", str(server.config)],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        cwd=server.tmp,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def books_for(candidates: list[dict[str, Any]], want: int) -> list[str]:
    """Whole books whose lists hold exactly ``want`` customers (the smallest total past
    it if no set does): a subset sum over the books' sizes."""
    sizes = Counter(c["MA_SOGCS"] for c in candidates)
    best: dict[int, list[str]] = {0: []}
    for book, n in sorted(sizes.items()):
        for total, chosen in list(best.items()):
            if total + n not in best and total < want:
                best[total + n] = [*chosen, book]
    reach = sorted(t for t in best if t >= want)
    assert reach, f"the simulator lists {len(candidates)} customers, fewer than {want}"
    return best[reach[0]]


def outcome(n: int) -> dict[str, Any] | None:
    """What the crew reports for its n-th order of the round (None: no result yet)."""
    if n % 10 == 0:
        return {"outcome": "not_done", "reason": "absent"}
    if n % 10 == 1:
        return {"outcome": "not_done", "reason": "paid_on_spot", "receipt_no": f"BL-{n:04d}"}
    if n % 20 == 2:
        return {"outcome": "not_done", "reason": "inaccessible"}
    if n % 20 == 12:
        return {"outcome": "not_done", "reason": "refused"}
    if n % 10 == 3:
        return None
    return {"outcome": "done"}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("productivity-field"))
    with server.running():
        add_crew_person(server, MEMBERS["T5"])
        yield server


@pytest.fixture(scope="module")
def worked(hall: HallServer, staff: dict[str, Staff]) -> dict[str, Any]:
    """The day: pull, auto-assign over five crews, every crew's results, two payments at
    the counter of customers T1 cut, and T1's two reconnections."""
    leader = Staff(hall.base, "doitruong", None)
    people: dict[str, Staff] = {}
    try:
        for code, user in MEMBERS.items():
            leader.post(
                "/api/field/crews", {"code": code, "name": f"Tổ {code[1]}", "members": [user]}
            )
            password = PASSWORD if code == "T5" else "demo123"
            people[code] = Staff(hall.base, user, None, password)
        today = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"]
        listed = httpx.get(
            f"{hall.cmis_url}/v2/disconnections", params={"unit": "PE0100", "as_of": today}
        ).json()["DANH_SACH"]
        books = books_for(listed, ROUND)
        leader.post("/api/field/rounds/pull", {"books": books})
        leader.post("/api/field/orders/auto-assign", {"crews": list(CREWS)})

        sent: dict[str, list[dict[str, Any] | None]] = defaultdict(list)
        cut: dict[str, list[dict[str, Any]]] = defaultdict(list)
        n = 0
        for code in CREWS:
            for order in people[code].get("/api/field/my-orders")["orders"]:
                result = outcome(n)
                n += 1
                sent[code].append(result)
                if result is None:
                    continue
                at = dt.datetime.now(dt.UTC).isoformat()
                body = {"key": f"result-{order['id']:06d}", "at": at, **result}
                people[code].post(f"/api/field/orders/{order['id']}/result", body)
                if result["outcome"] == "done":
                    cut[code].append(order)

        # two customers T1 cut pay everything at the counter: their reconnections are T1's
        paid: list[str] = []
        for order in cut["T1"][:2]:
            t = staff["reception"].post("/api/tickets", {"customers": [order["customer_code"]]})
            invoices = t["customers"][0]["invoices"]
            for inv in invoices:
                clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
                clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
            staff["c1"].act("call", number=t["number"])
            staff["c1"].act(
                "collect",
                invoices=[i["invoice_id"] for i in invoices],
                amount=sum(i["total"] for i in invoices),
            )
            paid.append(order["customer_code"])
        orders = people["T1"].get("/api/field/my-orders")["orders"]
        again = [o for o in orders if o["kind"] == "reconnect"]
        assert sorted(o["customer_code"] for o in again) == sorted(paid)
        for o, after in zip(sorted(again, key=lambda o: o["id"]), RECONNECT_AFTER_S, strict=True):
            at = dt.datetime.fromisoformat(o["paid_at"]) + dt.timedelta(seconds=after)
            body = {"key": f"reconnect-{o['id']:06d}", "at": at.isoformat(), "outcome": "done"}
            people["T1"].post(f"/api/field/orders/{o['id']}/result", body)
        return {"today": today, "sent": sent, "orders": n}
    finally:
        for person in (leader, *people.values()):
            person.close()


def test_a_round_of_200_over_5_crews_adds_up(
    staff: dict[str, Staff], worked: dict[str, Any]
) -> None:
    assert worked["orders"] == ROUND
    report = staff["sup"].get(f"{URL}?from={worked['today']}&to={worked['today']}")
    crews = report["crews"]
    rows = {r["crew"]: r for r in crews["rows"]}
    assert sorted(rows) == list(CREWS)
    for code in CREWS:
        sent = worked["sent"][code]
        results = [r for r in sent if r is not None]
        reasons = Counter(r["reason"] for r in results if r["outcome"] == "not_done")
        reconnections = 2 if code == "T1" else 0
        r = rows[code]
        assert r["assigned"] == r["orders"] == len(sent) + reconnections, code
        assert r["cuts"] == sum(x["outcome"] == "done" for x in results), code
        assert r["reconnections"] == reconnections, code
        assert r["done"] == r["cuts"] + r["reconnections"]
        assert r["not_done"] == sum(reasons.values())
        for reason in ("paid_on_spot", "absent", "inaccessible", "refused", "wrong_address"):
            assert r[f"not_done_{reason}"] == reasons[reason], (code, reason)
        assert r["in_progress"] == sent.count(None), code
    t1 = rows["T1"]
    assert (t1["reconnect_median_s"], t1["reconnect_worst_s"]) == RECONNECT_AFTER_S
    assert t1["reconnections_late"] == 0  # well within the 24-hour deadline

    totals = crews["totals"]
    assert totals["orders"] == ROUND + 2
    assert crews["unassigned"] == []  # auto-assign gave every order a crew
    for key, value in totals.items():
        if not key.endswith("_s"):
            assert value == sum(r[key] for r in crews["rows"]), key
    parts = ("done", "not_done", "in_progress", "cancelled", "open")
    assert totals["orders"] == sum(totals[k] for k in parts)
    assert (totals["reconnect_median_s"], totals["reconnect_worst_s"]) == RECONNECT_AFTER_S
    (day,) = crews["by_day"]
    assert {k: day[k] for k in parts} == {k: totals[k] for k in parts}
    # the two payments are in the cashiers' figures of the same report
    assert report["cashiers"]["totals"]["payments"] == 2
