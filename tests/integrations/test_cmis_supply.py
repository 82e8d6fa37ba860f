"""Due dates, the disconnection list, supply changes and the unpaid invoices of a book:
both adapters over real HTTP against the simulator (CMIS.md), and against garbage.

The session simulator's data is of 14 March 2026: periods September 2025 to February 2026,
each due on the 5th of the second month after it (January: 5 March), and CMIS's clock is
that day too. Tests take customers nobody used (``sim_v2.take``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.cmis.base import (
    BookInvoice,
    CmisBadAnswer,
    CmisError,
    CmisUnavailable,
    CustomerNotFound,
    PaymentRequest,
    Supply,
    SupplyChange,
    SupplyRefused,
)
from integrations.cmis.simulator.app import create_app
from integrations.cmis.simulator.data import CONNECTED, CUT, DemoData, SimCustomer, build_demo_data
from integrations.cmis.simulator.ledger import VN
from integrations.cmis.simulator.packed import due_date
from integrations.cmis.simulator.server import start_simulator
from integrations.cmis.v1 import Cmis1Client
from integrations.cmis.v1_wire import add, format_minute, parse_minute, parse_xml, to_xml
from integrations.cmis.v2 import Cmis2Client
from tests.conftest import run_async
from tests.integrations.conftest import NOW, TODAY, FakeClock

T = TypeVar("T")
VERSIONS = ("2.0", "1.0")
UNIT = "PE0100"
AT = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)
Client = Cmis2Client | Cmis1Client

_keys = itertools.count(1)


def run(version: str, url: str, fn: Callable[[Any], Awaitable[T]], **kw: Any) -> T:
    """Run ``fn`` with a fresh adapter of ``version`` in a fresh loop."""

    async def go() -> T:
        client: Client = Cmis2Client(url, **kw) if version == "2.0" else Cmis1Client(url, **kw)
        async with client:
            return await fn(client)

    return run_async(go())


def expect(
    version: str, url: str, error: type[CmisError], fn: Callable[[Any], Awaitable[Any]], **kw: Any
) -> CmisError:
    with pytest.raises(error) as caught:
        run(version, url, fn, **kw)
    assert caught.value.request_id
    return caught.value


def change(code: str, supply: Supply, **kw: Any) -> SupplyChange:
    fields: dict[str, Any] = {
        "key": f"SC{next(_keys):06d}",
        "customer_code": code,
        "supply": supply,
        "at": AT,
        "staff": "NV07",
        "reason": "Nợ quá hạn",
    }
    return SupplyChange(**{**fields, **kw})


def pay(version: str, url: str, c: SimCustomer, n: int) -> None:
    invs = c.invoices[:n]
    req = PaymentRequest(
        txn_id=f"SP{next(_keys):06d}",
        customer_code=c.code,
        invoice_ids=tuple(i.invoice_id for i in invs),
        total=sum(i.total for i in invs),
        collection_point="QT01",
        cashier="TN01",
        at=AT,
    )
    run(version, url, lambda cl: cl.post_payment(req))


def listed(version: str, url: str, as_of: dt.date, book: str | None = None) -> dict[str, Any]:
    found = run(version, url, lambda cl: cl.disconnection_list(UNIT, as_of, book))
    return {c.code: c for c in found}


@pytest.fixture
def notice(sim_v2: Any) -> Iterator[Callable[[int], None]]:
    """Set the shared simulator's notice period (put back after the test) over HTTP."""
    before = sim_v2.ledger.notice_days

    def set_days(days: int) -> None:
        r = httpx.put(f"{sim_v2.url}/admin/settings", json={"notice_days": days})
        assert r.status_code == 200 and r.json() == {"notice_days": days}

    yield set_days
    sim_v2.ledger.notice_days = before


# --- due dates ---------------------------------------------------------------------------


def test_due_dates_follow_the_period() -> None:
    assert due_date(2026, 1) == dt.date(2026, 3, 5)
    assert due_date(2025, 11) == dt.date(2026, 1, 5)
    assert due_date(2025, 12) == dt.date(2026, 2, 5)


@pytest.mark.parametrize("version", VERSIONS)
def test_due_dates_are_read_on_both_versions(sim_v2: Any, version: str) -> None:
    c = sim_v2.take(invoices=3, split=False)
    debts = run(version, sim_v2.url, lambda cl: cl.get_debts(c.code))
    assert [i.due for i in debts.invoices] == [i.due for i in c.invoices]
    assert [i.due for i in debts.invoices] == [
        dt.date(2026, 2, 5),
        dt.date(2026, 3, 5),
        dt.date(2026, 4, 5),
    ]


def test_some_customers_are_overdue_on_any_day_and_some_are_not() -> None:
    """Whatever the data's today, the list of that day is never empty, nor everyone."""
    for today in (dt.date(2026, 1, 1), dt.date(2026, 2, 28), dt.date(2026, 7, 15)):
        data = build_demo_data(customers=400, today=today)
        app = create_app(data)
        found = app.state.ledger.disconnection_list(UNIT, today)
        connected_debtors = len(data.select(min_invoices=1, supply=CONNECTED, plain=False))
        assert 0 < len(found) < connected_debtors


# --- the disconnection list --------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_the_list_respects_the_notice_period(sim_v2: Any, notice: Any, version: str) -> None:
    c = sim_v2.take(invoices=2, split=False, supply=CONNECTED)  # January and February
    jan, feb = c.invoices
    assert (jan.due, feb.due) == (dt.date(2026, 3, 5), dt.date(2026, 4, 5))
    as_of = dt.date(2026, 3, 10)  # January is 5 days past due
    assert c.code not in listed(version, sim_v2.url, as_of, c.book_code)
    notice(4)
    got = listed(version, sim_v2.url, as_of, c.book_code)[c.code]
    assert (got.code, got.name, got.address, got.book_code) == (
        c.code,
        c.name,
        c.address,
        c.book_code,
    )
    assert (got.unit, got.supply) == (UNIT, Supply.CONNECTED)
    assert (got.periods, got.overdue, got.oldest_due) == (2, jan.total, jan.due)
    notice(5)  # due 5 March + 5 days is not before 10 March
    assert c.code not in listed(version, sim_v2.url, as_of, c.book_code)
    notice(0)
    assert c.code in listed(version, sim_v2.url, as_of, c.book_code)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_list_of_a_book_and_of_the_unit(sim_v2: Any, version: str) -> None:
    data: DemoData = sim_v2.data
    c = sim_v2.take(invoices=4, split=False, supply=CONNECTED)
    book = listed(version, sim_v2.url, TODAY, c.book_code)
    assert c.code in book
    assert book[c.code].periods == 4 and book[c.code].oldest_due == dt.date(2026, 1, 5)
    assert book[c.code].overdue == sum(i.total for i in c.invoices[:3])  # Feb not due yet
    limit = TODAY - dt.timedelta(days=sim_v2.ledger.notice_days)
    assert all(x.book_code == c.book_code and x.oldest_due < limit for x in book.values())
    assert all(x.supply == Supply.CONNECTED for x in book.values())
    members = {data.store.code(i) for i in data.by_book()[c.book_code]}
    assert set(book) <= members

    whole = run(version, sim_v2.url, lambda cl: cl.disconnection_list(UNIT, TODAY))
    assert [(x.book_code, x.address) for x in whole] == sorted(
        (x.book_code, x.address) for x in whole
    )
    assert len({x.book_code for x in whole}) > 300
    codes = {x.code for x in whole}
    assert set(book) <= codes
    cut = sim_v2.take(invoices=4, supply=CUT)
    free = sim_v2.take(invoices=0)
    assert cut.code not in codes and free.code not in codes
    assert run(version, sim_v2.url, lambda cl: cl.disconnection_list("PE0200", TODAY)) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_payment_takes_a_customer_off_the_list(sim_v2: Any, version: str) -> None:
    c = sim_v2.take(invoices=4, split=False, supply=CONNECTED)  # Nov, Dec, Jan, Feb
    assert c.code in listed(version, sim_v2.url, TODAY, c.book_code)
    pay(version, sim_v2.url, c, 1)
    still = listed(version, sim_v2.url, TODAY, c.book_code)[c.code]
    assert (still.periods, still.oldest_due) == (3, dt.date(2026, 2, 5))
    rest = dataclasses.replace(c, invoices=c.invoices[1:])
    pay(version, sim_v2.url, rest, 2)  # Dec and Jan: only February, not yet due, left
    assert c.code not in listed(version, sim_v2.url, TODAY, c.book_code)


# --- supply changes ----------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_cut_and_reconnect_rules(sim_v2: Any, version: str) -> None:
    url, ledger = sim_v2.url, sim_v2.ledger
    c = sim_v2.take(invoices=3, split=False, supply=CONNECTED)  # Dec, Jan overdue; Feb not
    # already connected: OK, no change
    assert run(version, url, lambda cl: cl.change_supply(change(c.code, Supply.CONNECTED))) == (
        Supply.CONNECTED
    )
    assert ledger.supply_changes(c.code) == []
    assert run(version, url, lambda cl: cl.change_supply(change(c.code, Supply.CUT))) == Supply.CUT
    assert run(version, url, lambda cl: cl.get_debts(c.code)).supply == Supply.CUT
    assert c.code not in listed(version, url, TODAY, c.book_code)
    # a repeat (a new key on 2.0) finds it cut: OK, still one change
    assert run(version, url, lambda cl: cl.change_supply(change(c.code, Supply.CUT))) == Supply.CUT
    assert len(ledger.supply_changes(c.code)) == 1
    e = expect(
        version, url, SupplyRefused, lambda cl: cl.change_supply(change(c.code, "CONNECTED"))
    )
    assert e.code == "062"
    pay(version, url, c, 2)
    back = run(version, url, lambda cl: cl.change_supply(change(c.code, Supply.CONNECTED)))
    assert back == Supply.CONNECTED
    assert run(version, url, lambda cl: cl.get_debts(c.code)).supply == Supply.CONNECTED
    assert [x.order.supply for x in ledger.supply_changes(c.code)] == [CUT, CONNECTED]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_cut_with_nothing_overdue_is_061(sim_v2: Any, version: str) -> None:
    for c in (sim_v2.take(invoices=1, split=False, supply=CONNECTED), sim_v2.take(invoices=0)):
        cut = change(c.code, Supply.CUT)
        e = expect(version, sim_v2.url, SupplyRefused, lambda cl, cut=cut: cl.change_supply(cut))
        assert e.code == "061"
        debts = run(version, sim_v2.url, lambda cl, code=c.code: cl.get_debts(code))
        assert debts.supply == Supply.CONNECTED


@pytest.mark.parametrize("version", VERSIONS)
def test_a_demo_cut_customer_is_reconnected_once_paid(sim_v2: Any, version: str) -> None:
    c = sim_v2.take(invoices=2, split=False, supply=CUT)  # Jan (overdue), Feb
    e = expect(
        version, sim_v2.url, SupplyRefused, lambda cl: cl.change_supply(change(c.code, "CONNECTED"))
    )
    assert e.code == "062"
    pay(version, sim_v2.url, c, 1)
    got = run(version, sim_v2.url, lambda cl: cl.change_supply(change(c.code, Supply.CONNECTED)))
    assert got == Supply.CONNECTED


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_customer_is_customer_not_found(sim_v2: Any, version: str) -> None:
    for code in ("PE01009999999", "pe01-bad"):
        expect(
            version,
            sim_v2.url,
            CustomerNotFound,
            lambda cl, code=code: cl.change_supply(change(code, Supply.CUT)),
        )


def test_2_0_same_key_same_body_is_the_first_answer_other_body_0422(sim_v2: Any) -> None:
    url, ledger = sim_v2.url, sim_v2.ledger
    c = sim_v2.take(invoices=3, split=False, supply=CONNECTED)
    first = change(c.code, Supply.CUT)
    assert run("2.0", url, lambda cl: cl.change_supply(first)) == Supply.CUT
    assert run("2.0", url, lambda cl: cl.change_supply(first)) == Supply.CUT
    assert len(ledger.supply_changes(c.code)) == 1
    other = SupplyChange(first.key, c.code, Supply.CUT, AT, "NV08", first.reason)
    e = expect("2.0", url, SupplyRefused, lambda cl: cl.change_supply(other))
    assert e.code == "0422"
    # a refusal is the first answer too
    d = sim_v2.take(invoices=1, split=False, supply=CONNECTED)
    refused = change(d.code, Supply.CUT)
    for _ in range(2):
        e = expect("2.0", url, SupplyRefused, lambda cl: cl.change_supply(refused))
        assert e.code == "061"


def test_2_0_sends_the_key_and_1_0_the_time_to_the_minute() -> None:
    t = dt.datetime(2026, 3, 14, 2, 5, 59, tzinfo=dt.UTC)
    assert format_minute(t) == "14/03/2026 09:05"
    assert parse_minute("14/03/2026 09:05") == dt.datetime(2026, 3, 14, 9, 5, tzinfo=VN)
    for bad in ("14/03/2026 09:05:00", "2026-03-14 09:05", "31/02/2026 09:05"):
        with pytest.raises(ValueError):
            parse_minute(bad)


@pytest.mark.parametrize("version", VERSIONS)
def test_naive_change_time_is_a_programming_error(sim_v2: Any, version: str) -> None:
    naive = change("PE01000000001", Supply.CUT, at=dt.datetime(2026, 3, 14, 9, 30))
    with pytest.raises(ValueError):
        run(version, sim_v2.url, lambda cl: cl.change_supply(naive))


# --- restart and lost answers ------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_supply_state_survives_a_restart(loop_thread: Any, tmp_path: Path, version: str) -> None:
    data = build_demo_data(customers=300, today=TODAY)
    journal = tmp_path / "ledger.jsonl"
    c = data.select(invoices=3, split=False, supply=CONNECTED)[0]
    cut = data.select(min_invoices=2, supply=CUT)[0]

    def serve() -> Any:
        app = create_app(None if journal.exists() else data, ledger_path=journal)
        app.state.ledger.clock = FakeClock(NOW)
        return loop_thread.run(start_simulator(app))

    first = serve()
    keyed = change(c.code, Supply.CUT)
    assert run(version, first.url, lambda cl: cl.change_supply(keyed)) == Supply.CUT
    pay(version, first.url, cut, len(cut.invoices))
    again = change(cut.code, Supply.CONNECTED)
    assert run(version, first.url, lambda cl: cl.change_supply(again)) == Supply.CONNECTED
    loop_thread.run(first.stop())

    second = serve()
    try:
        assert run(version, second.url, lambda cl: cl.get_debts(c.code)).supply == Supply.CUT
        assert run(version, second.url, lambda cl: cl.get_debts(cut.code)).supply == "CONNECTED"
        assert c.code not in listed(version, second.url, TODAY, c.book_code)
        if version == "2.0":  # the key is remembered across the restart
            assert run(version, second.url, lambda cl: cl.change_supply(keyed)) == Supply.CUT
            other = SupplyChange(keyed.key, c.code, Supply.CONNECTED, AT, "NV07", "")
            e = expect(version, second.url, SupplyRefused, lambda cl: cl.change_supply(other))
            assert e.code == "0422"
    finally:
        loop_thread.run(second.stop())


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("how", ["supply_faults", "lose_answer_rate", "close"])
def test_a_lost_answer_then_a_resend_is_one_change(faulty_sim: Any, version: str, how: str) -> None:
    url, ledger = faulty_sim.url, faulty_sim.ledger
    c = faulty_sim.take(invoices=3, split=False, supply=CONNECTED)
    if how == "supply_faults":
        faulty_sim.faults(supply_faults={c.code: "lose"})
    else:
        mode = "close" if how == "close" else "500"
        faulty_sim.faults(lose_answer_rate=1.0, lose_answer_mode=mode)
    cut = change(c.code, Supply.CUT)
    expect(version, url, CmisUnavailable, lambda cl: cl.change_supply(cut), retries=1, backoff=0)
    assert len(ledger.supply_changes(c.code)) == 1  # done, though nobody heard
    faulty_sim.faults()
    assert run(version, url, lambda cl: cl.change_supply(cut)) == Supply.CUT
    assert len(ledger.supply_changes(c.code)) == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_faults_apply_to_the_new_calls(faulty_sim: Any, version: str) -> None:
    url = faulty_sim.url
    c = faulty_sim.take(invoices=3, split=False, supply=CONNECTED)
    calls: list[Callable[[Any], Awaitable[Any]]] = [
        lambda cl: cl.disconnection_list(UNIT, TODAY, c.book_code),
        lambda cl: cl.unpaid_invoices_of_book(UNIT, c.book_code),
        lambda cl: cl.change_supply(change(c.code, Supply.CUT)),
    ]
    for fault in ({"error_rate": 1.0}, {"refuse_rate": 1.0}, {"down": True}):
        faulty_sim.faults(**fault)
        for call in calls:
            expect(version, url, CmisUnavailable, call, retries=0)
    faulty_sim.faults(hang_rate=1.0, hang_ms=5_000)
    expect(version, url, CmisUnavailable, calls[0], retries=0, timeout=0.3)
    faulty_sim.faults(supply_faults={c.code: "busy"})
    expect(version, url, CmisUnavailable, calls[2], retries=0)
    assert faulty_sim.ledger.supply_changes(c.code) == []


# --- the unpaid invoices of a book -------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_unpaid_invoices_of_a_book_match_its_customers_debts(sim_v2: Any, version: str) -> None:
    data: DemoData = sim_v2.data
    c = sim_v2.take(invoices=3, split=False, supply=CONNECTED)
    pay(version, sim_v2.url, c, 1)
    book = c.book_code
    got = run(version, sim_v2.url, lambda cl: cl.unpaid_invoices_of_book(UNIT, book))
    assert all(isinstance(i, BookInvoice) and i.book_code == book for i in got)
    codes = [data.store.code(i) for i in data.by_book()[book]]

    async def all_debts(cl: Any) -> list[Any]:
        return [await cl.get_debts(code) for code in codes]

    expected = [
        (inv.invoice_id, d.code, inv.year, inv.month, inv.sub_period, inv.total, inv.due)
        for d in run(version, sim_v2.url, all_debts)
        for inv in d.invoices
    ]
    assert [
        (i.invoice_id, i.customer_code, i.year, i.month, i.sub_period, i.total, i.due) for i in got
    ] == expected
    assert c.invoices[0].invoice_id not in {i.invoice_id for i in got}
    first = data.invoices[got[0].invoice_id]
    assert (got[0].series, got[0].number) == (first.series, first.number)
    assert run(version, sim_v2.url, lambda cl: cl.unpaid_invoices_of_book(UNIT, "PE0100Z999")) == []


def test_a_big_book_and_a_big_list() -> None:
    """The benchmark's shape: 20,000 customers over 50 books give over 5,000 on the list
    on any day of the month (how fast is a benchmark's business, not a test's)."""
    data = build_demo_data(customers=20_000, today=TODAY, books=50)
    assert data.params["books"] == 50 and len(data.by_book()) == 50
    ledger = create_app(data).state.ledger
    for as_of in (dt.date(2026, 3, 1), TODAY, dt.date(2026, 3, 31)):
        found = ledger.disconnection_list(UNIT, as_of)
        assert len(found) >= 5_000 and len({c.book_code for c in found}) == 50
    assert len(ledger.unpaid_of_book(UNIT, "PE0100A001")) > 500
    # the rest of the data is the one of 360 books
    plain = build_demo_data(customers=20_000, today=TODAY)
    assert "books" not in plain.params
    assert [c.name for c in plain.select(invoices=2)[:50]] == [
        c.name for c in data.select(invoices=2)[:50]
    ]


# --- the simulator's wire ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v2/disconnections?unit=PE01&as_of=2026-03-14",
        "/v2/disconnections?unit=PE0100",
        "/v2/disconnections?unit=PE0100&as_of=14/03/2026",
        "/v2/disconnections?unit=PE0100&as_of=2026-02-30",
        "/v2/disconnections?unit=PE0100&as_of=2026-03-14&book=x",
        "/v2/invoices?unit=PE0100&book=PE0100A001",
        "/v2/invoices?unit=PE0100&book=PE0100A001&status=paid",
        "/v2/invoices?unit=PE0100&status=unpaid",
    ],
)
def test_malformed_reads_are_0400(sim_v2: Any, path: str) -> None:
    r = httpx.get(sim_v2.url + path)
    assert (r.status_code, r.json()) == (400, {"MA_LOI": "0400"})


def test_malformed_supply_changes_are_0400(sim_v2: Any) -> None:
    url = f"{sim_v2.url}/v2/customers/PE01000000001/supply"
    good = {"TTRANG_CDIEN": "CUT", "THOI_GIAN": AT.isoformat(), "MA_NV": "NV1", "LY_DO": ""}
    cases = [
        ({}, good),
        ({"Idempotency-Key": "K1"}, {**good, "TTRANG_CDIEN": "OFF"}),
        ({"Idempotency-Key": "K1"}, {**good, "THOI_GIAN": "2026-03-14T09:30:00"}),
        ({"Idempotency-Key": "K1"}, {**good, "MA_NV": ""}),
        ({"Idempotency-Key": "K1"}, {**good, "LY_DO": 3}),
    ]
    for headers, body in cases:
        r = httpx.post(url, json=body, headers=headers)
        assert (r.status_code, r.json()) == (400, {"MA_LOI": "0400"}), body


def test_notice_days_admin_setting(sim_v2: Any, notice: Any) -> None:
    url = f"{sim_v2.url}/admin/settings"
    notice(9)
    assert httpx.get(url).json() == {"notice_days": 9}
    for bad in ({"notice_days": -1}, {"notice_days": "7"}, {"notice": 7}, [7]):
        assert httpx.put(url, json=bad).status_code == 400
    assert sim_v2.ledger.notice_days == 9


def test_1_0_bills_by_book_and_list_wire(sim_v2: Any) -> None:
    c = sim_v2.take(invoices=4, split=False, supply=CONNECTED)

    def call(command: str, **fields: str) -> Any:
        root = parse_xml(b"<request/>", limit=100)
        add(root, "command", command)
        body = add(root, "body")
        for k, v in fields.items():
            add(body, k.replace("_", "-"), v)
        r = httpx.post(f"{sim_v2.url}/cmis1/service", content=to_xml(root))
        return parse_xml(r.content, limit=10**8)

    a = call("DISCONNECTION-LIST", unit=UNIT, book=c.book_code, as_of="14/03/2026")
    assert a.findtext("code") == "000"
    mine = next(x for x in a.iter("customer") if x.findtext("code") == c.code)
    assert [e.tag for e in mine] == [
        "code",
        "name",
        "address",
        "book",
        "supply",
        "periods",
        "overdue",
        "oldest-due",
    ]
    assert (mine.findtext("periods"), mine.findtext("oldest-due")) == ("4", "05/01/2026")
    b = call("BILLS-BY-BOOK", unit=UNIT, book=c.book_code)
    bill = next(x for x in b.iter("bill") if x.findtext("customer-code") == c.code)
    assert bill.findtext("due") == "05/01/2026" and bill.findtext("bill-id")
    for bad in (
        call("DISCONNECTION-LIST", unit=UNIT, as_of="2026-03-14"),
        call("BILLS-BY-BOOK", unit=UNIT),
        call("SUPPLY-CHANGE", customer_code=c.code, supply="CUT", staff="N", time="14/03/2026"),
    ):
        assert bad.findtext("code") == "0400"


# --- garbage -----------------------------------------------------------------------------

GOOD_CANDIDATE = {
    "MA_KHANG": "PE01000000001",
    "TEN_KHANG": "A",
    "DCHI_KHANG": "B",
    "MA_SOGCS": "PE0100A001",
    "TTRANG_CDIEN": "CONNECTED",
    "SO_KY_NO": 2,
    "TIEN_NO_QUA_HAN": 108_000,
    "HAN_TT_CU_NHAT": "2026-03-05",
}
GOOD_BOOK_INVOICE = {
    "ID_HDON": 1,
    "MA_KHANG": "PE01000000001",
    "MA_SOGCS": "PE0100A001",
    "KY": 1,
    "THANG": 1,
    "NAM": 2026,
    "TONG_TIEN": 108_000,
    "KIHIEU_SERY": "1K26TPE",
    "SO_SERY": "0000001",
    "HAN_TT": "2026-03-05",
}
GOOD_V1_CUSTOMER = {
    "code": "PE01000000001",
    "name": "A",
    "address": "B",
    "book": "PE0100A001",
    "supply": "CONNECTED",
    "periods": "2",
    "overdue": "108.000",
    "oldest-due": "05/03/2026",
}
GOOD_V1_BILL = {
    "bill-id": "1",
    "term": "1",
    "period": "01/2026",
    "amount": "108.000",
    "series": "1K26TPE",
    "number": "0000001",
    "due": "05/03/2026",
    "customer-code": "PE01000000001",
}


def _drop(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


#: case -> (2.0 item or whole answer, 1.0 item); None: that version has no such case
LIST_CASES: dict[str, tuple[Any, Any]] = {
    "good": (GOOD_CANDIDATE, GOOD_V1_CUSTOMER),
    "missing-due": (_drop(GOOD_CANDIDATE, "HAN_TT_CU_NHAT"), _drop(GOOD_V1_CUSTOMER, "oldest-due")),
    "bad-due": (
        {**GOOD_CANDIDATE, "HAN_TT_CU_NHAT": "2026-02-30"},
        {**GOOD_V1_CUSTOMER, "oldest-due": "30/02/2026"},
    ),
    "due-other-format": (
        {**GOOD_CANDIDATE, "HAN_TT_CU_NHAT": "05/03/2026"},
        {**GOOD_V1_CUSTOMER, "oldest-due": "2026-03-05"},
    ),
    "other-unit": (
        {**GOOD_CANDIDATE, "MA_KHANG": "PE02000000001"},
        {**GOOD_V1_CUSTOMER, "code": "PE02000000001"},
    ),
    "other-book": (
        {**GOOD_CANDIDATE, "MA_SOGCS": "PE0100B002"},
        {**GOOD_V1_CUSTOMER, "book": "PE0100B002"},
    ),
    "bad-code": ({**GOOD_CANDIDATE, "MA_KHANG": "x"}, {**GOOD_V1_CUSTOMER, "code": "x"}),
    "supply-unknown": (
        {**GOOD_CANDIDATE, "TTRANG_CDIEN": "MAYBE"},
        {**GOOD_V1_CUSTOMER, "supply": "MAYBE"},
    ),
    "float-overdue": (
        {**GOOD_CANDIDATE, "TIEN_NO_QUA_HAN": 1.5},
        {**GOOD_V1_CUSTOMER, "overdue": "108000"},
    ),
    "zero-periods": ({**GOOD_CANDIDATE, "SO_KY_NO": 0}, {**GOOD_V1_CUSTOMER, "periods": "0"}),
    "not-a-list": ("x", None),
}
BOOK_CASES: dict[str, tuple[Any, Any]] = {
    "good": (GOOD_BOOK_INVOICE, GOOD_V1_BILL),
    "bad-due": (
        {**GOOD_BOOK_INVOICE, "HAN_TT": "2026-3-5"},
        {**GOOD_V1_BILL, "due": "5/3/2026"},
    ),
    "bad-month": ({**GOOD_BOOK_INVOICE, "THANG": 13}, {**GOOD_V1_BILL, "period": "13/2026"}),
    "other-book": ({**GOOD_BOOK_INVOICE, "MA_SOGCS": "PE0100B002"}, None),
    "no-customer": (
        _drop(GOOD_BOOK_INVOICE, "MA_KHANG"),
        _drop(GOOD_V1_BILL, "customer-code"),
    ),
    "string-total": (
        {**GOOD_BOOK_INVOICE, "TONG_TIEN": "108.000"},
        {**GOOD_V1_BILL, "amount": "108,000"},
    ),
}
SUPPLY_CASES: dict[str, tuple[Any, Any]] = {
    "good": ({"MA_KHANG": "PE01000000001", "TTRANG_CDIEN": "CUT"}, "CUT"),
    "other-state": ({"MA_KHANG": "PE01000000001", "TTRANG_CDIEN": "CONNECTED"}, "CONNECTED"),
    "unknown-state": ({"MA_KHANG": "PE01000000001", "TTRANG_CDIEN": "OFF"}, "OFF"),
    "other-customer": ({"MA_KHANG": "PE01000000002", "TTRANG_CDIEN": "CUT"}, None),
    "not-json": (Response(b"<html>", media_type="text/html"), None),
    "409-unknown-code": (JSONResponse({"MA_LOI": "021"}, status_code=409), None),
    "code-021": (None, "!021"),
    "no-supply": (None, ""),
}


def _v1_answer(code: str, body: str) -> Response:
    raw = f'<?xml version="1.0" encoding="utf-8"?><response><code>{code}</code>'
    raw += f"<message/><body>{body}</body></response>"
    return Response(raw.encode(), media_type="application/xml")


def _v1_items(tag: str, item: Any) -> str:
    if item is None:
        return ""
    return f"<{tag}>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + f"</{tag}>"


def garbage_app() -> Starlette:
    """2.0 and 1.0 answers chosen by the case name the caller puts in ``book`` or ``MA_NV``."""

    def of_book(item: Any, book: str, key: str) -> Any:
        """The case's item, in the book asked for (but for the "other-book" case)."""
        if isinstance(item, dict) and book != "other-book" and key in item:
            return {**item, key: book}
        return item

    async def disconnections(request: Request) -> Response:
        book = request.query_params["book"]
        item = of_book(LIST_CASES[book][0], book, "MA_SOGCS")
        return JSONResponse({"DANH_SACH": item if isinstance(item, str) else [item]})

    async def invoices(request: Request) -> Response:
        book = request.query_params["book"]
        return JSONResponse({"HOA_DON": [of_book(BOOK_CASES[book][0], book, "MA_SOGCS")]})

    async def supply(request: Request) -> Response:
        answer = SUPPLY_CASES[(await request.json())["MA_NV"]][0]
        return answer if isinstance(answer, Response) else JSONResponse(answer)

    async def v1(request: Request) -> Response:
        root = parse_xml(await request.body(), limit=10**6)
        command, body = root.findtext("command"), root.find("body")
        assert body is not None
        if command == "DISCONNECTION-LIST":
            book = body.findtext("book") or ""
            item = of_book(LIST_CASES[book][1], book, "book")
            return _v1_answer("000", _v1_items("customer", item))
        if command == "BILLS-BY-BOOK":
            item = BOOK_CASES[body.findtext("book") or ""][1]
            return _v1_answer("000", _v1_items("bill", item))
        state = SUPPLY_CASES[body.findtext("staff") or ""][1]
        if state.startswith("!"):
            return _v1_answer(state[1:], "")
        return _v1_answer("000", f"<supply>{state}</supply>" if state else "")

    return Starlette(
        routes=[
            Route("/v2/disconnections", disconnections),
            Route("/v2/invoices", invoices),
            Route("/v2/customers/{code}/supply", supply, methods=["POST"]),
            Route("/cmis1/service", v1, methods=["POST"]),
        ]
    )


@pytest.fixture(scope="module")
def garbage(loop_thread: Any) -> Iterator[str]:
    running = loop_thread.run(start_simulator(garbage_app()))
    yield running.url
    loop_thread.run(running.stop())


def _cases(table: dict[str, tuple[Any, Any]]) -> list[tuple[str, str]]:
    return [
        (version, case)
        for case, answers in table.items()
        for version, answer in zip(VERSIONS, answers, strict=True)
        if answer is not None and case != "good"
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_garbage_servers_good_answers_parse(garbage: str, version: str) -> None:
    (c,) = run(version, garbage, lambda cl: cl.disconnection_list(UNIT, TODAY, "good"))
    assert (c.code, c.periods, c.overdue, c.oldest_due) == (
        "PE01000000001",
        2,
        108_000,
        dt.date(2026, 3, 5),
    )
    (i,) = run(version, garbage, lambda cl: cl.unpaid_invoices_of_book(UNIT, "good"))
    assert (i.invoice_id, i.customer_code, i.total, i.due) == (
        1,
        "PE01000000001",
        108_000,
        dt.date(2026, 3, 5),
    )
    cut = change("PE01000000001", Supply.CUT, staff="good")
    assert run(version, garbage, lambda cl: cl.change_supply(cut)) == Supply.CUT


@pytest.mark.parametrize(("version", "case"), _cases(LIST_CASES))
def test_off_contract_lists_are_bad_answers(garbage: str, version: str, case: str) -> None:
    expect(version, garbage, CmisBadAnswer, lambda cl: cl.disconnection_list(UNIT, TODAY, case))


@pytest.mark.parametrize(("version", "case"), _cases(BOOK_CASES))
def test_off_contract_book_invoices_are_bad_answers(garbage: str, version: str, case: str) -> None:
    expect(version, garbage, CmisBadAnswer, lambda cl: cl.unpaid_invoices_of_book(UNIT, case))


@pytest.mark.parametrize(("version", "case"), _cases(SUPPLY_CASES))
def test_off_contract_supply_answers_are_bad_answers(garbage: str, version: str, case: str) -> None:
    cut = change("PE01000000001", Supply.CUT, staff=case)
    expect(version, garbage, CmisBadAnswer, lambda cl: cl.change_supply(cut))


def test_a_missing_due_date_is_none(garbage: str) -> None:
    """A CMIS that does not send HAN_TT / <due> leaves ``due`` None (not an error)."""
    BOOK_CASES["no-due"] = (_drop(GOOD_BOOK_INVOICE, "HAN_TT"), _drop(GOOD_V1_BILL, "due"))
    try:
        for version in VERSIONS:
            (i,) = run(version, garbage, lambda cl: cl.unpaid_invoices_of_book(UNIT, "no-due"))
            assert i.due is None
    finally:
        del BOOK_CASES["no-due"]


def test_both_versions_give_the_same_list(sim_v2: Any) -> None:
    """The 1.0 list is written as text, not by ElementTree: same customers, same names
    (the awkward ones too: quotes, ``<``, ``&``, controls) as the 2.0 JSON."""
    v2 = run("2.0", sim_v2.url, lambda cl: cl.disconnection_list(UNIT, TODAY))
    v1 = run("1.0", sim_v2.url, lambda cl: cl.disconnection_list(UNIT, TODAY))
    assert v1 == v2 and len(v1) > 1_000
    awkward = set(sim_v2.data.awkward)
    assert awkward & {c.code for c in v1}, "an awkward name is on the list"
