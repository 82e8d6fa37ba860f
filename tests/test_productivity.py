"""The productivity report through a real `qms serve`: a hall day of tickets served at
three cashiers and papers found, deferred and missing at the two lookup counters gives
per-cashier and per-clerk figures a person can check against the tickets; field orders
(written through the storage layer until the field API is on main) give per-crew figures
whose rows add up to the totals; the CSV and the PDF say the same; roles and bad input are
refused in the one error shape."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from pypdf import PdfReader
from sqlmodel import Session, create_engine

from qms.storage.models import Crew, FieldOrder
from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import ApiError, Staff

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BRANCH = "PE0100"
URL = "/api/reports/productivity"
SERVERS = {"cashier1": "c1", "cashier2": "c2", "cashier3": "c3"}
#: how many tickets each cashier serves (one paper each), in the order they are served
SERVES = ("c1", "c2", "c1", "c3", "c1", "c2")


def at(iso: str | None) -> dt.datetime:
    assert iso is not None
    return dt.datetime.fromisoformat(iso)


def lower_median(xs: list[int]) -> int | None:
    return sorted(xs)[(len(xs) - 1) // 2] if xs else None


def seconds(a: str, b: str) -> int:
    return max(0, int((at(b) - at(a)).total_seconds()))


def clerk(staff: dict[str, Staff], inv: dict[str, Any]) -> Staff:
    return staff["even"] if inv["lookup"] == "even" else staff["odd"]


@pytest.fixture(scope="module")
def day(hall: HallServer, staff: dict[str, Staff], customers: Customers) -> dict[str, Any]:
    """Six tickets served (cashier1 three, cashier2 two, cashier3 one), each paper found by
    its parity's clerk; a paper deferred (F10) and never found, one missing, one nobody
    looked at yet."""
    served: list[dict[str, Any]] = []
    found: dict[str, int] = {"lookup1": 0, "lookup2": 0}
    for who in SERVES:
        t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
        (inv,) = t["customers"][0]["invoices"]
        clerk(staff, inv).post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
        found[clerk(staff, inv).username] += 1
        staff[who].act("call", number=t["number"])
        staff[who].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        served.append({"who": who, "number": t["number"], "total": inv["total"]})
    marks = {}
    for parity, mark in (("even", "deferred"), ("odd", "missing"), ("even", None)):
        code = customers.take(invoices=1, parity=parity)
        t = staff["reception"].post("/api/tickets", {"customers": [code]})
        (inv,) = t["customers"][0]["invoices"]
        if mark:
            clerk(staff, inv).post(
                f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/{mark}"
            )
            marks[mark] = clerk(staff, inv).username
    sup = staff["sup"]
    tickets = [sup.get(f"/api/tickets/{s['number']}") for s in served]
    return {
        "today": sup.get("/api/snapshot?view=supervisor")["data"]["business_day"],
        "served": [{**s, **t} for s, t in zip(served, tickets, strict=True)],
        "found": found,
        "marks": marks,
    }


def test_cashier_figures_are_the_tickets_they_served(
    staff: dict[str, Staff], day: dict[str, Any]
) -> None:
    report = staff["sup"].get(f"{URL}?from={day['today']}&to={day['today']}")
    assert (report["level"], report["from"], report["to"]) == ("branch", day["today"], day["today"])
    rows = {r["cashier"]: r for r in report["cashiers"]["rows"]}
    for username, desk in SERVERS.items():
        mine = [s for s in day["served"] if s["who"] == desk]
        services = [seconds(s["called_at"], s["finished_at"]) for s in mine]
        r = rows[username]
        assert r["tickets_served"] == len(mine)
        assert r["payments"] == len(mine)
        assert r["collected"] == r["net"] == sum(s["total"] for s in mine)
        assert r["service_median_s"] == lower_median(services)
        assert r["service_s"] == sum(services)
        assert r["counters"] == desk.upper()
        # the drawer is still open today: open until the report was made; idle is the rest
        drawer = staff[desk].get("/api/cash/mine")["drawer"]
        assert r["open_s"] == seconds(drawer["opened_at"], report["generated_at"])
        assert r["idle_s"] == r["open_s"] - r["service_s"] >= 0
    head = rows["head"]  # the head cashier's drawer is open at C4; nobody came
    assert (head["tickets_served"], head["payments"], head["service_median_s"]) == (0, 0, None)
    drawer = staff["c4"].get("/api/cash/mine")["drawer"]
    assert head["idle_s"] == head["open_s"] == seconds(drawer["opened_at"], report["generated_at"])
    totals = report["cashiers"]["totals"]
    for key in ("tickets_served", "payments", "net", "service_s", "open_s", "idle_s"):
        assert totals[key] == sum(r[key] for r in report["cashiers"]["rows"]), key
    assert totals["tickets_served"] == len(SERVES)
    payments = staff["sup"].get(f"/api/payments?date={day['today']}")["payments"]
    assert totals["net"] == sum(p["total"] for p in payments)


def test_lookup_figures_count_each_clerks_marks(
    staff: dict[str, Staff], day: dict[str, Any]
) -> None:
    lookup = staff["sup"].get(URL)["lookup"]
    rows = {r["clerk"]: r for r in lookup["rows"]}
    assert {u: rows[u]["found"] for u in rows} == day["found"]
    assert rows[day["marks"]["deferred"]]["deferred"] == 1
    assert rows[day["marks"]["missing"]]["missing"] == 1
    assert rows["lookup1"]["name"] != "lookup1"  # the person's name, not the account
    totals = lookup["totals"]
    assert (totals["found"], totals["deferred"], totals["missing"]) == (len(SERVES), 1, 1)
    assert totals["pending"] == 1  # the ticket nobody has looked at yet
    assert totals["papers"] == len(SERVES) + 3
    for key in ("found", "deferred", "missing"):
        assert totals[key] == sum(r[key] for r in lookup["rows"])
    # every F9 came within the test's own requests, so within their time
    longest = max(seconds(s["issued_at"], s["called_at"]) for s in day["served"]) + 1
    for r in lookup["rows"]:
        if r["found"]:
            assert 0 <= r["find_median_s"] <= r["find_worst_s"] <= longest


# --- crews ----------------------------------------------------------------------------------


def _engine(hall: HallServer) -> Any:
    raw = yaml.safe_load(hall.config.read_text(encoding="utf-8"))
    return create_engine(raw["database"]["url"])


@pytest.fixture(scope="module")
def field(hall: HallServer, day: dict[str, Any]) -> dict[str, Any]:
    """Two crews' orders of today and one of yesterday, written as the field work writes
    them: P1 three cuts done, one not done (absent), one still assigned, two reconnections
    (40 minutes after payment, and 3 hours against a 2-hour deadline); P2 two not done
    (paid on the spot, refused) and one cancelled; two orders nobody holds and one
    cancelled before anyone held it; yesterday, one cut done by P1. The demo crews T1 and
    T2 hold nothing: rows of zeros."""
    today = dt.date.fromisoformat(day["today"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    engine = _engine(hall)
    with Session(engine) as s:
        crews = [
            Crew(
                branch_id=BRANCH,
                code=code,
                name=name,
                members=json.dumps(members),
                created_at=now,
            )
            for code, name, members in (
                ("P1", "Tổ 1 - Quận 1", ["crew1", "crew2"]),
                ("P2", "Tổ 2 - Quận 3", ["crew3", "crew4"]),
            )
        ]
        s.add_all(crews)
        s.flush()
        t1, t2 = (c.id for c in crews)
        n = 0

        def order(
            kind: str, status: str, crew: int | None, when: dt.date = today, **more: Any
        ) -> FieldOrder:
            nonlocal n
            n += 1
            return FieldOrder(
                branch_id=BRANCH,
                kind=kind,
                business_day=when,
                customer_code=f"PE0100{n:07d}",
                customer_name=f"Khách {n}",
                address=f"{n} Lê Lợi",
                unit=BRANCH,
                book_code="A0102",
                status=status,
                crew_id=crew,
                assigned_at=now if crew else None,
                created_at=now,
                **more,
            )

        paid_1, paid_2 = now - dt.timedelta(hours=3), now - dt.timedelta(hours=5)
        s.add_all(
            [
                *(order("cut", "done", t1, done_at=now) for _ in range(3)),
                order("cut", "not_done", t1, reason="absent", done_at=now),
                order("cut", "assigned", t1),
                order(
                    "reconnect",
                    "done",
                    t1,
                    paid_at=paid_1,
                    deadline=paid_1 + dt.timedelta(hours=2),
                    done_at=paid_1 + dt.timedelta(minutes=40),
                ),
                order(
                    "reconnect",
                    "done",
                    t1,
                    paid_at=paid_2,
                    deadline=paid_2 + dt.timedelta(hours=2),
                    done_at=paid_2 + dt.timedelta(hours=3),
                ),
                order("cut", "not_done", t2, reason="paid_on_spot", receipt_no="BL-1", done_at=now),
                order("cut", "not_done", t2, reason="refused", done_at=now),
                order("cut", "cancelled", t2, reason="paid_meanwhile"),
                order("cut", "open", None),
                order("cut", "open", None),
                order("cut", "cancelled", None, reason="paid_at_counter"),
                order("cut", "done", t1, today - dt.timedelta(days=1), done_at=now),
            ]
        )
        s.commit()
    engine.dispose()
    return {"today": today}


def test_crew_figures_add_up(staff: dict[str, Staff], field: dict[str, Any]) -> None:
    crews = staff["sup"].get(URL)["crews"]
    rows = {r["crew"]: r for r in crews["rows"]}
    t1, t2 = rows["P1"], rows["P2"]
    assert t1["name"] == "Tổ 1 - Quận 1"
    assert t1["members"] == "Lý Văn Cắt, Mai Văn Đóng"  # names, as the crews sign
    assert {k: t1[k] for k in ("assigned", "done", "cuts", "reconnections", "not_done")} == {
        "assigned": 7,
        "done": 5,
        "cuts": 3,
        "reconnections": 2,
        "not_done": 1,
    }
    assert (t1["not_done_absent"], t1["in_progress"], t1["cancelled"]) == (1, 1, 0)
    assert (t1["reconnect_median_s"], t1["reconnect_worst_s"]) == (40 * 60, 3 * 3600)
    assert t1["reconnections_late"] == 1
    assert (t2["assigned"], t2["done"], t2["not_done"], t2["cancelled"]) == (3, 0, 2, 1)
    assert (t2["not_done_paid_on_spot"], t2["not_done_refused"]) == (1, 1)
    assert t2["reconnect_median_s"] is None
    (nobody,) = crews["unassigned"]
    assert (nobody["orders"], nobody["open"], nobody["cancelled"], nobody["assigned"]) == (
        3,
        2,
        1,
        0,
    )
    everyone = [*crews["rows"], *crews["unassigned"]]
    totals = crews["totals"]
    for key, value in totals.items():
        if key.endswith("_s"):
            continue
        assert value == sum(r[key] for r in everyone), key
    assert totals["orders"] == 13
    for r in [*everyone, totals]:
        parts = ("done", "not_done", "in_progress", "cancelled", "open")
        assert r["orders"] == sum(r[k] for k in parts)
        assert r["done"] == r["cuts"] + r["reconnections"]
        reasons = [k for k in r if k.startswith("not_done_")]
        assert r["not_done"] == sum(r[k] for k in reasons)
    for r in crews["rows"]:
        assert r["assigned"] == r["orders"]
    (today_row,) = crews["by_day"]
    assert today_row["orders"] == totals["orders"]


def test_a_range_of_days_takes_each_day(staff: dict[str, Staff], field: dict[str, Any]) -> None:
    yesterday = (field["today"] - dt.timedelta(days=1)).isoformat()
    report = staff["sup"].get(f"{URL}?from={yesterday}&to={field['today'].isoformat()}")
    by_day = {r["date"]: r["orders"] for r in report["crews"]["by_day"]}
    assert by_day == {yesterday: 1, field["today"].isoformat(): 13}
    rows = {r["crew"]: r for r in report["crews"]["rows"]}
    assert (rows["P1"]["assigned"], rows["P1"]["cuts"]) == (8, 4)
    only = staff["sup"].get(f"{URL}?from={yesterday}&to={yesterday}")
    assert only["crews"]["totals"]["orders"] == 1
    assert only["cashiers"]["totals"]["tickets_served"] == 0


# --- files ----------------------------------------------------------------------------------


def csv_sections(raw: bytes) -> dict[str, dict[str, Any]]:
    """Each ``#key`` section: rows keyed by the JSON key in the header, and its total."""
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "#report"
    out: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows):
        if row and row[0].startswith("#") and n:
            keys = [re.search(r"\((\w+)\)$", h).group(1) for h in rows[n + 1]]  # type: ignore[union-attr]
            section: dict[str, Any] = {"rows": [], "total": None}
            for r in rows[n + 2 :]:
                if not r:
                    break
                if len(r) == 1:
                    continue  # a note
                if r[0].startswith("Tổng cộng"):
                    section["total"] = dict(zip(keys, r, strict=True))
                else:
                    section["rows"].append(dict(zip(keys, r, strict=True)))
            out[row[0][1:]] = section
    return out


def test_csv_holds_the_same_figures(
    staff: dict[str, Staff], day: dict[str, Any], field: dict[str, Any]
) -> None:
    sup = staff["sup"]
    report = sup.get(URL)
    r = sup.http.get(f"{URL}?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="productivity-branch-{BRANCH}-{day["today"]}-{day["today"]}.csv"'
    )
    sheet = csv_sections(r.content)
    cashiers = {c["cashier"]: c for c in sheet["cashiers"]["rows"]}
    for row in report["cashiers"]["rows"]:
        mine = cashiers[row["cashier"]]
        for key in ("tickets_served", "payments", "net", "service_s"):  # idle grows: now
            assert int(mine[key]) == row[key], key  # plain integers a spreadsheet adds
    assert int(sheet["cashiers"]["total"]["net"]) == report["cashiers"]["totals"]["net"]
    crews = sheet["crews"]
    assert [c["crew"] for c in crews["rows"]] == ["P1", "P2", "T1", "T2", ""]
    assert crews["rows"][4]["name"] == "Chưa giao tổ / Not assigned"
    assert int(crews["total"]["orders"]) == report["crews"]["totals"]["orders"]
    assert int(crews["rows"][0]["reconnect_worst_s"]) == 3 * 3600
    assert int(sheet["lookup"]["total"]["found"]) == len(SERVES)


def test_pdf_reads_back_in_vietnamese(
    staff: dict[str, Staff], day: dict[str, Any], field: dict[str, Any]
) -> None:
    r = staff["sup"].http.get(f"{URL}?format=pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(r.content)).pages
    )
    for words in (
        "BÁO CÁO NĂNG SUẤT",
        "Tổ công tác / Field crews",
        "Tổ 1 - Quận 1",
        "Thu ngân / Cashiers",
        "Tra cứu hóa đơn / Lookup clerks",
        "Chưa giao tổ / Not assigned",
        "3:00:00",  # P1's worst reconnection, as a person reads it
        "40:00",
        "Lệnh đã làm theo tổ / Orders done per crew",  # the bar chart's title
    ):
        assert words in text, words


# --- who may see it, and bad input ----------------------------------------------------------


def refused(person: Staff, path: str, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        person.get(path)
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]  # type: ignore[no-any-return]


def test_roles(hall: HallServer, staff: dict[str, Staff], day: dict[str, Any]) -> None:
    refused(staff["c1"], URL, 403, "wrong_role")
    refused(staff["sup"], f"{URL}?level=company", 403, "wrong_role")
    admin = Staff(hall.base, "admin", None)
    try:
        company = admin.get(f"{URL}?level=company")
        assert company["level"] == "company"
        assert [b["id"] for b in company["branches"]] == [BRANCH]
        assert company["cashiers"]["totals"]["tickets_served"] == len(SERVES)
        pdf = admin.http.get(f"{URL}?level=company&format=pdf")
        assert pdf.status_code == 200
        assert "productivity-company-company-" in pdf.headers["content-disposition"]
    finally:
        admin.close()


@pytest.mark.parametrize(
    ("query", "field_name"),
    [
        ("level=street", "level"),
        ("format=xls", "format"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
    ],
)
def test_bad_input_is_400(staff: dict[str, Staff], query: str, field_name: str) -> None:
    error = refused(staff["sup"], f"{URL}?{query}", 400, "invalid_request")
    assert error["details"]["field"] == field_name
    assert error["message"] and error["message_en"]


def test_bad_ranges_are_400(staff: dict[str, Staff], day: dict[str, Any]) -> None:
    today = dt.date.fromisoformat(day["today"])
    later = (today + dt.timedelta(days=1)).isoformat()
    refused(staff["sup"], f"{URL}?from={day['today']}&to={later}", 400, "invalid_request")
    early = (today - dt.timedelta(days=200)).isoformat()
    error = refused(staff["sup"], f"{URL}?from={early}&to={day['today']}", 400, "invalid_request")
    assert error["details"]["max_days"] == 92


# --- the supervisor's page ------------------------------------------------------------------


@pytest.mark.browser
def test_supervisor_page_shows_productivity(
    browser: Any, hall: HallServer, day: dict[str, Any], field: dict[str, Any]
) -> None:
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1200}))
    sign_in(page, hall, "supervisor", "")
    today = f"{day['today']}_{day['today']}_branch"
    page.wait_for_selector(f"#pr-box[data-ready='{today}']")
    page.wait_for_selector("#pr-chart-crews[data-ready=true][data-bars='4']")
    page.wait_for_selector("#pr-chart-cashiers[data-ready=true]")
    # the lookup clerks' chart: a clerk a column, found / deferred / missing stacked, and
    # the median time to find as a line; its figures are the table's
    page.wait_for_selector("#pr-chart-lookup[data-ready=true][data-bars='2']")
    chart = page.evaluate(
        """() => {
          const c = window.Chart.getChart(document.querySelector("#pr-chart-lookup"));
          return {labels: c.data.labels,
                  sets: c.data.datasets.map((d) => [d.label, d.type || "bar", d.data])};
        }"""
    )
    assert "Hoá đơn theo nhân viên tra cứu" in page.inner_text("#pr-box figure:nth-child(3)")
    clerks = {
        r[0]: r[1:]
        for r in (
            [c.strip() for c in row.locator("td").all_inner_texts()]
            for row in page.locator("#pr-lookup tbody tr").all()
        )
    }
    assert sorted(chart["labels"]) == sorted(clerks)
    labels = [label for label, _, _ in chart["sets"]]
    assert labels == [
        "Tìm thấy (F9) / Found (F9)",
        "Tìm sau (F10) / Deferred (F10)",
        "Không tìm thấy / Missing",
        "Tìm: trung vị / Find median",
    ]
    assert [kind for _, kind, _ in chart["sets"]] == ["bar", "bar", "bar", "line"]
    found, deferred, missing, median = (figures for _, _, figures in chart["sets"])
    for n, name in enumerate(chart["labels"]):
        # the table's columns: found, deferred, missing, median (m:ss), worst
        assert [str(found[n]), str(deferred[n]), str(missing[n])] == clerks[name][:3]
        m, s = clerks[name][3].split(":")
        assert median[n] == math.floor((int(m) * 60 + int(s)) / 6 + 0.5) / 10  # minutes
    assert sum(deferred) == 1 and sum(missing) == 1  # one of each in the day
    t1 = [c.strip() for c in page.locator("#pr-crews tbody tr[data-key=P1] td").all_inner_texts()]
    # crew, name, orders, done, cuts, reconnections, not done, ..., median, worst, late
    assert t1[:6] == ["P1", "Tổ 1 - Quận 1", "7", "5", "3", "2"]
    assert t1[-3:] == ["40:00", "3:00:00", "1"]
    total = page.locator("#pr-crews tfoot tr.total td").all_inner_texts()
    assert total[1] == "13"  # orders, the column after the name
    c1 = page.locator("#pr-cashiers tbody tr[data-key=cashier1] td").all_inner_texts()
    assert c1[2] == "3"  # tickets served
    assert "Không làm được / Not done" in page.inner_text("#pr-reasons")
    # the whole month, then the PDF of it
    page.select_option("#pr-span", "month")
    page.click("#pr-show")
    first = f"{day['today'][:8]}01"
    page.wait_for_selector(f"#pr-box[data-ready='{first}_{day['today']}_branch']")
    rows = page.locator("#pr-crews tbody tr[data-key=P1] td").all_inner_texts()
    yesterday = (field["today"] - dt.timedelta(days=1)).isoformat()
    assert rows[2] == ("8" if first <= yesterday else "7")  # yesterday's cut, if in the month
    with page.expect_download() as got:
        page.click("#pr-pdf")
    assert got.value.suggested_filename == (
        f"productivity-branch-{BRANCH}-{first}-{day['today']}.pdf"
    )
    page.fill("#pr-day", "31/02/2026")
    page.click("#pr-show")
    page.wait_for_selector("#pr-day[aria-invalid=true]")
    assert console.errors == []
    page.close()
