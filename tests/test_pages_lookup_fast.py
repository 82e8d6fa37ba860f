"""The lookup counter at the speed of the paper, in Debian chromium on a real server: one
key (Enter) finds all of a customer's papers, the screen follows them to the cashier,
Ctrl+Z undoes the last F9 until the paper is delivered (then a clear refusal), F8 marks a
paper missing, and after each key the next paper to find is selected by itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff


@pytest.fixture(scope="module")
def desk(hall: HallServer) -> Iterator[dict[str, Staff]]:
    """Reception, a cashier and the supervisor over the API; the lookup is on the page."""
    people = {
        "reception": Staff(hall.base, "reception", "R1"),
        "c1": Staff(hall.base, "cashier1", "C1"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    people["c1"].open_drawer()
    yield people
    for p in people.values():
        p.close()


def statuses(desk: dict[str, Staff], number: int) -> dict[int, tuple[str, str | None]]:
    t = desk["sup"].get(f"/api/tickets/{number}")
    return {
        i["invoice_id"]: (i["lookup_status"], i["delivered_to"])
        for c in t["customers"]
        for i in c["invoices"]
    }


@pytest.mark.browser
def test_one_key_finds_a_customer_and_the_last_f9_is_undone_until_delivered(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    lookup = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(lookup, hall, "lookup1", "LE")
    assert "Enter" in lookup.inner_text("#btn-found-customer kbd")
    assert "Tìm thấy cả khách" in lookup.inner_text("#btn-found-customer")

    code = customers.take(min_invoices=3, parity="even")
    t = desk["reception"].post("/api/tickets", {"customers": [code]})
    after = desk["reception"].post(
        "/api/tickets", {"customers": [customers.take(invoices=1, parity="even")]}
    )
    ids = [i["invoice_id"] for i in t["customers"][0]["invoices"]]
    assert len(ids) >= 3
    pending = "#lookup-pending tr[data-ticket='{n}'][data-invoice-id='{i}']"
    found = "#lookup-found tr[data-invoice-id='{i}'][data-lookup-status=found]"

    # one key: every paper of the customer found, and the next paper to find selected
    lookup.click(pending.format(n=t["number"], i=ids[1]))
    lookup.keyboard.press("Enter")
    for i in ids:
        lookup.wait_for_selector(found.format(i=i))
    assert lookup.locator(f"#lookup-pending tr[data-ticket='{t['number']}']").count() == 0
    lookup.wait_for_selector(f"#lookup-pending tr.selected[data-ticket='{after['number']}']")
    assert set(statuses(desk, t["number"]).values()) == {("found", None)}

    # Ctrl+Z: the last F9 (all of that customer's papers) back to find, wherever selected
    lookup.keyboard.press("Control+z")
    for i in ids:
        lookup.wait_for_selector(pending.format(n=t["number"], i=i))
    assert set(statuses(desk, t["number"]).values()) == {("pending", None)}

    # found again, then the cashier calls the ticket: the screen says where the paper is
    lookup.click(pending.format(n=t["number"], i=ids[0]))
    lookup.click("#btn-found-customer")
    for i in ids:
        lookup.wait_for_selector(found.format(i=i))
    desk["c1"].act("call", number=t["number"])
    for i in ids:
        lookup.wait_for_selector(
            f"#lookup-found tr[data-invoice-id='{i}'] td.place:has-text('Quầy 1')"
        )
    assert lookup.is_disabled("#btn-unfound")

    # Ctrl+Z now: refused, saying why and what to do; nothing changed
    lookup.keyboard.press("Control+z")
    lookup.wait_for_selector("#lookup-error[data-code=already_delivered]")
    said = lookup.inner_text("#lookup-error")
    assert "không hoàn tác F9 được nữa" in said and "can no longer be undone" in said
    assert set(statuses(desk, t["number"]).values()) == {("found", "C1")}
    assert console.errors == []
    lookup.close()


@pytest.mark.browser
def test_f9_and_f8_move_on_to_the_next_paper_by_themselves(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    console = Console()
    lookup = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(lookup, hall, "lookup1", "LE")
    code = customers.take(invoices=3, parity="even")
    t = desk["reception"].post("/api/tickets", {"customers": [code]})
    first, second, third = (i["invoice_id"] for i in t["customers"][0]["invoices"])
    row = "#lookup-pending tr[data-ticket='{n}'][data-invoice-id='{i}']"

    lookup.click(row.format(n=t["number"], i=first))
    lookup.keyboard.press("F9")
    lookup.wait_for_selector(f"#lookup-found tr[data-invoice-id='{first}']")
    lookup.wait_for_selector(f"#lookup-pending tr.selected[data-invoice-id='{second}']")

    # the missing action, on screen: a button and F8, then on to the next paper
    assert "Thất lạc" in lookup.inner_text("#btn-missing")
    lookup.click("#btn-missing")
    lookup.wait_for_selector(
        f"#lookup-deferred tr[data-invoice-id='{second}'][data-lookup-status=missing]"
    )
    lookup.wait_for_selector(f"#lookup-pending tr.selected[data-invoice-id='{third}']")
    lookup.keyboard.press("F8")
    lookup.wait_for_selector(
        f"#lookup-deferred tr[data-invoice-id='{third}'][data-lookup-status=missing]"
    )
    now = statuses(desk, t["number"])
    assert [now[i][0] for i in (first, second, third)] == ["found", "missing", "missing"]
    assert console.errors == []
    lookup.close()


@pytest.mark.browser
def test_a_priority_customers_paper_is_listed_first_and_marked(
    browser: Any, hall: HallServer, customers: Customers, desk: dict[str, Staff]
) -> None:
    """ "Call next" serves a priority customer first (docs/priority.md): their paper is the
    first to pull, whatever their number."""
    console = Console()
    lookup = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(lookup, hall, "lookup1", "LE")
    first = desk["reception"].post(
        "/api/tickets", {"customers": [customers.take(invoices=1, parity="even")]}
    )
    later = desk["reception"].post(
        "/api/tickets",
        {"customers": [customers.take(invoices=1, parity="even")], "priority": "elderly"},
    )
    mine = f"#lookup-pending tr[data-ticket='{later['number']}']"
    lookup.wait_for_selector(mine)
    lookup.wait_for_selector(f"#lookup-pending tr[data-ticket='{first['number']}']")
    order = lookup.eval_on_selector_all(
        "#lookup-pending tr[data-ticket]", "rows => rows.map(r => Number(r.dataset.ticket))"
    )
    assert order.index(later["number"]) < order.index(first["number"])
    badge = lookup.locator(f"{mine} .prio-badge")
    assert badge.inner_text() == "★" and "Người cao tuổi" in (badge.get_attribute("title") or "")
    assert console.errors == []
    lookup.close()
