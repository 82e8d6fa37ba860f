"""Pay by VietQR (docs/noncash.md): a QR on the cashier's screen or on the ticket, the
bank's credit that pays it (once, and only when everything still agrees), the exceptions
the head cashier decides, and the statement that must agree before the day closes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from integrations.bank import signing
from qms.domain import commands as c
from qms.domain import delivery, drawers, vietqr
from qms.domain.bank import statement
from qms.domain.errors import QmsError
from qms.storage.models import DeviceJob
from qms.usecases import bank as bank_uc
from tests.fast.conftest import BANK, FLOAT, Rig, blockers, invoices

_TXN = count(1)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, "2.0", bank=True)
    try:
        yield r
    finally:
        r.close()


def body(ref: str | None, amount: int, **more: Any) -> dict[str, Any]:
    return {
        "transaction_id": f"FT{next(_TXN):011d}",
        "account": BANK.account,
        "amount": amount,
        "currency": "VND",
        "description": f"{ref or 'CHUYEN TIEN'} thanh toan tien dien",
        "credited_at": "2026-12-07T10:00:00+07:00",
        **more,
    }


def notify(rig: Rig, data: dict[str, Any], *, at: float | None = None, secret: str = "") -> Any:
    """The bank's notification, signed as the bank signs it, through the use case."""
    raw = json.dumps(data).encode()
    stamp = int(rig.clock.now().timestamp() if at is None else at)
    headers = signing.headers(secret or str(BANK.webhook_secret), stamp, raw)
    return rig.run(bank_uc.notify(rig.hall, raw, headers))


def qr_of(rig: Rig, cashier: str, invs: list[dict[str, Any]]) -> dict[str, Any]:
    counter = rig.people[cashier].counter
    assert counter is not None
    ids = tuple(i["invoice_id"] for i in invs)
    return rig.do(cashier, c.ShowQr(counter, ids, sum(i["total"] for i in invs)))


def expected_cash(rig: Rig, cashier: str) -> int:
    def read(session: Any) -> int:
        d = drawers.find(session, "PE0100", rig.day, cashier)
        assert d is not None
        return drawers.balance(session, d)["expected"]

    return rig.read(read)


def day_blockers(rig: Rig) -> list[str]:
    """What refuses the close now; none: the day closed."""
    try:
        rig.do("sup", c.CloseDay())
    except QmsError as e:
        assert e.code == "close_refused"
        return blockers(e)
    return []


def csv_of(*lines: tuple[str, int, str]) -> str:
    """A statement as the bank exports it: BOM, its header, one credit per line."""
    rows = ["\ufeffNgày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Số dư,Nội dung"]
    for txn, amount, text in lines:
        rows.append(f'07/12/2026 10:05:00,{txn},,"{amount:,}",0,{text}')
    return "\n".join(rows) + "\n"


# --- the payload ----------------------------------------------------------------------------


def test_the_qr_payload_matches_published_examples() -> None:
    """The CRC and field rules against payloads published by others: a VietQR (NAPAS,
    transfer to an account) and an EMVCo merchant QR of another country."""
    napas = (
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "5303704540410005802VN62150811Chuyen tien6304BBB8"
    )
    read = vietqr.read(napas)
    assert (read.bank_bin, read.account, read.amount, read.currency) == (
        "970416",
        "257678859",
        1000,
        "704",
    )
    emv = (
        "00020101021252044131153137210116372101160123456789ABCDE6010Phnom Penh5913Merchant"
        " Shop5802KH540510.005303840622501081234567802090124444446304A0BA"
    )
    assert vietqr.crc(emv[:-4]) == "A0BA"
    ours = vietqr.payload("970436", "0071000123456", 1_234_000, "QMSAB23CD45")
    back = vietqr.read(ours)
    assert (back.amount, back.reference, back.account, back.dynamic) == (
        1_234_000,
        "QMSAB23CD45",
        "0071000123456",
        True,
    )
    with pytest.raises(vietqr.PayloadError):
        vietqr.read(ours[:-1] + ("0" if ours[-1] != "0" else "1"))  # one CRC digit off


# --- at the counter ----------------------------------------------------------------------------


def test_a_qr_at_the_counter_is_paid_once_and_stays_out_of_the_drawer(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[150_000, 170_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    shown = qr_of(rig, "c1", invoices(t))
    assert vietqr.read(shown["payload"]).amount == 320_000
    note = body(shown["ref"], 320_000)
    first = notify(rig, note)
    assert first["status"] == "applied"
    assert notify(rig, note)["status"] == "repeat", "the bank sent it twice: taken once"
    (p,) = rig.payments()
    assert (p.method, p.bank_txn, p.total, p.cashier) == (
        "vietqr",
        note["transaction_id"],
        320_000,
        "user:cashier1",
    )
    after = rig.ticket(t["number"])
    assert after["status"] == "done"
    assert expected_cash(rig, "cashier1") == FLOAT, "the money is at the bank, not in C1"

    def receipts(session: Any) -> list[str]:
        jobs = session.exec(select(DeviceJob).where(DeviceJob.document == "receipt")).all()
        return [j.target for j in jobs]

    assert rig.read(receipts) == ["r1"], "the receipt prints at the counter that showed the QR"
    assert [x.status for x in rig.post_payments()] == ["confirmed"]
    assert len(rig.cmis.posted) == 1


def test_a_qr_is_refused_as_f4_would_be(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[150_000, 170_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code, find=False)
    rig.refused("c1", c.ShowQr("C1", (invoices(t)[0]["invoice_id"],), 150_000), "not_found_yet")
    t = rig.find(t)
    first, second = invoices(t)
    rig.refused("c1", c.ShowQr("C1", (second["invoice_id"],), 170_000), "period_order")
    rig.refused("c1", c.ShowQr("C1", (first["invoice_id"],), 150_001), "amount_mismatch")


# --- while waiting ------------------------------------------------------------------------------


def test_a_ticket_paid_by_its_printed_qr_leaves_the_queue_and_its_paper_is_counted(
    rig: Rig,
) -> None:
    code = rig.cmis.customer(totals=[90_000, 95_000])
    t = rig.issue(code)
    qr = t["qr"]
    assert qr["amount"] == 185_000 and qr["source"] == "ticket"
    assert notify(rig, body(qr["ref"], 185_000))["status"] == "applied"
    after = rig.ticket(t["number"])
    assert (after["status"], after["finish_reason"], after["called_at"]) == (
        "done",
        "paid_qr",
        None,
    )
    rig.open_drawers("c1")
    rig.refused("c1", c.CallNext("C1"), "queue_empty")
    (p,) = rig.payments()
    assert (p.cashier, p.counter_code, p.method) == ("bank:vietqr", "", "vietqr")
    # the customer asks for a paper receipt: any counter prints the copy
    rig.do("c1", c.ReprintReceipt("C1", p.txn_id))

    def receipts(session: Any) -> list[tuple[str, str]]:
        jobs = session.exec(select(DeviceJob).where(DeviceJob.document == "receipt")).all()
        return [(j.target, json.loads(j.payload)["payments"][0]["method"]) for j in jobs]

    assert rig.read(receipts) == [("r1", "vietqr")]
    # its papers stay in the rack, paid: counted once, delivered-and-paid at their lookup
    # counter, never "to return"
    papers = rig.read(delivery.report, rig.branch, rig.day)
    assert papers["to_return"] == []
    even = next(x for x in papers["counters"] if x["counter"] == "LE")
    assert (even["delivered"], even["paid"], even["paid_total"]) == (2, 2, 185_000)


def test_a_qr_and_cash_racing_on_one_invoice_exactly_one_wins(rig: Rig) -> None:
    # cash first: the transfer that follows waits for the head cashier, never applied
    code = rig.cmis.customer(totals=[200_000])
    rig.open_drawers("c1")
    t = rig.serve("c1", code)
    printed = rig.run(bank_uc.ticket_qr(rig.hall, rig.people["sup"], t["number"]))["qr"][0]
    assert printed["source"] == "ticket"
    rig.f4("c1", invoices(t))
    late = notify(rig, body(printed["ref"], 200_000))
    assert (late["status"], late["credit"]["reason"]) == ("exception", "already_paid")
    assert [p.method for p in rig.payments()] == ["cash"]
    # the transfer first: the cashier's F4 is refused, no cash taken twice
    other = rig.cmis.customer(totals=[210_000])
    t2 = rig.issue(other)
    rig.find(t2)
    rig.do("c1", c.CallNumber(counter="C1", number=t2["number"]))
    assert notify(rig, body(t2["qr"]["ref"], 210_000))["status"] == "applied"
    f4 = c.Collect("C1", (invoices(t2)[0]["invoice_id"],), 210_000)
    rig.refused("c1", f4, "no_current_ticket")  # the ticket is done: nothing to take
    assert sorted(p.method for p in rig.payments()) == ["cash", "vietqr"]


def test_credits_that_do_not_agree_wait_as_exceptions(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000])
    t = rig.issue(code)
    ref = t["qr"]["ref"]
    cases = {
        "short": body(ref, 99_000),
        "over": body(ref, 100_500),
        "unknown_reference": body("QMSZZZZZZZZ", 100_000),
        "currency": body(ref, 100_000, currency="USD"),
        "wrong_account": body(ref, 100_000, account="999999999"),
    }
    for reason, note in cases.items():
        got = notify(rig, note)
        assert (got["status"], got["credit"]["reason"]) == ("exception", reason)
    assert rig.payments() == [], "nothing applied silently"
    assert rig.ticket(t["number"])["status"] == "waiting"
    # the over-payment applied by hand (the rest refunded), the others decided
    waiting = {
        x["reason"]: x["id"]
        for x in rig.run(bank_uc.credits_of(rig.hall, rig.people["head"], None, "exception"))[
            "credits"
        ]
    }
    rig.refused(
        "head", c.ApplyCredit(waiting["short"], "khách chuyển thiếu"), "credit_not_applicable"
    )
    applied = rig.do("head", c.ApplyCredit(waiting["over"], "hoàn 500 đ: FT999"))
    assert (applied["status"], applied["resolution"]) == ("resolved", "applied")
    assert rig.ticket(t["number"])["status"] == "done"
    rig.do("head", c.ResolveCredit(waiting["short"], "refunded", "hoàn lại: FT1000"))
    rig.refused("head", c.ResolveCredit(waiting["short"], "other", "lần hai"), "credit_not_open")
    rig.refused("c1", c.ResolveCredit(waiting["currency"], "other", "thu ngân"), "wrong_role")


def test_a_notification_is_refused_unsigned_forged_stale_or_malformed(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000])
    ref = rig.issue(code)["qr"]["ref"]
    note = body(ref, 100_000)

    def refused(code_: str, **kw: Any) -> None:
        with pytest.raises(QmsError) as err:
            notify(rig, kw.pop("data", note), **kw)
        assert err.value.code == code_

    refused("bad_signature", secret="not-the-bank-secret-at-all")
    refused("stale_notification", at=rig.clock.now().timestamp() - 3600)
    refused("invalid_amount", data={**note, "amount": "100000"})
    refused("invalid_amount", data={**note, "amount": 100000.5})
    refused("invalid_notification", data={**note, "credited_at": "07/12/2026"})
    refused("invalid_notification", data={**note, "description": "QMS\x00"})
    with pytest.raises(QmsError) as err:
        rig.run(bank_uc.notify(rig.hall, json.dumps(note).encode(), {}))
    assert err.value.code == "bad_signature"
    assert rig.payments() == [] and notify(rig, note)["status"] == "applied"


def test_a_credit_for_a_closed_day_is_kept_not_applied(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[100_000])
    ref = rig.issue(code)["qr"]["ref"]
    rig.do("sup", c.CloseDay())
    got = notify(rig, body(ref, 100_000))
    assert (got["status"], got["credit"]["reason"]) == ("exception", "day_closed")
    # decided after the close: a refund is not of the closed day's cash
    rig.do("head", c.ResolveCredit(got["credit"]["id"], "refunded", "hoàn lại: FT2000"))
    assert rig.payments() == []


# --- the statement and the close ------------------------------------------------------------


def test_the_day_closes_only_when_the_statement_agrees(rig: Rig) -> None:
    code = rig.cmis.customer(totals=[300_000])
    t = rig.issue(code)
    note = body(t["qr"]["ref"], 300_000)
    notify(rig, note)
    rig.post_payments()
    assert day_blockers(rig) == ["statement_missing"]
    lost = rig.cmis.customer(totals=[120_000])
    lost_ref = rig.issue(lost)["qr"]["ref"]
    sheet = csv_of(
        (note["transaction_id"], 300_000, note["description"]),
        ("FT99000000001", 120_000, f"{lost_ref} thanh toan"),  # its notification never came
        ("FT99000000002", 5_000_000, "NOP TIEN MAT QUAY"),  # the day's cash deposit
    )
    imported = rig.do("head", c.ImportStatement(sheet))
    assert (imported["added"], imported["matched"], len(imported["unmatched"])) == (3, 1, 2)
    again = rig.do("head", c.ImportStatement(sheet))
    assert (again["added"], again["already_imported"]) == (0, 3)
    assert day_blockers(rig) == ["statement_unmatched"]
    lines = {x["bank_txn"]: x["id"] for x in rig.read(statement.of_day, "PE0100", rig.day)}
    got = rig.do("head", c.ReceiveLine(lines["FT99000000001"]))
    assert got["credit"]["status"] == "applied" and got["credit"]["via"] == "statement"
    rig.refused("head", c.ClearLine(lines["FT99000000001"], "đã nhận"), "line_not_open")
    rig.do("head", c.ClearLine(lines["FT99000000002"], "nộp tiền mặt cuối ngày"))
    rig.post_payments()
    assert day_blockers(rig) == [], "closed"
    rig.refused("sup", c.CloseDay(), "day_closed")


def test_an_open_exception_blocks_the_close_until_decided(rig: Rig) -> None:
    got = notify(rig, body("QMSZZZZZZZZ", 50_000))
    assert day_blockers(rig) == ["bank_exceptions_open"]
    rig.do("head", c.ResolveCredit(got["credit"]["id"], "refunded", "hoàn lại: FT3000"))
    # the refunded credit came into the account all the same: the statement must show it
    assert day_blockers(rig) == ["statement_missing"]


def test_a_statement_the_hall_cannot_read_is_refused_whole(rig: Rig) -> None:
    bad = csv_of(("FT1", 100_000, "ok")).replace('"100,000"', '"100.000,5"')
    err = rig.refused("head", c.ImportStatement(bad), "invalid_statement")
    assert err.details["row"] == 2
    rig.refused("head", c.ImportStatement("Ngày,Số\n1,2\n"), "invalid_statement")
    rig.refused("head", c.ImportStatement("a\x00b\n"), "invalid_statement")
    rig.refused("head", c.ImportStatement("x" * 200_000), "invalid_statement")
    english = "Transaction Date,Reference,Debit,Credit,Balance,Description\n"
    english += "07/12/2026 09:00:00,FT7,,250000,0,QMSABCDEFGH\n"
    english += "07/12/2026 09:01:00,FT8,10000,,0,phi\n"  # a debit: not the hall's takings
    english += "07/12/2026 09:00:00,FT7,,250000,0,QMSABCDEFGH\n"  # exported twice: once
    got = rig.do("head", c.ImportStatement(english))
    assert (got["added"], got["already_imported"]) == (1, 1)
