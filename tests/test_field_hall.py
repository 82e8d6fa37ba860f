"""Field work through the public API on a real server and the CMIS simulator, on both
CMIS versions: the team leader pulls and assigns the day's list, a crew reports, each cut
and reconnection reaches CMIS once though CMIS loses the answers, a payment at a counter
wins over a cut and makes the reconnection, and CMIS being down keeps the list, stale."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import HallServer
from tests.hallclient import ApiError, Staff
from tests.wsclient import ViewClient

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNIT = "PE0100"
_keys = itertools.count(1)


@pytest.fixture(scope="module", params=["2.0", "1.0"])
def hall(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HallServer]:
    version = request.param
    server = HallServer(tmp_path_factory.mktemp(f"field-{version}"))
    server.edit_config(lambda raw: raw["branches"][0].update(cmis_version=version))
    with server.running():
        yield server


@pytest.fixture(scope="module")
def people(hall: HallServer) -> Iterator[dict[str, Staff]]:
    p = {
        "leader": Staff(hall.base, "doitruong", None),
        "crew1": Staff(hall.base, "crew1", None),
        "crew3": Staff(hall.base, "crew3", None),
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c1": Staff(hall.base, "cashier1", "C1"),
    }
    p["c1"].open_drawer()
    yield p
    for s in p.values():
        s.close()


@pytest.fixture
def board_view(hall: HallServer, people: dict[str, Staff]) -> Iterator[ViewClient]:
    v = ViewClient(hall.ws_url, people["leader"].token, "field").connect()
    assert v.recv()["type"] == "snapshot"
    yield v
    v.close()


def sim(hall: HallServer, method: str, path: str, **kw: Any) -> Any:
    r = httpx.request(method, f"{hall.cmis_url}{path}", timeout=10, **kw)
    r.raise_for_status()
    return r.json()


def faults(hall: HallServer, **settings: Any) -> None:
    sim(hall, "PUT", "/admin/faults", json=settings)


def books(hall: HallServer, at_least: int) -> list[str]:
    """Two books of the demo unit with enough customers on today's list (2.0's view of
    the one data set both versions serve)."""
    today = dt.datetime.now(VN).date().isoformat()
    listed = sim(hall, "GET", f"/v2/disconnections?unit={UNIT}&as_of={today}")["DANH_SACH"]
    per_book = Counter(c["MA_SOGCS"] for c in listed)
    chosen = sorted(b for b, n in per_book.items() if at_least <= n <= 12)[:2]
    assert len(chosen) == 2, per_book
    return chosen


def supply_changes(hall: HallServer, code: str) -> list[str]:
    return [
        c["supply"] for c in sim(hall, "GET", f"/admin/supply-changes?customer={code}")["changes"]
    ]


def until(view: ViewClient, event: str, match: Any, timeout: float = 30) -> dict[str, Any]:
    """The next ``event`` whose data ``match`` accepts (bounded)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout)
    while dt.datetime.now() < deadline:
        msg = view.recv(timeout=timeout)
        if msg.get("event") == event and match(msg.get("data", {})):
            return msg["data"]  # type: ignore[no-any-return]
    raise AssertionError(f"no {event} within {timeout} s")


def report(crew: Staff, order: int, outcome: str = "done", **more: Any) -> Any:
    body = {
        "key": f"test-key-{next(_keys):06d}",
        "outcome": outcome,
        "at": dt.datetime.now(VN).isoformat(),
        **more,
    }
    return crew.post(f"/api/field/orders/{order}/result", body)


def pay_at_counter(people: dict[str, Staff], code: str) -> dict[str, Any]:
    """A whole visit of the customer: ticket, papers found, called, F4 for everything."""
    t = people["reception"].post("/api/tickets", {"customers": [code]})
    invoices = t["customers"][0]["invoices"]
    for inv in invoices:
        clerk = people["even"] if inv["lookup"] == "even" else people["odd"]
        clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    people["c1"].act("call", number=t["number"])
    return people["c1"].act(
        "collect",
        invoices=[i["invoice_id"] for i in invoices],
        amount=sum(i["total"] for i in invoices),
    )


def pay_elsewhere(hall: HallServer, code: str) -> None:
    for inv in sim(hall, "GET", f"/v2/customers/{code}/debts")["HOA_DON"]:
        sim(hall, "POST", f"/admin/invoices/{inv['ID_HDON']}/paid-elsewhere")


def test_a_day_of_field_work_reaches_cmis_once_under_faults(
    hall: HallServer, people: dict[str, Staff], board_view: ViewClient
) -> None:
    leader, crew1 = people["leader"], people["crew1"]
    chosen = books(hall, at_least=5)
    pulled = leader.post("/api/field/rounds/pull", {"books": chosen})
    assert pulled["added"] == pulled["listed"] > 0
    shown = leader.get("/api/field")
    assert [b["book_code"] for b in shown["books"]] == chosen
    assigned = leader.post("/api/field/orders/auto-assign", {})
    assert assigned["assigned"] == pulled["added"]
    assert sum(assigned["crews"].values()) == pulled["added"]
    mine = crew1.get("/api/field/my-orders")["orders"]
    assert len(mine) >= 4 and [o["route_no"] for o in mine] == list(range(1, len(mine) + 1))
    # another crew's order is not crew1's to report
    theirs = people["crew3"].get("/api/field/my-orders")["orders"][0]
    with pytest.raises(ApiError) as err:
        report(crew1, theirs["id"])
    assert (err.value.status, err.value.code) == (403, "not_your_order")

    # a cut: CMIS records it and loses the answer; sent again, it is one change at CMIS
    cut = mine[0]
    code = cut["customer_code"]
    faults(hall, supply_faults={code: "lose"})
    report(crew1, cut["id"])
    doubt = until(
        board_view, "field.supply_in_doubt", lambda d: d["change"]["order_id"] == cut["id"]
    )
    assert supply_changes(hall, code) == ["CUT"]  # CMIS made it; we did not hear
    assert doubt["change"]["attempts"] == 1
    faults(hall)  # the next send gets its answer
    until(board_view, "field.supply_posted", lambda d: d["change"]["order_id"] == cut["id"])
    assert supply_changes(hall, code) == ["CUT"]
    assert sim(hall, "GET", f"/v2/customers/{code}/debts")["TTRANG_CDIEN"] == "CUT"

    # the customer pays at the counter: the reconnection is created with the payment,
    # goes back to crew1's crew, and reaches CMIS once, after the payment
    faults(hall, supply_faults={code: "lose"})
    paid = pay_at_counter(people, code)
    txn = paid["payments"][0]["txn_id"]
    (recon,) = [o for o in leader.get("/api/field")["reconnections"] if o["customer_code"] == code]
    assert recon["payments"] == [txn] and recon["crew"] == cut["crew"]
    left = dt.datetime.fromisoformat(recon["deadline"]) - dt.datetime.fromisoformat(
        recon["paid_at"]
    )
    assert left == dt.timedelta(hours=24) and not recon["overdue_deadline"]
    assert crew1.get("/api/field/my-orders")["orders"][0]["id"] == recon["id"]  # first on the route
    report(crew1, recon["id"])
    until(board_view, "field.supply_in_doubt", lambda d: d["change"]["order_id"] == recon["id"])
    faults(hall)
    until(board_view, "field.supply_posted", lambda d: d["change"]["order_id"] == recon["id"])
    assert supply_changes(hall, code) == ["CUT", "CONNECTED"]
    assert not [o for o in leader.get("/api/field")["reconnections"] if o["id"] == recon["id"]]

    # the payment wins: paid at the counter while the crew walks there
    won = mine[1]
    pay_at_counter(people, won["customer_code"])
    now = {o["id"]: o for o in crew1.get("/api/field/my-orders")["orders"]}
    assert (now[won["id"]]["status"], now[won["id"]]["reason"]) == ("cancelled", "paid_at_counter")
    with pytest.raises(ApiError) as err:
        report(crew1, won["id"])
    assert (err.value.status, err.value.code) == (409, "order_cancelled")
    assert "KHÔNG cắt điện" in err.value.body["error"]["message"]

    # paid elsewhere meanwhile: the check at the door says do not cut
    checked = mine[2]
    pay_elsewhere(hall, checked["customer_code"])
    answer = crew1.post(f"/api/field/orders/{checked['id']}/check")
    assert answer["go"] is False and answer["order"]["status"] == "cancelled"

    # cut without the check, but CMIS saw nothing overdue (061): owed back at once
    late = mine[3]
    pay_elsewhere(hall, late["customer_code"])
    report(crew1, late["id"])
    refused = until(
        board_view, "field.supply_refused", lambda d: d["change"]["order_id"] == late["id"]
    )
    assert refused["change"]["error_code"] == "061"
    owed = [
        o
        for o in leader.get("/api/field")["reconnections"]
        if o["customer_code"] == late["customer_code"]
    ]
    assert [o["reason"] for o in owed] == ["paid_meanwhile"]
    assert supply_changes(hall, late["customer_code"]) == []


def test_cmis_down_keeps_the_last_list_marked_stale(
    hall: HallServer, people: dict[str, Staff]
) -> None:
    leader = people["leader"]
    before = leader.get("/api/field")
    assert before["round"] is not None  # the day's round of the test above
    faults(hall, down=True)
    try:
        with pytest.raises(ApiError) as err:
            leader.post("/api/field/rounds/pull", {"books": before["round"]["books"]})
    finally:
        faults(hall)
    assert (err.value.status, err.value.code) == (424, "field_list_stale")
    assert "CMIS không trả danh sách cắt điện" in err.value.body["error"]["message"]
    after = leader.get("/api/field")
    assert after["round"]["stale"] is True
    assert after["books"] == before["books"]  # nothing lost, nothing changed
    again = leader.post("/api/field/rounds/pull", {"books": before["round"]["books"]})
    assert again["round"]["stale"] is False and again["added"] == 0
