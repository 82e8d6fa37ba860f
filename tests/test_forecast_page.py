"""The arrivals forecast through a real `qms serve` of the demo hall, which starts with
months of simulated history (docs/forecast.md): tomorrow's forecast and counters over
HTTP, the month-start peak, the refusals in the one error shape, and the supervisor's
section in Chromium showing what the API says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import HallServer
from tests.hallclient import ApiError, Staff

URL = "/api/forecast"


def today_of(staff: dict[str, Staff]) -> dt.date:
    day = staff["sup"].get("/api/snapshot?view=supervisor")["data"]["business_day"]
    return dt.date.fromisoformat(day)


def month_start_and_middle(today: dt.date) -> tuple[dt.date, dt.date]:
    """Next month's first weekday among its first five days, and the same weekday two
    weeks later (an ordinary mid-month day)."""
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    days = (first + dt.timedelta(days=n) for n in range(5))
    peak = next(d for d in days if d.weekday() < 5)
    return peak, peak + dt.timedelta(days=14)


def test_tomorrow_on_the_demo_halls_history(staff: dict[str, Staff]) -> None:
    today = today_of(staff)
    view = staff["sup"].get(URL)
    assert view["date"] == (today + dt.timedelta(days=1)).isoformat()
    assert view["today"] == today.isoformat()
    inputs = view["inputs"]
    assert inputs["simulated"] and inputs["days_used"] >= 60
    assert inputs["cashier_counters"] == 4 and inputs["service_from"] == "history"
    bt = view["backtest"]
    assert bt["days"] == 14
    assert bt["model"]["mape_day"] < bt["baseline"]["mape_day"]
    if (today + dt.timedelta(days=1)).weekday() != 6:  # the demo hall shuts on Sundays
        busy = [h for h in view["hours"] if h["forecast"]]
        assert busy and all(1 <= h["counters"] <= 4 for h in busy)
        assert {h["hour"] for h in busy} <= set(range(7, 17))
    # the same view for the head cashier (stats.read); today shows what came so far
    assert staff["c4"].get(URL)["day"] == view["day"]
    now = staff["sup"].get(f"{URL}?date={today.isoformat()}")
    hourly = staff["sup"].get("/api/stats/hourly")
    assert [h["actual"] for h in now["hours"]] == [h["issued"] for h in hourly["hours"]]


def test_the_month_start_peak(staff: dict[str, Staff]) -> None:
    peak, middle = month_start_and_middle(today_of(staff))
    first = staff["sup"].get(f"{URL}?date={peak.isoformat()}")
    mid = staff["sup"].get(f"{URL}?date={middle.isoformat()}")
    assert first["day"]["forecast"] > 1.5 * mid["day"]["forecast"]
    assert first["day"]["counters_most"] >= mid["day"]["counters_most"]


def refused(person: Staff, path: str, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ApiError) as err:
        person.get(path)
    assert (err.value.status, err.value.code) == (status, code), err.value.body
    return err.value.body["error"]  # type: ignore[no-any-return]


def test_refusals(staff: dict[str, Staff]) -> None:
    refused(staff["c1"], URL, 403, "wrong_role")
    refused(staff["reception"], URL, 403, "wrong_role")
    for bad in ("22/11/2026", "2026-13-01", "tomorrow"):
        error = refused(staff["sup"], f"{URL}?date={bad}", 400, "invalid_request")
        assert error["details"]["field"] == "date"
        assert error["message"] and error["message_en"]
    far = today_of(staff) + dt.timedelta(days=63)
    error = refused(staff["sup"], f"{URL}?date={far.isoformat()}", 400, "invalid_request")
    assert error["details"]["last"] == (far - dt.timedelta(days=1)).isoformat()


@pytest.mark.browser
def test_supervisor_page_shows_the_forecast(
    browser: Any, hall: HallServer, staff: dict[str, Staff]
) -> None:
    tomorrow = staff["sup"].get(URL)
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1400}))
    sign_in(page, hall, "supervisor", "")
    page.wait_for_selector(f"#fc-box[data-ready='{tomorrow['date']}']")
    open_hours = [h for h in tomorrow["hours"] if (h["forecast"] or 0) >= 0.5]
    if open_hours:  # not a Sunday
        page.wait_for_selector(f"#fc-chart[data-ready=true][data-hours='{len(open_hours)}']")
        rows = page.locator("#fc-hours tbody tr")
        assert rows.count() == len(open_hours)
        nine = next(h for h in open_hours if h["hour"] == 9)
        cells = page.locator("#fc-hours tbody tr[data-hour='9'] td").all_inner_texts()
        assert cells[0] == "9h"
        assert cells[1] == str(round(nine["forecast"], 1)).replace(".", ",")
        assert cells[4].startswith(str(nine["counters"]))
        summary = page.inner_text("#fc-summary")
        assert f"Dự báo {round(tomorrow['day']['forecast'])} khách" in summary
        assert "customers forecast" in summary
    accuracy = page.inner_text("#fc-accuracy")
    mae = str(tomorrow["backtest"]["model"]["mae_hour"]).replace(".", ",")
    assert f"Sai số trung bình ±{mae} khách/giờ" in accuracy
    assert "trên 14 ngày gần nhất" in accuracy and "cách đơn giản" in accuracy
    assert " / Average error ±" in accuracy
    assert "mô phỏng" in page.inner_text("#fc-inputs")
    # the month-start peak, typed as the hall writes days
    peak, _ = month_start_and_middle(dt.date.fromisoformat(tomorrow["today"]))
    expected = staff["sup"].get(f"{URL}?date={peak.isoformat()}")
    page.fill("#fc-day", peak.strftime("%d/%m/%Y"))
    page.click("#fc-show")
    page.wait_for_selector(f"#fc-box[data-ready='{peak.isoformat()}']")
    short = expected["day"]["short_hours"]
    assert page.is_visible("#fc-short") == bool(short)
    flagged = page.locator("#fc-hours tbody tr[data-enough=false]").all()
    assert sorted(int(r.get_attribute("data-hour")) for r in flagged) == short
    page.fill("#fc-day", "31/02/2026")
    page.click("#fc-show")
    page.wait_for_selector("#fc-day[aria-invalid=true]")
    assert console.errors == []
    page.close()
