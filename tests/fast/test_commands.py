"""What the edge does with a JSON body: ``commands.parse`` gives the typed command, or the
refusal with its stable code (and the field) that counters and kiosks act on."""

from __future__ import annotations

from typing import Any

import pytest

from qms.domain import commands as c
from qms.domain.errors import QmsError
from qms.domain.tickets import MAX_CUSTOMERS


def refusal(kind: type[c.Command], data: dict[str, Any], **path: object) -> QmsError:
    with pytest.raises(QmsError) as err:
        c.parse(kind, data, **path)
    return err.value


def test_a_good_body_gives_typed_values() -> None:
    cmd = c.parse(c.Collect, {"invoices": [3, 1], "amount": 250_000}, counter="C1")
    assert cmd == c.Collect("C1", (3, 1), 250_000, None)
    assert c.parse(c.CloseDrawer, {"counted": 0}).counted == 0
    assert c.parse(c.IssueTicket, {"customers": ["PE01000000001"] * 2}).customers == (
        "PE01000000001",
    ), "a code given twice is one customer"


@pytest.mark.parametrize("amount", [1.5, "250000", -1, 0, True, None, 10**12 + 1])
def test_an_amount_is_a_positive_whole_number_of_dong(amount: object) -> None:
    err = refusal(c.Collect, {"invoices": [1], "amount": amount}, counter="C1")
    assert (err.code, err.details["field"]) == ("invalid_amount", "amount")


@pytest.mark.parametrize(("kind", "field"), [(c.OpenDrawer, "float"), (c.CloseDrawer, "counted")])
def test_a_float_or_a_count_may_be_zero_but_not_negative(kind: type[c.Command], field: str) -> None:
    assert getattr(c.parse(kind, {field: 0}), field) == 0
    err = refusal(kind, {field: -1})
    assert (err.code, err.details["field"]) == ("invalid_amount", field)


def test_a_tendered_amount_is_checked_too() -> None:
    err = refusal(c.Collect, {"invoices": [1], "amount": 10, "tendered": "10"}, counter="C1")
    assert (err.code, err.details["field"]) == ("invalid_amount", "tendered")


@pytest.mark.parametrize("number", [0, -3, "7", 7.0, True, None])
def test_a_ticket_number_is_a_positive_integer(number: object) -> None:
    err = refusal(c.CallNumber, {"number": number}, counter="C1")
    assert (err.code, err.details["field"]) == ("invalid_ticket_number", "number")
    err = refusal(c.ReturnPapers, {"ticket": number, "invoices": [1], "reason": "other"})
    assert (err.code, err.details["field"]) == ("invalid_ticket_number", "ticket")


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        (c.Collect, {"invoices": [], "amount": 1}, "invoices"),
        (c.Collect, {"invoices": [1, 1], "amount": 1}, "invoices"),
        (c.Collect, {"invoices": [True], "amount": 1}, "invoices"),
        (c.Collect, {"invoices": "1,2", "amount": 1}, "invoices"),
        (c.Transfer, {"to": ""}, "to"),
        (c.Transfer, {}, "to"),
        (c.Declare, {"side": "out", "cashier": 5, "amount": 1}, "cashier"),
        (c.Withdraw, {"id": "4"}, "id"),
        (c.Finish, {"confirm": "yes"}, "confirm"),
        (c.IssueTicket, {"customers": []}, "customers"),
        (c.IssueTicket, {}, "customers"),
        (c.Approve, {"id": 1, "note": "ok"}, "note"),  # a real reason, 3 to 200 characters
        (c.Approve, {"id": 1}, "note"),
        (c.Enroll, {"id": "Kiosk 1", "kind": "kiosk"}, "id"),
        (c.Enroll, {"id": "kiosk-9", "kind": "printer"}, "kind"),
        (c.Enroll, {"id": "kiosk-9", "kind": "kiosk", "printer": ["r1"]}, "printer"),
    ],
)
def test_a_malformed_field_is_named_in_the_refusal(
    kind: type[c.Command], data: dict[str, Any], field: str
) -> None:
    path = {"counter": "C1"} if "counter" in kind.__dataclass_fields__ else {}  # type: ignore[attr-defined]
    err = refusal(kind, data, **path)
    assert (err.code, err.details.get("field")) == ("invalid_request", field)


def test_the_path_counter_is_required_too() -> None:
    err = refusal(c.CallNext, {})
    assert (err.code, err.details["field"]) == ("invalid_request", "counter")


@pytest.mark.parametrize("side", ["sideways", "OUT", "", None, 1])
def test_a_movement_side_is_out_or_in(side: object) -> None:
    err = refusal(c.Declare, {"side": side, "cashier": "head", "amount": 1000})
    assert (err.code, err.details["field"]) == ("invalid_side", "side")


@pytest.mark.parametrize("reason", ["because", "", None, 3, "NOT_ENOUGH_MONEY"])
def test_a_return_gives_one_of_the_known_reasons(reason: object) -> None:
    err = refusal(c.ReturnPapers, {"ticket": 1, "invoices": [1], "reason": reason})
    assert err.code == "invalid_reason"
    assert "not_enough_money" in err.details["allowed"]
    err = refusal(c.ReturnInvoices, {"ticket": 1, "invoices": [1], "reason": reason}, counter="C1")
    assert err.code == "invalid_reason"


@pytest.mark.parametrize("reason", ["", "ok", "   x   ", None, 5, "x" * 201])
def test_a_reversal_says_why_in_3_to_200_characters(reason: object) -> None:
    assert refusal(c.Reverse, {"txn": "T-1", "reason": reason}).code == "invalid_reason"


def test_a_reversal_reason_is_trimmed() -> None:
    assert c.parse(c.Reverse, {"txn": "T-1", "reason": "  wrong customer "}).reason == (
        "wrong customer"
    )


@pytest.mark.parametrize(
    "code", ["pe01000000001", "PE0100000001", "PE010000000012", "P101000000001", 1234, None]
)
def test_a_customer_code_is_two_capitals_and_eleven_digits(code: object) -> None:
    err = refusal(c.IssueTicket, {"customers": ["PE01000000001", code]})
    assert err.code == "invalid_customer_code"


def test_a_ticket_holds_at_most_ten_customers() -> None:
    codes = [f"PE01{n:09d}" for n in range(MAX_CUSTOMERS + 1)]
    assert refusal(c.IssueTicket, {"customers": codes}).code == "too_many_customers"


def test_an_unknown_lookup_mark_is_not_found() -> None:
    err = refusal(c.LookupMark, {"mark": "lost"}, number=1, invoice_id=2)
    assert (err.code, err.status) == ("unknown_action", 404)
