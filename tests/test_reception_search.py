"""Reception finds people as they say it (Debian chromium, real server and CMIS simulator):
no accents, no case, no punctuation, words in any order, and each hit says whether the
customer owes and how much, as the hall writes money."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


@pytest.mark.browser
def test_ky_dong_phuong_10_finds_ky_dong_phuong_10_with_what_they_owe(
    browser: Any, hall: HallServer, demo: Any
) -> None:
    living = [
        c
        for c in sorted(demo.customers.values(), key=lambda c: c.code)
        if "Kỳ Đồng, Phường 10," in c.address and c.invoices
    ]
    c = living[0]
    owed = sum(i.total for i in c.invoices)
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    sign_in(page, hall, "reception", "R1")

    page.select_option("#rc-search-by", "address")
    page.fill("#rc-search-q", "ky dong phuong 10")
    page.click("#rc-search-submit")
    row = f"#rc-search-results tr[data-code={c.code}]"
    page.wait_for_selector(row)
    assert page.inner_text(f"{row} .address") == c.address
    debt = page.wait_for_selector(f"{row} [data-owes=yes]")
    assert debt.get_attribute("data-amount") == str(owed)
    said = debt.inner_text()
    periods = len(c.invoices)
    assert vnd(owed) in said and f"còn nợ {periods} kỳ" in said and "owes" in said
    # every hit has all four words, whatever their order; "Phường 10" side by side first
    addresses = page.locator("#rc-search-results tbody .address").all_inner_texts()
    for address in addresses:
        assert "Kỳ Đồng" in address and "Phường" in address and "10" in address, address
    ward = ["Phường 10," in a for a in addresses]
    assert ward == sorted(ward, reverse=True), addresses

    # the same words in another order, in capitals, with punctuation
    page.fill("#rc-search-q", "PHƯỜNG 10 - Kỳ đồng")
    page.click("#rc-search-submit")
    page.wait_for_selector(row)
    assert console.errors == []
    page.close()


def test_a_hit_that_owes_nothing_says_so_and_a_partial_answer_too(
    hall: HallServer, customers: Customers, demo: Any
) -> None:
    reception = Staff(hall.base, "reception", "R1")
    try:
        code = customers.no_debt()
        meter = demo.customers[code].meter
        found = reception.get(f"/api/customers?by=meter&q={meter}")
        (hit,) = found["customers"]
        assert (hit["code"], hit["owes"], hit["debt"], hit["periods"]) == (code, False, 0, 0)
        assert found["complete"] is True
        # a query of common words only: CMIS's first hundred may not hold every match
        common = reception.get("/api/customers?by=address&q=phuong%2010")
        assert common["complete"] is False
    finally:
        reception.close()
