"""Cash counted by note, in headless Debian chromium against a real hall: a cashier closes
the drawer typing how many of each note, sees the total echoed into the amount, is told
in words when the notes and the amount disagree, and the count sheet (bảng kê các loại
tiền) prints at the counter, byte for byte as the document renders. Then the preview
draws that real printer file (data/prints/*.bin), job by job, as the printer printed it.
And a receipt, before CMIS confirms and reprinted after, as the printer got them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Dummy
from PIL import Image

from printers import documents, raster, replay
from printers.layout import PAPER_80
from printers.render import render_bytes, segments
from tests.browser import Console, page_session, sign_in
from tests.conftest import Customers, HallServer
from tests.hallclient import Staff
from tests.wsclient import ViewClient

CUT = b"\x1dV"


@pytest.fixture(scope="module")
def watch(hall: HallServer) -> Iterator[tuple[ViewClient, str]]:
    """The supervisor's live view (it hears each device job), and the branch's name."""
    sup = Staff(hall.base, "supervisor", None)
    view = ViewClient(hall.ws_url, sup.token, "supervisor").connect()
    snapshot = view.recv()
    view.apply(snapshot)
    yield view, snapshot["data"]["branch"]["name"]
    view.close()
    sup.close()


def printed(view: ViewClient, document: str) -> dict[str, Any]:
    """The next job of ``document`` the printer took (bounded by the client's timeout)."""
    while True:
        msg = view.recv(30)
        view.apply(msg)
        job = msg.get("data", {}).get("job") if msg.get("event") == "device.job" else None
        if job and job["status"] == "done" and job["document"] == document:
            return job  # type: ignore[no-any-return]


@pytest.mark.browser
def test_a_drawer_closed_by_note_prints_its_count_sheet_and_the_preview_draws_it(
    browser: Any, hall: HallServer, watch: tuple[ViewClient, str], tmp_path: Path
) -> None:
    view, branch = watch
    console = Console()
    page = console.watch(browser.new_page(viewport={"width": 1440, "height": 1100}))
    sign_in(page, hall, "cashier3", "C3")
    page.wait_for_selector("#drawer[data-status=none] #drawer-float:focus")
    page.keyboard.type("500000")
    page.keyboard.press("Enter")
    page.wait_for_selector("#drawer[data-status=open] #close-note-500000")

    # counted by note: each line's amount and the total echo, and the total is the amount
    page.fill("#close-note-200000", "2")
    page.fill("#close-note-50000", "1")
    page.fill("#close-note-10000", "4")
    page.wait_for_selector("#close-note-total[data-amount='490000']")
    assert page.inner_text("#close-note-total") == "= 490.000 đ"
    assert page.inner_text("#close-note-10000-amount") == "40.000 đ"
    assert page.input_value("#close-counted") == "490000"
    assert page.inner_text("#close-counted-echo") == "= 490.000 đ"

    # an amount the notes do not make is refused in words; the drawer stays open
    page.fill("#close-counted", "500000")
    page.click("#close-submit")
    page.wait_for_selector("#drawer-error[data-code=count_mismatch]:not([hidden])")
    words = page.inner_text("#drawer-error")
    assert "Bảng kê cộng lại được 490.000 đ" in words and "count again" in words
    assert page.get_attribute("#drawer", "data-status") == "open"

    # the fifth 10.000 đ note found: the total follows, and the drawer closes with it
    page.fill("#close-note-10000", "5")
    page.wait_for_selector("#close-note-total[data-amount='500000']")
    assert page.input_value("#close-counted") == "500000"
    page.click("#close-submit")
    page.wait_for_selector("#drawer[data-status=closed]")
    session = page_session(page, hall)
    drawer = session.get("/api/cash/mine")["drawer"]
    session.close()
    counts = {n["note"]: n["count"] for n in drawer["counted_notes"]}
    assert (counts[200_000], counts[50_000], counts[10_000], counts[500_000]) == (2, 1, 5, 0)

    # the supervisor's cash section shows the count behind the amount
    sup = console.watch(browser.new_page(viewport={"width": 1440, "height": 1000}))
    sign_in(sup, hall, "supervisor", "")
    sup.click("#tab-cash")
    row = "#cash-drawers tr[data-cashier=cashier3]"
    sup.wait_for_selector(f"{row} td.counted[data-notes*='200.000 đ × 2']")
    assert "10.000 đ × 5" in (sup.get_attribute(f"{row} td.counted", "title") or "")

    # the count sheet printed at the counter, as the document renders it
    assert printed(view, "count-sheet")["target"] == "receipt-c3"
    sheet = {
        "kind": "close",
        "day": drawer["business_day"],
        "at": drawer["closed_at"],
        "cashier": "Võ Thị Tiền",  # the demo account's full name, not the login
        "counter": "Quầy 3",
        "notes": drawer["counted_notes"],
        "total": 500_000,
    }
    doc = documents.count_sheet(sheet, branch=branch)
    file = hall.tmp / "data" / "prints" / "receipt-c3.bin"
    data = file.read_bytes()
    assert render_bytes(doc, PAPER_80, "image", "default") in data

    # the preview of that real file: one picture a job, the last one the sheet as printed
    out = subprocess.run(
        [sys.executable, "-m", "printers.preview", str(tmp_path), str(file)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()
    assert len(out) == data.count(CUT) and out[-1].endswith(f"receipt-c3-{len(out):04d}.png")
    with Image.open(out[-1]) as png:
        assert png.width > PAPER_80.dots  # on its paper, on a desk
    pictures = replay.jobs(data, Dummy(profile="default").profile)
    ((blocks, _),) = segments(doc.blocks)
    drawn = raster.draw(blocks, PAPER_80)
    last = pictures[-1]
    assert last.crop((0, 0, drawn.width, drawn.height)).tobytes() == drawn.tobytes()
    feed = last.crop((0, drawn.height, last.width, last.height))
    assert feed.convert("L").getextrema() == (255, 255)  # fed blank before the cut
    assert console.errors == []


def test_a_receipt_prints_before_cmis_confirms_and_its_reprint_carries_the_number(
    hall: HallServer, customers: Customers, watch: tuple[ViewClient, str]
) -> None:
    """F4 at C2 with money tendered: the receipt names the cashier in full, shows the
    change and says CMIS has not confirmed yet; reprinted once CMIS has, it is a copy that
    carries CMIS's receipt number. Both byte for byte as ``documents.receipt`` renders."""
    view, branch = watch
    people = {
        "reception": Staff(hall.base, "reception", "R1"),
        "even": Staff(hall.base, "lookup1", "LE"),
        "odd": Staff(hall.base, "lookup2", "LO"),
        "c2": Staff(hall.base, "cashier2", "C2"),
        "sup": Staff(hall.base, "supervisor", None),
    }
    try:
        c2 = people["c2"]
        c2.open_drawer(0)
        t = people["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
        (inv,) = [i for c in t["customers"] for i in c["invoices"]]
        people[inv["lookup"]].post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
        c2.act("call", number=t["number"])
        tendered = (inv["total"] // 100_000 + 1) * 100_000
        paid = c2.act(
            "collect", invoices=[inv["invoice_id"]], amount=inv["total"], tendered=tendered
        )
        (payment,) = paid["payments"]
        first: dict[str, Any] = {}
        confirmed: dict[str, Any] = {}
        while not (first and confirmed):  # heard live, in either order (bounded by recv)
            msg = view.recv(30)
            view.apply(msg)
            data = msg.get("data", {})
            job = data.get("job") if msg.get("event") == "device.job" else None
            if job and job["status"] == "done" and job["document"] == "receipt":
                first = job
            elif msg.get("event") == "payment.confirmed":
                if data["payment"]["txn_id"] == payment["txn_id"]:
                    confirmed = data["payment"]
        copy = people["sup"].post(f"/api/device-jobs/{first['id']}/reprint")
        assert copy["reprint_of"] == first["id"]
        printed(view, "receipt")

        def receipt(payments: list[dict[str, Any]], reprint: bool) -> bytes:
            doc = documents.receipt(
                paid["ticket"], payments, branch=branch, counter="Quầy 2",
                cashier="Hoàng Văn Thu", at=first["created_at"], tendered=tendered,
                reprint=reprint,
            )  # fmt: skip
            return render_bytes(doc, PAPER_80, "image", "default")

        data = (hall.tmp / "data" / "prints" / "receipt-c2.bin").read_bytes()
        assert receipt([payment], reprint=False) in data
        assert confirmed["receipt_no"]
        again = {**payment, "status": "confirmed", "receipt_no": confirmed["receipt_no"]}
        assert receipt([again], reprint=True) in data
    finally:
        for s in people.values():
            s.close()
