"""The CMIS simulator: its demo data, its ledger rules and its 2.0 wire API (CMIS.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from integrations.cmis.simulator.app import create_app, default_demo_data
from integrations.cmis.simulator.data import CUT, DemoData, SimCustomer, build_demo_data, fold
from integrations.cmis.simulator.faults import LOSE_MODES, FaultConfig
from integrations.cmis.simulator.ledger import VN, Ledger, LedgerError, PaymentOrder
from integrations.cmis.simulator.server import start_simulator

TODAY = dt.date(2026, 3, 14)
NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=VN)  # the session simulator's clock, too

# --- demo data ---------------------------------------------------------------------------


def test_demo_data_is_deterministic_per_seed_and_day() -> None:
    a = build_demo_data(customers=800, today=TODAY)
    b = build_demo_data(customers=800, today=TODAY)
    assert a.customers == b.customers and a.invoices == b.invoices
    assert build_demo_data(customers=800, seed=7, today=TODAY).customers != a.customers
    later = build_demo_data(customers=800, today=dt.date(2026, 5, 2))
    assert later.customers != a.customers
    assert max(i.period_key for i in later.invoices.values())[:2] == (2026, 4)


def test_ten_thousand_customers_built_the_same_every_time() -> None:
    """The same seed gives the same hall (how long it takes is a benchmark's business: a
    timed test fails on a busy machine)."""
    data = build_demo_data(today=TODAY)
    assert len(data.customers) == 10_000
    assert build_demo_data(today=TODAY).customers == data.customers


def _next_period(y: int, m: int) -> tuple[int, int]:
    return (y + 1, 1) if m == 12 else (y, m + 1)


def test_demo_data_shape(demo_data: DemoData) -> None:
    customers = list(demo_data.customers.values())
    assert len(customers) == 10_000
    assert customers[0].code == "PE01000000001" and customers[-1].code == "PE01000010000"
    assert all(re.fullmatch(r"[A-Z]{2}[0-9]{11}", c.code) for c in customers)
    assert all(re.fullmatch(r"PE0100[A-Z][0-9]{3}", c.book_code) for c in customers)

    counts = Counter(len(c.invoices) for c in customers)
    assert set(counts) == set(range(7))
    assert 0.12 < counts[0] / 10_000 < 0.18
    cut = [c for c in customers if c.supply == CUT]
    assert 0.03 < len(cut) / 10_000 < 0.07
    assert all(c.invoices for c in cut)
    parities = Counter(c.book_is_even for c in customers)
    assert parities[True] > 3000 and parities[False] > 3000
    assert demo_data.select(split=True), "some months are split into sub-periods"

    ids = [i.invoice_id for c in customers for i in c.invoices]
    assert len(ids) == len(set(ids)) == len(demo_data.invoices)
    for field in ("meter", "id_card", "bank_account"):
        assert len({getattr(c, field) for c in customers}) == 10_000
    assert all(re.fullmatch(r"[0-9]{12}", c.id_card) for c in customers)

    # a month is one bill or split in two or three sub-periods, and each kind occurs
    assert {i.sub_period for c in customers for i in c.invoices} == {1, 2, 3}
    for c in customers:
        if not c.invoices:
            continue
        assert c.invoices[-1].period_key[:2] == (2026, 2), "debts end the month before today"
        for prev, cur in zip(c.invoices, c.invoices[1:], strict=False):
            (py, pm, pk), (cy, cm, ck) = prev.period_key, cur.period_key
            same_month_next_ky = (cy, cm) == (py, pm) and ck == pk + 1
            next_month_first = (cy, cm) == _next_period(py, pm) and ck == 1
            assert same_month_next_ky or next_month_first, (c.code, prev, cur)
        for i in c.invoices:
            assert type(i.total) is int and 50_000 <= i.amount <= 3_000_000
            assert i.vat == i.amount * 8 // 100 and i.total == i.amount + i.vat
            assert re.fullmatch(r"1K2[56]TPE", i.series) and re.fullmatch(r"[0-9]{7}", i.number)


def test_demo_names_are_vietnamese_and_some_are_awkward(demo_data: DemoData) -> None:
    names = " ".join(c.name for c in demo_data.customers.values())
    for word in ("Nguyễn", "Trần", "Đặng", "Thị", "Văn", "Hằng", "Nguyệt", "Phượng"):
        assert word in names
    first = demo_data.customers["PE01000000001"]
    assert first.address.endswith("TP. Hồ Chí Minh") and "Phường" in first.address
    awkward = [demo_data.customers[code] for code in demo_data.awkward]
    assert len(awkward) >= 4
    text = " ".join(c.name + c.address for c in awkward)
    for piece in ('"', "'", "<b>", "&", "\t"):
        assert piece in text


def test_fold_is_accent_and_case_insensitive() -> None:
    assert fold("  NGUYỄN  Đức Thảo ") == "nguyen duc thao"
    assert fold("Phường 6, Quận 3") == "phuong 6, quan 3"


# --- wire helpers ------------------------------------------------------------------------


@pytest.fixture
def http(sim_v2: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim_v2.url, timeout=5) as client:
        yield client


_txn_counter = iter(range(1, 1_000_000))


def new_txn() -> str:
    return f"T{next(_txn_counter):06d}"


def body_for(c: SimCustomer, n: int, **override: Any) -> dict[str, Any]:
    """A valid payment body for the ``n`` oldest invoices of ``c``."""
    invoices = c.invoices[:n]
    body = {
        "MA_KHANG": c.code,
        "ID_HDON": [i.invoice_id for i in invoices],
        "TONG_TIEN": sum(i.total for i in invoices),
        "MA_DIEM_THU": "QT01",
        "MA_THU_NGAN": "TN01",
        "THOI_GIAN": NOW.isoformat(),
    }
    body.update(override)
    return body


def pay(http: httpx.Client, body: Any, txn: str | None = None) -> httpx.Response:
    return http.post("/v2/payments", json=body, headers={"Idempotency-Key": txn or new_txn()})


def error_of(r: httpx.Response) -> tuple[int, str]:
    return r.status_code, r.json()["MA_LOI"]


# --- reads -------------------------------------------------------------------------------


def test_healthz(http: httpx.Client) -> None:
    r = http.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_debts_answer_has_the_contract_fields(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3)
    r = http.get(f"/v2/customers/{c.code}/debts")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    d = r.json()
    assert set(d) == {
        "MA_KHANG",
        "TEN_KHANG",
        "DCHI_KHANG",
        "MA_DVIQLY",
        "MA_SOGCS",
        "TTRANG_CDIEN",
        "HOA_DON",
    }
    assert (d["MA_KHANG"], d["TEN_KHANG"], d["MA_DVIQLY"]) == (c.code, c.name, "PE0100")
    assert d["TTRANG_CDIEN"] == "CONNECTED"
    first = d["HOA_DON"][0]
    inv = c.invoices[0]
    assert first == {
        "ID_HDON": inv.invoice_id,
        "THANG": inv.month,
        "NAM": inv.year,
        "KY": inv.sub_period,
        "SO_TIEN": inv.amount,
        "TIEN_GTGT": inv.vat,
        "TONG_TIEN": inv.total,
        "KIHIEU_SERY": inv.series,
        "SO_SERY": inv.number,
        "HAN_TT": inv.due.isoformat(),
    }
    assert [i["ID_HDON"] for i in d["HOA_DON"]] == [i.invoice_id for i in c.invoices]


def test_debts_of_cut_and_debt_free_customers(http: httpx.Client, sim_v2: Any) -> None:
    cut = sim_v2.take(supply=CUT)
    assert http.get(f"/v2/customers/{cut.code}/debts").json()["TTRANG_CDIEN"] == "CUT"
    free = sim_v2.take(invoices=0)
    r = http.get(f"/v2/customers/{free.code}/debts")
    assert r.status_code == 200 and r.json()["HOA_DON"] == []


def test_unknown_customer_is_0017_and_a_bad_code_is_0400(http: httpx.Client) -> None:
    assert error_of(http.get("/v2/customers/PE01009999999/debts")) == (404, "0017")
    for bad in ("pe01000000001", "PE0100000001", "PE010000000012", "PE01-00000001"):
        assert error_of(http.get(f"/v2/customers/{bad}/debts")) == (400, "0400"), bad


def test_search_by_name_and_address_ignores_accents_and_case(
    http: httpx.Client, sim_v2: Any
) -> None:
    c = sim_v2.data.customers["PE01000000003"]
    r = http.get("/v2/customers", params={"by": "name", "q": fold(c.name).upper(), "limit": 100})
    hits = r.json()["KHACH_HANG"]
    assert r.status_code == 200 and c.code in [h["MA_KHANG"] for h in hits]
    assert set(hits[0]) == {"MA_KHANG", "TEN_KHANG", "DCHI_KHANG", "MA_SOGCS"}
    street = c.address.split(",")[0]
    r = http.get("/v2/customers", params={"by": "address", "q": street, "limit": 100})
    assert c.code in [h["MA_KHANG"] for h in r.json()["KHACH_HANG"]]
    r = http.get("/v2/customers", params={"by": "name", "q": "nguyen", "limit": 7})
    assert len(r.json()["KHACH_HANG"]) == 7


@pytest.mark.parametrize("by", ["meter", "id_card", "bank_account"])
def test_search_by_number_is_exact(http: httpx.Client, sim_v2: Any, by: str) -> None:
    c = sim_v2.data.customers["PE01000000042"]
    value = getattr(c, by)
    hits = http.get("/v2/customers", params={"by": by, "q": value}).json()["KHACH_HANG"]
    assert [h["MA_KHANG"] for h in hits] == [c.code]
    assert http.get("/v2/customers", params={"by": by, "q": value[:-1]}).json() == {
        "KHACH_HANG": []
    }


@pytest.mark.parametrize(
    "params",
    [
        {"by": "phone", "q": "1"},
        {"by": "name", "q": ""},
        {"by": "name", "q": "an", "limit": "0"},
        {"by": "name", "q": "an", "limit": "abc"},
        {"by": "name", "q": "an", "limit": "1000"},
        {"q": "an"},
    ],
)
def test_bad_search_is_0400(http: httpx.Client, params: dict[str, str]) -> None:
    assert error_of(http.get("/v2/customers", params=params)) == (400, "0400")


# --- payments: the rules -----------------------------------------------------------------


def test_payment_then_idempotent_repeat_returns_the_same_receipt(
    http: httpx.Client, sim_v2: Any
) -> None:
    c = sim_v2.take(invoices=3)
    body, txn = body_for(c, 2), new_txn()
    first = pay(http, body, txn)
    assert first.status_code == 201
    assert first.json()["MA_GD"] == txn and first.json()["SO_BIEN_NHAN"]
    again = http.post(
        "/v2/payments",
        content=json.dumps(dict(reversed(list(body.items())))),  # same body, other key order
        headers={"Idempotency-Key": txn, "content-type": "application/json"},
    )
    assert (again.status_code, again.json()) == (201, first.json())
    debts = http.get(f"/v2/customers/{c.code}/debts").json()["HOA_DON"]
    assert [i["ID_HDON"] for i in debts] == [c.invoices[2].invoice_id]


def test_same_key_other_body_is_0422(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    txn = new_txn()
    assert pay(http, body_for(c, 1), txn).status_code == 201
    assert error_of(pay(http, body_for(c, 2), txn)) == (422, "0422")
    assert error_of(pay(http, body_for(c, 1, MA_THU_NGAN="TN02"), txn)) == (422, "0422")


def test_not_oldest_first_is_021(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3)
    later = c.invoices[1:]
    body = body_for(
        c, 3, ID_HDON=[i.invoice_id for i in later], TONG_TIEN=sum(i.total for i in later)
    )
    assert error_of(pay(http, body)) == (409, "021")


def test_a_gap_is_022(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=3)
    picked = [c.invoices[0], c.invoices[2]]
    body = body_for(
        c, 3, ID_HDON=[i.invoice_id for i in picked], TONG_TIEN=sum(i.total for i in picked)
    )
    assert error_of(pay(http, body)) == (409, "022")


@pytest.mark.parametrize("delta", [-1, 1, 1000])
def test_wrong_amount_is_031(http: httpx.Client, sim_v2: Any, delta: int) -> None:
    c = sim_v2.take(invoices=2)
    body = body_for(c, 2)
    body["TONG_TIEN"] += delta
    assert error_of(pay(http, body)) == (409, "031")


def test_invoice_paid_by_another_txn_is_051(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    assert pay(http, body_for(c, 1)).status_code == 201
    assert error_of(pay(http, body_for(c, 1))) == (409, "051")


def test_invoice_paid_elsewhere_is_051_and_leaves_the_debts(
    http: httpx.Client, sim_v2: Any
) -> None:
    c = sim_v2.take(invoices=2)
    r = http.post(f"/admin/invoices/{c.invoices[0].invoice_id}/paid-elsewhere")
    assert r.status_code == 200
    assert error_of(pay(http, body_for(c, 2))) == (409, "051")
    debts = http.get(f"/v2/customers/{c.code}/debts").json()["HOA_DON"]
    assert [i["ID_HDON"] for i in debts] == [c.invoices[1].invoice_id]
    rest = body_for(c, 2, ID_HDON=[c.invoices[1].invoice_id], TONG_TIEN=c.invoices[1].total)
    assert pay(http, rest).status_code == 201, "the next period is now the oldest"
    assert http.post("/admin/invoices/999/paid-elsewhere").status_code == 404


def test_sub_periods_are_paid_in_order(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(split=True, min_invoices=3)
    for n, inv in enumerate(c.invoices):
        if n + 1 < len(c.invoices):
            skip = body_for(
                c,
                1,
                ID_HDON=[c.invoices[n + 1].invoice_id],
                TONG_TIEN=c.invoices[n + 1].total,
            )
            assert error_of(pay(http, skip)) == (409, "021")
        one = body_for(c, 1, ID_HDON=[inv.invoice_id], TONG_TIEN=inv.total)
        assert pay(http, one).status_code == 201
    assert http.get(f"/v2/customers/{c.code}/debts").json()["HOA_DON"] == []


def test_a_refusal_is_the_first_answer_too(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    body, txn = body_for(c, 2, TONG_TIEN=1), new_txn()
    assert error_of(pay(http, body, txn)) == (409, "031")
    assert error_of(pay(http, body, txn)) == (409, "031")
    assert error_of(pay(http, body_for(c, 2), txn)) == (422, "0422")


def test_unknown_customer_payment_is_0017(http: httpx.Client) -> None:
    body = {
        "MA_KHANG": "PE01009999999",
        "ID_HDON": [1],
        "TONG_TIEN": 1000,
        "MA_DIEM_THU": "QT01",
        "MA_THU_NGAN": "TN01",
        "THOI_GIAN": NOW.isoformat(),
    }
    assert error_of(pay(http, body)) == (404, "0017")


def _malformed_bodies(c: SimCustomer) -> list[Any]:
    good = body_for(c, 1)
    missing = [{k: v for k, v in good.items() if k != key} for key in good]
    return [
        *missing,
        [good],
        "not an object",
        {**good, "TONG_TIEN": float(good["TONG_TIEN"])},
        {**good, "TONG_TIEN": str(good["TONG_TIEN"])},
        {**good, "TONG_TIEN": True},
        {**good, "TONG_TIEN": -good["TONG_TIEN"]},
        {**good, "ID_HDON": []},
        {**good, "ID_HDON": [str(good["ID_HDON"][0])]},
        {**good, "ID_HDON": good["ID_HDON"] * 2},
        {**good, "MA_KHANG": c.code.lower()},
        {**good, "THOI_GIAN": "2026-03-14T09:30:00"},
        {**good, "THOI_GIAN": "yesterday"},
        {**good, "MA_DIEM_THU": ""},
        {**good, "ID_HDON": [999]},  # no invoice of this customer
    ]


def test_malformed_payments_are_0400(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=1)
    for body in _malformed_bodies(c):
        assert error_of(pay(http, body)) == (400, "0400"), body
    good = body_for(c, 1)
    raw = http.post("/v2/payments", content=b"{nope", headers={"Idempotency-Key": new_txn()})
    assert error_of(raw) == (400, "0400")
    assert error_of(http.post("/v2/payments", json=good)) == (400, "0400"), "no key"
    bad_key = http.post("/v2/payments", json=good, headers={"Idempotency-Key": "a b/c"})
    assert error_of(bad_key) == (400, "0400")
    assert pay(http, good).status_code == 201, "nothing above took effect"


# --- status, reversal, day list ----------------------------------------------------------


def test_status_and_reversal(http: httpx.Client, sim_v2: Any) -> None:
    c = sim_v2.take(invoices=2)
    txn = new_txn()
    receipt = pay(http, body_for(c, 2), txn).json()["SO_BIEN_NHAN"]
    st = http.get(f"/v2/payments/{txn}").json()
    assert st["MA_GD"] == txn and st["TRANG_THAI"] == "BILLING"
    assert st["SO_BIEN_NHAN"] == receipt and st["THOI_GIAN"] == NOW.isoformat()
    r = http.post(f"/v2/payments/{txn}/reversal", json={"LY_DO": "thu nhầm"})
    assert (r.status_code, r.json()["TRANG_THAI"]) == (200, "REVERT")
    assert http.get(f"/v2/payments/{txn}").json()["TRANG_THAI"] == "REVERT"
    debts = http.get(f"/v2/customers/{c.code}/debts").json()["HOA_DON"]
    assert len(debts) == 2, "a reversal makes the invoices unpaid again"
    assert (pay(http, body_for(c, 2), txn).json()["SO_BIEN_NHAN"]) == receipt, "still idempotent"
    assert pay(http, body_for(c, 2)).status_code == 201, "a new txn can pay them again"


def test_unknown_txn_is_2006(http: httpx.Client) -> None:
    assert error_of(http.get("/v2/payments/NOPE-1")) == (404, "2006")
    r = http.post("/v2/payments/NOPE-1/reversal", json={"LY_DO": "x"})
    assert error_of(r) == (404, "2006")
    assert error_of(http.post("/v2/payments/NOPE-1/reversal", content=b"[]")) == (400, "0400")


def test_reversal_on_another_business_day_is_2007(
    http: httpx.Client, sim_v2: Any, clock: Any
) -> None:
    c = sim_v2.take(invoices=1)
    clock.now = dt.datetime(2026, 3, 13, 16, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in UTC+7
    txn = new_txn()
    assert pay(http, body_for(c, 1), txn).status_code == 201
    clock.now = dt.datetime(2026, 3, 13, 17, 0, 0, tzinfo=dt.UTC)  # 00:00 next day, UTC+7
    r = http.post(f"/v2/payments/{txn}/reversal", json={"LY_DO": "late"})
    assert error_of(r) == (409, "2007")
    assert http.get(f"/v2/payments/{txn}").json()["TRANG_THAI"] == "BILLING"


def test_payments_of_a_day_by_collection_point(http: httpx.Client, sim_v2: Any, clock: Any) -> None:
    clock.now = dt.datetime(2026, 3, 10, 10, 0, tzinfo=VN)
    a, b, other = sim_v2.take(invoices=1), sim_v2.take(invoices=2), sim_v2.take(invoices=1)
    ta, tb, to = new_txn(), new_txn(), new_txn()
    pay(http, body_for(a, 1), ta)
    pay(http, body_for(b, 2), tb)
    pay(http, body_for(other, 1, MA_DIEM_THU="QT02"), to)
    http.post(f"/v2/payments/{tb}/reversal", json={"LY_DO": "x"})
    r = http.get("/v2/payments", params={"date": "2026-03-10", "collection_point": "QT01"})
    listed = {p["MA_GD"]: p for p in r.json()["GIAO_DICH"]}
    assert set(listed) == {ta, tb}
    assert listed[ta] == {
        "MA_GD": ta,
        "MA_KHANG": a.code,
        "ID_HDON": [a.invoices[0].invoice_id],
        "TONG_TIEN": a.invoices[0].total,
        "TRANG_THAI": "BILLING",
        "THOI_GIAN": "2026-03-10T10:00:00+07:00",
    }
    assert listed[tb]["TRANG_THAI"] == "REVERT"
    r = http.get("/v2/payments", params={"date": "2026-03-11", "collection_point": "QT01"})
    assert r.json() == {"GIAO_DICH": []}
    for bad in ({"date": "10/03/2026", "collection_point": "QT01"}, {"date": "2026-03-10"}):
        assert error_of(http.get("/v2/payments", params=bad)) == (400, "0400")


# --- ledger persistence ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_data() -> DemoData:
    return build_demo_data(customers=300, today=TODAY)


def _order(c: SimCustomer, n: int) -> PaymentOrder:
    invs = c.invoices[:n]
    return PaymentOrder(
        c.code, tuple(i.invoice_id for i in invs), sum(i.total for i in invs), "QT01", "TN01", NOW
    )


def test_journal_replay_keeps_the_ledger(small_data: DemoData, tmp_path: Any) -> None:
    path = tmp_path / "ledger.jsonl"
    a, b, d = small_data.select(min_invoices=3)[:3]
    led = Ledger(small_data, journal=path, clock=lambda: NOW)
    paid = led.pay("P1", _order(a, 2))
    led.pay("P2", _order(b, 1))
    led.reverse("P2", "typo")
    led.pay_elsewhere(d.invoices[0].invoice_id)
    with pytest.raises(LedgerError) as refused:
        led.pay("P3", _order(d, 1))
    assert refused.value.code == "051"

    again = Ledger(small_data, journal=path, clock=lambda: NOW)
    assert again.payment("P1") == paid
    assert again.pay("P1", _order(a, 2)) == paid
    assert again.payment("P2").state == "REVERT"
    assert len(again.unpaid(b.code)[1]) == len(b.invoices)
    assert len(again.unpaid(d.code)[1]) == len(d.invoices) - 1
    with pytest.raises(LedgerError) as same:
        again.pay("P3", _order(d, 1))
    assert same.value.code == "051"
    third = dataclasses.replace(
        _order(a, 3), invoice_ids=(a.invoices[2].invoice_id,), total=a.invoices[2].total
    )
    assert again.pay("P4", third).receipt_no.endswith("000003"), "receipt numbers go on"

    other = build_demo_data(customers=300, seed=1, today=TODAY)
    with pytest.raises(ValueError, match="written for demo data"):
        Ledger(other, journal=path)
    assert default_demo_data(path).params == small_data.params


def test_create_app_with_a_journal_survives_a_restart(small_data: DemoData, tmp_path: Any) -> None:
    path = tmp_path / "ledger.jsonl"
    c = small_data.select(invoices=2)[0]
    create_app(small_data, ledger_path=path).state.ledger.pay("R1", _order(c, 1))
    restarted = create_app(None, ledger_path=path)
    assert restarted.state.data.params == small_data.params
    assert restarted.state.ledger.payment("R1").order == _order(c, 1)


# --- faults (a simulator of its own) -----------------------------------------------------


@pytest.fixture(scope="module")
def fault_sim(loop_thread: Any, small_data: DemoData) -> Iterator[tuple[str, Any]]:
    app = create_app(small_data)
    running = loop_thread.run(start_simulator(app))
    yield running.url, app
    loop_thread.run(running.stop())


@pytest.fixture
def fhttp(fault_sim: tuple[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fault_sim[0], timeout=5) as client:
        yield client
        client.put("/admin/faults", json={})


def test_faults_admin_get_put(fhttp: httpx.Client) -> None:
    assert fhttp.get("/admin/faults").json() == FaultConfig().to_json()
    r = fhttp.put("/admin/faults", json={"latency_ms": 5, "error_rate": 0.5, "seed": 3})
    assert r.status_code == 200 and r.json()["error_rate"] == 0.5
    assert fhttp.get("/admin/faults").json()["latency_ms"] == 5
    for bad in ({"error_rate": 2}, {"nope": 1}, {"down": "yes"}, {"lose_answer_mode": "x"}, []):
        assert fhttp.put("/admin/faults", json=bad).status_code == 400, bad
    assert fhttp.put("/admin/faults", content=b"{").status_code == 400


def test_down_refuse_and_error(fhttp: httpx.Client, small_data: DemoData) -> None:
    code = small_data.select(invoices=1)[0].code
    fhttp.put("/admin/faults", json={"down": True})
    assert fhttp.get(f"/v2/customers/{code}/debts").status_code == 503
    assert fhttp.get("/healthz").status_code == 503
    assert fhttp.get("/admin/faults").status_code == 200, "admin stays reachable"
    fhttp.put("/admin/faults", json={"refuse_rate": 1})
    assert fhttp.get(f"/v2/customers/{code}/debts").status_code == 503
    assert fhttp.get("/healthz").status_code == 200
    fhttp.put("/admin/faults", json={"error_rate": 1})
    assert fhttp.get(f"/v2/customers/{code}/debts").status_code == 500
    fhttp.put("/admin/faults", json={"error_rate": 0.5, "seed": 11})
    first = [fhttp.get(f"/v2/customers/{code}/debts").status_code for _ in range(12)]
    fhttp.put("/admin/faults", json={"error_rate": 0.5, "seed": 11})
    second = [fhttp.get(f"/v2/customers/{code}/debts").status_code for _ in range(12)]
    assert first == second and set(first) == {200, 500}, "seeded, reproducible"


@pytest.mark.parametrize("mode", LOSE_MODES)
def test_lost_answer_commits_the_payment(
    fhttp: httpx.Client, fault_sim: tuple[str, Any], small_data: DemoData, mode: str
) -> None:
    ledger: Ledger = fault_sim[1].state.ledger
    c = small_data.select(invoices=2)[LOSE_MODES.index(mode)]
    fhttp.put("/admin/faults", json={"lose_answer_rate": 1, "lose_answer_mode": mode})
    txn = f"LOST-{mode}"
    if mode == "500":
        assert pay(fhttp, body_for(c, 1), txn).status_code == 500
    else:
        with pytest.raises(httpx.RemoteProtocolError):
            pay(fhttp, body_for(c, 1), txn)
    assert ledger.payment(txn).state == "BILLING", "committed although the answer was lost"
    fhttp.put("/admin/faults", json={})
    assert pay(fhttp, body_for(c, 1), txn).json()["MA_GD"] == txn, "the retry gets the receipt"


def test_hang_outlasts_the_callers_timeout(fhttp: httpx.Client, small_data: DemoData) -> None:
    code = small_data.select(invoices=1)[0].code
    fhttp.put("/admin/faults", json={"hang_rate": 1, "hang_ms": 10_000})
    start = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        fhttp.get(f"/v2/customers/{code}/debts", timeout=0.2)
    assert time.perf_counter() - start < 2


def test_latency_is_added(fhttp: httpx.Client, small_data: DemoData) -> None:
    code = small_data.select(invoices=1)[0].code
    fhttp.put("/admin/faults", json={"latency_ms": 120})
    start = time.perf_counter()
    assert fhttp.get(f"/v2/customers/{code}/debts").status_code == 200
    assert time.perf_counter() - start >= 0.12
