"""Regenerate docs/screenshots/*.png: a demo hall in a realistic state, every page shot in
Debian chromium. Run from the repository root: `.venv/bin/python scripts/screenshots.py`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import ARGS, CHROMIUM, sign_in  # noqa: E402
from tests.conftest import SIM_CUSTOMERS, SIM_SEED, HallServer  # noqa: E402
from tests.hallclient import ApiError, Device, Staff  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def cut_customer() -> str:
    """A demo customer whose supply is cut for debt, with two periods or more to pay, past
    the codes the kiosk issued above."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from integrations.cmis.simulator.data import build_demo_data

    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    demo = build_demo_data(unit="PE0100", customers=SIM_CUSTOMERS, seed=SIM_SEED, today=today)
    return next(
        c.code
        for c in demo.customers.values()
        if c.supply == "CUT" and len(c.invoices) >= 2 and c.code > "PE0100" + "0000100"
    )


def crew_round(hall: HallServer) -> None:
    """Today's round for crew T1: six cut orders from the two books with the most
    customers owing three months or more, the first of them cut."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from integrations.cmis.simulator.data import build_demo_data

    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    demo = build_demo_data(unit="PE0100", customers=SIM_CUSTOMERS, seed=SIM_SEED, today=today)
    per_book: dict[str, int] = {}
    for c in demo.customers.values():
        if c.supply != "CUT" and len(c.invoices) >= 3:
            per_book[c.book_code] = per_book.get(c.book_code, 0) + 1
    leader = Staff(hall.base, "doitruong", None)
    leader.post("/api/field/rounds/pull", {"books": sorted(per_book, key=per_book.get)[-2:]})
    listed = [
        o
        for b in leader.get("/api/field")["books"]
        for o in leader.get(f"/api/field/books/{b['book_code']}")["orders"]
    ]
    picked = [o["id"] for o in listed if o["status"] == "open"][:6]
    leader.post("/api/field/orders/assign", {"orders": picked, "crew": "T1"})
    crew = Staff(hall.base, "crew1", None)
    first = crew.get("/api/field/my-orders")["orders"][0]["id"]
    at = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).isoformat(timespec="seconds")
    crew.post(
        f"/api/field/orders/{first}/result", {"key": "screenshot-1", "outcome": "done", "at": at}
    )


def stage(hall: HallServer) -> dict[str, Any]:
    """Twelve tickets: some found, two called, one parked, one paid; four drawers open,
    one movement to the head cashier matched and one hanging."""
    kiosk = Device(hall.base, "demo-kiosk-1")
    even, odd = Staff(hall.base, "lookup1", "LE"), Staff(hall.base, "lookup2", "LO")
    c1, c2, c3 = (Staff(hall.base, f"cashier{i}", f"C{i}") for i in (1, 2, 3))
    head = Staff(hall.base, "head", "C4")
    for person, float_amount in ((c1, 500_000), (c2, 500_000), (c3, 300_000), (head, 1_000_000)):
        person.open_drawer(float_amount)
    issued = []
    for i in range(2, 40):
        if len(issued) == 12:
            break
        try:
            issued.append(kiosk.post("/api/tickets", {"customers": [f"PE0100{i:07d}"]}))
        except ApiError:  # customers without debt are skipped
            continue
    full = [c1.get(f"/api/tickets/{t['number']}") for t in issued]
    for t in full[:6]:
        for c in t["customers"]:
            for inv in c["invoices"]:
                clerk = even if inv["lookup"] == "even" else odd
                clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    first = c1.act("call", number=full[0]["number"])
    ids = [i["invoice_id"] for c in first["customers"] for i in c["invoices"]]
    total = sum(i["total"] for c in first["customers"] for i in c["invoices"])
    c1.act("collect", invoices=ids, amount=total)
    c2.act("call", number=full[1]["number"])
    c2.act("park")
    c2.act("call", number=full[2]["number"])
    # the third cashier serves a customer whose supply is cut (cashier-cut.png)
    cut = kiosk.post("/api/tickets", {"customers": [cut_customer()]})
    for c in c1.get(f"/api/tickets/{cut['number']}")["customers"]:
        for inv in c["invoices"]:
            clerk = even if inv["lookup"] == "even" else odd
            clerk.post(f"/api/tickets/{cut['number']}/invoices/{inv['invoice_id']}/found")
    c3.act("call", number=cut["number"])
    c1.act("call", number=full[3]["number"])
    c1.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": 500_000})
    head.post("/api/cash/movements", {"side": "in", "cashier": "cashier1", "amount": 500_000})
    c2.post("/api/cash/movements", {"side": "out", "cashier": "head", "amount": 200_000})
    return {
        "serving": full[3]["number"],
        "follow": issued[9]["follow_token"],
        "over": issued[10]["qr"],  # paid 10.000 đ too much (noncash.png)
    }


def noncash(page: Any, hall: HallServer, state: dict[str, Any]) -> None:
    """Pay by VietQR (docs/noncash.md): cashier2's QR (F9) on the screen and on the customer
    display at C2; an over-payment waiting in the head cashier's non-cash panel."""
    import datetime as dt
    import json

    import httpx

    from integrations.bank import signing

    shown = page(1280, 720)
    shown.goto(f"{hall.base}/displays/counter.html?counter=C2&token=demo-display-2")
    shown.wait_for_selector("body[data-state=online][data-mode=idle]")
    pg = page(1440, 900)
    sign_in(pg, hall, "cashier2", "C2")
    pg.wait_for_selector("#ready[data-ready=true]")
    pg.keyboard.press("F9")
    pg.wait_for_selector("#qr-box[data-state=waiting]")
    pg.locator("#qr-box").scroll_into_view_if_needed()
    pg.wait_for_timeout(300)  # the QR image decodes
    pg.screenshot(path=OUT / "cashier-qr.png")
    shown.wait_for_selector("body[data-mode=qr]")
    shown.wait_for_timeout(300)
    shown.screenshot(path=OUT / "counter-display.png")

    qr = state["over"]
    raw = json.dumps(
        {
            "transaction_id": "FT26341000123",
            "account": qr["account"],
            "amount": qr["amount"] + 10_000,
            "currency": "VND",
            "description": f"{qr['ref']} thanh toan tien dien",
            "credited_at": dt.datetime.now(dt.UTC).isoformat(),
        }
    ).encode()
    secret = "demo-bank-secret-0123456789"  # the demo config's (bank.webhook_secret)
    headers = signing.headers(secret, int(dt.datetime.now(dt.UTC).timestamp()), raw)
    httpx.post(f"{hall.base}/api/bank/notifications", content=raw, headers=headers, timeout=30)
    pg = page(1440, 900)
    sign_in(pg, hall, "head", "C4")
    pg.click("#tab-cash")
    pg.wait_for_selector("#noncash-exceptions li[data-reason=over]")
    pg.locator("#noncash").scroll_into_view_if_needed()
    pg.screenshot(path=OUT / "noncash.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    hall = HallServer(Path(tempfile.mkdtemp())).start()
    try:
        state = stage(hall)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--lang=vi-VN"])

            def page(w: int, h: int) -> Any:
                # a hall's machines run in Vietnamese: date boxes read dd/mm/yyyy
                return b.new_page(viewport={"width": w, "height": h}, locale="vi-VN")

            pg = page(1920, 1080)
            pg.goto(f"{hall.base}/displays/?token=demo-display-1")
            pg.wait_for_selector("body[data-state=online]")
            pg.screenshot(path=OUT / "display-landscape.png")
            pg = page(1080, 1920)
            pg.goto(f"{hall.base}/displays/?token=demo-display-2")
            pg.wait_for_selector("body[data-state=online]")
            pg.screenshot(path=OUT / "display-portrait.png")

            pg = page(1080, 1920)
            pg.goto(f"{hall.base}/kiosk/?token=demo-kiosk-1")
            pg.fill("#code", "PE01000000050")
            pg.press("#code", "Enter")
            pg.wait_for_selector("#customers li")
            pg.screenshot(path=OUT / "kiosk.png")
            pg.click("#take-ticket")
            pg.wait_for_selector("#ticket-qr")
            pg.wait_for_selector("#ticket-follow:not([hidden])")
            pg.wait_for_timeout(300)  # the QR image decodes
            pg.screenshot(path=OUT / "kiosk-ticket.png")

            ph = page(390, 844)
            ph.goto(f"{hall.base}/t/{state['follow']}")
            ph.wait_for_timeout(500)
            ph.screenshot(path=OUT / "follow-phone.png")

            for user, counter, name in (
                ("lookup1", "LE", "lookup"),
                ("cashier1", "C1", "cashier"),
                ("reception", "R1", "reception"),
                ("supervisor", "", "supervisor"),
            ):
                pg = page(1440, 900)
                sign_in(pg, hall, user, counter)
                pg.wait_for_timeout(500)  # let the charts and lists draw
                pg.screenshot(path=OUT / f"{name}.png")

            pg = page(1440, 900)
            sign_in(pg, hall, "cashier3", "C3")
            pg.wait_for_selector(".supply-cut")
            pg.wait_for_timeout(300)
            pg.screenshot(path=OUT / "cashier-cut.png")

            pg = page(1440, 900)
            sign_in(pg, hall, "supervisor", "")
            pg.click("#tab-cash")
            pg.wait_for_selector("body[data-view=cash] #cash-view[data-loaded=true]")
            pg.wait_for_selector("#day-box[data-can-close=false]")
            pg.locator("#export-box").scroll_into_view_if_needed()
            pg.screenshot(path=OUT / "reports.png")
            pg = page(1440, 900)
            sign_in(pg, hall, "supervisor", "")
            pg.click("#tab-cash")
            pg.wait_for_selector("#cash-moves tr[data-status=hanging]")
            pg.wait_for_selector("#day-box[data-can-close=false]")
            pg.screenshot(path=OUT / "cash.png")

            noncash(page, hall, state)

            crew_round(hall)
            crew_phone(page(360, 740), hall)

            # the team leader's board over the same round, the rest of it shared to T2
            leader = Staff(hall.base, "doitruong", None)
            leader.post("/api/field/orders/auto-assign", {"crews": ["T2"]})
            pg = page(1440, 900)
            pg.goto(f"{hall.base}/counters/field.html")
            pg.fill("#login-username", "doitruong")
            pg.fill("#login-password", "demo123")
            pg.click("#login-submit")
            pg.wait_for_selector("#board-view[data-loaded=true] #books section.book")
            # the books are closed until opened: the two of the round open, with T1's done
            for toggle in pg.query_selector_all("#books section.book button.book-toggle")[:2]:
                toggle.click()
            pg.wait_for_selector("#books tr[data-status=done]")
            pg.wait_for_selector("#books section.book[data-state=loading]", state="detached")
            pg.screenshot(path=OUT / "field-board.png")

            admin_pages(page(1440, 1000), hall)
            b.close()
        paper(hall)
        print(f"screenshots in {OUT} (serving {state})")
    finally:
        hall.stop()


def admin_pages(pg: Any, hall: HallServer) -> None:
    """The admin pages (docs/admin.md): the staff list with a one-time password on show,
    and a hall's parameters, counters, printers and devices."""
    pg.goto(f"{hall.base}/counters/?next=admin")
    pg.fill("#login-username", "admin")
    pg.fill("#login-password", "demo123")
    pg.click("#login-submit")
    pg.wait_for_selector("body[data-loaded=true][data-state=online]")
    pg.click("#staff-new")
    pg.fill("#staff-form [name=full_name]", "Lưu Thị Thu")
    pg.fill("#staff-form [name=username]", "thu9")
    pg.select_option("#staff-form [name=role]", "cashier")
    pg.check("#sf-counters input[value=C3]")
    pg.click("#staff-form button[type=submit]")
    pg.wait_for_selector("#secret:not([hidden])")
    pg.screenshot(path=OUT / "admin-staff.png")
    pg.click("#secret-done")
    pg.click("#tab-halls")
    pg.wait_for_selector("#hall-detail[data-branch=PE0100]")
    pg.screenshot(path=OUT / "admin-hall.png", full_page=True)


def crew_phone(pg: Any, hall: HallServer) -> None:
    """The crew's phone (docs/field.md), signed in as crew1 of T1."""
    pg.goto(f"{hall.base}/counters/crew.html")
    pg.fill("#login-username", "crew1")
    pg.fill("#login-password", "demo123")
    pg.click("#login-submit")
    pg.wait_for_selector("body[data-view=list][data-state=online] #done li")
    pg.screenshot(path=OUT / "crew-phone.png")


def paper(hall: HallServer) -> None:
    """The count sheet as the printers' previews draw it (printers.preview), and the first
    page of the day's report PDF (ghostscript, when installed)."""
    import shutil
    import subprocess
    import urllib.request

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "printers.preview", tmp], check=True, cwd=ROOT)
        shutil.copy(Path(tmp) / "count-close.png", OUT / "count-sheet.png")
        gs = shutil.which("gs")
        if gs:
            sup = Staff(hall.base, "supervisor", None)
            req = urllib.request.Request(
                f"{hall.base}/api/reports?level=branch&format=pdf",
                headers={"Authorization": f"Bearer {sup.token}"},
            )
            pdf = Path(tmp) / "day.pdf"
            pdf.write_bytes(urllib.request.urlopen(req, timeout=30).read())
            subprocess.run(
                [gs, "-q", "-sDEVICE=png16m", "-r70", "-dFirstPage=1", "-dLastPage=1",
                 "-o", str(OUT / "report-pdf.png"), str(pdf)],
                check=True,
            )  # fmt: skip


if __name__ == "__main__":
    main()
