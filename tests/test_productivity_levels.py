"""The productivity report's levels through a real `qms serve`: the hall level of a branch
with one hall says what the branch level says, and the company level over two branches
(the second made through the admin API) is the two branches' figures together, row by
row and total by total. The figures: tickets served and papers found in the first hall,
field crews' orders in both (written as the field work writes them, as
tests/test_productivity.py does)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlmodel import Session, create_engine

from qms.storage.models import Crew, FieldOrder
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BRANCH, OTHER = "PE0100", "PE0200"
URL = "/api/reports/productivity"
SECTIONS = ("crews", "cashiers", "lookup")
#: a figure no sum gives: each level takes it over its own orders or visits
MEDIANS = ("reconnect_median_s", "service_median_s", "find_median_s")


@pytest.fixture(scope="module")
def admin(hall: HallServer) -> Iterator[Staff]:
    a = Staff(hall.base, "admin", None)
    yield a
    a.close()


def crew_day(session: Session, branch: str, code: str, now: dt.datetime, n: int) -> None:
    """A crew of ``branch`` with ``n`` cuts done, one refused, one at a wrong address, one
    still to do, and a reconnection done ``n`` hours after its payment (deadline: 2 h)."""
    crew = Crew(
        branch_id=branch, code=code, name=f"Tổ {code}", members=json.dumps([]), created_at=now
    )
    session.add(crew)
    session.flush()
    today = now.astimezone(TZ).date()

    def order(kind: str, status: str, k: int, **more: Any) -> FieldOrder:
        return FieldOrder(
            branch_id=branch,
            kind=kind,
            business_day=today,
            customer_code=f"{branch}{code}{k:05d}",
            customer_name=f"Khách {k}",
            address=f"{k} Trần Hưng Đạo",
            unit=branch,
            book_code=f"{branch}A001",
            status=status,
            crew_id=crew.id,
            assigned_at=now,
            created_at=now,
            **more,
        )

    paid = now - dt.timedelta(hours=n + 1)
    session.add_all(
        [
            *(order("cut", "done", k, done_at=now) for k in range(n)),
            order("cut", "not_done", 100, reason="refused", done_at=now),
            order("cut", "not_done", 101, reason="wrong_address", done_at=now),
            order("cut", "assigned", 102),
            order(
                "reconnect",
                "done",
                103,
                paid_at=paid,
                deadline=paid + dt.timedelta(hours=2, minutes=30),
                done_at=paid + dt.timedelta(hours=n),
            ),
        ]
    )


@pytest.fixture(scope="module")
def two_branches(
    hall: HallServer, admin: Staff, staff: dict[str, Staff], customers: Customers
) -> None:
    """A second branch made by the company admin; crews at work in both; in the first
    hall three tickets served at two cashiers, each paper found by its parity's clerk."""
    admin.post(
        "/api/admin/branches",
        {"id": OTHER, "name": "Điện lực Chợ Lớn", "collection_point": f"{OTHER}-HALL1"},
    )
    for who in ("c1", "c2", "c1"):
        t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
        (inv,) = t["customers"][0]["invoices"]
        clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
        clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
        staff[who].act("call", number=t["number"])
        staff[who].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
    raw = yaml.safe_load(hall.config.read_text(encoding="utf-8"))
    engine = create_engine(raw["database"]["url"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        with Session(engine) as s:
            crew_day(s, BRANCH, "P1", now, 3)
            crew_day(s, OTHER, "Q1", now, 1)
            crew_day(s, OTHER, "Q2", now, 2)
            s.commit()
    finally:
        engine.dispose()


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """What a level reports, without what names the level itself."""
    return {k: data[k] for k in SECTIONS}


def test_the_hall_level_of_a_one_hall_branch_is_the_branch(
    two_branches: None, staff: dict[str, Staff], admin: Staff
) -> None:
    sup = staff["sup"]
    branch = sup.get(f"{URL}?level=branch")
    assert branch["crews"]["totals"]["cuts"] == 3  # the hall's work is in it
    assert branch["cashiers"]["totals"]["tickets_served"] >= 3
    assert branch["lookup"]["totals"]["found"] >= 3
    for ask in (f"{URL}?level=hall", f"{URL}?level=hall&hall={BRANCH}-HALL1"):
        hall_level = sup.get(ask)
        assert hall_level["level"] == "hall"
        assert figures(hall_level) == figures(branch), ask
    # the company admin asking for the other branch's hall, by its code
    other = admin.get(f"{URL}?level=branch&branch={OTHER}")
    assert other["crews"]["totals"]["cuts"] == 3  # Q1 one, Q2 two
    assert figures(admin.get(f"{URL}?level=hall&hall={OTHER}-HALL1")) == figures(other)


def test_the_company_is_both_branches_together(two_branches: None, admin: Staff) -> None:
    one = admin.get(f"{URL}?level=branch&branch={BRANCH}")
    two = admin.get(f"{URL}?level=branch&branch={OTHER}")
    company = admin.get(f"{URL}?level=company")
    assert [b["id"] for b in company["branches"]] == [BRANCH, OTHER]
    assert company["halls"] == [f"{BRANCH}-HALL1", f"{OTHER}-HALL1"]
    for section in SECTIONS:
        # each branch's rows, as that branch's report gives them, and nothing else
        rows = sorted(company[section]["rows"], key=json.dumps)
        assert rows == sorted(one[section]["rows"] + two[section]["rows"], key=json.dumps)
        totals, a, b = company[section]["totals"], one[section]["totals"], two[section]["totals"]
        assert set(totals) == set(a) == set(b)
        for key, value in totals.items():
            if key in MEDIANS:  # not a sum, but never outside the branches' own
                known = [x for x in (a[key], b[key]) if x is not None]
                assert value is None if not known else min(known) <= value <= max(known)
                continue
            if key.endswith("_worst_s"):
                assert value == max((x for x in (a[key], b[key]) if x is not None), default=None)
            else:
                assert value == a[key] + b[key], (section, key)
    crews = company["crews"]["totals"]
    assert (crews["cuts"], crews["reconnections"], crews["not_done_refused"]) == (6, 3, 3)
    assert crews["not_done_wrong_address"] == 3
    assert crews["reconnect_worst_s"] == 3 * 3600  # P1's, 3 hours after the payment
    assert crews["reconnections_late"] == 1  # P1's only: Q1 in 1 hour, Q2 in 2 hours
    unassigned = company["crews"]["unassigned"]
    assert sorted(unassigned, key=json.dumps) == sorted(
        one["crews"]["unassigned"] + two["crews"]["unassigned"], key=json.dumps
    )
