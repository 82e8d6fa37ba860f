"""Follow-my-ticket (public JSON, page, QR code), reception's customer search through CMIS,
and the supervisor's hourly statistics, through a real `qms serve`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest

from qms.devices import qr
from qms.usecases import search
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff

PUBLIC_KEYS = {
    "number",
    "business_day",
    "branch",
    "status",
    "expired",
    "ahead",
    "wait_minutes",
    "counter",
    "issued_at",
    "called_at",
    "recalls",
    "pay_qr",
    "paid_qr",
    "priority",
    "near",  # "your turn is near", as the message says it
    "notify",  # the number left for messages, masked, and whether they still go
}


def public(hall: HallServer, path: str, **kw: Any) -> httpx.Response:
    """A request with no token at all: what a customer's phone sends."""
    return httpx.get(f"{hall.base}{path}", timeout=30, **kw)


def refused(fn: Any, *args: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        fn(*args)
    return info.value


# --- follow my ticket ---------------------------------------------------------------------


def test_follow_counts_down_then_names_the_counter(
    hall: HallServer, staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    reception, c3, c4 = staff["reception"], staff["c3"], staff["c4"]
    issued = [reception.post("/api/tickets", {"customers": [customers.take()]}) for _ in range(3)]
    mine = issued[-1]
    token = mine["follow_token"]

    first = public(hall, f"/api/follow/{token}")
    assert first.status_code == 200
    view = first.json()
    assert set(view) == PUBLIC_KEYS
    assert view["number"] == mine["number"] and view["status"] == "waiting"
    assert view["ahead"] >= 2 and view["counter"] is None and view["expired"] is False
    # public: no name, no customer code, no amount anywhere in the answer
    text = first.text
    for c in mine["customers"]:
        assert c["code"] not in text and demo.customers[c["code"]].name not in text
    assert str(mine["total_due"]) not in text

    # each earlier ticket called brings it one place closer
    called = c3.act("call-next")
    assert called["number"] < mine["number"]
    after = public(hall, f"/api/follow/{token}").json()
    assert after["ahead"] == view["ahead"] - 1
    c3.act("finish", confirm=True, reason="customer_left")

    # called by number: the phone says where to go, and no longer counts places
    c4.act("call", number=mine["number"])
    serving = public(hall, f"/api/follow/{token}").json()
    assert serving["status"] == "serving" and serving["ahead"] is None
    assert serving["counter"] == {"code": "C4", "name": "Quầy 4"}
    assert serving["called_at"]
    c4.act("recall")
    assert public(hall, f"/api/follow/{token}").json()["recalls"] == 1
    c4.act("finish", confirm=True, reason="customer_left")
    done = public(hall, f"/api/follow/{token}").json()
    assert done["status"] == "done" and done["counter"] is None


def test_kiosk_ticket_carries_the_follow_token(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    t = staff["kiosk"].post("/api/tickets", {"customers": [customers.take()]})
    view = public(hall, f"/api/follow/{t['follow_token']}").json()
    assert view["number"] == t["number"]


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAA", "short", "bad%20token%21", "x" * 80])
def test_unknown_follow_token_is_404(hall: HallServer, token: str) -> None:
    r = public(hall, f"/api/follow/{token}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "unknown_ticket"
    assert set(r.json()["error"]) == {"code", "message", "message_en", "details"}
    qr_answer = public(hall, f"/t/{token}/qr.svg")
    assert qr_answer.status_code == 404 and qr_answer.json()["error"]["code"] == "unknown_ticket"
    page = public(hall, f"/t/{token}")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_follow_page_and_qr_code(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    token = t["follow_token"]
    page = public(hall, f"/t/{token}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script type="module" src="/kiosk/follow.js">' in page.text
    assert "content-security-policy" in page.headers

    svg = public(hall, f"/t/{token}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and "<path" in svg.text and "viewBox" in svg.text
    # segno cannot decode; the same encoder given the follow URL makes the very same symbol
    assert svg.content == qr.svg(f"{hall.base}/t/{token}")

    # the URL is the address the connection came in on, never the Host header a request
    # names (a hostile one would send phones to another site)
    elsewhere = public(hall, f"/t/{token}/qr.svg", headers={"host": "attacker.example:8443"})
    assert elsewhere.content == svg.content


def test_qr_is_a_full_qr_code() -> None:
    """Phones read QR codes, not Micro QR: even a tiny text gets a full symbol."""
    import segno

    out = qr.svg("x").decode()
    version = segno.make_qr("x", error="m").version
    size = (17 + 4 * int(version) + 2 * qr.BORDER) * qr.SCALE
    assert f'viewBox="0 0 {size} {size}"' in out


# --- reception search ---------------------------------------------------------------------


def test_search_by_name_and_by_meter(
    staff: dict[str, Staff], customers: Customers, demo: Any
) -> None:
    code = customers.take()
    c = demo.customers[code]
    got = staff["reception"].get(f"/api/customers?by=name&q={quote(c.name)}&limit=50")
    hit = next(h for h in got["customers"] if h["code"] == code)
    debt = sum(i.total for i in c.invoices)
    assert hit == {
        "code": code,
        "name": c.name,
        "address": c.address,
        "book_code": c.book_code,
        "owes": debt > 0,
        "debt": debt,
        "periods": len(c.invoices),
    }

    by_meter = staff["sup"].get(f"/api/customers?by=meter&q={c.meter}")["customers"]
    assert [h["code"] for h in by_meter] == [code]

    street = c.address.split(",")[0]
    by_address = staff["reception"].get(f"/api/customers?by=address&q={quote(street)}&limit=5")
    # accent-insensitive, each word the start of a word of the address: five of them
    asked = search.words(street)
    hits = by_address["customers"]
    wider = staff["reception"].get(f"/api/customers?by=address&q={quote(street)}&limit=50")
    assert code in [h["code"] for h in wider["customers"]]
    # the limit cuts the same list: the first five of the wider answer
    assert [h["code"] for h in hits] == [h["code"] for h in wider["customers"][:5]]
    for h in hits:
        have = search.words(h["address"])
        assert all(any(w.startswith(q) for w in have) for q in asked), (asked, h["address"])


def test_search_default_limit_and_nothing_found(staff: dict[str, Staff]) -> None:
    many = staff["reception"].get("/api/customers?by=name&q=Nguyễn")["customers"]
    assert len(many) == 20
    none = staff["reception"].get("/api/customers?by=meter&q=0000000000")["customers"]
    assert none == []


def test_search_roles(hall: HallServer, staff: dict[str, Staff]) -> None:
    for who in ("kiosk", "c1", "even"):
        err = refused(staff[who].get, "/api/customers?by=name&q=Nguyễn")
        assert (err.status, err.code) == (403, "wrong_role"), who
    r = public(hall, "/api/customers?by=name&q=Nguyễn")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("by=phone&q=0909", "by"),
        ("q=Nguyễn", "by"),
        ("by=name&q=N", "q"),
        ("by=name&q=%20%20N%20%20", "q"),
        ("by=name", "q"),
        (f"by=address&q={'a' * 101}", "q"),
        ("by=name&q=ab%07c", "q"),
        ("by=name&q=Nguyễn&limit=0", "limit"),
        ("by=name&q=Nguyễn&limit=51", "limit"),
        ("by=name&q=Nguyễn&limit=ten", "limit"),
    ],
)
def test_search_refuses_a_bad_query(staff: dict[str, Staff], query: str, field: str) -> None:
    err = refused(staff["reception"].get, f"/api/customers?{query}")
    assert (err.status, err.code) == (400, "invalid_request")
    assert err.body["error"]["details"]["field"] == field


# --- hourly statistics ------------------------------------------------------------------


@pytest.fixture(scope="module")
def quiet_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """A hall of its own, so the day holds only this test's tickets."""
    server = HallServer(Path(tmp_path_factory.mktemp("stats"))).start()
    try:
        yield server
    finally:
        server.stop()


def _at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def test_hourly_stats_match_the_tickets(quiet_hall: HallServer, demo: Any) -> None:
    pick = Customers(demo)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    reception = Staff(quiet_hall.base, "reception", "R1")
    c1, c2 = Staff(quiet_hall.base, "cashier1", "C1"), Staff(quiet_hall.base, "cashier2", "C2")
    sup, head = Staff(quiet_hall.base, "supervisor", None), Staff(quiet_hall.base, "head", None)
    try:
        c1.open_drawer()  # nobody is called to a counter without an open drawer
        c2.open_drawer()
        numbers = [
            reception.post("/api/tickets", {"customers": [pick.take()]})["number"] for _ in range(3)
        ]
        c1.act("call-next")
        c2.act("call-next")
        c1.act("finish", confirm=True, reason="customer_left")
        states = [sup.get(f"/api/tickets/{n}") for n in numbers]

        stats = sup.get("/api/stats/hourly")
        assert stats == head.get(f"/api/stats/hourly?date={states[0]['business_day']}")
        assert stats["date"] == states[0]["business_day"]
        assert [h["hour"] for h in stats["hours"]] == list(range(24))
        day = stats["day"]
        assert (day["issued"], day["called"], day["served"]) == (3, 2, 1)

        waits = [
            (_at(s["called_at"]) - _at(s["issued_at"])).total_seconds()
            for s in states
            if s["called_at"]
        ]
        done = next(s for s in states if s["status"] == "done")
        service = (_at(done["finished_at"]) - _at(done["called_at"])).total_seconds()
        assert day["wait_avg_s"] == round(sum(waits) / 2)
        assert day["wait_p90_s"] == round(sorted(waits)[math.ceil(0.9 * 2) - 1])
        assert day["service_avg_s"] == round(service)

        # per hour: each figure in the hour it became known, on the hall's clock
        expected = {h: {"issued": 0, "called": 0, "served": 0} for h in range(24)}
        for s in states:
            expected[_at(s["issued_at"]).astimezone(tz).hour]["issued"] += 1
            if s["called_at"]:
                expected[_at(s["called_at"]).astimezone(tz).hour]["called"] += 1
        expected[_at(done["finished_at"]).astimezone(tz).hour]["served"] += 1
        for row in stats["hours"]:
            assert {k: row[k] for k in ("issued", "called", "served")} == expected[row["hour"]]
            for key in ("wait_avg_s", "wait_p90_s", "service_avg_s"):
                assert row[key] is None or isinstance(row[key], int)
            assert (row["wait_avg_s"] is None) == (row["called"] == 0)
            assert (row["service_avg_s"] is None) == (row["served"] == 0)

        other_day = sup.get("/api/stats/hourly?date=2020-01-01")
        assert other_day["day"]["issued"] == 0 and other_day["day"]["wait_avg_s"] is None
    finally:
        for person in (reception, c1, c2, sup, head):
            person.close()


def test_hourly_stats_roles_and_bad_date(staff: dict[str, Staff]) -> None:
    for who in ("reception", "kiosk", "c1", "even"):
        err = refused(staff[who].get, "/api/stats/hourly")
        assert (err.status, err.code) == (403, "wrong_role"), who
    assert len(staff["c4"].get("/api/stats/hourly")["hours"]) == 24  # the head cashier
    err = refused(staff["sup"].get, "/api/stats/hourly?date=22/11/2026")
    assert (err.status, err.code) == (400, "invalid_request")
