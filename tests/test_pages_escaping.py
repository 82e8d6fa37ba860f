"""Text from CMIS is shown as text: a customer whose name and address hold markup (the
simulator has a few such customers) reads literally at reception, at the cashier and on
the follow page, and nothing in it runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Console, sign_in
from tests.conftest import HallServer
from tests.hallclient import Staff

CODE = "PE01000003998"  # the simulator's 3998th customer: markup in name and address
NAME = "<b>Trần Thị Bé</b> & Con"
ADDRESS = "<script>alert(1)</script> 5 Võ Văn Tần, Quận 3"


@pytest.fixture(scope="module")
def big_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """A hall whose simulator has enough customers to reach the one with markup."""
    hall = HallServer(Path(tmp_path_factory.mktemp("escaping")))
    with hall.edit_config(lambda raw: raw["cmis"]["simulator"].update(customers=4000)).running():
        yield hall


@pytest.mark.browser
def test_markup_from_cmis_is_shown_as_text(browser: Any, big_hall: HallServer) -> None:
    console = Console()
    dialogs: list[str] = []
    reception = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    reception.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(reception, big_hall, "reception", "R1")
    reception.fill("#rc-code", CODE)
    reception.press("#rc-code", "Enter")
    item = f"#rc-basket li[data-code={CODE}]"
    reception.wait_for_selector(item)
    assert NAME in reception.inner_text(item)
    assert reception.locator(f"{item} b").count() == 0
    reception.click("#rc-issue")
    reception.wait_for_selector("#rc-ticket[data-ticket]")
    number = int(reception.get_attribute("#rc-ticket", "data-ticket") or 0)
    shown = reception.inner_text("#rc-ticket-customers")
    assert NAME in shown and ADDRESS in shown
    assert reception.locator("#rc-ticket-customers b, #rc-ticket-customers script").count() == 0

    till = Staff(big_hall.base, "cashier1", "C1")
    till.open_drawer()  # else the console asks for the float first
    till.close()
    cashier = console.watch(browser.new_page(viewport={"width": 1400, "height": 1000}))
    cashier.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(cashier, big_hall, "cashier1", "C1")
    clerk = Staff(big_hall.base, "supervisor", None)
    ticket = clerk.get(f"/api/tickets/{number}")
    cashier.keyboard.type(str(number))
    cashier.keyboard.press("Enter")
    cashier.wait_for_selector(f"#current-number:text-is('{number}')")
    customers = cashier.inner_text("#current-customers")
    assert NAME in customers and ADDRESS in customers
    assert cashier.locator("#current-customers b, #current-customers script").count() == 0

    follow = console.watch(browser.new_page())
    follow.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    follow.goto(f"{big_hall.base}/t/{ticket['follow_token']}")
    follow.wait_for_selector(f"#follow-number:text-is('{number}')")
    assert follow.locator("b, script:not([src])").count() == 0
    clerk.close()
    assert dialogs == [] and console.errors == []
    for page in (reception, cashier, follow):
        page.close()
